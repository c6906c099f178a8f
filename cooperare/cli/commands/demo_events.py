"""The demo's events stage: the project's 8 events loaded and planned against an empty Moodle (the plan saved, to
be applied once the plugin's event functions land), one Teams attendance report simulated from the demo roster
(Romanian names with diacritics) and imported — twice, to show nothing is counted twice — and the events reports
written under DIR/events/."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from cooperare.certificates.fonts import load_fonts
from cooperare.config.events import EventsConfig
from cooperare.courses.catalogue import load_catalogue
from cooperare.events.loader import find_event, load_events
from cooperare.events.planner import EventsState, desired_objects, plan_events
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
    events = load_events()
    plan = plan_events(desired_objects(events, course=config.course_idnumber), EventsState(),
                       course=config.course_idnumber)
    (out / "plan-evenimente.json").write_text(json.dumps(plan.as_json(), ensure_ascii=False, indent=2),
                                              encoding="utf-8")
    run.app.say(f"{len(events)} events; plan against an empty Moodle: {plan.summary()} (saved to "
                f"{out / 'plan-evenimente.json'})")
    event = find_event(events, TEAMS_EVENT)
    people = [p for p in People(run.store.engine).all(status="active")][:INVITED]
    invitees = [Invitee(f"{p.firstname} {p.lastname}", p.email) for p in people]
    csv = write_teams_report(out / f"prezenta-{event.id}-teams.csv", event, invitees, seed=2027)
    first = import_attendance(run.store, event, csv, rule=config.attendance, command="demo: events attendance")
    again = import_attendance(run.store, event, csv, rule=config.attendance, command="demo: events attendance")
    run.app.say(f"Teams report for {event.id}: {first.rows} rows, {first.people} people ({first.by_kind['roster']} "
                f"from the roster, {first.by_kind['guest']} guests), {first.attended} attended; imported again: "
                f"{'recorded twice!' if again.recorded else 'nothing changed'}")
    report = report_from_store(run.store, events, config=config, catalogue=load_catalogue())
    write_report(report, out / "raport-evenimente.pdf", fmt="pdf", fonts=load_fonts())
    write_report(report, out / "raport-evenimente.xlsx", fmt="xlsx", fonts=None)
    run.app.say(f"Events reports written under {out}")
    run.summary["events"] = {"events": len(events), "plan": dict(plan.counts()), "imported": first.people,
                             "attended": first.attended, "reimport_recorded": again.recorded,
                             "files": [str(out / "raport-evenimente.pdf"), str(out / "raport-evenimente.xlsx")]}
