"""The pilot report as a PDF: the city halls' figures, then each city hall month by month (a block per city hall, so
it reads without filtering; the XLSX keeps the one long table). Same fonts, tables and page as
:mod:`cooperare.reports.pdf`, every text checked glyph by glyph first. This module must not compute the report."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer

from cooperare.certificates.fonts import FontPair
from cooperare.pilot.report import TZ, PilotReport
from cooperare.reports.certification import Column, Table
from cooperare.reports.pdf import PAGE, _pieces, _styles

NOTE = ("Persoane înscrise: din lista de participanți, după comuna sau instituția lor. Activitățile finalizate, "
        "încercările la teste și mesajele pe forum sunt cele din Moodle în perioada raportului (lunile de mai jos); "
        "active (7/30 zile) = ultima accesare a cursului în ultimele 7 sau 30 de zile; pe luni, persoane active = "
        "cele care au finalizat o activitate, au încheiat un test sau au scris pe forum în acea lună (ora "
        "României). Diagnostic: scorul general al comunei la T0 și T1. O primărie a testat platforma și modulul de "
        "e-learning când oamenii ei au finalizat cel puțin o lecție sau un test în perioada raportului. Situația "
        "generală numără toate certificatele și participările la evenimente; tabelele pe luni, doar pe cele din "
        "lunile raportului.")


def _summary(report: PilotReport) -> Table:
    """The summary with commune and county in one column (the PDF's width goes to the figures)."""
    table = report.summary
    return Table(table.key, table.title, (Column("Primăria"), *table.columns[2:]),
                 tuple((f"{row[0]} ({row[1]})", *row[2:]) for row in table.rows))


def _monthly(report: PilotReport) -> list[tuple[str, Table]]:
    """Per city hall, its months."""
    table = report.monthly
    blocks = []
    for hall in report.halls:
        rows = tuple(row[1:] for row in table.rows if row[0] == hall.commune)
        blocks.append((f"{hall.commune} ({hall.county}) – pe luni",
                       Table(f"{table.key}_{hall.siruta}", table.title, table.columns[1:], rows)))
    return blocks


def write_pilot_pdf(report: PilotReport, path: Path, *, fonts: FontPair) -> None:
    summary, monthly, target = _summary(report), _monthly(report), report.target
    tables = [target, summary, *(table for _, table in monthly)]
    texts = [NOTE, "Raportul pilotului – primăriile pilot", "Generat la (ora României)", "Pe luni"]
    texts += [t.title for t in tables] + [heading for heading, _ in monthly]
    texts += [c.title for t in tables for c in t.columns]
    texts += [str(v) for t in tables for row in t.rows for v in row if isinstance(v, str)]
    fonts.require("".join(set("".join(texts))))
    styles = _styles(fonts)
    story: list[object] = [Paragraph("Raportul pilotului – primăriile pilot", styles["title"]),
                           Paragraph(f"Generat la {report.generated_at.astimezone(TZ):%d.%m.%Y %H:%M} (ora "
                                     f"României). {NOTE}", styles["body"]),
                           Spacer(1, 4 * mm),
                           Paragraph(target.title, styles["heading"]), *_pieces(target, fonts=fonts),
                           Spacer(1, 4 * mm),
                           Paragraph(summary.title, styles["heading"]), *_pieces(summary, fonts=fonts),
                           Spacer(1, 6 * mm)]
    for heading, table in monthly:
        story += [KeepTogether([Paragraph(heading, styles["heading"]), *_pieces(table, fonts=fonts)]),
                  Spacer(1, 4 * mm)]
    document = SimpleDocTemplate(str(path), pagesize=PAGE, leftMargin=12 * mm, rightMargin=12 * mm,
                                 topMargin=12 * mm, bottomMargin=12 * mm, title="Raportul pilotului",
                                 author="cooperare")
    document.build(story)
