"""Dissemination: the list of recipients (row and column errors), personalised letters, the register, re-runs."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from cooperare.cli.main import cli
from cooperare.errors import InputError
from cooperare.manual.disseminate import disseminate, read_recipients
from cooperare.store import Store
from cooperare.store.dissemination import DisseminationRegister

GOOD = ("denumire;tip;judet;email\n"
        "Primăria comunei Ciugud;comună;Alba;registratura@ciugud.ro\n"
        "Consiliul Județean Argeș;consiliu județean;AG;cjarges@cjarges.ro\n"
        "Ministerul Dezvoltării;minister;;registratura@mdlpa.ro\n")


def test_recipients_are_read_from_csv_and_xlsx(tmp_path: Path) -> None:
    csv_path = tmp_path / "lista.csv"
    csv_path.write_text(GOOD, encoding="utf-8")
    recipients = read_recipients(csv_path)
    assert [(r.kind, r.county) for r in recipients] == [("comuna", "AB"), ("consiliu-judetean", "AG"),
                                                         ("minister", "")]
    book = Workbook()
    sheet = book.active
    for line in GOOD.splitlines():
        sheet.append(line.split(";"))
    xlsx = tmp_path / "lista.xlsx"
    book.save(xlsx)
    assert read_recipients(xlsx) == recipients


def test_every_bad_cell_is_reported_with_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "lista.csv"
    path.write_text("denumire;tip;judet;email\n"
                    "Primăria X;sat;Alba;x@x.ro\n"
                    "Primăria Y;comună;;nu-e-email\n"
                    "Primăria X;sat;Alba;x@x.ro\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_recipients(path)
    text = str(caught.value)
    assert f"{path}:2: tip" in text and f"{path}:3: judet" in text and f"{path}:3: email" in text
    assert f"{path}:4: denumire" in text and "line 2" in text
    path.write_text("denumire;email\nA;a@a.ro\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing column 'tip'"):
        read_recipients(path)


def test_letters_and_register_and_rerun(tmp_path: Path) -> None:
    path = tmp_path / "lista.csv"
    path.write_text(GOOD, encoding="utf-8")
    with Store.open(tmp_path / "store.sqlite") as store:
        first = disseminate(path, tmp_path / "out", store, title="Manual", version="1.0", link="https://x.ro/m",
                            date="02.12.2026")
        assert first.recorded == 3 and first.skipped == 0 and all(p.exists() for p in first.letters)
        rows = DisseminationRegister(store.engine).all()
        assert [(r.recipient, r.version, r.channel) for r in rows][0] == ("Primăria comunei Ciugud", "1.0", "email")
        assert all(r.sent_at is not None for r in rows)
        path.write_text(GOOD + "Primăria comunei Bran;comună;Brașov;primaria@bran.ro\n", encoding="utf-8")
        second = disseminate(path, tmp_path / "out", store, title="Manual", version="1.0", link="https://x.ro/m",
                             date="02.12.2026")
        assert second.recorded == 1 and second.skipped == 3
        assert len(DisseminationRegister(store.engine).all()) == 4
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(first.letters[0]), "-"], capture_output=True, text=True).stdout
        assert "Primăria comunei Ciugud" in text and "județul Alba" in text and "https://x.ro/m" in text


def test_cli_disseminate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cooperare.yaml").write_text("site:\n  url: http://127.0.0.1:9\nstore:\n  url: sqlite:///store.sqlite\n",
                                             encoding="utf-8")
    (tmp_path / "lista.csv").write_text(GOOD, encoding="utf-8")
    result = CliRunner().invoke(cli, ["manual", "disseminate", "--list", "lista.csv", "--link", "https://x.ro/m",
                                      "--out", "dis", "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["recorded"] == 3
    with Store.open(tmp_path / "store.sqlite") as store:
        rows = DisseminationRegister(store.engine).all()
        assert len(rows) == 3 and rows[0].run_id is not None
        run = store.runs.get(rows[0].run_id)
        assert run.command == "manual disseminate" and run.outcome == "ok" and run.detail["recorded"] == 3


def test_target_group_gets_one_message_per_version(tmp_path: Path) -> None:
    from types import SimpleNamespace

    from cooperare.manual.disseminate import message_target_group
    from cooperare.moodle.records import MessageResult
    from cooperare.store.people import People, PersonRecord

    sent: list[dict] = []

    def send(messages):
        sent.extend(messages)
        return [MessageResult(-1 if m["touserid"] == 13 else 100 + i, m["clientmsgid"],
                              "blocked" if m["touserid"] == 13 else None) for i, m in enumerate(messages)]

    client = SimpleNamespace(messages=SimpleNamespace(send=send))
    people = [PersonRecord(f"p{i}", f"id{i}", uid, "Ana", "Pop", f"a{i}@x.ro", "AB", "Ciugud", "Primăria", "ales",
                           "alesi-guvernanta") for i, uid in enumerate([11, 12, 13, None])]
    with Store.open(tmp_path / "store.sqlite") as store:
        People(store.engine).upsert(people)
        run = store.runs.start("test")
        first = message_target_group(client, store, title="Manual", version="1.0", link="https://x.ro/m", run_id=run)
        assert (first.sent, first.failed, first.no_account, first.already) == (2, 1, 1, 0)
        assert "https://x.ro/m" in sent[0]["text"]
        again = message_target_group(client, store, title="Manual", version="1.0", link="https://x.ro/m", run_id=run)
        assert (again.sent, again.failed, again.already) == (0, 1, 2) and len(sent) == 4  # only the refused one again
        newer = message_target_group(client, store, title="Manual", version="1.1", link="https://x.ro/m", run_id=run)
        assert newer.sent == 2
