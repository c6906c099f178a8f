"""The events workflow in calls the CLI and the demo share: import an attendance export into the store, read who
attended, write the reports.

:func:`import_attendance` reads the export (format detected), merges each person's time, matches people to the
roster snapshot and the event's registered guests, and records it under the file's SHA-256, journaled as a run;
importing the same file again changes nothing. This module must not print.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from cooperare.certificates.fonts import FontPair
from cooperare.config.events import AttendanceRule, Event, EventsConfig
from cooperare.courses.catalogue import Catalogue
from cooperare.errors import InputError
from cooperare.events.attendance import Attendee, Matcher, attended, collect, match_all
from cooperare.events.exports import file_sha256, read_export
from cooperare.events.report import EventsReport, build_report
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

    def as_json(self) -> dict[str, object]:
        return {"event": self.event_id, "source": self.source, "format": self.format, "sha256": self.sha256,
                "recorded": self.recorded, "rows": self.rows, "people": self.people, "by_kind": self.by_kind,
                "attended": self.attended, "skipped": [str(error) for error in self.skipped]}


def import_attendance(store: Store, event: Event, path: Path, *, rule: AttendanceRule, skip_invalid: bool = False,
                      command: str = "events attendance") -> ImportOutcome:
    register = EventAttendance(store.engine)
    digest = file_sha256(path)
    earlier = register.imported(event.id, digest)
    if earlier is not None:
        present = register.attendance(event.id)
        return ImportOutcome(event.id, str(path), earlier.format, digest, False, earlier.rows, earlier.people,
                             _kinds(present), sum(attended(a.minutes, event, rule) for a in present))
    with store.runs.recording(command, ws_calls=lambda: 0, detail={"event": event.id, "file": str(path)}) as run:
        export, sessions = read_export(path, day=event.date, tz=event.tz, skip_invalid=skip_invalid)
        presences = collect(sessions)
        if not presences:
            raise InputError("the export lists nobody", hint="is it the right file?")
        matcher = Matcher(People(store.engine).all(), register.guests(event.id))
        attendees = match_all(presences, matcher)
        recorded = register.record(ImportRecord(event.id, export.sha256, str(path), export.format, export.encoding,
                                                export.rows, len(attendees), len(export.skipped), run_id=run.id),
                                   attendees)
        run.detail = {"event": event.id, "file": str(path), "format": export.format, "rows": export.rows,
                      "people": len(attendees), "recorded": recorded}
    return ImportOutcome(event.id, str(path), export.format, export.sha256, recorded, export.rows, len(attendees),
                         _kinds(attendees), sum(attended(a.minutes, event, rule) for a in attendees),
                         tuple(export.skipped))


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
