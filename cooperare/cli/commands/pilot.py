"""``cooperare pilot report``: what the pilot city halls did, per city hall and per month, as PDF or XLSX.

Thin: reads the configuration, calls :mod:`cooperare.pilot.service` and prints.
"""

from __future__ import annotations

from pathlib import Path

import click

from cooperare.cli.commands.diagnostic import _fonts
from cooperare.cli.context import AppContext, pass_app


@click.group()
def pilot() -> None:
    """The pilot city halls (the `pilot:` section of cooperare.yaml): what they did on the platform."""


@pilot.command("report")
@click.option("--format", "fmt", type=click.Choice(("pdf", "xlsx")), help="Default: from the --out suffix.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="File to write.")
@pass_app
def report_command(app: AppContext, fmt: str | None, out: Path) -> None:
    """Per city hall and per month: people enrolled, active in the last 7/30 days, activities completed, quiz
    attempts, forum posts (from Moodle), certificates, consultation contributions, diagnostic T0/T1 and event
    attendance (from the store)."""
    from cooperare.events.loader import configured_events
    from cooperare.pilot.service import pilot_report, write_pilot

    chosen = fmt or out.suffix.lstrip(".").lower()
    if chosen not in ("pdf", "xlsx"):
        raise click.UsageError(f"say --format pdf|xlsx (cannot tell from {out.name!r})")
    config = app.config
    built = pilot_report(app.client(), app.store(), config=config.pilot, catalogue=app.catalogue(),
                         events=configured_events(config.events), rule=config.events.attendance)
    write_pilot(built, out, fmt=chosen, fonts=_fonts(app) if chosen == "pdf" else None)
    people = sum(int(row[2]) for row in built.summary.rows)  # type: ignore[call-overload]
    app.say(f"Pilot report ({len(built.halls)} city halls, {people} people) written to {out}")
    app.ws_summary()
