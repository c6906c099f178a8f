"""``cooperare consultation plan|apply|collect|publish``: a consultation in Moodle, plan first.

``plan`` shows what the public consultation space needs in Moodle (read only; ``--out`` saves it); ``apply`` applies
it after showing it and asking (``--yes`` not to ask; a saved plan is refused when Moodle changed since);
``collect`` reads the consultation's forum into the register; ``publish`` posts the answers back (a reply per
answered contribution, once) and the results page. Each is thin: it calls :mod:`cooperare.consultation_bridge`
(``space`` and ``exchange``) and prints. Importing this module adds the commands to the ``consultation`` group.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from cooperare.cli.commands.consultation import consultation
from cooperare.cli.commands.consultation_register import _consultations
from cooperare.cli.commands.courses import _print_plan, plan_to_apply, report_applied
from cooperare.cli.context import AppContext, pass_app
from cooperare.consultation_bridge.exchange import collect, publish
from cooperare.consultation_bridge.space import Space, apply_space, plan_space

guest_option = click.option("--guest/--no-guest", default=True, show_default=True,
                            help="Let visitors read the space as guests (self-enrolment is always open).")


def _space(app: AppContext) -> Space:
    return Space(app.catalogue(None).prefix, tuple(_consultations(app)))


@consultation.command("plan")
@click.argument("consultation_id", metavar="[ID]", required=False)
@guest_option
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON on stdout.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Save the plan for a later apply.")
@pass_app
def plan_command(app: AppContext, consultation_id: str | None, guest: bool, as_json: bool, out: Path | None) -> None:
    """Show what the consultation space (or one consultation, ID) needs in Moodle (reads only)."""
    planned = plan_space(app.client(), _space(app), only=consultation_id, guest=guest)
    data = planned.plan.as_json(ws_calls=app.ws_calls)
    if out is not None:
        out.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    if as_json:
        app.emit_json(data)
        return
    _print_plan(app, planned.plan)
    if out is not None:
        app.say(f"Plan saved to {out}; apply it with: cooperare consultation apply --plan {out}")
    app.ws_summary()


@consultation.command("apply")
@click.argument("consultation_id", metavar="[ID]", required=False)
@guest_option
@click.option("--plan", "plan_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Apply this saved plan (refused when Moodle changed since it was computed).")
@click.option("--yes", is_flag=True, help="Apply without asking for confirmation.")
@click.option("--json", "as_json", is_flag=True, help="Print what was applied as JSON.")
@pass_app
def apply_command(app: AppContext, consultation_id: str | None, guest: bool, plan_file: Path | None, yes: bool,
                  as_json: bool) -> None:
    """Provision the consultation space (or one consultation, ID) in Moodle, after showing the plan and asking."""
    client = app.client()
    planned = plan_space(client, _space(app), only=consultation_id, guest=guest)
    plan = plan_to_apply(app, planned.plan, planned.state.fingerprint, plan_file=plan_file, yes=yes,
                         as_json=as_json)
    if plan is None:
        return
    result = apply_space(client, app.store(), planned, plan=plan)
    applied = {**{k: v for k, v in result.courses.applied.items()}, **result.applied}
    report_applied(app, plan, applied, as_json=as_json)


@consultation.command("collect")
@click.argument("consultation_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@pass_app
def collect_command(app: AppContext, consultation_id: str, as_json: bool) -> None:
    """Read the consultation's forum from Moodle into the register (repeatable: nothing is recorded twice)."""
    result = collect(app.client(), app.store(), space=_space(app), consultation_id=consultation_id)
    data = {**result.counts.as_dict(), "posts_read": result.posts_read, "discussions": result.discussions,
            "form_responses": result.form_responses, "debate_requests": result.debate_requests,
            "forms_skipped": result.forms_skipped, "ws_calls": result.ws_calls}
    if as_json:
        app.emit_json(data)
        return
    counts = result.counts
    app.say(f"{consultation_id}: {result.posts_read} posts read in {result.discussions} discussions; {counts.new} new, "
            f"{counts.changed} changed, {counts.unchanged} unchanged, {counts.duplicates} duplicates folded, "
            f"{counts.late} late; {result.form_responses} form responses read, {result.debate_requests} new debate "
            "requests.")
    for skipped in result.forms_skipped:
        app.say(f"  form response left out: {skipped}")
    if result.forms_unavailable:
        app.note("the forms were not read: the site does not let this account read feedback responses "
                 "(local_cooperare 2026120320 or later)")
    app.ws_summary()


@consultation.command("publish")
@click.argument("consultation_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print what was posted as JSON.")
@pass_app
def publish_command(app: AppContext, consultation_id: str, as_json: bool) -> None:
    """Post the answers into Moodle (a reply per answered contribution, never twice; again, marked as updated,
    when the authority changed its decision or reason) and the results page."""
    result = publish(app.client(), app.store(), space=_space(app), consultation_id=consultation_id)
    data = {"posted": result.posted, "updated": result.updated, "already_posted": result.already, "not_in_forum": result.not_in_forum,
            "results_page": result.results_page, "ws_calls": result.ws_calls}
    if as_json:
        app.emit_json(data)
        return
    app.say(f"{consultation_id}: {result.posted} answers posted ({result.updated} of them updated answers), "
            f"{result.already} already there, "
            f"{result.not_in_forum} not from the forum; results page {result.results_page}.")
    app.ws_summary()
