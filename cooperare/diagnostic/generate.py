"""Plausible synthetic responses for tests, the demo and benchmarks: real communes, invented answers.

Communes come from :mod:`cooperare.territory` (real names, SIRUTA codes and counties). The shipped source has no
population, so each commune gets an invented population band (most communes are small). Answers are correlated
through a latent maturity per commune (a county effect + a size effect + noise) and a per-dimension offset, so a
commune that publishes its Monitorul Oficial Local tends also to take online payments. A few answers are "nu știu",
a few communes answer twice (the later must win) and ``followup`` communes also answer a second wave (T1): the
same town hall a year on, so most answers stay, some improve (its maturity rises by about half a unit) and a few
slip — progress a mayor would recognise, not a second, unrelated commune. ``pilots`` names communes (SIRUTA codes)
that are always among the communes and always answer T1 (the demo's pilot city halls), besides ``followup`` random
ones.

Dates: without ``today`` the T0 answers fall in the 40 days from :data:`START` and a T1 comes 300 days after its T0.
With ``today`` (the demo passes its run date) nothing is later than it: the T0 answers fall in 40 days about a year
earlier (:data:`T0_DAYS_BEFORE` days before ``today`` onwards) and each T1 in the 4 weeks before ``today``. Seeded:
the same seed (and ``today``) gives the same responses. This module must not write anything.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cooperare.diagnostic.instrument import Instrument
from cooperare.diagnostic.responses import DONT_KNOW, Answer, Response
from cooperare.diagnostic.scoring import item_score
from cooperare.territory import Commune, communes

BANDS = (("sub2000", 0.30, -0.3, 1500), ("2000_4999", 0.47, 0.0, 3200), ("5000_9999", 0.19, 0.35, 6500),
         ("peste10000", 0.04, 0.7, 12000))
START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
T0_DAYS_BEFORE = 390
"""With ``today``: the T0 answers start this many days before it (and last 40 days, so about a year before)."""
T1_WINDOW = (timedelta(days=2), timedelta(days=28))
"""With ``today``: a T1 answer comes between these two spans before it."""
SOURCE = "generated"
RARE: dict[str, float] = {
    # How much harder than the rest of its dimension a practice is for a rural town hall (a shift of the latent
    # maturity; no entry is 0). Instrument 2027.1 asks, after the DMA, how far each advanced technology has got (0–5):
    # a commune at "in operation" with blockchain or virtual reality is not plausible, security tools and cloud are.
    "r18_1": -2.5, "r18_2": -1.5, "r18_3": -1.0, "r18_4": -3.5, "r18_5": -0.3, "r18_6": -3.0, "r18_7": -2.0,
    "r18_8": -2.0,
    "s16_plan": 0.4, "s16_investit": -0.3, "i23_plan": 0.3, "i23_aplicat": -0.5,
}


@dataclass(frozen=True)
class Generated:
    responses: list[Response]
    communes: list[Commune]


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def generate(instrument: Instrument, *, count: int, seed: int, followup: int = 0, pilots: Sequence[int] = (),
             today: datetime | None = None, duplicates: float = 0.01, dont_know: float = 0.03) -> Generated:
    """``count`` communes (distinct, drawn from all 2,862, ``pilots`` among them), each with a T0 response; see the
    module docstring."""
    rng = random.Random(seed)
    every = list(communes())
    wanted = list(dict.fromkeys(pilots))
    forced = [c for c in every if c.siruta in set(wanted)]
    if len(forced) != len(wanted):
        unknown = sorted(set(wanted) - {c.siruta for c in forced})
        raise ValueError(f"not communes' SIRUTA codes: {unknown}")
    others = [c for c in every if c.siruta not in set(wanted)]
    drawn = rng.sample(others, max(0, min(count, len(every)) - len(forced)))
    chosen = sorted(forced + drawn, key=lambda c: c.siruta)
    start = START if today is None else today - timedelta(days=T0_DAYS_BEFORE)
    county_effect: dict[str, float] = {}
    maturity: dict[int, float] = {}
    responses: list[Response] = []
    for commune in chosen:
        effect = county_effect.setdefault(commune.county_code, rng.gauss(0.0, 0.45))
        band, _share, size, people = rng.choices(BANDS, weights=[b[1] for b in BANDS])[0]
        theta = effect + size + rng.gauss(0.0, 0.8) - 0.2
        maturity[commune.siruta] = theta
        when = start + timedelta(minutes=rng.randrange(60 * 24 * 40))
        answers = _answers(instrument, rng, theta=theta, dont_know=dont_know)
        answers.update({"p_comuna": commune.name, "p_siruta": commune.siruta, "p_judet": commune.county_name,
                        "p_populatie": band, "p_personal": max(3, int(rng.gauss(people / 250, 3)))})
        responses.append(Response(commune.siruta, instrument.version, "T0", when, answers, SOURCE))
        if rng.random() < duplicates:
            again = _answers(instrument, rng, theta=theta + 0.1, dont_know=dont_know)
            again.update({k: v for k, v in answers.items() if k.startswith("p_")})
            responses.append(Response(commune.siruta, instrument.version, "T0",
                                      when + timedelta(days=rng.randrange(1, 10)), again, SOURCE))
    latest = {r.siruta: r for r in responses}  # a commune's later T0 answer is the one that counts
    pool = [r for r in responses if r.siruta not in set(wanted)]
    again = [latest[siruta] for siruta in wanted] + rng.sample(pool, min(followup, len(pool)))
    for response in again:
        fresh = _answers(instrument, rng, theta=maturity[response.siruta] + rng.gauss(0.5, 0.2), dont_know=0.0)
        later = _later(instrument, rng, before=response.answers, fresh=fresh)
        merged = {**{k: v for k, v in response.answers.items() if k.startswith("p_")}, **later}
        if today is None:
            when = response.submitted_at + timedelta(days=300)
        else:
            low, high = (int(span.total_seconds() // 60) for span in T1_WINDOW)
            when = today - timedelta(minutes=rng.randrange(low, high))
        responses.append(Response(response.siruta, instrument.version, "T1", when, merged, SOURCE))
    return Generated(responses, chosen)


def _later(instrument: Instrument, rng: random.Random, *, before: dict[str, Answer],
           fresh: dict[str, Answer]) -> dict[str, Answer]:
    """A year on: an answer known at T0 stays (60 %), or becomes the fresh draw's when that is better (30 %), or
    the fresh draw whatever it is (10 %, a practice dropped); a checklist keeps each practice (95 %) and takes about
    half of the fresh draw's new ones; an answer unknown at T0 is the fresh draw's."""
    out: dict[str, Answer] = {}
    for section in instrument.sections:
        for q in section.questions:
            old, new = before.get(q.id), fresh[q.id]
            old_score = item_score(q, old)
            if old_score is None:
                out[q.id] = new
                continue
            if q.type == "multi" and isinstance(old, tuple) and isinstance(new, tuple):
                # a checklist a year on: most practices stay (95 %), about half of the fresh draw's are added
                keep = {k for k in old if rng.random() < 0.95} | {k for k in new if k not in old and rng.random() < 0.5}
                out[q.id] = tuple(o.key for o in q.options if o.key in keep)
                continue
            roll = rng.random()
            if roll < 0.6:
                out[q.id] = old
            elif roll < 0.9:
                new_score = item_score(q, new)
                out[q.id] = new if new_score is not None and new_score > old_score else old
            else:
                out[q.id] = new
    return out


def _answers(instrument: Instrument, rng: random.Random, *, theta: float, dont_know: float) -> dict[str, Answer]:
    answers: dict[str, Answer] = {}
    for section in instrument.sections:
        local = theta + rng.gauss(0.0, 0.5) + (0.4 if section.key == "pregatire" else 0.0) \
            - (0.5 if section.key in ("verde", "interoperabilitate") else 0.0)
        for q in section.questions:
            if rng.random() < dont_know:
                answers[q.id] = DONT_KNOW
                continue
            p = _sigmoid(local + RARE.get(q.id, 0.0) + rng.gauss(0.0, 0.6))
            if q.type == "single":
                ranked = sorted(q.options, key=lambda o: o.score or 0.0)
                level = sum(rng.random() < p for _ in range(len(ranked) - 1))
                answers[q.id] = ranked[level].key
            elif q.type == "multi":
                answers[q.id] = tuple(o.key for o in q.options if rng.random() < p)
            elif q.type == "scale":
                assert q.scale is not None
                answers[q.id] = q.scale.min + sum(rng.random() < p for _ in range(q.scale.max - q.scale.min))
            else:
                answers[q.id] = rng.random() < p
    return answers
