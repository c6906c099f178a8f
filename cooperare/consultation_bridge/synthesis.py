"""The synthesis of recommendations of one consultation, as data: counts, the recommendations with answers, debates.

:func:`build_synthesis` reads only what it is given — the consultation, its rows of the register, the debate
requests and optional debate minutes (:func:`load_minutes`, a small YAML the authority writes) — and returns a
:class:`Synthesis` of plain tables (:class:`~cooperare.reports.certification.Table`) in Romanian, as an authority's
secretary files it: a summary, counts by category and by part, and every recommendation (duplicates folded into
their original, counted there) with its answer and reason. A citizen's name appears only with their consent;
e-mail addresses are not in the register at all. The same rows feed the open-data export (:func:`export_rows`).
This module must not write files or talk to Moodle.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from cooperare.config.loader import build, checked, load_yaml
from cooperare.consultation_bridge.answers import DECISIONS_RO
from cooperare.consultation_bridge.calendar import LAW_SHORT
from cooperare.consultation_bridge.model import Consultation
from cooperare.consultation_bridge.register import CATEGORIES, CATEGORIES_RO, LOCAL_TIME
from cooperare.reports.certification import Cell, Column, Table
from cooperare.store.consultation import Contribution, DebateRequest

ANSWERS = ("accepted", "partly", "rejected", "pending")
UNPUBLISHED = "nume nepublicat"
PLURAL_RO = {"accepted": "Recomandări acceptate", "partly": "Recomandări acceptate parțial",
             "rejected": "Recomandări respinse", "pending": "Recomandări fără răspuns încă"}
REQUESTERS_RO = {"ngo": "asociație legal constituită", "authority": "autoritate publică", "other": "altul"}


def non_empty(value: str) -> str:
    """A check for :func:`checked`: text that is not blank, stripped."""
    if not value.strip():
        raise ValueError("must not be empty")
    return value.strip()


@dataclass(frozen=True)
class Intervention:
    speaker: str = checked(non_empty)
    text: str = checked(non_empty)


@dataclass(frozen=True)
class Debate:
    """The minutes of one public debate (art. 7 alin. (9)-(11)) or public meeting."""

    date: date
    place: str = checked(non_empty)
    participants: int = 0
    summary: str | None = None
    interventions: tuple[Intervention, ...] = ()
    conclusions: str | None = None


@dataclass(frozen=True)
class Minutes:
    debates: tuple[Debate, ...] = ()


def load_minutes(path: Path) -> Minutes:
    """Debate minutes from YAML (``debates: [{date, place, participants, summary, interventions, conclusions}]``);
    faults carry file, line and key."""
    data, locator = load_yaml(path)
    return build(Minutes, data or {}, locator=locator)


@dataclass(frozen=True)
class Recommendation:
    """One original recommendation as the synthesis shows it."""

    number: int
    source_key: str
    part_key: str
    part_title: str
    category: str
    author: str
    submitted_at: datetime
    late: bool
    text: str
    answer: str
    reason: str | None
    duplicates: int
    revision: int


@dataclass(frozen=True)
class Synthesis:
    consultation: Consultation
    generated_at: datetime
    summary: Table
    by_category: Table
    by_part: Table
    recommendations: tuple[Recommendation, ...]
    debate_requests: Table
    minutes: Minutes

    @property
    def tables(self) -> tuple[Table, ...]:
        return (self.summary, self.by_category, self.by_part, self.recommendations_table(), self.debate_requests,
                self.debates_table())

    def debates_table(self) -> Table:
        return Table("dezbateri", "Dezbateri publice", (
            Column("Data", "date"), Column("Locul"), Column("Participanți", "int"), Column("Pe scurt"),
            Column("Intervenții"), Column("Concluzii")), tuple(
            (d.date, d.place, d.participants, d.summary or "",
             "\n".join(f"{i.speaker}: {i.text}" for i in d.interventions), d.conclusions or "")
            for d in self.minutes.debates))

    def recommendations_table(self) -> Table:
        return Table("recomandari", "Recomandări și răspunsuri", (
            Column("Nr.", "int"), Column("Partea"), Column("Titlul părții"), Column("Categoria"), Column("Autor"),
            Column("Primită la"), Column("Întârziată"), Column("Recomandarea"), Column("Răspuns"),
            Column("Motivare"), Column("Identice contopite", "int"), Column("Sursa")),
            tuple((r.number, r.part_key, r.part_title, r.category, r.author, local(r.submitted_at),
                   "da" if r.late else "nu", r.text, r.answer, r.reason or "", r.duplicates, r.source_key)
                  for r in self.recommendations))


def local(moment: datetime) -> str:
    return moment.astimezone(LOCAL_TIME).strftime("%d.%m.%Y %H:%M")


def shown_author(item: Contribution) -> str:
    """The name as published: only with the contributor's consent."""
    return item.author if item.publish_name else f"({UNPUBLISHED})"


def _counts_row(label: Sequence[Cell], rows: Sequence[Contribution]) -> tuple[Cell, ...]:
    answers = Counter(r.answer for r in rows if r.duplicate_of is None)
    originals = sum(answers.values())
    return (*label, len(rows), originals, *(answers.get(a, 0) for a in ANSWERS))


COUNT_COLUMNS = (Column("Primite", "int"), Column("Distincte", "int"), Column("Acceptate", "int"),
                 Column("Acceptate parțial", "int"), Column("Respinse", "int"), Column("Fără răspuns", "int"))


def build_synthesis(consultation: Consultation, contributions: Sequence[Contribution], *,
                    requests: Sequence[DebateRequest] = (), minutes: Minutes | None = None,
                    generated_at: datetime) -> Synthesis:
    calendar = consultation.calendar
    originals = [c for c in contributions if c.duplicate_of is None]
    folded = Counter(c.duplicate_of for c in contributions if c.duplicate_of is not None)
    answers = Counter(c.answer for c in originals)
    summary = Table("rezumat", "Rezumat", (Column("Indicator"), Column("Valoare")), (
        ("Autoritatea", consultation.authority.name),
        ("Proiectul supus consultării", consultation.title),
        ("Anunțat la", calendar.announced.strftime("%d.%m.%Y")),
        ("Termen pentru recomandări", calendar.recommendations_until.strftime("%d.%m.%Y")),
        ("Recomandări primite", str(len(contributions))),
        ("Recomandări distincte (identice contopite)", str(len(originals))),
        ("Primite după termen", str(sum(1 for c in contributions if c.late))),
        *((PLURAL_RO[a], str(answers.get(a, 0))) for a in ANSWERS),
        ("Recomandări incluse (acceptate integral sau parțial)",
         str(answers.get("accepted", 0) + answers.get("partly", 0))),
        ("Cereri de dezbatere publică", str(len(requests))),
        ("Dezbateri publice consemnate", str(len((minutes or Minutes()).debates))),
    ))
    by_category = Table("categorii", "Pe categorii de participanți", (Column("Categoria"), *COUNT_COLUMNS), tuple(
        _counts_row((CATEGORIES_RO[category],), [c for c in contributions if c.category == category])
        for category in CATEGORIES))
    per_part: dict[str, list[Contribution]] = {}
    for item in contributions:
        per_part.setdefault(item.part_key, []).append(item)
    by_part = Table("parti", "Pe părți ale proiectului", (Column("Partea"), Column("Titlul"), *COUNT_COLUMNS),
                    tuple(_counts_row((part.key, part.title), per_part.get(part.key, []))
                          for part in consultation.structure))
    order = {part.key: index for index, part in enumerate(consultation.structure)}
    titles = {part.key: part.title for part in consultation.structure}
    ranked = sorted(originals, key=lambda c: (order.get(c.part_key, len(order)), c.submitted_at, c.id))
    recommendations = tuple(Recommendation(
        number=number, source_key=c.source_key, part_key=c.part_key, part_title=titles.get(c.part_key, c.part_key),
        category=CATEGORIES_RO[c.category], author=shown_author(c), submitted_at=c.submitted_at, late=c.late,
        text=c.text, answer=DECISIONS_RO[c.answer], reason=c.reason, duplicates=folded.get(c.source_key, 0),
        revision=c.revision) for number, c in enumerate(ranked, start=1))
    debate_requests = Table("cereri", "Cereri de dezbatere publică (art. 7 alin. (9) din " + LAW_SHORT + ")",
                            (Column("Primită la"), Column("Solicitant"), Column("Tipul"), Column("Textul cererii")),
                            tuple((local(r.submitted_at), r.requester, REQUESTERS_RO[r.requester_kind], r.text)
                                  for r in requests))
    return Synthesis(consultation, generated_at, summary, by_category, by_part, recommendations, debate_requests,
                     minutes or Minutes())


def export_rows(consultation: Consultation, contributions: Sequence[Contribution]) -> list[dict[str, object]]:
    """Open data: every contribution with its answer; a name only with consent; never an e-mail or its hash."""
    titles = {part.key: part.title for part in consultation.structure}
    return [{
        "consultation": consultation.id, "source": c.source_key, "part": c.part_key,
        "part_title": titles.get(c.part_key, ""), "category": c.category,
        "author": c.author if c.publish_name else None, "submitted_at": c.submitted_at.isoformat(),
        "late": c.late, "duplicate_of": c.duplicate_of, "revision": c.revision, "text": c.text,
        "answer": c.answer, "reason": c.reason,
        "answered_at": c.answered_at.isoformat() if c.answered_at else None,
    } for c in contributions]
