"""The events workflow in calls the CLI and the demo share: import an attendance export into the store, read who
attended, write the reports.

:func:`import_attendance` reads the export (format detected), merges each person's time, matches people to the
roster snapshot and the event's registered guests, and records it under the file's SHA-256, journaled as a run;
importing the same file again changes nothing. :func:`import_bbb_attendance` does the same from the event's
BigBlueButton room logs read through the plugin. This module must not print.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cooperare.certificates.fonts import FontPair
from cooperare.config.events import AttendanceRule, Event, EventsConfig
from cooperare.courses.catalogue import Catalogue
from cooperare.errors import InputError
from cooperare.events.attendance import (
    Attendee,
    Matcher,
    Presence,
    attended,
    clip,
    collect,
    match_all,
    present_minutes,
)
from cooperare.events.exports import file_sha256, read_export
from cooperare.events.report import EventsReport, build_report
from cooperare.moodle.client import MoodleClient
from cooperare.store import Store
from cooperare.store.events import EventAttendance, ImportRecord
from cooperare.store.people import People


@dataclass(frozen=True)
class ImportOutcome:
    event_id: str
    source: str
    format: str
    sha256: str
    recorded: bool
    """False when this file had been imported for this event before (nothing written)."""
    rows: int
    people: int
    by_kind: dict[str, int] = field(default_factory=dict)
    attended: int = 0
    skipped: tuple[InputError, ...] = ()
    notes: tuple[str, ...] = ()
    """How the export was read when not by its English headers (a Teams report read by position, say)."""

    def as_json(self) -> dict[str, object]:
        return {"event": self.event_id, "source": self.source, "format": self.format, "sha256": self.sha256,
                "recorded": self.recorded, "rows": self.rows, "people": self.people, "by_kind": self.by_kind,
                "attended": self.attended, "skipped": [str(error) for error in self.skipped],
                "notes": list(self.notes)}


def _attended_count(attendees: Sequence[Attendee], event: Event, rule: AttendanceRule) -> int:
    return sum(attended(present_minutes(a.intervals, event, rule), event, rule) for a in attendees)


def _require_overlap(path: Path, event: Event, presences: Sequence[Presence], rule: AttendanceRule) -> None:
    """Refuse an export in which nobody was there during the event: it is another meeting's (or another day's)
    export, and counting only the event's own time would record everyone with 0 minutes without a word."""
    if not rule.within_event or any(clip(p.intervals, event.starts_at, event.ends_at) for p in presences):
        return
    first = min(start for p in presences for start, _ in p.intervals).astimezone(event.tz)
    last = max(end for p in presences for _, end in p.intervals).astimezone(event.tz)
    start, end = event.starts_at, event.ends_at
    raise InputError(f"{path}: nobody in this export was there during {event.id} ({start:%d.%m.%Y %H:%M}–{end:%H:%M} "
                     f"{start:%Z}): its sessions run from {first:%d.%m.%Y %H:%M} to {last:%d.%m.%Y %H:%M}; nothing "
                     "was recorded",
                     hint="is it the export of this event's meeting? (events.attendance.within_event: false would "
                          "count time outside the event)")


def import_attendance(store: Store, event: Event, path: Path, *, rule: AttendanceRule, skip_invalid: bool = False,
                      command: str = "events attendance") -> ImportOutcome:
    register = EventAttendance(store.engine)
    digest = file_sha256(path)
    earlier = register.imported(event.id, digest)
    if earlier is not None:
        present = register.attendance(event.id)
        return ImportOutcome(event.id, str(path), earlier.format, digest, False, earlier.rows, earlier.people,
                             _kinds(present), _attended_count(present, event, rule))
    with store.runs.recording(command, ws_calls=lambda: 0, detail={"event": event.id, "file": str(path)}) as run:
        export, sessions = read_export(path, day=event.date, tz=event.tz, skip_invalid=skip_invalid)
        presences = collect(sessions)
        if not presences:
            raise InputError("the export lists nobody", hint="is it the right file?")
        _require_overlap(path, event, presences, rule)
        matcher = Matcher(People(store.engine).all(), register.guests(event.id))
        attendees = match_all(presences, matcher)
        recorded = register.record(ImportRecord(event.id, export.sha256, str(path), export.format, export.encoding,
                                                export.rows, len(attendees), len(export.skipped), run_id=run.id),
                                   attendees)
        run.detail = {"event": event.id, "file": str(path), "format": export.format, "rows": export.rows,
                      "people": len(attendees), "recorded": recorded, "headers": export.recognised_by,
                      "language": export.language}
    return ImportOutcome(event.id, str(path), export.format, export.sha256, recorded, export.rows, len(attendees),
                         _kinds(attendees), _attended_count(attendees, event, rule),
                         tuple(export.skipped), tuple(export.notes))


def _kinds(attendees: list[Attendee]) -> dict[str, int]:
    counts = {"roster": 0, "registered": 0, "guest": 0}
    for attendee in attendees:
        counts[attendee.kind] += 1
    return counts


def report_from_store(store: Store, events: Sequence[Event], *, config: EventsConfig, catalogue: Catalogue | None,
                      only: str | None = None, generated_at: datetime | None = None) -> EventsReport:
    """The events report over what the store holds (an event without imported attendance counts as not held)."""
    register = EventAttendance(store.engine)
    held = register.event_ids()
    attendance = {e.id: register.attendance(e.id) for e in events if e.id in held}
    categories = {c.key: c.name for c in catalogue.index.participant_categories} if catalogue else {}
    return build_report(events, attendance, rule=config.attendance, targets=config.targets, categories=categories,
                        generated_at=generated_at or datetime.now(UTC), only=only)


def write_report(report: EventsReport, out: Path, *, fmt: str, fonts: FontPair | None) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "pdf":
        from cooperare.reports.events_pdf import write_events_pdf

        assert fonts is not None
        write_events_pdf(report, out, fonts=fonts)
    else:
        from cooperare.reports.tabular import write_xlsx

        write_xlsx(report, out)  # type: ignore[arg-type]


def import_bbb_attendance(client: MoodleClient, store: Store, event: Event, *, rule: AttendanceRule, course: str,
                          command: str = "events attendance --bbb") -> ImportOutcome:
    """Read the event's BigBlueButton room logs (``local_cooperare_get_bbb_attendance``, paged) and store them like
    an export: under the logs' digest, so reading the same logs again writes nothing, and a later read with more
    logs adds no minute twice (intervals are united per person when read)."""
    from cooperare.events.bbb import Account, logs_sha256, sessions_from_logs

    room = f"{course}:{event.id}:sala"
    if event.room.kind != "bigbluebutton":
        raise InputError(f"event {event.id} meets on {event.room.kind}, not BigBlueButton",
                         hint="import its attendance export with --csv")
    register = EventAttendance(store.engine)
    with store.runs.recording(command, ws_calls=lambda: client.transport.stats.calls,
                              detail={"event": event.id, "room": room}) as run:
        activities = [a for c in client.course_content.describe([course]) for a in c.raw.get("activities", [])]
        found = next((a for a in activities if a.get("idnumber") == room and a.get("modname") == "bigbluebuttonbn"),
                     None)
        if found is None:
            raise InputError(f"the events course has no BigBlueButton room {room}",
                             hint="run `cooperare events apply` first")
        since = int((event.starts_at - timedelta(hours=1)).timestamp())
        read = client.reports.bbb_attendance(int(found["cmid"]), since=since)
        digest = logs_sha256(read.logs)
        source = f"moodle:bigbluebuttonbn:{read.cmid}"
        earlier = register.imported(event.id, digest)
        if earlier is not None:
            present = register.attendance(event.id)
            run.detail = {"event": event.id, "room": room, "logs": len(read.logs), "recorded": False}
            return ImportOutcome(event.id, source, "bigbluebutton", digest, False, earlier.rows, earlier.people,
                                 _kinds(present), _attended_count(present, event, rule))
        roster = People(store.engine).all()
        accounts = {p.moodle_user_id: Account(f"{p.firstname} {p.lastname}", p.email) for p in roster
                    if p.moodle_user_id}
        unknown = sorted({log.userid for log in read.logs if log.userid > 0 and log.userid not in accounts})
        if unknown:
            for user in client.users.by_field("id", unknown):
                accounts[user.id] = Account(f"{user.firstname} {user.lastname}", user.email)
        presences = collect(sessions_from_logs(read.logs, event=event, accounts=accounts))
        attendees = match_all(presences, Matcher(roster, register.guests(event.id)))
        recorded = register.record(ImportRecord(event.id, digest, source, "bigbluebutton", "", len(read.logs),
                                                len(attendees), 0, run_id=run.id), attendees)
        run.detail = {"event": event.id, "room": room, "logs": len(read.logs), "people": len(attendees),
                      "recorded": recorded}
    return ImportOutcome(event.id, source, "bigbluebutton", digest, recorded, len(read.logs), len(attendees),
                         _kinds(attendees), _attended_count(attendees, event, rule))
