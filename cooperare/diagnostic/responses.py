"""Responses to the diagnostic: one commune's answers at one wave (T0, T1…), checked against the instrument.

An answer is a str (single choice: the option key), a tuple of option keys (multi choice; an empty tuple is a real
answer: nothing ticked), an int (scale), a bool (yes/no), or for profile questions text or a number. A question
left out, answered ``None`` or answered "nu știu" (:data:`DONT_KNOW`) is *missing*, and scoring says so; it is
never read as zero. :func:`latest` keeps one response per commune and wave, the later one, and lists the ones it
set aside. This module must not score, read files or talk to Moodle.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cooperare.diagnostic.instrument import Question

DONT_KNOW = "nu_stiu"
DONT_KNOW_TEXT = "Nu știu"
Answer = str | int | float | bool | tuple[str, ...] | None


@dataclass(frozen=True)
class Response:
    siruta: int
    version: str
    wave: str
    submitted_at: datetime
    answers: Mapping[str, Answer] = field(default_factory=dict)
    source: str = ""


@dataclass(frozen=True)
class Superseded:
    """A response set aside because the same commune answered again later in the same wave."""

    siruta: int
    wave: str
    dropped_at: datetime
    kept_at: datetime
    source: str


def is_missing(value: Answer) -> bool:
    return value is None or value == DONT_KNOW


def check_answer(question: Question, value: Any) -> Answer:
    """The answer in its canonical form, or ValueError saying what is wrong with it."""
    if is_missing(value):
        return value  # None (left empty) or DONT_KNOW, kept apart; both are missing for scoring
    kind = question.type
    if kind == "single":
        if not isinstance(value, str) or question.option(value) is None:
            raise ValueError(f"{value!r} is not one of {', '.join(o.key for o in question.options)}")
        return value
    if kind == "multi":
        items = tuple(value) if isinstance(value, (list, tuple)) else None
        if items is None or any(not isinstance(v, str) or question.option(v) is None for v in items):
            raise ValueError(f"expected a list of {', '.join(o.key for o in question.options)}")
        return tuple(dict.fromkeys(items))
    if kind == "scale":
        assert question.scale is not None
        if isinstance(value, bool) or not isinstance(value, int) or \
                not question.scale.min <= value <= question.scale.max:
            raise ValueError(f"expected a whole number from {question.scale.min} to {question.scale.max}")
        return value
    if kind == "yes_no":
        if not isinstance(value, bool):
            raise ValueError("expected yes or no")
        return value
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError("expected a number")
        return value
    return str(value)


def latest(responses: Iterable[Response]) -> tuple[list[Response], list[Superseded]]:
    """One response per (commune, wave): the latest submitted; the others are returned as superseded."""
    kept: dict[tuple[int, str], Response] = {}
    dropped: list[Superseded] = []
    for response in responses:
        key = (response.siruta, response.wave)
        other = kept.get(key)
        if other is None:
            kept[key] = response
            continue
        newer, older = (response, other) if response.submitted_at >= other.submitted_at else (other, response)
        kept[key] = newer
        dropped.append(Superseded(older.siruta, older.wave, older.submitted_at, newer.submitted_at, older.source))
    return sorted(kept.values(), key=lambda r: (r.siruta, r.wave)), dropped
