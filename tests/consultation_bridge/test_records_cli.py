"""The register's commands on a throwaway click group, against a store with no Moodle configuration."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook
from pypdf import PdfReader

from cooperare.cli.commands.consultation_records import RECORD_COMMANDS, register_record_commands
from cooperare.cli.context import AppContext
from cooperare.consultation_bridge.answers import SHEET
from cooperare.consultation_bridge.register import record_contributions
from cooperare.errors import InputError
from cooperare.store import Store
from tests.consultation_bridge.records_data import CID, OUTLINE, UNTIL, items


@click.group()
def throwaway() -> None:
    """A group for the test."""


register_record_commands(throwaway)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COOPERARE_MOODLE_URL", raising=False)
    monkeypatch.setenv("COOPERARE_STORE_URL", f"sqlite:///{tmp_path / 'store.sqlite'}")
    with Store.open(tmp_path / "store.sqlite") as store:
        record_contributions(store, consultation_id=CID, items=items(), recommendations_until=UNTIL,
                             outline=OUTLINE)
    yield tmp_path


def run(*args: str) -> Result:
    app = AppContext()
    try:
        return CliRunner().invoke(throwaway, list(args), obj=app)
    finally:
        app.close()


def test_every_command_has_help_and_is_registered() -> None:
    assert sorted(throwaway.commands) == sorted(c.name for c in RECORD_COMMANDS)
    for command in RECORD_COMMANDS:
        assert command.help and len(command.help) > 30


def test_answer_form_answer_report_export_annual_end_to_end(workdir: Path) -> None:
    result = run("answer-form", CID, "--out", "raspunsuri.xlsx")
    assert result.exit_code == 0, result.output
    book = load_workbook(workdir / "raspunsuri.xlsx")
    sheet = book[SHEET]
    rows = {sheet.cell(row=r, column=1).value: r for r in range(6, sheet.max_row + 1)}
    sheet.cell(row=rows["forum-post:1"], column=10, value="R1")
    sheet.cell(row=rows["forum-post:5"], column=8, value="acceptată")
    book.save(workdir / "raspunsuri.xlsx")
    result = run("answer", CID, "raspunsuri.xlsx", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"consultation": CID, "changed": 2, "answered": 2, "pending": 4}
    assert run("report", CID, "--out", "sinteza.pdf").exit_code == 0
    text = " ".join(p.extract_text() for p in PdfReader(workdir / "sinteza.pdf").pages)
    assert "Recomandarea nu ține de competența autorității publice locale." in " ".join(text.split())
    assert run("report", CID, "--format", "xlsx", "--out", "sinteza.xlsx").exit_code == 0
    assert load_workbook(workdir / "sinteza.xlsx")["Rezumat"]["A1"].value == "Rezumat"
    assert run("export", CID, "--out", "date.json").exit_code == 0
    exported = json.loads((workdir / "date.json").read_text(encoding="utf-8"))["contributions"]
    assert {r["source"]: r["decision"] for r in exported}["forum-post:6"] == "rejected"
    result = run("annual-report", "--authority", "Comuna Șușani", "--year", "2026", "--out", "an.xlsx")
    assert result.exit_code == 0, result.output
    assert load_workbook(workdir / "an.xlsx")["Art. 13"]["C6"].value == 1  # b) included: one accepted


def test_faults_are_cooperare_errors_and_usage_errors(workdir: Path) -> None:
    result = run("export", "nu-exista", "--out", "x.csv")
    assert isinstance(result.exception, InputError) and "no consultation 'nu-exista'" in str(result.exception)
    result = run("report", CID, "--out", "sinteza.docx")
    assert result.exit_code == 2 and "say --format pdf|xlsx" in result.output
    (workdir / "r.yaml").write_text(f"consultation: {CID}\nanswers:\n  - source: forum-post:2\n"
                                    "    decision: rejected\n", encoding="utf-8")
    result = run("answer", CID, "r.yaml")
    assert isinstance(result.exception, InputError) and "r.yaml:3:5: answers[0].reason" in str(result.exception)
