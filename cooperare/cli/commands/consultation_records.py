"""The consultation register's offline commands: the answer workbook, answers, the synthesis, the annual art. 13
report and open data.

Standalone click commands; :func:`register_record_commands` adds them to a group (``cooperare consultation``). They
read and write the store only (configured, else ``COOPERARE_STORE_URL``, else ./cooperare.sqlite) — the outline of
each consultation is stored with its contributions — and never call Moodle. Thin: each calls
:mod:`cooperare.consultation_bridge.records` and prints one line.
"""

from __future__ import annotations

from pathlib import Path

import click

from cooperare.cli.commands.diagnostic import _fonts, _store
from cooperare.cli.context import AppContext, pass_app

out_option = click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
                          help="File to write.")


def _format(fmt: str | None, out: Path, allowed: tuple[str, ...]) -> str:
    chosen = fmt or out.suffix.lstrip(".").lower()
    if chosen not in allowed:
        raise click.UsageError(f"say --format {'|'.join(allowed)} (cannot tell from {out.name!r})")
    return chosen


@click.command("answer-form")
@click.argument("consultation_id", metavar="ID")
@out_option
@pass_app
def answer_form_command(app: AppContext, consultation_id: str, out: Path) -> None:
    """Write the XLSX workbook in which the authority answers each recommendation (decision, reason, template)."""
    from cooperare.consultation_bridge.records import write_answer_form

    listed = write_answer_form(_store(app), consultation_id, out)
    app.say(f"{listed} recommendations of {consultation_id} listed for answering in {out}")


@click.command("answer")
@click.argument("consultation_id", metavar="ID")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@pass_app
def answer_command(app: AppContext, consultation_id: str, file: Path, as_json: bool) -> None:
    """Apply the answers of FILE (the answer workbook, or a YAML file) to the register: all or none.

    Decisions: accepted / partly / rejected (acceptată, acceptată parțial, respinsă); partly accepted and rejected
    need a reason or an answer template. Folded duplicates take the answer of the recommendation they repeat.
    """
    from cooperare.consultation_bridge.answers import answer, read_answers

    done = answer(_store(app), consultation_id=consultation_id, sheet=read_answers(file))
    if as_json:
        app.emit_json({"consultation": consultation_id, "changed": done.changed, "answered": done.answered,
                       "pending": done.pending})
    else:
        app.say(f"{done.changed} answers recorded; {done.answered} recommendations answered, {done.pending} pending")


@click.command("report")
@click.argument("consultation_id", metavar="ID")
@click.option("--format", "fmt", type=click.Choice(("pdf", "xlsx")), help="Default: from the --out suffix.")
@out_option
@click.option("--minutes", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="YAML minutes of the public debates (debates: date, place, participants, summary…).")
@pass_app
def report_command(app: AppContext, consultation_id: str, fmt: str | None, out: Path, minutes: Path | None) -> None:
    """The synthesis of recommendations in Romanian: counts by category and by part, every recommendation with its
    answer and reason, and the debate minutes. (DOCX is not offered: python-docx is not a dependency.)"""
    from cooperare.consultation_bridge.records import synthesis_from_store, write_report
    from cooperare.consultation_bridge.synthesis import load_minutes

    chosen = _format(fmt, out, ("pdf", "xlsx"))
    synthesis = synthesis_from_store(_store(app), consultation_id,
                                     minutes=load_minutes(minutes) if minutes else None)
    write_report(synthesis, out, fmt=chosen, fonts=_fonts(app) if chosen == "pdf" else None)
    app.say(f"Synthesis of {len(synthesis.recommendations)} recommendations written to {out}")


@click.command("annual-report")
@click.option("--authority", required=True, help="The authority (UAT) as named in its consultations.")
@click.option("--year", type=click.IntRange(2003, 2100), required=True, help="The calendar year reported on.")
@click.option("--format", "fmt", type=click.Choice(("pdf", "xlsx")), help="Default: from the --out suffix.")
@out_option
@click.option("--facts", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="YAML of what the register cannot know: public meetings and participants, debates, acts "
                   "adopted, court actions, meetings not made public and why, the partnership assessment.")
@pass_app
def annual_report_command(app: AppContext, authority: str, year: int, fmt: str | None, out: Path,
                          facts: Path | None) -> None:
    """The annual report on decisional transparency (Legea nr. 52/2003, art. 13) of one authority."""
    from cooperare.consultation_bridge.annual import load_facts
    from cooperare.consultation_bridge.records import annual_from_store, write_report

    chosen = _format(fmt, out, ("pdf", "xlsx"))
    report = annual_from_store(_store(app), authority=authority, year=year,
                               facts=load_facts(facts) if facts else None)
    write_report(report, out, fmt=chosen, fonts=_fonts(app) if chosen == "pdf" else None)
    if facts is None:
        app.note("no --facts file: items c) to g) are marked as not filled in")
    app.say(f"Annual report of {report.authority} for {year} written to {out}")


@click.command("export")
@click.argument("consultation_id", metavar="ID")
@click.option("--format", "fmt", type=click.Choice(("csv", "json")), help="Default: from the --out suffix.")
@out_option
@pass_app
def export_command(app: AppContext, consultation_id: str, fmt: str | None, out: Path) -> None:
    """Open data: every contribution with its answer; citizens' names only where they agreed, no e-mails."""
    from cooperare.consultation_bridge.records import export

    count = export(_store(app), consultation_id, out, fmt=_format(fmt, out, ("csv", "json")))
    app.say(f"{count} contributions of {consultation_id} exported to {out}")


RECORD_COMMANDS = (answer_form_command, answer_command, report_command, annual_report_command, export_command)


def register_record_commands(group: click.Group) -> None:
    """Add the register's offline commands to ``group``."""
    for command in RECORD_COMMANDS:
        group.add_command(command)
