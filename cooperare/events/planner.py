"""Events → what Moodle should hold → a Plan (cooperare/plan.py), compared with a description of what Moodle holds.

The desired state (:func:`desired_objects`) is the public events course and, per event: a section, the online room
(a BigBlueButton activity, or a URL activity to the Zoom/Teams/Meet meeting), a URL activity to the registration
form (its dates in its description) when the event registers through a form, a URL activity per material, a
site calendar event and, when the event registers by self-enrolment, its own self-enrolment instance (keyed by the
event, open from the start of ``opens`` to the end of ``closes`` in the event's zone, its members put into the event's
group); plus the course's single self-enrolment instance, kept disabled so that nobody enrols outside an event's
window. Every object carries a stable idnumber under the
course's (``coop:evenimente:diseminare-1:sala``) and a ``spechash`` of its fields. Times are Unix seconds computed
from aware datetimes, so they are right on either side of a daylight-saving change.

:func:`plan_events` compares with an :class:`EventsState` — plain dictionaries keyed by idnumber, as the plugin's
read functions return them (:mod:`cooperare.events.provision` reads them) — and gives create, update (changed in the events file, or ``drift``: edited in
Moodle since the last apply, which the stored spechash reveals), no-op, and with ``prune`` delete of pack-managed
objects whose event is gone. Pure: nothing here calls Moodle; :mod:`cooperare.events.provision` reads and applies.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from html import escape
from typing import Any
from urllib.parse import urlencode

from cooperare.config.events import KIND_LABELS, Event, localise
from cooperare.plan import Change, Plan, fingerprint

SCOPE = "events"
DRIFT = "changed in Moodle since the last apply"
KINDS = ("course", "section", "enrolment", "activity", "calendar")
"""Object kinds in apply order (deletions run in the reverse order)."""
ROOM_LABELS = {"bigbluebutton": "BigBlueButton", "zoom": "Zoom", "teams": "Microsoft Teams", "meet": "Google Meet"}
OPEN_EARLY = timedelta(minutes=15)
"""The BigBlueButton room opens this long before the start and closes this long after the end."""


@dataclass(frozen=True)
class Desired:
    kind: str
    idnumber: str
    fields: Mapping[str, Any]
    group: str

    @property
    def spechash(self) -> str:
        return fingerprint(dict(self.fields))


@dataclass(frozen=True)
class EventsState:
    """What Moodle holds of the events course, each object as a dict of its fields plus the ``spechash`` the pack
    stored when it last wrote it; ``course`` is None when the course does not exist yet."""

    course: Mapping[str, Any] | None = None
    sections: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    enrolments: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    activities: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    calendar: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def objects(self, kind: str) -> Mapping[str, Mapping[str, Any]]:
        if kind == "course":
            return {self.course["idnumber"]: self.course} if self.course else {}
        return {"section": self.sections, "enrolment": self.enrolments, "activity": self.activities,
                "calendar": self.calendar}[kind]

    @property
    def fingerprint(self) -> str:
        return fingerprint({kind: {k: dict(v) for k, v in sorted(self.objects(kind).items())} for kind in KINDS})


def address(obj_kind: str, idnumber: str, course: str) -> str:
    if obj_kind == "course":
        return f"course[{idnumber}]"
    if obj_kind == "calendar":
        return f"calendar[{idnumber}]"
    return f"course[{course}].{obj_kind}[{idnumber}]"


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def _day_start(event: Event, day: Any) -> int:
    return _epoch(localise(day, time(0, 0), event.tz))


REGISTRATION_PAGE = "/local/cooperare/inscriere.php"
"""local_cooperare's page for one event's self-enrolment (Moodle's own enrolment page sends anyone already enrolled
in the course — registered for an earlier event — to the course page)."""


def _summary(event: Event, *, link: str = "") -> str:
    start = event.starts_at
    lines = [f"<p><strong>{escape(KIND_LABELS[event.kind])}</strong> · {start:%d.%m.%Y}, ora {start:%H:%M} "
             f"(ora României), {event.duration_minutes} de minute · {escape(ROOM_LABELS[event.room.kind])}</p>",
             f"<p>Public: {escape(event.audience)}</p>"]
    if event.description:
        lines.append(f"<p>{escape(event.description)}</p>")
    lines.append(f"<p>Înscrieri: {event.registration.opens:%d.%m.%Y} – {event.registration.closes:%d.%m.%Y}</p>")
    if link:
        lines.append(f'<p><a href="{escape(link)}">Înscrieți-vă la acest eveniment</a></p>')
    return "\n".join(lines)


def desired_objects(events: Sequence[Event], *, course: str, site_url: str = "",
                    dated_links: bool = False) -> list[Desired]:
    """Everything the events need in Moodle, in apply order; with ``site_url``, the section of an event that
    registers by self-enrolment links to the plugin's registration page for it; with ``dated_links`` (plugin
    0.6.1+), the link to a registration form opens and closes with the registration."""
    course_fields = {"shortname": "COOP-EVENIMENTE", "fullname": "Evenimente – Cooperare digitală pentru "
                     "dezvoltare locală", "format": "topics", "visible": 1, "guestaccess": 1,
                     "summary": "<p>Evenimentele online ale proiectului „Cooperare digitală pentru dezvoltare "
                                "locală”: diseminarea instrumentului digital și consultări publice.</p>"}
    objects = [Desired("course", course, course_fields, "Cursul evenimentelor")]
    per_kind: dict[str, list[Desired]] = {kind: [] for kind in KINDS[1:]}
    for position, event in enumerate(events, start=1):
        key = f"{course}:{event.id}"
        group = f"{event.id} — {event.title}"
        start, end = event.starts_at, event.ends_at
        link = (f"{site_url.rstrip('/')}{REGISTRATION_PAGE}?{urlencode({'key': key})}"
                if site_url and event.registration.method == "self_enrolment" else "")
        per_kind["section"].append(Desired("section", key, {"name": event.title, "summary": _summary(event, link=link),
                                                             "visible": 1, "position": position}, group))
        registration = event.registration
        opens = _day_start(event, registration.opens)
        closes = _day_start(event, registration.closes + timedelta(days=1)) - 1
        if registration.method == "self_enrolment":
            per_kind["enrolment"].append(Desired("enrolment", key, {
                "method": "self", "name": f"Înscriere – {event.title}"[:255], "enrolstartdate": opens,
                "enrolenddate": closes, "status": 0, "maxenrolled": registration.capacity or 0,
                "groupname": f"Participanți – {event.title}"[:254]}, group))
        else:
            dates = ({"availability": json.dumps({"from": opens, "until": closes + 1}, separators=(",", ":"))}
                     if dated_links else {})
            per_kind["activity"].append(Desired("activity", f"{key}:inscriere", {
                "modname": "url", "section": key, "name": "Formular de înscriere",
                "intro": f"<p>Înscrieri: {registration.opens:%d.%m.%Y} – {registration.closes:%d.%m.%Y}</p>",
                "externalurl": registration.form_url, **dates}, group))
        if event.room.kind == "bigbluebutton":
            room = {"modname": "bigbluebuttonbn", "section": key, "name": f"Sala online – {event.title}",
                    "openingtime": _epoch(start - OPEN_EARLY), "closingtime": _epoch(end + OPEN_EARLY), "wait": 1}
        else:
            room = {"modname": "url", "section": key, "name": f"Sala online ({ROOM_LABELS[event.room.kind]})",
                    "externalurl": event.room.url}
        per_kind["activity"].append(Desired("activity", f"{key}:sala", room, group))
        for number, material in enumerate(event.materials, start=1):
            per_kind["activity"].append(Desired("activity", f"{key}:material-{number}", {
                "modname": "url", "section": key, "name": material.title, "externalurl": material.url}, group))
        per_kind["calendar"].append(Desired("calendar", key, {
            "name": event.title, "eventtype": "site", "timestart": _epoch(start),
            "timeduration": int((end - start).total_seconds()), "description": _summary(event, link=link)}, group))
    per_kind["enrolment"].insert(0, Desired("enrolment", course, {
        "method": "self", "name": "Înscriere la evenimente (închisă: fiecare eveniment are înscrierea lui)",
        "enrolstartdate": 0, "enrolenddate": 0, "status": 1}, "Cursul evenimentelor"))
    for kind in KINDS[1:]:
        objects.extend(per_kind[kind])
    return objects


@dataclass(frozen=True)
class Window:
    """One event's registration window as the plan puts it into Moodle (local times in the event's zone)."""

    event: str
    method: str
    opens: datetime
    closes: datetime
    action: str
    """What the plan does to it: create, update or noop (a form's window lives in its activity's description)."""


def registration_windows(events: Sequence[Event], plan: Plan, *, course: str) -> list[Window]:
    """Each event's registration window with the plan's action on the object that carries it: the event's own
    self-enrolment instance, or the registration form's activity."""
    actions = {change.address: change.action for change in plan.changes}
    result = []
    for event in events:
        registration, key = event.registration, f"{course}:{event.id}"
        where = (address("enrolment", key, course) if registration.method == "self_enrolment"
                 else address("activity", f"{key}:inscriere", course))
        result.append(Window(event.id, registration.method, localise(registration.opens, time(0, 0), event.tz),
                             localise(registration.closes, time(23, 59, 59), event.tz),
                             actions.get(where, "noop")))
    return result


def plan_events(desired: Iterable[Desired], state: EventsState, *, course: str, prune: bool = False) -> Plan:
    """Compare desired objects with ``state``; the plan's fingerprint is the state's."""
    plan = Plan(scope=SCOPE, state_fingerprint=state.fingerprint)
    wanted: dict[str, set[str]] = {kind: set() for kind in KINDS}
    for item in desired:
        wanted[item.kind].add(item.idnumber)
        where = address(item.kind, item.idnumber, course)
        after = {**item.fields, "spechash": item.spechash}
        live = state.objects(item.kind).get(item.idnumber)
        if live is None:
            plan.add(Change(where, "create", None, after, item.group))
            continue
        before = {key: live.get(key) for key in after}
        if live.get("spechash") != item.spechash:
            plan.add(Change(where, "update", before, after, item.group))
        elif any(live.get(key) != value for key, value in item.fields.items()):
            plan.add(Change(where, "update", before, after, item.group, DRIFT))
        else:
            plan.add(Change(where, "noop", before, after, item.group))
    if prune:
        for kind in reversed(KINDS):
            for idnumber, live in sorted(state.objects(kind).items()):
                if idnumber not in wanted[kind] and (idnumber == course or idnumber.startswith(course + ":")):
                    plan.add(Change(address(kind, idnumber, course), "delete", dict(live), None, "De șters"))
    return plan
