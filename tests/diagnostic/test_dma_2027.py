"""Instrument 2027.1 follows the DMA questionnaire for public-sector organisations (Q15–Q25) item by item, and its
dimension scores are the DMA tool's formulas (as coded in the EDIH customer tool MarkusFrBoden/masterproject,
EuResultsCalulation.ts): each question scaled to 0–10, the dimension's questions added and brought to 0–100."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cooperare.diagnostic.instrument import load_shipped
from cooperare.diagnostic.responses import Response
from cooperare.diagnostic.scoring import score_response

INSTRUMENT = load_shipped("2027.1")
ITEMS = {"s15": 10, "s16_plan": 8, "s16_investit": 8, "r17": 9, "u19": 7, "u20": 10, "d21": 9, "d22": 6,
         "i23_plan": 16, "i23_aplicat": 16, "v24": 9}
"""The DMA PSO questions' item counts (Q15 … Q24; Q16 and Q23 are two-column tables, one question per column)."""
LEVELS = [0, 1, 2, 3, 4, 5, 0, 5]  # Q18, 0 not used … 5 operational, one per advanced technology
GREEN = ["nu", "partial", "da", "da", "partial"]  # Q25, No / Partially / Yes
TICKED = {"s15": 4, "s16_plan": 3, "s16_investit": 5, "r17": 6, "u19": 2, "u20": 7, "d21": 9, "d22": 0,
          "i23_plan": 8, "i23_aplicat": 4, "v24": 3}


def _ticks(qid: str, count: int) -> tuple[str, ...]:
    return tuple(o.key for o in INSTRUMENT.question(qid).options[:count])


def test_the_dma_questions_are_all_there_with_their_item_counts() -> None:
    for qid, count in ITEMS.items():
        question = INSTRUMENT.question(qid)
        assert question.type == "multi" and len(question.options) == count, qid
    for i in range(1, 9):
        question = INSTRUMENT.question(f"r18_{i}")
        assert question.type == "scale" and (question.scale.min, question.scale.max) == (0, 5)  # type: ignore[union-attr]
    for i in range(1, 6):
        assert [o.key for o in INSTRUMENT.question(f"v25_{i}").options] == ["nu", "partial", "da"]
    # the two columns of a DMA table ask about the same rows
    for plan, done in (("s16_plan", "s16_investit"), ("i23_plan", "i23_aplicat")):
        texts = [o.text for o in INSTRUMENT.question(plan).options]
        assert texts == [o.text for o in INSTRUMENT.question(done).options]


def test_dimension_scores_are_the_dma_tool_formulas() -> None:
    answers: dict[str, object] = {qid: _ticks(qid, n) for qid, n in TICKED.items()}
    answers.update({f"r18_{i}": level for i, level in enumerate(LEVELS, start=1)})
    answers.update({f"v25_{i}": value for i, value in enumerate(GREEN, start=1)})
    scored = score_response(INSTRUMENT, Response(1017, "2027.1", "T0", datetime(2027, 3, 1, tzinfo=UTC), answers))
    t = TICKED
    # EuResultsCalulation.ts, with thirds for strategy (the tool writes 3.33 and 33.3)
    expected = {
        "strategie": t["s15"] * 100 / 30 + t["s16_plan"] / 8 * 100 / 3 + t["s16_investit"] / 8 * 100 / 3,
        "pregatire": (t["r17"] / 9 * 10 + sum(level / 5 for level in LEVELS) / 8 * 10) * 5,
        "uman": (t["u19"] / 7 * 10 + t["u20"]) * 5,
        "date": (t["d21"] / 9 * 10 + t["d22"] / 6 * 10) * 5,
        "interoperabilitate": (t["i23_plan"] / 16 * 10 + t["i23_aplicat"] / 16 * 10) * 5,
        "verde": (t["v24"] / 9 * 10 + sum({"nu": 0, "partial": 0.5, "da": 1}[g] for g in GREEN) / 5 * 10) * 5,
    }
    for key, value in expected.items():
        assert scored.section(key).score == pytest.approx(value), key
    assert scored.overall == pytest.approx(sum(expected.values()) / 6)
    # the worked example of docs/diagnostic.md
    figures = {key: round(value, 2) for key, value in expected.items()}
    assert figures == {"strategie": 46.67, "pregatire": 58.33, "uman": 49.29, "date": 50.0,
                       "interoperabilitate": 37.5, "verde": 46.67}
    assert round(scored.overall, 2) == 48.08
