"""``cooperare staff plan|apply``: trainers and tutors of the ``staff:`` section into Moodle — accounts, teacher
enrolments by role shortname, the commune groups they lead.

A person who is a trainee of a course they are named to teach (enrolled there as a trainee, or in the roster given
with ``--roster``) is held and listed, never enrolled as its trainer.
"""

from __future__ import annotations

from pathlib import Path

import click

from cooperare.cli.context import AppContext, pass_app
from cooperare.errors import ConfigError, InputError
from cooperare.sync.importer import load_roster
from cooperare.sync.service import apply_staff, plan_staff
from cooperare.sync.staff import StaffPlan

roster_option = click.option("--roster", "roster_file", type=click.Path(dir_okay=False, path_type=Path),
                             help="The trainee roster (CSV or XLSX): its trainees are never planned as trainers of "
                                  "their own course.")


@click.group()
def staff() -> None:
    """Trainers, tutors and coordinators (staff: in cooperare.yaml) into Moodle: plan, apply."""


def _plan(app: AppContext, roster_file: Path | None) -> StaffPlan:
    config = app.config
    if not config.staff.people:
        raise ConfigError("no trainers or tutors configured: the staff: section of cooperare.yaml lists none",
                          hint="see docs/staff.md")
    catalogue = app.catalogue()
    roster = load_roster(roster_file, config=config.roster, catalogue=catalogue) if roster_file else None
    return plan_staff(app.client(), config.staff, catalogue=catalogue, config=config.roster, roster=roster)


def _print(app: AppContext, splan: StaffPlan) -> None:
    for note in splan.plan.notes:
        app.note(note)
    for hold in splan.holds:
        app.say(f"held: {hold}", style="red")
    for change in splan.plan.pending():
        note = f"  ({change.note})" if change.note else ""
        app.say(f"  {'+' if change.action == 'create' else '~'} {change.action} {change.address}{note}",
                style="green" if change.action == "create" else "yellow")
    counts = splan.plan.counts()
    app.say(f"Plan: {counts.get('create', 0)} to create, {counts.get('update', 0)} to update, "
            f"{counts.get('noop', 0)} unchanged, {len(splan.holds)} held.")


@staff.command("plan")
@roster_option
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON on stdout (changes, holds, ws_calls).")
@pass_app
def plan_command(app: AppContext, roster_file: Path | None, as_json: bool) -> None:
    """Show what enrolling the configured trainers, tutors and coordinators would change in Moodle (reads only)."""
    splan = _plan(app, roster_file)
    if as_json:
        app.emit_json(splan.as_json(ws_calls=app.ws_calls))
        return
    _print(app, splan)
    app.ws_summary()


@staff.command("apply")
@roster_option
@click.option("--yes", is_flag=True, help="Apply without asking for confirmation.")
@pass_app
def apply_command(app: AppContext, roster_file: Path | None, yes: bool) -> None:
    """Create missing staff accounts, enrol trainers, tutors and coordinators with their roles, add them to their
    groups."""
    splan = _plan(app, roster_file)
    _print(app, splan)
    if not splan.plan.has_changes:
        app.say("Nothing to change.")
        return
    if not yes and not click.confirm("Apply these changes to Moodle?", default=False, err=True):
        raise InputError("cancelled; nothing was applied")
    report = apply_staff(app.client(), splan, store=app.store(), config=app.config.roster)
    app.say("Done: " + ", ".join(f"{count} {step}" for step, count in report.done.items()) + ".")
    app.ws_summary()
