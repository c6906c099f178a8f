import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cooperare.diagnostic.instrument import load_shipped
from cooperare.diagnostic.responses import DONT_KNOW, Response
from cooperare.diagnostic.scoring import band_of, change, score_response, score_section, top_actions

DOC = (Path(__file__).resolve().parents[2] / "docs" / "diagnostic.md").read_text(encoding="utf-8")
WHEN = datetime(2026, 5, 1, tzinfo=UTC)


def best_answers(instrument, *, best=True):
    answers = {}
    for section in instrument.sections:
        for q in section.questions:
            if q.type == "single":
                pick = max if best else min
                answers[q.id] = pick(q.options, key=lambda o: o.score).key
            elif q.type == "multi":
                answers[q.id] = tuple(o.key for o in q.options) if best else ()
            elif q.type == "scale":
                answers[q.id] = q.scale.max if best else q.scale.min
            else:
                answers[q.id] = best
    return answers


def response(answers, *, wave="T0", when=WHEN):
    return Response(siruta=1017, version=load_shipped().version, wave=wave, submitted_at=when, answers=answers)


def test_every_best_answer_scores_100_everywhere_and_none_scores_0():
    instrument = load_shipped()
    top = score_response(instrument, response(best_answers(instrument)))
    assert all(s.score == pytest.approx(100) for s in top.sections) and top.overall == pytest.approx(100)
    bottom = score_response(instrument, response(best_answers(instrument, best=False)))
    assert all(s.score == 0 for s in bottom.sections) and bottom.overall == 0
    assert top.band == "advanced" and bottom.band == "basic"


EXAMPLE = {"s1": "da_fara_buget", "s2": "sub1", "s3": ("buget_local", "pnrr"), "s4": 2}


def doc_has(figure: float) -> bool:
    return f"**{figure:.2f}**" in DOC


def test_worked_example_1_hand_scored():
    section = load_shipped().dimensions[0]
    result = score_section(section, EXAMPLE, coverage=0.5)
    assert result.score == pytest.approx(100 * (2 * 2 / 3 + 1 / 3 + 0.5 + 0.5) / 5)
    assert doc_has(result.score) and band_of(result.score) == "moderate"


def test_worked_example_2_missing_answer_left_out_not_zero():
    section = load_shipped().dimensions[0]
    result = score_section(section, {**EXAMPLE, "s2": DONT_KNOW}, coverage=0.5)
    assert result.missing == ("s2",) and result.answered_weight == 4
    assert doc_has(result.score)
    assert result.score > score_section(section, EXAMPLE, coverage=0.5).score


def test_worked_example_3_too_few_answers_gives_no_score_and_no_overall():
    instrument = load_shipped()
    answers = best_answers(instrument)
    for qid in ("s1", "s4"):
        answers.pop(qid)
    scored = score_response(instrument, response(answers))
    assert scored.section("strategie").score is None and scored.overall is None and scored.band is None
    assert "no score" in DOC


def test_worked_example_4_overall_is_the_mean_of_six():
    values = [53.33, 60, 40, 70, 20, 36.67]
    mean = sum(values) / 6
    assert doc_has(mean) and band_of(mean) == "average"


def test_worked_example_5_action_gain():
    instrument = load_shipped()
    answers = {**best_answers(instrument), **EXAMPLE}
    actions = top_actions(instrument, response(answers), count=10)
    s1 = next(a for a in actions if a.question == "s1")
    assert doc_has(s1.gain)
    assert actions[0].gain >= actions[-1].gain
    assert re.search(r"ș|ț|ă|î|â", s1.text)


def test_progress_between_waves():
    instrument = load_shipped()
    t0 = score_response(instrument, response(best_answers(instrument, best=False)))
    t1 = score_response(instrument, response(best_answers(instrument), wave="T1"))
    delta = change(t0, t1)
    assert delta["strategie"] == pytest.approx(100) and delta["overall"] == pytest.approx(100)


def test_a_response_is_scored_only_with_its_own_instrument_version():
    from cooperare.errors import InputError

    with pytest.raises(InputError, match="answered instrument"):
        score_response(load_shipped(), Response(1, "1999.1", "T0", WHEN, {}))
