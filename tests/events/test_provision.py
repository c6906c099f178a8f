"""``events plan|apply`` against the sandbox Moodle through the real client: create, re-apply is a no-op, an edit
in Moodle shows as drift, a changed event updates only its objects."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from cooperare.events.loader import load_events
from cooperare.events.planner import DRIFT
from cooperare.events.provision import apply_moodle, plan_moodle
from cooperare.moodle.client import MoodleClient
from cooperare.sandbox import Sandbox
from cooperare.store import Store

COURSE = "coop:evenimente"
EVENTS = load_events()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "store.sqlite") as opened:
        yield opened


def new_site(**options: str) -> Sandbox:
    """A sandbox Moodle with BigBlueButton turned on (Moodle ships it disabled)."""
    box = Sandbox(**options)  # type: ignore[arg-type]
    module = box.site.db["modules"].first(name="bigbluebuttonbn")
    box.site.db["modules"].update(module["id"], visible=1)
    box.site.db.commit()
    return box


def applied(box: Sandbox, store: Store, events=EVENTS) -> MoodleClient:  # type: ignore[no-untyped-def]
    client = MoodleClient(box.transport())
    apply_moodle(client, store, plan_moodle(client, events, course=COURSE), course=COURSE)
    return MoodleClient(box.transport())


def test_apply_creates_everything_then_plans_nothing(store: Store) -> None:
    box = new_site()
    client = MoodleClient(box.transport())
    first = plan_moodle(client, EVENTS, course=COURSE)
    total = len(first.plan.changes)
    assert first.plan.counts() == {"create": total}
    written = apply_moodle(client, store, first, course=COURSE)
    assert sum(written.values()) == total and written["calendar"] == 8 and written["section"] == 8
    again = plan_moodle(MoodleClient(box.transport()), EVENTS, course=COURSE)
    assert not again.plan.has_changes, [c.address for c in again.plan.pending()]
    assert again.plan.counts()["noop"] == total
    assert again.plan.ws_calls <= 5
    described = again.state
    rooms = [a for a in described.activities.values() if a["modname"] == "bigbluebuttonbn"]
    assert len(rooms) == 4 and all(r["closingtime"] > r["openingtime"] for r in rooms)
    site_events = box.site.db["event"].where(courseid=1)
    assert len([e for e in site_events if e["eventtype"] == "site"]) == 8
    assert described.enrolments[COURSE]["status"] == 1  # the course's own self-enrolment stays closed
    windows = {k: (e["enrolstartdate"], e["enrolenddate"]) for k, e in described.enrolments.items() if k != COURSE}
    assert len(windows) == 6 and all(start < end for start, end in windows.values())
    course_id = box.site.db["course"].first(idnumber=COURSE)["id"]
    instances = box.site.db["enrol"].where(courseid=course_id, enrol="self")
    assert len(instances) == 7 and sum(i["status"] == 0 for i in instances) == 6
    # diseminare-1 and -6 take at most 300 and 500 people (capacity in the events file), the others have no limit
    assert sorted(i["customint3"] for i in instances) == [0] * 5 + [300, 500]
    summaries = {s["section"]: s["summary"] for s in box.site.db["course_sections"].where(course=course_id)}
    link = "/local/cooperare/inscriere.php?key=coop%3Aevenimente%3Adiseminare-1"
    assert link in summaries[1] and "Înscrieți-vă la acest eveniment" in summaries[1]
    assert "inscriere.php" not in summaries[7]  # guvernanta-1 registers through a form
    calendar = {e["name"]: e["description"] for e in box.site.db["event"].where(courseid=1)}
    assert link in calendar[EVENTS[0].title]  # the site calendar leads to the registration too
    groups = {g["idnumber"]: g["name"] for g in box.site.db["groups"].where(courseid=course_id)}
    assert groups[f"{COURSE}:diseminare-1"] == f"Participanți – {EVENTS[0].title}"
    assert described.course is not None and described.course["guestaccess"] == 1
    from sqlalchemy import select

    from cooperare.store.schema import runs

    with store.engine.connect() as conn:
        (run_id,) = conn.execute(select(runs.c.id).where(runs.c.command == "events apply")).scalars().all()
    journaled = store.runs.get(run_id)
    assert journaled.outcome == "ok" and journaled.ws_calls > 0
    assert sum(journaled.detail["applied"].values()) == total


def test_changed_event_updates_its_objects_and_moodle_edit_is_drift(store: Store) -> None:
    box = new_site()
    applied(box, store)
    changed = tuple(replace(e, title=e.title + " (reprogramat)") if e.id == "diseminare-2" else e for e in EVENTS)
    client = MoodleClient(box.transport())
    planned = plan_moodle(client, changed, course=COURSE)
    updates = [c.address for c in planned.plan.pending()]
    assert updates and all("diseminare-2" in a for a in updates)
    apply_moodle(client, store, planned, course=COURSE)
    assert not plan_moodle(MoodleClient(box.transport()), changed, course=COURSE).plan.has_changes
    event = next(e for e in box.site.db["event"].rows.values() if e["name"].startswith("Lansarea"))
    box.site.db["event"].update(event["id"], timestart=event["timestart"] + 3600)  # someone moved it in Moodle
    drift = list(plan_moodle(MoodleClient(box.transport()), changed, course=COURSE).plan.pending())
    assert len(drift) == 1 and drift[0].note == DRIFT and drift[0].changed_fields() == ["timestart"]


def test_a_registration_puts_the_person_into_that_events_group_only(store: Store) -> None:
    from cooperare.sandbox.courses import enrolments
    from cooperare.sandbox.courses.groups import is_member

    box = new_site()
    applied(box, store)
    site = box.site
    course_id = site.db["course"].first(idnumber=COURSE)["id"]
    client = MoodleClient(box.transport())
    (user,) = client.users.create([{"username": "ana.popescu", "firstname": "Ana", "lastname": "Popescu",
                                    "email": "ana@example.ro", "password": "Parola#2027"}])
    by_key = {m.key: m for m in client.enrol_methods.of_courses([course_id])[course_id] if m.key}
    instance = site.db["enrol"].rows[by_key[f"{COURSE}:diseminare-2"].enrolid]
    enrolments.enrol_user(site, instance, int(user["id"]), roleid=instance["roleid"])  # as enrol_self() does
    groups = {g["idnumber"]: g["id"] for g in site.db["groups"].where(courseid=course_id)}
    assert is_member(site, groups[f"{COURSE}:diseminare-2"], int(user["id"]))
    assert not is_member(site, groups[f"{COURSE}:diseminare-1"], int(user["id"]))
    # registering is not drift, and a group renamed in Moodle is
    assert not plan_moodle(MoodleClient(box.transport()), EVENTS, course=COURSE).plan.has_changes
    site.db["groups"].update(groups[f"{COURSE}:diseminare-2"], name="Altceva")
    pending = list(plan_moodle(MoodleClient(box.transport()), EVENTS, course=COURSE).plan.pending())
    assert [(c.address, c.note, c.changed_fields()) for c in pending] == [
        (f"course[{COURSE}].enrolment[{COURSE}:diseminare-2]", DRIFT, ["groupname"])]


def test_cli_plan_apply_twice_through_a_served_sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from cooperare.cli.main import main

    token = "e" * 32
    box = new_site(token=token)
    with box.served() as url:
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv("COOPERARE_MOODLE_URL", url)
        monkeypatch.setenv("COOPERARE_MOODLE_TOKEN", token)
        monkeypatch.setenv("COOPERARE_STORE_URL", f"sqlite:///{tmp_path / 'store.sqlite'}")
        capsys.readouterr()
        assert main(["events", "plan", "--json"]) == 0
        plan = json.loads(capsys.readouterr().out)
        creates = sum(1 for c in plan["changes"] if c["action"] == "create")
        assert creates == len(plan["changes"]) > 30
        windows = {w["event"]: w for w in plan["windows"]}
        assert windows["diseminare-1"] == {"event": "diseminare-1", "method": "self_enrolment",
                                           "opens": "2027-01-25T00:00:00+02:00", "closes": "2027-02-15T23:59:59+02:00",
                                           "action": "create"}
        assert windows["guvernanta-1"]["method"] == "form" and len(windows) == 8
        assert main(["events", "apply", "--yes", "--json"]) == 0
        applied = json.loads(capsys.readouterr().out)
        assert sum(applied["applied"].values()) == creates
        assert main(["events", "apply", "--yes", "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["changes"] == []
        assert main(["events", "apply", "--yes"]) == 0
        err = capsys.readouterr().err
        assert "Nothing to change." in err
        assert "diseminare-3     self-enrolment 01.04.2027 00:00 – 19.04.2027 23:59 EEST  noop" in err


def test_bigbluebutton_rooms_on_a_site_without_bigbluebutton_are_refused_before_anything_is_written(
        store: Store) -> None:
    from cooperare.errors import PlanError

    box = Sandbox()  # as Moodle ships it: BigBlueButton disabled
    client = MoodleClient(box.transport())
    rooms = sum(1 for event in EVENTS if event.room.kind == "bigbluebutton")
    assert rooms > 0
    with pytest.raises(PlanError, match="BigBlueButton is disabled") as raised:
        plan_moodle(client, EVENTS, course=COURSE)
    assert f"{rooms} events" in str(raised.value) and "Manage activities" in (raised.value.hint or "")
    assert not client.courses.by_field("idnumber", COURSE)  # nothing written
    module = box.site.db["modules"].first(name="bigbluebuttonbn")
    box.site.db["modules"].update(module["id"], visible=1)
    box.site.db.commit()
    assert plan_moodle(client, EVENTS, course=COURSE).plan.has_changes


def test_bigbluebutton_disabled_with_a_plugin_older_than_0_5_1_says_what_to_do(store: Store) -> None:
    """Before 0.5.1 the plugin cannot say which modules are enabled, so plan cannot refuse. Moodle ships
    BigBlueButton disabled and, with debugging off (as on a real site), hides the plugin's reason
    behind "Invalid parameter value detected": apply names the likely cause; a second apply after enabling it
    writes the rest."""
    from cooperare.errors import InvalidParameter
    from cooperare.moodle.client import SITE_SETUP

    box = Sandbox()  # BigBlueButton left disabled, debugging off
    client = MoodleClient(box.transport())
    client.site = replace(client.site, functions=client.site.functions - {SITE_SETUP})
    with pytest.raises(InvalidParameter) as caught:
        apply_moodle(client, store, plan_moodle(client, EVENTS, course=COURSE), course=COURSE)
    assert "BigBlueButton room(s)" in (caught.value.hint or "") and "Manage activities" in (caught.value.hint or "")
    module = box.site.db["modules"].first(name="bigbluebuttonbn")
    box.site.db["modules"].update(module["id"], visible=1)
    box.site.db.commit()
    again = plan_moodle(client, EVENTS, course=COURSE)
    apply_moodle(client, store, again, course=COURSE)
    assert set(plan_moodle(client, EVENTS, course=COURSE).plan.counts()) == {"noop"}


def test_a_registration_form_link_opens_and_closes_with_the_registration(store: Store) -> None:
    """Audit of issue 12: the link to an event's registration form stayed open after the registration closed. With
    plugin 0.6.1 it carries Moodle's date conditions: open from the start of `opens`, closed from the day after
    `closes`, Bucharest time."""
    import json
    from datetime import datetime, time, timedelta

    box = new_site()
    client = applied(box, store)
    formed = [e for e in EVENTS if e.registration.method == "form"]
    assert formed
    for event in formed:
        cm = next(c for c in box.site.db["course_modules"] if c.get("idnumber", "").endswith(f"{event.id}:inscriere"))
        tree = json.loads(cm["availability"])
        opens = datetime.combine(event.registration.opens, time(0), event.tz)
        closed = datetime.combine(event.registration.closes + timedelta(days=1), time(0), event.tz)
        assert tree["c"] == [{"type": "date", "d": ">=", "t": int(opens.timestamp())},
                             {"type": "date", "d": "<", "t": int(closed.timestamp())}]
    assert not plan_moodle(client, EVENTS, course=COURSE).plan.has_changes
