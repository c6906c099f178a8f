"""The demo's courses stage: plan and apply the shipped ACoR catalogue into the demo's sandbox, then re-plan."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cooperare.courses.service import apply_courses, plan_courses

if TYPE_CHECKING:  # pragma: no cover
    from cooperare.cli.commands.demo import DemoRun


def stage_courses(run: DemoRun) -> None:
    catalogue = run.catalogue
    before = run.client.transport.stats.calls
    planned = plan_courses(run.client, catalogue)
    run.app.say(f"Plan: {planned.plan.summary()}")
    result = apply_courses(run.client, run.store, planned, command="demo: courses apply")
    applied = ", ".join(f"{count} {what}" for what, count in sorted(result.applied.items()))
    calls = run.client.transport.stats.calls - before
    run.app.say(f"Applied: {applied} ({calls} web-service calls for {len(planned.desired.courses)} courses)")
    again = plan_courses(run.client, catalogue)
    run.app.say(f"Re-plan: {again.plan.summary()}")
    run.summary["courses"] = {
        "courses": len(planned.desired.courses),
        "applied": dict(result.applied),
        "calls": calls,
        "replan_changes": sum(1 for _ in again.plan.pending()),
    }
