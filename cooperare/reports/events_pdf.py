"""The events report as a PDF: the project's events against the targets, then per event a printable attendance list
with a signature column (rows tall enough to sign in) and the counts by participant category.

Same fonts, tables and page as :mod:`cooperare.reports.pdf`; every text is checked glyph by glyph
(:meth:`FontPair.require`) before anything is drawn. This module must not compute attendance.
"""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer

from cooperare.certificates.fonts import FontPair
from cooperare.config.events import KIND_LABELS
from cooperare.events.planner import ROOM_LABELS
from cooperare.events.report import EventSection, EventsReport
from cooperare.reports.certification import Column
from cooperare.reports.pdf import PAGE, RowBlock, _row_height, _styles, _table, _text, _widths, _wrap_row

SIGNATURE = Column("Semnătura", "signature")
SIGN_ROW = 24.0
"""Height of a row of the printed attendance list (points): room for a signature."""
BLOCK_HEIGHT = 430.0
LIST_WEIGHTS = (0.55, 2.6, 2.6, 1.6, 3.6, 0.9, 1.1, 2.6)
SUMMARY_WEIGHTS = (0.45, 5.2, 1.9, 1.4, 1.5, 0.8, 1.0, 1.0)
"""Column widths of the project's events: no., event (its full title, never cut), kind, date, room, present,
validated, state."""
TZ = ZoneInfo("Europe/Bucharest")
"""Column widths of the printed list: no., name, institution, county, category, minutes, validated, signature."""


class SignatureBlock(RowBlock):
    """Rows of an attendance list, each at least :data:`SIGN_ROW` high."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.heights = [max(height, SIGN_ROW) for height in self.heights]


def _texts(report: EventsReport) -> str:
    texts = [SIGNATURE.title, "Lista de prezență", "Întocmit", "Semnătura organizatorului"]
    for table in report.tables:
        texts.append(table.title)
        texts += [c.title for c in table.columns]
        texts += [str(v) for row in table.rows for v in row if isinstance(v, str)]
    for section in report.sections:
        texts += [section.event.title, section.event.audience, KIND_LABELS[section.event.kind]]
    return "".join(set("".join(texts)))


def write_events_pdf(report: EventsReport, path: Path, *, fonts: FontPair) -> None:
    fonts.require(_texts(report))
    styles = _styles(fonts)
    story: list[object] = [
        Paragraph("Evenimentele proiectului – prezență și ținte", styles["title"]),
        Paragraph(f"Generat la {report.generated_at.astimezone(TZ):%d.%m.%Y %H:%M} (ora României). "
                  f"Participare validată: prezent cel puțin "
                  f"{report.rule.min_percent:g}% din durata evenimentului.", styles["body"]),
        Spacer(1, 4 * mm), _table(report.targets, fonts=fonts), Spacer(1, 6 * mm),
        _summary(report, fonts=fonts),
    ]
    for section in report.sections:
        story += [PageBreak(), *_section(section, report, fonts=fonts, styles=styles)]
    document = SimpleDocTemplate(str(path), pagesize=PAGE, leftMargin=12 * mm, rightMargin=12 * mm,
                                 topMargin=12 * mm, bottomMargin=12 * mm, title="Evenimente – prezență",
                                 author="cooperare")
    document.build(story)


def _summary(report: EventsReport, *, fonts: FontPair) -> RowBlock:
    """The project's events, with the title column wide enough for the longest title (in at most three lines)."""
    table = report.summary
    usable = PAGE[0] - 24 * mm
    widths = ([usable * w / sum(SUMMARY_WEIGHTS) for w in SUMMARY_WEIGHTS]
              if len(table.columns) == len(SUMMARY_WEIGHTS) else _widths(table.columns, usable))
    rows = [_wrap_row([_text(v, c) for v, c in zip(row, table.columns, strict=True)], columns=table.columns,
                      widths=widths, font=fonts.regular) for row in table.rows]
    return RowBlock(table.columns, rows, widths=widths, fonts=fonts)


def _section(section: EventSection, report: EventsReport, *, fonts: FontPair,
             styles: dict[str, ParagraphStyle]) -> list[object]:
    event = section.event
    minimum = event.duration_minutes * report.rule.min_percent / 100
    head = [Paragraph(f"Lista de prezență – {event.title}", styles["heading"]),
            Paragraph(f"{KIND_LABELS[event.kind]} · {event.starts_at:%d.%m.%Y}, ora {event.starts_at:%H:%M} "
                      f"(ora României) · {event.duration_minutes} de minute · {ROOM_LABELS[event.room.kind]} · "
                      f"participare validată de la {minimum:g} minute", styles["body"]),
            Spacer(1, 3 * mm)]
    if not section.held:
        return [*head, Paragraph("Prezența nu a fost încă importată pentru acest eveniment.", styles["body"])]
    table = section.attendance
    columns = (*table.columns, SIGNATURE)
    usable = PAGE[0] - 24 * mm
    widths = ([usable * w / sum(LIST_WEIGHTS) for w in LIST_WEIGHTS] if len(columns) == len(LIST_WEIGHTS)
              else _widths(columns, usable))
    rows = [_wrap_row([_text(v, c) for v, c in zip((*row, ""), columns, strict=True)], columns=columns,
                      widths=widths, font=fonts.regular) for row in table.rows]
    blocks: list[object] = []
    chunk: list[list[list[str]]] = []
    used = 0.0
    for row in rows:  # blocks of at most BLOCK_HEIGHT points: one fits under the heading of a page
        height = max(SIGN_ROW, _row_height(row))
        if chunk and used + height > BLOCK_HEIGHT:
            blocks.append(SignatureBlock(columns, chunk, widths=widths, fonts=fonts))
            chunk, used = [], 0.0
        chunk.append(row)
        used += height
    blocks.append(SignatureBlock(columns, chunk, widths=widths, fonts=fonts))
    closing = KeepTogether([Spacer(1, 5 * mm), Paragraph(section.by_category.title, styles["body"]),
                            Spacer(1, 2 * mm), _table(section.by_category, fonts=fonts), Spacer(1, 8 * mm),
                            Paragraph("Întocmit: ______________________________    Semnătura organizatorului: "
                                      "______________________________", styles["body"])])
    return [*head, *blocks, closing]

