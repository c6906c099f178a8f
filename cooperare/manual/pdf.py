"""The manual as a typeset A4 PDF with reportlab platypus.

Cover, table of contents with page numbers (two passes), running header (manual title and current chapter) and page
numbers, numbered tables and figures (bar charts drawn from their data), PDF outline (bookmarks per chapter and
section), document language ``ro-RO`` and title metadata. Text is set ragged-right without hyphenation: reportlab
only hyphenates through pyphen, and a wrong Romanian break is worse than an uneven right edge (justify did not pay
for a new dependency). reportlab cannot write a tagged (PDF/UA) structure tree; we give what it can — outline,
language, metadata, real text. The PDF is built with reportlab's ``invariant`` mode, so the same document gives the
same bytes; signing (optional, by the caller) adds the only varying part. Fonts come from
:mod:`cooperare.certificates.fonts` and every character is glyph-checked first. This module must not read content.
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

import pyphen  # reportlab hyphenates through it (hyphenationLang)
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import registerFontFamily, stringWidth
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    KeepTogether,
    ListFlowable,
    ListItem,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as PdfTable
from reportlab.platypus.tableofcontents import TableOfContents

from cooperare.certificates.fonts import FontPair
from cooperare.errors import ConfigError
from cooperare.manual.content import Table
from cooperare.manual.model import DocChapter, Document, FigureBlock, Heading, ListBlock, Span, TableBlock
from cooperare.manual.model import Paragraph as ParaBlock
from cooperare.manual.xhtml import chapter_heading

ACCENT = colors.HexColor("#1F4E79")
HEADER_FILL = colors.HexColor("#DDE6F2")
MARGIN = 22 * mm
PRODUCER = "cooperare (reportlab)"
HYPHENATION_LANG = "ro_RO"


class _Styles:
    def __init__(self, fonts: FontPair) -> None:
        registerFontFamily(fonts.regular, normal=fonts.regular, bold=fonts.bold, italic=fonts.regular,
                           boldItalic=fonts.bold)
        base = dict(fontName=fonts.regular, fontSize=10, leading=14.5)
        # Justified text hyphenated with the Romanian patterns (pyphen's LibreOffice dictionary): words break at
        # syllables (ad-mi-nis-tra-ți-ei), never inside a word of fewer than 5 letters, and URLs are not split.
        if HYPHENATION_LANG not in pyphen.LANGUAGES:  # a pyphen without its Romanian dictionary
            raise ConfigError(f"pyphen has no {HYPHENATION_LANG} hyphenation dictionary",
                              hint="reinstall pyphen (pip install --force-reinstall pyphen)")
        hyphenated = dict(alignment=TA_JUSTIFY, hyphenationLang=HYPHENATION_LANG, embeddedHyphenation=0,
                          uriWasteReduce=0.0)
        self.body = ParagraphStyle("body", **base, **hyphenated, spaceAfter=6)
        self.summary = ParagraphStyle("summary", **base, textColor=colors.HexColor("#444444"), spaceAfter=10)
        self.h1 = ParagraphStyle("h1", fontName=fonts.bold, fontSize=18, leading=23, textColor=ACCENT,
                                 spaceAfter=8)
        self.h2 = ParagraphStyle("h2", fontName=fonts.bold, fontSize=13, leading=17, textColor=ACCENT,
                                 spaceBefore=10, spaceAfter=5, keepWithNext=1)
        self.h3 = ParagraphStyle("h3", fontName=fonts.bold, fontSize=11, leading=15, spaceBefore=6, spaceAfter=4,
                                 keepWithNext=1)
        self.caption = ParagraphStyle("caption", fontName=fonts.bold, fontSize=9, leading=12, spaceBefore=6,
                                      spaceAfter=4, textColor=ACCENT, keepWithNext=1)
        self.cell = ParagraphStyle("cell", fontName=fonts.regular, fontSize=8, leading=10.5)
        self.head_cell = ParagraphStyle("headcell", fontName=fonts.bold, fontSize=8, leading=10.5)
        self.cover_title = ParagraphStyle("cover", fontName=fonts.bold, fontSize=26, leading=32, textColor=ACCENT)
        self.cover_text = ParagraphStyle("covertext", fontName=fonts.regular, fontSize=13, leading=18)
        self.toc = [ParagraphStyle("toc1", fontName=fonts.bold, fontSize=10.5, leading=15, leftIndent=0),
                    ParagraphStyle("toc2", fontName=fonts.regular, fontSize=9.5, leading=13, leftIndent=14)]
        self.fonts = fonts


def _inline(spans: tuple[Span, ...]) -> str:
    out = []
    for span in spans:
        text = escape(span.text)
        if span.strong:
            text = f"<b>{text}</b>"
        if span.em or span.code:
            text = f'<font color="#333366">{text}</font>'
        if span.href:
            text = f'<a href="{escape(span.href)}" color="#1F4E79">{text}</a>'
        out.append(text)
    return "".join(out)


class _Marked(Paragraph):
    """A heading paragraph that tells the template to add a TOC entry and an outline bookmark."""

    def __init__(self, text: str, style: ParagraphStyle, *, level: int, key: str, label: str) -> None:
        super().__init__(text, style)
        self.toc_level = level
        self.toc_key = key
        self.toc_label = label


class _ManualTemplate(BaseDocTemplate):
    def __init__(self, buffer: io.BytesIO, doc: Document, styles: _Styles) -> None:
        super().__init__(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN + 4 * mm,
                         bottomMargin=MARGIN, title=doc.meta.title, author=doc.meta.publisher,
                         subject=doc.meta.subtitle,
                         creator=PRODUCER, invariant=1, lang="ro-RO")
        self.document = doc
        self.styles = styles
        self.current = ""
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([PageTemplate("cover", [frame]),
                               PageTemplate("body", [frame], onPageEnd=self._decorate)])

    def beforeDocument(self) -> None:
        self.current = ""  # each pass of the two-pass build starts with no chapter

    def _decorate(self, canvas: Any, doc: Any) -> None:
        width, height = A4
        fonts = self.styles.fonts
        canvas.saveState()
        canvas.setFont(fonts.regular, 8)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(MARGIN, height - MARGIN + 2 * mm, self.document.meta.title)
        if self.current:
            canvas.drawRightString(width - MARGIN, height - MARGIN + 2 * mm, self.current)
        canvas.setStrokeColor(HEADER_FILL)
        canvas.line(MARGIN, height - MARGIN, width - MARGIN, height - MARGIN)
        canvas.drawCentredString(width / 2, MARGIN - 8 * mm, str(canvas.getPageNumber()))
        canvas.restoreState()

    def afterFlowable(self, flowable: Any) -> None:
        if isinstance(flowable, _Marked):
            text = flowable.getPlainText()
            if flowable.toc_level == 0:
                self.current = text
            self.canv.bookmarkPage(flowable.toc_key)
            self.canv.addOutlineEntry(text, flowable.toc_key, level=flowable.toc_level, closed=True)
            self.notify("TOCEntry", (flowable.toc_level, text, self.page, flowable.toc_key))


def _table(block: TableBlock, styles: _Styles, width: float) -> list[Any]:
    table = block.table
    widths = _column_widths(table, styles, width)
    data = [[Paragraph(escape(c), styles.head_cell) for c in table.columns]]
    data += [[Paragraph(escape(c), styles.cell) for c in row] for row in table.rows]
    grid = PdfTable(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    grid.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                              ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9FB3C8")),
                              ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    caption = Paragraph(f"Tabelul {block.number}. {escape(table.caption)}", styles.caption)
    return [caption, grid, Spacer(1, 6)]


def _column_widths(table: Table, styles: _Styles, width: float) -> list[float]:
    """Each column at least as wide as its longest word (no word is broken), the rest shared by text length."""
    fonts = styles.fonts
    minimum, wanted = [], []
    for index, column in enumerate(table.columns):
        cells = [row[index] for row in table.rows]
        words = [w for text in [column, *cells] for w in text.split()] or [" "]
        minimum.append(max(stringWidth(w, fonts.bold, 8) for w in words) + 14)
        wanted.append(max(stringWidth(text, fonts.regular, 8) for text in [column, *cells]) + 14)
    spare = width - sum(minimum)
    extra = [max(w - m, 0.0) for w, m in zip(wanted, minimum, strict=True)]
    if spare <= 0 or not sum(extra):
        scale = width / sum(minimum)
        return [m * scale for m in minimum]
    share = min(1.0, spare / sum(extra))
    widths = [m + e * share for m, e in zip(minimum, extra, strict=True)]
    return [w * width / sum(widths) for w in widths]


def _figure(block: FigureBlock, styles: _Styles, width: float) -> list[Any]:
    figure = block.figure
    label_width = 170.0
    height = 22.0 * len(figure.bars) + 30
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = label_width, 20
    chart.width, chart.height = width - label_width - 20, height - 30
    chart.data = [[value for _, value in reversed(figure.bars)]]
    chart.categoryAxis.categoryNames = [label for label, _ in reversed(figure.bars)]
    chart.categoryAxis.labels.fontName = styles.fonts.regular
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, figure.maximum
    chart.valueAxis.valueStep = figure.maximum / 5
    chart.valueAxis.labels.fontName = styles.fonts.regular
    chart.valueAxis.labels.fontSize = 8
    chart.bars[0].fillColor = ACCENT
    chart.barLabelFormat = "%g"
    chart.barLabels.fontName = styles.fonts.regular
    chart.barLabels.fontSize = 8
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    caption = Paragraph(f"Figura {block.number}. {escape(figure.caption)}", styles.caption)
    return [KeepTogether([drawing, caption])]


def _chapter(chapter: DocChapter, styles: _Styles, width: float) -> list[Any]:
    flow: list[Any] = [PageBreak(),
                       _Marked(escape(chapter_heading(chapter)), styles.h1, level=0, key=chapter.key, label=""),
                       Paragraph(escape(chapter.summary), styles.summary)]
    for block in chapter.blocks:
        if isinstance(block, Heading):
            style = styles.h2 if block.level == 2 else styles.h3
            text = escape(f"{block.number} {block.text}")
            flow.append(_Marked(text, style, level=1, key=block.anchor, label=block.number) if block.level == 2
                        else Paragraph(text, style))
        elif isinstance(block, ParaBlock):
            flow.append(Paragraph(_inline(block.spans), styles.body))
        elif isinstance(block, ListBlock):
            items = [ListItem(Paragraph(_inline(item), styles.body)) for item in block.items]
            flow.append(ListFlowable(items, bulletType="1" if block.ordered else "bullet", start=None if
                                     block.ordered else "•", bulletFontName=styles.fonts.regular,
                                     bulletFontSize=9, leftIndent=14))
        elif isinstance(block, TableBlock):
            flow.extend(_table(block, styles, width))
        elif isinstance(block, FigureBlock):
            flow.extend(_figure(block, styles, width))
    return flow


def render_pdf(doc: Document, *, fonts: FontPair) -> bytes:
    """The unsigned PDF of ``doc``; refuses text the fonts cannot print."""
    fonts.require(doc.text() + "Cuprins Tabelul Figura Capitolul Anexa Versiunea •")
    styles = _Styles(fonts)
    buffer = io.BytesIO()
    template = _ManualTemplate(buffer, doc, styles)
    toc = TableOfContents(levelStyles=styles.toc, dotsMinLevel=0)
    story: list[Any] = [
        Spacer(1, 50 * mm), Paragraph(escape(doc.meta.title), styles.cover_title), Spacer(1, 8 * mm),
        Paragraph(escape(doc.meta.subtitle), styles.cover_text), Spacer(1, 30 * mm),
        Paragraph(escape(doc.meta.publisher), styles.cover_text), Spacer(1, 6 * mm),
        Paragraph(f"Versiunea {escape(doc.meta.version)} – {escape(doc.meta.date)}", styles.cover_text),
        NextPageTemplate("body"), PageBreak(), Paragraph("Cuprins", styles.h1), toc,
    ]
    for chapter in doc.chapters:
        story.extend(_chapter(chapter, styles, template.width))
    template.multiBuild(story)
    return buffer.getvalue()
