"""BigBlueButton attendance: logs seeded in the sandbox's ``bigbluebuttonbn_logs`` as Moodle writes them, read
through the real client (paged), turned into intervals, matched to the roster and stored once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from cooperare.config.events import AttendanceRule
from cooperare.events.bbb import Account, sessions_from_logs
from cooperare.events.loader import find_event, load_events
from cooperare.events.provision import apply_moodle, plan_moodle
from cooperare.events.service import import_bbb_attendance
from cooperare.moodle.client import MoodleClient
from cooperare.moodle.records import BbbLog
from cooperare.sandbox import Sandbox
from cooperare.sandbox.courses.schema import table
from cooperare.store import Store
from cooperare.store.events import EventAttendance
from cooperare.store.people import People, PersonRecord
from tests.events.test_provision import new_site

COURSE = "coop:evenimente"
EVENTS = load_events()
EVENT = find_event(EVENTS, "diseminare-1")  # BigBlueButton, 16.02.2027 10:00 Bucharest, 120 minutes
START = int(EVENT.starts_at.timestamp())
END = int(EVENT.ends_at.timestamp())
RULE = AttendanceRule()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "store.sqlite") as opened:
        yield opened


def log(id_: int, userid: int, kind: str, at: int, duration: int = 0) -> BbbLog:
    return BbbLog(id_, userid, kind, at, "m-1", duration, 0, 0, 0, 0, 0, "")


def test_intervals_from_join_logout_and_summary() -> None:
    accounts = {1: Account("Ana Pop", "ana@x.ro"), 2: Account("Ion Ene", "ion@x.ro")}
    logs = [log(1, 1, "Join", START), log(2, 1, "Logout", START + 1800), log(3, 1, "Join", START + 3600),
            log(4, 2, "Join", START + 600),  # never logs out: closes at the meeting's end (the first Summary)
            log(5, 3, "Summary", START + 5400, duration=1200),  # no Join (outside Moodle's button): its seconds
            log(6, 1, "Summary", START + 5400, duration=4000)]
    sessions = sessions_from_logs(logs, event=EVENT, accounts=accounts)
    spans = sorted((s.name, int(s.joined.timestamp()) - START, int(s.left.timestamp()) - START) for s in sessions)
    assert spans == [("Ana Pop", 0, 1800), ("Ana Pop", 3600, 5400), ("Ion Ene", 600, 5400),
                     ("Utilizator Moodle 3", 4200, 5400)]
    # Without any Summary, a Join never closed ends with the event.
    (only,) = sessions_from_logs([log(1, 2, "Join", START + 60)], event=EVENT, accounts=accounts)
    assert int(only.left.timestamp()) == END


def seed(box: Sandbox, cmid: int, rows: list[tuple[int, str, int, dict]]) -> None:  # type: ignore[type-arg]
    """Insert logs the way mod_bigbluebuttonbn\\logger writes them (the twin reads courseid, bigbluebuttonbnid,
    log, timecreated, meetingid and meta)."""
    db = box.site.db
    cm = db["course_modules"].get(cmid)
    room = db["bigbluebuttonbn"].get(cm["instance"])
    logs = table(db, "bigbluebuttonbn_logs")
    for userid, kind, at, meta in rows:
        logs.insert({"courseid": cm["course"], "bigbluebuttonbnid": room["id"], "userid": userid, "timecreated": at,
                     "meetingid": f"{room['meetingid']}-{cm['course']}-{room['id']}", "log": kind,
                     "meta": json.dumps(meta)})
    db.commit()


def test_bbb_import_through_the_client_is_repeatable(store: Store) -> None:
    box = new_site()
    client = MoodleClient(box.transport())
    apply_moodle(client, store, plan_moodle(client, EVENTS, course=COURSE), course=COURSE)
    (stranger,) = client.users.create([{"username": "vasile", "firstname": "Vasile", "lastname": "Țurcanu",
                                        "email": "vasile@comuna.ro", "password": "Parola-1234!"}])
    People(store.engine).upsert([
        PersonRecord(key=f"K{i}", idnumber=f"coop-{i}", moodle_user_id=100 + i, firstname="Ștefan",
                     lastname=f"Țăranu{i}", email=f"p{i}@comuna.ro", county="SV", commune="Dărmănești",
                     organisation="Primăria Dărmănești", category="ales", track="t") for i in range(30)])
    answer = client.call("local_cooperare_describe_courses", {"idnumbers": [COURSE]})
    cmid = next(a["cmid"] for a in answer["courses"][0]["activities"] if a["idnumber"] == f"{COURSE}:diseminare-1:sala")
    rows = []
    for i in range(30):
        rows.append((100 + i, "Join", START + 60 * i, {"origin": 0}))
        if i % 3 == 0:
            rows.append((100 + i, "Logout", START + 60 * i + 600, {}))
    rows.append((int(stranger["id"]), "Join", START, {"origin": 0}))
    rows.append((0, "Summary", END + 120, {"data": {"duration": 0}}))
    seed(box, cmid, rows)
    reader = MoodleClient(box.transport())
    first = import_bbb_attendance(reader, store, EVENT, rule=RULE, course=COURSE)
    assert first.recorded and first.rows == len(rows) and first.people == 31
    assert first.by_kind == {"roster": 30, "registered": 0, "guest": 1}
    assert first.attended == 21  # the 10 who left after 10 minutes did not attend; 20 from the roster and Vasile did
    present = {a.name: a.minutes for a in EventAttendance(store.engine).attendance(EVENT.id)}
    assert present["Ștefan Țăranu0"] == 10 and present["Ștefan Țăranu1"] == 120 + 2 - 1
    assert present["Vasile Țurcanu"] == 122
    again = import_bbb_attendance(MoodleClient(box.transport()), store, EVENT, rule=RULE, course=COURSE)
    assert again.recorded is False and again.people == 31
    assert len(EventAttendance(store.engine).imports(event_id=EVENT.id)) == 1
    # A page of 7 logs: one call per page, the same result.
    paged = MoodleClient(box.transport())
    attendance = paged.reports.bbb_attendance(cmid, page_size=7)
    assert len(attendance.logs) == len(rows) and paged.transport.stats.calls == -(-len(rows) // 7)


def test_cli_needs_csv_or_bbb_and_refuses_a_room_elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    from cooperare.cli.main import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COOPERARE_STORE_URL", f"sqlite:///{tmp_path / 'store.sqlite'}")
    assert main(["events", "attendance", "diseminare-1"]) == 2
    assert main(["events", "attendance", "diseminare-1", "--bbb", "--csv", "x.csv"]) == 2
    assert "either --csv FILE or --bbb" in capsys.readouterr().err
    with Store.open(tmp_path / "s.sqlite") as opened:
        with pytest.raises(Exception, match="not BigBlueButton"):
            import_bbb_attendance(MoodleClient(Sandbox().transport()), opened, find_event(EVENTS, "diseminare-2"),
                                  rule=RULE, course=COURSE)
