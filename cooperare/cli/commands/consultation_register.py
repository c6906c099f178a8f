"""``cooperare consultation record|answer-sheet|answer|report|annual-report|export``: a consultation offline.

These commands work on the register in the store and on files, never on Moodle, so they run with no ``site:`` in
cooperare.yaml: ``record`` adds contributions from a JSON file of plain records (what ``collect`` will read from
Moodle), ``answer-sheet`` writes the XLSX the authority fills, ``answer`` reads it back (or a YAML) into the
register, ``report`` writes the synthesis of recommendations (PDF, XLSX or DOCX), ``annual-report`` the art. 13 report of
an authority for a year, ``export`` the open data (CSV or JSON). Each is thin: it calls
:mod:`cooperare.consultation_bridge` and prints. Importing this module adds the commands to the ``consultation``
group.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from cooperare.cli.commands.consultation import consultation
from cooperare.cli.context import AppContext, pass_app
from cooperare.consultation_bridge.loader import ConsultationSet, config_file_in_use, load_configured
from cooperare.consultation_bridge.model import Consultation
from cooperare.errors import InputError
from cooperare.store.consultation import ContributionRegister

out_path = click.Path(dir_okay=False, writable=True, path_type=Path)
in_file = click.Path(exists=True, dir_okay=False, path_type=Path)


def _consultations(app: AppContext) -> ConsultationSet:
    return load_configured(app.config, config_file=config_file_in_use(app.config_path))


def _consultation(app: AppContext, consultation_id: str) -> Consultation:
    return _consultations(app).get(consultation_id)


def _fonts(app: AppContext):  # type: ignore[no-untyped-def]
    from cooperare.certificates.fonts import load_fonts

    return load_fonts(app.config.certificates.font, app.config.certificates.font_bold)


def _format(fmt: str | None, out: Path, allowed: tuple[str, ...]) -> str:
    chosen = (fmt or out.suffix.lstrip(".")).lower()
    if chosen not in allowed:
        raise InputError(f"give --format {' or '.join(allowed)} (or an --out file ending in one of them)")
    return chosen


@consultation.command("record")
@click.argument("consultation_id", metavar="ID")
@click.argument("file", type=in_file)
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@pass_app
def record_command(app: AppContext, consultation_id: str, file: Path, as_json: bool) -> None:
    """Add contributions (and debate requests) from a JSON file of plain records to the register; repeatable."""
    from cooperare.consultation_bridge.register import read_records, record_contributions, record_debate_requests

    item = _consultation(app, consultation_id)
    records, requests = read_records(file)
    store = app.store()
    counts = record_contributions(store, consultation=item, records=records)
    added = record_debate_requests(store, consultation=item, requests=requests)
    if as_json:
        app.emit_json({"consultation": item.id, **counts.as_dict(), "debate_requests_added": added})
        return
    app.say(f"{item.id}: {counts.new} new, {counts.changed} changed, {counts.updated} updated, {counts.unchanged} "
            f"unchanged; {counts.duplicates} duplicates folded, {counts.late} late; {added} debate request(s) added")


@consultation.command("answer-sheet")
@click.argument("consultation_id", metavar="ID")
@click.option("--out", type=out_path, required=True, help="The XLSX to write.")
@pass_app
def answer_sheet_command(app: AppContext, consultation_id: str, out: Path) -> None:
    """Write the XLSX the authority fills: each recommendation with decision, reason and answer template."""
    from cooperare.consultation_bridge.answers import write_answer_sheet

    item = _consultation(app, consultation_id)
    rows = ContributionRegister(app.store().engine).all(item.id)
    listed = write_answer_sheet(out, consultation=item, contributions=rows)
    app.say(f"{out}: {listed} recommendation(s) to answer ({sum(1 for r in rows if r.answer == 'pending')} pending)")


@consultation.command("answer")
@click.argument("consultation_id", metavar="ID")
@click.argument("file", type=in_file)
@pass_app
def answer_command(app: AppContext, consultation_id: str, file: Path) -> None:
    """Apply the decisions of a filled answers XLSX (or YAML) to the register: all or none."""
    from cooperare.consultation_bridge.answers import apply_answers

    read, changed = apply_answers(app.store(), consultation=_consultation(app, consultation_id), path=file)
    app.say(f"{read} decision(s) read from {file}; {changed} register row(s) changed (duplicates included)")


@consultation.command("report")
@click.argument("consultation_id", metavar="ID")
@click.option("--format", "fmt", type=click.Choice(["pdf", "xlsx", "docx"]), default=None,
              help="pdf, xlsx or docx (default: from --out).")
@click.option("--out", type=out_path, required=True, help="The file to write.")
@click.option("--minutes", type=in_file, default=None, help="YAML with the minutes of the public debates.")
@pass_app
def report_command(app: AppContext, consultation_id: str, fmt: str | None, out: Path, minutes: Path | None) -> None:
    """The synthesis of recommendations: counts by category and part, each recommendation with its answer."""
    from cooperare.consultation_bridge.synthesis import build_synthesis, load_minutes

    chosen = _format(fmt, out, ("pdf", "xlsx", "docx"))
    item = _consultation(app, consultation_id)
    register = ContributionRegister(app.store().engine)
    synthesis = build_synthesis(item, register.all(item.id), requests=register.debate_requests(item.id),
                                minutes=load_minutes(minutes) if minutes else None, generated_at=datetime.now(UTC))
    if chosen == "pdf":
        from cooperare.reports.consultation_pdf import write_synthesis_pdf

        write_synthesis_pdf(synthesis, out, fonts=_fonts(app))
    elif chosen == "docx":
        from cooperare.reports.consultation_docx import write_synthesis_docx

        write_synthesis_docx(synthesis, out)
    else:
        from cooperare.reports.tabular import write_tables_xlsx

        write_tables_xlsx(synthesis.tables, out)
    app.say(f"{out}: synthesis of {len(synthesis.recommendations)} recommendation(s) of {item.id}")


@consultation.command("annual-report")
@click.option("--authority", required=True, help="The authority's name, as in its consultations.")
@click.option("--year", type=int, required=True)
@click.option("--input", "given", type=in_file, default=None,
              help="YAML the authority fills: acts adopted, meetings, debates, court actions, evaluation.")
@click.option("--format", "fmt", type=click.Choice(["pdf", "xlsx"]), default=None)
@click.option("--out", type=out_path, required=True)
@pass_app
def annual_report_command(app: AppContext, authority: str, year: int, given: Path | None, fmt: str | None,
                          out: Path) -> None:
    """The annual report on decisional transparency (art. 13 of Legea nr. 52/2003) of one authority."""
    from cooperare.consultation_bridge.annual import AnnualInput, build_annual_report, load_annual_input

    chosen = _format(fmt, out, ("pdf", "xlsx"))
    loaded = _consultations(app)
    mine = [c for c in loaded if c.authority.name.casefold() == authority.strip().casefold()]
    if not mine:
        known = sorted({c.authority.name for c in loaded})
        raise InputError(f"no consultation of the authority {authority!r} in {loaded.source}",
                         hint="authorities: " + "; ".join(known))
    register = ContributionRegister(app.store().engine)
    ids = [c.id for c in mine]
    requests = {c.id: register.debate_requests(c.id) for c in mine}
    annual = build_annual_report(authority=mine[0].authority.name, year=year, consultations=mine,
                                 contributions=register.all(ids), requests=requests,
                                 given=load_annual_input(given) if given else AnnualInput(year=year),
                                 generated_at=datetime.now(UTC))
    if chosen == "pdf":
        from cooperare.reports.consultation_pdf import write_annual_pdf

        write_annual_pdf(annual, out, fonts=_fonts(app))
    else:
        from cooperare.reports.tabular import write_tables_xlsx

        write_tables_xlsx(annual.tables, out)
    if given is None:
        app.note("Warning: no --input: meetings, debates, court actions and the evaluation are left empty")
    app.say(f"{out}: art. 13 report of {annual.authority} for {year} ({len(mine)} consultation(s))")


@consultation.command("export")
@click.argument("consultation_id", metavar="ID")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default=None)
@click.option("--out", type=out_path, required=True)
@pass_app
def export_command(app: AppContext, consultation_id: str, fmt: str | None, out: Path) -> None:
    """Open data: every contribution with its answer; names only with consent, never an e-mail."""
    from cooperare.consultation_bridge.synthesis import export_rows
    from cooperare.reports.consultation_data import write_open_data

    chosen = _format(fmt, out, ("csv", "json"))
    item = _consultation(app, consultation_id)
    rows = export_rows(item, ContributionRegister(app.store().engine).all(item.id))
    write_open_data(rows, out, fmt=chosen,  # type: ignore[arg-type]
                    meta={"consultation": item.id, "title": item.title, "authority": item.authority.name,
                          "generated_at": datetime.now(UTC).isoformat()})
    app.say(f"{out}: {len(rows)} contribution(s) of {item.id}")
