"""``cooperare events ...`` through the real entry point, with a store and no Moodle configuration."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cooperare.cli.main import main
from cooperare.events.loader import find_event, load_events
from cooperare.events.simulate import Invitee, write_teams_report


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COOPERARE_MOODLE_URL", raising=False)
    monkeypatch.setenv("COOPERARE_STORE_URL", f"sqlite:///{tmp_path / 'store.sqlite'}")
    return tmp_path


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:  # type: ignore[type-arg]
    capsys.readouterr()
    assert main(list(args)) == 0
    return json.loads(capsys.readouterr().out)


def test_check_lists_the_eight_events(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "events", "check", "--json")
    assert len(data["events"]) == 8
    assert data["counts"] == {"dissemination": 6, "participatory_governance": 2} == data["targets"]
    first = data["events"][0]
    assert first["starts_at"] == "2027-02-16T10:00:00+02:00"


def test_attendance_then_report(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    event = find_event(load_events(), "diseminare-3")
    csv = write_teams_report(workdir / "teams.csv", event, [Invitee(f"Ana{i} Pop", f"a{i}@x.ro") for i in range(20)],
                             seed=2)
    data = run_json(capsys, "events", "attendance", "diseminare-3", "--csv", str(csv), "--json")
    assert data["recorded"] is True and data["format"] == "teams" and data["people"] >= 15
    assert data["by_kind"]["roster"] == 0  # the store's roster is empty: everyone is a guest
    again = run_json(capsys, "events", "attendance", "diseminare-3", "--csv", str(csv), "--json")
    assert again["recorded"] is False and again["people"] == data["people"]
    assert main(["events", "report", "--out", str(workdir / "r.xlsx")]) == 0
    assert main(["events", "report", "diseminare-3", "--format", "pdf", "--out", str(workdir / "r.pdf")]) == 0
    assert (workdir / "r.pdf").read_bytes().startswith(b"%PDF")
    assert "1 of 8 events held" in capsys.readouterr().err


def test_errors_are_messages_with_exit_codes(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = workdir / "bad.csv"
    bad.write_text("hello,world\n1,2\n", encoding="utf-8")
    assert main(["events", "attendance", "diseminare-3", "--csv", str(bad)]) == 1
    assert "not a known attendance export" in capsys.readouterr().err
    assert main(["events", "attendance", "nope", "--csv", str(bad)]) == 1
    assert "no event 'nope'" in capsys.readouterr().err
    assert main(["events", "report", "--out", str(workdir / "r.txt")]) == 2


def test_registrations_are_matched_before_guests(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    regs = workdir / "inscrieri.csv"
    regs.write_text("Nume și prenume;E-mail;Instituția;Județ;Categorie\n"
                    "Ioana Mureșan;;Asociația Florilor;Cluj;ONG\n"
                    "Dan Pop;dan@pop.ro;Universitatea X;Iași;mediul academic\n", encoding="utf-8-sig")
    zoom = workdir / "zoom.csv"
    zoom.write_text("Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
                    "Ioana Muresan,,04/20/2027 10:00:00 AM,04/20/2027 11:30:00 AM,90,Yes\n"
                    "Dan Pop,DAN@pop.ro,04/20/2027 10:00:00 AM,04/20/2027 10:20:00 AM,20,Yes\n"
                    "Vasile Ene,,04/20/2027 10:00:00 AM,04/20/2027 10:20:00 AM,20,Yes\n", encoding="utf-8")
    data = run_json(capsys, "events", "attendance", "diseminare-3", "--csv", str(zoom), "--registrations", str(regs),
                    "--json")
    assert data["registered_added"] == 2
    assert data["by_kind"] == {"roster": 0, "registered": 2, "guest": 1} and data["attended"] == 1
    from cooperare.store import Store
    from cooperare.store.events import EventAttendance

    with Store.open(workdir / "store.sqlite") as store:
        guests = {g.name: g for g in EventAttendance(store.engine).guests("diseminare-3")}
    assert guests["Ioana Mureșan"].category == "ong" and guests["Ioana Mureșan"].county == "CJ"
    assert guests["Dan Pop"].category == "mediul academic" and guests["Dan Pop"].county == "IS"


def test_bad_registration_row_is_named(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    regs = workdir / "inscrieri.csv"
    regs.write_text("nume,email,judet\nAna Pop,ana@x.ro,Cluj\nDan Pop,dan-at-pop,Iași\n", encoding="utf-8")
    zoom = workdir / "z.csv"
    zoom.write_text("x\n", encoding="utf-8")
    assert main(["events", "attendance", "diseminare-3", "--csv", str(zoom), "--registrations", str(regs)]) == 1
    assert "inscrieri.csv:3:2: email: not an e-mail address: 'dan-at-pop'" in capsys.readouterr().err
