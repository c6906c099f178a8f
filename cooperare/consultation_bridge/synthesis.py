"""The synthesis of recommendations of one consultation, as data: counts by category and by part, every
recommendation with its answer and reason, and the minutes of the public debates (from an optional YAML file).

:func:`build_synthesis` reads nothing: it takes the outline and the register's contributions and returns tables
(:class:`~cooperare.reports.certification.Table`, so the shared XLSX writer lays them out) and the list the PDF
prints in full. Folded duplicates are counted, not repeated: each recommendation says how many times it was sent.
The synthesis is published, so a citizen's name (or an author of category "other") appears only with consent;
organisations and authorities are named. Labels are Romanian. This module must not write files.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from cooperare.config.loader import build, load_yaml
from cooperare.consultation_bridge.answers import DECISIONS_RO
from cooperare.consultation_bridge.outline import ConsultationOutline
from cooperare.consultation_bridge.register import CATEGORIES, CATEGORIES_RO, LOCAL_TIME
from cooperare.reports.certification import Cell, Column, Table
from cooperare.store.consultation import Contribution

NAME_WITHHELD = "(nume nepublicat, fără acord)"
_STATUS_COLUMNS = ("accepted", "partly", "rejected", "pending")
_COUNT_TITLES = {"accepted": "Acceptate", "partly": "Acceptate parțial", "rejected": "Respinse",
                 "pending": "Fără răspuns"}


def public_name(c: Contribution) -> str:
    """The author's name as published: organisations and authorities always, people only with consent."""
    return c.author_name if c.name_public or c.category in ("ngo", "authority") else NAME_WITHHELD


@dataclass(frozen=True)
class Intervention:
    speaker: str
    text: str


@dataclass(frozen=True)
class Debate:
    """One public debate on the draft (Legea nr. 52/2003, art. 7): when, where, who chaired, how many took part,
    what was said."""

    date: date
    place: str
    participants: int
    summary: str
    chair: str | None = None
    interventions: tuple[Intervention, ...] = ()


@dataclass(frozen=True)
class Minutes:
    debates: tuple[Debate, ...] = ()


def load_minutes(path: Path) -> Minutes:
    """The debate minutes YAML (``debates:`` list); every fault with file, line and key."""
    data, locator = load_yaml(path)
    return build(Minutes, data, locator=locator)


@dataclass(frozen=True)
class Recommendation:
    number: int
    part: str
    category: str
    author: str
    submitted: date
    late: bool
    times: int
    """How many times it was sent (1 + folded duplicates)."""
    text: str
    decision: str
    reason: str
    changed: bool


@dataclass(frozen=True)
class Synthesis:
    outline: ConsultationOutline
    generated_at: datetime
    summary: Table
    by_category: Table
    by_part: Table
    list: Table
    recommendations: tuple[Recommendation, ...]
    minutes: Minutes

    @property
    def tables(self) -> tuple[Table, ...]:
        return (self.summary, self.by_category, self.by_part, self.list)


def _counts_row(label: str, items: Sequence[Contribution]) -> tuple[Cell, ...]:
    statuses = Counter(c.status for c in items)
    return (label, len(items), *(statuses.get(s, 0) for s in _STATUS_COLUMNS))


def build_synthesis(outline: ConsultationOutline, contributions: Sequence[Contribution], *, generated_at: datetime,
                    minutes: Minutes | None = None) -> Synthesis:
    originals = [c for c in contributions if c.duplicate_of is None]
    repeats = Counter(c.duplicate_of for c in contributions if c.duplicate_of is not None)
    order = outline.part_order()
    originals.sort(key=lambda c: (order.get(c.part_key, len(order)), c.submitted_at, c.id))
    statuses = Counter(c.status for c in originals)
    summary_rows: list[tuple[Cell, ...]] = [
        ("Contribuții primite (cu repetările)", len(contributions)),
        ("Recomandări distincte", len(originals)),
        ("Repetări contopite", len(contributions) - len(originals)),
        ("Primite după termen", sum(1 for c in originals if c.late)),
        *((f"Recomandări {_COUNT_TITLES[s].lower()}", statuses.get(s, 0)) for s in _STATUS_COLUMNS),
        ("Dezbateri publice", len(minutes.debates) if minutes else 0),
    ]
    summary = Table("Rezumat", "Rezumat", (Column("Indicator"), Column("Număr", "int")), tuple(summary_rows))
    count_columns = (Column("Recomandări", "int"), *(Column(_COUNT_TITLES[s], "int") for s in _STATUS_COLUMNS))
    by_category = Table("Pe categorii", "Recomandări pe categorii de expeditori",
                        (Column("Categoria"), *count_columns),
                        tuple(_counts_row(CATEGORIES_RO[cat], [c for c in originals if c.category == cat])
                              for cat in CATEGORIES))
    part_keys = [p.key for p in outline.parts] + sorted({c.part_key for c in originals} - set(order))
    by_part = Table("Pe părți", "Recomandări pe părți ale textului", (Column("Partea"), *count_columns),
                    tuple(_counts_row(outline.part_title(key), [c for c in originals if c.part_key == key])
                          for key in part_keys))
    recommendations = tuple(
        Recommendation(number=n, part=outline.part_title(c.part_key), category=CATEGORIES_RO[c.category],
                       author=public_name(c), submitted=c.submitted_at.astimezone(LOCAL_TIME).date(), late=c.late,
                       times=1 + repeats.get(c.id, 0), text=c.text, decision=DECISIONS_RO[c.status],
                       reason=c.reason or "", changed=c.revision > 1)
        for n, c in enumerate(originals, start=1))
    listing = Table("Recomandări", "Recomandările și răspunsurile",
                    (Column("Nr.", "int"), Column("Partea"), Column("Categoria"), Column("Autorul"),
                     Column("Primită la", "date"), Column("După termen"), Column("Trimisă de", "int"),
                     Column("Recomandarea"), Column("Răspunsul"), Column("Motivarea")),
                    tuple((r.number, r.part, r.category, r.author, r.submitted, "da" if r.late else "nu", r.times,
                           r.text, r.decision, r.reason) for r in recommendations))
    return Synthesis(outline, generated_at, summary, by_category, by_part, listing, recommendations,
                     minutes or Minutes())
