"""The learner simulation API, checked through what the real client reads back from the sandbox."""

from __future__ import annotations

import pytest

from cooperare.moodle.contract import core_contract
from cooperare.moodle.transport import Transport
from cooperare.sandbox import Sandbox, simulate
from cooperare.sandbox.courses import completion, modules
from cooperare.sandbox.courses.schema import COMPLETION_TRACKING_AUTOMATIC, COMPLETION_TRACKING_MANUAL
from cooperare.sandbox.db import Row


def setup(version: str = "4.5") -> tuple[Sandbox, Transport, int, dict[str, int]]:
    box = Sandbox(version=version, plugin=False)
    transport = box.transport(contract=core_contract(version))
    users = transport.call("core_user_create_users", {"users": [
        {"username": name, "password": "Parola#2026", "firstname": first, "lastname": last,
         "email": f"{name}@example.ro"}
        for name, first, last in (("ana", "Ana", "Ilie"), ("dan", "Dan", "Popa"), ("eva", "Eva", "Radu"))]})
    people = {u["username"]: u["id"] for u in users}
    courseid = transport.call("core_course_create_courses", {"courses": [
        {"fullname": "Curs", "shortname": "SIM", "categoryid": 1, "enablecompletion": 1}]})[0]["id"]
    transport.call("enrol_manual_enrol_users", {"enrolments": [
        {"roleid": 5, "userid": people[name], "courseid": courseid} for name in ("ana", "dan")]})
    return box, transport, courseid, people


def add_quiz(box: Sandbox, courseid: int, *, gradepass: float = 0.0, grademethod: int = 1) -> Row:
    cm = modules.add_module(box.site, courseid, "quiz", {"name": "Test final", "grade": 10, "gradepass": gradepass,
                                                         "grademethod": grademethod},
                            cm={"completion": COMPLETION_TRACKING_AUTOMATIC, "completiongradeitemnumber": 0,
                                "completionpassgrade": 1 if gradepass else 0})
    box.site.db.commit()
    return cm


def test_quiz_attempt_gives_best_grade_gradebook_rows_and_completion() -> None:
    box, transport, courseid, people = setup()
    cm = add_quiz(box, courseid, gradepass=5.0)
    quizid, ana = cm["instance"], people["ana"]
    assert transport.call("mod_quiz_get_user_best_grade", {"quizid": quizid, "userid": ana}) == {
        "hasgrade": False, "gradetopass": 5, "warnings": []}

    simulate.record_quiz_attempt(box.site, quizid, ana, 4.0)
    simulate.record_quiz_attempt(box.site, quizid, ana, 7.5)
    best = transport.call("mod_quiz_get_user_best_grade", {"quizid": quizid, "userid": ana})
    assert best == {"hasgrade": True, "grade": 7.5, "gradetopass": 5, "warnings": []}
    attempts = transport.call("mod_quiz_get_user_attempts", {"quizid": quizid, "userid": ana})["attempts"]
    assert [(a["attempt"], a["state"], a["sumgrades"]) for a in attempts] == [(1, "finished", 4), (2, "finished", 7.5)]

    report = transport.call("gradereport_user_get_grade_items", {"courseid": courseid, "userid": 0})["usergrades"]
    assert [u["userid"] for u in report] == [people["ana"], people["dan"]]  # Ilie before Popa
    quiz_row, total_row = report[0]["gradeitems"]
    assert (quiz_row["itemmodule"], quiz_row["graderaw"], quiz_row["gradeformatted"]) == ("quiz", 7.5, "7.50")
    assert (quiz_row["percentageformatted"], quiz_row["rangeformatted"]) == ("75.00 %", "0&ndash;10")
    assert (quiz_row["weightraw"], quiz_row["weightformatted"]) == (1, "100.00 %")
    assert (total_row["itemtype"], total_row["graderaw"], total_row["grademax"]) == ("course", 7.5, 10)
    assert report[1]["gradeitems"][0]["graderaw"] is None and "weightraw" not in report[1]["gradeitems"][0]

    statuses = transport.call("core_completion_get_activities_completion_status",
                              {"courseid": courseid, "userid": ana})["statuses"]
    assert statuses[0]["state"] == 2  # complete, passed
    assert [d["rulename"] for d in statuses[0]["details"]] == ["completionusegrade", "completionpassgrade"]
    assert statuses[0]["isoverallcomplete"] is True


def test_failed_quiz_attempt_is_a_failed_completion() -> None:
    box, transport, courseid, people = setup()
    cm = add_quiz(box, courseid, gradepass=5.0)
    simulate.record_quiz_attempt(box.site, cm["instance"], people["dan"], 3.0)
    status = transport.call("core_completion_get_activities_completion_status",
                            {"courseid": courseid, "userid": people["dan"]})["statuses"][0]
    assert status["state"] == 3 and status["isoverallcomplete"] is False


def test_quiz_grading_method_average() -> None:
    box, transport, courseid, people = setup()
    cm = add_quiz(box, courseid, grademethod=2)
    for grade in (4.0, 8.0):
        simulate.record_quiz_attempt(box.site, cm["instance"], people["ana"], grade)
    best = transport.call("mod_quiz_get_user_best_grade", {"quizid": cm["instance"], "userid": people["ana"]})
    assert best["grade"] == 6


def test_completing_required_activities_completes_the_course() -> None:
    box, transport, courseid, people = setup()
    site = box.site
    page = modules.add_module(site, courseid, "page", {"name": "Lecție"},
                              cm={"completion": COMPLETION_TRACKING_AUTOMATIC, "completionview": 1})
    label = modules.add_module(site, courseid, "label", {"name": "x", "intro": "x"},
                               cm={"completion": COMPLETION_TRACKING_MANUAL})
    for cm in (page, label):
        completion.add_activity_criterion(site, cm)
    site.db.commit()
    ana = people["ana"]
    simulate.view_activity(site, page["id"], ana)
    status = transport.call("core_completion_get_course_completion_status", {"courseid": courseid, "userid": ana})
    assert status["completionstatus"]["completed"] is False
    assert [c["complete"] for c in status["completionstatus"]["completions"]] == [True, False]
    simulate.complete_activity(site, label["id"], ana, when=1795700000)
    status = transport.call("core_completion_get_course_completion_status", {"courseid": courseid, "userid": ana})
    assert status["completionstatus"]["completed"] is True
    assert status["completionstatus"]["completions"][1]["timecompleted"] == 1795700000
    other = transport.call("core_completion_get_course_completion_status",
                           {"courseid": courseid, "userid": people["dan"]})
    assert other["completionstatus"]["completed"] is False


def test_complete_course_directly_and_errors() -> None:
    box, transport, courseid, people = setup()
    completion.add_criterion(box.site, courseid, 1)
    box.site.db.commit()
    row = simulate.complete_course(box.site, courseid, people["ana"], when=1795700001)
    assert row["timecompleted"] == 1795700001
    status = transport.call("core_completion_get_course_completion_status",
                            {"courseid": courseid, "userid": people["ana"]})["completionstatus"]
    assert status["completed"] is True
    with pytest.raises(ValueError, match="not enrolled"):
        simulate.complete_course(box.site, courseid, people["eva"])
    with pytest.raises(ValueError, match="no quiz"):
        simulate.record_quiz_attempt(box.site, 999, people["ana"], 1.0)
    cm = add_quiz(box, courseid)
    with pytest.raises(ValueError, match="outside"):
        simulate.record_quiz_attempt(box.site, cm["instance"], people["ana"], 11.0)
    with pytest.raises(ValueError, match="unknown completion state"):
        simulate.complete_activity(box.site, cm["id"], people["ana"], state=7)


def test_grade_activity_and_forum_post_completion() -> None:
    box, transport, courseid, people = setup()
    site = box.site
    assign = modules.add_module(site, courseid, "assign", {"name": "Temă", "grade": 20})
    forum = modules.add_module(site, courseid, "forum", {"name": "Discuții", "completionposts": 1},
                               cm={"completion": COMPLETION_TRACKING_AUTOMATIC})
    site.db.commit()
    simulate.grade_activity(site, assign["id"], people["ana"], 15)
    rows = transport.call("gradereport_user_get_grade_items",
                          {"courseid": courseid, "userid": people["ana"]})["usergrades"][0]["gradeitems"]
    assert [(r["itemmodule"], r["graderaw"]) for r in rows] == [("assign", 15), (None, 15)]
    discussion = transport.call("mod_forum_add_discussion", {"forumid": forum["instance"], "subject": "Salut",
                                                             "message": "<p>Bună</p>"})["discussionid"]
    assert discussion == 1
    admin_state = completion.activity_state(site, forum["id"], 2)
    assert admin_state is not None and admin_state["completionstate"] == 1  # the poster's "make posts" rule is met
