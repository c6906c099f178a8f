"""``cooperare consultation``: public consultations under Legea nr. 52/2003 — the legal calendar and the
consultations as code.

``deadlines`` computes the calendar of a draft from its announcement day; ``check`` loads the consultations
(``consultations:`` in cooperare.yaml, a file or folder given as PATH, else the two shipped on the manual), validates
them and prints each one's calendar. Both work offline: no Moodle, no store. The group stays open for the commands
that provision, collect, answer and report; each lives in its own function here or in a sibling module.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click
from rich.table import Table

from cooperare.cli.context import AppContext, pass_app
from cooperare.consultation_bridge.calendar import (
    LAW,
    MIN_RECOMMENDATION_DAYS,
    ConsultationCalendar,
    LegalDate,
    debate_held_by,
    legal_calendar,
    public_holiday,
)
from cooperare.consultation_bridge.loader import (
    ConsultationSet,
    config_file_in_use,
    load_configured,
    load_consultations,
)
from cooperare.consultation_bridge.model import AUDIENCES_RO, AUTHORITY_TYPES_RO, KINDS_RO, Consultation

WEEKDAYS_RO = ("luni", "marți", "miercuri", "joi", "vineri", "sâmbătă", "duminică")
iso_date = click.DateTime(formats=["%Y-%m-%d"])


def _day(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


def shown(day: date) -> str:
    """``11.05.2026 (luni)``: the Romanian way of writing a date, with its weekday."""
    return f"{day:%d.%m.%Y} ({WEEKDAYS_RO[day.weekday()]})"


def holidays_between(start: date, end: date) -> list[dict[str, str]]:
    """The public holidays after ``start`` up to ``end`` that fall on a weekday (the ones a count skips)."""
    found = []
    for ordinal in range(start.toordinal() + 1, end.toordinal() + 1):
        day = date.fromordinal(ordinal)
        name = public_holiday(day)
        if name and day.weekday() < 5:
            found.append({"date": day.isoformat(), "name": name})
    return found


def calendar_json(calendar: ConsultationCalendar, extra: list[LegalDate]) -> dict[str, object]:
    data = calendar.as_dict()
    data["dates"] = [*data["dates"], *(item.as_dict() for item in extra)]  # type: ignore[misc]
    data["holidays_skipped"] = holidays_between(calendar.announced, calendar.earliest_submission)
    return data


def print_calendar(app: AppContext, calendar: ConsultationCalendar, extra: list[LegalDate], *, title: str) -> None:
    """The dates as a table (date, what, article), then what each article says and the rules with no date yet."""
    dated = (*calendar.dates, *extra)
    table = Table(title=title, show_lines=False, title_justify="left")
    table.add_column("data", no_wrap=True)
    table.add_column("termen")
    table.add_column("temei", no_wrap=True)
    for item in dated:
        table.add_row(shown(item.day), item.label, item.rule.article)
    app.console.print(table)
    skipped = holidays_between(calendar.announced, calendar.earliest_submission)
    if skipped:
        app.say("Sărbători legale care nu se numără: " + "; ".join(
            f"{shown(date.fromisoformat(h['date']))} {h['name']}" for h in skipped))
    app.say(f"Ce spune legea ({LAW}):")
    for rule in dict.fromkeys(item.rule for item in dated):
        app.say(f"  - {rule.article}: {rule.text}")
    app.say("Reguli fără dată fixă:")
    for rule in calendar.rules:
        app.say(f"  - {rule.article}: {rule.text}")
    for warning in calendar.warnings():
        app.note(f"Warning: {warning}")


@click.group()
def consultation() -> None:
    """Public consultations under Legea nr. 52/2003: the legal calendar and consultations as code."""


@consultation.command("deadlines")
@click.option("--announced", type=iso_date, required=True, help="Day the draft is announced (YYYY-MM-DD).")
@click.option("--window-days", type=int, default=MIN_RECOMMENDATION_DAYS, show_default=True,
              help="Calendar days for written recommendations (at least 10, art. 7 alin. (4)).")
@click.option("--debate-published", type=iso_date, default=None,
              help="Day the date and place of a public debate were published: adds the last day it may be held.")
@click.option("--json", "as_json", is_flag=True, help="Print the calendar as JSON.")
@pass_app
def deadlines_command(app: AppContext, announced: datetime, window_days: int, debate_published: datetime | None,
                      as_json: bool) -> None:
    """The legal calendar of a draft announced on a given day: each date with its rule and article."""
    calendar = legal_calendar(announced=announced.date(), window_days=window_days)
    published = _day(debate_published)
    extra = [debate_held_by(published=published)] if published is not None else []
    if as_json:
        app.emit_json(calendar_json(calendar, extra))
        return
    print_calendar(app, calendar, extra, title="Calendarul consultării publice")


def _consultation_json(item: Consultation, loaded: ConsultationSet) -> dict[str, object]:
    authority = item.authority
    return {
        "id": item.id, "title": item.title, "kind": item.kind, "file": loaded.files.get(item.id),
        "authority": {"name": authority.name, "type": authority.type, "county": authority.county,
                      "county_name": authority.county_name},
        "announced": item.announced.isoformat(), "recommendation_days": item.recommendation_days,
        "audiences": list(item.audiences), "documents": [str(path) for path in item.documents],
        "structure": [{"key": part.key, "kind": part.kind, "title": part.title} for part in item.structure],
        "calendar": calendar_json(item.calendar, []),
    }


@consultation.command("check")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the consultations and their calendars as JSON.")
@pass_app
def check_command(app: AppContext, path: Path | None, as_json: bool) -> None:
    """Load and validate the consultations (PATH, else cooperare.yaml, else the shipped ones); print each calendar."""
    if path is not None:
        loaded = load_consultations(path)
    else:
        loaded = load_configured(app.config, config_file=config_file_in_use(app.config_path))
    if as_json:
        app.emit_json({"source": loaded.source, "consultations": [_consultation_json(c, loaded) for c in loaded]})
        return
    for item in loaded:
        authority = item.authority
        where = f", județul {authority.county_name}" if authority.county_name else ""
        app.say(f"{item.id}: {item.title}", style="bold")
        app.say(f"  {KINDS_RO[item.kind]}; autoritatea: {authority.name} ({AUTHORITY_TYPES_RO[authority.type]}"
                f"{where})")
        app.say(f"  {len(item.structure)} părți, {len(item.documents)} documente; public: "
                + ", ".join(AUDIENCES_RO[a] for a in item.audiences))
        print_calendar(app, item.calendar, [], title=f"Calendarul consultării {item.id}")
    app.say(f"{len(loaded)} consultation(s) from {loaded.source}, no problems.")
