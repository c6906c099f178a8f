"""Event attendance in the store: each imported file (by SHA-256), the people it showed present with their merged
intervals, and the guests registered for an event.

An import is keyed by event and file hash: importing the same file again records nothing (the database refuses a
second row, and :meth:`EventAttendance.record` says so). Each person's intervals are kept, not just their minutes, so
two different exports of the same meeting (a re-download, a second meeting instance) are united per person when
read (:meth:`EventAttendance.attendance`) and no minute is counted twice. Intervals are stored as UTC ISO texts.
This module must not parse exports, match people or decide who attended.

Use ``EventAttendance(store.engine)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, insert, select

from cooperare.events.attendance import Attendee, Guest, merge
from cooperare.store.engine import store_errors
from cooperare.store.schema import events_attendance, events_guests, events_imports
from cooperare.store.values import now

_CHUNK = 1000


@dataclass(frozen=True)
class ImportRecord:
    event_id: str
    sha256: str
    source: str
    format: str
    encoding: str
    rows: int
    people: int
    skipped: int
    imported_at: datetime | None = None
    run_id: int | None = None


def _intervals_json(attendee: Attendee) -> list[list[str]]:
    return [[a.isoformat(), b.isoformat()] for a, b in attendee.intervals]


def _intervals(value: list[list[str]]) -> tuple[tuple[datetime, datetime], ...]:
    return tuple((datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in value)


class EventAttendance:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def imported(self, event_id: str, sha256: str) -> ImportRecord | None:
        """The earlier import of this very file for this event, if any."""
        found = self.imports(event_id=event_id, sha256=sha256)
        return found[0] if found else None

    def record(self, record: ImportRecord, attendees: Sequence[Attendee]) -> bool:
        """Store one import and its attendees in one transaction; ``False`` (nothing written) if the file was
        imported for this event before."""
        stamp = now()
        rows = [{"event_id": record.event_id, "sha256": record.sha256, "person_key": a.person_key, "kind": a.kind,
                 "name": a.name, "email": a.email, "institution": a.institution, "county": a.county,
                 "category": a.category, "matched_by": a.matched_by, "intervals": _intervals_json(a)}
                for a in attendees]
        with store_errors("record the attendance"), self._engine.begin() as conn:
            exists = conn.scalar(select(events_imports.c.id).where(events_imports.c.event_id == record.event_id,
                                                                   events_imports.c.sha256 == record.sha256))
            if exists is not None:
                return False
            conn.execute(insert(events_imports).values(
                event_id=record.event_id, sha256=record.sha256, source=record.source, format=record.format,
                encoding=record.encoding, rows=record.rows, people=record.people, skipped=record.skipped,
                imported_at=stamp, run_id=record.run_id))
            for start in range(0, len(rows), _CHUNK):
                conn.execute(insert(events_attendance), rows[start : start + _CHUNK])
        return True

    def imports(self, *, event_id: str | None = None, sha256: str | None = None) -> list[ImportRecord]:
        t = events_imports.c
        query = select(t.event_id, t.sha256, t.source, t.format, t.encoding, t.rows, t.people, t.skipped,
                       t.imported_at, t.run_id).order_by(t.id)
        if event_id is not None:
            query = query.where(t.event_id == event_id)
        if sha256 is not None:
            query = query.where(t.sha256 == sha256)
        with store_errors("read the attendance imports"), self._engine.connect() as conn:
            return [ImportRecord(*row) for row in conn.execute(query)]

    def attendance(self, event_id: str) -> list[Attendee]:
        """Everyone recorded present at ``event_id``, one per person, intervals united over all imports."""
        t = events_attendance.c
        query = (select(t.person_key, t.kind, t.name, t.email, t.institution, t.county, t.category, t.intervals,
                        t.matched_by).where(t.event_id == event_id).order_by(t.id))
        people: dict[str, Attendee] = {}
        with store_errors("read the attendance"), self._engine.connect() as conn:
            for row in conn.execute(query):
                intervals = _intervals(row.intervals)
                before = people.get(row.person_key)
                if before is not None:
                    intervals = merge(before.intervals + intervals)
                people[row.person_key] = Attendee(row.person_key, row.kind, row.name, row.email, row.institution,
                                                  row.county, row.category, intervals, row.matched_by)
        return list(people.values())

    def event_ids(self) -> set[str]:
        with store_errors("read the attendance imports"), self._engine.connect() as conn:
            return set(conn.scalars(select(events_imports.c.event_id).distinct()))

    def add_guests(self, event_id: str, guests: Iterable[Guest]) -> int:
        """Register guests for an event; ones already registered (same e-mail and name) are skipped."""
        items = list(guests)
        stamp = now()
        with store_errors("register the guests"), self._engine.begin() as conn:
            known = {(row.email, row.name) for row in conn.execute(
                select(events_guests.c.email, events_guests.c.name).where(events_guests.c.event_id == event_id))}
            rows = []
            for guest in items:
                key = (guest.email.lower(), guest.name)
                if key in known:
                    continue
                known.add(key)
                rows.append({"event_id": event_id, "name": guest.name, "email": guest.email.lower(),
                             "institution": guest.institution, "county": guest.county, "category": guest.category,
                             "registered_at": stamp})
            if rows:
                conn.execute(insert(events_guests), rows)
        return len(rows)

    def guests(self, event_id: str) -> list[Guest]:
        t = events_guests.c
        with store_errors("read the registered guests"), self._engine.connect() as conn:
            return [Guest(row.name, row.email, row.institution, row.county, row.category) for row in conn.execute(
                select(t.name, t.email, t.institution, t.county, t.category).where(t.event_id == event_id)
                .order_by(t.id))]
