"""``cooperare demo``: the whole pipeline that exists, run against an in-process sandbox Moodle.

Each stage is a function taking the demo's :class:`DemoRun`; later stages (courses, roster, certificates, reports)
add themselves to ``STAGES``. Everything the demo writes goes under ``--out`` (default ``./cooperare-demo``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from cooperare.cli.commands.demo_calendar import DemoCalendar, course_span, demo_calendar
from cooperare.cli.commands.demo_certificates import stage_certificates
from cooperare.cli.commands.demo_config import update_demo_config
from cooperare.cli.commands.demo_consultation import stage_consultation
from cooperare.cli.commands.demo_courses import stage_courses
from cooperare.cli.commands.demo_diagnostic import stage_diagnostic
from cooperare.cli.commands.demo_events import stage_events
from cooperare.cli.commands.demo_manual import stage_manual
from cooperare.cli.commands.demo_pilot import stage_pilot
from cooperare.cli.commands.demo_reports import stage_reports
from cooperare.cli.commands.demo_staff import stage_staff
from cooperare.cli.commands.moodle import print_report, site_report
from cooperare.cli.context import AppContext, pass_app
from cooperare.config.events import Event
from cooperare.courses.catalogue import Catalogue
from cooperare.moodle.client import MoodleClient
from cooperare.store import Store
from cooperare.sync.demo import run_roster_demo


@dataclass
class DemoRun:
    app: AppContext
    out: Path
    client: MoodleClient
    store: Store
    run_id: int
    sandbox: Any
    summary: dict[str, Any] = field(default_factory=dict)
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    """The run's "today": nothing the demo simulates (answers, visits, posts, lessons) is dated later."""
    calendar: DemoCalendar | None = None
    """The catalogue and events moved back so that the training has ended by ``now`` (the first stage sets it)."""

    @property
    def catalogue(self) -> Catalogue:
        return self._calendar().catalogue

    @property
    def events(self) -> tuple[Event, ...]:
        return self._calendar().events

    def _calendar(self) -> DemoCalendar:
        if self.calendar is None:
            self.calendar = demo_calendar(self.out, self.now.date())
        return self.calendar


def stage_calendar(run: DemoRun) -> None:
    calendar = run._calendar()
    update_demo_config(run.out, calendar.config_sections(run.out))
    weeks = calendar.shift.days // 7
    ends = course_span(run.catalogue)[1]
    past = sum(1 for e in run.events if e.date < run.now.date())
    run.app.say(f"The project's calendar moved back {weeks} weeks so that the training has ended by today: courses "
                f"end by {ends.isoformat()}, {past} of {len(run.events)} events have taken place "
                f"({calendar.catalogue_dir}, {calendar.events_file})")
    run.summary["calendar"] = {"shift_weeks": weeks, "courses_end": ends.isoformat(), "events_past": past}


def stage_site(run: DemoRun) -> None:
    report = site_report(run.client)
    print_report(run.app, report)
    run.summary["site"] = {"release": report["release"], "plugin": report["plugin"]["version"]}


STAGES: list[tuple[str, Callable[[DemoRun], None]]] = [
    ("Checking the sandbox Moodle", stage_site),
    ("Calendar: the project's dates moved into the past, as on a day after the training", stage_calendar),
    ("Courses: the ACoR catalogue planned and applied", stage_courses),
    ("Roster: a generated 292-person roster synced into Moodle", run_roster_demo),
    ("Staff: a trainer and a tutor for each course, leading its commune groups; the coordinator in every course",
     stage_staff),
    ("Certificates: simulated results, issuing, signing, verification, report", stage_certificates),
    ("Reports: the certification report published into Moodle for the coordinators", stage_reports),
    ("Diagnostic: a few hundred communes answer; national study, scorecards, open data", stage_diagnostic),
    ("Manual: the digitalisation manual built as PDF, EPUB and HTML", stage_manual),
    ("Events: the 8 events applied to Moodle, a Teams attendance report imported, attendance reports", stage_events),
    ("Consultation: space in Moodle, contributions collected, answered, published; synthesis, art. 13 report",
     stage_consultation),
    ("Pilot: the pilot city halls' report from Moodle and the store", stage_pilot),
]


@click.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("cooperare-demo"),
              show_default=True, help="Folder for everything the demo writes (store, files, reports).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary on stdout.")
@pass_app
def demo(app: AppContext, out: Path, as_json: bool) -> None:
    """Run every part of the pipeline that exists against a built-in sandbox Moodle (no network, no setup)."""
    from cooperare.sandbox import Sandbox

    out.mkdir(parents=True, exist_ok=True)
    box = Sandbox()
    client = MoodleClient(app.adopt(box.transport()))
    store = Store.open(out / "cooperare.sqlite")
    app._stores.append(store)
    with store.runs.recording("demo", detail={"out": str(out)}, ws_calls=lambda: app.ws_calls) as recorded:
        run = DemoRun(app, out, client, store, recorded.id, box)
        for title, stage in STAGES:
            app.say(f"== {title}", style="bold")
            stage(run)
    if as_json:
        app.emit_json({"out": str(out), **run.summary})
    else:
        app.say(f"Demo finished; files under {out.resolve()}")
        app.ws_summary()
