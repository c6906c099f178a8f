"""Importing attendance into the store: repeatable without double counting, roster and guests matched."""

from __future__ import annotations

from pathlib import Path

import pytest

from cooperare.config.events import AttendanceRule
from cooperare.errors import InputError
from cooperare.events.attendance import Guest
from cooperare.events.loader import find_event, load_events
from cooperare.events.service import import_attendance
from cooperare.events.simulate import Invitee, write_teams_report
from cooperare.store import Store
from cooperare.store.events import EventAttendance
from cooperare.store.people import People, PersonRecord

EVENT = find_event(load_events(), "diseminare-3")


def roster(count: int) -> list[PersonRecord]:
    return [PersonRecord(key=f"R{i}", idnumber=f"coop-{i}", moodle_user_id=i, firstname=f"Ana{i}",
                         lastname="Mureșan", email=f"ana{i}@primarie.ro", county="AB", commune="Aiud",
                         organisation="Primăria Aiud", category="adm-executie", track="adm-alfabetizare")
            for i in range(count)]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = Store.open(tmp_path / "s.sqlite")
    People(opened.engine).upsert(roster(40))
    yield opened
    opened.close()


def test_import_twice_records_once(store: Store, tmp_path: Path) -> None:
    people = [Invitee(f"Ana{i} Mureșan", f"ana{i}@primarie.ro") for i in range(40)]
    path = write_teams_report(tmp_path / "teams.csv", EVENT, people, seed=7)
    first = import_attendance(store, EVENT, path, rule=AttendanceRule())
    assert first.recorded and first.format == "teams"
    assert first.by_kind["roster"] > 25 and first.by_kind["guest"] >= 1
    register = EventAttendance(store.engine)
    before = {a.person_key: a.minutes for a in register.attendance(EVENT.id)}
    again = import_attendance(store, EVENT, path, rule=AttendanceRule())
    assert not again.recorded and again.people == first.people and again.attended == first.attended
    assert {a.person_key: a.minutes for a in register.attendance(EVENT.id)} == before
    assert len(register.imports(event_id=EVENT.id)) == 1
    run = store.runs.get(1)
    assert run.outcome == "ok" and run.detail["recorded"] is True


def test_a_second_export_of_the_same_meeting_is_united_not_added(store: Store, tmp_path: Path) -> None:
    people = [Invitee(f"Ana{i} Mureșan", f"ana{i}@primarie.ro") for i in range(10)]
    path = write_teams_report(tmp_path / "a.csv", EVENT, people, seed=3)
    import_attendance(store, EVENT, path, rule=AttendanceRule())
    register = EventAttendance(store.engine)
    before = {a.person_key: a.minutes for a in register.attendance(EVENT.id)}
    copy = tmp_path / "b.csv"  # the same report re-saved as UTF-8: another hash, the same minutes
    copy.write_text(path.read_text(encoding="utf-16"), encoding="utf-8")
    outcome = import_attendance(store, EVENT, copy, rule=AttendanceRule())
    assert outcome.recorded
    assert {a.person_key: a.minutes for a in register.attendance(EVENT.id)} == before


def test_registered_guests_are_matched(store: Store, tmp_path: Path) -> None:
    register = EventAttendance(store.engine)
    guest = Guest("Ioana Mureșan", "", "Asociația Florilor", "CJ", "ong")
    assert register.add_guests(EVENT.id, [guest, guest]) == 1
    assert register.add_guests(EVENT.id, [guest]) == 0
    path = tmp_path / "zoom.csv"
    path.write_text("Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
                    "Ioana Muresan,,04/20/2027 10:00:00 AM,04/20/2027 11:30:00 AM,90,Yes\n"
                    "Ana3 Mureșan,ANA3@primarie.ro,04/20/2027 10:00:00 AM,04/20/2027 10:30:00 AM,30,No\n"
                    "Dan Pop,dan@pop.ro,04/20/2027 10:00:00 AM,04/20/2027 10:30:00 AM,30,Yes\n", encoding="utf-8")
    outcome = import_attendance(store, EVENT, path, rule=AttendanceRule())
    assert outcome.by_kind == {"roster": 1, "registered": 1, "guest": 1}
    assert outcome.attended == 1  # 90 of 120 minutes; the other two stayed 30
    kinds = {a.name: (a.kind, a.institution) for a in register.attendance(EVENT.id)}
    assert kinds["Ioana Mureșan"] == ("registered", "Asociația Florilor")
    assert kinds["Ana3 Mureșan"] == ("roster", "Primăria Aiud")


def test_a_bad_file_records_nothing_and_a_failed_run(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
                    "X,x@x.ro,soon,later,1,No\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.csv:2:3"):
        import_attendance(store, EVENT, path, rule=AttendanceRule())
    assert EventAttendance(store.engine).imports() == []
    assert store.runs.get(1).outcome == "failed"


def test_an_export_of_another_meeting_is_refused_and_nothing_recorded(store: Store, tmp_path: Path) -> None:
    """Another day's export is refused by the reader (not the event's date). A meeting the same day at another hour
    would, counting only the event's own time, record everyone with 0 minutes: refused, naming the file, the
    event's time and the export's."""
    from dataclasses import replace

    later = replace(EVENT, start="18:00")  # the same day, after the event ends
    assert later.starts_at >= EVENT.ends_at
    people = [Invitee(f"Ana{i} Mureșan", f"ana{i}@primarie.ro") for i in range(10)]
    path = write_teams_report(tmp_path / "alta-sedinta.csv", later, people, seed=3)
    with pytest.raises(InputError, match=r"alta-sedinta.csv: nobody in this export was there during diseminare-3"):
        import_attendance(store, EVENT, path, rule=AttendanceRule())
    assert EventAttendance(store.engine).imports() == []
    counted = import_attendance(store, EVENT, path, rule=AttendanceRule(within_event=False))
    assert counted.recorded  # the rule that counts every minute takes it, as configured
