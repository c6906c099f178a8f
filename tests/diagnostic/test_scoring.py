import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cooperare.diagnostic.instrument import load_shipped, shipped_versions
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
    return Response(siruta=1017, version=load_shipped("2026.1").version, wave=wave, submitted_at=when, answers=answers)


@pytest.mark.parametrize("version", shipped_versions())
def test_every_best_answer_scores_100_everywhere_and_none_scores_0(version: str):
    instrument = load_shipped(version)

    def response(answers):  # type: ignore[no-untyped-def]
        return Response(siruta=1017, version=version, wave="T0", submitted_at=WHEN, answers=answers)

    top = score_response(instrument, response(best_answers(instrument)))
    assert all(s.score == pytest.approx(100) for s in top.sections) and top.overall == pytest.approx(100)
    bottom = score_response(instrument, response(best_answers(instrument, best=False)))
    assert all(s.score == 0 for s in bottom.sections) and bottom.overall == 0
    assert top.band == "advanced" and bottom.band == "basic"


EXAMPLE = {"s1": "da_fara_buget", "s2": "sub1", "s3": ("buget_local", "pnrr"), "s4": 2}


def doc_has(figure: float) -> bool:
    return f"**{figure:.2f}**" in DOC


def test_worked_example_1_hand_scored():
    section = load_shipped("2026.1").dimensions[0]
    result = score_section(section, EXAMPLE, coverage=0.5)
    assert result.score == pytest.approx(100 * (2 * 2 / 3 + 1 / 3 + 0.5 + 0.5) / 5)
    assert doc_has(result.score) and band_of(result.score) == "moderate"


def test_worked_example_2_missing_answer_left_out_not_zero():
    section = load_shipped("2026.1").dimensions[0]
    result = score_section(section, {**EXAMPLE, "s2": DONT_KNOW}, coverage=0.5)
    assert result.missing == ("s2",) and result.answered_weight == 4
    assert doc_has(result.score)
    assert result.score > score_section(section, EXAMPLE, coverage=0.5).score


def test_worked_example_3_too_few_answers_gives_no_score_and_no_overall():
    instrument = load_shipped("2026.1")
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
    instrument = load_shipped("2026.1")
    answers = {**best_answers(instrument), **EXAMPLE}
    actions = top_actions(instrument, response(answers), count=10)
    s1 = next(a for a in actions if a.question == "s1")
    assert doc_has(s1.gain)
    assert actions[0].gain >= actions[-1].gain
    assert re.search(r"ș|ț|ă|î|â", s1.text)


def test_progress_between_waves():
    instrument = load_shipped("2026.1")
    t0 = score_response(instrument, response(best_answers(instrument, best=False)))
    t1 = score_response(instrument, response(best_answers(instrument), wave="T1"))
    delta = change(t0, t1)
    assert delta["strategie"] == pytest.approx(100) and delta["overall"] == pytest.approx(100)


def test_a_response_is_scored_only_with_its_own_instrument_version():
    from cooperare.errors import InputError

    with pytest.raises(InputError, match="answered instrument"):
        score_response(load_shipped("2026.1"), Response(1, "1999.1", "T0", WHEN, {}))


def test_a_whole_response_scored_by_hand() -> None:
    """Every dimension of one response, worked out by hand from the weights and option scores of
    the instrument's YAML (s = option score / best score; multi = ticked / all; scale = (v − min) / (max − min)), a
    „Nu știu” and an unanswered question left out of their sections, the commune module apart from the overall."""
    answers = {
        "s1": "in_lucru", "s2": "1_3", "s3": ("buget_local", "fonduri_ue", "pnrr"), "s4": 1,
        "r1": "actual", "r2": ("adeverinte", "sesizari"), "r3": False, "r4": "fix_lent", "r5": DONT_KNOW,
        "u1": "sub25", "u2": True, "u3": 3, "u4": (),
        "d1": "automat", "d2": ("antivirus", "parole", "actualizari", "doi_factori", "instruire_securitate"),
        "d3": True, "d4": 3,
        "i1": "hartie", "i2": "nu", "i3": ("ghiseul",), "i4": 0,
        "v1": "jumatate", "v2": ("energie",), "v3": False,
        "c1": "partial", "c2": "portal", "c3": True,  # c4 not answered at all
    }
    by_hand = {
        "strategie": 100 * (2 * 1 / 3 + 1 * 2 / 3 + 1 * 3 / 4 + 1 * 1 / 4) / 5,             # 46.67
        "pregatire": 100 * (2 * 1 + 2 * 2 / 5 + 2 * 0 + 1 * 2 / 3) / (2 + 2 + 2 + 1),      # r5 left out: 49.52
        "uman": 100 * (2 * 1 / 3 + 1 * 1 + 1 * 3 / 4 + 1 * 0) / 5,                         # 48.33
        "date": 100.0,
        "interoperabilitate": 100 * (2 * 0 + 2 * 0 + 2 * 1 / 5 + 1 * 0) / 7,               # 5.71
        "verde": 100 * (2 * 2 / 3 + 1 * 1 / 3 + 1 * 0) / 4,                                # 41.67
        "comuna": 100 * (2 * 1 / 2 + 2 * 1 + 1 * 1) / 5,                                   # c4 left out: 80
    }
    scored = score_response(load_shipped("2026.1"), response(answers))
    for key, expected in by_hand.items():
        assert scored.section(key).score == pytest.approx(expected), key
    six = [v for k, v in by_hand.items() if k != "comuna"]
    assert scored.overall == pytest.approx(sum(six) / 6) and round(scored.overall, 2) == 48.65
    assert scored.band == "average"
    assert scored.section("pregatire").missing == ("r5",) and scored.section("comuna").missing == ("c4",)


def test_a_checklist_action_names_the_practices_not_ticked_in_order():
    instrument = load_shipped("2026.1")
    answers = {**best_answers(instrument), "s3": ("pnrr", "buget_local")}
    answer = Response(siruta=1017, version="2026.1", wave="T0", submitted_at=WHEN, answers=answers)
    (action,) = top_actions(instrument, answer, count=1)
    assert action.question == "s3"
    assert action.missing == ("Fonduri europene", "Parteneriate (ADI, asociații, ONG-uri)")
    unanswered = Response(siruta=1017, version="2026.1", wave="T0", submitted_at=WHEN,
                          answers={k: v for k, v in answers.items() if k != "s3"})
    assert next(a for a in top_actions(instrument, unanswered, count=99) if a.question == "s3").missing == ()
    dont_know = Response(siruta=1017, version="2026.1", wave="T0", submitted_at=WHEN,
                         answers={**answers, "s3": DONT_KNOW})
    assert next(a for a in top_actions(instrument, dont_know, count=99) if a.question == "s3").missing == ()
    nothing = Response(siruta=1017, version="2026.1", wave="T0", submitted_at=WHEN, answers={**answers, "s3": ()})
    assert next(a for a in top_actions(instrument, nothing, count=99) if a.question == "s3").missing == tuple(
        o.text for o in instrument.question("s3").options)
    assert all(not a.missing for a in top_actions(instrument, unanswered, count=99) if a.question != "s3"
               and instrument.question(a.question).type != "multi")
