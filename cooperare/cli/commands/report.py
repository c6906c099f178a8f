"""``cooperare report certification``: the coordinators' report of certified people against the targets.

Built from the certificate registry in the store (no Moodle call), written as XLSX, CSV or PDF. The spreadsheet and
PDF libraries are imported when the command runs, so other commands start fast.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from cooperare.cli.context import AppContext, pass_app
from cooperare.store.certificates import CertificateRegistry

FORMATS = ("xlsx", "csv", "pdf")


@click.group()
def report() -> None:
    """Reports for coordinators."""


@report.command("certification")
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="File format (default: from the --out suffix).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="File to write.")
@pass_app
def certification(app: AppContext, fmt: str | None, out: Path) -> None:
    """Certified people against the targets (per track, with percentages), per county, per commune, per
    organisation, and the list of certificates with serials and dates.

    Cells that start with = + - @ are neutralised in CSV and XLSX; the PDF carries bar charts.
    """
    from cooperare.certificates.fonts import load_fonts
    from cooperare.reports.certification import build_report
    from cooperare.reports.pdf import write_pdf
    from cooperare.reports.tabular import write_csv, write_xlsx

    chosen = fmt or out.suffix.lstrip(".").lower()
    if chosen not in FORMATS:
        raise click.UsageError(f"say --format {'|'.join(FORMATS)} (cannot tell from {out.name!r})")
    store = app.store()
    config = app.config.certificates
    data = build_report(app.catalogue(), CertificateRegistry(store.engine).all(status="valid"),
                        generated_at=datetime.now(UTC))
    out.parent.mkdir(parents=True, exist_ok=True)
    if chosen == "csv":
        write_csv(data, out)
    elif chosen == "xlsx":
        write_xlsx(data, out)
    else:
        write_pdf(data, out, fonts=load_fonts(config.font, config.font_bold))
    share = data.certified / data.target if data.target else 0.0
    app.say(f"{data.certified} certified of {data.target} targeted ({share:.1%}); report written to {out}")


@report.command("publish")
@click.option("--plan", "plan_only", is_flag=True, help="Only show what publishing would change (reads only).")
@click.option("--yes", is_flag=True, help="Publish without asking for confirmation.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Also write the dashboard, PDF and XLSX into this folder.")
@click.option("--json", "as_json", is_flag=True, help="Print the plan (and what was applied) as JSON on stdout.")
@pass_app
def publish(app: AppContext, plan_only: bool, yes: bool, out: Path | None, as_json: bool) -> None:
    """Put the latest certification report (HTML dashboard, PDF, XLSX) into the coordinators' course in Moodle.

    The course (hidden; idnumber <prefix>:course:coordonare) is reached only through a cohort-sync enrolment of the
    cohort <prefix>:echipa:coordonatori, whose members are reports.coordinators in cooperare.yaml. A changed report
    replaces the latest files and is added, dated, to the section "Arhivă"; an unchanged one changes nothing.
    """
    from cooperare.certificates.fonts import load_fonts
    from cooperare.cli.commands.courses import _print_plan
    from cooperare.errors import InputError
    from cooperare.reports.pdf import write_pdf
    from cooperare.reports.publish import apply_publish, plan_report

    fonts = load_fonts(app.config.certificates.font, app.config.certificates.font_bold)
    client = app.client()
    planned = plan_report(client, catalogue=app.catalogue(),
                          records=CertificateRegistry(app.store().engine).all(status="valid"),
                          config=app.config.reports, write_pdf=lambda data, path: write_pdf(data, path, fonts=fonts),
                          generated_at=datetime.now(UTC))
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        for report_file in planned.bundle.files:
            (out / planned.bundle.filename(report_file)).write_bytes(report_file.content)
    plan = planned.plan
    if as_json and (plan_only or not plan.has_changes):
        app.emit_json(plan.as_json(ws_calls=app.ws_calls))
        return
    if not as_json:
        _print_plan(app, plan)
    if plan_only or not plan.has_changes:
        if not as_json:
            app.say("Nothing to change." if not plan.has_changes else "Plan only: nothing was written.")
            app.ws_summary()
        return
    if not yes and not click.confirm("Publish into Moodle?", default=False, err=True):
        raise InputError("cancelled; nothing was published")
    result = apply_publish(client, app.store(), planned)
    if as_json:
        app.emit_json({**plan.as_json(ws_calls=app.ws_calls), "applied": result.applied,
                       "course_id": result.course_id})
        return
    if result.reconciled:
        app.note(f"Resumed after an interrupted publish ({result.reconciled} journal entries reconciled).")
    applied = ", ".join(f"{count} {what}" for what, count in sorted(result.applied.items()))
    app.say(f"Published: {applied}. Course id {result.course_id} "
            f"({client.site.siteurl.rstrip('/')}/course/view.php?id={result.course_id}).")
    app.ws_summary()
