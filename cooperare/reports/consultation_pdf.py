"""Consultation reports as PDF: the synthesis of recommendations of one consultation and the annual art. 13 report.

Laid out with reportlab in the pack's embedded font (the glyph check of :mod:`cooperare.certificates.fonts` runs on
every label this module writes; text from contributors goes through :meth:`FontPair.printable`, so an emoji prints
as U+FFFD instead of stopping the report). Count tables reuse :func:`cooperare.reports.pdf.table_flowables`; each
recommendation is a :class:`TextBlock` drawn line by line on the canvas — never parsed as markup, so ``<script>``
or ``<b>`` in a post prints as typed — which keeps 5,000 recommendations within seconds and splits across pages.
Right-to-left runs (Arabic, Hebrew) in a recommendation are put in display order line by line
(:func:`cooperare.reports.bidi.visual`), so they read right to left and extract in their logical order; Arabic
letters are not joined (reportlab shapes no Arabic without a library the pack does not install). This module must
not compute the reports.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer

from cooperare.certificates.fonts import FontPair
from cooperare.consultation_bridge.calendar import LAW
from cooperare.reports.bidi import visual
from cooperare.reports.certification import Table
from cooperare.reports.pdf import CERTIFIED_COLOUR, PAGE, table_flowables

ASTRAL = re.compile("[\U00010000-\U0010ffff]")
"""Characters beyond the Basic Multilingual Plane (emoji): reportlab writes their ToUnicode entry so that PDF readers
extract a wrong character (U+1F600 comes back as U+1F60), so they print as U+FFFD and are never misquoted."""
FONT_SIZE = 8.5
LEADING = 11.0
HEAD_FILL = colors.HexColor("#EEF2F8")


def printable(text: str, fonts: FontPair) -> str:
    """Untrusted text as it can be printed and extracted again: emoji and glyphs the font lacks become U+FFFD."""
    return fonts.printable(ASTRAL.sub("\ufffd", text))


def styles(fonts: FontPair) -> dict[str, ParagraphStyle]:
    return {
        "title": ParagraphStyle("title", fontName=fonts.bold, fontSize=17, leading=22, spaceAfter=3 * mm,
                                textColor=CERTIFIED_COLOUR),
        "heading": ParagraphStyle("heading", fontName=fonts.bold, fontSize=13, leading=17, spaceBefore=4 * mm,
                                  spaceAfter=2 * mm, textColor=CERTIFIED_COLOUR, keepWithNext=1),
        "body": ParagraphStyle("body", fontName=fonts.regular, fontSize=9.5, leading=12.5, spaceAfter=1.5 * mm),
    }


def para(text: str, style: ParagraphStyle, fonts: FontPair) -> Paragraph:
    """A paragraph of plain text: escaped (never markup) and printable in the font."""
    return Paragraph(escape(printable(text, fonts)).replace("\n", "<br/>"), style)


def clean_table(table: Table, fonts: FontPair) -> Table:
    """``table`` with every text cell printable in the font."""
    return replace(table, rows=tuple(tuple(printable(v, fonts) if isinstance(v, str) else v for v in row)
                                     for row in table.rows))


def fit_line(line: str, font: str, room: float) -> list[str]:
    """``line`` as pieces no wider than ``room``: a word longer than the line (a long link, say) is broken between
    characters, never left to run off the page."""
    pieces: list[str] = []
    while stringWidth(line, font, FONT_SIZE) > room and len(line) > 1:
        low, high = 1, len(line) - 1  # the longest head that fits, at least one character
        while low < high:
            middle = (low + high + 1) // 2
            low, high = (middle, high) if stringWidth(line[:middle], font, FONT_SIZE) <= room else (low, middle - 1)
        pieces.append(line[:low])
        line = line[low:]
    pieces.append(line)
    return pieces


class TextBlock(Flowable):
    """Lines of plain text (each with its font), wrapped to the frame, drawn with one text object; splits between
    lines when it does not fit the rest of a page. ``head`` lines get a shaded band."""

    def __init__(self, pieces: Sequence[tuple[str, str]], *, fonts: FontPair, head: int = 1) -> None:
        super().__init__()
        self.pieces = list(pieces)
        self.fonts = fonts
        self.head = head
        self.lines: list[tuple[str, str]] = []
        self.width = 0.0

    def _layout(self, width: float) -> None:
        if self.lines and self.width == width:
            return
        self.width = width
        self.lines = []
        for font, text in self.pieces:
            for line in simpleSplit(text, font, FONT_SIZE, width - 6) or [""]:
                self.lines += [(font, piece) for piece in fit_line(line, font, width - 6)]

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self._layout(available_width)
        return available_width, len(self.lines) * LEADING + 5

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        self._layout(available_width)
        fit = int((available_height - 5) // LEADING)
        if fit < 2 or fit >= len(self.lines):
            return []
        first = TextBlock([], fonts=self.fonts, head=min(self.head, fit))
        rest = TextBlock([], fonts=self.fonts, head=max(0, self.head - fit))
        for block, lines in ((first, self.lines[:fit]), (rest, self.lines[fit:])):
            block.lines, block.width = lines, available_width
            block.pieces = list(lines)
        return [first, rest]

    def draw(self) -> None:
        canvas = self.canv
        height = len(self.lines) * LEADING + 5
        heads = min(self.head, len(self.lines))
        if heads:
            canvas.setFillColor(HEAD_FILL)
            canvas.rect(0, height - heads * LEADING - 3, self.width, heads * LEADING + 3, stroke=0, fill=1)
        canvas.setStrokeColor(colors.lightgrey)
        canvas.setLineWidth(0.4)
        canvas.line(0, 0.5, self.width, 0.5)
        canvas.setFillColor(colors.black)
        text = canvas.beginText(3, height - LEADING)
        current = None
        for font, line in self.lines:
            if font != current:
                text.setFont(font, FONT_SIZE, LEADING)
                current = font
            text.textLine(visual(line))
        canvas.drawText(text)


def _footer(title: str, fonts: FontPair) -> Any:
    shown = printable(title, fonts)
    shown = shown if len(shown) <= 110 else shown[:109] + "…"

    def draw(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(fonts.regular, 7)
        canvas.setFillColor(colors.grey)
        canvas.drawString(12 * mm, 7 * mm, shown)
        canvas.drawRightString(PAGE[0] - 12 * mm, 7 * mm, f"Pagina {document.page}")
        canvas.restoreState()

    return draw


def build_pdf(path: Path, story: list[Any], *, title: str, fonts: FontPair) -> None:
    document = SimpleDocTemplate(str(path), pagesize=PAGE, leftMargin=12 * mm, rightMargin=12 * mm,
                                 topMargin=12 * mm, bottomMargin=14 * mm, title=printable(title, fonts),
                                 author="cooperare")
    footer = _footer(title, fonts)
    document.build(story, onFirstPage=footer, onLaterPages=footer)


def write_synthesis_pdf(synthesis: Any, path: Path, *, fonts: FontPair) -> None:
    """The synthesis (:class:`~cooperare.consultation_bridge.synthesis.Synthesis`) as an A4 landscape PDF."""
    labels = "".join({c.title for t in synthesis.tables for c in t.columns} | {t.title for t in synthesis.tables})
    fonts.require(labels + "Sinteza recomandărilor primite Răspuns Motivare după termen identice contopite")
    s = styles(fonts)
    consultation = synthesis.consultation
    story: list[Any] = [
        para("Sinteza recomandărilor primite", s["title"], fonts),
        para(consultation.title, s["heading"], fonts),
        para(f"Autoritatea: {consultation.authority.name}. Consultare publică potrivit {LAW}. "
             f"Document generat la {synthesis.generated_at:%d.%m.%Y %H:%M} UTC.", s["body"], fonts),
        para("Numele participanților apar numai cu acordul lor; adresele de e-mail nu se păstrează.", s["body"],
             fonts),
        Spacer(1, 2 * mm),
    ]
    for table in (synthesis.summary, synthesis.by_category, synthesis.by_part):
        story += [para(table.title, s["heading"], fonts), *table_flowables(clean_table(table, fonts), fonts=fonts)]
    story.append(para("Recomandări și răspunsuri", s["heading"], fonts))
    if not synthesis.recommendations:
        story.append(para("Nu s-a primit nicio recomandare.", s["body"], fonts))
    for item in synthesis.recommendations:
        flags = "".join([", primită după termen" if item.late else "",
                         f", +{item.duplicates} identice contopite" if item.duplicates else "",
                         f", modificată (versiunea {item.revision})" if item.revision > 1 else ""])
        head = (f"{item.number}. {item.part_key} – {item.part_title} · {item.category} · {item.author} · "
                f"{item.submitted_at:%d.%m.%Y}{flags}")
        answer = f"Răspuns: {item.answer}" + (f". Motivare: {item.reason}" if item.reason else "")
        story.append(TextBlock([(fonts.bold, printable(head, fonts)), (fonts.regular, printable(item.text, fonts)),
                                (fonts.bold, printable(answer, fonts))], fonts=fonts))
    story += [para(synthesis.debate_requests.title, s["heading"], fonts)]
    if synthesis.debate_requests.rows:
        story += table_flowables(clean_table(synthesis.debate_requests, fonts), fonts=fonts)
    else:
        story.append(para("Nu s-a primit nicio cerere de dezbatere publică.", s["body"], fonts))
    story.append(para("Dezbateri publice – minute", s["heading"], fonts))
    if not synthesis.minutes.debates:
        story.append(para("Nu s-a organizat nicio dezbatere publică.", s["body"], fonts))
    for debate in synthesis.minutes.debates:
        story.append(para(f"{debate.date:%d.%m.%Y}, {debate.place}; participanți: {debate.participants}",
                          s["body"], fonts))
        if debate.summary:
            story.append(para(debate.summary, s["body"], fonts))
        for intervention in debate.interventions:
            story.append(para(f"{intervention.speaker}: {intervention.text}", s["body"], fonts))
        if debate.conclusions:
            story.append(para(f"Concluzii: {debate.conclusions}", s["body"], fonts))
    build_pdf(path, story, title=f"Sinteza recomandărilor – {consultation.title}", fonts=fonts)


def write_annual_pdf(annual: Any, path: Path, *, fonts: FontPair) -> None:
    """The art. 13 report (:class:`~cooperare.consultation_bridge.annual.AnnualReport`) as an A4 landscape PDF."""
    fonts.require("".join({c.title for t in annual.tables for c in t.columns} | {t.title for t in annual.tables}))
    s = styles(fonts)
    story: list[Any] = [
        para(f"Raport anual privind transparența decizională – anul {annual.year}", s["title"], fonts),
        para(f"Autoritatea: {annual.authority}. Întocmit potrivit art. 13 din {LAW}. "
             f"Document generat la {annual.generated_at:%d.%m.%Y %H:%M} UTC.", s["body"], fonts),
        *table_flowables(clean_table(annual.report, fonts), fonts=fonts),
        para(annual.consultations.title, s["heading"], fonts),
        *table_flowables(clean_table(annual.consultations, fonts), fonts=fonts),
    ]
    for table in annual.details:
        story.append(para(table.title, s["heading"], fonts))
        if table.rows:
            story += table_flowables(clean_table(table, fonts), fonts=fonts)
        else:
            story.append(para("Nu este cazul.", s["body"], fonts))
    story += [para("Evaluarea proprie a parteneriatului cu cetățenii și asociațiile legal constituite "
                   "(art. 13 alin. (1) lit. f))", s["heading"], fonts), para(annual.evaluation, s["body"], fonts)]
    build_pdf(path, story, title=f"Raport anual art. 13 – {annual.authority} – {annual.year}", fonts=fonts)
