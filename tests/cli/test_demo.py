"""`cooperare demo`, the README's main job on the embedded sandbox Moodle, end to end: every stage runs and leaves
what it announces."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from cooperare.certificates.publish import read_published
from cooperare.cli.main import main
from tests.pilot.test_demo_pilot import check_pilot_report


def test_the_demo_runs_every_stage_and_writes_its_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out)]) == 0
    said = capsys.readouterr()
    text = said.out + said.err
    assert "Demo finished" in text
    # the BigBlueButton events already held in the moved calendar are read from their rooms' logs, once
    assert text.count("BigBlueButton room of diseminare-1:") == 1 and "recorded twice!" not in text
    pdfs = list((out / "certificates").rglob("*.pdf"))
    assert len(pdfs) > 200
    serial = "-".join(pdfs[0].name.split("-")[:4])
    record = read_published(out / "verify", serial)
    assert record is not None and record["status"] == "valid"
    # issued on the run date, as the registry records it, after the (moved) training period printed on it
    today = datetime.now(UTC).date()
    issued = date.fromisoformat(record["issued_on"])
    assert today - timedelta(days=1) <= issued <= today
    printed = "".join(page.extract_text() for page in PdfReader(pdfs[0]).pages)
    assert f"Eliberat la {issued:%d.%m.%Y}" in printed
    period_end = re.search(r"Perioada: \S+ – (\d\d)\.(\d\d)\.(\d{4})", printed)
    assert period_end is not None
    assert date(*map(int, reversed(period_end.groups()))) <= issued - timedelta(days=14)
    assert (out / "manual" / "html" / "index.html").is_file()
    assert list((out / "events").glob("*.pdf")) and list((out / "diagnostic").iterdir())
    assert (out / "cooperare.yaml").is_file()
    # the pilot report a funder reads first: every pilot city hall active, in the forum, with T0 and T1, figures that
    # agree, no date after today (tests/pilot/test_demo_pilot.py runs `pilot report` in such a folder)
    halls = check_pilot_report(out / "pilot" / "raport-pilot.pdf", out / "pilot" / "raport-pilot.xlsx",
                               today=datetime.now(UTC).date())
    assert all(row[8] > 0 for row in halls.values())  # certificates, from the certificates stage
    assert "pilot:" in (out / "cooperare.yaml").read_text(encoding="utf-8")
    summary = json.dumps(text)
    assert "Traceback" not in summary
