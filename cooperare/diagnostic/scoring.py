"""Scoring one response, as documented in docs/diagnostic.md: pure functions, no I/O, no clock.

Item score ``s`` in [0, 1]: single choice = option score / best option score; multi choice = ticked options /
all options; scale = (value − min) / (max − min); yes/no = 1 or 0. A missing answer has no item score.
Section score = 100 · Σ w·s / Σ w over the *answered* scored questions, reported only when the answered weight is
at least the instrument's ``coverage`` share of the section's weight; otherwise the section is "insufficient" (None).
Overall = the mean of the six DMA dimension scores, only when all six have a score. Bands follow the DMA's
interpretation (see :data:`BANDS`). This module must not read files, the store or Moodle.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cooperare.diagnostic.instrument import DMA_DIMENSIONS, Dimension, Instrument, Question
from cooperare.diagnostic.responses import Answer, Response, is_missing
from cooperare.errors import InputError

BANDS: tuple[tuple[float, str, str], ...] = (
    (25.0, "basic", "De bază"),
    (50.0, "average", "Mediu"),
    (75.0, "moderate", "Moderat avansat"),
    (100.0, "advanced", "Avansat"),
)
"""Upper bound (inclusive), key and Romanian label of each maturity band."""


def band_legend() -> str:
    """The bands in words, for readers of decimal scores: 25.3 is "peste 25", so it is Mediu, not De bază."""
    parts, lower = [], None
    for upper, _key, label in BANDS:
        label = label[0].lower() + label[1:]
        if lower is None:
            parts.append(f"0–{upper:g} {label}")
        elif upper >= 100:
            parts.append(f"peste {lower:g} {label}")
        else:
            parts.append(f"peste {lower:g} până la {upper:g} {label}")
        lower = upper
    return "Niveluri: " + ", ".join(parts) + "."


@dataclass(frozen=True)
class SectionScore:
    key: str
    score: float | None
    answered_weight: float
    total_weight: float
    missing: tuple[str, ...]

    @property
    def coverage(self) -> float:
        return self.answered_weight / self.total_weight if self.total_weight else 0.0


@dataclass(frozen=True)
class Action:
    question: str
    section: str
    text: str
    gain: float
    training: str = ""
    missing: tuple[str, ...] = ()
    """For a checklist (multi-choice) question: the practices not ticked, in the instrument's order."""


@dataclass(frozen=True)
class Scored:
    siruta: int
    wave: str
    version: str
    sections: tuple[SectionScore, ...]
    overall: float | None

    def section(self, key: str) -> SectionScore:
        return next(s for s in self.sections if s.key == key)

    @property
    def band(self) -> str | None:
        return band_of(self.overall)


def band_of(score: float | None) -> str | None:
    """The band key of a 0–100 score (None for None)."""
    if score is None:
        return None
    for upper, key, _label in BANDS:
        if score <= upper:
            return key
    return BANDS[-1][1]


def band_label(key: str | None) -> str:
    return next((label for _u, k, label in BANDS if k == key), "insuficient")


def item_score(question: Question, value: Answer) -> float | None:
    """The item score in [0, 1], or None for a missing answer."""
    if is_missing(value):
        return None
    if question.type == "single":
        best = max(o.score or 0.0 for o in question.options)
        option = question.option(str(value))
        if option is None:
            raise InputError(f"question {question.id}: {value!r} is not one of its options")
        return (option.score or 0.0) / best
    if question.type == "multi":
        if not isinstance(value, tuple):
            raise InputError(f"question {question.id}: expected a list of options")
        keys = {o.key for o in question.options}
        return len(set(value) & keys) / len(keys)
    if question.type == "scale":
        assert question.scale is not None
        low, high = question.scale.min, question.scale.max
        return (float(value) - low) / (high - low)  # type: ignore[arg-type]
    if question.type == "yes_no":
        return 1.0 if value is True else 0.0
    raise InputError(f"question {question.id} is not scored")


def score_section(section: Dimension, answers: Mapping[str, Answer], *, coverage: float) -> SectionScore:
    """One section's score (see the module docstring)."""
    get = answers.get
    total = answered = points = 0.0
    missing: list[str] = []
    for q in section.questions:
        if not q.scored:
            continue
        total += q.weight
        s = item_score(q, get(q.id))
        if s is None:
            missing.append(q.id)
            continue
        answered += q.weight
        points += q.weight * s
    enough = total > 0 and answered >= coverage * total - 1e-9 and answered > 0
    return SectionScore(section.key, 100.0 * points / answered if enough else None, answered, total,
                        tuple(missing))


def score_response(instrument: Instrument, response: Response) -> Scored:
    """Every section's score and the overall score of one response."""
    if response.version != instrument.version:
        raise InputError(f"commune {response.siruta} answered instrument {response.version}, not "
                         f"{instrument.version}", hint="score a response with the instrument it answered")
    sections = tuple(score_section(s, response.answers, coverage=instrument.coverage) for s in instrument.sections)
    dma = [s.score for s in sections if s.key in DMA_DIMENSIONS]
    overall = sum(dma) / len(dma) if all(v is not None for v in dma) else None  # type: ignore[misc]
    return Scored(response.siruta, response.wave, instrument.version, sections, overall)


def gain(section: Dimension, question: Question, s: float) -> float:
    """Points of the overall score that answering ``question`` best would add, from item score ``s``:
    ``100 · w · (1 − s) / W_section / 6`` (for the commune module, points of its score divided by 6)."""
    total = sum(q.weight for q in section.questions if q.scored)
    return 100.0 * question.weight * (1.0 - s) / total / len(DMA_DIMENSIONS)


def top_actions(instrument: Instrument, response: Response, *, count: int = 3) -> list[Action]:
    """The ``count`` actions that would raise the overall score most: the best answer to a question not at its
    best (a missing answer counts as 0 here), gain = 100 · w · (1 − s) / W_section / 6 points."""
    found: list[Action] = []
    for section in instrument.sections:
        for q in section.questions:
            if not q.scored:
                continue
            value = response.answers.get(q.id)
            s = item_score(q, value) or 0.0
            if s < 1.0:
                points = gain(section, q, s)
                # the practices not ticked, only for a checklist answered ("Nu știu" or no answer names none)
                missing = tuple(o.text for o in q.options if o.key not in set(value)) \
                    if q.type == "multi" and isinstance(value, tuple) else ()
                found.append(Action(q.id, section.key, q.action, points, q.training, missing))
    found.sort(key=lambda a: (-a.gain, a.question))
    return found[:count]


def change(before: Scored, after: Scored) -> dict[str, float | None]:
    """Per section and ``overall``: after − before (None where either lacks a score)."""
    result: dict[str, float | None] = {}
    for section in after.sections:
        old = next((s.score for s in before.sections if s.key == section.key), None)
        result[section.key] = None if old is None or section.score is None else section.score - old
    result["overall"] = None if before.overall is None or after.overall is None else after.overall - before.overall
    return result
