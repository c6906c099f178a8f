"""The pilot report: what the pilot city halls did on the platform, per city hall and per month, from data already
read (the roster snapshot, Moodle's activity counts — over the period and per calendar month in Bucharest time —,
the certificate registry, the consultation register, the diagnostic responses and event attendance). A person is
active in a month when Moodle counts an activity completed, a quiz attempt finished or a forum post written by them
in it.

A person belongs to a city hall when the roster gives its commune (or an organisation naming it) in its county.
Pure: no Moodle call, no store; the numbers come in, :class:`Table` values come out for the shared writers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from cooperare.config.pilot import CityHall
from cooperare.moodle.records import ActivityCount
from cooperare.reports.certification import Column, Table
from cooperare.store.people import PersonRecord
from cooperare.sync.text import fold
from cooperare.territory import county as county_of

TZ = ZoneInfo("Europe/Bucharest")
"""Months are calendar months in Romania: a post at 00:30 on 1 May Bucharest time counts in May."""
TARGET = 4
"""The project's target: 4 city halls that tested the platform and the e-learning module by using them."""
MONTHS_RO = ("ianuarie", "februarie", "martie", "aprilie", "mai", "iunie", "iulie", "august", "septembrie",
             "octombrie", "noiembrie", "decembrie")


@dataclass(frozen=True)
class Dated:
    """Something a person did at a time (a certificate issued, an event attended)."""

    person_key: str
    at: datetime


@dataclass(frozen=True)
class PilotInputs:
    people: Sequence[PersonRecord]
    activity: Mapping[int, Sequence[ActivityCount]]
    """Per Moodle course id, the counts of its enrolled users over the report's period, and per month (the periods
    of :func:`month_starts`)."""
    certificates: Sequence[Dated] = ()
    attendance: Sequence[Dated] = ()
    """Validated event attendances (the event's start time)."""
    contributions: Sequence[tuple[str, datetime]] = ()
    """Consultation contributions no roster person is known to have written: (author, submitted at); counted for a
    city hall when the author's text names its commune."""
    diagnostic: Mapping[int, Mapping[str, float | None]] = ()  # type: ignore[assignment]
    """Per commune SIRUTA code, the overall diagnostic score of each wave (T0, T1)."""
    contributions_by: Sequence[Dated] = ()
    """Consultation contributions written by a roster person (their e-mail's hash matched): counted for the city
    hall the person belongs to."""


@dataclass(frozen=True)
class PilotReport:
    generated_at: datetime
    halls: tuple[CityHall, ...]
    summary: Table
    monthly: Table
    target: Table
    """Against the target: per city hall, who worked in the platform, whether it tested it, the diagnostic's
    change; and the total (city halls that tested it, of the target)."""

    @property
    def tables(self) -> tuple[Table, ...]:
        return (self.target, self.summary, self.monthly)


def belongs(person: PersonRecord, hall: CityHall) -> bool:
    """The roster puts ``person`` in ``hall``'s commune (or organisation) in its county."""
    wanted = {fold(hall.county), fold(county_of(hall.county).name)}
    if fold(person.county) not in wanted:
        return False
    name = fold(hall.commune)
    return fold(person.commune) == name or f" {name} " in f" {fold(person.organisation)} "


def months_back(today: date, count: int) -> list[date]:
    """The first days of the last ``count`` months, oldest first, the current month last."""
    first = today.replace(day=1)
    result = [first]
    while len(result) < count:
        first = (first - timedelta(days=1)).replace(day=1)
        result.append(first)
    return result[::-1]


def month_starts(now: datetime, count: int) -> list[int]:
    """Unix seconds of 00:00 Bucharest time on the first day of each of the last ``count`` months (the current one
    last): the periods asked of ``local_cooperare_get_activity_counts``."""
    return [int(datetime.combine(first, time(0, 0), tzinfo=TZ).timestamp())
            for first in months_back(now.astimezone(TZ).date(), count)]


def _month(moment: datetime) -> date:
    return moment.astimezone(TZ).date().replace(day=1)


def build_pilot_report(halls: Sequence[CityHall], inputs: PilotInputs, *, now: datetime, months: int = 6
                       ) -> PilotReport:
    members = {hall.siruta: [p for p in inputs.people if belongs(p, hall)] for hall in halls}
    totals: dict[int, list[ActivityCount]] = {}
    for counts in inputs.activity.values():
        for count in counts:
            totals.setdefault(count.userid, []).append(count)
    stamp = int(now.timestamp())
    summary_rows = []
    monthly_rows = []
    target_rows: list[tuple[str, str, int, int, int, str, float | None]] = []
    periods = months_back(now.astimezone(TZ).date(), months)
    for hall in halls:
        people = members[hall.siruta]
        keys = {p.key for p in people}
        counts = [c for p in people if p.moodle_user_id for c in totals.get(p.moodle_user_id, [])]
        last = {p.key: max((c.lastaccess for c in totals.get(p.moodle_user_id or 0, [])), default=0)
                for p in people}
        certificates = [d for d in inputs.certificates if d.person_key in keys]
        attended = [d for d in inputs.attendance if d.person_key in keys]
        name = fold(hall.commune)
        contributions = [when for author, when in inputs.contributions if f" {name} " in f" {fold(author)} "]
        contributions += [d.at for d in inputs.contributions_by if d.person_key in keys]
        scores = dict(inputs.diagnostic).get(hall.siruta, {})
        summary_rows.append((
            hall.commune, hall.county, len(people),
            sum(1 for t in last.values() if t and stamp - t <= 7 * 86400),
            sum(1 for t in last.values() if t and stamp - t <= 30 * 86400),
            sum(c.completedactivities for c in counts), sum(c.quizattempts for c in counts),
            sum(c.forumposts for c in counts), len(certificates), len(contributions),
            scores.get("T0"), scores.get("T1"), len(attended)))
        working = sum(1 for p in people if any(
            c.completedactivities + c.quizattempts + c.forumposts for c in totals.get(p.moodle_user_id or 0, [])))
        learned = sum(c.completedactivities + c.quizattempts for c in counts)
        t0, t1 = scores.get("T0"), scores.get("T1")
        target_rows.append((hall.commune, hall.county, len(people), working, learned, "Da" if learned else "Nu",
                            t1 - t0 if t0 is not None and t1 is not None and "comparable" not in scores else None))
        moodle = _per_month(people, totals)
        for first in periods:
            done = moodle.get(first, {})
            monthly_rows.append((
                hall.commune, f"{MONTHS_RO[first.month - 1]} {first.year}",
                sum(1 for by_name in done.values() if any(by_name.values())),
                sum(by_name["completedactivities"] for by_name in done.values()),
                sum(by_name["quizattempts"] for by_name in done.values()),
                sum(by_name["forumposts"] for by_name in done.values()),
                sum(1 for d in certificates if _month(d.at) == first),
                sum(1 for d in attended if _month(d.at) == first),
                sum(1 for when in contributions if _month(when) == first)))
    summary = Table("pilot", f"Primăriile pilot – situația la {now:%d.%m.%Y}", (
        Column("Comuna"), Column("Județ"), Column("Persoane înscrise", "int"), Column("Active (7 zile)", "int"),
        Column("Active (30 zile)", "int"), Column("Activități finalizate", "int"), Column("Încercări la teste", "int"),
        Column("Mesaje pe forum", "int"), Column("Certificate", "int"), Column("Contribuții la consultări", "int"),
        Column("Diagnostic T0", "score"), Column("Diagnostic T1", "score"), Column("Participări la evenimente", "int")),
        tuple(summary_rows))
    monthly = Table("pilot_lunar", "Pe luni", (
        Column("Comuna"), Column("Luna"), Column("Persoane active", "int"), Column("Activități finalizate", "int"),
        Column("Încercări la teste", "int"), Column("Mesaje pe forum", "int"), Column("Certificate", "int"),
        Column("Participări la evenimente", "int"), Column("Contribuții la consultări", "int")),
        tuple(monthly_rows))
    tested = sum(1 for row in target_rows if row[5] == "Da")
    changes = [row[6] for row in target_rows if row[6] is not None]
    target_rows.append(("Total", "–", sum(row[2] for row in target_rows), sum(row[3] for row in target_rows),
                        sum(row[4] for row in target_rows), f"{tested} din {TARGET} (ținta)",
                        sum(changes) / len(changes) if changes else None))
    target = Table("pilot_tinta", "Ținta pilotului: primării care au testat platforma și modulul de e-learning", (
        Column("Comuna"), Column("Județ"), Column("Persoane înscrise", "int"),
        Column("Persoane care au lucrat în platformă", "int"),
        Column("Lecții și teste finalizate", "int"), Column("A testat platforma"),
        Column("Progres diagnostic (T1 − T0)", "score")), tuple(target_rows))
    return PilotReport(now, tuple(halls), summary, monthly, target)


def _per_month(people: Sequence[PersonRecord], totals: Mapping[int, Sequence[ActivityCount]]
               ) -> dict[date, dict[str, dict[str, int]]]:
    """Per month (its first day) and person key, the Moodle counts summed over the person's courses."""
    result: dict[date, dict[str, dict[str, int]]] = {}
    for person in people:
        for count in totals.get(person.moodle_user_id or 0, ()):
            for period in count.periods:
                first = _month(datetime.fromtimestamp(period.start, TZ))
                mine = result.setdefault(first, {}).setdefault(
                    person.key, {"completedactivities": 0, "quizattempts": 0, "forumposts": 0})
                mine["completedactivities"] += period.completedactivities
                mine["quizattempts"] += period.quizattempts
                mine["forumposts"] += period.forumposts
    return result
