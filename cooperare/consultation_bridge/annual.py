"""The annual report on decisional transparency of one authority (art. 13 of Legea nr. 52/2003), as data.

Art. 13 alin. (1) asks for at least: a) the recommendations received; b) those included in the drafts and decisions;
c) the participants at public meetings; d) the public debates organised on drafts; e) the court actions against the
authority for breaking the law; f) the authority's own evaluation of its partnership with citizens and their
associations; g) the meetings that were not public and why. The register answers a) and b) (and the consultations
of the year, their debate requests); the rest comes from a small YAML the authority fills (:func:`load_annual_input`:
acts adopted, public meetings with participants, public debates, meetings not made public and the reason, court
actions, the evaluation). :func:`build_annual_report` returns plain tables for the PDF and XLSX renderers. This
module must not write files or talk to Moodle.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from cooperare.config.loader import build, checked, load_yaml
from cooperare.consultation_bridge.calendar import LAW_SHORT
from cooperare.consultation_bridge.model import Consultation
from cooperare.consultation_bridge.register import LOCAL_TIME
from cooperare.consultation_bridge.synthesis import non_empty
from cooperare.errors import InputError
from cooperare.reports.certification import Cell, Column, Table
from cooperare.store.consultation import Contribution, DebateRequest


def _count(value: int) -> int:
    if value < 0:
        raise ValueError("must not be negative")
    return value


@dataclass(frozen=True)
class Act:
    title: str = checked(non_empty)
    date: date | None = None
    consultation: str | None = None


@dataclass(frozen=True)
class Meeting:
    date: date
    subject: str = checked(non_empty)
    participants: int = checked(_count, default=0)


@dataclass(frozen=True)
class ClosedMeeting:
    date: date
    subject: str = checked(non_empty)
    reason: str = checked(non_empty)


@dataclass(frozen=True)
class PublicDebate:
    date: date
    subject: str = checked(non_empty)
    participants: int = checked(_count, default=0)
    consultation: str | None = None


@dataclass(frozen=True)
class CourtAction:
    description: str = checked(non_empty)
    status: str = checked(non_empty)


@dataclass(frozen=True)
class AnnualInput:
    """What only the authority knows (see the module docstring)."""

    year: int
    authority: str | None = None
    acts_adopted: tuple[Act, ...] = ()
    public_meetings: tuple[Meeting, ...] = ()
    public_debates: tuple[PublicDebate, ...] = ()
    meetings_not_public: tuple[ClosedMeeting, ...] = ()
    court_actions: tuple[CourtAction, ...] = ()
    partnership_evaluation: str | None = None


def load_annual_input(path: Path) -> AnnualInput:
    """The authority's YAML; unknown keys and wrong types refused with file, line and key."""
    data, locator = load_yaml(path)
    return build(AnnualInput, data or {}, locator=locator)


@dataclass(frozen=True)
class AnnualReport:
    authority: str
    year: int
    generated_at: datetime
    report: Table
    consultations: Table
    details: tuple[Table, ...]
    evaluation: str

    @property
    def tables(self) -> tuple[Table, ...]:
        evaluation = Table("evaluare", "Evaluarea proprie a parteneriatului (art. 13 alin. (1) lit. f))",
                           (Column("Evaluare"),), ((self.evaluation,),))
        return (self.report, self.consultations, *self.details, evaluation)


def _local_year(moment: datetime) -> int:
    return moment.astimezone(LOCAL_TIME).year


def build_annual_report(*, authority: str, year: int, consultations: Sequence[Consultation],
                        contributions: Sequence[Contribution], requests: dict[str, Sequence[DebateRequest]],
                        given: AnnualInput, generated_at: datetime) -> AnnualReport:
    """The art. 13 report of ``authority`` for ``year``: ``consultations`` are that authority's, ``contributions``
    and ``requests`` their rows of the register (only those of ``year`` are counted)."""
    if given.year != year:
        raise InputError(f"the report input is for {given.year}, not {year}")
    if given.authority is not None and given.authority.casefold() != authority.casefold():
        raise InputError(f"the report input is for {given.authority!r}, not {authority!r}")
    received = [c for c in contributions if _local_year(c.submitted_at) == year]
    distinct = [c for c in received if c.duplicate_of is None]
    answers = Counter(c.answer for c in distinct)
    included = answers.get("accepted", 0) + answers.get("partly", 0)
    announced = [c for c in consultations if c.announced.year == year]
    debates = len(given.public_debates)
    closed = given.meetings_not_public
    rows: list[tuple[Cell, ...]] = [
        ("Proiecte de acte normative / decizii supuse consultării publice (anunțate în an)", len(announced), "art. 7"),
        ("Acte normative adoptate în an", len(given.acts_adopted), "—"),
        ("Numărul total al recomandărilor primite", len(received), "art. 13 alin. (1) lit. a)"),
        ("– din care distincte (recomandări identice ale aceleiași persoane contopite)", len(distinct), ""),
        ("Numărul total al recomandărilor incluse în proiectele de acte normative și în conținutul deciziilor luate",
         included, "art. 13 alin. (1) lit. b)"),
        ("– din care acceptate integral / parțial",
         f"{answers.get('accepted', 0)} / {answers.get('partly', 0)}", ""),
        ("– recomandări respinse (cu motivare) / fără răspuns încă",
         f"{answers.get('rejected', 0)} / {answers.get('pending', 0)}", ""),
        ("Numărul participanților la ședințele publice", sum(m.participants for m in given.public_meetings),
         "art. 13 alin. (1) lit. c)"),
        ("Numărul dezbaterilor publice organizate pe marginea proiectelor de acte normative", debates,
         "art. 13 alin. (1) lit. d)"),
        ("– cereri scrise de dezbatere publică primite",
         sum(1 for items in requests.values() for r in items if _local_year(r.submitted_at) == year),
         "art. 7 alin. (9)"),
        ("Cazuri în care autoritatea a fost acționată în justiție pentru nerespectarea legii",
         len(given.court_actions), "art. 13 alin. (1) lit. e)"),
        ("Evaluarea proprie a parteneriatului cu cetățenii și asociațiile legal constituite",
         "vezi mai jos" if given.partnership_evaluation else "necompletată", "art. 13 alin. (1) lit. f)"),
        ("Numărul ședințelor care nu au fost publice (motivele: în tabelul dedicat)", len(closed),
         "art. 13 alin. (1) lit. g)"),
    ]
    report = Table("raport", f"Raportul anual privind transparența decizională – {year}",
                   (Column("Indicator"), Column("Valoare"), Column("Temei")),
                   tuple((label, str(value), basis) for label, value, basis in rows))
    per = {c.id: [r for r in received if r.consultation_id == c.id] for c in consultations}
    consultation_rows = []
    for item in consultations:
        mine = per[item.id]
        if not mine and item.announced.year != year:
            continue
        counted = Counter(r.answer for r in mine if r.duplicate_of is None)
        consultation_rows.append((item.id, item.title, item.announced, item.calendar.recommendations_until,
                                  len(mine), counted.get("accepted", 0), counted.get("partly", 0),
                                  counted.get("rejected", 0), counted.get("pending", 0),
                                  len(requests.get(item.id, ()))))
    table = Table("consultari", "Consultările publice ale anului", (
        Column("Cod"), Column("Titlu"), Column("Anunțată la", "date"), Column("Termen recomandări", "date"),
        Column("Primite", "int"), Column("Acceptate", "int"), Column("Acceptate parțial", "int"),
        Column("Respinse", "int"), Column("Fără răspuns", "int"), Column("Cereri dezbatere", "int")),
        tuple(consultation_rows))
    details = (
        Table("acte", "Acte normative adoptate", (Column("Act"), Column("Data", "date"), Column("Consultarea")),
              tuple((a.title, a.date, a.consultation or "") for a in given.acts_adopted)),
        Table("sedinte", "Ședințe publice și participanți", (Column("Data", "date"), Column("Subiect"),
                                                            Column("Participanți", "int")),
              tuple((m.date, m.subject, m.participants) for m in given.public_meetings)),
        Table("dezbateri", "Dezbateri publice organizate", (Column("Data", "date"), Column("Subiect"),
                                                           Column("Participanți", "int"), Column("Consultarea")),
              tuple((d.date, d.subject, d.participants, d.consultation or "") for d in given.public_debates)),
        Table("nepublice", "Ședințe care nu au fost publice și motivul restricționării accesului",
              (Column("Data", "date"), Column("Subiect"), Column("Motivul")),
              tuple((m.date, m.subject, m.reason) for m in closed)),
        Table("justitie", f"Acțiuni în justiție pentru nerespectarea {LAW_SHORT}",
              (Column("Cauza"), Column("Stadiul")), tuple((a.description, a.status) for a in given.court_actions)),
    )
    return AnnualReport(authority, year, generated_at, report, table, details,
                        given.partnership_evaluation or "Autoritatea nu a completat evaluarea.")
