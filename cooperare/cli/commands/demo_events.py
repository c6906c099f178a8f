"""The demo's events stage: the project's 8 events planned and applied to the sandbox Moodle (BigBlueButton turned
on first, as a site administrator would; the plan saved, a second plan shown to change nothing), one Teams
attendance report simulated from the demo roster (Romanian names with diacritics) and imported — twice, to show
nothing is counted twice — and the events reports written under DIR/events/. The pilot stage is in
:mod:`cooperare.cli.commands.demo_pilot`."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from cooperare.certificates.fonts import load_fonts
from cooperare.config.events import EventsConfig
from cooperare.events.loader import find_event
from cooperare.events.provision import apply_moodle, plan_moodle
from cooperare.events.service import import_attendance, report_from_store, write_report
from cooperare.events.simulate import Invitee, write_teams_report
from cooperare.store.people import People

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
    report = report_from_store(run.store, events, config=config, catalogue=run.catalogue)
    write_report(report, out / "raport-evenimente.pdf", fmt="pdf", fonts=load_fonts())
    write_report(report, out / "raport-evenimente.xlsx", fmt="xlsx", fonts=None)
    run.app.say(f"Events reports written under {out}")
    run.summary["events"] = {"events": len(events), "plan": dict(plan.counts()), "imported": first.people,
                             "attended": first.attended, "reimport_recorded": reimport.recorded,
                             "applied": applied, "replan_changes": sum(1 for _ in again.pending()),
                             "files": [str(out / "raport-evenimente.pdf"), str(out / "raport-evenimente.xlsx")]}


def _enable_bigbluebutton(run: DemoRun) -> None:
    """Moodle ships BigBlueButton disabled; the demo turns it on in the sandbox as an administrator would."""
    db = run.sandbox.site.db
    module = db["modules"].first(name="bigbluebuttonbn")
    if module is not None and not module.get("visible"):
        db["modules"].update(module["id"], visible=1)
        db.commit()
