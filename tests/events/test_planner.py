"""The events planner on hand-made Moodle states: create, no-op, update, drift, prune."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from cooperare.config.events import Event
from cooperare.events.loader import load_events
from cooperare.events.planner import DRIFT, Desired, EventsState, desired_objects, plan_events
from cooperare.plan import Plan

COURSE = "coop:evenimente"
EVENTS = load_events()


def applied(desired: list[Desired]) -> EventsState:
    """What a successful apply would leave in Moodle: each object's fields and its spechash."""
    found: dict[str, dict[str, dict[str, object]]] = {k: {} for k in ("section", "enrolment", "activity", "calendar")}
    course = None
    for item in desired:
        value = {**item.fields, "spechash": item.spechash, "id": len(found[item.kind]) + 1 if item.kind != "course"
                 else 9}
        if item.kind == "course":
            course = {**value, "idnumber": item.idnumber}
        else:
            found[item.kind][item.idnumber] = value
    return EventsState(course=course, sections=found["section"], enrolments=found["enrolment"],
                       activities=found["activity"], calendar=found["calendar"])


def plan(events: tuple[Event, ...] = EVENTS, state: EventsState | None = None, *, prune: bool = False) -> Plan:
    return plan_events(desired_objects(events, course=COURSE), state or EventsState(), course=COURSE, prune=prune)


def test_empty_moodle_creates_everything_in_order() -> None:
    result = plan()
    counts = result.counts()
    assert counts == {"create": len(result.changes)}
    addresses = [c.address for c in result.changes]
    assert addresses[0] == "course[coop:evenimente]"
    assert sum(a.startswith("course[coop:evenimente].section[") for a in addresses) == 8
    assert sum(a.startswith("calendar[") for a in addresses) == 8
    kinds = [a.split(".")[-1].split("[")[0] if "." in a else a.split("[")[0] for a in addresses]
    assert kinds.index("calendar") > max(i for i, k in enumerate(kinds) if k == "activity")
    rooms = [c.after for c in result.changes if c.address.endswith(":sala]")]
    assert sum(r["modname"] == "bigbluebuttonbn" for r in rooms) == 4
    assert any(r.get("externalurl", "").startswith("https://teams.microsoft.com/") for r in rooms)
    forms = [c for c in result.changes if c.address.endswith(":inscriere]")]
    assert len(forms) == 2  # the two consultations register through a form
    enrolments = {c.address.rsplit("[", 1)[1].rstrip("]"): c.after for c in result.changes
                  if ".enrolment[" in c.address}
    # the course's own self-enrolment kept closed, and one per self-enrolling event with that event's window
    assert enrolments[COURSE]["status"] == 1 and enrolments[COURSE]["enrolstartdate"] == 0
    own = {key: after for key, after in enrolments.items() if key != COURSE}
    assert sorted(own) == [f"{COURSE}:diseminare-{n}" for n in range(1, 7)]
    assert all(after["method"] == "self" and after["status"] == 0 for after in own.values())
    first = own[f"{COURSE}:diseminare-1"]  # registration 25.01.2027 – 15.02.2027, Bucharest (UTC+2 in winter)
    assert datetime.fromtimestamp(first["enrolstartdate"], UTC) == datetime(2027, 1, 24, 22, 0, tzinfo=UTC)
    assert datetime.fromtimestamp(first["enrolenddate"], UTC) == datetime(2027, 2, 15, 21, 59, 59, tzinfo=UTC)
    title = next(e.title for e in EVENTS if e.id == "diseminare-1")
    assert (first["name"], first["groupname"]) == (f"Înscriere – {title}", f"Participanți – {title}")
    events = {e.id: e for e in EVENTS}
    for key, after in own.items():
        registration = events[key.rsplit(":", 1)[1]].registration
        opens = datetime.fromtimestamp(after["enrolstartdate"], events[key.rsplit(":", 1)[1]].tz)
        closes = datetime.fromtimestamp(after["enrolenddate"], events[key.rsplit(":", 1)[1]].tz)
        assert (opens.date(), opens.hour, opens.minute) == (registration.opens, 0, 0)
        assert (closes.date(), closes.hour, closes.minute, closes.second) == (registration.closes, 23, 59, 59)
    assert len({(a["enrolstartdate"], a["enrolenddate"]) for a in own.values()}) == 6  # six windows, not one


def test_a_changed_registration_window_updates_that_event_only() -> None:
    state = applied(desired_objects(EVENTS, course=COURSE))
    moved = tuple(replace(e, registration=replace(e.registration, closes=e.registration.closes.replace(day=10)))
                  if e.id == "diseminare-1" else e for e in EVENTS)
    result = plan(moved, state)
    pending = [c for c in result.changes if c.action != "noop"]
    enrolment = next(c for c in pending if ".enrolment[" in c.address)
    assert enrolment.address == f"course[{COURSE}].enrolment[{COURSE}:diseminare-1]"
    assert enrolment.changed_fields() == ["enrolenddate", "spechash"]
    assert all("diseminare-1" in c.address for c in pending)


def test_calendar_times_are_dst_correct() -> None:
    result = plan()
    times = {c.address: c.after for c in result.changes if c.address.startswith("calendar[")}
    winter = times["calendar[coop:evenimente:diseminare-1]"]  # 16 Feb 2027, 10:00 EET (UTC+2)
    summer = times["calendar[coop:evenimente:diseminare-3]"]  # 20 Apr 2027, 10:00 EEST (UTC+3)
    assert datetime.fromtimestamp(winter["timestart"], UTC) == datetime(2027, 2, 16, 8, 0, tzinfo=UTC)
    assert datetime.fromtimestamp(summer["timestart"], UTC) == datetime(2027, 4, 20, 7, 0, tzinfo=UTC)
    assert summer["timeduration"] == 120 * 60


def test_applied_state_plans_nothing() -> None:
    state = applied(desired_objects(EVENTS, course=COURSE))
    result = plan(state=state)
    assert not result.has_changes
    assert result.counts()["noop"] == len(result.changes)
    assert result.state_fingerprint == state.fingerprint


def test_changed_event_updates_its_objects_only() -> None:
    state = applied(desired_objects(EVENTS, course=COURSE))
    changed = tuple(replace(e, title=e.title + " (reprogramat)") if e.id == "diseminare-2" else e for e in EVENTS)
    result = plan(changed, state)
    updates = [c for c in result.changes if c.action == "update"]
    assert updates and all("diseminare-2" in c.address for c in updates)
    assert all(c.note == "" for c in updates)
    section = next(c for c in updates if ".section[" in c.address)
    assert section.changed_fields() == ["name", "spechash"]


def test_edited_in_moodle_is_drift() -> None:
    state = applied(desired_objects(EVENTS, course=COURSE))
    key = "coop:evenimente:diseminare-4"
    edited = dict(state.calendar)
    edited[key] = {**edited[key], "timestart": edited[key]["timestart"] + 3600}  # someone moved it by an hour
    result = plan(state=replace(state, calendar=edited))
    (drift,) = list(result.pending())
    assert drift.address == f"calendar[{key}]" and drift.note == DRIFT
    assert drift.changed_fields() == ["timestart"]
    assert result.state_fingerprint != state.fingerprint


def test_removed_event_is_deleted_only_with_prune() -> None:
    state = applied(desired_objects(EVENTS, course=COURSE))
    fewer = tuple(e for e in EVENTS if e.id != "guvernanta-2")
    assert not plan(fewer, state).has_changes
    result = plan(fewer, state, prune=True)
    deleted = [c.address for c in result.changes if c.action == "delete"]
    assert deleted[0] == "calendar[coop:evenimente:guvernanta-2]"
    assert deleted[-1] == "course[coop:evenimente].section[coop:evenimente:guvernanta-2]"
    assert "course[coop:evenimente].activity[coop:evenimente:guvernanta-2:inscriere]" in deleted
    assert all(c.action == "noop" for c in result.changes if "guvernanta-2" not in c.address)
    others = dict(state.activities)
    others["someone-else:page"] = {"modname": "page"}
    assert all("someone-else" not in c.address for c in plan(fewer, replace(state, activities=others),
                                                             prune=True).changes)
