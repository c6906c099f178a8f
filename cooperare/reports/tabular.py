"""The certification report as CSV (one file, one section per table) or XLSX (one sheet per table).

Text cells that a spreadsheet would run as a formula — starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return — are neutralised with a leading apostrophe (:func:`neutralise`), in both formats: names and organisations
come from registration forms anyone can fill in. CSV is written as UTF-8 with a byte-order mark, so spreadsheet
programs show ă â î ș ț instead of guessing a legacy code page; XLSX is UTF-8 by nature. Percentages are written as
fractions with a percent format in XLSX and as ``85.0%`` text in CSV. This module must not compute the report.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from cooperare.reports.certification import Cell, CertificationReport, Column, Table

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SHEET_NAMES = {"summary": "Rezumat", "by_county": "Județe", "by_commune": "Localități",
               "by_organisation": "Organizații", "people": "Certificați",
               "rezumat": "Rezumat", "distributie": "Distribuție", "judete": "Județe", "populatie": "Populație",
               "puncte_tari": "Puncte tari", "lipsuri": "Lipsuri", "progres": "Progres",
               "inlocuite": "Răspunsuri înlocuite", "comune": "Comune", "tinte": "Ținte"}


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
    workbook = Workbook(write_only=True)
    for table in report.tables:
        sheet = workbook.create_sheet(SHEET_NAMES.get(table.key, table.key[:31]))
        _sheet(sheet, table)
    workbook.save(path)


def _sheet(sheet: WriteOnlyWorksheet, table: Table) -> None:
    bold = Font(bold=True)
    title = WriteOnlyCell(sheet, value=neutralise(table.title))
    title.font = Font(bold=True, size=13)
    sheet.append([title])
    header = []
    for column in table.columns:
        cell = WriteOnlyCell(sheet, value=neutralise(column.title))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for position, column in enumerate(table.columns):
        width = max(12, min(60, len(column.title) + 4))
        sheet.column_dimensions[_letter(position)].width = width
    percent_columns = [i for i, column in enumerate(table.columns) if column.kind == "percent"]
    date_columns = [i for i, column in enumerate(table.columns) if column.kind == "date"]
    score_columns = [i for i, column in enumerate(table.columns) if column.kind == "score"]
    if not percent_columns and not date_columns and not score_columns:
        for row in table.rows:
            sheet.append([neutralise(value) if isinstance(value, str) else value for value in row])
        return
    for row in table.rows:
        values: list[object] = [neutralise(value) if isinstance(value, str) else value for value in row]
        for i in percent_columns:
            if values[i] is not None:
                cell = WriteOnlyCell(sheet, value=values[i])
                cell.number_format = "0.0%"
                values[i] = cell
        for i in score_columns:
            if values[i] is not None:
                cell = WriteOnlyCell(sheet, value=values[i])
                cell.number_format = "0.0"
                values[i] = cell
        for i in date_columns:
            if values[i] is not None:
                cell = WriteOnlyCell(sheet, value=values[i])
                cell.number_format = "yyyy-mm-dd"
                values[i] = cell
        sheet.append(values)


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


def _letter(position: int) -> str:
    letters = ""
    position += 1
    while position:
        position, remainder = divmod(position - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
