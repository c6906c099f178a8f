"""The certification report as data: who is certified, against the project's targets, by place and organisation.

:func:`build_report` reads only the certificate registry (valid certificates) and the catalogue's tracks and
targets (10 + 200 + 41 + 41 = 292 for ACoR): no Moodle call, so it is as fast for 30,000 people as for 292. Each
table is a :class:`Table` of header and rows of plain values (text, whole numbers, fractions for percentages,
dates), which :mod:`cooperare.reports.tabular` and :mod:`cooperare.reports.pdf` lay out. Labels are in Romanian,
the language of the coordinators who read it. This module must not write files.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from cooperare.certificates.serials import grouped
from cooperare.collation import romanian_key
from cooperare.courses.catalogue import Catalogue
from cooperare.store.certificates import CertificateRecord
from cooperare.sync.counties import COUNTIES

UNKNOWN = "(necunoscut)"
_COUNTY_NAMES = {county.code: county.name for county in COUNTIES}

Cell = str | int | float | date | None


@dataclass(frozen=True)
class Column:
    title: str
    kind: str = "text"
    """text, int, percent (a fraction: 0.5 is 50%), date."""


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True)
class TrackTotal:
    key: str
    name: str
    target: int
    certified: int

    @property
    def share(self) -> float:
        return self.certified / self.target if self.target else 0.0


@dataclass(frozen=True)
class CertificationReport:
    generated_at: datetime
    tracks: tuple[TrackTotal, ...]
    summary: Table
    by_county: Table
    by_commune: Table
    by_organisation: Table
    people: Table

    @property
    def tables(self) -> tuple[Table, ...]:
        return (self.summary, self.by_county, self.by_commune, self.by_organisation, self.people)

    @property
    def target(self) -> int:
        return sum(t.target for t in self.tracks)

    @property
    def certified(self) -> int:
        return sum(t.certified for t in self.tracks)


def county_label(code: str | None) -> str:
    if not code:
        return UNKNOWN
    name = _COUNTY_NAMES.get(code.upper())
    return f"{name} ({code.upper()})" if name else code


def build_report(catalogue: Catalogue, records: Iterable[CertificateRecord], *, generated_at: datetime
                 ) -> CertificationReport:
    """The report over the valid certificates among ``records``."""
    valid = [r for r in records if r.status == "valid"]
    per_track = Counter(r.track for r in valid)
    track_names = {t.key: t.name for t in catalogue.tracks}
    tracks = tuple(TrackTotal(t.key, t.name, t.target, per_track.get(t.key, 0)) for t in catalogue.tracks)
    total_target = sum(t.target for t in tracks)
    total = sum(t.certified for t in tracks)
    summary_rows: list[tuple[Cell, ...]] = [(t.key, t.name, t.target, t.certified, t.share) for t in tracks]
    summary_rows.append(("", "Total", total_target, total, total / total_target if total_target else 0.0))
    summary = Table("summary", "Rezumat: certificați față de țintă",
                    (Column("Cod"), Column("Traseu"), Column("Țintă", "int"), Column("Certificați", "int"),
                     Column("Realizat", "percent")), tuple(summary_rows))
    track_columns = tuple(Column(t.key, "int") for t in tracks)
    by_county = _grouped("by_county", "Pe județe", head=(Column("Județ"),), records=valid,
                         group=lambda r: (county_label(r.county),), tracks=tracks, track_columns=track_columns)
    by_commune = _grouped("by_commune", "Pe localități", head=(Column("Județ"), Column("Localitate")), records=valid,
                          group=lambda r: (county_label(r.county), r.commune or UNKNOWN), tracks=tracks,
                          track_columns=track_columns)
    by_organisation = _grouped("by_organisation", "Pe organizații",
                               head=(Column("Organizație"), Column("Județ")), records=valid,
                               group=lambda r: (r.organisation or UNKNOWN, county_label(r.county)), tracks=tracks,
                               track_columns=track_columns)
    people_rows = tuple(
        (grouped(r.serial), r.name, track_names.get(r.track, r.track), county_label(r.county), r.commune or "",
         r.organisation or "", r.issued_at.date(), None if r.grade_percent is None else r.grade_percent / 100)
        for r in sorted(valid, key=lambda r: (r.track, romanian_key(r.name), r.serial))
    )
    people = Table("people", "Persoane certificate",
                   (Column("Serie"), Column("Nume"), Column("Traseu"), Column("Județ"), Column("Localitate"),
                    Column("Organizație"), Column("Data eliberării", "date"), Column("Evaluare finală", "percent")),
                   people_rows)
    return CertificationReport(generated_at, tracks, summary, by_county, by_commune, by_organisation, people)


def _grouped(name: str, title: str, *, head: tuple[Column, ...], records: list[CertificateRecord],
             group: Callable[[CertificateRecord], tuple[str, ...]], tracks: tuple[TrackTotal, ...],
             track_columns: tuple[Column, ...]) -> Table:
    """One row per group: the group's labels, certified per track, and the total; largest groups first."""
    counts: dict[tuple[str, ...], Counter[str]] = {}
    for record in records:
        counts.setdefault(group(record), Counter())[record.track] += 1
    ordered = sorted(counts.items(), key=lambda item: (-sum(item[1].values()), *(romanian_key(s) for s in item[0])))
    rows: list[tuple[Cell, ...]] = [
        (*labels, *(counter.get(t.key, 0) for t in tracks), sum(counter.values())) for labels, counter in ordered
    ]
    return Table(name, title, (*head, *track_columns, Column("Total", "int")), tuple(rows))
