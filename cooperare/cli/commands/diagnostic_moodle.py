"""``cooperare diagnostic plan|apply|collect``: the diagnostic questionnaire in Moodle, plan first.

``plan`` shows what the diagnostic course needs in Moodle (the feedback activity of a wave, its items, the
local-authority respondents enrolled; read only; ``--out`` saves it); ``apply`` applies it after showing it and
asking (``--yes`` not to ask; a saved plan is refused when Moodle changed since); ``collect`` reads the wave's
responses into the store, where ``diagnostic score|report|scorecard`` find them. Each is thin: it calls
:mod:`cooperare.diagnostic.moodle` and prints. Importing this module adds the commands to the ``diagnostic`` group.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from cooperare.cli.commands.courses import _print_plan, plan_to_apply, report_applied
from cooperare.cli.commands.diagnostic import _instrument, diagnostic, instrument_option
from cooperare.cli.context import AppContext, pass_app

wave_option = click.option("--wave", default="T0", show_default=True,
                           help="The measurement wave (T0, T1 …): one feedback activity per wave.")


def _questionnaire(app: AppContext, instrument_path: Path | None, wave: str):  # type: ignore[no-untyped-def]
    from cooperare.diagnostic.moodle import Questionnaire

    wave = wave.upper()
    if not wave.startswith("T") or not wave[1:].isdigit():
        raise click.UsageError(f"--wave must be T0, T1 …, not {wave!r}")
    return Questionnaire(app.catalogue(None).prefix, _instrument(instrument_path), wave)


@diagnostic.command("plan")
@wave_option
@instrument_option
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON on stdout.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Save the plan for a later apply.")
@pass_app
def plan_command(app: AppContext, wave: str, instrument_path: Path | None, as_json: bool, out: Path | None) -> None:
    """Show what the diagnostic questionnaire (a feedback activity per wave) and its respondents need in Moodle."""
    from cooperare.diagnostic.moodle import plan_questionnaire

    planned = plan_questionnaire(app.client(), app.store(), _questionnaire(app, instrument_path, wave))
    data = planned.plan.as_json(ws_calls=app.ws_calls)
    if out is not None:
        out.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    if as_json:
        app.emit_json(data)
        return
    _print_plan(app, planned.plan)
    if out is not None:
        app.say(f"Plan saved to {out}; apply it with: cooperare diagnostic apply --plan {out}")
    app.ws_summary()


@diagnostic.command("apply")
@wave_option
@instrument_option
@click.option("--plan", "plan_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Apply this saved plan (refused when Moodle changed since it was computed).")
@click.option("--yes", is_flag=True, help="Apply without asking for confirmation.")
@click.option("--json", "as_json", is_flag=True, help="Print what was applied as JSON.")
@pass_app
def apply_command(app: AppContext, wave: str, instrument_path: Path | None, plan_file: Path | None, yes: bool,
                  as_json: bool) -> None:
    """Provision the diagnostic questionnaire in Moodle and enrol its respondents, after showing the plan."""
    from cooperare.diagnostic.moodle import apply_questionnaire, plan_questionnaire

    client = app.client()
    planned = plan_questionnaire(client, app.store(), _questionnaire(app, instrument_path, wave))
    plan = plan_to_apply(app, planned.plan, planned.state.fingerprint, plan_file=plan_file, yes=yes,
                         as_json=as_json)
    if plan is None:
        return
    result = apply_questionnaire(client, app.store(), planned, plan=plan)
    applied = {**result.courses.applied, **({"enrolment": result.enrolled} if result.enrolled else {})}
    report_applied(app, plan, applied, as_json=as_json)


@diagnostic.command("collect")
@wave_option
@instrument_option
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@pass_app
def collect_command(app: AppContext, wave: str, instrument_path: Path | None, as_json: bool) -> None:
    """Read the wave's responses from Moodle into the store (repeatable: nothing is stored twice); one response
    per commune counts, the later one, and the others are listed."""
    from cooperare.diagnostic.moodle import collect_responses

    result = collect_responses(app.client(), app.store(), _questionnaire(app, instrument_path, wave))
    data = {"feedback": result.feedback_id, "read": result.read, "stored": result.stored, "already": result.already,
            "commune_from_roster": result.from_roster, "commune_from_answer": result.from_answer,
            "unplaced": [{"response": u.attempt, "respondent": u.fullname, "reason": u.reason}
                         for u in result.unplaced],
            "superseded": [{"siruta": s.siruta, "wave": s.wave, "dropped_at": s.dropped_at, "kept_at": s.kept_at}
                           for s in result.superseded],
            "ws_calls": result.ws_calls}
    if as_json:
        app.emit_json(data)
        return
    app.say(f"{wave}: {result.read} responses read; {result.stored} stored, {result.already} already stored; "
            f"commune from the roster {result.from_roster}, from the SIRUTA answer {result.from_answer}.")
    for s in result.superseded:
        app.say(f"  commune {s.siruta} answered more than once: the response of {s.kept_at:%d.%m.%Y %H:%M} counts, "
                f"the one of {s.dropped_at:%d.%m.%Y %H:%M} is set aside")
    for u in result.unplaced:
        app.say(f"  response {u.attempt} ({u.fullname}) left out: {u.reason}")
    app.ws_summary()
