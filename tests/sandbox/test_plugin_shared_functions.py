"""The plugin functions of local_cooperare 0.4.0 that the consultation and events areas share — enrolment methods,
calendar events, BigBlueButton activities and attendance, activity counts — driven through the real client
against the sandbox, checked against the PHP plugin's behaviour and against what core web services read back."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cooperare.errors import AccessDenied, MoodleError
from cooperare.moodle.client import MoodleClient
from cooperare.sandbox import simulate
from tests.sandbox.test_plugin_functions import COURSE, create_users, fails, new_site, token_user

SELF_START = 1767225600  # 2026-01-01 00:00 UTC
SELF_END = 1769904000  # 2026-02-01 00:00 UTC


# -- enrolment methods --------------------------------------------------------------------------------------------

def methods(client: MoodleClient, courseid: int) -> dict[str, Any]:
    return {m.method: m for m in client.enrol_methods.of_courses([courseid])[courseid]}


def test_enrol_methods_take_over_the_defaults_rerun_update_and_core_reads_them_back() -> None:
    box, client, courseid = new_site()
    client.cohorts.create([{"name": "Cetățeni", "idnumber": "coop:cohort:cetateni"}])
    default_self = methods(client, courseid)["self"]
    assert (default_self.status, default_self.managed) == (1, False)
    self_item = {"courseid": courseid, "method": "self", "enrolstartdate": SELF_START, "enrolenddate": SELF_END,
                 "cohortidnumber": "coop:cohort:cetateni", "spechash": "s1"}
    guest_item = {"courseid": courseid, "method": "guest", "spechash": "g1"}
    saved = client.enrol_methods.save([self_item, guest_item])
    assert [s.action for s in saved] == ["updated", "updated"]
    assert saved[0].id == default_self.enrolid
    assert set(saved[0].changed) == {"status", "enrolstartdate", "enrolenddate", "cohortid"}
    assert saved[1].changed == ("status",)

    again = client.enrol_methods.save([self_item, guest_item])
    assert [(s.action, s.changed) for s in again] == [("unchanged", ()), ("unchanged", ())]
    updated = client.enrol_methods.save([{**self_item, "enrolenddate": SELF_END + 86400}])
    assert (updated[0].action, updated[0].changed) == ("updated", ("enrolenddate",))

    found = methods(client, courseid)
    assert found["self"].cohortidnumber == "coop:cohort:cetateni" and found["self"].role == "student"
    assert (found["self"].enrolenddate, found["self"].managed, found["self"].drift) == (SELF_END + 86400, True, False)
    assert found["guest"].enabled and found["guest"].spechash == "g1"
    core = {m["type"]: m for m in client.enrol.methods(courseid)}
    assert core["self"]["status"] is True and core["guest"]["status"] is True
    assert len([i for i in box.site.db["enrol"].where(courseid=courseid) if i["enrol"] == "self"]) == 1


def test_enrol_methods_create_a_missing_instance_and_show_moodle_edits_as_drift() -> None:
    box, client, courseid = new_site()
    for instance in box.site.db["enrol"].where(courseid=courseid):
        if instance["enrol"] == "self":
            box.site.db["enrol"].delete(instance["id"])
    box.site.db.commit()
    item = {"courseid": courseid, "method": "self", "name": "Înscriere liberă"}
    created = client.enrol_methods.save([item])[0]
    assert created.action == "created"
    assert box.site.db["enrol"].rows[created.id]["name"] == "Înscriere liberă"
    box.site.db["enrol"].update(created.id, enrolenddate=1800000000)
    box.site.db.commit()
    assert methods(client, courseid)["self"].drift
    assert client.enrol_methods.save([item])[0].changed == ("enrolenddate",)
    assert not methods(client, courseid)["self"].drift


@pytest.mark.parametrize(("fields", "message"), [
    ({"method": "manual"}, "method must be one of self, guest"),
    ({"method": "self", "role": "nosuchrole"}, "role 'nosuchrole' cannot be assigned in this course"),
    ({"method": "self", "cohortidnumber": "coop:cohort:none"}, "no cohort has this idnumber"),
    ({"method": "self", "enrolstartdate": 200, "enrolenddate": 100}, "the enrolment end date is before the start"),
    ({"enrolstartdate": 100}, "guest access has no enrolment dates and no cohort"),
    ({"status": 3}, "status must be 0 (enabled) or 1 (disabled)"),
])
def test_bad_enrol_method_fails_the_whole_batch(fields: dict[str, Any], message: str) -> None:
    box, client, courseid = new_site()
    other = client.courses.create([{"fullname": "Alt curs", "shortname": "ALT", "categoryid": 1}])[0]["id"]
    before = {i["id"]: i["status"] for i in box.site.db["enrol"]}
    error = fails(lambda: client.enrol_methods.save([{"courseid": other, "method": "guest"},
                                                     {"courseid": courseid, "method": "guest", **fields}]))
    assert message in error.debuginfo
    assert {i["id"]: i["status"] for i in box.site.db["enrol"]} == before


def test_enrol_methods_refuse_a_disabled_method_and_callers_without_the_capabilities() -> None:
    box, client, courseid = new_site()
    box.site.settings.config["enrol_plugins_enabled"] = "manual,self,cohort"
    error = fails(lambda: client.enrol_methods.save([{"courseid": courseid, "method": "guest"}]),
                  "enrolmethoddisabled")
    assert error.moodle_message.startswith(f"Cannot set up guest enrolment of course {courseid}: this enrolment")
    nobody = token_user(box, client, "nobody")
    with pytest.raises(AccessDenied):
        nobody.enrol_methods.save([{"courseid": courseid, "method": "self"}])
    configurer = token_user(box, client, "conf", ("local/cooperare:provision", "moodle/course:enrolconfig"))
    error = fails(lambda: configurer.enrol_methods.save([{"courseid": courseid, "method": "self"}]), "nopermissions")
    assert error.debuginfo == "enrol/self:config"
    with pytest.raises(MoodleError):
        configurer.enrol_methods.of_courses([courseid])


def test_enrol_methods_batch_within_the_variable_budget() -> None:
    box, client, _ = new_site()
    created = client.courses.create([{"fullname": f"Curs {i}", "shortname": f"C{i}", "categoryid": 1}
                                     for i in range(40)])
    items = [{"courseid": c["id"], "method": "self", "spechash": f"h{i}"} for i, c in enumerate(created)]
    small = MoodleClient(box.transport(var_budget=50))  # 3 variables an item: at most 15 items a request
    saved = small.enrol_methods.save(items)
    assert len(saved) == 40 and small.transport.stats.by_function["local_cooperare_save_enrol_methods"] == 3
    assert [s.courseid for s in saved] == [c["id"] for c in created]


# -- calendar events ----------------------------------------------------------------------------------------------

DISSEMINATION = 1775037600  # 2026-04-01 10:00 UTC


def event_items(courseid: int) -> list[dict[str, Any]]:
    return [{"key": "coop:event:diseminare-1", "courseid": 0, "name": "Eveniment de diseminare 1",
             "description": "<p>Prezentarea instrumentului digital</p>", "timestart": DISSEMINATION,
             "timeduration": 7200, "spechash": "e1"},
            {"key": "coop:consultation:termen", "courseid": courseid, "name": "Termen pentru recomandări",
             "timestart": DISSEMINATION + 14 * 86400}]


def test_calendar_events_create_rerun_update_and_list() -> None:
    box, client, courseid = new_site()
    saved = client.calendar.save(event_items(courseid))
    assert [s.action for s in saved] == ["created", "created"] and saved[0].courseid == 0
    events = box.site.db["event"]
    site_event, course_event = events.rows[saved[0].id], events.rows[saved[1].id]
    assert (site_event["eventtype"], site_event["courseid"], site_event["userid"]) == ("site", 1, 2)
    assert (course_event["eventtype"], course_event["courseid"]) == ("course", courseid)

    assert [s.action for s in client.calendar.save(event_items(courseid))] == ["unchanged", "unchanged"]
    moved = event_items(courseid)
    moved[0]["timestart"] += 3600
    updated = client.calendar.save(moved)
    assert [(s.action, s.changed) for s in updated] == [("updated", ("timestart",)), ("unchanged", ())]
    assert updated[0].id == saved[0].id and len(events.rows) == 2

    listed = client.calendar.of_courses([0, courseid])
    assert [(e.key, e.courseid, e.eventtype) for e in listed] == [
        ("coop:event:diseminare-1", 0, "site"), ("coop:consultation:termen", courseid, "course")]
    assert listed[0].timestart == DISSEMINATION + 3600 and listed[0].spechash == "e1" and not listed[0].drift
    assert listed[1].name == "Termen pentru recomandări"


def test_calendar_event_owner_drift_and_delete() -> None:
    box, client, courseid = new_site()
    owner = create_users(client, "secretar")["secretar"]
    saved = client.calendar.save([{**event_items(courseid)[1], "userid": owner}])
    assert box.site.db["event"].rows[saved[0].id]["userid"] == owner
    box.site.db["event"].update(saved[0].id, name="Redenumit")
    box.site.db.commit()
    assert client.calendar.of_courses([courseid])[0].drift
    assert client.calendar.save([{**event_items(courseid)[1], "userid": owner}])[0].changed == ("name",)

    handmade = box.site.db["event"].insert({"name": "Manual", "courseid": courseid, "eventtype": "course",
                                            "timestart": DISSEMINATION, "userid": 2})
    box.site.db.commit()
    deleted = client.calendar.delete([(courseid, "coop:consultation:termen")])
    assert (deleted[0].action, deleted[0].id) == ("deleted", saved[0].id)
    assert saved[0].id not in box.site.db["event"].rows and handmade in box.site.db["event"].rows
    again = client.calendar.delete([(courseid, "coop:consultation:termen"), (0, "coop:never")])
    assert [(d.action, d.id) for d in again] == [("notfound", 0), ("notfound", 0)]
    assert client.calendar.of_courses([courseid]) == []


@pytest.mark.parametrize(("fields", "message"), [
    ({"key": ""}, "the key must have 1 to 255 characters"),
    ({"name": ""}, "the name must have 1 to 255 characters"),
    ({"timestart": 0}, "timestart must be a time"),
    ({"timeduration": -1}, "timeduration must not be negative"),
    ({"visible": 2}, "visible must be 0 or 1"),
    ({"userid": 999999}, "no user 999999"),
])
def test_bad_calendar_event_fails_the_whole_batch(fields: dict[str, Any], message: str) -> None:
    box, client, courseid = new_site()
    first, second = event_items(courseid)
    error = fails(lambda: client.calendar.save([first, {**second, **fields}]))
    assert message in error.debuginfo
    assert len(box.site.db.tables.get("event").rows) == 0


def test_calendar_events_refuse_callers_without_the_capabilities_and_duplicates() -> None:
    box, client, courseid = new_site()
    error = fails(lambda: client.calendar.save([event_items(courseid)[0]] * 2))
    assert error.debuginfo == "calendar event 'coop:event:diseminare-1' of the site: listed twice in the same call"
    error = fails(lambda: client.calendar.save([{**event_items(courseid)[1], "courseid": courseid + 50}]))
    assert error.debuginfo == f"course {courseid + 50}: no such course"
    teacher = token_user(box, client, "teacher", ("moodle/calendar:manageentries",))
    with pytest.raises(AccessDenied) as raised:
        teacher.calendar.save(event_items(courseid)[1:])
    assert raised.value.debuginfo == "local/cooperare:provision"
    provisioner = token_user(box, client, "prov", ("local/cooperare:provision",))
    with pytest.raises(AccessDenied) as raised:
        provisioner.calendar.save(event_items(courseid)[:1])
    assert raised.value.debuginfo == "moodle/calendar:manageentries"
    with pytest.raises(AccessDenied):
        provisioner.calendar.of_courses([0])


# -- BigBlueButton rooms ------------------------------------------------------------------------------------------

ROOM = "coop:event:room-1"


def room(courseid: int, **values: str) -> dict[str, Any]:
    options = {"openingtime": str(DISSEMINATION), "closingtime": str(DISSEMINATION + 7200),
               "welcome": "Bine ați venit la evenimentul de diseminare!", "wait": "1", "record": "0", **values}
    return {"courseid": courseid, "idnumber": ROOM, "modname": "bigbluebuttonbn", "section": 1,
            "name": "Sala online", "intro": "<p>Eveniment</p>", "visible": 1, "completion": 0, "completionview": 0,
            "completionusegrade": 0, "completionpassgrade": 0, "spechash": "r1",
            "options": [{"name": k, "value": v} for k, v in options.items()]}


def enable_bigbluebutton(box: Any) -> None:
    module = box.site.db["modules"].first(name="bigbluebuttonbn")
    box.site.db["modules"].update(module["id"], visible=1)
    box.site.db.commit()


def save_room(client: MoodleClient, item: dict[str, Any]) -> dict[str, Any]:
    return client.call("local_cooperare_save_activities", {"activities": [item]})["activities"][0]


def test_bigbluebutton_is_refused_while_disabled_on_the_site() -> None:
    box, client, courseid = new_site()
    error = fails(lambda: save_room(client, room(courseid)))
    assert error.debuginfo.startswith(f"activity '{ROOM}': module 'bigbluebuttonbn' is disabled on this site")
    assert box.site.db.tables.get("bigbluebuttonbn") is None or not box.site.db["bigbluebuttonbn"].rows


def test_bigbluebutton_room_create_rerun_update_describe_and_calendar() -> None:
    box, client, courseid = new_site()
    enable_bigbluebutton(box)
    created = save_room(client, room(courseid))
    assert created["action"] == "created"
    instance = box.site.db["bigbluebuttonbn"].rows[created["instance"]]
    assert (instance["openingtime"], instance["closingtime"], instance["wait"], instance["record"]) == (
        DISSEMINATION, DISSEMINATION + 7200, 1, 0)
    assert instance["welcome"] == "Bine ați venit la evenimentul de diseminare!" and instance["meetingid"]
    assert '"selectiontype":"all"' in instance["participants"]
    opening = [e for e in box.site.db["event"].rows.values() if e.get("modulename") == "bigbluebuttonbn"]
    assert [(e["timestart"], e["eventtype"]) for e in opening] == [(DISSEMINATION, "meeting_start")]

    assert save_room(client, room(courseid))["action"] == "unchanged"
    assert save_room(client, room(courseid, closingtime=str(DISSEMINATION + 10800)))["action"] == "updated"
    described = next(a for a in client.call("local_cooperare_describe_courses", {"idnumbers": [COURSE]})["courses"][0]
                     ["activities"] if a["idnumber"] == ROOM)
    assert {o["name"]: o["value"] for o in described["options"]} == {
        "openingtime": str(DISSEMINATION), "closingtime": str(DISSEMINATION + 10800),
        "welcome": "Bine ați venit la evenimentul de diseminare!", "wait": "1", "record": "0"}
    assert described["managed"] and not described["drift"]
    contents = client.courses.contents(courseid)
    assert any(m.modname == "bigbluebuttonbn" for s in contents for m in s.modules)

    save_room(client, room(courseid, openingtime="0"))
    assert not [e for e in box.site.db["event"].rows.values() if e.get("modulename") == "bigbluebuttonbn"]


def test_bigbluebutton_room_cannot_close_before_it_opens() -> None:
    box, client, courseid = new_site()
    enable_bigbluebutton(box)
    error = fails(lambda: save_room(client, room(courseid, closingtime=str(DISSEMINATION))))
    assert error.debuginfo == f"activity '{ROOM}': closingtime must be after openingtime"
    error = fails(lambda: save_room(client, room(courseid, colour="red")))
    assert error.debuginfo.startswith(f"activity '{ROOM}': unknown option 'colour' for bigbluebuttonbn (known: "
                                      "openingtime, closingtime, welcome, wait, record)")


# -- BigBlueButton attendance -------------------------------------------------------------------------------------

def room_with_attendance(people: int = 3) -> tuple[Any, MoodleClient, int, int, list[int]]:
    """A room, ``people`` enrolled students who joined it ten minutes apart, and the server's summary for the first
    two (50 and 20 minutes)."""
    box, client, courseid = new_site()
    enable_bigbluebutton(box)
    cmid = int(save_room(client, room(courseid))["cmid"])
    students = sorted(create_users(client, *(f"p{i:02d}" for i in range(people))).values())
    client.enrol.enrol([(courseid, uid) for uid in students])
    for i, uid in enumerate(students):
        simulate.bbb_join(box.site, cmid, uid, when=DISSEMINATION + 600 * i)
    simulate.bbb_summary(box.site, cmid, students[0], duration=3000,
                         engagement={"chats": 2, "talks": 5, "raisehand": 1, "poll_votes": 3, "emojis": 4},
                         when=DISSEMINATION + 7300)
    if people > 1:
        simulate.bbb_summary(box.site, cmid, students[1], duration=1200, when=DISSEMINATION + 7300)
    return box, client, courseid, cmid, students


def test_bbb_attendance_reads_joins_and_summaries_through_the_client() -> None:
    _, client, courseid, cmid, students = room_with_attendance()
    attendance = client.reports.bbb_attendance(cmid)
    assert (attendance.cmid, attendance.courseid) == (cmid, courseid)
    assert [(log.log, log.userid) for log in attendance.logs] == [
        ("Join", students[0]), ("Join", students[1]), ("Join", students[2]),
        ("Summary", students[0]), ("Summary", students[1])]
    first = attendance.logs[3]
    assert (first.duration, first.chats, first.talks, first.raisehand, first.pollvotes, first.emojis) == (
        3000, 2, 5, 1, 3, 4)
    assert json.loads(first.meta)["recordid"] == "rec-1"
    assert attendance.logs[0].duration == 0 and json.loads(attendance.logs[0].meta) == {"origin": 0}
    assert all(log.meetingid.startswith(attendance.meetingid + "-") for log in attendance.logs)
    minutes = {log.userid: log.duration // 60 for log in attendance.logs if log.log == "Summary"}
    assert minutes == {students[0]: 50, students[1]: 20}


def test_bbb_attendance_pages_and_since() -> None:
    _, client, _, cmid, _ = room_with_attendance(people=12)
    whole = client.reports.bbb_attendance(cmid)
    before = client.transport.stats.by_function["local_cooperare_get_bbb_attendance"]
    paged = client.reports.bbb_attendance(cmid, page_size=5)
    assert client.transport.stats.by_function["local_cooperare_get_bbb_attendance"] - before == 3
    assert paged == whole and len(whole.logs) == 14
    later = client.reports.bbb_attendance(cmid, since=DISSEMINATION + 7300)
    assert [log.log for log in later.logs] == ["Summary", "Summary"]


def test_bbb_attendance_refuses_bad_input_and_callers_without_the_capabilities() -> None:
    box, client, courseid, cmid, _ = room_with_attendance(people=1)
    page = client.call("local_cooperare_save_activities", {"activities": [{
        **room(courseid), "idnumber": "coop:test:page", "modname": "page", "options": []}]})["activities"][0]["cmid"]
    for params in ({"offset": -1}, {"limit": 0}, {"limit": 5001}):
        fails(lambda p=params: client.call("local_cooperare_get_bbb_attendance", {"cmid": cmid, **p}))
    error = fails(lambda: client.call("local_cooperare_get_bbb_attendance", {"cmid": page}))
    assert error.debuginfo == f"activity {page}: no BigBlueButton activity has this id"
    nobody = token_user(box, client, "nobody", ("moodle/site:viewreports",))
    with pytest.raises(AccessDenied) as raised:
        nobody.reports.bbb_attendance(cmid + 1000)  # refused before the id is looked up
    assert raised.value.debuginfo == "local/cooperare:provision"
    provisioner = token_user(box, client, "prov", ("local/cooperare:provision",))
    with pytest.raises(AccessDenied) as raised:
        provisioner.reports.bbb_attendance(cmid)
    assert raised.value.debuginfo == "moodle/site:viewreports"


# -- activity counts ----------------------------------------------------------------------------------------------

MARCH_FROM = 1772323200  # 2026-03-01 00:00 UTC
MARCH_TO = 1775001599  # 2026-03-31 23:59:59 UTC


def course_with_activity(box: Any, client: MoodleClient, courseid: int, people: int = 3) -> list[int]:
    """A page (view completion), a forum and a quiz; the first student acts inside and outside March 2026, the second
    only visits the course (in April), the others do nothing."""
    saved = client.call("local_cooperare_save_activities", {"activities": [
        {**room(courseid), "idnumber": "coop:test:page", "modname": "page", "options": [], "completion": 2,
         "completionview": 1},
        {**room(courseid), "idnumber": "coop:test:forum", "modname": "forum", "options": []},
        {**room(courseid), "idnumber": "coop:test:quiz", "modname": "quiz", "options": []},
    ]})["activities"]
    page, forum, quiz = (int(a["cmid"]) for a in saved)
    students = sorted(create_users(client, *(f"s{i:03d}" for i in range(people))).values())
    client.enrol.enrol([(courseid, uid) for uid in students])
    first, second = students[0], students[1]
    simulate.access_course(box.site, courseid, first, when=MARCH_FROM + 100)
    simulate.access_course(box.site, courseid, second, when=MARCH_TO + 100)
    simulate.complete_activity(box.site, page, first, when=MARCH_FROM + 200)
    for when in (MARCH_FROM + 300, MARCH_FROM + 400, MARCH_FROM - 100):
        simulate.forum_post(box.site, forum, first, "Întrebare", "<p>Cum depunem cererea?</p>", when=when)
    quizid = box.site.db["course_modules"].rows[quiz]["instance"]
    for when in (MARCH_FROM + 500, MARCH_TO + 600):
        simulate.record_quiz_attempt(box.site, quizid, first, 5.0, when=when)
    return students


def test_activity_counts_per_user_in_the_period_through_the_client() -> None:
    box, client, courseid = new_site()
    first, second, third = course_with_activity(box, client, courseid)
    counts = {c.userid: c for c in client.reports.activity_counts(courseid, timefrom=MARCH_FROM, timeto=MARCH_TO)}
    assert sorted(counts) == [first, second, third]
    assert (counts[first].lastaccess, counts[first].completedactivities, counts[first].forumposts,
            counts[first].quizattempts) == (MARCH_FROM + 100, 1, 2, 1)
    assert counts[second].lastaccess == MARCH_TO + 100 and counts[second].forumposts == 0
    assert (counts[third].lastaccess, counts[third].completedactivities, counts[third].forumposts,
            counts[third].quizattempts) == (0, 0, 0, 0)
    everything = {c.userid: c for c in client.reports.activity_counts(courseid)}
    assert (everything[first].forumposts, everything[first].quizattempts) == (3, 2)


def test_activity_counts_one_call_per_page_of_users() -> None:
    box, client, courseid = new_site()
    course_with_activity(box, client, courseid, people=25)
    before = client.transport.stats.by_function.get("local_cooperare_get_activity_counts", 0)
    paged = client.reports.activity_counts(courseid, page_size=10)
    assert client.transport.stats.by_function["local_cooperare_get_activity_counts"] - before == 3
    assert paged == client.reports.activity_counts(courseid) and len(paged) == 25


def test_activity_counts_refuse_bad_input_and_callers_without_the_capabilities() -> None:
    box, client, courseid = new_site()
    for params in ({"offset": -1}, {"limit": 0}, {"limit": 1001}, {"timefrom": MARCH_TO, "timeto": MARCH_FROM},
                   {"courseid": courseid + 99}):
        fails(lambda p=params: client.call("local_cooperare_get_activity_counts", {"courseid": courseid, **p}))
    teacher = token_user(box, client, "teacher", ("moodle/site:viewreports",))
    with pytest.raises(AccessDenied) as raised:
        teacher.reports.activity_counts(courseid)
    assert raised.value.debuginfo == "local/cooperare:provision"
    provisioner = token_user(box, client, "prov", ("local/cooperare:provision",))
    with pytest.raises(AccessDenied) as raised:
        provisioner.reports.activity_counts(courseid)
    assert raised.value.debuginfo == "moodle/site:viewreports"


# -- keyed self enrolment (one per event) and counts per period ------------------------------------------------------

def test_keyed_self_enrolments_have_their_own_dates_and_groups_beside_the_courses_own() -> None:
    from cooperare.sandbox.courses import enrolments
    from cooperare.sandbox.courses.groups import is_member

    box, client, courseid = new_site()
    single = {"courseid": courseid, "method": "self", "status": 1, "spechash": "c"}
    one = {"courseid": courseid, "method": "self", "key": "coop:ev:unu", "name": "Evenimentul unu",
           "enrolstartdate": SELF_START, "enrolenddate": SELF_END, "groupname": "Unu — participanți", "spechash": "e1"}
    two = {**one, "key": "coop:ev:doi", "name": "Evenimentul doi", "enrolstartdate": SELF_END,
           "enrolenddate": SELF_END + 86400, "groupname": "Doi", "maxenrolled": 300, "spechash": "e2"}
    default_self = methods(client, courseid)["self"]
    saved = client.enrol_methods.save([single, one, two])
    assert [s.key for s in saved] == ["self", "self:coop:ev:unu", "self:coop:ev:doi"]
    assert saved[0].id == default_self.enrolid and [s.action for s in saved[1:]] == ["created", "created"]
    again = client.enrol_methods.save([single, one, two])
    assert [s.action for s in again] == ["unchanged"] * 3 and [s.id for s in again] == [s.id for s in saved]
    described = {m.enrolid: m for m in client.enrol_methods.of_courses([courseid])[courseid]}
    assert (described[saved[2].id].key, described[saved[2].id].groupname) == ("coop:ev:doi", "Doi")
    assert (described[saved[2].id].maxenrolled, described[saved[1].id].maxenrolled) == (300, 0)
    assert box.site.db["enrol"].rows[saved[2].id]["customint3"] == 300
    assert (described[saved[2].id].enrolstartdate, described[saved[0].id].key) == (SELF_END, "")
    site = box.site
    groups = {g["idnumber"]: g for g in site.db["groups"].where(courseid=courseid)}
    (user,) = create_users(client, "ana").values()
    enrolments.enrol_user(site, site.db["enrol"].rows[saved[1].id], user, roleid=5)  # as enrol_self() does
    assert is_member(site, groups["coop:ev:unu"]["id"], user) and not is_member(site, groups["coop:ev:doi"]["id"], user)
    site.db["groups"].update(groups["coop:ev:unu"]["id"], name="Altceva")
    assert {m.enrolid: m for m in client.enrol_methods.of_courses([courseid])[courseid]}[saved[1].id].drift
    repaired = client.enrol_methods.save([one])
    assert repaired[0].changed == ("groupname",)
    assert site.db["groups"].rows[groups["coop:ev:unu"]["id"]]["name"] == "Unu — participanți"
    for bad, message in (({"method": "guest", "key": "k"}, "guest access has one instance per course"),
                         ({"method": "self", "groupname": "G"}, "only a keyed instance puts its users into a group")):
        error = fails(lambda b=bad: client.enrol_methods.save([{"courseid": courseid, **b}]))
        assert message in error.debuginfo
    fails(lambda: client.enrol_methods.save([{**one, "spechash": ""}, {**one, "spechash": ""}]))


def test_activity_counts_per_period_add_up_to_the_totals() -> None:
    box, client, courseid = new_site()
    first, _, third = course_with_activity(box, client, courseid)
    split = MARCH_FROM + 350
    counts = {c.userid: c for c in client.reports.activity_counts(courseid, timefrom=MARCH_FROM, timeto=MARCH_TO,
                                                                   periods=[MARCH_FROM, split])}
    periods = counts[first].periods
    assert [(p.start, p.completedactivities, p.forumposts, p.quizattempts) for p in periods] == [
        (MARCH_FROM, 1, 1, 0), (split, 0, 1, 1)]
    assert sum(p.forumposts for p in periods) == counts[first].forumposts
    assert [p.forumposts for p in counts[third].periods] == [0, 0]
    late = {c.userid: c for c in client.reports.activity_counts(courseid, timefrom=MARCH_FROM, timeto=MARCH_TO,
                                                                 periods=[split])}
    assert [(p.forumposts, p.quizattempts) for p in late[first].periods] == [(1, 1)] and late[first].forumposts == 2
    assert client.reports.activity_counts(courseid, timefrom=MARCH_FROM, timeto=MARCH_TO)[0].periods == ()
    for bad in ([MARCH_FROM + 10, MARCH_FROM + 10], [MARCH_FROM + 20, MARCH_FROM + 10], [MARCH_FROM - 1],
                [MARCH_TO + 1], list(range(MARCH_FROM, MARCH_FROM + 121))):
        fails(lambda b=bad: client.call("local_cooperare_get_activity_counts", {
            "courseid": courseid, "timefrom": MARCH_FROM, "timeto": MARCH_TO, "periods": b}))
