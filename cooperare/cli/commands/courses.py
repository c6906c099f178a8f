"""``cooperare courses plan`` and ``cooperare courses apply``: the catalogue into Moodle, plan first."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from cooperare.cli.context import AppContext, pass_app
from cooperare.courses.service import apply_courses, plan_courses
from cooperare.errors import InputError, Location
from cooperare.plan import Plan, render_text

catalogue_option = click.option(
    "--catalogue", "catalogue_path", type=click.Path(exists=True, path_type=Path),
    help="Catalogue (catalogue.yaml or its folder); default: `catalogue` in cooperare.yaml, else the ACoR catalogue "
         "shipped with the pack.")
course_option = click.option("--course", "only", multiple=True,
                             help="Only this course (key or shortname); repeat for several.")
prune_option = click.option("--prune", is_flag=True,
                            help="Also delete pack-managed activities and questions no longer in the catalogue.")


@click.group()
def courses() -> None:
    """Provision the training catalogue into Moodle: plan, then apply."""


def _print_plan(app: AppContext, plan: Plan) -> None:
    for note in plan.notes:
        app.note(note)
    for line in render_text(plan):
        style = None
        stripped = line.strip()
        if stripped.startswith("+ "):
            style = "green"
        elif stripped.startswith("~ "):
            style = "yellow"
        elif stripped.startswith("- "):
            style = "red"
        app.say(line, style=style)


def plan_to_apply(app: AppContext, fresh: Plan, state_fingerprint: str, *, plan_file: Path | None, yes: bool,
                  as_json: bool) -> Plan | None:
    """The plan an ``apply`` command goes on with: the saved one (refused when Moodle changed since it was computed)
    or the fresh one, shown and confirmed; None when there is nothing to change (already said)."""
    plan = fresh
    if plan_file is not None:
        try:
            saved = json.loads(plan_file.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise InputError(f"not a JSON plan: {error}", location=Location(file=str(plan_file))) from None
        plan = Plan.from_json(saved, source=str(plan_file))
        plan.check_fresh(state_fingerprint)
    if not as_json:
        _print_plan(app, plan)
    if not plan.has_changes:
        if as_json:
            app.emit_json({"changes": [], "applied": {}, "ws_calls": app.ws_calls})
        else:
            app.say("Nothing to change.")
            app.ws_summary()
        return None
    if not yes and not click.confirm("Apply these changes to Moodle?", default=False, err=True):
        raise InputError("cancelled; nothing was applied")
    return plan


def report_applied(app: AppContext, plan: Plan, applied: dict[str, int], *, as_json: bool) -> None:
    """What an ``apply`` command did: JSON (changes, counts, calls) or one line and the call count."""
    if as_json:
        app.emit_json({"changes": [c.as_json() for c in plan.pending()], "applied": applied,
                       "ws_calls": app.ws_calls})
        return
    app.say("Applied: " + (", ".join(f"{n} {what}" for what, n in sorted(applied.items())) or "nothing") + ".")
    app.ws_summary()


@courses.command("plan")
@catalogue_option
@course_option
@prune_option
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON on stdout.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Save the plan for a later apply.")
@pass_app
def plan_command(app: AppContext, catalogue_path: Path | None, only: tuple[str, ...], prune: bool, as_json: bool,
                 out: Path | None) -> None:
    """Show what applying the catalogue would change in Moodle (reads only)."""
    catalogue = app.catalogue(catalogue_path)
    planned = plan_courses(app.client(), catalogue, prune=prune, only=set(only) or None)
    data = planned.plan.as_json(ws_calls=app.ws_calls)
    if out is not None:
        out.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    if as_json:
        app.emit_json(data)
        return
    _print_plan(app, planned.plan)
    if out is not None:
        app.say(f"Plan saved to {out}; apply it with: cooperare courses apply {out}")
    app.ws_summary()


@courses.command("apply")
@click.argument("plan_file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@catalogue_option
@course_option
@prune_option
@click.option("--yes", is_flag=True, help="Apply without asking for confirmation.")
@click.option("--manual-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("moodle-import"),
              show_default=True, help="Where to write Moodle XML files and a checklist when the site has no plugin.")
@click.option("--json", "as_json", is_flag=True, help="Print what was applied as JSON on stdout.")
@pass_app
def apply_command(app: AppContext, plan_file: Path | None, catalogue_path: Path | None, only: tuple[str, ...],
                  prune: bool, yes: bool, manual_dir: Path, as_json: bool) -> None:
    """Apply the catalogue (or a saved PLAN_FILE) to Moodle, after showing the plan and asking.

    A saved plan is refused when Moodle changed since it was computed. Safe to re-run at any time: what exists is
    found again by idnumber, an interrupted apply is resumed, and nothing changed means nothing written.
    """
    catalogue = app.catalogue(catalogue_path)
    client = app.client()
    planned = plan_courses(client, catalogue, prune=prune, only=set(only) or None)
    plan = plan_to_apply(app, planned.plan, planned.state.fingerprint, plan_file=plan_file, yes=yes,
                         as_json=as_json)
    if plan is None:
        return
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=app.console, transient=True, disable=as_json) as bar:
        task = bar.add_task("applying", total=max(1, sum(1 for _ in plan.pending())))

        def progress(done: int, total: int, label: str) -> None:
            bar.update(task, completed=done, total=max(total, 1), description=f"applying {label}")

        result = apply_courses(client, app.store(), planned, plan=plan, progress=progress,
                               manual_dir=None if planned.state.plugin else manual_dir)
    if as_json:
        app.emit_json({"changes": [c.as_json() for c in plan.pending()], "applied": dict(result.applied),
                       "reconciled": result.reconciled,
                       "manual_files": [str(p) for p in result.manual_files], "ws_calls": app.ws_calls})
        return
    if result.reconciled:
        app.note(f"Resumed after an interrupted apply ({result.reconciled} journal entries reconciled).")
    applied = ", ".join(f"{count} {what}" for what, count in sorted(result.applied.items()))
    app.say(f"Applied: {applied or 'nothing'}.")
    if result.manual_files:
        app.note(f"Without the plugin, the rest is for a manual import: see {manual_dir / 'LISTA-DE-VERIFICARE.md'}")
    app.ws_summary()
