"""The events report: attendance lists, counts by category, the project against its targets; XLSX and PDF."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest

from cooperare.certificates.fonts import load_fonts
from cooperare.config.events import AttendanceRule, EventTargets
from cooperare.events.attendance import Attendee
from cooperare.events.loader import load_events
from cooperare.events.report import GUEST_LABEL, HELD, NOT_IMPORTED, PLANNED, RUNNING, build_report
from cooperare.events.service import write_report

EVENTS = load_events()
T0 = datetime(2027, 4, 20, 7, 0, tzinfo=UTC)
CATEGORIES = {"ales": "Ales local", "ong": "Reprezentant ONG"}


def person(key: str, name: str, kind: str, category: str, minutes: int) -> Attendee:
    return Attendee(key, kind, name, "", "Primăria Șieu" if kind == "roster" else "", "BN" if category else "",
                    category, ((T0, T0 + timedelta(minutes=minutes)),), "email")


ATTENDANCE = {"diseminare-3": [person("R1", "Ștefan Țurcanu", "roster", "ales", 120),
                               person("R2", "Ana Ălbu", "roster", "ales", 30),
                               person("R3", "Zoe Ionescu", "roster", "ong", 61),
                               person("guest:x", "=HYPERLINK(\"http://x\")", "guest", "", 90)]}


def report(**kwargs: object):  # type: ignore[no-untyped-def]
    return build_report(EVENTS, ATTENDANCE, rule=AttendanceRule(), targets=EventTargets(), categories=CATEGORIES,
                        generated_at=datetime(2027, 12, 1, tzinfo=UTC), **kwargs)  # type: ignore[arg-type]


def test_attendance_list_and_categories() -> None:
    built = report()
    (section,) = built.sections  # only the event held
    assert section.event.id == "diseminare-3" and section.present == 4 and section.attended == 3
    names = [row[1] for row in section.attendance.rows]
    assert names == ["=HYPERLINK(\"http://x\")", "Ana Ălbu", "Ștefan Țurcanu", "Zoe Ionescu"]  # Romanian order
    rows = {row[1]: row for row in section.attendance.rows}
    assert rows["Ana Ălbu"][5:] == (30, "Nu") and rows["Zoe Ionescu"][5:] == (61, "Da")
    assert rows["Ștefan Țurcanu"][3] == "Bistrița-Năsăud (BN)"
    counts = {row[0]: row[1:] for row in section.by_category.rows}
    assert counts == {"Ales local": (2, 1), "Reprezentant ONG": (1, 1), GUEST_LABEL: (1, 1), "Total": (4, 3)}


def test_project_against_targets() -> None:
    built = report()
    targets = {row[0]: row[1:] for row in built.targets.rows}
    assert targets["Diseminare"] == (6, 6, 1, pytest.approx(1 / 6))
    assert targets["Guvernanță participativă"] == (2, 2, 0, 0.0)
    states = [row[-1] for row in built.summary.rows]
    assert states.count(HELD) == 1 and len(states) == 8
    assert states.count(NOT_IMPORTED) == 7  # generated after every event: the others lack their attendance


def test_an_event_not_yet_over_is_planned_one_past_without_attendance_is_flagged() -> None:
    by_id = {e.id: e for e in EVENTS}
    guvernanta = by_id["guvernanta-1"]
    for moment, expected in ((guvernanta.starts_at - timedelta(seconds=1), PLANNED), (guvernanta.starts_at, RUNNING),
                             (guvernanta.ends_at - timedelta(seconds=1), RUNNING), (guvernanta.ends_at, NOT_IMPORTED)):
        built = build_report(EVENTS, ATTENDANCE, rule=AttendanceRule(), targets=EventTargets(),
                             categories=CATEGORIES, generated_at=moment)
        states = {row[1]: row[-1] for row in built.summary.rows}
        assert states[guvernanta.title] == expected, moment
        assert states[by_id["diseminare-3"].title] == HELD
    assert report(only="guvernanta-1").sections[0].held is False


def test_xlsx_neutralises_formulas(tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    write_report(report(), out, fmt="xlsx", fonts=None)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Rezumat", "Ținte", "Prezență diseminare-3", "Categorii diseminare-3"]
    cells = [c.value for row in book["Prezență diseminare-3"].iter_rows() for c in row]
    assert "'=HYPERLINK(\"http://x\")" in cells


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed")
def test_pdf_has_the_signature_column(tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    write_report(report(), out, fmt="pdf", fonts=load_fonts())
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "Semnătura" in text and "Ștefan Țurcanu" in text
    assert "Lista de prezență – Platforma de e-learning" in text
    assert "Guvernanță participativă" in text


def test_pdf_names_every_event_in_full_and_dates_itself_in_romanian_time(tmp_path: Path) -> None:
    """The evaluator reads each event's whole title in the project's table (none cut with "…") and the report's
    date in Romanian time (00:30 in Bucharest on 1 December 2027 is 30 November in UTC)."""
    from pypdf import PdfReader

    out = tmp_path / "r.pdf"
    built = build_report(EVENTS, ATTENDANCE, rule=AttendanceRule(), targets=EventTargets(), categories=CATEGORIES,
                         generated_at=datetime(2027, 11, 30, 22, 30, tzinfo=UTC))
    write_report(built, out, fmt="pdf", fonts=load_fonts())
    first = PdfReader(out).pages[0].extract_text()
    flat = " ".join(first.split())
    assert "…" not in first
    for event in EVENTS:  # wrapped titles interleave with the next columns in extracted text: check the words
        assert all(word in flat for word in event.title.split()), event.title
    assert "Generat la 01.12.2027 00:30 (ora României)" in flat and "UTC" not in flat
