"""The offline form: an XLSX questionnaire with drop-down lists for communes without Moodle accounts, and reading
filled forms back.

Sheet „Chestionar” has one row per question (one row per option for multi-choice questions, answered Da/Nu); column
A holds the question code, column D the answer, chosen from a validation list kept on the hidden sheet „Liste”.
Reading accepts what LibreOffice and Excel save: numbers as floats (``3.0``), dates as dates or ``zz.ll.aaaa`` text,
texts with stray spaces. Every fault names the file, the sheet, the row and the column; a file with faults gives no
response at all. This module must not score or store.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from cooperare.diagnostic.instrument import Instrument, Question
from cooperare.diagnostic.responses import DONT_KNOW, DONT_KNOW_TEXT, Answer, Response, check_answer
from cooperare.errors import InputError, Location

SHEET = "Chestionar"
LISTS = "Liste"
FIRST_ROW = 6
YES, NO = "Da", "Nu"
META = (("_val", "Valul (T0 la prima completare, T1 la a doua)"), ("_data", "Data completării (zz.ll.aaaa)"))
ANSWER_COLUMN = 4


def _choices(q: Question) -> list[str]:
    if q.type == "single":
        return [o.text for o in q.options] + [DONT_KNOW_TEXT]
    if q.type == "yes_no":
        return [YES, NO, DONT_KNOW_TEXT]
    if q.type == "scale" and q.scale:
        return [str(v) for v in range(q.scale.min, q.scale.max + 1)] + [DONT_KNOW_TEXT]
    return []


def write_form(instrument: Instrument, path: Path) -> None:
    """The blank form for ``instrument``."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    lists = book.create_sheet(LISTS)
    lists.sheet_state = "hidden"
    sheet["A1"] = instrument.title
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = (f"Versiunea {instrument.version}. Completați coloana D (Răspuns); alegeți din listă unde există. "
                   "Un singur formular pentru fiecare comună. „Nu știu” nu se socotește zero.")
    sheet["A3"] = f"cooperare-diagnostic {instrument.version}"
    header = ("Cod", "Secțiune", "Întrebare", "Răspuns")
    for column, title in enumerate(header, start=1):
        cell = sheet.cell(row=FIRST_ROW - 1, column=column, value=title)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE6F2")
    for column, width in zip("ABCD", (14, 28, 80, 40), strict=True):
        sheet.column_dimensions[column].width = width
    row = FIRST_ROW
    list_column = 0
    yellow = PatternFill("solid", fgColor="FFF2CC")

    def put(code: str, section: str, text: str, choices: list[str]) -> None:
        nonlocal row, list_column
        sheet.cell(row=row, column=1, value=code)
        sheet.cell(row=row, column=2, value=section)
        sheet.cell(row=row, column=3, value=text).alignment = Alignment(wrap_text=True)
        sheet.cell(row=row, column=ANSWER_COLUMN).fill = yellow
        if choices:
            list_column += 1
            letter = get_column_letter(list_column)
            for i, choice in enumerate(choices, start=1):
                lists.cell(row=i, column=list_column, value=choice)
            rule = DataValidation(type="list", formula1=f"{LISTS}!${letter}$1:${letter}${len(choices)}",
                                  allow_blank=True, showErrorMessage=True, errorTitle="Răspuns",
                                  error="Alegeți un răspuns din listă.")
            sheet.add_data_validation(rule)
            rule.add(sheet.cell(row=row, column=ANSWER_COLUMN))
        row += 1

    for code, text in META:
        put(code, "Formular", text, ["T0", "T1", "T2"] if code == "_val" else [])
    for q in instrument.profile:
        put(q.id, "Profil", q.text, _choices(q))
    for section in instrument.sections:
        for q in section.questions:
            if q.type == "multi":
                for option in q.options:
                    put(f"{q.id}:{option.key}", section.title, f"{q.text} – {option.text}", [YES, NO])
            else:
                put(q.id, section.title, q.text, _choices(q))
    book.save(path)


def read_forms(instrument: Instrument | None, paths: Iterable[Path]) -> list[Response]:
    """Read filled forms; InputError at the first fault (file, sheet, row, column). Without ``instrument`` each form
    is read with the shipped instrument version it names (row 3), so forms handed out before a new version was
    released still import, each scored later with the questions it asked."""
    return [read_form(instrument, path) for path in paths]


def _shipped_for(marker: str, path: Path) -> Instrument:
    from cooperare.diagnostic.instrument import load_shipped, shipped_versions

    prefix = "cooperare-diagnostic "
    version = marker[len(prefix):] if marker.startswith(prefix) else ""
    if version not in shipped_versions():
        raise InputError(f"this form is for {marker or 'another questionnaire'}, not a shipped instrument version "
                         f"({', '.join(shipped_versions())})", location=Location(file=str(path), line=3, column=1),
                         hint="give the instrument it was made from with --instrument FILE")
    return load_shipped(version)


def read_form(instrument: Instrument | None, path: Path) -> Response:
    try:
        book = load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not XLSX
        raise InputError(f"cannot read the form: {exc}", location=Location(file=str(path))) from None
    if SHEET not in book.sheetnames:
        raise InputError(f"no sheet {SHEET!r}: not a diagnostic form", location=Location(file=str(path)))
    sheet = book[SHEET]
    marker = str(sheet["A3"].value or "")
    if instrument is None:
        instrument = _shipped_for(marker, path)
    if marker != f"cooperare-diagnostic {instrument.version}":
        raise InputError(f"this form is for {marker or 'another questionnaire'}, not instrument "
                         f"{instrument.version}", location=Location(file=str(path), line=3, column=1))
    answers: dict[str, Any] = {}
    ticks: dict[str, list[str]] = {}
    seen_multi: set[str] = set()
    meta: dict[str, Any] = {}
    for (code_cell, _s, _t, answer_cell) in sheet.iter_rows(min_row=FIRST_ROW, max_col=ANSWER_COLUMN):
        code = code_cell.value
        if code is None:
            continue
        code = str(code).strip()
        value = answer_cell.value
        if isinstance(value, str):
            value = value.strip() or None
        where = Location(file=f"{path} [{SHEET}]", line=answer_cell.row, column=ANSWER_COLUMN, key=code)

        def fail(message: str, where: Location = where) -> InputError:
            return InputError(message, location=where)

        if code.startswith("_"):
            meta[code] = (value, where)
            continue
        if ":" in code:
            qid, option = code.split(":", 1)
            if not instrument.has_question(qid) or instrument.question(qid).option(option) is None:
                raise fail(f"unknown question code {code!r}")
            seen_multi.add(qid)
            if value is None:
                continue
            if value not in (YES, NO):
                raise fail(f"answer {YES} or {NO}, not {value!r}")
            ticks.setdefault(qid, [])
            if value == YES:
                ticks[qid].append(option)
            continue
        if not instrument.has_question(code):
            raise fail(f"unknown question code {code!r}")
        answers[code] = _parse(instrument.question(code), value, fail)
    for qid in seen_multi:
        answers[qid] = tuple(ticks[qid]) if qid in ticks else None
    wave, wave_at = meta.get("_val", (None, None))
    wave = str(wave or "T0").upper()
    if not wave.startswith("T") or not wave[1:].isdigit():
        raise InputError(f"the wave must be T0, T1 …, not {wave!r}", location=wave_at)
    submitted, date_at = meta.get("_data", (None, None))
    submitted_at = _date(submitted, date_at)
    siruta = answers.get("p_siruta")
    if not isinstance(siruta, int):
        raise InputError("the SIRUTA code of the commune (p_siruta) is required",
                         location=Location(file=f"{path} [{SHEET}]", key="p_siruta"))
    clean: dict[str, Answer] = {}
    for qid, value in answers.items():
        try:
            clean[qid] = check_answer(instrument.question(qid), value)
        except ValueError as exc:
            raise InputError(str(exc), location=Location(file=f"{path} [{SHEET}]", key=qid)) from None
    return Response(siruta=siruta, version=instrument.version, wave=wave, submitted_at=submitted_at,
                    answers=clean, source=f"form:{path.name}")


def _date(value: Any, where: Location | None) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, str):
        for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
            try:
                return datetime.strptime(value, pattern).replace(tzinfo=UTC)
            except ValueError:
                pass
    raise InputError(f"give the date the form was filled in as zz.ll.aaaa, not {value!r}", location=where)


def _parse(q: Question, value: Any, fail: Any) -> Any:
    if value is None or value == DONT_KNOW_TEXT:
        return None if value is None else DONT_KNOW
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if q.type == "single":
        match = next((o.key for o in q.options if o.text == str(value)), None)
        if match is None:
            raise fail(f"{value!r} is not one of the listed answers")
        return match
    if q.type == "yes_no":
        if value not in (YES, NO):
            raise fail(f"answer {YES}, {NO} or {DONT_KNOW_TEXT}, not {value!r}")
        return value == YES
    if q.type in ("scale", "number"):
        if isinstance(value, str) and value.isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise fail(f"expected a whole number, not {value!r}")
        if q.type == "scale" and q.scale and not q.scale.min <= value <= q.scale.max:
            raise fail(f"expected a whole number from {q.scale.min} to {q.scale.max}, not {value}")
        return value
    return str(value)
