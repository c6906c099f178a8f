"""The consultation PDFs: the synthesis of recommendations (with the debate minutes) and the annual art. 13 report.

Same page, fonts, tables and styles as :mod:`cooperare.reports.pdf`. Contributions are untrusted text: they are
never given to a markup parser (no ``Paragraph``), but laid out as plain lines (:class:`Lines`, split across pages
as needed) and printed in full, never shortened. A character of a contribution or an author's name that the font
cannot print (an emoji, say) is shown as ``[U+1F44D]`` instead of an empty box; every other text — labels, titles,
reasons, minutes, which come from the authority — must pass the glyph check (:meth:`FontPair.require`). Right-to-left
runs (Arabic, Hebrew) are put in visual order line by line (:func:`visual`, a simplified Unicode bidirectional
algorithm: strong letters, neutrals between them, no mirroring or Arabic letter shaping), so they read right to left
and text extraction gives the logical order back. This module must not compute the reports.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer

from cooperare.certificates.fonts import FontPair, _missing
from cooperare.consultation_bridge.annual import LAW_ARTICLE, AnnualReport
from cooperare.consultation_bridge.synthesis import Synthesis
from cooperare.reports.certification import Table
from cooperare.reports.pdf import PAGE, _pieces, _styles

TEXT_SIZE = 8.5
LEADING = 11.0
CHUNK_LINES = 400
MARGIN = 12 * mm
WIDTH = PAGE[0] - 2 * MARGIN


def printable(text: str, fonts: FontPair) -> str:
    """``text`` with every character the regular face lacks written as ``[U+XXXX]``."""
    known = _PRINTABLE.setdefault(fonts.regular, set())
    unseen = set(text) - known
    if not unseen:
        return text
    missing = set(_missing(fonts.regular, "".join(unseen)))
    known.update(unseen - missing)
    if not missing:
        return text
    return text.translate({ord(ch): f"[U+{ord(ch):04X}]" for ch in missing})


_WIDTHS: dict[tuple[str, float], dict[str, float]] = {}
"""Word widths already measured, per font and size (words repeat across thousands of contributions)."""
_PRINTABLE: dict[str, set[str]] = {}
"""Characters already found in each regular face."""
_RTL = ("R", "AL")
_RTL_CHARS = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff\U0001e800-\U0001efff]")
"""Blocks of right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, N'Ko… and their presentation forms)."""


def visual(line: str) -> str:
    """One line in display order: right-to-left runs reversed; a line that starts right-to-left is laid out
    right-to-left as a whole (its left-to-right runs kept in order)."""
    if not _RTL_CHARS.search(line):
        return line
    kinds = [unicodedata.bidirectional(ch) for ch in line]
    strong = ["R" if k in _RTL else "L" if k in ("L", "EN", "AN") else "" for k in kinds]
    base = next(k for k in strong if k)
    resolved = strong[:]
    for i, k in enumerate(strong):
        if not k:
            before = next((strong[j] for j in range(i - 1, -1, -1) if strong[j]), base)
            after = next((strong[j] for j in range(i + 1, len(strong)) if strong[j]), base)
            resolved[i] = before if before == after else base
    runs: list[tuple[str, str]] = []
    for ch, k in zip(line, resolved, strict=True):
        if runs and runs[-1][0] == k:
            runs[-1] = (k, runs[-1][1] + ch)
        else:
            runs.append((k, ch))
    pieces = [text[::-1] if k == "R" else text for k, text in runs]
    return "".join(reversed(pieces) if base == "R" else pieces)


def wrap_lines(text: str, *, font: str, size: float, width: float) -> list[str]:
    """Plain text as lines no wider than ``width`` (paragraphs kept, an over-long word broken), nothing dropped."""
    widths = _WIDTHS.setdefault((font, size), {})
    if len(widths) > 100_000:
        widths.clear()

    def measure(word: str) -> float:
        found = widths.get(word)
        if found is None:
            found = widths[word] = stringWidth(word, font, size)
        return found

    space = measure(" ")
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current: list[str] = []
        used = 0.0
        for word in paragraph.split():
            while measure(word) > width and len(word) > 1:
                low, high = 1, len(word) - 1  # the longest head of the word that fits (at least one character)
                while low < high:
                    middle = (low + high + 1) // 2
                    fits = stringWidth(word[:middle], font, size) <= width
                    low, high = (middle, high) if fits else (low, middle - 1)
                if current:
                    lines.append(" ".join(current))
                    current, used = [], 0.0
                lines.append(word[:low])
                word = word[low:]
            wide = measure(word)
            if current and used + space + wide > width:
                lines.append(" ".join(current))
                current, used = [], 0.0
            used += (space if current else 0.0) + wide
            current.append(word)
        lines.append(" ".join(current))
    return lines


class Lines(Flowable):
    """Lines of plain text, each in its font and colour, drawn with one text object and split across pages."""

    def __init__(self, lines: list[tuple[str, str, colors.Color]], *, size: float = TEXT_SIZE,
                 leading: float = LEADING) -> None:
        super().__init__()
        self.lines = lines
        self.size = size
        self.leading = leading

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return available_width, len(self.lines) * self.leading

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        fits = int(available_height // self.leading)
        if fits < 2 or fits >= len(self.lines):
            return []
        return [Lines(self.lines[:fits], size=self.size, leading=self.leading),
                Lines(self.lines[fits:], size=self.size, leading=self.leading)]

    def draw(self) -> None:
        text = self.canv.beginText()
        y = len(self.lines) * self.leading - self.size
        font_now = colour_now = None
        for line, font, colour in self.lines:
            if font != font_now:
                text.setFont(font, self.size)
                font_now = font
            if colour != colour_now:
                text.setFillColor(colour)
                colour_now = colour
            text.setTextOrigin(0, y)
            text.textOut(line)
            y -= self.leading
        self.canv.drawText(text)


def _lines(fonts: FontPair, parts: Iterable[tuple[str, bool, bool]]) -> list[tuple[str, str, colors.Color]]:
    """(text, bold, untrusted) pieces as lines wrapped to the page."""
    lines: list[tuple[str, str, colors.Color]] = []
    for text, bold, untrusted in parts:
        font = fonts.bold if bold else fonts.regular
        shown = printable(text, fonts) if untrusted else text
        lines += [(visual(line), font, colors.black)
                  for line in wrap_lines(shown, font=font, size=TEXT_SIZE, width=WIDTH)]
    return lines


def _block(fonts: FontPair, parts: Iterable[tuple[str, bool, bool]]) -> Lines:
    return Lines(_lines(fonts, parts))


def _document(path: Path, title: str) -> SimpleDocTemplate:
    return SimpleDocTemplate(str(path), pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                             bottomMargin=MARGIN, title=title, author="cooperare")


def _labels(tables: Iterable[Table]) -> str:
    texts: list[str] = []
    for table in tables:
        texts += [table.title, *(c.title for c in table.columns)]
        texts += [str(v) for row in table.rows for v in row if isinstance(v, str)]
    return "".join(texts)


def _titled(table: Table, *, styles: dict[str, ParagraphStyle], fonts: FontPair) -> list[object]:
    """A table under its heading, the heading kept on the page of the table's first block."""
    title = Paragraph(escape(table.title), styles["heading"])
    if not table.rows:
        return [KeepTogether([title, Paragraph("Nu este cazul.", styles["body"])]), Spacer(1, 4 * mm)]
    first, *rest = _pieces(table, fonts=fonts)
    return [KeepTogether([title, first]), *rest, Spacer(1, 4 * mm)]


def write_synthesis_pdf(synthesis: Synthesis, path: Path, *, fonts: FontPair) -> None:
    outline = synthesis.outline
    count_tables = (synthesis.summary, synthesis.by_category, synthesis.by_part)
    trusted = [_labels(count_tables), outline.title, outline.authority, *(r.reason for r in synthesis.recommendations),
               *(r.part for r in synthesis.recommendations), "Sinteza recomandărilor Răspuns Motivare întârziată",
               *(f"{d.place}{d.summary}{d.chair or ''}" + "".join(i.speaker + i.text for i in d.interventions)
                 for d in synthesis.minutes.debates)]
    fonts.require("".join(set("".join(trusted))))
    styles = _styles(fonts)
    until = outline.recommendations_until.strftime("%d.%m.%Y") if outline.recommendations_until else "–"
    story: list[object] = [
        Paragraph("Sinteza recomandărilor", styles["title"]),
        Paragraph(escape(outline.title), styles["heading"]),
        Paragraph(escape(f"{outline.authority}. Termenul pentru recomandări: {until}. Generată la "
                         f"{synthesis.generated_at:%d.%m.%Y %H:%M} UTC."), styles["body"]),
        Spacer(1, 4 * mm),
    ]
    for table in count_tables:
        story += _titled(table, styles=styles, fonts=fonts)
    story += [PageBreak(), Paragraph("Recomandările și răspunsurile", styles["heading"])]
    if not synthesis.recommendations:
        story.append(Paragraph("Nu s-a primit nicio recomandare.", styles["body"]))
    chunk: list[tuple[str, str, colors.Color]] = []
    for r in synthesis.recommendations:
        head = (f"Nr. {r.number} · {r.part} · {r.category} · primită la {r.submitted:%d.%m.%Y}"
                + (" · după termen" if r.late else "") + (f" · trimisă de {r.times} ori" if r.times > 1 else "")
                + (" · text modificat după prima colectare" if r.changed else ""))
        pieces = [(head, True, False), (f"Autor: {r.author}", False, True), (r.text, False, True),
                  (f"Răspuns: {r.decision}" + (f" – {r.reason}" if r.reason else ""), True, False)]
        chunk += [*_lines(fonts, pieces), ("", fonts.regular, colors.black)]
        if len(chunk) >= CHUNK_LINES:  # a few large flowables lay out much faster than thousands of small ones
            story.append(Lines(chunk))
            chunk = []
    if chunk:
        story.append(Lines(chunk))
    if synthesis.minutes.debates:
        story += [PageBreak(), Paragraph("Minuta dezbaterilor publice", styles["heading"])]
        for d in synthesis.minutes.debates:
            pieces = [(f"Dezbaterea din {d.date:%d.%m.%Y}, {d.place}; participanți: {d.participants}"
                       + (f"; a condus: {d.chair}" if d.chair else ""), True, False), (d.summary, False, False)]
            pieces += [(f"{i.speaker}: {i.text}", False, False) for i in d.interventions]
            story += [_block(fonts, pieces), Spacer(1, 4 * mm)]
    _document(path, f"Sinteza recomandărilor – {outline.title}").build(story)


def write_annual_pdf(report: AnnualReport, path: Path, *, fonts: FontPair) -> None:
    fonts.require("".join(set(_labels(report.tables) + LAW_ARTICLE + report.authority
                              + report.facts.partnership_assessment)))
    styles = _styles(fonts)
    story: list[object] = [
        Paragraph("Raport anual privind transparența decizională", styles["title"]),
        Paragraph(escape(f"{report.authority} – anul {report.year}"), styles["heading"]),
        Paragraph(escape(f"Întocmit potrivit {LAW_ARTICLE}. Generat la {report.generated_at:%d.%m.%Y %H:%M} UTC."),
                  styles["body"]),
        Spacer(1, 4 * mm),
    ]
    for table in report.tables:
        story += _titled(table, styles=styles, fonts=fonts)
    if report.facts.partnership_assessment:
        story += [Paragraph("f) Evaluarea proprie a parteneriatului cu cetățenii și asociațiile lor", styles["heading"]),
                  _block(fonts, [(report.facts.partnership_assessment, False, False)])]
    _document(path, f"Raport anual – {report.authority} {report.year}").build(story)
