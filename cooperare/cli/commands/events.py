"""``cooperare events``: the project's events — check them, import attendance exports, write the reports.

Thin: each command calls :mod:`cooperare.events` and prints. Events come from ``--events PATH`` (a YAML file or a
folder), else the ``events`` section of cooperare.yaml, else the 8 events shipped. Attendance lives in the store;
``plan``/``apply`` read and write the public events course in Moodle through local_cooperare.
"""

from __future__ import annotations

from pathlib import Path

import click

from cooperare.cli.commands.diagnostic import _fonts, _store
from cooperare.cli.context import AppContext, pass_app
from cooperare.config.events import KIND_LABELS, Event
from cooperare.events.loader import configured_events, find_event, load_events
from cooperare.events.planner import ROOM_LABELS
from cooperare.plan import Plan

events_option = click.option("--events", "events_path", type=click.Path(exists=True, path_type=Path),
                             help="Events YAML file or folder (default: the events section of cooperare.yaml, else "
                                  "the 8 events shipped).")


def _events(app: AppContext, path: Path | None) -> tuple[Event, ...]:
    return load_events(path) if path is not None else configured_events(app.config.events)


@click.group()
def events() -> None:
    """The project's online events: check them, plan and apply them in Moodle, import attendance (Teams, Zoom, Meet
    CSV or BigBlueButton), report."""


@events.command("check")
@events_option
@click.option("--json", "as_json", is_flag=True, help="Print the events as JSON.")
@pass_app
def check_command(app: AppContext, events_path: Path | None, as_json: bool) -> None:
    """Load and check the events (keys, Romanian times across daylight saving, rooms, registration dates) and count
    them against the targets."""
    loaded = _events(app, events_path)
    targets = app.config.events.targets
    wanted = {"dissemination": targets.dissemination, "participatory_governance": targets.participatory_governance}
    counts = {kind: sum(1 for e in loaded if e.kind == kind) for kind in wanted}
    if as_json:
        app.emit_json({"events": [{"id": e.id, "title": e.title, "kind": e.kind, "starts_at": e.starts_at.isoformat(),
                                   "ends_at": e.ends_at.isoformat(), "room": e.room.kind,
                                   "registration": e.registration.method,
                                   "registration_opens": e.registration.opens.isoformat(),
                                   "registration_closes": e.registration.closes.isoformat(),
                                   "materials": len(e.materials)} for e in loaded],
                       "counts": counts, "targets": wanted})
        return
    for event in loaded:
        app.say(f"{event.id:<16} {event.starts_at:%Y-%m-%d %H:%M %z}  {event.duration_minutes:>3} min  "
                f"{ROOM_LABELS[event.room.kind]:<15} {KIND_LABELS[event.kind]}: {event.title}")
    for kind, target in wanted.items():
        style = None if counts[kind] >= target else "yellow"
        app.say(f"{KIND_LABELS[kind]}: {counts[kind]} planned, target {target}", style=style)


@events.command("plan")
@events_option
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON on stdout.")
@pass_app
def plan_command(app: AppContext, events_path: Path | None, as_json: bool) -> None:
    """Show what applying the events would change in Moodle: the public events course, a section per event, the
    rooms, materials, registration and site calendar events (reads only)."""
    from cooperare.cli.commands.courses import _print_plan
    from cooperare.events.provision import plan_moodle

    loaded = _events(app, events_path)
    course = app.config.events.course_idnumber
    planned = plan_moodle(app.client(), loaded, course=course)
    if as_json:
        app.emit_json({**planned.plan.as_json(ws_calls=app.ws_calls),
                       "windows": _windows_json(loaded, planned.plan, course)})
        return
    _print_plan(app, planned.plan)
    _print_windows(app, loaded, planned.plan, course)
    app.ws_summary()


def _windows_json(loaded: tuple[Event, ...], plan: Plan, course: str) -> list[dict[str, str]]:
    from cooperare.events.planner import registration_windows

    return [{"event": w.event, "method": w.method, "opens": w.opens.isoformat(), "closes": w.closes.isoformat(),
             "action": w.action} for w in registration_windows(loaded, plan, course=course)]


def _print_windows(app: AppContext, loaded: tuple[Event, ...], plan: Plan, course: str) -> None:
    """Each event's registration window (its own self-enrolment instance, or the form) and what the plan does."""
    from cooperare.events.planner import registration_windows

    app.say("Registration windows (local time of each event):")
    for w in registration_windows(loaded, plan, course=course):
        how = "self-enrolment" if w.method == "self_enrolment" else "form"
        app.say(f"  {w.event:<16} {how:<14} {w.opens:%d.%m.%Y %H:%M} – {w.closes:%d.%m.%Y %H:%M} {w.closes:%Z}"
                f"  {w.action}", style=None if w.action == "noop" else "yellow")


@events.command("apply")
@events_option
@click.option("--yes", is_flag=True, help="Apply without asking for confirmation.")
@click.option("--category", "category_id", type=int, default=1, show_default=True,
              help="Moodle category id of the events course when it is created.")
@click.option("--json", "as_json", is_flag=True, help="Print what was applied as JSON on stdout.")
@pass_app
def apply_command(app: AppContext, events_path: Path | None, yes: bool, category_id: int, as_json: bool) -> None:
    """Create or update the events course in Moodle after showing the plan; applying again changes nothing."""
    from cooperare.cli.commands.courses import _print_plan
    from cooperare.errors import InputError
    from cooperare.events.provision import apply_moodle, plan_moodle

    course = app.config.events.course_idnumber
    client = app.client()
    loaded = _events(app, events_path)
    planned = plan_moodle(client, loaded, course=course)
    plan = planned.plan
    if not as_json:
        _print_plan(app, plan)
        _print_windows(app, loaded, plan, course)
    if not plan.has_changes:
        if as_json:
            app.emit_json({"changes": [], "applied": {}})
        else:
            app.say("Nothing to change.")
            app.ws_summary()
        return
    if not yes and not click.confirm("Apply these changes to Moodle?", default=False, err=True):
        raise InputError("cancelled; nothing was applied")
    applied = apply_moodle(client, app.store(), planned, course=course, category_id=category_id)
    if as_json:
        app.emit_json({"changes": [c.as_json() for c in plan.pending()], "applied": applied,
                       "windows": _windows_json(loaded, plan, course)})
        return
    app.say(f"Applied: {', '.join(f'{n} {kind}' for kind, n in sorted(applied.items()))}.")
    app.ws_summary()


@events.command("attendance")
@click.argument("event_id", metavar="EVENT")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Attendance export: Teams attendance report, Zoom participants or Google Meet attendance CSV.")
@click.option("--bbb", is_flag=True, help="Read the attendance of the event's BigBlueButton room from Moodle "
                                          "(bigbluebuttonbn_logs through local_cooperare) instead of a CSV.")
@click.option("--skip-invalid", is_flag=True, help="Import the valid rows and list the refused ones.")
@click.option("--registrations", "registrations_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Guests registered through the form (CSV or XLSX: nume, email, instituție, județ, categorie); "
                   "kept for the event and matched before anyone else is taken as a guest.")
@events_option
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON.")
@pass_app
def attendance_command(app: AppContext, event_id: str, csv_path: Path | None, bbb: bool, skip_invalid: bool,
                       registrations_path: Path | None, events_path: Path | None, as_json: bool) -> None:
    """Import EVENT's attendance from a CSV export (format detected) or from its BigBlueButton room (--bbb), matched
    to the roster and registered guests.

    Importing the same file (or the same room logs) again records nothing; another export of the same meeting adds
    no minute twice.
    """
    from cooperare.events.service import import_attendance, import_bbb_attendance

    if (csv_path is None) == (not bbb):
        raise click.UsageError("say either --csv FILE or --bbb")

    event = find_event(_events(app, events_path), event_id)
    store = _store(app)
    added = 0
    if registrations_path is not None:
        from cooperare.events.registrations import load_registrations
        from cooperare.store.events import EventAttendance

        added = EventAttendance(store.engine).add_guests(event.id, load_registrations(registrations_path))
    if csv_path is not None:
        outcome = import_attendance(store, event, csv_path, rule=app.config.events.attendance,
                                    skip_invalid=skip_invalid)
    else:
        outcome = import_bbb_attendance(app.client(), store, event, rule=app.config.events.attendance,
                                        course=app.config.events.course_idnumber)
    if as_json:
        app.emit_json({**outcome.as_json(), "registered_added": added})
        return
    if registrations_path is not None:
        app.say(f"{added} registered guest(s) added for {event.id}")
    for error in outcome.skipped:
        app.note(f"skipped: {error}")
    for note in outcome.notes:
        app.note(note)
    if not outcome.recorded:
        app.note(f"{outcome.source} was already imported for {event.id} (SHA-256 {outcome.sha256[:12]}…): "
                 "nothing changed")
    kinds = outcome.by_kind
    app.say(f"{event.id}: {outcome.format} {'logs' if bbb else 'export'}, {outcome.rows} rows, {outcome.people} people "
            f"({kinds.get('roster', 0)} from the roster, {kinds.get('registered', 0)} registered guests, "
            f"{kinds.get('guest', 0)} other guests); {outcome.attended} attended "
            f"(≥ {app.config.events.attendance.min_percent:g}% of {event.duration_minutes} minutes)")


@events.command("report")
@click.argument("event_id", metavar="[EVENT]", required=False)
@click.option("--format", "fmt", type=click.Choice(("pdf", "xlsx")), help="Default: from the --out suffix.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="File to write.")
@events_option
@pass_app
def report_command(app: AppContext, event_id: str | None, fmt: str | None, out: Path,
                   events_path: Path | None) -> None:
    """Attendance lists (with a signature column when printed) and counts by category per event held, or for
    EVENT alone; the project's events against the targets (6 dissemination + 2 participatory governance)."""
    from cooperare.events.service import report_from_store, write_report

    chosen = fmt or out.suffix.lstrip(".").lower()
    if chosen not in ("pdf", "xlsx"):
        raise click.UsageError(f"say --format pdf|xlsx (cannot tell from {out.name!r})")
    loaded = _events(app, events_path)
    if event_id is not None:
        find_event(loaded, event_id)
    built = report_from_store(_store(app), loaded, config=app.config.events, catalogue=app.catalogue(),
                              only=event_id)
    write_report(built, out, fmt=chosen, fonts=_fonts(app) if chosen == "pdf" else None)
    held = sum(1 for row in built.summary.rows if row[-1] == "desfășurat")
    app.say(f"Events report ({held} of {len(loaded)} events held) written to {out}")
