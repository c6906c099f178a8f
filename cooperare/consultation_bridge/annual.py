"""The annual report on decisional transparency (Legea nr. 52/2003, art. 13) of one authority for one year, as data.

Art. 13 alin. (1) asks for at least: a) the recommendations received, b) those included in the drafts and decisions,
c) the participants in public meetings, d) the public debates held on drafts, e) the court actions against the
authority under the law, f) the authority's own assessment of its partnership with citizens and their associations,
g) the meetings not made public and why. The register gives a) and b) (recommendations on the authority's
consultations submitted in the year, by the day in Europe/Bucharest; folded duplicates counted once) and the drafts
consulted on; the rest comes from a small YAML file the authority fills (:class:`AnnualFacts`). Labels are Romanian.
This module must not write files or call Moodle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from cooperare.config.loader import build, load_yaml
from cooperare.consultation_bridge.outline import ConsultationOutline
from cooperare.consultation_bridge.register import LOCAL_TIME
from cooperare.errors import InputError, Location
from cooperare.reports.certification import Cell, Column, Table
from cooperare.store.consultation import Contribution

LAW_ARTICLE = "art. 13 din Legea nr. 52/2003 privind transparența decizională în administrația publică, republicată"


@dataclass(frozen=True)
class CourtAction:
    case: str
    subject: str
    status: str


@dataclass(frozen=True)
class ClosedMeeting:
    date: date
    subject: str
    reason: str


@dataclass(frozen=True)
class AdoptedAct:
    title: str
    date: date | None = None
    consultation: str | None = None


@dataclass(frozen=True)
class AnnualFacts:
    """What the register cannot know; the authority fills it (YAML)."""

    authority: str
    year: int
    public_meetings: int = 0
    public_meeting_participants: int = 0
    debates: int = 0
    acts_adopted: tuple[AdoptedAct, ...] = ()
    court_actions: tuple[CourtAction, ...] = ()
    meetings_not_public: tuple[ClosedMeeting, ...] = ()
    partnership_assessment: str = ""


def load_facts(path: Path) -> AnnualFacts:
    data, locator = load_yaml(path)
    facts = build(AnnualFacts, data, locator=locator)
    for key in ("public_meetings", "public_meeting_participants", "debates"):
        if getattr(facts, key) < 0:
            raise InputError("must not be negative", location=locator.locate((key,)))
    return facts


@dataclass(frozen=True)
class ConsultationYear:
    outline: ConsultationOutline
    received: int
    included: int
    accepted: int
    partly: int
    rejected: int
    pending: int


@dataclass(frozen=True)
class AnnualReport:
    authority: str
    year: int
    generated_at: datetime
    facts: AnnualFacts
    items: Table
    consultations: Table
    acts: Table
    courts: Table
    closed: Table

    @property
    def tables(self) -> tuple[Table, ...]:
        return (self.items, self.consultations, self.acts, self.courts, self.closed)


def build_annual_report(*, authority: str, year: int, outlines: Sequence[ConsultationOutline],
                        contributions: dict[str, Sequence[Contribution]], facts: AnnualFacts | None,
                        generated_at: datetime) -> AnnualReport:
    """``contributions`` by consultation id; only the authority's consultations and the year's recommendations
    count. ``facts`` must be for the same authority and year (without it, those items are reported as not given)."""
    if facts is not None and (facts.authority.casefold() != authority.casefold() or facts.year != year):
        raise InputError(f"the facts file is for {facts.authority} {facts.year}, not {authority} {year}",
                         location=Location(key="authority"))
    given = facts or AnnualFacts(authority=authority, year=year)
    years: list[ConsultationYear] = []
    for outline in outlines:
        if outline.authority.casefold() != authority.casefold():
            continue
        chosen = [c for c in contributions.get(outline.id, ()) if c.duplicate_of is None
                  and c.submitted_at.astimezone(LOCAL_TIME).year == year]
        if not chosen and not (outline.recommendations_until and outline.recommendations_until.year == year):
            continue
        count = {s: sum(1 for c in chosen if c.status == s) for s in ("accepted", "partly", "rejected", "pending")}
        years.append(ConsultationYear(outline, len(chosen), count["accepted"] + count["partly"], **count))
    received = sum(y.received for y in years)
    included = sum(y.included for y in years)
    missing = "(necompletat)" if facts is None else None
    rows: list[tuple[Cell, ...]] = [
        ("—", "Proiecte de acte normative supuse consultării (din registru)", len(years)),
        ("—", "Acte normative adoptate", missing or len(given.acts_adopted)),
        ("a)", "Numărul total al recomandărilor primite", received),
        ("b)", "Numărul total al recomandărilor incluse în proiectele de acte normative și în conținutul "
               "deciziilor luate", included),
        ("c)", "Numărul participanților la ședințele publice", missing or given.public_meeting_participants),
        ("—", "Numărul ședințelor publice", missing or given.public_meetings),
        ("d)", "Numărul dezbaterilor publice organizate pe marginea proiectelor de acte normative",
         missing or given.debates),
        ("e)", "Numărul cazurilor în care autoritatea a fost acționată în justiție pentru nerespectarea legii",
         missing or len(given.court_actions)),
        ("f)", "Evaluarea proprie a parteneriatului cu cetățenii și asociațiile legal constituite ale acestora",
         missing or given.partnership_assessment or "(necompletat)"),
        ("g)", "Numărul ședințelor care nu au fost publice", missing or len(given.meetings_not_public)),
    ]
    items = Table("Art. 13", "Elementele raportului (art. 13 alin. (1) lit. a)–g) din Legea nr. 52/2003)",
                  (Column("Lit."), Column("Element"), Column("Valoare")), tuple(rows))
    consultations = Table("Consultări", "Recomandări pe proiecte consultate",
                          (Column("Proiectul"), Column("Termen recomandări", "date"), Column("Primite", "int"),
                           Column("Incluse", "int"), Column("Acceptate", "int"), Column("Acceptate parțial", "int"),
                           Column("Respinse", "int"), Column("Fără răspuns", "int")),
                          tuple((y.outline.title, y.outline.recommendations_until, y.received, y.included,
                                 y.accepted, y.partly, y.rejected, y.pending) for y in years))
    acts = Table("Acte adoptate", "Acte normative adoptate",
                 (Column("Actul"), Column("Data", "date"), Column("Consultarea")),
                 tuple((a.title, a.date, a.consultation or "") for a in given.acts_adopted))
    courts = Table("Acțiuni în justiție", "Acțiuni în justiție pentru nerespectarea Legii nr. 52/2003 (lit. e)",
                   (Column("Dosarul"), Column("Obiectul"), Column("Stadiul")),
                   tuple((a.case, a.subject, a.status) for a in given.court_actions))
    closed = Table("Ședințe nepublice", "Ședințe care nu au fost publice și motivul restricționării (lit. g)",
                   (Column("Data", "date"), Column("Subiectul"), Column("Motivul")),
                   tuple((m.date, m.subject, m.reason) for m in given.meetings_not_public))
    return AnnualReport(authority, year, generated_at, given, items, consultations, acts, courts, closed)
