"""The certification report as CSV (one file, one section per table) or XLSX (one sheet per table).

Text cells that a spreadsheet would run as a formula — starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return — are neutralised with a leading apostrophe (:func:`neutralise`), in both formats: names and organisations
come from registration forms anyone can fill in. CSV is written as UTF-8 with a byte-order mark, so spreadsheet
programs show ă â î ș ț instead of guessing a legacy code page; XLSX is UTF-8 by nature, and streamed (:mod:`cooperare.reports.xlsx`). Percentages are written as
fractions with a percent format in XLSX and as ``85.0%`` text in CSV. This module must not compute the report.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

from cooperare.reports.certification import Cell, CertificationReport, Column, Table
from cooperare.reports.xlsx import Style, Styled, Value, XlsxWriter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SHEET_NAMES = {"summary": "Rezumat", "by_county": "Județe", "by_commune": "Localități",
               "by_organisation": "Organizații", "people": "Certificați",
               "rezumat": "Rezumat", "distributie": "Distribuție", "judete": "Județe", "populatie": "Populație",
               "puncte_tari": "Puncte tari", "lipsuri": "Lipsuri", "oferta": "Formare și manual",
               "progres": "Progres",
               "inlocuite": "Răspunsuri înlocuite", "comune": "Comune",
               "categorii": "Categorii", "parti": "Părți", "recomandari": "Recomandări",
               "cereri": "Cereri de dezbatere", "dezbateri": "Dezbateri", "raport": "Raport art. 13",
               "consultari": "Consultări", "acte": "Acte adoptate", "sedinte": "Ședințe publice",
               "nepublice": "Ședințe nepublice", "justitie": "Acțiuni în justiție", "evaluare": "Evaluare",
               "tinte": "Ținte", "pilot": "Primării pilot", "pilot_lunar": "Pe luni",
               "pilot_tinta": "Ținta pilotului"}


def neutralise(text: str) -> str:
    """``=HYPERLINK(…)`` → ``'=HYPERLINK(…)``: shown as typed, never evaluated."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv(report: CertificationReport, path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([neutralise(f"Raport de certificare – generat la {report.generated_at:%Y-%m-%d %H:%M} UTC")])
        for table in report.tables:
            writer.writerow([])
            writer.writerow([neutralise(table.title)])
            writer.writerow([neutralise(column.title) for column in table.columns])
            writer.writerows([_csv_cell(value, column) for value, column in zip(row, table.columns, strict=True)]
                             for row in table.rows)


def write_xlsx(report: CertificationReport, path: Path) -> None:
    write_tables_xlsx(report.tables, path)


def write_tables_xlsx(tables: Iterable[Table], path: Path) -> None:
    """Any report made of :class:`Table` values: one sheet per table, text neutralised."""
    with XlsxWriter(path) as book:
        for table in tables:
            widths = [max(12, min(60, len(column.title) + 4)) for column in table.columns]
            book.add_sheet(SHEET_NAMES.get(table.key, table.key[:31]), _sheet_rows(table), widths=widths)


CELL_STYLES = {"percent": Style.PERCENT, "score": Style.ONE_DECIMAL, "date": Style.DATE}


def _sheet_rows(table: Table) -> Iterator[list[Value | Styled]]:
    """The title, the header, then the rows: text neutralised, percentages, scores and dates formatted."""
    yield [Styled(neutralise(table.title), Style.TITLE)]
    yield [Styled(neutralise(column.title), Style.BOLD) for column in table.columns]
    styles = [CELL_STYLES.get(column.kind) for column in table.columns]
    if not any(styles):
        for row in table.rows:
            yield [neutralise(value) if isinstance(value, str) else value for value in row]
        return
    for row in table.rows:
        yield [neutralise(value) if isinstance(value, str)
               else Styled(value, style) if style is not None and value is not None else value
               for value, style in zip(row, styles, strict=True)]


def _csv_cell(value: Cell, column: Column) -> str | int | float:
    if value is None:
        return ""
    if column.kind == "percent" and isinstance(value, (int, float)):
        return f"{value * 100:.1f}%"
    if column.kind == "score" and isinstance(value, (int, float)):
        return f"{value:.1f}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return neutralise(value)
    return value
