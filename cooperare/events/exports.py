"""Read attendance exports of online meetings — Microsoft Teams, Zoom, Google Meet — into join/leave sessions.

The format is told by the content, not the file name (column layouts found in public parsers; docs/events.md):

- ``teams``: Teams' attendance report since 2022 — tab-separated, usually UTF-16; sections ``1. Summary``,
  ``2. Participants`` (Name, First Join, Last Leave, In-Meeting Duration, Email, Participant ID (UPN), Role) and
  ``3. In-Meeting Activities`` (Name, Join Time, Leave Time, Duration, Email, Role: one row per join). The
  activities give each join; without them, the in-meeting duration from the first join is taken.
- ``teams-2021``: ``Meeting Summary`` (key/value lines), a blank line, then Full Name, Join Time, Leave Time,
  Duration, Email, Role, Participant ID (UPN).
- ``teams-2020``: Full Name, User Action (Joined, Joined before, Left), Timestamp — one row per action.
- ``zoom``: Name (Original Name), User Email, Join Time, Leave Time, Duration (Minutes), Guest — comma-separated,
  possibly below a meeting summary block.
- ``meet``: First name, Last name, Email, Duration, Time joined, Time exited.

Headers in other languages are read only where a public source showed them (:data:`ALIASES`, docs/events.md):
Zoom in Italian, Spanish and French, the 2021 Teams layout in Polish, the 2020 one in Portuguese. A current Teams
report whose section titles and headers are in no known language (Romanian, say) is read by position — sections
``1.`` ``2.`` ``3.`` in that order, the English column order, each column's content checked on the first row —
and ``Export.recognised_by`` says ``"position"``, with a note per section; when the content does not fit that
order the file is refused, naming the line and column.

Encodings: UTF-8 with or without BOM, UTF-16 with BOM (either byte order) or little-endian without one. Times are
local clock readings of the meeting: they are read in the event's time zone (day-first or month-first is decided by
the event's date) and made aware; a reading in the spring gap is refused, one that happens twice in autumn is
resolved by the row's stated duration, else by leave ≥ join. Rows are streamed (a 100,000-row file is never held
whole). Every fault is an :class:`~cooperare.errors.InputError` naming the file, line and column. This module must
not match people or touch the store.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

from cooperare.errors import InputError, Location

UTC = ZoneInfo("UTC")
_MINUTE = timedelta(minutes=1)
FORMATS = ("teams", "teams-2021", "teams-2020", "zoom", "meet")
MAX_BYTES = 200 * 1024 * 1024
SNIFF_LINES = 60
_STAMP = re.compile(
    r"\s*(?P<a>\d{1,4})[./-](?P<b>\d{1,2})[./-](?P<c>\d{2,4})(?:,|\s|T)\s*(?P<H>\d{1,2}):(?P<M>\d{2})"
    r"(?::(?P<S>\d{2})(?:\.\d+)?)?\s*(?P<ampm>[AaPp]\.?\s?[Mm]\.?)?\s*\Z")
_SECTION = re.compile(r"\d+\.\s+\S")
_CLOCK_ONLY = re.compile(r"\s*(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?\s*(?P<ampm>[AaPp]\.?\s?[Mm]\.?)?\s*\Z")
_DURATION_PART = re.compile(r"(\d+(?:[.,]\d+)?)\s*"
                            r"(h|hr|hrs|hours?|ore|godz|m|min|mins|minutes?|s|sec|secs|seconds?|sek)\b", re.IGNORECASE)
_EMAIL = re.compile(r"[^\s@,;]+@[^\s@,;]+\.[^\s@,;.]{2,}")


@dataclass(frozen=True)
class Session:
    """One stretch of presence: who (as the export names them) and when (aware, UTC)."""

    line: int
    name: str
    email: str
    joined: datetime
    left: datetime


@dataclass
class Export:
    """What was recognised in a file; ``sessions()`` streams its sessions (once)."""

    source: str
    format: str
    encoding: str
    sha256: str
    skipped: list[InputError] = field(default_factory=list)
    rows: int = 0
    language: str = "en"
    """The language whose header names were recognised (``en``, ``it``, ``es``, ``fr``, ``pl``, ``pt``), or ``""``
    for a Teams report read by position."""
    recognised_by: str = "name"
    """``name``: the headers were matched by name; ``position``: a Teams report in an unknown language, its columns
    taken in the English order and checked by content (``notes`` says which sections)."""
    notes: list[str] = field(default_factory=list)


# --- public entry ------------------------------------------------------------------------------------------------


def read_export(path: Path, *, day: date, tz: ZoneInfo, skip_invalid: bool = False) -> tuple[Export, Iterator[Session]]:
    """Detect the format of ``path`` and return it with an iterator over its sessions (the event's ``day`` and
    ``tz`` read the times). With ``skip_invalid`` a bad row is recorded in ``Export.skipped`` instead of raised."""
    source = str(path)
    digest = _hash(path, source)
    handle, encoding = _open_text(path, source)
    try:
        lines = _Lines(handle, source)
        head = lines.peek_until(SNIFF_LINES)
    except BaseException:
        handle.close()
        raise
    fmt, language = _detect(head, source)
    export = Export(source, fmt, encoding, digest, language=language,
                    recognised_by="position" if language == "" else "name")
    if language == "":
        export.notes.append("a Teams report whose section titles are in no known language: its sections are taken "
                            "by number and their columns by position, each checked by content")
    reader = _Reader(export, lines, day=day, tz=tz, skip_invalid=skip_invalid)

    def sessions() -> Iterator[Session]:
        try:
            yield from reader.run()
        finally:
            handle.close()

    return export, sessions()


def file_sha256(path: Path) -> str:
    return _hash(path, str(path))


def _hash(path: Path, source: str) -> str:
    digest = hashlib.sha256()
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(f"the file is {size // (1024 * 1024)} MB; attendance files over "
                             f"{MAX_BYTES // (1024 * 1024)} MB are refused", location=Location(file=source))
        with path.open("rb") as raw:
            for block in iter(lambda: raw.read(1 << 20), b""):
                digest.update(block)
    except FileNotFoundError:
        raise InputError("the attendance file does not exist", location=Location(file=source)) from None
    except IsADirectoryError:
        raise InputError("this is a folder, not an attendance file", location=Location(file=source)) from None
    except OSError as exc:
        raise InputError(f"cannot read the attendance file: {exc.strerror}", location=Location(file=source)) from None
    return digest.hexdigest()


# --- bytes to lines ----------------------------------------------------------------------------------------------


def _open_text(path: Path, source: str) -> tuple[IO[str] | _Utf8Lines, str]:
    with path.open("rb") as raw:
        head = raw.read(4096)
    if not head.strip(b"\x00 \r\n\t\xef\xbb\xbf\xff\xfe"):
        raise InputError("the file is empty", location=Location(file=source))
    if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF")):
        raise InputError("this is a workbook or PDF, not a CSV export", location=Location(file=source),
                         hint="download the attendance report as CSV (Teams: Download; Zoom: Export as CSV)")
    if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
        encoding = "utf-16"
    elif head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif len(head) >= 4 and head[1::2].count(0) > len(head) // 4 and head[0::2].count(0) == 0:
        encoding = "utf-16-le"
    elif b"\x00" in head:
        raise InputError("the file holds NUL bytes: it is not a text export", location=Location(file=source))
    else:
        encoding = "utf-8"
    if encoding.startswith("utf-16"):
        return io.TextIOWrapper(path.open("rb"), encoding=encoding, errors="strict", newline=""), encoding
    return _Utf8Lines(path.open("rb"), bom=encoding == "utf-8-sig"), encoding


class _Utf8Lines:
    """UTF-8 decoded line by line from the bytes, so a bad byte is reported on its own line."""

    encoding = "utf-8"

    def __init__(self, raw: IO[bytes], *, bom: bool) -> None:
        self.raw = raw
        if bom:
            raw.read(3)

    def readline(self) -> str:
        return self.raw.readline().decode("utf-8")

    def close(self) -> None:
        self.raw.close()


class _Lines:
    """Numbered text lines, with a look-ahead buffer for format detection; decoding faults name the line."""

    def __init__(self, handle: IO[str] | _Utf8Lines, source: str) -> None:
        self.handle = handle
        self.source = source
        self.buffer: list[tuple[int, str]] = []
        self.number = 0

    def _read(self) -> tuple[int, str] | None:
        try:
            text = self.handle.readline()
        except UnicodeDecodeError:
            raise InputError(f"the file is not {self.handle.encoding} text",
                             location=Location(file=self.source, line=self.number + 1),
                             hint="export it again, or save it as CSV UTF-8") from None
        if not text:
            return None
        self.number += 1
        return self.number, text

    def peek_until(self, count: int) -> list[tuple[int, str]]:
        while len(self.buffer) < count:
            item = self._read()
            if item is None:
                break
            self.buffer.append(item)
        return list(self.buffer)

    def __iter__(self) -> Iterator[tuple[int, str]]:
        while self.buffer:
            yield self.buffer.pop(0)
        while (item := self._read()) is not None:
            yield item


def _cells(text: str, delimiter: str) -> list[str]:
    text = text.rstrip("\r\n").replace("\r", " ").replace("\x00", "")
    if '"' not in text:
        return [cell.strip() for cell in text.split(delimiter)]
    try:
        return [cell.strip() for cell in next(csv.reader([text], delimiter=delimiter), [])]
    except csv.Error:  # a damaged quoted field: take the line as it is split
        return [cell.strip().strip('"') for cell in text.split(delimiter)]


def _norm(header: str) -> str:
    text = unicodedata.normalize("NFC", header.replace("\ufeff", "")).replace("\u2019", "'")
    return " ".join(text.strip().strip('"').lower().split())


# --- detection ---------------------------------------------------------------------------------------------------

_TEAMS_ACTIVITY = ("name", "join time", "leave time")
_TEAMS_PARTICIPANTS = ("name", "first join", "last leave")
_TEAMS_2021 = ("full name", "join time", "leave time")
_TEAMS_2020 = ("full name", "user action", "timestamp")
_ZOOM = ("name (original name)", "join time", "leave time")
_MEET = ("first name", "last name", "time joined", "time exited")

ALIASES: dict[str, dict[str, dict[str, str]]] = {
    # Header names in other languages, per format and language, each mapped to the English column it stands for
    # (normalised: lower case, NFC, ’ as '). Only names seen in a public export sample, in a public parser that
    # requires them, or in two independent sources are here; docs/events.md names the sources. A header row is read
    # in one language at a time, English names passing as they are (Zoom leaves "Guest" untranslated in Italian).
    "zoom": {
        "it": {"nome (nome originale)": "name (original name)", "e-mail": "user email",
               "ora di ingresso": "join time", "ora di uscita": "leave time", "durata (minuti)": "duration (minutes)"},
        "es": {"nombre (nombre original)": "name (original name)", "correo electrónico": "user email",
               "e-mail del usuario": "user email", "hora de entrada": "join time", "hora para unirse": "join time",
               "hora de salida": "leave time", "hora para salir": "leave time",
               "duración (minutos)": "duration (minutes)"},
        "fr": {"nom (nom original)": "name (original name)", "adresse e-mail de l'utilisateur": "user email",
               "heure d'arrivée": "join time", "heure de départ": "leave time",
               "durée (minutes)": "duration (minutes)"},
    },
    "teams-2021": {
        "pl": {"imię i nazwisko": "full name", "godzina dołączenia": "join time", "godzina opuszczenia": "leave time",
               "rola": "role"},
    },
    "teams-2020": {
        "pt": {"nome completo": "full name", "atividade": "user action", "carimbo de data/hora": "timestamp"},
    },
}
_ACTIONS_2020 = {  # the User Action values of the 2020 layout, per language, as joined / joined before / left
    "en": {"joined": "joined", "joined before": "joined before", "left": "left"},
    "pt": {"ingressou": "joined", "entrou antes de": "joined before", "saiu": "left"},
}
_SECTION_NUMBER = re.compile(r"\s*(\d+)\.\s")
# The current Teams layout's columns in English order: what a report in an unknown language is read by.
_TEAMS_LAYOUT = {
    2: ("name", "first join", "last leave", "in-meeting duration", "email", "participant id (upn)", "role"),
    3: ("name", "join time", "leave time", "duration", "email", "role"),
}


def _delimiter(text: str) -> str:
    counts = {sep: text.count(sep) for sep in ("\t", ",", ";")}
    return max(counts, key=lambda sep: counts[sep])


def _has(cells: list[str], wanted: tuple[str, ...]) -> bool:
    names = {_norm(c) for c in cells}
    return all(w in names for w in wanted)


def _language(fmt: str, cells: list[str], wanted: tuple[str, ...]) -> str | None:
    """The language in which ``cells`` name every ``wanted`` column of ``fmt`` (English first), or None."""
    names = [_norm(c) for c in cells]
    if all(w in names for w in wanted):
        return "en"
    for language, table in ALIASES.get(fmt, {}).items():
        mapped = {table.get(name, name) for name in names}
        if all(w in mapped for w in wanted):
            return language
    return None


def _canonical(fmt: str, language: str, cells: list[str]) -> list[str]:
    table = ALIASES.get(fmt, {}).get(language, {})
    return [table.get(_norm(c), _norm(c)) for c in cells]


def _lone_section(text: str) -> str | None:
    filled = [cell for cell in _cells(text, "\t") if cell]
    return filled[0] if len(filled) == 1 and _SECTION.match(filled[0]) else None


def _detect(head: list[tuple[int, str]], source: str) -> tuple[str, str]:
    """The format and the language of its headers (``""``: a Teams report read by position)."""
    texts = [text.strip() for _line, text in head if text.strip()]
    if not texts:
        raise InputError("the file is empty", location=Location(file=source))
    first = _norm(texts[0].split("\t")[0].split(",")[0])
    if first == "1. summary":
        return "teams", "en"
    if first == "meeting summary":
        return "teams-2021", "en"
    titles = [_norm(title) for text in texts if (title := _lone_section(text)) is not None]
    opening = _lone_section(texts[0])
    if opening is not None and _norm(opening).startswith("1.") and any(t.startswith("2.") for t in titles) and \
            any("\t" in text for text in texts):
        return "teams", ""  # numbered sections in another language: the current layout, read by position
    for text in texts:
        cells = _cells(text, _delimiter(text))
        for fmt, wanted in (("teams-2020", _TEAMS_2020), ("teams-2021", _TEAMS_2021), ("zoom", _ZOOM)):
            language = _language(fmt, cells, wanted)
            if language is not None:
                return fmt, language
        if _language("zoom", cells, ("name (original name)",)) is not None:
            raise InputError("a Zoom participants export without join and leave times", location=Location(
                file=source, line=next(line for line, t in head if t.strip() == text)),
                hint="export the participants again with 'Show unique users' unticked: the join and leave times "
                     "are what count minutes without double counting; if this header has join and leave columns, "
                     "their names are in a language (or a mix of languages) not recognised")
        if _has(cells, _MEET):
            return "meet", "en"
    raise InputError(
        "not a known attendance export: no Teams, Zoom or Google Meet header in the first lines",
        location=Location(file=source, line=head[0][0]),
        hint="give the CSV as downloaded: a Teams attendance report, a Zoom participants report (with join and "
             "leave times), or a Google Meet attendance report; headers are read in English, Zoom's also in Italian, "
             "Spanish and French, Teams' 2021 layout in Polish and 2020 layout in Portuguese, and a current Teams "
             "report in any language by position; for another language (Zoom in Romanian, say) download the report "
             "again with the application's language set to English")


# --- rows to sessions --------------------------------------------------------------------------------------------


class _Reader:
    def __init__(self, export: Export, lines: _Lines, *, day: date, tz: ZoneInfo, skip_invalid: bool) -> None:
        self.export = export
        self.lines = lines
        self.day = day
        self.tz = tz
        self.skip_invalid = skip_invalid
        self.stamps: dict[str, tuple[datetime, ...]] = {}
        self.titles: dict[int, str] = {}
        self.positional: set[int] = set()  # id() of the column maps taken by position: their rows are checked more

    def fail(self, message: str, line: int, *, column: int | None = None, key: str | None = None,
             hint: str | None = None) -> InputError:
        return InputError(message, location=Location(file=self.export.source, line=line, column=column, key=key),
                          hint=hint)

    def _header(self, cells: list[str], names: list[str] | None = None) -> dict[str, int]:
        self.titles = {i: c.replace("\ufeff", "").strip('" ') for i, c in enumerate(cells)}
        names = names if names is not None else _canonical(self.export.format, self.export.language, cells)
        return {name: i for i, name in enumerate(names)}

    def run(self) -> Iterator[Session]:
        if self.export.format == "teams":
            yield from self._teams()
        elif self.export.format == "teams-2020":
            yield from self._teams_2020()
        else:
            wanted = {"teams-2021": _TEAMS_2021, "zoom": _ZOOM, "meet": _MEET}[self.export.format]
            yield from self._table(self._rows_after_header(wanted))

    # -- generic tables ---------------------------------------------------------------------------------------

    def _rows_after_header(self, wanted: tuple[str, ...]) -> Iterator[tuple[int, list[str], dict[str, int]]]:
        columns: dict[str, int] | None = None
        delimiter = ","
        for line, text in self.lines:
            if not text.strip():
                continue
            if columns is None:
                delimiter = _delimiter(text)
                cells = _cells(text, delimiter)
                if _language(self.export.format, cells, wanted) == self.export.language:
                    columns = self._header(cells)
                continue
            yield line, _cells(text, delimiter), columns

    def _table(self, rows: Iterator[tuple[int, list[str], dict[str, int]]]) -> Iterator[Session]:
        fmt = self.export.format
        for line, cells, columns in rows:
            try:
                session = self._row(fmt, line, cells, columns)
            except InputError as error:
                if not self.skip_invalid:
                    raise
                self.export.skipped.append(error)
                continue
            if session is not None:
                self.export.rows += 1
                yield session

    def _cell(self, cells: list[str], columns: dict[str, int], *names: str) -> str:
        for name in names:  # the first of the columns that has a value (Teams: Email, else the UPN)
            index = columns.get(name)
            if index is not None and index < len(cells) and cells[index]:
                return cells[index]
        return ""

    def _row(self, fmt: str, line: int, cells: list[str], columns: dict[str, int]) -> Session | None:
        if fmt == "meet":
            name = " ".join(p for p in (self._cell(cells, columns, "first name"),
                                        self._cell(cells, columns, "last name")) if p)
            email = self._cell(cells, columns, "email")
            join_key, leave_key, duration_key = "time joined", "time exited", "duration"
        elif fmt == "zoom":
            name = self._cell(cells, columns, "name (original name)")
            email = self._cell(cells, columns, "user email", "email")
            join_key, leave_key, duration_key = "join time", "leave time", "duration (minutes)"
        else:  # teams-2021 and the activities / participants of teams
            name = self._cell(cells, columns, "full name", "name")
            email = self._cell(cells, columns, "email", "participant id (upn)")
            join_key = "join time" if "join time" in columns else "first join"
            leave_key = "leave time" if "leave time" in columns else "last leave"
            duration_key = "duration" if "duration" in columns else "in-meeting duration"
        if len(cells) < len(columns) and not any(cells):
            return None
        if len(cells) != len(columns) and len(cells) < max(columns[join_key], columns[leave_key]) + 1:
            raise self.fail(f"this row has {len(cells)} cells, the header {len(columns)}", line)
        if not name and not email:
            raise self.fail("a row without a name or an e-mail", line, column=1)
        if id(columns) in self.positional:
            self._check_by_content(cells, columns, line)
        joined = self._stamps(cells, columns, join_key, line)
        left = self._stamps(cells, columns, leave_key, line)
        minutes = _duration_minutes(self._cell(cells, columns, duration_key), zoom=fmt == "zoom")
        start, end = self._choose(joined, left, minutes, line, columns[leave_key] + 1, leave_key)
        if leave_key == "last leave" and minutes is not None and 0 <= minutes < (end - start) / _MINUTE:
            end = start + minutes * _MINUTE  # first join to last leave spans the gaps; the duration does not
        return Session(line, name, email, start, end)

    def _stamps(self, cells: list[str], columns: dict[str, int], key: str, line: int) -> tuple[datetime, ...]:
        index = columns[key]
        text = cells[index] if index < len(cells) else ""
        shown = self.titles.get(index, key)
        if not text:
            raise self.fail("empty time", line, column=index + 1, key=shown)
        return self._parse_time(text, line, index + 1, shown)

    def _choose(self, joined: tuple[datetime, ...], left: tuple[datetime, ...], minutes: float | None, line: int,
                column: int, key: str) -> tuple[datetime, datetime]:
        pairs = [(a, b) for a in joined for b in left if b >= a]
        if not pairs:
            raise self.fail("leaves before joining", line, column=column, key=self.titles.get(column - 1, key))
        if minutes is not None and len(pairs) > 1:
            return min(pairs, key=lambda p: (abs((p[1] - p[0]).total_seconds() / 60 - minutes), p[1] - p[0]))
        return min(pairs, key=lambda p: p[1] - p[0])

    # -- times --------------------------------------------------------------------------------------------------

    def _parse_time(self, text: str, line: int, column: int, key: str) -> tuple[datetime, ...]:
        cached = self.stamps.get(text)
        if cached is not None:
            return cached
        naive = self._naive(text, line, column, key)
        if naive.tzinfo is not None:  # an ISO reading with its own offset: the instant is known
            try:
                local = naive.astimezone(self.tz)
            except (OverflowError, ValueError):
                raise self.fail(f"not a date and time: {text[:40]!r}", line, column=column, key=key) from None
            if abs((local.date() - self.day).days) > 1:
                raise self.fail(f"{text!r} is not on the event's date ({self.day.isoformat()})", line,
                                column=column, key=key, hint="is this the export of another meeting or event?")
            self.stamps[text] = (naive.astimezone(UTC),)
            return self.stamps[text]
        moments = []
        for fold in (0, 1):
            moment = naive.replace(tzinfo=self.tz, fold=fold).astimezone(UTC)
            if moment.astimezone(self.tz).replace(tzinfo=None) == naive and moment not in moments:
                moments.append(moment)
        if not moments:
            raise self.fail(f"{text!r} does not exist in {self.tz.key} (the clocks skip that hour)", line,
                            column=column, key=key)
        result = tuple(moments)
        if len(self.stamps) < 100_000:
            self.stamps[text] = result
        return result

    def _naive(self, text: str, line: int, column: int, key: str) -> datetime:
        match = _STAMP.match(text)
        if match is None:
            clock = _CLOCK_ONLY.match(text)
            if clock is None:
                try:
                    parsed = datetime.fromisoformat(text.strip())
                except ValueError:
                    raise self.fail(f"not a date and time: {text[:40]!r}", line, column=column, key=key) from None
                if parsed.tzinfo is None and abs((parsed.date() - self.day).days) > 1:
                    raise self.fail(f"{text!r} is not on the event's date ({self.day.isoformat()})", line,
                                    column=column, key=key, hint="is this the export of another meeting or event?")
                return parsed
            return datetime.combine(self.day, self._clock(clock, text, line, column, key))
        a, b, c = match["a"], match["b"], match["c"]
        if len(a) == 4:
            options = [(int(a), int(b), int(c))]
        else:
            year = int(c) + (2000 if len(c) == 2 else 0)
            options = [(year, int(b), int(a)), (year, int(a), int(b))]  # day first, then month first
        days = []
        for year, month, day_of_month in options:
            try:
                days.append(date(year, month, day_of_month))
            except ValueError:
                continue
        near = [d for d in days if abs((d - self.day).days) <= 1]
        if not near:
            if days:
                raise self.fail(f"{text!r} is not on the event's date ({self.day.isoformat()})", line,
                                column=column, key=key, hint="is this the export of another meeting or event?")
            raise self.fail(f"not a date and time: {text[:40]!r}", line, column=column, key=key)
        chosen = min(near, key=lambda d: abs((d - self.day).days))
        return datetime.combine(chosen, self._clock(match, text, line, column, key))

    def _clock(self, match: re.Match[str], text: str, line: int, column: int, key: str) -> time:
        hours, minutes, seconds = int(match["H"]), int(match["M"]), int(match["S"] or 0)
        ampm = (match["ampm"] or "").lower().replace(".", "").replace(" ", "")
        if ampm:
            if not 1 <= hours <= 12:
                raise self.fail(f"not a time: {text[:40]!r}", line, column=column, key=key)
            hours = hours % 12 + (12 if ampm == "pm" else 0)
        if hours > 23 or minutes > 59 or seconds > 59:
            raise self.fail(f"not a time: {text[:40]!r}", line, column=column, key=key)
        return time(hours, minutes, seconds)

    # -- Teams --------------------------------------------------------------------------------------------------

    def _teams(self) -> Iterator[Session]:
        """Sections 2 (participants) and 3 (activities): activities when present, else participants."""
        number = 0
        title = ""
        participants: list[tuple[int, list[str], dict[str, int]]] = []
        columns: dict[str, int] | None = None
        pending: tuple[int, list[str]] | None = None  # a header in no known language, checked on the next row
        had_activities = False
        for line, text in self.lines:
            stripped = text.strip()
            if not stripped:
                continue
            cells = _cells(text, "\t")
            filled = [cell for cell in cells if cell]
            if len(filled) == 1 and _SECTION.match(filled[0]):
                title = filled[0]
                found = _SECTION_NUMBER.match(title)
                number = int(found.group(1)) if found else 0
                columns = pending = None
                continue
            if number not in _TEAMS_LAYOUT:
                continue
            if columns is None and pending is None:
                wanted = _TEAMS_PARTICIPANTS if number == 2 else _TEAMS_ACTIVITY
                if _has(cells, wanted):
                    columns = self._header(cells, [_norm(c) for c in cells])
                elif self.export.recognised_by == "position":
                    pending = (line, cells)
                else:
                    missing = [w for w in wanted if w not in {_norm(c) for c in cells}]
                    raise self.fail(f"the {_norm(title)[3:].strip()} section has no column {missing[0]!r}", line,
                                    hint="is this a Teams attendance report as downloaded?")
                continue
            if pending is not None:
                columns = self._by_position(number, title, pending, line, cells)
                pending = None
            assert columns is not None
            if number == 2:
                participants.append((line, cells, columns))
            else:
                had_activities = True
                yield from self._table(iter([(line, cells, columns)]))
        if not had_activities:
            yield from self._table(iter(participants))

    def _by_position(self, number: int, title: str, header: tuple[int, list[str]], line: int,
                     cells: list[str]) -> dict[str, int]:
        """The columns of a section whose header is in no known language: the English layout's, if the first row's
        content fits it column by column (a name, two dates and times, a duration that agrees with them, e-mail
        addresses or nothing); refused otherwise, since a wrong guess would count the wrong minutes."""
        header_line, names = header
        layout = _TEAMS_LAYOUT[number]
        hint = ("the headers are in a language not recognised, so the columns are taken in the order of the English "
                "report and checked on the first row; download the report again with Teams set to English")
        if len(names) != len(layout) or not all(names):
            raise self.fail(f"section {title!r}: the header has {len(names)} columns in no known language, not the "
                            f"{len(layout)} of the Teams layout ({', '.join(layout)}): its columns cannot be told "
                            "apart", header_line, hint=hint)
        if len(cells) != len(layout):
            raise self.fail(f"section {title!r}: the first row has {len(cells)} cells, not {len(layout)}: its columns "
                            "cannot be recognised by position", line, hint=hint)

        def unsure(index: int, what: str) -> InputError:
            return self.fail(f"section {title!r}: {names[index]!r} (column {index + 1}) should be the {what} in the "
                             f"Teams layout, but the first row holds {cells[index][:40]!r}: the columns cannot be "
                             "recognised by position", line, column=index + 1, key=names[index], hint=hint)

        # a guest's name may be their address; an address there with none in the e-mail column means swapped columns
        if not cells[0] or _STAMP.match(cells[0]) or (_EMAIL.fullmatch(cells[0]) and not _EMAIL.fullmatch(cells[4])):
            raise unsure(0, "name")
        for index in (1, 2):
            if not _STAMP.match(cells[index]):
                raise unsure(index, layout[index])
        minutes = _duration_minutes(cells[3], zoom=False) if _DURATION_PART.search(cells[3]) else None
        if minutes is None:
            raise unsure(3, layout[3])
        for index, name in enumerate(layout):
            if name in ("email", "participant id (upn)") and cells[index] and not _EMAIL.fullmatch(cells[index]):
                raise unsure(index, name)
        self.titles = {i: name for i, name in enumerate(names)}
        joined = self._parse_time(cells[1], line, 2, names[1])
        left = self._parse_time(cells[2], line, 3, names[2])
        start, end = self._choose(joined, left, minutes, line, 3, names[2])
        span = (end - start) / _MINUTE
        if minutes > span + 1.5 or (number == 3 and minutes < span - 1.5):
            raise self.fail(f"section {title!r}: the duration {cells[3]!r} (column 4) does not agree with "
                            f"{cells[1]!r} to {cells[2]!r}: the columns cannot be recognised by position", line,
                            column=4, key=names[3], hint=hint)
        columns = {name: i for i, name in enumerate(layout)}
        self.positional.add(id(columns))
        self.export.notes.append(f"section {title!r} (header on line {header_line}): the columns "
                                 f"{', '.join(names)} were read as {', '.join(layout)} by position, checked on line "
                                 f"{line}")
        return columns

    def _check_by_content(self, cells: list[str], columns: dict[str, int], line: int) -> None:
        """Each row of a section read by position: e-mail columns hold addresses or nothing, the duration a unit."""
        for name, index in columns.items():
            value = cells[index] if index < len(cells) else ""
            if not value:
                continue
            if name in ("email", "participant id (upn)") and not _EMAIL.fullmatch(value):
                raise self.fail(f"{value[:40]!r} is not an e-mail address (the column was recognised by position)",
                                line, column=index + 1, key=self.titles.get(index, name))
            if name in ("duration", "in-meeting duration") and (
                    not _DURATION_PART.search(value) or _duration_minutes(value, zoom=False) is None):
                raise self.fail(f"{value[:40]!r} is not a duration (the column was recognised by position)",
                                line, column=index + 1, key=self.titles.get(index, name))

    def _teams_2020(self) -> Iterator[Session]:
        columns: dict[str, int] | None = None
        delimiter = "\t"
        open_since: dict[str, tuple[int, datetime]] = {}
        latest: datetime | None = None
        for line, text in self.lines:
            if not text.strip():
                continue
            if columns is None:
                delimiter = _delimiter(text)
                cells = _cells(text, delimiter)
                if _language("teams-2020", cells, _TEAMS_2020) == self.export.language:
                    columns = self._header(cells)
                continue
            cells = _cells(text, delimiter)
            actions = _ACTIONS_2020.get(self.export.language, _ACTIONS_2020["en"])
            try:
                name = self._cell(cells, columns, "full name")
                said = _norm(self._cell(cells, columns, "user action"))
                if not name:
                    raise self.fail("a row without a name", line, column=columns["full name"] + 1,
                                    key=self.titles.get(columns["full name"], "Full Name"))
                moment = self._stamps(cells, columns, "timestamp", line)[0]
                action = actions.get(said)
                if action is None:
                    known = ", ".join(repr(a) for a in actions)
                    raise self.fail(f"unknown user action {said!r} ({known})", line,
                                    column=columns["user action"] + 1,
                                    key=self.titles.get(columns["user action"], "User Action"))
            except InputError as error:
                if not self.skip_invalid:
                    raise
                self.export.skipped.append(error)
                continue
            self.export.rows += 1
            latest = moment if latest is None or moment > latest else latest
            if action == "left":
                began = open_since.pop(name, None)
                if began is not None and moment >= began[1]:
                    yield Session(began[0], name, "", began[1], moment)
            elif name not in open_since:
                open_since[name] = (line, moment)
        for name, (line, began) in open_since.items():
            yield Session(line, name, "", began, max(began, latest or began))


def _duration_minutes(text: str, *, zoom: bool) -> float | None:
    text = text.strip()
    if not text:
        return None
    if zoom or text.replace(".", "", 1).isdigit():
        try:
            return float(text)
        except ValueError:
            return None
    if _DURATION_PART.search(text) and re.sub(r"[\s.,]", "", _DURATION_PART.sub("", text)):
        return None  # a word besides the known units ("1 oră 5 min"): unknown rather than 5 minutes
    total = 0.0
    found = False
    for number, unit in _DURATION_PART.findall(text):
        value = float(number.replace(",", "."))
        unit = unit.lower()
        total += value * 60 if unit.startswith(("h", "o", "g")) else value / 60 if unit.startswith("s") else value
        found = True
    if not found and re.fullmatch(r"\d{1,2}:\d{2}(:\d{2})?", text):
        parts = [int(p) for p in text.split(":")]
        total = parts[0] * 60 + parts[1] + (parts[2] / 60 if len(parts) == 3 else 0)
        found = True
    return total if found else None
