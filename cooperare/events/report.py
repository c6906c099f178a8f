"""The events report as data: per event the attendance list and the counts by participant category; for the project,
every event against the targets (6 dissemination + 2 participatory-governance events).

:func:`build_report` reads nothing itself: it takes the events, the attendance per event (from the store) and the
rule for "attended", and returns :class:`~cooperare.reports.certification.Table` objects that
:mod:`cooperare.reports.tabular` (XLSX) and :mod:`cooperare.reports.events_pdf` lay out. Labels are Romanian, for the
coordinators and the funder. This module must not write files.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from cooperare.collation import romanian_key
from cooperare.config.events import KIND_LABELS, AttendanceRule, Event, EventTargets
from cooperare.events.attendance import Attendee, attended, present_minutes
from cooperare.events.planner import ROOM_LABELS
from cooperare.reports.certification import Cell, Column, Table, county_label

GUEST_LABEL = "Invitat (neînscris)"
HELD = "desfășurat"
PLANNED = "planificat"
NOT_IMPORTED = "prezență neimportată"
"""An event whose end has passed but whose attendance was never imported: the coordinator's next task, not a plan."""
RUNNING = "în desfășurare"
REGISTERED_LABEL = "Înscris prin formular"
NO_CATEGORY = "(fără categorie)"


@dataclass(frozen=True)
class EventSection:
    event: Event
    held: bool
    """Attendance was imported for it."""
    present: int
    attended: int
    attendance: Table
    by_category: Table


@dataclass(frozen=True)
class EventsReport:
    generated_at: datetime
    rule: AttendanceRule
    summary: Table
    targets: Table
    sections: tuple[EventSection, ...]

    @property
    def tables(self) -> tuple[Table, ...]:
        result = [self.summary, self.targets]
        for section in self.sections:
            result += [section.attendance, section.by_category]
        return tuple(result)


def _category(attendee: Attendee, names: Mapping[str, str]) -> str:
    if attendee.kind == "guest":
        return GUEST_LABEL
    if attendee.category:
        return names.get(attendee.category, attendee.category)
    return REGISTERED_LABEL if attendee.kind == "registered" else NO_CATEGORY


def _when(event: Event) -> str:
    return f"{event.starts_at:%d.%m.%Y, %H:%M}"


def _state(section: EventSection, now: datetime) -> str:
    if section.held:
        return HELD
    if section.event.ends_at <= now:
        return NOT_IMPORTED
    return RUNNING if section.event.starts_at <= now else PLANNED


def event_section(event: Event, attendees: Sequence[Attendee], *, rule: AttendanceRule,
                  categories: Mapping[str, str], held: bool) -> EventSection:
    ordered = sorted(attendees, key=lambda a: (romanian_key(a.name), a.person_key))
    rows: list[tuple[Cell, ...]] = []
    counts: dict[str, Counter[str]] = {}
    for number, attendee in enumerate(ordered, start=1):
        counted = present_minutes(attendee.intervals, event, rule)
        present = round(counted)
        ok = attended(counted, event, rule)
        category = _category(attendee, categories)
        counts.setdefault(category, Counter())["present"] += 1
        counts[category]["attended"] += int(ok)
        rows.append((number, attendee.name, attendee.institution, county_label(attendee.county) if attendee.county
                     else "", category, present, "Da" if ok else "Nu"))
    attendance = Table(f"Prezență {event.id}"[:31], f"Lista de prezență – {event.title}",
                       (Column("Nr.", "int"), Column("Nume și prenume"), Column("Instituția"), Column("Județul"),
                        Column("Categoria"), Column("Minute prezent", "int"), Column("Participare validată")),
                       tuple(rows))
    category_rows: list[tuple[Cell, ...]] = [
        (label, c["present"], c["attended"])
        for label, c in sorted(counts.items(), key=lambda item: (-item[1]["present"], romanian_key(item[0])))]
    total_attended = sum(c["attended"] for c in counts.values())
    category_rows.append(("Total", len(ordered), total_attended))
    by_category = Table(f"Categorii {event.id}"[:31], f"Pe categorii de participanți – {event.title}",
                        (Column("Categoria"), Column("Prezenți", "int"), Column("Participare validată", "int")),
                        tuple(category_rows))
    return EventSection(event, held, len(ordered), total_attended, attendance, by_category)


def build_report(events: Sequence[Event], attendance: Mapping[str, Sequence[Attendee]], *, rule: AttendanceRule,
                 targets: EventTargets, categories: Mapping[str, str], generated_at: datetime,
                 only: str | None = None) -> EventsReport:
    """The report over ``events`` (``attendance``: event id → attendees; an event absent from it counts as not
    held: planned, or, once it has ended by ``generated_at``, ended with no attendance imported). The sections are
    the events held, or with ``only`` that event alone; the summary always covers all."""
    sections = [event_section(e, attendance.get(e.id, ()), rule=rule, categories=categories, held=e.id in attendance)
                for e in events]
    summary_rows: list[tuple[Cell, ...]] = [
        (number, s.event.title, KIND_LABELS[s.event.kind], _when(s.event), ROOM_LABELS[s.event.room.kind],
         s.present if s.held else None, s.attended if s.held else None, _state(s, generated_at))
        for number, s in enumerate(sections, start=1)]
    summary = Table("rezumat", "Evenimentele proiectului",
                    (Column("Nr.", "int"), Column("Eveniment"), Column("Tip"), Column("Data și ora"),
                     Column("Sala"), Column("Prezenți", "int"), Column("Participare validată", "int"),
                     Column("Stare")), tuple(summary_rows))
    target_rows: list[tuple[Cell, ...]] = []
    for kind, target in (("dissemination", targets.dissemination),
                         ("participatory_governance", targets.participatory_governance)):
        planned = sum(1 for e in events if e.kind == kind)
        held = sum(1 for s in sections if s.event.kind == kind and s.held)
        target_rows.append((KIND_LABELS[kind], target, planned, held, held / target if target else None))
    targets_table = Table("tinte", "Evenimente față de țintă",
                          (Column("Tip"), Column("Țintă", "int"), Column("Planificate", "int"),
                           Column("Desfășurate", "int"), Column("Realizat", "percent")), tuple(target_rows))
    chosen = tuple(s for s in sections if (only is None and s.held) or s.event.id == only)
    return EventsReport(generated_at, rule, summary, targets_table, chosen)
