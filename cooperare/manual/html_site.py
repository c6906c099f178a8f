"""The static HTML version: ``index.html`` (cover and contents) and one page per chapter, with a shared stylesheet.

Pages link to each other (previous, contents, next). The output is a pure function of the document: the same
document gives the same bytes. This module must not decide content.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from cooperare.manual.model import DocChapter, Document
from cooperare.manual.xhtml import STYLE, chapter_page, page, toc_list


def chapter_file(chapter: DocChapter) -> str:
    return f"{chapter.key}.html"


def html_files(doc: Document) -> dict[str, bytes]:
    """File name → content of the whole site."""
    files: dict[str, bytes] = {"style.css": STYLE.encode("utf-8")}
    cover = (f"<header><h1>{escape(doc.meta.title)}</h1><p>{escape(doc.meta.subtitle)}</p>"
             f'<p class="meta">{escape(doc.meta.publisher)}<br/>Versiunea {escape(doc.meta.version)}, '
             f'{escape(doc.meta.date)}</p>'
             f"</header><nav><h2>Cuprins</h2>{toc_list(doc, chapter_file)}</nav>")
    files["index.html"] = page(doc.meta.title, cover, lang=doc.meta.language, stylesheet="style.css").encode("utf-8")
    chapters = list(doc.chapters)
    for index, chapter in enumerate(chapters):
        def nav(current: DocChapter, index: int = index) -> str:
            links = []
            if index > 0:
                links.append(f'<a href="{chapter_file(chapters[index - 1])}">« Înapoi</a>')
            links.append('<a href="index.html">Cuprins</a>')
            if index + 1 < len(chapters):
                links.append(f'<a href="{chapter_file(chapters[index + 1])}">Înainte »</a>')
            return f"<nav><p>{' | '.join(links)}</p></nav>"

        files[chapter_file(chapter)] = chapter_page(doc, chapter, stylesheet="style.css", nav=nav).encode("utf-8")
    return files


def write_html(doc: Document, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in sorted(html_files(doc).items()):
        path = folder / name
        path.write_bytes(data)
        written.append(path)
    return written
