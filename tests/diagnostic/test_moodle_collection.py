"""diagnostic plan|apply|collect on the sandbox: the questionnaire as a feedback activity, respondents answering
through the real client, responses collected into the store exactly once, one response per commune."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cooperare.diagnostic.generate import generate
from cooperare.diagnostic.instrument import load_shipped
from cooperare.diagnostic.moodle import (
    Questionnaire,
    apply_questionnaire,
    collect_responses,
    decode_answers,
    encode_answers,
    feedback_items,
    plan_questionnaire,
)
from cooperare.diagnostic.responses import DONT_KNOW, is_missing
from cooperare.diagnostic.service import study_from_store
from cooperare.diagnostic.simulation import answer
from cooperare.errors import StalePlanError
from cooperare.moodle.client import MoodleClient
from cooperare.sandbox import Sandbox
from cooperare.store import Store
from cooperare.store.diagnostic import DiagnosticResponses
from cooperare.store.people import People, PersonRecord
from cooperare.territory import communes

INSTRUMENT = load_shipped("2026.1")


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(f"sqlite:///{tmp_path}/store.sqlite") as opened:
        yield opened


def _people(admin: MoodleClient, store: Store) -> list[PersonRecord]:
    """Four roster people of three communes (two from Ciugud), one NGO representative, all in Moodle."""
    ciugud = next(c for c in communes("AB") if c.name == "Ciugud")
    other = next(c for c in communes("AR") if c.name == "Pecica") if any(
        c.name == "Pecica" for c in communes("AR")) else communes("AR")[0]
    rows = [("p1", "Ana", "Ionescu", ciugud, "adm-conducere"), ("p2", "Ion", "Zamfir", ciugud, "ales"),
            ("p3", "Ștefan", "Țurcanu", other, "adm-executie"), ("p4", "Dan", "Marin", other, "ong")]
    created = admin.users.create([{"username": key, "password": "Parola#2026", "firstname": first, "lastname": last,
                                   "email": f"{key}@example.ro"} for key, first, last, _c, _k in rows])
    records = [PersonRecord(key, f"coop:person:{key}", int(u["id"]), first, last, f"{key}@example.ro",
                            commune.county_code, f"Comuna {commune.name}", "Primăria", category, "adm-alfabetizare")
               for (key, first, last, commune, category), u in zip(rows, created, strict=True)]
    People(store.engine).upsert(records)
    return records


def test_items_one_per_question_and_answers_round_trip() -> None:
    items = feedback_items(INSTRUMENT)
    labels = [i["label"] for i in items]
    assert len(labels) == len(set(labels))
    multi = [q for q in INSTRUMENT.questions() if q.type == "multi"]
    assert len(items) == len(INSTRUMENT.questions()) - len(multi) + sum(len(q.options) for q in multi)
    assert all(len(i["text"]) <= 255 and all(len(c) <= 255 and "|" not in c for c in i.get("choices", []))
               for i in items)
    p_pop = next(i for i in items if i["label"] == "p_populatie")
    assert p_pop["choices"][-1] == "Nu știu" and p_pop["type"] == "choice"
    for response in generate(INSTRUMENT, count=40, seed=7).responses:
        back = decode_answers(INSTRUMENT, encode_answers(INSTRUMENT, dict(response.answers)))
        for q in INSTRUMENT.questions():
            given = response.answers.get(q.id)
            if q.type == "multi" and (is_missing(given)):
                assert q.id not in back
            elif given == DONT_KNOW:
                assert back[q.id] == DONT_KNOW
            else:
                assert back.get(q.id) == given, q.id


def test_plan_apply_answer_collect(store: Store) -> None:
    box = Sandbox()
    admin = MoodleClient(box.transport())
    people = _people(admin, store)
    q = Questionnaire("coop", INSTRUMENT, "T0")
    planned = plan_questionnaire(admin, store, q)
    actions = {c.address: c.action for c in planned.plan.changes}
    enrolments = [a for a in actions if ".enrol[" in a]
    assert len(enrolments) == 3, "the NGO representative is not a respondent"
    assert any(a.endswith(f"activity[{q.activity_idnumber}]") and v == "create" for a, v in actions.items())
    stale = planned.plan
    result = apply_questionnaire(admin, store, planned)
    assert result.enrolled == 3
    again = plan_questionnaire(admin, store, q)
    assert not again.plan.has_changes, [c.address for c in again.plan.pending()]
    with pytest.raises(StalePlanError):
        apply_questionnaire(admin, store, again, plan=stale)

    ciugud_1, ciugud_2, other = people[0], people[1], people[2]
    siruta = {p.key: next(c.siruta for c in communes(p.county) if f"Comuna {c.name}" == p.commune)
              for p in people}
    answered = answer(box, admin, q, [(ciugud_1, siruta["p1"]), (other, siruta["p3"]), (ciugud_2, siruta["p2"])],
                      start=datetime(2026, 11, 2, 9, tzinfo=UTC))
    assert all(a.saved for a in answered)

    first = collect_responses(admin, store, q)
    assert (first.read, first.stored, first.already, first.from_roster) == (3, 3, 0, 3)
    assert [(s.siruta, s.kept_at > s.dropped_at) for s in first.superseded] == [(siruta["p1"], True)]
    second = collect_responses(admin, store, q)
    assert (second.stored, second.already) == (0, 3), "a repeated collect stores nothing twice"
    assert second.ws_calls <= 5

    stored = DiagnosticResponses(store.engine).all(version=INSTRUMENT.version)
    assert len(stored) == 3 and all(r.source.startswith("moodle:feedback:") for r in stored)
    # read with another instrument (2027.1, the current one), the wave's activity would decode to empty answers:
    # collect refuses and names the version it was applied with; nothing is stored
    from cooperare.errors import InputError

    with pytest.raises(InputError, match="other questions than instrument 2027.1") as refused:
        collect_responses(admin, store, Questionnaire("coop", load_shipped("2027.1"), "T0"))
    assert "--instrument 2026.1" in (refused.value.hint or "")
    assert DiagnosticResponses(store.engine).all(version="2027.1") == []
    # nor may applying 2027.1 to the answered wave delete 2026.1's questions with their answers
    from cooperare.errors import PlanError

    with pytest.raises(PlanError, match="already has 3 responses") as kept:
        plan_questionnaire(admin, store, Questionnaire("coop", load_shipped("2027.1"), "T0"))
    assert "--wave T1" in (kept.value.hint or "")
    fresh = plan_questionnaire(admin, store, Questionnaire("coop", load_shipped("2027.1"), "T1"))
    assert any(c.action == "create" and c.address.endswith("chestionar-t1]") for c in fresh.plan.changes)
    study = study_from_store(store, INSTRUMENT)
    assert study.responded == 2 and len(study.superseded) == 1
    assert all(r.scored.overall is not None for r in study.results)


def test_collect_without_the_course_says_what_to_do(store: Store) -> None:
    box = Sandbox()
    admin = MoodleClient(box.transport())
    from cooperare.errors import InputError

    with pytest.raises(InputError, match="not in Moodle"):
        collect_responses(admin, store, Questionnaire("coop", INSTRUMENT, "T0"))


def test_a_response_without_a_commune_is_listed_and_left_out(store: Store) -> None:
    box = Sandbox()
    admin = MoodleClient(box.transport())
    people = _people(admin, store)
    q = Questionnaire("coop", INSTRUMENT, "T0")
    apply_questionnaire(admin, store, plan_questionnaire(admin, store, q))
    stranger = people[0]
    # Not in the roster this collect knows, and a SIRUTA code no commune has.
    answer(box, admin, q, [(stranger, 9_999_999)], start=datetime(2026, 11, 2, 9, tzinfo=UTC))
    result = collect_responses(admin, store, q, people=[])
    assert (result.read, result.stored, len(result.unplaced)) == (1, 0, 1)
    assert result.unplaced[0].fullname == "Ana Ionescu"


def test_a_question_changed_in_moodle_shows_as_drift_and_apply_puts_it_back(store: Store) -> None:
    box = Sandbox()
    admin = MoodleClient(box.transport())
    _people(admin, store)
    q = Questionnaire("coop", INSTRUMENT, "T0")
    apply_questionnaire(admin, store, plan_questionnaire(admin, store, q))
    items = box.site.db["feedback_item"]
    edited = items.first(label="s1")
    items.update(edited["id"], name="Întrebare schimbată de mână")
    box.site.db.commit()
    planned = plan_questionnaire(admin, store, q)
    (change,) = list(planned.plan.pending())
    assert change.action == "update" and change.address.endswith(f"activity[{q.activity_idnumber}]")
    apply_questionnaire(admin, store, planned)
    assert items.get(edited["id"])["name"].endswith(INSTRUMENT.question("s1").text)
    assert not plan_questionnaire(admin, store, q).plan.has_changes


def test_each_item_names_its_section_and_place_and_nothing_is_cut() -> None:
    """A feedback activity shows its items as one list with no headings: each item's text is led by its section
    and its place in it, and the whole question (and option) text is still there — never cut at 255 characters."""
    items = {i["label"]: i["text"] for i in feedback_items(INSTRUMENT)}
    assert items["p_comuna"].startswith("Profilul comunei (1/")
    strategy = INSTRUMENT.sections[0]
    first = strategy.questions[0]
    assert items[first.id] == f"{strategy.title} (1/{len(strategy.questions)}) – {first.text}"
    for section in INSTRUMENT.sections:
        for q in section.questions:
            if q.type == "multi":
                for option in q.options:
                    assert items[f"{q.id}:{option.key}"].endswith(f"{q.text} – {option.text}")
                    assert items[f"{q.id}:{option.key}"].startswith(section.title)
            else:
                assert items[q.id].endswith(q.text) and items[q.id].startswith(section.title)


def test_fit_drops_asides_from_the_last_then_cuts_after_a_whole_word():
    from cooperare.diagnostic.moodle import fit

    assert fit("Scurt (de exemplu a) text") == "Scurt (de exemplu a) text"
    assert fit("Unu (a, b) doi (c, d) trei", 20) == "Unu (a, b) doi trei"
    assert fit("Unu (a, b) doi (c, d) trei", 14) == "Unu doi trei"
    assert fit("Cuvinte multe fără paranteze aici", 20) == "Cuvinte multe fără…"
    assert fit("a|b") == "a/b"


@pytest.mark.parametrize("version", ["2026.1", "2027.1"])
def test_every_item_text_fits_moodle_and_keeps_its_heading_and_its_whole_option(version):
    """The walk of 4 December 2026: 53 of 2027.1's items were cut at 255 characters mid-word, some losing the words
    that tell the 'planned' table from the 'done' one."""
    import re

    from cooperare.diagnostic.moodle import LIMIT, feedback_items, headings

    instrument = load_shipped(version)
    heads = headings(instrument)
    by_label = {item["label"]: item["text"] for item in feedback_items(instrument)}
    for q in instrument.questions():
        if q.type != "multi":
            assert by_label[q.id].startswith(heads[q.id]) and len(by_label[q.id]) <= LIMIT
            continue
        for option in q.options:
            text = by_label[f"{q.id}:{option.key}"]
            assert len(text) <= LIMIT and text.startswith(heads[q.id]), text
            shown = text[len(heads[q.id]):].split(" – ", 1)[1]  # the option: whole or without parentheses
            assert not shown.endswith("…") and shown.split(" ")[:3] == option.text.split(" ")[:3], text
            assert re.sub(r"\s*\([^()]*\)", "", shown) == re.sub(r"\s*\([^()]*\)", "", option.text), text
            stem = text[len(heads[q.id]):-len(" – ")]
            assert not stem or stem[0] == q.text[0]
    if version == "2027.1":
        assert all("are planificate" in by_label[f"i23_plan:{o.key}"] for o in instrument.question("i23_plan").options)
        assert all("aplică deja" in by_label[f"i23_aplicat:{o.key}"]
                   for o in instrument.question("i23_aplicat").options)
