"""The certification report as a PDF for coordinators: targets, bar charts, tables by place, the certified list.

Drawn with reportlab (platypus for the flow, reportlab graphics for the bar charts: certified against target per
track, and certified per county), in the same embedded TrueType font as the certificates, so every Romanian letter
prints. Tables are drawn as page-sized blocks of rows (:class:`RowBlock`) straight onto the canvas, three times
faster than platypus tables, which keeps a 30,000-person report within seconds; a text too wide for its column
(a long track name, say) wraps onto up to three lines, and only beyond that is shortened with "…".
This module must not compute the report.
"""

from __future__ import annotations

import weakref
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.rl_accel import fp_str
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
from reportlab.platypus import Flowable, PageBreak, Paragraph, SimpleDocTemplate, Spacer

from cooperare.certificates.fonts import FontPair
from cooperare.reports.certification import Cell, CertificationReport, Column, Table

PAGE = landscape(A4)
ROW_HEIGHT = 13.0
FONT_SIZE = 7.5
ROWS_PER_BLOCK = 36
HEADING_ROOM = 3 * ROW_HEIGHT  # what a section heading takes above the first block of its table
LINE_HEIGHT = 9.0
MAX_LINES = 3
HEADER_FILL = colors.HexColor("#DDE6F2")
TARGET_COLOUR = colors.HexColor("#B4C7E7")
CERTIFIED_COLOUR = colors.HexColor("#1F4E79")
MAX_CHART_COUNTIES = 42
CHART_MAX_HEIGHT = 440.0


def write_pdf(report: CertificationReport, path: Path, *, fonts: FontPair) -> None:
    texts = [t.title for t in report.tables] + [c.title for t in report.tables for c in t.columns]
    texts += [str(value) for table in report.tables for row in table.rows for value in row if isinstance(value, str)]
    fonts.require("".join(set("".join(texts))))
    styles = _styles(fonts)
    story: list[object] = [
        Paragraph("Raport de certificare", styles["title"]),
        Paragraph(f"Generat la {report.generated_at:%d.%m.%Y %H:%M} UTC. Certificați: {report.certified} din "
                  f"{report.target} ({_percent(report.certified / report.target if report.target else 0)}).",
                  styles["body"]),
        Spacer(1, 4 * mm),
        _table(report.summary, fonts=fonts),
        Spacer(1, 6 * mm),
        _track_chart(report, fonts=fonts),
        PageBreak(),
        Paragraph(report.by_county.title, styles["heading"]),
        _county_chart(report.by_county, fonts=fonts),
    ]
    for table in (report.by_county, report.by_commune, report.by_organisation, report.people):
        story += [PageBreak(), Paragraph(table.title, styles["heading"])]
        story += _pieces(table, fonts=fonts)
    document = SimpleDocTemplate(str(path), pagesize=PAGE, leftMargin=12 * mm, rightMargin=12 * mm,
                                 topMargin=12 * mm, bottomMargin=12 * mm, title="Raport de certificare",
                                 author="cooperare")
    document.build(story)


def _styles(fonts: FontPair) -> dict[str, ParagraphStyle]:
    return {
        "title": ParagraphStyle("title", fontName=fonts.bold, fontSize=20, leading=26, spaceAfter=4 * mm,
                                textColor=CERTIFIED_COLOUR),
        "heading": ParagraphStyle("heading", fontName=fonts.bold, fontSize=14, leading=18, spaceAfter=3 * mm,
                                  textColor=CERTIFIED_COLOUR),
        "body": ParagraphStyle("body", fontName=fonts.regular, fontSize=10, leading=13),
    }


def table_flowables(table: Table, *, fonts: FontPair) -> list[object]:
    """A table as page-sized blocks of rows, for any report made of :class:`Table` values."""
    return _pieces(table, fonts=fonts)


def _pieces(table: Table, *, fonts: FontPair) -> list[object]:
    if not table.rows:
        return [_table(table, fonts=fonts)]
    widths = _widths(table.columns, PAGE[0] - 24 * mm)
    wrapped = _wrap_rows(table, widths=widths, font=fonts.regular)
    blocks: list[object] = []
    # A block holds ROWS_PER_BLOCK one-line rows under a one-line header; a header that wraps takes its extra lines
    # from every block, and the first block leaves room for the heading above it, so a heading never stands alone
    # at the foot of a page with its table on the next one.
    header = [_wrap(column.title, w - 6, fonts.bold) for column, w in zip(table.columns, widths, strict=True)]
    budget = ROWS_PER_BLOCK * ROW_HEIGHT - (_row_height(header) - ROW_HEIGHT)
    room = budget - HEADING_ROOM
    chunk: list[list[tuple[str, ...]]] = []
    used = 0.0
    for row in wrapped:
        height = _row_height(row)
        if chunk and used + height > room:
            blocks.append(RowBlock(table.columns, chunk, widths=widths, fonts=fonts))
            chunk, used, room = [], 0.0, budget
        chunk.append(row)
        used += height
    blocks.append(RowBlock(table.columns, chunk, widths=widths, fonts=fonts))
    return blocks


def _table(table: Table, *, fonts: FontPair, rows: tuple[tuple[Cell, ...], ...] | None = None) -> RowBlock:
    chosen = table.rows if rows is None else rows
    widths = _widths(table.columns, PAGE[0] - 24 * mm)
    texts = [_wrap_row([_text(value, column) for value, column in zip(row, table.columns, strict=True)],
                       columns=table.columns, widths=widths, font=fonts.regular) for row in chosen]
    return RowBlock(table.columns, texts, widths=widths, fonts=fonts)


def _wrap_rows(table: Table, *, widths: list[float], font: str) -> list[list[tuple[str, ...]]]:
    """Every row of ``table`` as :func:`_wrap_row` makes it, with what depends only on the column worked out once
    (a 30,000-row table has 300,000 cells)."""
    rooms = [width - 6 for width in widths]
    kinds = [column.kind for column in table.columns]
    plain = [kind == "text" for kind in kinds]
    columns = table.columns
    return [[(_wrap(value, room, font) if type(value) is str else _wrap(_text(value, column), room, font))
             if is_text else (_text(value, column),)
             for value, column, room, is_text in zip(row, columns, rooms, plain, strict=True)]
            for row in table.rows]


def _wrap_row(values: list[str], *, columns: tuple[Column, ...], widths: list[float],
              font: str) -> list[tuple[str, ...]]:
    """Each cell as its lines: text columns wrap at word boundaries (at most MAX_LINES, then "…")."""
    return [_wrap(value, width - 6, font) if column.kind == "text" else (value,)
            for value, column, width in zip(values, columns, widths, strict=True)]


@lru_cache(maxsize=65536)
def _width(value: str, font: str) -> float:
    """The printed width of ``value``; cached, because the same counties, tracks, dates and percentages fill most
    cells of a long table, and measuring is most of the cost of drawing one."""
    return stringWidth(value, font, FONT_SIZE)


@lru_cache(maxsize=65536)
def _wrap(value: str, room: float, font: str) -> tuple[str, ...]:
    """``value`` as the lines it takes in a column ``room`` points wide (cached: tracks, counties and institutions
    repeat down a table)."""
    if _width(value, font) <= room:
        return (value,)
    lines: list[str] = []
    current = ""
    for word in value.split():
        candidate = f"{current} {word}" if current else word
        if current and _width(candidate, font) > room:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current or not lines:
        lines.append(current)
    if len(lines) > MAX_LINES:
        lines = [*lines[: MAX_LINES - 1], " ".join(lines[MAX_LINES - 1 :])]
    return tuple(_shorten(line, room, font) for line in lines)


def _shorten(value: str, room: float, font: str) -> str:
    shown_width = _width(value, font)
    while shown_width > room and len(value) > 1:
        value = value[: max(1, int(len(value) * room / shown_width) - 1)] + "…"
        shown_width = _width(value, font)
    return value


@lru_cache(maxsize=65536)
def _fit(value: str, room: float, font: str) -> tuple[str, float]:
    """``value`` shortened to ``room`` (see :func:`_shorten`) and its printed width; cached like :func:`_width`."""
    shown = _shorten(value, room, font)
    return shown, _width(shown, font)


def _row_height(row: list[tuple[str, ...]]) -> float:
    return ROW_HEIGHT + (max(len(lines) for lines in row) - 1) * LINE_HEIGHT


class RowBlock(Flowable):
    """A header row and data rows (one line each, more where a long text wraps), drawn with one text object and
    one path for the grid."""

    def __init__(self, columns: tuple[Column, ...], rows: list[list[tuple[str, ...]]], *, widths: list[float],
                 fonts: FontPair) -> None:
        super().__init__()
        self.columns = columns
        self.rows = rows
        self.widths = widths
        self.fonts = fonts
        self.counts = [max(len(lines) for lines in row) for row in rows]
        """How many lines each row takes (its height may be set larger, as a signature list does)."""
        self.heights = [ROW_HEIGHT + (count - 1) * LINE_HEIGHT for count in self.counts]
        self.header = [_wrap(column.title, w - 6, fonts.bold) for column, w in zip(columns, widths, strict=True)]
        self.header_height = _row_height(self.header)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return sum(self.widths), self.header_height + sum(self.heights)

    def draw(self) -> None:
        canvas = self.canv
        width, height = sum(self.widths), self.header_height + sum(self.heights)
        canvas.setFillColor(HEADER_FILL)
        canvas.rect(0, height - self.header_height, width, self.header_height, stroke=0, fill=1)
        grid = canvas.beginPath()
        tops = [height - self.header_height]
        for row_height in self.heights:
            tops.append(tops[-1] - row_height)
        for y in [height, *tops]:
            grid.moveTo(0, y)
            grid.lineTo(width, y)
        x = 0.0
        for column_width in [0.0, *self.widths]:
            x += column_width
            grid.moveTo(x, 0)
            grid.lineTo(x, height)
        canvas.setStrokeColor(colors.grey)
        canvas.setLineWidth(0.25)
        canvas.drawPath(grid, stroke=1, fill=0)
        canvas.setFillColor(colors.black)
        text = canvas.beginText()
        printer = _Printer(text)
        lefts = [sum(self.widths[:i]) for i in range(len(self.widths))]
        right_aligned = [column.kind in ("int", "percent", "score") for column in self.columns]
        text.setFont(self.fonts.bold, FONT_SIZE)
        for number in range(max(len(lines) for lines in self.header)):
            values = [lines[number] if number < len(lines) else "" for lines in self.header]
            self._line(printer, values, y=height - ROW_HEIGHT + 4 - number * LINE_HEIGHT, lefts=lefts,
                       right=[False] * len(self.columns), font=self.fonts.bold)
        text.setFont(self.fonts.regular, FONT_SIZE)
        for top, row, count in zip(tops, self.rows, self.counts, strict=False):
            if count == 1:
                self._line(printer, [lines[0] for lines in row], y=top - ROW_HEIGHT + 4, lefts=lefts,
                           right=right_aligned, font=self.fonts.regular)
                continue
            for number in range(count):
                values = [lines[number] if number < len(lines) else "" for lines in row]
                self._line(printer, values, y=top - ROW_HEIGHT + 4 - number * LINE_HEIGHT, lefts=lefts,
                           right=right_aligned, font=self.fonts.regular)
        canvas.drawText(text)

    def _line(self, printer: _Printer, values: list[str], *, y: float, lefts: list[float], right: list[bool],
              font: str) -> None:
        printer.line(values, y=y, lefts=lefts, widths=self.widths, right=right, font=font)


_ENCODED: weakref.WeakKeyDictionary[Any, dict[tuple[str, str], tuple[tuple[int, str], ...]]] = \
    weakref.WeakKeyDictionary()


class _Printer:
    """Prints strings at given points into one reportlab text object, as ``setTextOrigin`` + ``textOut`` would,
    but encodes each distinct string once per document: splitting it into the embedded font's subsets and escaping
    it is most of the cost of a 30,000-row table, and the same counties, tracks, dates and percentages fill most of
    its cells. The subset a character belongs to never changes within a document, so a cached encoding stays
    right. Standard (Type 1) fonts, which need no splitting, go through reportlab's own path."""

    def __init__(self, text: Any) -> None:
        self.text = text
        self.canvas = text._canvas
        self.document = self.canvas._doc
        self.cache = _ENCODED.setdefault(self.document, {})
        self.fonts: dict[str, Any] = {}

    def line(self, values: list[str], *, y: float, lefts: list[float], widths: list[float], right: list[bool],
             font: str) -> None:
        """Each non-empty value in its column at height ``y``, shortened to fit: 3 points in from the left, or from
        the right edge where ``right``. A string already encoded in the current subset is written here directly (the
        common case: one entry instead of a call per cell); anything else goes through :meth:`show`."""
        embedded = self.fonts.get(font)
        if embedded is None:
            embedded = self.fonts[font] = getFont(font)
        cache = self.cache if embedded._dynamicFont else {}
        text = self.text
        code = text._code
        at = f"{y:.2f} Tm"
        for value, left, width, align_right in zip(values, lefts, widths, right, strict=True):
            if not value:
                continue
            shown, shown_width = _fit(value, width - 6, font)
            x = left + width - 3 - shown_width if align_right else left + 3
            parts = cache.get((font, shown))
            if parts is not None and len(parts) == 1 and parts[0][0] == text._curSubset:
                code.append(f"1 0 0 1 {x:.2f} {at} ({parts[0][1]}) Tj")
            else:
                self.show(shown, x=x, y=y, font=font)

    def show(self, value: str, *, x: float, y: float, font: str) -> None:
        embedded = self.fonts.get(font)
        if embedded is None:
            embedded = self.fonts[font] = getFont(font)
        text = self.text
        if not embedded._dynamicFont:
            text.setTextOrigin(x, y)
            text._textOut(value)
            return
        parts = self.cache.get((font, value))
        if parts is None:
            parts = tuple((subset, self.canvas._escape(chunk))
                          for subset, chunk in embedded.splitString(value, self.document))
            self.cache[(font, value)] = parts
        code = text._code
        if len(parts) == 1 and parts[0][0] == text._curSubset:  # one entry, the same text once joined by spaces
            code.append(f"1 0 0 1 {x:.2f} {y:.2f} Tm ({parts[0][1]}) Tj")
            return
        code.append(f"1 0 0 1 {x:.2f} {y:.2f} Tm")
        for subset, escaped in parts:
            if subset != text._curSubset:
                code.append(f"{embedded.getSubsetInternalName(subset, self.document)} {fp_str(text._fontsize)} Tf "
                            f"{fp_str(text._leading)} TL")
                text._curSubset = subset
            code.append(f"({escaped}) Tj")


def _widths(columns: tuple[Column, ...], usable: float) -> list[float]:
    weights = [1.0 if column.kind in ("int", "percent", "score") else 1.3 if column.kind == "date" else 2.4
               for column in columns]
    unit = usable / sum(weights)
    return [weight * unit for weight in weights]


def _track_chart(report: CertificationReport, *, fonts: FontPair) -> Drawing:
    drawing = Drawing(PAGE[0] - 24 * mm, 75 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 40, 35, 420, 150
    chart.data = [[t.target for t in report.tracks], [t.certified for t in report.tracks]]
    chart.categoryAxis.categoryNames = [t.key for t in report.tracks]
    _style_chart(chart, fonts=fonts)
    drawing.add(chart)
    drawing.add(String(40, 195, "Certificați față de țintă, pe trasee", fontName=fonts.bold, fontSize=10))
    drawing.add(_legend(fonts, x=490, y=150))
    return drawing


def _county_chart(table: Table, *, fonts: FontPair) -> Drawing:
    rows = table.rows[:MAX_CHART_COUNTIES]
    height = min(CHART_MAX_HEIGHT, max(60.0, 11.0 * len(rows) + 30))
    drawing = Drawing(PAGE[0] - 24 * mm, height + 10)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 150, 10, 450, height - 20
    chart.data = [[row[-1] for row in reversed(rows)]] if rows else [[0]]
    chart.categoryAxis.categoryNames = [str(row[0]) for row in reversed(rows)] if rows else [""]
    _style_chart(chart, fonts=fonts)
    chart.bars[0].fillColor = CERTIFIED_COLOUR
    drawing.add(chart)
    return drawing


def _style_chart(chart: VerticalBarChart | HorizontalBarChart, *, fonts: FontPair) -> None:
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = fonts.regular
    chart.valueAxis.labels.fontSize = 7
    chart.categoryAxis.labels.fontName = fonts.regular
    chart.categoryAxis.labels.fontSize = 7
    chart.bars[0].fillColor = TARGET_COLOUR
    if len(chart.data) > 1:
        chart.bars[1].fillColor = CERTIFIED_COLOUR
    chart.barSpacing = 1
    chart.groupSpacing = 6


def _legend(fonts: FontPair, *, x: float, y: float) -> Legend:
    legend = Legend()
    legend.x, legend.y = x, y
    legend.fontName = fonts.regular
    legend.fontSize = 8
    legend.colorNamePairs = [(TARGET_COLOUR, "Țintă"), (CERTIFIED_COLOUR, "Certificați")]
    return legend


def _text(value: Cell, column: Column) -> str:
    if value is None:
        return ""
    if column.kind == "percent" and isinstance(value, (int, float)):
        return _percent(float(value))
    if column.kind == "score" and isinstance(value, (int, float)):
        return f"{value:.1f}".replace(".", ",")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return str(value)


def _percent(value: float) -> str:
    return f"{value * 100:.1f}%".replace(".", ",")
