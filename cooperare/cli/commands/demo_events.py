"""The demo's events stage: the project's 8 events planned and applied to the sandbox Moodle (BigBlueButton turned
on first, as a site administrator would; the plan saved, a second plan shown to change nothing), one Teams
attendance report simulated from the demo roster (Romanian names with diacritics) and imported — twice, to show
nothing is counted twice —, the BigBlueButton events that have taken place (in the moved calendar) read from their
rooms' logs, and the events reports written under DIR/events/. The pilot stage is in
:mod:`cooperare.cli.commands.demo_pilot`."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cooperare.certificates.fonts import load_fonts
from cooperare.config.events import Event, EventsConfig
from cooperare.events.loader import find_event
from cooperare.events.provision import apply_moodle, plan_moodle
from cooperare.events.service import import_attendance, import_bbb_attendance, report_from_store, write_report
from cooperare.events.simulate import Invitee, write_teams_report
from cooperare.store.people import People, PersonRecord

if TYPE_CHECKING:  # pragma: no cover
    from cooperare.cli.commands.demo import DemoRun

TEAMS_EVENT = "diseminare-3"
INVITED = 150


def stage_events(run: DemoRun) -> None:
    out = run.out / "events"
    out.mkdir(parents=True, exist_ok=True)
    config = EventsConfig()
    events = run.events
    course = config.course_idnumber
    _enable_bigbluebutton(run)
    planned = plan_moodle(run.client, events, course=course)
    plan = planned.plan
    (out / "plan-evenimente.json").write_text(json.dumps(plan.as_json(), ensure_ascii=False, indent=2),
                                              encoding="utf-8")
    applied = apply_moodle(run.client, run.store, planned, course=course, command="demo: events apply")
    again = plan_moodle(run.client, events, course=course).plan
    run.app.say(f"{len(events)} events applied to the sandbox Moodle: {plan.summary()} (plan saved to "
                f"{out / 'plan-evenimente.json'}); planned again: {again.summary()}")
    event = find_event(events, TEAMS_EVENT)
    people = [p for p in People(run.store.engine).all(status="active")][:INVITED]
    invitees = [Invitee(f"{p.firstname} {p.lastname}", p.email) for p in people]
    csv = write_teams_report(out / f"prezenta-{event.id}-teams.csv", event, invitees, seed=2027)
    first = import_attendance(run.store, event, csv, rule=config.attendance, command="demo: events attendance")
    reimport = import_attendance(run.store, event, csv, rule=config.attendance, command="demo: events attendance")
    run.app.say(f"Teams report for {event.id}: {first.rows} rows, {first.people} people ({first.by_kind['roster']} "
                f"from the roster, {first.by_kind['guest']} guests), {first.attended} attended; imported again: "
                f"{'recorded twice!' if reimport.recorded else 'nothing changed'}")
    users = run.sandbox.site.db["user"]
    roster = [p for p in People(run.store.engine).all(status="active")
              if p.moodle_user_id and users.get(p.moodle_user_id) is not None]  # the roster stage's accounts
    bbb = [_bbb_meeting(run, e, roster, config=config, rng=random.Random(f"{e.id}-2027"))
           for e in events if e.room.kind == "bigbluebutton" and e.ends_at <= run.now and roster]
    for held in bbb:
        run.app.say(f"BigBlueButton room of {held.event}: {held.people} people from the roster ({held.attended} "
                    f"attended), read from the room's logs; read again: "
                    f"{'recorded twice!' if held.again else 'nothing changed'}")
    report = report_from_store(run.store, events, config=config, catalogue=run.catalogue)
    write_report(report, out / "raport-evenimente.pdf", fmt="pdf", fonts=load_fonts())
    write_report(report, out / "raport-evenimente.xlsx", fmt="xlsx", fonts=None)
    run.app.say(f"Events reports written under {out}")
    run.summary["events"] = {"events": len(events), "plan": dict(plan.counts()), "imported": first.people,
                             "attended": first.attended, "reimport_recorded": reimport.recorded,
                             "bigbluebutton": {h.event: {"people": h.people, "attended": h.attended,
                                                         "read_again_recorded": h.again} for h in bbb},
                             "applied": applied, "replan_changes": sum(1 for _ in again.pending()),
                             "files": [str(out / "raport-evenimente.pdf"), str(out / "raport-evenimente.xlsx")]}


def _enable_bigbluebutton(run: DemoRun) -> None:
    """Moodle ships BigBlueButton disabled; the demo turns it on in the sandbox as an administrator would."""
    db = run.sandbox.site.db
    module = db["modules"].first(name="bigbluebuttonbn")
    if module is not None and not module.get("visible"):
        db["modules"].update(module["id"], visible=1)
        db.commit()


@dataclass(frozen=True)
class _Held:
    event: str
    people: int
    attended: int
    again: bool


def _bbb_meeting(run: DemoRun, event: Event, people: list[PersonRecord], *, config: EventsConfig,
                 rng: random.Random) -> _Held:
    """A BigBlueButton event that has taken place: some roster people registered (the event's self-enrolment, else
    the organiser's manual enrolment for a form registration), joined from a few minutes early to half an hour late,
    a quarter left early, and the server's summary came at the end — as ``bigbluebuttonbn_logs`` holds it; then the
    attendance is read from the room's logs through the real client (``events attendance --bbb``), twice."""
    from cooperare.sandbox import simulate
    from cooperare.sandbox.courses import enrolments

    site = run.sandbox.site
    course = site.db["course"].first(idnumber=config.course_idnumber)
    room = site.db["course_modules"].first(idnumber=f"{config.course_idnumber}:{event.id}:sala")
    instances = enrolments.instances(site, course["id"])
    instance = next((i for i in instances if i["enrol"] == "self" and i.get("name") == f"Înscriere – {event.title}"),
                    None) or next(i for i in instances if i["enrol"] == "manual")
    start, end = int(event.starts_at.timestamp()), int(event.ends_at.timestamp())
    came = rng.sample(people, min(len(people), rng.randint(45, 90)))
    for person in came:
        enrolments.enrol_user(site, instance, person.moodle_user_id)
    for person in came:
        joined = start + rng.randint(-10, 30) * 60
        simulate.bbb_join(site, room["id"], person.moodle_user_id, when=joined)
        left = end
        if rng.random() < 0.25:
            left = min(end - 60, joined + rng.randint(10, 70) * 60)
            simulate.bbb_logout(site, room["id"], person.moodle_user_id, when=left)
        simulate.bbb_summary(site, room["id"], person.moodle_user_id, duration=max(60, left - joined), when=end)
    site.db.commit()
    first = import_bbb_attendance(run.client, run.store, event, rule=config.attendance,
                                  course=config.course_idnumber, command="demo: events attendance --bbb")
    again = import_bbb_attendance(run.client, run.store, event, rule=config.attendance,
                                  course=config.course_idnumber, command="demo: events attendance --bbb")
    return _Held(event.id, first.people, first.attended, again.recorded)
