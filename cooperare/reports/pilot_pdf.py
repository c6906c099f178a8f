"""The pilot report as a PDF: the city halls' figures, then the same per month. Same fonts, tables and page as
:mod:`cooperare.reports.pdf`, every text checked glyph by glyph first. This module must not compute the report."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from cooperare.certificates.fonts import FontPair
from cooperare.pilot.report import PilotReport
from cooperare.reports.pdf import PAGE, _pieces, _styles

NOTE = ("Persoane înscrise: din lista de participanți, după comuna sau instituția lor. Activitățile, testele și "
        "mesajele pe forum sunt cele din Moodle în perioada raportului; activ = ultima accesare în ultimele 7 sau "
        "30 de zile. Diagnostic: scorul general al comunei la T0 și T1.")


def write_pilot_pdf(report: PilotReport, path: Path, *, fonts: FontPair) -> None:
    texts = [NOTE, "Raportul pilotului"] + [t.title for t in report.tables]
    texts += [c.title for t in report.tables for c in t.columns]
    texts += [str(v) for t in report.tables for row in t.rows for v in row if isinstance(v, str)]
    fonts.require("".join(set("".join(texts))))
    styles = _styles(fonts)
    story: list[object] = [Paragraph("Raportul pilotului – primăriile pilot", styles["title"]),
                           Paragraph(f"Generat la {report.generated_at:%d.%m.%Y %H:%M} UTC. {NOTE}", styles["body"]),
                           Spacer(1, 4 * mm)]
    for table in report.tables:
        story += [Paragraph(table.title, styles["heading"]), *_pieces(table, fonts=fonts), Spacer(1, 6 * mm)]
    document = SimpleDocTemplate(str(path), pagesize=PAGE, leftMargin=12 * mm, rightMargin=12 * mm,
                                 topMargin=12 * mm, bottomMargin=12 * mm, title="Raportul pilotului",
                                 author="cooperare")
    document.build(story)
