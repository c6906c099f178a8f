"""``cooperare diagnostic``: the digital-maturity diagnostic of communes (instrument, responses, study, open data).

Thin: each command calls :mod:`cooperare.diagnostic` and prints. Responses live in the store; nothing here talks to
Moodle except ``plan``, ``apply`` and ``collect``.
"""

from __future__ import annotations

from pathlib import Path

import click

from cooperare.cli.context import AppContext, pass_app


def _instrument(path: Path | None):  # type: ignore[no-untyped-def]
    """A YAML file, a shipped version by its name (``2026.1``), or the current shipped instrument."""
    from cooperare.diagnostic.instrument import load_instrument, load_shipped, shipped_versions

    if path is None:
        return load_shipped()
    if not path.exists() and str(path) in shipped_versions():
        return load_shipped(str(path))
    return load_instrument(path)


instrument_option = click.option("--instrument", "instrument_path", type=click.Path(dir_okay=False, path_type=Path),
                                  help="Instrument YAML, or a shipped version such as 2026.1 (default: the current "
                                       "shipped one).")


def _fonts(app: AppContext):  # type: ignore[no-untyped-def]
    from cooperare.certificates.fonts import load_fonts

    config = app.optional_config()
    if config is None:
        return load_fonts()
    return load_fonts(config.certificates.font, config.certificates.font_bold)


def _store(app: AppContext):  # type: ignore[no-untyped-def]
    """The configured store; without any configuration, COOPERARE_STORE_URL or ./cooperare.sqlite (no Moodle is
    needed to score, report or export)."""
    import os

    from cooperare.store import Store

    if app.optional_config() is not None:
        return app.store()
    store = Store.open(os.environ.get("COOPERARE_STORE_URL") or "cooperare.sqlite")
    app._stores.append(store)
    return store


def _catalogue(app: AppContext):  # type: ignore[no-untyped-def]
    return app.catalogue()


def _offer(app: AppContext, ins, path: Path | None):  # type: ignore[no-untyped-def]
    """What the manual and the courses offer per dimension; course links when the configuration names the site."""
    from cooperare.diagnostic.service import offer_for

    config = app.optional_config()
    url = config.site.url if config is not None and config.site is not None else None
    return offer_for(ins, catalogue=_catalogue(app), path=path, site_url=url)


offer_option = click.option("--offer", "offer_path", type=click.Path(dir_okay=False, path_type=Path),
                            help="Manual chapters and course modules per dimension (default: the shipped offer.yaml).")


@click.group()
def diagnostic() -> None:
    """The digital-maturity diagnostic of communes: questionnaire, scores, national study, scorecards, open data."""


@diagnostic.command("check")
@instrument_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
@pass_app
def check(app: AppContext, instrument_path: Path | None, as_json: bool) -> None:
    """Load and check the instrument; show its version, sections and question counts."""
    ins = _instrument(instrument_path)
    data = {"version": ins.version, "fingerprint": ins.content_fingerprint(),
            "sections": {s.key: len(s.questions) for s in ins.sections}, "profile": len(ins.profile)}
    if as_json:
        app.emit_json(data)
    else:
        app.say(f"Instrument {ins.version}: {len(ins.profile)} profile questions, " +
                ", ".join(f"{s.key} {len(s.questions)}" for s in ins.sections))


@diagnostic.command("generate")
@click.option("--communes", "count", type=click.IntRange(1, 5000), required=True, help="How many communes.")
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed (same seed, same answers).")
@click.option("--followup", type=click.IntRange(0), default=4, show_default=True,
              help="How many of them also answer a second wave (T1).")
@click.option("--replace/--keep", default=True, show_default=True, help="Forget earlier generated responses first.")
@instrument_option
@pass_app
def generate_cmd(app: AppContext, count: int, seed: int, followup: int, replace: bool,
                 instrument_path: Path | None) -> None:
    """Invent plausible responses for real communes and store them (for trials, the demo and benchmarks)."""
    from cooperare.diagnostic.generate import SOURCE, generate
    from cooperare.diagnostic.service import store_responses
    from cooperare.store.diagnostic import DiagnosticResponses

    ins = _instrument(instrument_path)
    made = generate(ins, count=count, seed=seed, followup=followup)
    store = _store(app)
    if replace:
        DiagnosticResponses(store.engine).clear(source_prefix=SOURCE)
    stored = store_responses(store, made.responses, command="diagnostic generate")
    app.say(f"{stored} generated responses stored for {len(made.communes)} communes (instrument {ins.version})")


@diagnostic.command("form")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="XLSX file to write.")
@instrument_option
@pass_app
def form(app: AppContext, out: Path, instrument_path: Path | None) -> None:
    """Write the offline questionnaire (XLSX with drop-down lists) for communes without Moodle accounts."""
    from cooperare.diagnostic.offline import write_form

    ins = _instrument(instrument_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_form(ins, out)
    app.say(f"Offline form for instrument {ins.version} written to {out}")


@diagnostic.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@instrument_option
@pass_app
def import_cmd(app: AppContext, files: tuple[Path, ...], instrument_path: Path | None) -> None:
    """Read filled offline forms and store their responses (all or nothing: any fault stores none). Each form is
    read with the shipped instrument version it was printed from, unless --instrument is given."""
    from cooperare.diagnostic.offline import read_forms
    from cooperare.diagnostic.service import store_responses

    responses = read_forms(_instrument(instrument_path) if instrument_path else None, files)
    stored = store_responses(_store(app), responses, command="diagnostic import")
    app.say(f"{stored} responses imported from {len(files)} file(s)")


@diagnostic.command("score")
@click.option("--json", "as_json", is_flag=True, help="Every commune's scores as JSON.")
@instrument_option
@pass_app
def score(app: AppContext, as_json: bool, instrument_path: Path | None) -> None:
    """Score the latest response of every commune: per dimension 0–100, overall, band, and T1 − T0 change."""
    from cooperare.diagnostic.scoring import change
    from cooperare.diagnostic.service import study_from_store
    from cooperare.diagnostic.study import section_titles

    ins = _instrument(instrument_path)
    study = study_from_store(_store(app), ins)
    if as_json:
        app.emit_json({
            "version": ins.version, "communes": study.universe, "responded": study.responded,
            "superseded": [{"siruta": s.siruta, "wave": s.wave, "dropped_at": s.dropped_at, "kept_at": s.kept_at}
                           for s in study.superseded],
            "national": study.national,
            "results": [{"siruta": r.commune.siruta, "commune": r.commune.name, "county": r.commune.county_code,
                         "wave": r.scored.wave, "version": r.scored.version,
                         "scores": {s.key: s.score for s in r.scored.sections}, "overall": r.scored.overall,
                         "band": r.scored.band,
                         "missing": [q for s in r.scored.sections for q in s.missing],
                         **({"followup": {"wave": r.followup.wave, "overall": r.followup.overall,
                                          "change": change(r.scored, r.followup)}} if r.followup else {})}
                        for r in study.results]})
        return
    titles = section_titles(ins)
    app.say(f"{study.responded} of {study.universe} communes answered (instrument {ins.version}); "
            f"{len(study.superseded)} earlier responses replaced by later ones")
    for key, value in study.national.items():
        app.say(f"  {titles[key]:<40} {'–' if value is None else f'{value:5.1f}'}")
    for r in study.results:
        if r.followup:
            delta = change(r.scored, r.followup)["overall"]
            app.say(f"  progress {r.commune.name} ({r.commune.county_code}): T0 {r.scored.overall or 0:.1f} → "
                    f"{r.followup.wave} {r.followup.overall or 0:.1f} ({'–' if delta is None else f'{delta:+.1f}'})")


@diagnostic.command("report")
@click.option("--format", "fmt", type=click.Choice(("pdf", "xlsx")), help="Default: from the --out suffix.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="File to write.")
@instrument_option
@offer_option
@pass_app
def report(app: AppContext, fmt: str | None, out: Path, instrument_path: Path | None,
           offer_path: Path | None) -> None:
    """The national study: response rate, distributions, counties (tile map), population bands, strengths, gaps."""
    from cooperare.diagnostic.service import study_from_store, write_report

    chosen = fmt or out.suffix.lstrip(".").lower()
    if chosen not in ("pdf", "xlsx"):
        raise click.UsageError(f"say --format pdf|xlsx (cannot tell from {out.name!r})")
    ins = _instrument(instrument_path)
    study = study_from_store(_store(app), ins, catalogue=_catalogue(app), offer=_offer(app, ins, offer_path))
    write_report(study, out, fmt=chosen, fonts=_fonts(app) if chosen == "pdf" else None)
    app.say(f"National study ({study.responded} communes) written to {out}")


@diagnostic.command("scorecard")
@click.option("--commune", "sirutas", type=int, multiple=True, help="SIRUTA code (repeatable).")
@click.option("--all", "every", is_flag=True, help="Every commune that answered, one page each.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="PDF to write.")
@instrument_option
@offer_option
@pass_app
def scorecard_cmd(app: AppContext, sirutas: tuple[int, ...], every: bool, out: Path,
                  instrument_path: Path | None, offer_path: Path | None) -> None:
    """One page per commune: its scores against its county and the country, the three actions that would raise it
    most, and its progress when it answered a second wave."""
    from cooperare.diagnostic.service import study_from_store, write_scorecards

    if not sirutas and not every:
        raise click.UsageError("say --commune SIRUTA or --all")
    ins = _instrument(instrument_path)
    study = study_from_store(_store(app), ins, catalogue=_catalogue(app), offer=_offer(app, ins, offer_path))
    count = write_scorecards(study, out, sirutas=None if every else list(sirutas), fonts=_fonts(app),
                             catalogue=_catalogue(app))
    app.say(f"{count} scorecard page(s) written to {out}")


@diagnostic.command("export")
@click.option("--format", "fmt", type=click.Choice(("csv", "datapackage")), default="datapackage",
              show_default=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Folder to write.")
@instrument_option
@pass_app
def export_cmd(app: AppContext, fmt: str, out: Path, instrument_path: Path | None) -> None:
    """Open data: anonymised answers and scores as CSV, with a Frictionless datapackage.json data dictionary."""
    from cooperare.diagnostic.opendata import export
    from cooperare.diagnostic.service import study_from_store

    ins = _instrument(instrument_path)
    study = study_from_store(_store(app), ins)
    written = export(study, out, datapackage=fmt == "datapackage")
    app.say("Written: " + ", ".join(str(p) for p in written))
