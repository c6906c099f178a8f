"""The national study and the commune scorecards as data: response rate, distributions, breakdowns, strengths and
gaps, progress between waves. Built from responses and the list of communes only; pure (no files, no clock: the
caller passes ``generated_at``). Tables are :class:`cooperare.reports.certification.Table` values, so the existing
XLSX/CSV writers lay them out; the PDF renderers in :mod:`cooperare.reports.diagnostic_pdf` draw the rest.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from cooperare.collation import romanian_key
from cooperare.diagnostic.instrument import DMA_DIMENSIONS, Instrument
from cooperare.diagnostic.offer import Offer
from cooperare.diagnostic.responses import Response, Superseded, latest
from cooperare.diagnostic.scoring import (
    BANDS,
    Action,
    Scored,
    band_label,
    change,
    gain,
    item_score,
    score_response,
    top_actions,
)
from cooperare.reports.certification import Cell, Column, Table
from cooperare.territory import Commune, counties

POPULATION_LABELS = {"sub2000": "sub 2.000", "2000_4999": "2.000–4.999", "5000_9999": "5.000–9.999",
                     "peste10000": "10.000 și peste"}
UNDECLARED = "nedeclarată"
SHORT_TITLES = {"strategie": "Strategie", "pregatire": "Pregătire", "uman": "Centrare pe om",
                "date": "Date, securitate", "interoperabilitate": "Interoperab.", "verde": "Verde",
                "comuna": "Modul comunal"}
BASE_WAVE = "T0"
OFFER_HEADING = "Ce oferă formarea și manualul"
WEAKEST = 2
"""How many of a commune's weakest dimensions its scorecard names the manual's chapters and the course modules for."""


@dataclass(frozen=True)
class CommuneResult:
    commune: Commune
    response: Response
    scored: Scored
    population: str
    followup: Scored | None = None
    followup_response: Response | None = None


@dataclass(frozen=True)
class Study:
    instrument: Instrument
    generated_at: datetime
    universe: int
    results: tuple[CommuneResult, ...]
    superseded: tuple[Superseded, ...]
    unknown: tuple[int, ...]
    national: Mapping[str, float | None]
    by_county: Mapping[str, Mapping[str, float | None]]
    item_means: Mapping[str, float]
    tables: tuple[Table, ...]
    offer: Offer | None = None
    without_base: tuple[tuple[int, tuple[str, ...]], ...] = ()
    """Communes that answered only a later wave (SIRUTA, waves): no first measurement to score progress against,
    so they are left out of the scores and listed on their own."""

    @property
    def responded(self) -> int:
        return len(self.results)

    def result(self, siruta: int) -> CommuneResult:
        for r in self.results:
            if r.commune.siruta == siruta:
                return r
        raise KeyError(siruta)


def section_titles(instrument: Instrument) -> dict[str, str]:
    return {s.key: s.title for s in instrument.sections} | {"overall": "Scor general"}


def _mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def _means(scored: Sequence[Scored], keys: Sequence[str]) -> dict[str, float | None]:
    out: dict[str, float | None] = {k: _mean(s.section(k).score for s in scored) for k in keys}
    out["overall"] = _mean(s.overall for s in scored)
    return out


def build_study(instrument: Instrument, responses: Iterable[Response], universe: Sequence[Commune], *,
                generated_at: datetime, programmes: Mapping[str, str] | None = None,
                offer: Offer | None = None) -> Study:
    """Score the latest response of each commune per wave and aggregate them (see the module docstring). With
    ``offer`` (:func:`cooperare.diagnostic.offer.load_offer`), the gaps name the manual's chapters and the course
    modules that address them, and the study has the table „Ce oferă formarea și manualul”."""
    programmes = programmes or {}
    known = {c.siruta: c for c in universe}
    kept, superseded = latest(r for r in responses if r.version == instrument.version)
    waves: dict[int, dict[str, Response]] = defaultdict(dict)
    unknown: list[int] = []
    for response in kept:
        if response.siruta not in known:
            unknown.append(response.siruta)
            continue
        waves[response.siruta][response.wave] = response
    results: list[CommuneResult] = []
    without_base: list[tuple[int, tuple[str, ...]]] = []
    for siruta in sorted(waves):
        base = waves[siruta].get(BASE_WAVE)
        if base is None:
            without_base.append((siruta, tuple(sorted(waves[siruta]))))
            continue
        later = sorted(w for w in waves[siruta] if w != BASE_WAVE)
        again = waves[siruta][later[-1]] if later else None
        followup = score_response(instrument, again) if again else None
        population = base.answers.get("p_populatie")
        results.append(CommuneResult(known[siruta], base, score_response(instrument, base),
                                     population if isinstance(population, str) else UNDECLARED, followup, again))
    keys = [s.key for s in instrument.sections]
    national = _means([r.scored for r in results], keys)
    grouped: dict[str, list[CommuneResult]] = defaultdict(list)
    for r in results:
        grouped[r.commune.county_code].append(r)
    by_county = {code: _means([r.scored for r in items], keys) for code, items in grouped.items()}
    item_values: dict[str, list[float]] = defaultdict(list)
    for r in results:
        for section in instrument.sections:
            for q in section.questions:
                s = item_score(q, r.response.answers.get(q.id))
                if s is not None:
                    item_values[q.id].append(s)
    item_means = {qid: sum(v) / len(v) for qid, v in item_values.items()}
    partial = Study(instrument, generated_at, len(universe), tuple(results), tuple(superseded), tuple(unknown),
                    national, by_county, item_means, (), offer, tuple(without_base))
    tables = _tables(partial, grouped, universe, programmes)
    return Study(instrument, generated_at, len(universe), tuple(results), tuple(superseded), tuple(unknown),
                 national, by_county, item_means, tables, offer, tuple(without_base))


def _score_columns(instrument: Instrument) -> tuple[Column, ...]:
    return tuple(Column(SHORT_TITLES.get(s.key, s.title), "score") for s in instrument.sections) + \
        (Column("Scor general", "score"),)


def _score_cells(means: Mapping[str, float | None], instrument: Instrument) -> tuple[Cell, ...]:
    return tuple(means.get(s.key) for s in instrument.sections) + (means.get("overall"),)


def _tables(study: Study, grouped: Mapping[str, list[CommuneResult]], universe: Sequence[Commune],
            programmes: Mapping[str, str]) -> tuple[Table, ...]:
    ins = study.instrument
    per_county_total: dict[str, int] = defaultdict(int)
    for c in universe:
        per_county_total[c.county_code] += 1
    summary = Table("rezumat", "Rezumat", (Column("Indicator"), Column("Valoare")), (
        ("Versiunea instrumentului", ins.version),
        ("Comune în țară", str(study.universe)),
        ("Comune care au răspuns", str(study.responded)),
        ("Rata de răspuns", _pct(study.responded / study.universe if study.universe else 0.0)),
        ("Răspunsuri înlocuite (comuna a răspuns din nou)", str(len(study.superseded))),
        (f"Comune fără răspuns la {BASE_WAVE} (lăsate deoparte)", str(len(study.without_base))),
        ("Scor general mediu", _fmt(study.national.get("overall"))),
        ("Comune fără scor general (răspunsuri insuficiente)", str(sum(r.scored.overall is None
                                                                       for r in study.results))),
    ))
    band_rows = []
    for s in ins.sections:
        values = [r.scored.section(s.key).score for r in study.results]
        present = [v for v in values if v is not None]
        counts = [sum(1 for v in present if _band_index(v) == i) for i in range(len(BANDS))]
        band_rows.append((s.title, len(present), *counts,
                          statistics.median(present) if present else None, _mean(present)))
    distribution = Table("distributie", "Distribuția pe dimensiuni (număr de comune pe nivel de maturitate)",
                         (Column("Dimensiune"), Column("Cu scor", "int"),
                          *(Column(label, "int") for _u, _k, label in BANDS),
                          Column("Mediana", "score"), Column("Media", "score")), tuple(band_rows))
    county_rows = []
    for county in sorted(counties(), key=lambda c: romanian_key(c.name)):  # Călărași after Buzău, as a reader looks
        if not county.has_communes:
            continue
        items = grouped.get(county.code, [])
        total = per_county_total.get(county.code, 0)
        county_rows.append((county.name, total, len(items), len(items) / total if total else 0.0,
                            *_score_cells(study.by_county.get(county.code, {}), ins)))
    by_county = Table("judete", "Pe județe", (Column("Județ"), Column("Comune", "int"), Column("Au răspuns", "int"),
                                             Column("Rata", "percent"), *_score_columns(ins)), tuple(county_rows))
    by_size: dict[str, list[Scored]] = defaultdict(list)
    for r in study.results:
        by_size[r.population].append(r.scored)
    size_rows = tuple((POPULATION_LABELS.get(k, k), len(by_size[k]),
                       *_score_cells(_means(by_size[k], [s.key for s in ins.sections]), ins))
                      for k in [*POPULATION_LABELS, UNDECLARED] if by_size.get(k))
    by_size_table = Table("populatie", "Pe mărimea comunei (locuitori)",
                          (Column("Populație"), Column("Comune", "int"), *_score_columns(ins)), size_rows)
    ranked = sorted(study.item_means.items(), key=lambda kv: kv[1])
    titles = section_titles(ins)

    def points(qid: str, mean: float) -> float:
        """Points of the overall score if every commune did it (as a scorecard's actions are ranked)."""
        return gain(ins.section_of(qid), ins.question(qid), mean)

    def item_row(qid: str, mean: float) -> tuple[Cell, ...]:
        q = ins.question(qid)
        section = ins.section_of(qid).key
        found = study.offer.for_question(qid, section) if study.offer else None
        if found is None:
            return (titles[section], q.text, mean, q.action, programmes.get(q.training, q.training), "",
                    points(qid, mean))
        return (titles[section], q.text, mean, q.action, "\n".join(found.lines()[1:]), found.manual_line(),
                points(qid, mean))

    item_columns = (Column("Dimensiune"), Column("Întrebare"), Column("Nivel mediu", "percent"),
                    Column("Ce se poate face"), Column("Formarea"), Column("Manualul de digitalizare"),
                    Column("Puncte în scorul general", "score"))
    strengths = Table("puncte_tari", "Puncte tari (cele mai bine îndeplinite practici)", item_columns,
                      tuple(item_row(q, m) for q, m in reversed(ranked[-5:])))
    # the gaps that weigh most: a practice few communes have but that counts little in its dimension (one of the
    # DMA's eight advanced technologies, say) comes after one that would raise the score more
    weighty = sorted(study.item_means.items(), key=lambda kv: (-points(*kv), kv[1], kv[0]))
    gaps = Table("lipsuri", "Lipsuri (practicile care ar ridica cel mai mult scorul general) și ce răspunde formarea",
                 item_columns, tuple(item_row(q, m) for q, m in weighty[:8]))
    progress_rows = []
    for r in study.results:
        if r.followup is None:
            continue
        delta = change(r.scored, r.followup)
        progress_rows.append((r.commune.name, r.commune.county_name, r.followup.wave,
                              *(delta[s.key] for s in ins.sections), delta["overall"]))
    progress = Table("progres", "Progres între valuri (T1 − T0)",
                     (Column("Comuna"), Column("Județ"), Column("Val"), *_score_columns(ins)), tuple(progress_rows))
    named = {c.siruta: c for c in universe}
    replaced = Table("inlocuite", "Comune care au răspuns de mai multe ori (contează răspunsul cel mai recent)",
                     (Column("Comuna"), Column("Județ"), Column("SIRUTA", "int"), Column("Val"),
                      Column("Răspuns înlocuit"), Column("Răspuns păstrat"), Column("Sursa răspunsului înlocuit")),
                     tuple((named[s.siruta].name if s.siruta in named else "–",
                            named[s.siruta].county_name if s.siruta in named else "–",
                            s.siruta, s.wave, f"{s.dropped_at:%d.%m.%Y %H:%M}", f"{s.kept_at:%d.%m.%Y %H:%M}",
                            source_label(s.source)) for s in study.superseded))
    later_only = Table("fara_t0", f"Comune care au răspuns doar la un val ulterior, fără {BASE_WAVE} (lăsate în afara "
                       "scorurilor: nu au măsurarea de pornire)",
                       (Column("Comuna"), Column("Județ"), Column("SIRUTA", "int"), Column("Valuri")),
                       tuple((named[siruta].name, named[siruta].county_name, siruta, ", ".join(waves))
                             for siruta, waves in study.without_base if siruta in named))
    communes_table = Table("comune", "Scorurile comunelor",
                           (Column("SIRUTA", "int"), Column("Comuna"), Column("Județ"), Column("Populație"),
                            *_score_columns(ins), Column("Nivel")),
                           tuple((r.commune.siruta, r.commune.name, r.commune.county_name,
                                  POPULATION_LABELS.get(r.population, r.population),
                                  *(r.scored.section(s.key).score for s in ins.sections), r.scored.overall,
                                  band_label(r.scored.band)) for r in study.results))
    offer_rows = tuple((s.title, found.offer, "\n".join(c.short for c in found.chapters),
                        "\n".join(f"{line} ({url})" if url else line for line, url, _t in found.courses()))
                       for s in ins.sections if study.offer and (found := study.offer.for_section(s.key)))
    offer = Table("oferta", OFFER_HEADING, (Column("Dimensiune"), Column("Ce găsiți"),
                                            Column("Manualul de digitalizare"), Column("Formarea (curs, modul)")),
                  offer_rows)
    return (summary, distribution, by_county, by_size_table, strengths, gaps, *((offer,) if offer_rows else ()),
            progress, replaced, later_only, communes_table)


def source_label(source: str) -> str:
    """Where a response came from, in Romanian words for the study's readers (the raw source stays in the store)."""
    if source.startswith("moodle:"):
        return "chestionarul din Moodle"
    if source.startswith("form:"):
        return f"formular offline ({source.removeprefix('form:')})"
    if source == "generated":
        return "date sintetice (demonstrație)"
    return source or "–"


def _band_index(score: float) -> int:
    for index, (upper, _k, _l) in enumerate(BANDS):
        if score <= upper:
            return index
    return len(BANDS) - 1


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}".replace(".", ",")


def _pct(value: float) -> str:
    return f"{value * 100:.1f}%".replace(".", ",")


@dataclass(frozen=True)
class Scorecard:
    result: CommuneResult
    county: Mapping[str, float | None]
    national: Mapping[str, float | None]
    actions: tuple[Action, ...]
    progress: Mapping[str, float | None] | None
    weakest: tuple[str, ...] = ()
    """The commune's lowest-scoring DMA dimensions (keys, lowest first; dimensions without a score left out)."""


def scorecard(study: Study, siruta: int) -> Scorecard:
    """One commune's scores against its county and the country, its three best actions and its progress."""
    r = study.result(siruta)
    response = r.followup_response or r.response
    scored = r.followup or r.scored
    ranked = sorted(((score, index, key) for index, key in enumerate(DMA_DIMENSIONS)
                     if (score := scored.section(key).score) is not None))
    return Scorecard(r, study.by_county.get(r.commune.county_code, {}), study.national,
                     tuple(top_actions(study.instrument, response, count=3)),
                     change(r.scored, r.followup) if r.followup else None,
                     tuple(key for _s, _i, key in ranked[:WEAKEST]))


__all__ = ["DMA_DIMENSIONS", "OFFER_HEADING", "CommuneResult", "Scorecard", "Study", "build_study", "scorecard",
           "section_titles"]
