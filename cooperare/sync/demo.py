"""The roster stage of ``cooperare demo``: a generated 292-person roster synced into the demo's sandbox Moodle.

It runs after the courses stage (the track courses must exist). It writes the roster to
``<out>/roster-demo.xlsx``, plans, applies (journaled in the demo's store, people snapshot
recorded for the certificate stage), and re-plans to show that an unchanged roster means no writes. It only uses
the public roster API; the sandbox is reached through the demo's client like any Moodle.
"""

from __future__ import annotations

from typing import Any

from cooperare.config.roster import RosterConfig
from cooperare.sync.generator import generate, write_rows
from cooperare.sync.importer import load_roster
from cooperare.sync.service import apply_roster, plan_roster

DEMO_SIZE = 292
DEMO_SEED = 2027


def run_roster_demo(run: Any) -> None:
    """Stage function for :data:`cooperare.cli.commands.demo.STAGES` (takes the demo's ``DemoRun``)."""
    config = RosterConfig()  # the demo's sandbox has local_cooperare: enrolment through cohort sync
    catalogue = run.catalogue
    path = run.out / "roster-demo.xlsx"
    write_rows(generate(catalogue, count=DEMO_SIZE, seed=DEMO_SEED), path)
    roster = load_roster(path, config=config, catalogue=catalogue)
    before = run.client.transport.stats.calls
    rplan = plan_roster(run.client, roster, catalogue=catalogue, config=config)
    run.app.say(f"Roster {path.name}: {len(roster)} people; plan: {rplan.summary()}")
    outcome = apply_roster(run.client, rplan, store=run.store, run_id=run.run_id, config=config)
    calls = run.client.transport.stats.calls - before
    done = ", ".join(f"{count} {step}" for step, count in outcome.report.done.items())
    run.app.say(f"Applied in {calls} web-service calls ({rplan.state.mode} enrolment): {done}")
    again = run.client.transport.stats.writes
    replan = plan_roster(run.client, roster, catalogue=catalogue, config=config)
    run.app.say(f"Re-plan of the same roster: {replan.summary()} "
                f"({run.client.transport.stats.writes - again} writes)")
    run.summary["roster"] = {"people": len(roster), "ws_calls": calls, "done": dict(outcome.report.done),
                             "failures": [str(f) for f in outcome.report.failures], "mode": rplan.state.mode,
                             "file": str(path)}
