"""``cooperare roster check|plan|apply|generate``: keep Moodle's users, cohorts, enrolments and groups in step with
the trainee roster (CSV or XLSX).

The roster file is read and validated completely before the first web-service call: a file with problems lists
them all, with row and column, and nothing is sent. ``apply`` shows the plan and asks (unless ``--yes``), shows
a progress bar, and ends with a summary table; it can be interrupted and re-run at any time.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from cooperare.cli.context import AppContext, pass_app
from cooperare.config.roster import RosterConfig
from cooperare.config.staff import StaffConfig
from cooperare.courses.catalogue import Catalogue
from cooperare.errors import InputError
from cooperare.plan import render_value
from cooperare.sync.generator import generate as generate_rows
from cooperare.sync.generator import write_rows
from cooperare.sync.importer import load_roster
from cooperare.sync.model import Roster
from cooperare.sync.plan import RosterPlan
from cooperare.sync.service import apply_roster, plan_roster
from cooperare.sync.validate import RosterInvalid

SHOWN_CHANGES = 200
roster_file = click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
unenrol_option = click.option("--unenrol", is_flag=True,
                              help="Also take people who left out of the track cohorts and courses (default: "
                                   "their accounts are only suspended).")
skip_invalid_option = click.option("--skip-invalid", is_flag=True,
                                   help="Sync the valid rows and list the refused ones (default: nothing is sent "
                                        "while any row is invalid). Nobody is suspended in such a run.")
rename_option = click.option("--rename", "renames", multiple=True, metavar="OLD=NEW",
                             help="Confirm that the person with e-mail OLD in Moodle is the row with e-mail NEW "
                                  "(rosters without a code column); repeatable.")
new_option = click.option("--new", "distinct", multiple=True, metavar="EMAIL",
                          help="The row with this e-mail is a new person, though it looks like an account that "
                               "left; repeatable.")


def _renames(values: tuple[str, ...]) -> dict[str, str]:
    renames: dict[str, str] = {}
    for value in values:
        old, sep, new = value.partition("=")
        if not sep or "@" not in old or "@" not in new:
            raise click.BadParameter(f"{value!r}: write OLD@E-MAIL=NEW@E-MAIL", param_hint="--rename")
        renames[old.strip().lower()] = new.strip().lower()
    return renames


@click.group()
def roster() -> None:
    """Sync the trainee roster (CSV or XLSX) into Moodle: check, plan, apply; generate test rosters."""


def _config(app: AppContext) -> RosterConfig:
    """The ``roster:`` section; commands that need no Moodle work without a configuration file."""
    config = app.optional_config()
    return config.roster if config is not None else RosterConfig()


def _staff(app: AppContext) -> StaffConfig:
    """The ``staff:`` section: its roles are the teaching roles a trainee must not hold in their course."""
    config = app.optional_config()
    return config.staff if config is not None else StaffConfig()


def _load(app: AppContext, file: Path, *, skip_invalid: bool = False) -> tuple[Roster, Catalogue, RosterConfig]:
    config = _config(app)
    catalogue = app.catalogue()
    try:
        people = load_roster(file, config=config, catalogue=catalogue, skip_invalid=skip_invalid)
    except RosterInvalid as invalid:
        for problem in invalid.problems:
            app.say(str(problem), style="red")
        raise
    for problem in people.refused:
        app.say(f"refused: {problem}", style="red")
    if people.refused:
        app.note(f"{len(people.refused_rows)} rows refused (--skip-invalid): they are left out of this sync")
    return people, catalogue, config


def _print_plan(app: AppContext, rplan: RosterPlan) -> None:
    for note in rplan.plan.notes:
        app.note(note)
    for conflict in rplan.conflicts:
        app.say(f"conflict: {conflict}", style="red")
    for match in rplan.matches:
        app.say(f"probably the same person: {match}", style="yellow")
    symbols = {"create": ("+", "green"), "update": ("~", "yellow"), "delete": ("-", "red")}
    pending = list(rplan.plan.pending())
    for change in pending[:SHOWN_CHANGES]:
        symbol, style = symbols[change.action]
        note = f"  ({change.note})" if change.note else ""
        app.say(f"  {symbol} {change.action} {change.address}{note}", style=style)
        if change.action == "update":
            for key in change.changed_fields():
                app.say(f"      {key}: {render_value(change.before.get(key))} → {render_value(change.after.get(key))}")
    if len(pending) > SHOWN_CHANGES:
        by_group = Counter(change.group for change in pending[SHOWN_CHANGES:])
        app.say(f"  … and {len(pending) - SHOWN_CHANGES} more ("
                + ", ".join(f"{count} {group}" for group, count in by_group.items()) + "; --json lists all)")
    app.say(f"Plan: {rplan.summary()}.")


@roster.command("check")
@roster_file
@pass_app
def check_command(app: AppContext, file: Path) -> None:
    """Read and validate FILE without talking to Moodle; list every problem with its row and column."""
    people = _load(app, file)[0]
    for note in people.notes:
        app.note(note)
    tracks = Counter(person.track for person in people.people)
    app.say(f"{file}: {len(people)} people, no problems ("
            + ", ".join(f"{track} {count}" for track, count in tracks.items()) + ")")


@roster.command("plan")
@roster_file
@unenrol_option
@skip_invalid_option
@rename_option
@new_option
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON on stdout (changes and ws_calls).")
@pass_app
def plan_command(app: AppContext, file: Path, unenrol: bool, skip_invalid: bool, renames: tuple[str, ...],
                 distinct: tuple[str, ...], as_json: bool) -> None:
    """Show what syncing FILE would change in Moodle (reads only)."""
    people, catalogue, config = _load(app, file, skip_invalid=skip_invalid)
    rplan = plan_roster(app.client(), people, catalogue=catalogue, config=config, unenrol=unenrol,
                        renames=_renames(renames), distinct={e.strip().lower() for e in distinct},
                        staff=_staff(app))
    if as_json:
        app.emit_json(rplan.as_json(ws_calls=app.ws_calls))
        return
    _print_plan(app, rplan)
    app.ws_summary()


@roster.command("apply")
@roster_file
@unenrol_option
@skip_invalid_option
@rename_option
@new_option
@click.option("--yes", is_flag=True, help="Apply without asking for confirmation.")
@click.option("--json", "as_json", is_flag=True, help="Print what was done as JSON on stdout.")
@pass_app
def apply_command(app: AppContext, file: Path, unenrol: bool, skip_invalid: bool, renames: tuple[str, ...],
                  distinct: tuple[str, ...], yes: bool, as_json: bool) -> None:
    """Sync FILE into Moodle after showing the plan and asking.

    New people get accounts (Moodle e-mails them a password), changes of name or e-mail are applied, people who
    left are suspended (never deleted). Safe to interrupt and re-run: nothing is created twice.
    """
    people, catalogue, config = _load(app, file, skip_invalid=skip_invalid)
    client = app.client()
    rplan = plan_roster(client, people, catalogue=catalogue, config=config, unenrol=unenrol,
                        renames=_renames(renames), distinct={e.strip().lower() for e in distinct},
                        staff=_staff(app))
    if not as_json:
        _print_plan(app, rplan)
    store = app.store()
    if rplan.plan.has_changes and not yes and not click.confirm("Apply these changes to Moodle?", default=False,
                                                                err=True):
        raise InputError("cancelled; nothing was applied")
    with store.runs.recording("roster apply", detail={"people": len(people)}, ws_calls=lambda: app.ws_calls) as run, \
            Progress(TextColumn("{task.description:<22}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                     console=app.console, transient=True, disable=as_json) as bar:
        tasks: dict[str, int] = {}

        def progress(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(step, total=total)
            bar.update(tasks[step], completed=done)

        result = apply_roster(client, rplan, store=store, run_id=run.id, config=config, progress=progress,
                              concurrency=app.config.require_site().concurrency)
    report = result.report
    if as_json:
        app.emit_json({"changes": [c.as_json() for c in rplan.plan.pending()], "done": dict(report.done),
                       "failures": [str(f) for f in report.failures], "skipped": dict(report.skipped),
                       "conflicts": [str(c) for c in rplan.conflicts], "reconciled": report.reconciled,
                       "probable_matches": [str(m) for m in rplan.matches],
                       "refused_rows": [str(p) for p in rplan.refused], "ws_calls": app.ws_calls})
        return
    if result.closed_done or result.closed_failed:
        app.note(f"Resumed an interrupted apply: {result.closed_done + result.closed_failed} journal entries "
                 "reconciled with what Moodle holds.")
    table = Table(title="Roster sync", show_lines=False)
    table.add_column("step")
    table.add_column("done", justify="right")
    table.add_column("failed", justify="right")
    table.add_column("skipped", justify="right")
    failed = Counter(f.step for f in report.failures)
    for step in dict.fromkeys([*report.done, *failed, *report.skipped]):
        table.add_row(step, str(report.done.get(step, 0)), str(failed.get(step, 0)), str(report.skipped.get(step, 0)))
    if table.row_count:
        app.console.print(table)
    else:
        app.say("Nothing to change: Moodle already matches the roster.")
    for failure in report.failures:
        app.say(str(failure), style="red")
    for warning in report.warnings:
        app.note(warning)
    app.ws_summary()
    for match in rplan.matches:
        app.say(f"held: {match}", style="yellow")
    if report.failures or rplan.conflicts or rplan.matches:
        raise InputError(f"{len(report.failures)} failures, {len(rplan.conflicts)} conflicts and "
                         f"{len(rplan.matches)} rows held as probably the same person; the rest was applied",
                         hint="fix those rows (or the accounts in Moodle), confirm or refuse the probable matches "
                              "(--rename OLD=NEW, --new EMAIL), and run apply again")


@roster.command("generate")
@click.option("--count", type=click.IntRange(1, 1_000_000), default=292, show_default=True,
              help="How many people (shared among the tracks like the catalogue's targets, 10/200/41/41).")
@click.option("--seed", type=int, default=2027, show_default=True, help="Same seed, same roster.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Output file: .xlsx for a workbook, anything else for CSV.")
@click.option("--malformed", type=click.IntRange(0), default=0, show_default=True,
              help="Damage this many rows (bad e-mail, unknown county, missing name…) to try the checks.")
@click.option("--encoding", type=click.Choice(["utf-8", "utf-8-sig", "cp1250", "iso-8859-2", "iso-8859-16"]),
              default="utf-8", show_default=True, help="CSV encoding.")
@click.option("--separator", type=click.Choice([";", ","]), default=";", show_default=True, help="CSV separator.")
@pass_app
def generate_command(app: AppContext, count: int, seed: int, out: Path, malformed: int, encoding: str,
                     separator: str) -> None:
    """Write a realistic invented roster (Romanian names, real counties, plausible communes and NGOs)."""
    catalogue = app.catalogue()
    rows = generate_rows(catalogue, count=count, seed=seed, malformed=malformed)
    write_rows(rows, out, encoding=encoding, separator=separator)
    app.say(f"Wrote {len(rows)} people to {out}" + (f" ({malformed} malformed)" if malformed else ""))
