"""The desired Moodle state derived from the catalogue: activities, options, completion, question XML."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace

from cooperare.courses.catalogue import Answer, Pair, Question, load_catalogue
from cooperare.courses.desired import desired_state, retake_text
from cooperare.courses.moodlexml import share, single_question_document


def test_activities_options_and_completion_of_a_course() -> None:
    course = next(c for c in desired_state(load_catalogue()).courses if c.key == "alfabetizare")
    by_ref = {a.ref: a for a in course.activities}
    assert by_ref["m1-informatii:legislatie"].modname == "url"
    assert by_ref["m1-informatii:legislatie"].options["externalurl"] == "https://legislatie.just.ro"
    assert by_ref["m1-informatii:sfat"].modname == "label"
    assert by_ref["final"].options["gradepass"] == "7" and by_ref["final"].completionpassgrade == 1
    assert by_ref["m1-informatii:quiz"].options["gradepass"] == "6" and by_ref["m1-informatii:quiz"].completionusegrade
    # a test that shows "grade to pass 6/10" completes on that passing grade, not on any grade
    assert by_ref["m1-informatii:quiz"].completionpassgrade == 1
    # links help but are neither tracked nor counted; the survey is tracked (submitted) and counts
    assert by_ref["m1-informatii:legislatie"].completion == 0
    assert by_ref["feedback"].options["completionsubmit"] == "1" and by_ref["feedback"].completion == 2
    assert "coop:alfabetizare:feedback" in set(course.completion.activities)
    tracked = {a.idnumber for a in course.activities if a.completion}
    assert tracked == set(course.completion.activities)
    items = json.loads(by_ref["feedback"].options["items"])
    assert all(i["text"].endswith("(1 = deloc, 5 = în foarte mare măsură)") for i in items if i["type"] == "rating")
    path = by_ref["final-path"]
    assert path.modname == "label" and path.section == by_ref["final"].section
    assert "2 încercări" in path.intro and "7 puncte din 10" in path.intro and "încercare suplimentară" in path.intro
    ngo = next(c for c in desired_state(load_catalogue()).courses if c.key == "expert-ong")
    assert "7,5 puncte din 10" in next(a for a in ngo.activities if a.ref == "final-path").intro
    assert by_ref["m1-informatii:lesson"].completionview == 1
    required = set(course.completion.activities)
    assert "coop:alfabetizare:final" in required and "coop:alfabetizare:m1-informatii:lesson" in required
    assert "coop:alfabetizare:m1-informatii:legislatie" not in required
    assert "coop:alfabetizare:forum" not in required
    assert [s.number for s in course.sections] == list(range(len(course.sections)))
    assert {a.section for a in course.activities} <= {s.number for s in course.sections}


def test_spec_hash_changes_only_with_the_spec() -> None:
    first = desired_state(load_catalogue()).courses[0].activities[3]
    again = desired_state(load_catalogue()).courses[0].activities[3]
    assert first.spechash == again.spechash
    assert first.spechash != desired_state(load_catalogue()).courses[0].activities[4].spechash


def _fractions(xml: str) -> list[float]:
    return [float(a.get("fraction")) for a in ET.fromstring(xml).iter("answer")]


def test_multi_answer_fractions_are_moodle_grade_options_and_add_up() -> None:
    question = Question(key="q1", type="multichoice", text="<p>Alegeți</p>", single=False, answers=(
        Answer("a", True, "da"), Answer("b", True, "da"), Answer("c", True, "da"), Answer("d", False, "nu")))
    fractions = _fractions(single_question_document(question, idnumber="coop:x:q1"))
    assert fractions == [33.33333, 33.33333, 33.33333, -100.0]
    assert abs(sum(f for f in fractions if f > 0) - 100) < 0.001
    assert share(2) == 50.0 and share(4) == 25.0


def test_question_xml_is_well_formed_and_keeps_idnumber_and_feedback() -> None:
    matching = Question(key="q2", type="matching", text="<p>Asociați</p>",
                        pairs=(Pair("ș", "1"), Pair("ț", "2"), Pair("ă", "3")), feedback_correct="Bravo",
                        feedback_partial="Aproape", feedback_incorrect="Nu ]]> chiar")
    root = ET.fromstring(single_question_document(matching, idnumber="coop:x:q2"))
    question = root.find("question")
    assert question.get("type") == "matching" and question.findtext("idnumber") == "coop:x:q2"
    assert [s.findtext("text") for s in question.iter("subquestion")] == ["ș", "ț", "ă"]
    assert question.find("incorrectfeedback").findtext("text") == "Nu ]]> chiar"
    truefalse = Question(key="q3", type="truefalse", text="t", correct=False, feedback_true="x", feedback_false="y")
    answers = ET.fromstring(single_question_document(truefalse, idnumber="i")).find("question").findall("answer")
    assert [(a.findtext("text"), a.get("fraction")) for a in answers] == [("true", "0"), ("false", "100")]


def test_every_shipped_question_renders_to_valid_xml() -> None:
    count = 0
    for course in desired_state(load_catalogue()).courses:
        for question_set in course.question_sets:
            for question in question_set.questions:
                root = ET.fromstring(question.xml)
                assert root.find("question").findtext("idnumber") == question.idnumber
                assert not re.search("[şţŞŢ]", question.xml)
                count += 1
    assert count >= 4 * (5 * 8 + 15)


def test_course_dates_are_bucharest_midnights_across_daylight_saving_time() -> None:
    from datetime import date

    from cooperare.courses.desired import day_end, day_start
    # Romania is UTC+2 in winter (EET) and UTC+3 in summer (EEST); the clocks change on the last Sunday of March
    # (03:00 -> 04:00) and of October (04:00 -> 03:00).
    assert day_start(date(2027, 3, 27)) == 1806098400  # 2027-03-26T22:00:00Z, still EET
    assert day_start(date(2027, 3, 28)) == 1806184800  # the change happens at 03:00, midnight is still EET
    assert day_start(date(2027, 3, 29)) == 1806267600  # 2027-03-28T21:00:00Z, EEST
    assert day_start(date(2027, 3, 29)) - day_start(date(2027, 3, 28)) == 23 * 3600
    assert day_start(date(2027, 10, 31)) == 1824930000  # 2027-10-30T21:00:00Z, EEST until 04:00
    assert day_start(date(2027, 11, 1)) - day_start(date(2027, 10, 31)) == 25 * 3600
    assert day_end(date(2027, 6, 30)) == 1814389140  # 2027-06-30T20:59:00Z


def test_every_ghiseul_question_accepts_the_forms_a_person_would_type() -> None:
    catalogue = load_catalogue()
    quizzes = [quiz for key in ("expert-adm", "alfabetizare") for programme, course in [catalogue.course(key)]
               for quiz in [*(m.quiz for m in programme.modules), course.final_quiz] if quiz is not None]
    questions = [q for quiz in quizzes for q in quiz.questions
                 if q.type == "shortanswer" and any(a.text == "ghiseul.ro" for a in q.answers)]
    assert len(questions) >= 2
    for question in questions:
        accepted = {a.text.lower() for a in question.answers}  # Moodle compares case-insensitively (usecase 0)
        for typed in ("ghiseul.ro", "www.ghiseul.ro", "https://www.ghiseul.ro", "HTTPS://WWW.GHISEUL.RO",
                      "https://ghiseul.ro", "www.ghiseul.ro/", "https://www.ghiseul.ro/"):
            assert typed.lower() in accepted, (question.key, typed)
        assert "ghiseul.com" not in accepted


def test_the_final_statement_about_https_reads_as_a_sentence() -> None:
    programme, course = load_catalogue().course("alfabetizare")
    texts = [q.text for q in course.final_quiz.questions]
    assert any("site-ul este sigur și de încredere" in t for t in texts)
    assert not any("sigur de încredere" in t for t in texts)


def test_the_final_quiz_page_itself_shows_the_way_on_after_the_last_failed_attempt() -> None:
    # Walk of 2026-12-03: after two failed attempts the quiz page said "Nu mai sunt permise alte încercări" and
    # "Înapoi la curs", nothing else; the way on was only in the course page's label.
    catalogue = load_catalogue()
    for course in desired_state(catalogue).courses:
        final = next(a for a in course.activities if a.idnumber.endswith(":final"))
        label = next(a for a in course.activities if a.idnumber.endswith(":final-path"))
        settings = catalogue.quiz_settings(course.key, final=True)
        assert settings.attempts > 0 and settings.retake == "trainer"
        way_on = retake_text(settings)
        assert "ultima încercare" in way_on and "forumul cursului" in way_on
        assert final.intro.endswith(way_on) and way_on in label.intro
        assert final.intro.count("ultima încercare") == 1
    settings = catalogue.quiz_settings("alfabetizare", final=True)
    assert retake_text(replace(settings, retake="none")) == ""
    assert retake_text(replace(settings, attempts=0)) == ""  # unlimited attempts: no last attempt to fail
