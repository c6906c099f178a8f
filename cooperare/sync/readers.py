"""Read a roster file into a plain table of text cells: CSV (several encodings, ``,`` or ``;``) or XLSX.

The format is told by the file's first bytes (an XLSX file is a ZIP archive), not by its name. CSV encodings:
UTF-8 (with or without BOM) is taken when the bytes decode as UTF-8; otherwise Windows-1250, ISO-8859-16 and
ISO-8859-2 are tried and the one giving the most plausible Romanian text wins (the three place ă â î ș ț at the
same bytes, so for Romanian letters they agree; they differ in quotes and dashes, which decide). The separator is
whichever of ``;`` and ``,`` splits the header into more columns. XLSX files are read with openpyxl in read-only
mode, values only (first sheet unless one is named). Every fault is an :class:`~cooperare.errors.InputError` naming
the file (and line, where there is one): a damaged or foreign file never escapes as another exception.
This module returns text exactly as found: clean-up and validation are :mod:`cooperare.sync.normalise` and
:mod:`cooperare.sync.validate`.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from cooperare.errors import InputError, Location

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000
LEGACY_ENCODINGS = ("cp1250", "iso-8859-16", "iso-8859-2")
_ROMANIAN = set("ăâîșțşţĂÂÎȘȚŞŢ")
_PUNCTUATION = set("„”“–—’")


@dataclass(frozen=True)
class Table:
    """A sheet of text: the header row and the data rows, each with its 1-based line or row number."""

    source: str
    headers: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    header_line: int = 1
    encoding: str = ""
    separator: str = ""


def read_table(path: Path, *, encoding: str = "auto", sheet: str | None = None) -> Table:
    """Read ``path`` (CSV or XLSX) into a :class:`Table`."""
    source = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(f"the file is {size // (1024 * 1024)} MB; rosters larger than "
                             f"{MAX_BYTES // (1024 * 1024)} MB are refused", location=Location(file=source))
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("the roster file does not exist", location=Location(file=source)) from None
    except IsADirectoryError:
        raise InputError("this is a folder, not a roster file", location=Location(file=source)) from None
    except OSError as exc:
        raise InputError(f"cannot read the roster file: {exc.strerror}", location=Location(file=source)) from None
    return parse_bytes(data, source=source, encoding=encoding, sheet=sheet)


def parse_bytes(data: bytes, *, source: str, encoding: str = "auto", sheet: str | None = None) -> Table:
    """Parse the bytes of a roster file (CSV or XLSX, told apart by content)."""
    if data.startswith(b"PK\x03\x04"):
        return read_xlsx(data, source=source, sheet=sheet)
    if data.startswith((b"\xd0\xcf\x11\xe0", b"%PDF")):
        raise InputError("this is an old Excel (.xls) or PDF file, not CSV or XLSX", location=Location(file=source),
                         hint="in Excel: File > Save As > Excel Workbook (.xlsx) or CSV UTF-8")
    return read_csv(data, source=source, encoding=encoding)


# --- CSV --------------------------------------------------------------------------------------------------------


def decode(data: bytes, *, source: str, encoding: str = "auto") -> tuple[str, str]:
    """The text of ``data`` and the encoding used."""
    if encoding != "auto":
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            raise InputError(f"the file is not {encoding} text (byte {exc.start})", location=Location(file=source),
                             hint="set roster.encoding to auto, or save the file as CSV UTF-8") from None
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise InputError(f"the file starts as UTF-8 but byte {exc.start + 3} is not UTF-8",
                             location=Location(file=source)) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    candidates = [(data.decode(name, errors="replace"), name) for name in LEGACY_ENCODINGS]
    text, name = max(candidates, key=lambda candidate: _plausibility(candidate[0]))
    return text, name


def _plausibility(text: str) -> int:
    """Higher for text that looks like Romanian: its letters and typography count, control characters and
    replacement marks weigh against."""
    score = 0
    for ch in text:
        if ch in _ROMANIAN or ch in _PUNCTUATION:
            score += 2
        elif ch == "\ufffd" or ("\x80" <= ch <= "\x9f"):
            score -= 10
        elif ord(ch) > 127 and not ch.isalpha():
            score -= 1
    return score


def _records(text: str, separator: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, quotechar='"', strict=False)
    line = 1
    for record in reader:
        yield line, record
        line = reader.line_num + 1


def _choose_separator(text: str) -> str:
    lines = text.splitlines()
    header = lines[0] if lines else ""
    counts = {sep: len(next(csv.reader([header], delimiter=sep, strict=False), [])) for sep in (";", ",")}
    return ";" if counts[";"] > counts[","] else ","


def read_csv(data: bytes, *, source: str, encoding: str = "auto") -> Table:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("the file is UTF-16 text", location=Location(file=source),
                         hint="save it as CSV UTF-8 (Excel: File > Save As > CSV UTF-8)")
    if b"\x00" in data:
        raise InputError("the file holds NUL bytes: it is not a CSV text file", location=Location(file=source),
                         hint="give a CSV or an XLSX file")
    text, used = decode(data, source=source, encoding=encoding)
    separator = _choose_separator(text)
    headers: tuple[str, ...] | None = None
    header_line = 1
    rows: list[tuple[int, tuple[str, ...]]] = []
    try:
        for line, record in _records(text, separator):
            if not any(cell.strip() for cell in record):
                continue
            if headers is None:
                headers, header_line = tuple(record), line
                continue
            rows.append((line, tuple(record)))
            if len(rows) > MAX_ROWS:
                raise InputError(f"more than {MAX_ROWS} rows", location=Location(file=source, line=line))
    except csv.Error as exc:
        raise InputError(f"cannot read the CSV: {exc}", location=Location(file=source)) from None
    if headers is None:
        raise InputError("the file is empty: no header row", location=Location(file=source))
    return Table(source, headers, tuple(rows), header_line, used, separator)


# --- XLSX -------------------------------------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def read_xlsx(data: bytes, *, source: str, sheet: str | None = None) -> Table:
    # openpyxl raises many kinds of exception on damaged archives (zipfile, XML, KeyError, ValueError, TypeError…);
    # at this boundary any of them means "not a readable workbook".
    import openpyxl

    where = Location(file=source)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except zipfile.BadZipFile:
        raise InputError("the file looks like XLSX but is not a valid ZIP archive (damaged or truncated)",
                         location=where) from None
    except Exception as exc:  # noqa: BLE001 - see above
        raise InputError(f"the file is not a readable XLSX workbook ({type(exc).__name__})", location=where) from None
    try:
        if sheet is not None:
            if sheet not in workbook.sheetnames:
                raise InputError(f"the workbook has no sheet {sheet!r} (sheets: {', '.join(workbook.sheetnames)})",
                                 location=where)
            worksheet = workbook[sheet]
        else:
            if not workbook.sheetnames:
                raise InputError("the workbook has no sheets", location=where)
            worksheet = workbook[workbook.sheetnames[0]]
        headers: tuple[str, ...] | None = None
        header_line = 1
        rows: list[tuple[int, tuple[str, ...]]] = []
        for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
            record = tuple(_cell_text(value) for value in values)
            if not any(cell.strip() for cell in record):
                continue
            if headers is None:
                headers, header_line = record, number
                continue
            rows.append((number, record))
            if len(rows) > MAX_ROWS:
                raise InputError(f"more than {MAX_ROWS} rows", location=Location(file=source, line=number))
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - damaged sheet XML surfaces while iterating
        raise InputError(f"the workbook is damaged and cannot be read ({type(exc).__name__})", location=where) from None
    finally:
        workbook.close()
    if headers is None:
        raise InputError("the sheet is empty: no header row", location=where)
    return Table(source, headers, tuple(rows), header_line, "xlsx", "")
