"""The whole catalogue provisioned into the sandbox Moodle through local_cooperare, end to end: from an empty site,
re-planned, and a trainee taking a course to completion."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cooperare.courses.catalogue import load_catalogue
from cooperare.courses.desired import desired_state
from cooperare.courses.service import apply_courses, closed_review, grade_weights, plan_courses
from cooperare.moodle.client import MoodleClient
from cooperare.sandbox import Sandbox, simulate
from cooperare.store import Store

PLUGIN_WRITES = ("local_cooperare_save", "local_cooperare_set", "local_cooperare_delete")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "store.sqlite") as opened:
        yield opened


def provisioned(store: Store, version: str = "4.5") -> tuple[Sandbox, MoodleClient]:
    box = Sandbox(version=version)
    client = MoodleClient(box.transport())
    apply_courses(client, store, plan_courses(client, load_catalogue()))
    return box, client


def described(client: MoodleClient) -> list[dict[str, Any]]:
    wanted = [course.idnumber for course in desired_state(load_catalogue()).courses]
    answer = client.call("local_cooperare_describe_courses", {"idnumbers": wanted})
    assert answer["missing"] == []
    return list(answer["courses"])


@pytest.mark.parametrize("version", ["4.5", "5.0"])
def test_the_catalogue_from_empty_is_all_managed_without_drift(store: Store, version: str) -> None:
    box, client = provisioned(store, version)
    desired = desired_state(load_catalogue(), closed_review=closed_review(client),
                            grade_weights=grade_weights(client))  # as plan_courses builds it
    assert client.transport.stats.calls <= 6 * len(desired.courses)
    for course, live in zip(desired.courses, described(client), strict=True):
        assert live["idnumber"] == course.idnumber and live["enablecompletion"] == 1
        sections = {s["number"]: s for s in live["sections"]}
        assert [sections[s.number]["name"] for s in course.sections] == [s.name for s in course.sections]
        activities = {a["idnumber"]: a for a in live["activities"]}
        assert {a.idnumber: (a.modname, a.section, a.spechash) for a in course.activities} == {
            i: (activities[i]["modname"], activities[i]["section"], activities[i]["spechash"])
            for i in (a.idnumber for a in course.activities)}
        questions = {(q["quiz"], q["idnumber"]): q for q in live["questions"]}
        for question_set in course.question_sets:
            for slot, question in enumerate(question_set.questions, start=1):
                found = questions[(question_set.quiz_idnumber, question.idnumber)]
                assert (found["slot"], found["version"], found["spechash"]) == (slot, 1, question.spechash)
        assert live["completion"]["activities"] == sorted(course.completion.activities)
        objects = live["sections"] + live["activities"] + live["questions"] + [live["completion"]]
        assert all(o["managed"] and not o["drift"] for o in objects if o.get("spechash"))
        quizzes = client.quizzes.of_courses([live["id"]])
        assert {q.coursemodule for q in quizzes} == {a["cmid"] for a in live["activities"] if a["modname"] == "quiz"}
        assert all(q.raw["hasquestions"] for q in quizzes)
        final = activities[f"{course.idnumber.split(':')[0]}:{course.key}:final"]
        item = box.site.db["grade_items"].first(courseid=live["id"], itemmodule="quiz", iteminstance=final["instance"])
        assert item["gradepass"] == float(next(o["value"] for o in final["options"] if o["name"] == "gradepass"))


def test_applying_a_fresh_plan_again_changes_nothing_in_moodle(store: Store) -> None:
    box, _ = provisioned(store)
    before = described(MoodleClient(box.transport()))
    rows = {name: len(table) for name, table in box.site.db.tables.items()}
    second = MoodleClient(box.transport())
    planned = plan_courses(second, load_catalogue())
    assert not [c for c in planned.plan.pending() if c.action in ("create", "delete")]
    assert not [c for c in planned.plan.pending() if c.note]  # no drift anywhere
    calls_before = len(box.server.calls)
    apply_courses(second, store, planned)
    assert {name: len(table) for name, table in box.site.db.tables.items()} == rows
    assert described(MoodleClient(box.transport())) == before
    writes = [name for name in box.server.calls[calls_before:] if name.startswith(PLUGIN_WRITES)]
    assert len(writes) <= 2


def test_replanning_after_apply_shows_no_change(store: Store) -> None:
    box, _ = provisioned(store)
    second = MoodleClient(box.transport())
    planned = plan_courses(second, load_catalogue())
    assert {c.action for c in planned.plan.changes} == {"noop"}
    apply_courses(second, store, planned)
    assert not [n for n in second.transport.stats.by_function if n.startswith(PLUGIN_WRITES)]
    assert second.transport.stats.calls <= 5


def test_a_trainee_who_does_every_required_activity_and_passes_the_final_completes_the_course(store: Store) -> None:
    box, client = provisioned(store)
    course = next(c for c in described(client) if c["idnumber"] == "coop:course:alfabetizare")
    activities = {a["idnumber"]: a for a in course["activities"]}
    required = course["completion"]["activities"]
    final = activities["coop:alfabetizare:final"]
    gradepass = float(next(o["value"] for o in final["options"] if o["name"] == "gradepass"))
    grade = float(next(o["value"] for o in final["options"] if o["name"] == "grade"))
    trainee, other = (u["id"] for u in client.users.create([
        {"username": name, "password": "Parola#2026", "firstname": name.title(), "lastname": "Cursant",
         "email": f"{name}@example.ro"} for name in ("ioana", "mihai")]))
    client.enrol.enrol([(course["id"], trainee), (course["id"], other)])

    for userid in (trainee, other):
        for idnumber in required:
            found = activities[idnumber]
            if idnumber == final["idnumber"]:
                continue
            if found["modname"] == "quiz":
                # Module tests complete on the passing grade they show, not on any grade.
                passing = float(next(o["value"] for o in found["options"] if o["name"] == "gradepass"))
                simulate.record_quiz_attempt(box.site, found["instance"], userid, grade=passing)
            elif found["completionview"]:
                simulate.view_activity(box.site, found["cmid"], userid)
            else:
                simulate.complete_activity(box.site, found["cmid"], userid)
    assert client.completion.course_status(course["id"], trainee).completed is False
    simulate.record_quiz_attempt(box.site, final["instance"], other, grade=gradepass - 1)
    simulate.record_quiz_attempt(box.site, final["instance"], trainee, grade=grade)

    assert client.completion.course_status(course["id"], trainee).completed is True
    assert client.completion.course_status(course["id"], other).completed is False
    states = {a.cmid: a.state for a in client.completion.activities(course["id"], trainee)}
    assert all(states[activities[i]["cmid"]] != simulate.COMPLETION_INCOMPLETE for i in required)
    assert states[final["cmid"]] == simulate.COMPLETION_COMPLETE_PASS
    other_states = {a.cmid: a.state for a in client.completion.activities(course["id"], other)}
    assert other_states[final["cmid"]] == simulate.COMPLETION_COMPLETE_FAIL
    best = client.quizzes.best_grade(final["instance"], trainee)
    assert (best.has_grade, best.grade, best.grade_to_pass) == (True, grade, gradepass)
