"""The events course in Moodle: read what Moodle holds into the planner's :class:`EventsState`, and apply a plan.

:func:`plan_moodle` reads the events course (``local_cooperare_describe_courses``, the core course fields, the
self/guest enrolment methods — the course's own and one self-enrolment per event —, the site calendar events the
plugin wrote; five reads at most) and plans with
:func:`cooperare.events.planner.plan_events`. :func:`apply_moodle` writes the pending changes through the typed
client and the plugin's save functions, one call per object kind, journaled as one run in the store; applying
again plans nothing. The course's own spechash is kept on its guest-access instance (a course has no place for
one). Must not delete anything (no prune) and must not print.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from cooperare.config.events import Event
from cooperare.errors import InvalidParameter, MoodleError, PlanError
from cooperare.events.planner import Desired, EventsState, desired_objects, plan_events
from cooperare.moodle.client import SITE_SETUP, MoodleClient
from cooperare.plan import Change, Plan
from cooperare.store import Store

SITE = 0
"""Calendar events of the whole site are kept under course id 0."""
INT_OPTIONS = frozenset({"openingtime", "closingtime", "wait"})
DEFAULT_CATEGORY = 1


@dataclass
class EventsMoodle:
    """The desired objects, what Moodle holds, the plan, and the ids needed to write."""

    desired: list[Desired]
    state: EventsState
    plan: Plan
    course_id: int | None
    section_numbers: dict[str, int] = field(default_factory=dict)


def _section_numbers(desired: Sequence[Desired]) -> dict[str, int]:
    return {d.idnumber: int(d.fields["position"]) for d in desired if d.kind == "section"}


def read_state(client: MoodleClient, desired: Sequence[Desired], *, course: str) -> tuple[EventsState, int | None]:
    """What Moodle holds of the events course, in the planner's dict shape, and the course id (None: missing)."""
    calendar = {e.key: {"name": e.name, "eventtype": e.eventtype, "timestart": e.timestart,
                        "timeduration": e.timeduration, "description": e.description, "spechash": e.spechash}
                for e in client.calendar.of_courses([SITE]) if e.key == course or e.key.startswith(course + ":")}
    described = next((c.raw for c in client.course_content.describe([course]) if c.idnumber == course), None)
    if described is None:
        return EventsState(calendar=calendar), None
    course_id = int(described["id"])
    (core,) = client.courses.by_ids([course_id])
    methods = client.enrol_methods.of_courses([course_id]).get(course_id, [])
    guest = next((m for m in methods if m.method == "guest" and m.managed),
                 next((m for m in methods if m.method == "guest"), None))
    course_state = {"idnumber": course, "shortname": core.shortname, "fullname": core.fullname, "format": core.format,
                    "visible": int(core.visible), "summary": core.summary,
                    "guestaccess": int(guest is not None and guest.enabled),
                    "spechash": guest.spechash if guest is not None and guest.managed else ""}
    by_number = {number: idnumber for idnumber, number in _section_numbers(desired).items()}
    sections = {by_number[int(s["number"])]: {"name": s.get("name"), "summary": s.get("summary"),
                                               "visible": int(s.get("visible", 1)), "position": int(s["number"]),
                                               "spechash": s.get("spechash", "")}
                for s in described.get("sections", []) if s.get("managed") and int(s["number"]) in by_number}
    activities: dict[str, dict[str, Any]] = {}
    for activity in described.get("activities", []):
        idnumber = str(activity.get("idnumber") or "")
        if not activity.get("managed") or not idnumber.startswith(course + ":"):
            continue
        options = {o["name"]: (int(o["value"]) if o["name"] in INT_OPTIONS else o["value"])
                   for o in activity.get("options", [])}
        activities[idnumber] = {"modname": activity["modname"], "section": by_number.get(int(activity["section"])),
                                "name": activity["name"], "intro": activity.get("intro", ""), **options,
                                "spechash": activity.get("spechash", "")}
    enrolments: dict[str, dict[str, Any]] = {}
    for own in methods:
        if own.method != "self" or not own.managed or (own.key and not own.key.startswith(course + ":")):
            continue
        fields = {"method": "self", "name": own.name, "enrolstartdate": own.enrolstartdate,
                  "enrolenddate": own.enrolenddate, "status": own.status, "spechash": own.spechash}
        enrolments[own.key or course] = ({**fields, "maxenrolled": own.maxenrolled, "groupname": own.groupname}
                                         if own.key else fields)
    state = EventsState(course=course_state, sections=sections, enrolments=enrolments, activities=activities,
                        calendar=calendar)
    return state, course_id


def plan_moodle(client: MoodleClient, events: Sequence[Event], *, course: str) -> EventsMoodle:
    """Read Moodle and plan the events course (reads only)."""
    desired = desired_objects(events, course=course, site_url=client.transport.url,
                              dated_links=client.site.plugin_at_least(DATED_LINKS_SINCE))
    state, course_id = read_state(client, desired, course=course)
    plan = plan_events(desired, state, course=course)
    require_rooms_possible(client, plan)
    plan.ws_calls = client.transport.stats.calls
    return EventsMoodle(desired, state, plan, course_id, _section_numbers(desired))


DATED_LINKS_SINCE = 2026120510
"""The plugin version whose links take a date restriction (0.6.1): a registration form closes with the registration."""
BBB = "bigbluebuttonbn"
BBB_HINT = ("the plan has {count} BigBlueButton room(s): Moodle installs BigBlueButton disabled, and the plugin's "
            "reason is hidden unless debugging is on — enable it (Site administration > Plugins > Activity modules > "
            "Manage activities > BigBlueButton) and run events apply again: what was written stays, the rest follows")


def require_rooms_possible(client: MoodleClient, plan: Plan) -> None:
    """Refuse, before anything is written, BigBlueButton rooms on a site where the module is disabled (a fresh
    Moodle 4.5 has it off): apply would stop at the first room. Asked once, only when rooms are to be written and
    the plugin can say (0.5.1+); with an older plugin, apply's error carries BBB_HINT instead."""
    rooms = [c for c in plan.pending() if c.action in ("create", "update")
             and (c.after or {}).get("modname") == BBB]
    if not rooms or SITE_SETUP not in client.site.functions:
        return
    modules = client.site_setup().modules
    if modules is None or BBB in modules:
        return
    names = ", ".join(_key(c) for c in rooms[:3]) + (", …" if len(rooms) > 3 else "")
    raise PlanError(f"BigBlueButton is disabled on this Moodle site, and {len(rooms)} events have a BigBlueButton "
                    f"room ({names}); nothing was written",
                    hint="enable it in Site administration > Plugins > Activity modules > Manage activities (and "
                         "accept its data processing notice), or give these events an external room link")


def _key(change: Change) -> str:
    return change.address.rsplit("[", 1)[1].rstrip("]")


def apply_moodle(client: MoodleClient, store: Store, planned: EventsMoodle, *, course: str,
                 category_id: int = DEFAULT_CATEGORY, command: str = "events apply") -> dict[str, int]:
    """Write the plan's creates and updates, one call per kind; returns how many objects of each kind were written."""
    plan = planned.plan
    plan.check_fresh(planned.state.fingerprint)
    pending = [c for c in plan.pending() if c.action in ("create", "update")]
    by_kind: dict[str, list[Change]] = {}
    for change in pending:
        kind = "course" if change.address.startswith("course[") and "." not in change.address else \
            change.address.rsplit(".", 1)[-1].split("[", 1)[0] if change.address.startswith("course[") else "calendar"
        by_kind.setdefault(kind, []).append(change)
    applied: dict[str, int] = {}
    with store.runs.recording(command, detail={"changes": dict(plan.counts())},
                              ws_calls=lambda: client.transport.stats.calls) as run:
        course_id = planned.course_id
        for change in by_kind.get("course", []):
            course_id = _write_course(client, change, course=course, course_id=course_id, category_id=category_id)
        if by_kind.keys() - {"course", "calendar"} and course_id is None:
            raise PlanError(f"course {course} does not exist in Moodle")
        sections = by_kind.get("section", [])
        if sections:
            client.course_content.save_sections([
                {"courseid": course_id, "number": c.after["position"], "name": c.after["name"],
                 "summary": c.after["summary"], "summaryformat": 1, "visible": c.after["visible"],
                 "spechash": c.after["spechash"]} for c in sections])
        enrolments = by_kind.get("enrolment", [])
        if enrolments:
            client.enrol_methods.save([_enrolment(c, course_id=course_id, course=course) for c in enrolments])
        activities = by_kind.get("activity", [])
        if activities:
            try:
                client.course_content.save_activities([
                    _activity(c, course_id=course_id, sections=planned.section_numbers) for c in activities])
            except InvalidParameter as error:
                rooms = [c for c in activities if (c.after or {}).get("modname") == BBB]
                if not rooms or error.debuginfo:
                    raise
                raise InvalidParameter(error.moodle_message, wsfunction=error.wsfunction, errorcode=error.errorcode,
                                       hint=BBB_HINT.format(count=len(rooms))) from error
        calendar = by_kind.get("calendar", [])
        if calendar:
            client.calendar.save([{"key": _key(c), "courseid": SITE, "name": c.after["name"],
                                   "description": c.after["description"], "timestart": c.after["timestart"],
                                   "timeduration": c.after["timeduration"], "visible": 1,
                                   "spechash": c.after["spechash"]} for c in calendar])
        applied = {kind: len(changes) for kind, changes in by_kind.items()}
        run.detail = {"changes": dict(plan.counts()), "applied": applied, "course_id": course_id}
    return applied


def _write_course(client: MoodleClient, change: Change, *, course: str, course_id: int | None,
                  category_id: int) -> int:
    after = change.after
    fields = {"fullname": after["fullname"], "shortname": after["shortname"], "summary": after["summary"],
              "summaryformat": 1, "format": after["format"], "visible": after["visible"]}
    if course_id is None:
        (created,) = client.courses.create([{**fields, "idnumber": course, "categoryid": category_id,
                                            "numsections": 0}])
        course_id = int(created["id"])
    else:
        warnings = client.courses.update([{"id": course_id, **fields}])
        if warnings:
            raise MoodleError("; ".join(str(w.get("message")) for w in warnings), wsfunction="core_course_update_courses")
    client.enrol_methods.save([{"courseid": course_id, "method": "guest", "status": 0 if after["guestaccess"] else 1,
                                "spechash": after["spechash"]}])
    return course_id


def _enrolment(change: Change, *, course_id: int | None, course: str) -> dict[str, Any]:
    """The course's single self-enrolment instance (key: the course), or an event's (key: the event's idnumber)."""
    after, key = change.after, _key(change)
    item = {"courseid": course_id, "method": after["method"], "name": after["name"], "status": after["status"],
            "enrolstartdate": after["enrolstartdate"], "enrolenddate": after["enrolenddate"],
            "spechash": after["spechash"]}
    if key != course:
        item.update(key=key, groupname=after.get("groupname", ""), maxenrolled=after.get("maxenrolled", 0))
    return item


def _activity(change: Change, *, course_id: int | None, sections: dict[str, int]) -> dict[str, Any]:
    after = dict(change.after)
    common = {"courseid": course_id, "idnumber": _key(change), "modname": after.pop("modname"),
              "section": sections[after.pop("section")], "name": after.pop("name"), "intro": after.pop("intro", ""),
              "visible": 1, "completion": 0, "completionview": 0, "completionusegrade": 0, "completionpassgrade": 0,
              "spechash": after.pop("spechash")}
    return {**common, "options": [{"name": k, "value": str(v)} for k, v in sorted(after.items())]}
