"""Course-side sandbox functions beyond what the recordings pin: driven through the real client transport."""

from __future__ import annotations

from typing import Any

import pytest

from cooperare.errors import InvalidParameter, MoodleError, NotFound
from cooperare.moodle.contract import core_contract
from cooperare.moodle.transport import Transport
from cooperare.sandbox import Sandbox
from cooperare.sandbox.courses import completion, enrolments, modules
from cooperare.sandbox.courses.schema import (
    COMPLETION_AGGREGATION_ANY,
    COMPLETION_TRACKING_AUTOMATIC,
    COMPLETION_TRACKING_MANUAL,
    CRITERIA_TYPE_GRADE,
    ENROL_INSTANCE_ENABLED,
)
from cooperare.sandbox.site import CONTEXT_COURSE, CONTEXT_COURSECAT, CONTEXT_MODULE

PEOPLE = [("ioana", "Ioana", "Mândrescu"), ("stefan", "Ștefan", "Țăranu"), ("bogdan", "Bogdan", "Știrbu"),
          ("andrei", "Andrei", "Zamfir"), ("irina", "Irina", "Bălăceanu")]


def sandbox(version: str = "4.5") -> tuple[Sandbox, Transport]:
    box = Sandbox(version=version, plugin=False)
    return box, box.transport(contract=core_contract(version))


def create_people(transport: Transport, people: list[tuple[str, str, str]] = PEOPLE) -> dict[str, int]:
    users = [{"username": username, "password": "Parola#2026", "firstname": first, "lastname": last,
              "email": f"{username}@example.ro", "idnumber": f"RO-{username}"} for username, first, last in people]
    return {u["username"]: u["id"] for u in transport.call("core_user_create_users", {"users": users})}


def create_course(transport: Transport, shortname: str = "C1", **fields: Any) -> int:
    course = {"fullname": f"Curs {shortname}", "shortname": shortname, "categoryid": 1, **fields}
    return int(transport.call("core_course_create_courses", {"courses": [course]})[0]["id"])


def enrol(transport: Transport, courseid: int, userids: list[int], **extra: Any) -> None:
    transport.call("enrol_manual_enrol_users", {"enrolments": [
        {"roleid": 5, "userid": userid, "courseid": courseid, **extra} for userid in userids]})


# -- categories -------------------------------------------------------------------------------------------------


def test_new_subcategory_shifts_the_sortorder_of_later_categories_and_their_courses() -> None:
    box, transport = sandbox()
    first = transport.call("core_course_create_categories", {"categories": [{"name": "A"}]})[0]["id"]
    second = transport.call("core_course_create_categories", {"categories": [{"name": "B"}]})[0]["id"]
    courseid = create_course(transport, "INB", categoryid=second)
    assert transport.call("core_course_get_courses_by_field", {"field": "id", "value": courseid}
                          )["courses"][0]["sortorder"] == 30001
    child = transport.call("core_course_create_categories", {"categories": [{"name": "A1", "parent": first}]})[0]
    listed = {c["id"]: c for c in transport.call("core_course_get_categories")}
    assert [listed[i]["sortorder"] for i in (1, first, child["id"], second)] == [10000, 20000, 30000, 40000]
    assert listed[child["id"]]["path"] == f"/{first}/{child['id']}" and listed[child["id"]]["depth"] == 2
    assert listed[second]["coursecount"] == 1
    course = transport.call("core_course_get_courses_by_field", {"field": "id", "value": courseid})["courses"][0]
    assert course["sortorder"] == 40001
    category_context = box.site.context(CONTEXT_COURSECAT, child["id"], create=False)
    assert category_context is not None and category_context["path"].startswith("/1/")


def test_get_categories_sorts_sortorders_as_strings_like_moodle() -> None:
    _, transport = sandbox()
    transport.call("core_course_create_categories", {"categories": [{"name": f"K{i}"} for i in range(10)]})
    orders = [c["sortorder"] for c in transport.call("core_course_get_categories")]
    assert orders[:3] == [10000, 100000, 110000]  # strcmp: "100000" < "20000"
    assert sorted(orders) == list(range(10000, 110001, 10000))


def test_update_categories_moves_a_category_and_refuses_a_taken_idnumber() -> None:
    _, transport = sandbox()
    a, b = (c["id"] for c in transport.call("core_course_create_categories", {"categories": [
        {"name": "A", "idnumber": "CAT-A"}, {"name": "B", "idnumber": "CAT-B"}]}))
    transport.call("core_course_update_categories", {"categories": [{"id": b, "parent": a}]})
    moved = transport.call("core_course_get_categories", {"criteria": [{"key": "id", "value": str(b)}]})[0]
    assert (moved["parent"], moved["path"], moved["depth"]) == (a, f"/{a}/{b}", 2)
    with pytest.raises(MoodleError) as error:
        transport.call("core_course_update_categories", {"categories": [{"id": b, "idnumber": "CAT-A"}]})
    assert error.value.errorcode == "categoryidnumbertaken"
    with pytest.raises(MoodleError) as error:
        transport.call("core_course_get_categories", {"criteria": [{"key": "colour", "value": "red"}]})
    assert error.value.errorcode == "criteriaerror"


# -- courses ----------------------------------------------------------------------------------------------------


def test_weeks_course_sections_options_and_defaults() -> None:
    box, transport = sandbox()
    courseid = create_course(transport, "WK", format="weeks", numsections=2, startdate=1795651200,
                             enddate=1795651200 + 86400 * 20, visible=0, hiddensections=0)
    course = transport.call("core_course_get_courses_by_field", {"field": "shortname", "value": "WK"})["courses"][0]
    assert course["visible"] == 0 and course["enablecompletion"] == 1
    assert course["courseformatoptions"] == [{"name": "hiddensections", "value": 0},
                                             {"name": "coursedisplay", "value": 0},
                                             {"name": "automaticenddate", "value": 1},
                                             {"name": "indentation", "value": "1"}]
    sections = transport.call("core_course_get_contents", {"courseid": courseid})
    assert [s["name"] for s in sections] == ["General", "26 November - 2 December", "3 December - 9 December"]
    assert [i["enrol"] for i in enrolments.instances(box.site, courseid)] == ["manual", "guest", "self"]


def test_update_courses_warns_per_course_and_moves_a_course_between_categories() -> None:
    box, transport = sandbox()
    target = transport.call("core_course_create_categories", {"categories": [{"name": "Țintă"}]})[0]["id"]
    first, second = create_course(transport, "A1"), create_course(transport, "B1")
    answer = transport.call("core_course_update_courses", {"courses": [
        {"id": first, "shortname": "B1"}, {"id": second, "categoryid": target, "summary": "<p>nou</p>"}]})
    assert answer["warnings"] == [{"item": "course", "itemid": first, "warningcode": "shortnametaken",
                                   "message": "Short name is already used for another course (B1)"}]
    moved = transport.call("core_course_get_courses_by_field", {"field": "id", "value": second})["courses"][0]
    assert (moved["categoryid"], moved["categoryname"], moved["sortorder"]) == (target, "Țintă", 20001)
    assert moved["summary"] == "<p>nou</p>"
    course_context = box.site.context(CONTEXT_COURSE, second, create=False)
    category_context = box.site.context(CONTEXT_COURSECAT, target, create=False)
    assert course_context is not None and category_context is not None
    assert course_context["path"] == f"{category_context['path']}/{course_context['id']}"


def test_get_courses_by_field_ids_and_enrolment_methods_of_an_enabled_self_instance() -> None:
    box, transport = sandbox()
    courseid = create_course(transport)
    answer = transport.call("core_course_get_courses_by_field", {"field": "ids", "value": f"{courseid},999"})
    assert [c["id"] for c in answer["courses"]] == [courseid]
    assert answer["warnings"][0]["itemid"] == 999
    self_instance = next(i for i in enrolments.instances(box.site, courseid) if i["enrol"] == "self")
    box.site.db["enrol"].update(self_instance["id"], status=ENROL_INSTANCE_ENABLED)
    assert transport.call("core_enrol_get_course_enrolment_methods", {"courseid": courseid}) == [
        {"id": self_instance["id"], "courseid": courseid, "type": "self", "name": "Self enrolment (Student)",
         "status": True}]
    course = transport.call("core_course_get_courses_by_field", {"field": "id", "value": courseid})["courses"][0]
    assert course["enrollmentmethods"] == ["manual", "self"]


def test_course_contacts_are_enrolled_editing_teachers() -> None:
    _, transport = sandbox()
    people = create_people(transport)
    courseid = create_course(transport)
    enrol(transport, courseid, [people["stefan"]], roleid=3)
    enrol(transport, courseid, [people["ioana"]])
    course = transport.call("core_course_get_courses_by_field", {"field": "id", "value": courseid})["courses"][0]
    assert course["contacts"] == [{"id": people["stefan"], "fullname": "Ștefan Țăranu"}]


# -- get_contents with several module types ---------------------------------------------------------------------


def test_get_contents_lists_every_module_type_with_lazy_contexts() -> None:
    box, transport = sandbox()
    site = box.site
    courseid = create_course(transport, numsections=2)
    page = modules.add_module(site, courseid, "page", {"name": "Fișa disciplinei", "content": "<p>x</p>"},
                              section=1, cm={"completion": COMPLETION_TRACKING_AUTOMATIC, "completionview": 1})
    url = modules.add_module(site, courseid, "url", {"name": "Site", "externalurl": "https://acor.ro/"}, section=1)
    label = modules.add_module(site, courseid, "label", {"name": "eticheta", "intro": "<p>Bine ați venit</p>"},
                               section=1)
    quiz = modules.add_module(site, courseid, "quiz", {"name": "Test final", "grade": 10}, section=2,
                              cm={"completion": COMPLETION_TRACKING_MANUAL})
    feedback = modules.add_module(site, courseid, "feedback", {"name": "Chestionar"}, section=2)
    resource = modules.add_module(site, courseid, "resource", {"name": "Suport"}, section=2)
    forum = modules.add_module(site, courseid, "forum", {"name": "Discuții"}, section=2)
    news_context = site.context(CONTEXT_MODULE, 1, create=False)
    assert news_context is None  # the news forum's context appears on first read

    sections = transport.call("core_course_get_contents", {"courseid": courseid})
    by_name = {m["modname"]: m for s in sections for m in s["modules"]}
    assert [[m["modname"] for m in s["modules"]] for s in sections] == [
        ["forum"], ["page", "url", "label"], ["quiz", "feedback", "resource", "forum"]]
    assert by_name["page"]["url"] == f"http://127.0.0.1:8085/mod/page/view.php?id={page['id']}"
    assert by_name["page"]["contents"][0]["filename"] == "index.html"
    assert by_name["page"]["completiondata"]["details"] == [
        {"rulename": "completionview", "rulevalue": {"status": 0, "description": "View"}}]
    assert by_name["url"]["contents"][0]["fileurl"] == "https://acor.ro/"
    assert by_name["url"]["customdata"] == '{"display":0,"filtericon":true}'
    assert "url" not in by_name["label"] and by_name["label"]["noviewlink"] is True
    assert by_name["label"]["description"] == "<p>Bine ați venit</p>"
    assert by_name["quiz"]["purpose"] == "assessment" and by_name["quiz"]["completion"] == 1
    assert by_name["feedback"]["modplural"] == "Feedback"
    assert by_name["resource"]["contents"] == [] and by_name["resource"]["contentsinfo"]["filescount"] == 0
    assert sections[0]["modules"][0]["contextid"] > max(
        m["contextid"] for m in by_name.values() if m["id"] != 1)  # created on this read, after the others
    assert {label["id"], quiz["id"], feedback["id"], resource["id"], forum["id"], url["id"]} <= {
        m["id"] for s in sections for m in s["modules"]}


def test_get_contents_filters_and_unknown_option() -> None:
    box, transport = sandbox()
    courseid = create_course(transport, numsections=1)
    modules.add_module(box.site, courseid, "page", {"name": "P"}, section=1)
    only = transport.call("core_course_get_contents", {"courseid": courseid, "options": [
        {"name": "sectionnumber", "value": "1"}]})
    assert [s["section"] for s in only] == [1] and only[0]["modules"][0]["modname"] == "page"
    bare = transport.call("core_course_get_contents", {"courseid": courseid, "options": [
        {"name": "excludemodules", "value": "1"}]})
    assert all(s["modules"] == [] for s in bare)
    with pytest.raises(MoodleError) as error:
        transport.call("core_course_get_contents", {"courseid": courseid, "options": [{"name": "x", "value": "1"}]})
    assert error.value.errorcode == "errorinvalidparam"


# -- enrolment --------------------------------------------------------------------------------------------------


def test_enrolled_users_options_suspension_sorting_limits_and_fields() -> None:
    _, transport = sandbox()
    people = create_people(transport)
    courseid = create_course(transport)
    enrol(transport, courseid, list(people.values()))
    enrol(transport, courseid, [people["bogdan"]], suspend=1)
    everyone = transport.call("core_enrol_get_enrolled_users", {"courseid": courseid})
    assert [u["id"] for u in everyone] == sorted(people.values())
    active = transport.call("core_enrol_get_enrolled_users", {"courseid": courseid, "options": [
        {"name": "onlyactive", "value": "1"}]})
    assert people["bogdan"] not in [u["id"] for u in active] and len(active) == 4
    suspended = transport.call("core_enrol_get_enrolled_users", {"courseid": courseid, "options": [
        {"name": "onlysuspended", "value": "1"}]})
    assert [u["id"] for u in suspended] == [people["bogdan"]]
    page = transport.call("core_enrol_get_enrolled_users", {"courseid": courseid, "options": [
        {"name": "sortby", "value": "siteorder"}, {"name": "limitfrom", "value": "1"},
        {"name": "limitnumber", "value": "2"}, {"name": "userfields", "value": "id,lastname"}]})
    assert page == [{"id": people["ioana"], "lastname": "Mândrescu", "fullname": "Ioana Mândrescu"},
                    {"id": people["andrei"], "lastname": "Zamfir", "fullname": "Andrei Zamfir"}]
    with pytest.raises(InvalidParameter):
        transport.call("core_enrol_get_enrolled_users", {"courseid": courseid, "options": [
            {"name": "sortby", "value": "email"}]})


def test_failed_enrolment_batch_keeps_nothing_and_reenrolment_changes_status() -> None:
    box, transport = sandbox()
    people = create_people(transport)
    courseid = create_course(transport)
    with pytest.raises(NotFound):
        enrol(transport, courseid, [people["ioana"], 999999])
    assert transport.call("core_enrol_get_enrolled_users", {"courseid": courseid}) == []
    enrol(transport, courseid, [people["ioana"]], suspend=1)
    enrol(transport, courseid, [people["ioana"]])
    assert enrolments.is_enrolled(box.site, courseid, people["ioana"], onlyactive=True)
    with pytest.raises(MoodleError) as error:
        enrol(transport, courseid, [people["ioana"]], roleid=6)
    assert error.value.errorcode == "wsusercannotassign"


def test_unenrol_removes_roles_groups_and_grades_of_the_last_enrolment() -> None:
    box, transport = sandbox()
    people = create_people(transport)
    courseid = create_course(transport)
    enrol(transport, courseid, [people["ioana"], people["stefan"]])
    group = transport.call(
        "core_group_create_groups", {"groups": [{"courseid": courseid, "name": "G", "description": ""}]})[0]
    transport.call("core_group_add_group_members", {"members": [{"groupid": group["id"], "userid": people["ioana"]}]})
    transport.call("enrol_manual_unenrol_users", {"enrolments": [{"userid": people["ioana"], "courseid": courseid}]})
    assert transport.call("core_group_get_group_members", {"groupids": [group["id"]]}) == [
        {"groupid": group["id"], "userids": []}]
    assert not enrolments.has_role(box.site, courseid, people["ioana"], (5,))
    listed = transport.call("core_enrol_get_enrolled_users", {"courseid": courseid})
    assert [u["id"] for u in listed] == [people["stefan"]]
    assert listed[0]["enrolledcourses"] == [{"id": courseid, "fullname": "Curs C1", "shortname": "C1"}]


def test_unenrol_refuses_roleid_in_50() -> None:
    _, transport = sandbox("5.0")
    people = create_people(transport)
    courseid = create_course(transport)
    enrol(transport, courseid, [people["ioana"]])
    with pytest.raises(InvalidParameter):
        transport.call("enrol_manual_unenrol_users", {"enrolments": [
            {"userid": people["ioana"], "courseid": courseid, "roleid": 5}]})
    transport.call("enrol_manual_unenrol_users", {"enrolments": [{"userid": people["ioana"], "courseid": courseid}]})
    assert transport.call("core_enrol_get_enrolled_users", {"courseid": courseid}) == []


# -- groups -----------------------------------------------------------------------------------------------------


def test_group_members_added_listed_in_code_point_order_and_deleted() -> None:
    _, transport = sandbox()
    people = create_people(transport)
    courseid = create_course(transport)
    enrol(transport, courseid, list(people.values()))
    group = transport.call(
        "core_group_create_groups", {"groups": [{"courseid": courseid, "name": "Grupa 1", "description": ""}]})[0]
    assert group["enrolmentkey"] == "" and group["idnumber"] == ""
    transport.call("core_group_add_group_members", {"members": [
        {"groupid": group["id"], "userid": uid} for uid in people.values()]})
    members = transport.call("core_group_get_group_members", {"groupids": [group["id"]]})[0]["userids"]
    assert members == [people[n] for n in ("irina", "ioana", "andrei", "bogdan", "stefan")]  # Z < Ș < Ț
    transport.call("core_group_delete_group_members", {"members": [
        {"groupid": group["id"], "userid": people["andrei"]}, {"groupid": group["id"], "userid": people["andrei"]}]})
    members = transport.call("core_group_get_group_members", {"groupids": [group["id"]]})[0]["userids"]
    assert people["andrei"] not in members and len(members) == 4
    with pytest.raises(NotFound):
        transport.call("core_group_delete_group_members", {"members": [{"groupid": 999, "userid": people["ioana"]}]})


def test_group_batches_are_all_or_nothing() -> None:
    _, transport = sandbox()
    people = create_people(transport)
    courseid = create_course(transport)
    enrol(transport, courseid, [people["ioana"]])
    group = transport.call(
        "core_group_create_groups", {"groups": [{"courseid": courseid, "name": "G", "description": ""}]})[0]
    with pytest.raises(InvalidParameter):
        transport.call("core_group_add_group_members", {"members": [
            {"groupid": group["id"], "userid": people["ioana"]}, {"groupid": group["id"], "userid": people["stefan"]}]})
    assert transport.call("core_group_get_group_members", {"groupids": [group["id"]]})[0]["userids"] == []
    with pytest.raises(MoodleError) as error:
        transport.call("core_group_create_groups", {"groups": [{"courseid": 999, "name": "X", "description": ""}]})
    assert error.value.errorcode == "errorcoursecontextnotvalid"


# -- completion with criteria -----------------------------------------------------------------------------------


def test_course_completion_status_with_activity_and_grade_criteria() -> None:
    box, transport = sandbox()
    site = box.site
    people = create_people(transport)
    courseid = create_course(transport, enablecompletion=1)
    enrol(transport, courseid, [people["ioana"]])
    page = modules.add_module(site, courseid, "page", {"name": "Lecție"},
                              cm={"completion": COMPLETION_TRACKING_AUTOMATIC, "completionview": 1})
    completion.add_activity_criterion(site, page)
    completion.add_criterion(site, courseid, CRITERIA_TYPE_GRADE, gradepass=5.0)
    status = transport.call("core_completion_get_course_completion_status",
                            {"courseid": courseid, "userid": people["ioana"]})["completionstatus"]
    assert status["completed"] is False and status["aggregation"] == 1
    assert [(c["type"], c["title"], c["status"], c["complete"]) for c in status["completions"]] == [
        (4, "Activity completion", "No", False), (6, "Course grade", "No grade (5.00 required)", False)]
    assert status["completions"][0]["details"] == {
        "type": "Activity completion",
        "criteria": f'<a href="http://127.0.0.1:8085/mod/page/view.php?id={page["id"]}">Lecție</a>',
        "requirement": "Viewing the page", "status": ""}
    completion.set_aggregation(site, courseid, COMPLETION_AGGREGATION_ANY)
    box.site.db.commit()
    from cooperare.sandbox import simulate

    simulate.view_activity(site, page["id"], people["ioana"])
    status = transport.call("core_completion_get_course_completion_status",
                            {"courseid": courseid, "userid": people["ioana"]})["completionstatus"]
    assert status["completed"] is True and status["aggregation"] == 2
    assert status["completions"][0]["complete"] is True and status["completions"][0]["status"] == "Yes"
    activities = transport.call("core_completion_get_activities_completion_status",
                                {"courseid": courseid, "userid": people["ioana"]})["statuses"]
    assert activities[0]["cmid"] == page["id"] and activities[0]["state"] == 1
    assert activities[0]["isautomatic"] is True and activities[0]["istrackeduser"] is True


def test_completion_status_of_a_user_not_enrolled() -> None:
    box, transport = sandbox()
    people = create_people(transport)
    courseid = create_course(transport)
    completion.add_criterion(box.site, courseid, 1)
    with pytest.raises(MoodleError) as error:
        transport.call("core_completion_get_course_completion_status",
                       {"courseid": courseid, "userid": people["ioana"]})
    assert error.value.errorcode == "usernotenroled"


# -- quizzes, grades --------------------------------------------------------------------------------------------


def test_quizzes_by_courses_and_their_grade_items() -> None:
    box, transport = sandbox()
    people = create_people(transport)
    courseid = create_course(transport, numsections=1)
    enrol(transport, courseid, [people["ioana"]])
    quiz = modules.add_module(box.site, courseid, "quiz", {"name": "Test 1", "grade": 20}, section=1,
                              cm={"idnumber": "Q1"})
    answer = transport.call("mod_quiz_get_quizzes_by_courses", {"courseids": [courseid, 999]})
    assert answer["warnings"][0]["itemid"] == 999
    found = answer["quizzes"][0]
    assert (found["id"], found["coursemodule"], found["section"], found["grade"]) == (quiz["instance"], quiz["id"],
                                                                                     1, 20)
    assert found["preferredbehaviour"] == "deferredfeedback" and found["hasquestions"] == 0
    items = transport.call("gradereport_user_get_grade_items", {"courseid": courseid, "userid": people["ioana"]})
    rows = items["usergrades"][0]["gradeitems"]
    assert [(r["itemtype"], r["itemmodule"], r["idnumber"]) for r in rows] == [("mod", "quiz", "Q1"),
                                                                               ("course", None, None)]
    assert rows[0]["cmid"] == quiz["id"] and rows[0]["graderaw"] is None and rows[1]["grademax"] == 20


def test_module_update_move_and_delete_keep_sections_grades_and_criteria_consistent() -> None:
    box, transport = sandbox()
    site = box.site
    courseid = create_course(transport, numsections=1)
    quiz = modules.add_module(site, courseid, "quiz", {"name": "Q", "grade": 10}, section=1)
    completion.add_activity_criterion(site, quiz)
    modules.update_module(site, quiz["id"], instance={"name": "Quiz nou", "grade": 25}, section=3)
    sections = transport.call("core_course_get_contents", {"courseid": courseid})
    assert [s["section"] for s in sections] == [0, 1, 2, 3]
    assert [m["name"] for m in sections[3]["modules"]] == ["Quiz nou"] and sections[1]["modules"] == []
    rows = transport.call("gradereport_user_get_grade_items", {"courseid": courseid, "userid": 2})
    quiz_row = rows["usergrades"][0]["gradeitems"][0]
    assert (quiz_row["itemname"], quiz_row["grademax"]) == ("Quiz nou", 25)
    modules.delete_module(site, quiz["id"])
    assert all(m["modname"] != "quiz" for s in transport.call("core_course_get_contents", {"courseid": courseid})
               for m in s["modules"])
    rows = transport.call("gradereport_user_get_grade_items", {"courseid": courseid, "userid": 2})
    assert [r["itemtype"] for r in rows["usergrades"][0]["gradeitems"]] == ["course"]
    assert completion.criteria(site, courseid) == []
    assert site.context(CONTEXT_MODULE, quiz["id"], create=False) is None


# -- forums -----------------------------------------------------------------------------------------------------


def test_forum_discussions_and_posts_in_a_general_forum() -> None:
    box, transport = sandbox("5.0")
    ticks = iter(range(1795700000, 1795800000, 60))
    box.site.clock = lambda: next(ticks)  # a minute per clock reading: "last post first" is then well defined
    courseid = create_course(transport)
    forum = modules.add_module(box.site, courseid, "forum", {"name": "Întrebări"})
    forums = transport.call("mod_forum_get_forums_by_courses", {"courseids": [courseid]})
    assert [(f["type"], f["name"], f["cmid"]) for f in forums] == [("news", "Announcements", 1),
                                                                   ("general", "Întrebări", forum["id"])]
    first = transport.call("mod_forum_add_discussion", {"forumid": forum["instance"], "subject": "Prima",
                                                        "message": "<p>1</p>"})["discussionid"]
    second = transport.call("mod_forum_add_discussion", {"forumid": forum["instance"], "subject": "A doua",
                                                         "message": "<p>2</p>"})["discussionid"]
    listed = transport.call("mod_forum_get_forum_discussions", {"forumid": forum["instance"]})["discussions"]
    assert [d["discussion"] for d in listed] == [second, first]
    firstpost = listed[1]["id"]
    reply = transport.call("mod_forum_add_discussion_post", {"postid": firstpost, "subject": "Re: Prima",
                                                             "message": "<p>r</p>"})
    assert reply["post"]["parentid"] == firstpost and reply["post"]["capabilities"]["split"] is True
    posts = transport.call("mod_forum_get_discussion_posts", {"discussionid": first, "sortby": "id",
                                                              "sortdirection": "ASC"})
    assert [(p["id"], p["replysubject"]) for p in posts["posts"]] == [(firstpost, "Prima"),
                                                                      (reply["postid"], "Re: Prima")]
    assert posts["ratinginfo"]["contextid"] == box.site.context(CONTEXT_MODULE, forum["id"])["id"]
    listed = transport.call("mod_forum_get_forum_discussions", {"forumid": forum["instance"]})["discussions"]
    assert [(d["discussion"], d["numreplies"]) for d in listed] == [(first, 1), (second, 0)]
    with pytest.raises(InvalidParameter):
        transport.call("mod_forum_get_discussion_posts", {"discussionid": first, "sortby": "author"})


def test_manual_completion_and_quiz_attempts_in_50() -> None:
    box, transport = sandbox("5.0")
    courseid = create_course(transport)
    label = modules.add_module(box.site, courseid, "label", {"name": "x", "intro": "x"},
                               cm={"completion": COMPLETION_TRACKING_MANUAL})
    answer = transport.call("core_completion_update_activity_completion_status_manually",
                            {"cmid": label["id"], "completed": 1})
    assert answer == {"status": True, "warnings": []}
    state = completion.activity_state(box.site, label["id"], 2)
    assert state is not None and state["completionstate"] == 1
    with pytest.raises(NotFound):
        transport.call("core_completion_update_activity_completion_status_manually", {"cmid": 999, "completed": 1})
    quiz = modules.add_module(box.site, courseid, "quiz", {"name": "Q", "grade": 10})
    attempts = transport.call("mod_quiz_get_user_quiz_attempts", {"quizid": quiz["instance"], "status": "all"})
    assert attempts == {"attempts": [], "warnings": []}
    with pytest.raises(InvalidParameter):
        transport.call("mod_quiz_get_user_quiz_attempts", {"quizid": quiz["instance"], "status": "some"})
