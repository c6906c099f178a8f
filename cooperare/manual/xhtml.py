"""The document model as XHTML pages: shared by the static HTML site and the EPUB (which requires XHTML).

Every page is well-formed XHTML5 with ``lang="ro"``; figures are inline SVG bar charts drawn from their data, tables
are real tables with a caption and header cells. This module builds strings only; it must not write files.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from cooperare.manual.model import (
    DocChapter,
    Document,
    FigureBlock,
    Heading,
    ListBlock,
    Paragraph,
    Span,
    TableBlock,
)

STYLE = """body{font-family:"DejaVu Sans",sans-serif;line-height:1.5;max-width:46em;margin:0 auto;padding:1em;
color:#1b1b1b}
h1{color:#1F4E79;font-size:1.6em}h2{color:#1F4E79;font-size:1.25em;margin-top:1.6em}h3{font-size:1.05em}
table{border-collapse:collapse;width:100%;margin:1em 0;font-size:.9em}th,td{border:1px solid #9fb3c8;padding:.3em .5em;
text-align:left;vertical-align:top}th{background:#DDE6F2}caption{caption-side:top;font-weight:bold;text-align:left;
padding:.3em 0}figure{margin:1em 0}figcaption{font-weight:bold}nav ol{padding-left:1.4em}.meta{color:#555}
.summary{font-style:italic;color:#444}svg text{font-family:"DejaVu Sans",sans-serif}
"""


def spans_html(spans: tuple[Span, ...]) -> str:
    out = []
    for span in spans:
        text = escape(span.text, quote=False)
        if span.code:
            text = f"<code>{text}</code>"
        if span.em:
            text = f"<em>{text}</em>"
        if span.strong:
            text = f"<strong>{text}</strong>"
        if span.href:
            text = f'<a href="{escape(span.href)}">{text}</a>'
        out.append(text)
    return "".join(out)


def figure_svg(block: FigureBlock) -> str:
    figure = block.figure
    label_width, bar_area, row = 260, 300, 26
    height = row * len(figure.bars) + 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_width + bar_area + 50}" height="{height}" '
             f'role="img" aria-label="{escape(figure.caption)}">']
    for index, (label, value) in enumerate(figure.bars):
        y = 5 + index * row
        width = round(bar_area * value / figure.maximum, 1)
        parts.append(f'<text x="{label_width - 6}" y="{y + 16}" text-anchor="end" font-size="12">'
                     f'{escape(label)}</text>')
        parts.append(f'<rect x="{label_width}" y="{y + 3}" width="{width}" height="{row - 8}" fill="#1F4E79"/>')
        parts.append(f'<text x="{label_width + width + 4}" y="{y + 16}" font-size="12">{value:g}</text>')
    parts.append("</svg>")
    return "".join(parts)


def blocks_html(chapter: DocChapter) -> str:
    out: list[str] = []
    for block in chapter.blocks:
        if isinstance(block, Heading):
            tag = f"h{block.level}"
            out.append(f'<{tag} id="{block.anchor}">{escape(block.number)} {escape(block.text)}</{tag}>')
        elif isinstance(block, Paragraph):
            out.append(f"<p>{spans_html(block.spans)}</p>")
        elif isinstance(block, ListBlock):
            tag = "ol" if block.ordered else "ul"
            items = "".join(f"<li>{spans_html(item)}</li>" for item in block.items)
            out.append(f"<{tag}>{items}</{tag}>")
        elif isinstance(block, TableBlock):
            table = block.table
            head = "".join(f'<th scope="col">{escape(c)}</th>' for c in table.columns)
            rows = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in table.rows)
            out.append(f"<table><caption>Tabelul {block.number}. {escape(table.caption)}</caption>"
                       f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
        elif isinstance(block, FigureBlock):
            out.append(f"<figure>{figure_svg(block)}<figcaption>Figura {block.number}. "
                       f"{escape(block.figure.caption)}</figcaption></figure>")
    return "\n".join(out)


def chapter_heading(chapter: DocChapter) -> str:
    prefix = "Anexa" if chapter.number == "A" else f"Capitolul {chapter.number}"
    return f"{prefix}. {chapter.title}"


def page(title: str, body: str, *, lang: str, stylesheet: str, xml_declaration: bool = False) -> str:
    head = '<?xml version="1.0" encoding="utf-8"?>\n' if xml_declaration else ""
    return (f'{head}<!DOCTYPE html>\n<html xmlns="http://www.w3.org/1999/xhtml" '
            f'xmlns:epub="http://www.idpf.org/2007/ops" lang="{lang}" xml:lang="{lang}">\n'
            f'<head>\n<meta charset="utf-8"/>\n<title>{escape(title)}</title>\n'
            f'<link rel="stylesheet" type="text/css" href="{stylesheet}"/>\n</head>\n<body>\n{body}\n'
            '</body>\n</html>\n')


def chapter_page(doc: Document, chapter: DocChapter, *, stylesheet: str, xml_declaration: bool = False,
                 nav: Callable[[DocChapter], str] | None = None) -> str:
    body = (f'<section id="{chapter.anchor}">\n<h1>{escape(chapter_heading(chapter))}</h1>\n'
            f'<p class="summary">{escape(chapter.summary)}</p>\n{blocks_html(chapter)}\n</section>')
    if nav is not None:
        body += nav(chapter)
    return page(f"{chapter_heading(chapter)} – {doc.meta.title}", body, lang=doc.meta.language, stylesheet=stylesheet,
                xml_declaration=xml_declaration)


def toc_list(doc: Document, href: Callable[[DocChapter], str]) -> str:
    items = []
    for chapter in doc.chapters:
        subs = "".join(f'<li><a href="{href(chapter)}#{h.anchor}">{escape(h.number)} {escape(h.text)}</a></li>'
                       for h in chapter.sections())
        sub_list = f"<ol>{subs}</ol>" if subs else ""
        items.append(f'<li><a href="{href(chapter)}">{escape(chapter_heading(chapter))}</a>{sub_list}</li>')
    return f"<ol>{''.join(items)}</ol>"
