"""The web-service functions of ``local_cooperare`` (``classes/external/*.php``): every one takes a batch and is
all or nothing (``atomic``: the server rolls the whole call back on the first error)."""

from __future__ import annotations

import json
from bisect import bisect_right
from typing import Any

from cooperare.sandbox.courses import completion as core_completion
from cooperare.sandbox.courses import enrolments, modules
from cooperare.sandbox.courses.schema import COMPLETION_COMPLETE, COMPLETION_COMPLETE_PASS, table
from cooperare.sandbox.db import Row
from cooperare.sandbox.exceptions import InvalidParameterException
from cooperare.sandbox.plugin import (
    activities,
    bookchapters,
    calendarevents,
    cohortsync,
    completion,
    enrolmethods,
    items,
    newsforum,
    questionbank,
    questions,
    sections,
    sitefiles,
    userfiles,
    util,
)
from cooperare.sandbox.registry import Call, ws_function
from cooperare.sandbox.site import CONTEXT_MODULE, COURSE_ASSIGNABLE_ROLES, SITE_COURSE_ID, SITE_TIMEZONE

ACTIVITY_CAPABILITIES = ("moodle/course:manageactivities", "moodle/course:activityvisibility")
COHORT_CAPABILITIES = ("moodle/course:enrolconfig", "enrol/cohort:config")


@ws_function("local_cooperare_describe_courses")  # a read: no transaction in the PHP either
def describe_courses(call: Call) -> dict[str, Any]:
    # Before any lookup, as the PHP's util::require_site_provision(): whether an idnumber exists is not for callers
    # without the capability (recorded: plugin_permission_denied).
    util.require_capability(call, util.PROVISION)
    courses: list[dict[str, Any]] = []
    missing: list[str] = []
    seen: set[str] = set()
    for idnumber in call.params["idnumbers"]:
        util.check_unique(seen, idnumber, f"course '{idnumber}'")
        record = call.db["course"].first(idnumber=idnumber) if idnumber != "" else None
        if record is None or record["id"] == SITE_COURSE_ID:
            missing.append(idnumber)
            continue
        course, _ = util.course_and_context(call, record["id"])
        courses.append({
            "id": course["id"], "idnumber": str(course.get("idnumber") or ""), "shortname": course["shortname"],
            "fullname": course["fullname"], "format": course["format"], "visible": int(course["visible"]),
            "enablecompletion": int(course.get("enablecompletion") or 0),
            "sections": sections.describe(call, course),
            "activities": activities.describe(call, course),
            "questions": questions.describe(call, course),
            "completion": completion.describe(call, course),
            "cohortsync": cohortsync.describe(call, course),
        })
    return {"courses": courses, "missing": missing}


@ws_function("local_cooperare_save_sections", atomic=True)
def save_sections(call: Call) -> dict[str, Any]:
    result: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in call.params["sections"]:
        course, _ = util.course_and_context(call, item["courseid"], ("moodle/course:update",))
        util.check_unique(seen, f"{course['id']}/{item['number']}",
                          f"section {item['number']} of course {course['id']}")
        sectionid, action = sections.save(call, course, item)
        result.append({"courseid": course["id"], "number": item["number"], "id": sectionid, "action": action})
    return {"sections": result}


@ws_function("local_cooperare_save_activities", atomic=True)
def save_activities(call: Call) -> dict[str, Any]:
    result: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in call.params["activities"]:
        course, _ = util.course_and_context(call, item["courseid"], ACTIVITY_CAPABILITIES)
        util.check_unique(seen, f"{course['id']}/{item['idnumber']}", f"activity '{item['idnumber']}'")
        cmid, instance, action = activities.save(call, course, item)
        result.append({"courseid": course["id"], "idnumber": item["idnumber"], "cmid": cmid, "instance": instance,
                       "action": action})
    return {"activities": result}


@ws_function("local_cooperare_delete_activities", atomic=True)
def delete_activities(call: Call) -> dict[str, Any]:
    site = call.site
    result: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in call.params["activities"]:
        course, _ = util.course_and_context(call, item["courseid"], ("moodle/course:manageactivities",))
        idnumber = item["idnumber"]
        util.check_unique(seen, f"{course['id']}/{idnumber}", f"activity '{idnumber}'")
        managed = items.get(site, course["id"], items.KIND_ACTIVITY, idnumber)
        cm = util.cm_by_idnumber(call, course["id"], idnumber)
        if cm is not None and (managed is None or managed["objectid"] != cm["id"]):
            raise util.plugin_exception("notmanaged", idnumber)
        cmid = 0
        modname = util.modname(call, cm) if cm is not None else ""
        if cm is not None:
            cmid = cm["id"]
            delete_module(call, cm)
        if managed is not None:
            items.delete(site, course["id"], items.KIND_ACTIVITY, idnumber)
        if modname == "quiz":
            questions.delete_orphans(site, course["id"])
        result.append({"courseid": course["id"], "idnumber": idnumber, "cmid": cmid,
                       "action": "deleted" if cm is not None else "notfound"})
    return {"activities": result}


def delete_module(call: Call, cm: dict[str, Any]) -> None:
    """``course_delete_module``: the module's own data (``<mod>_delete_instance``), its context's files and question
    bank, then the course module (:func:`..courses.modules.delete_module`)."""
    site = call.site
    modname = util.modname(call, cm)
    instance = modules.instance_of(site, cm)
    context = site.context(CONTEXT_MODULE, cm["id"], create=False)
    if modname == "quiz" and context is not None:
        questionbank.delete_quiz_data(site, instance, context["id"])
    elif modname == "feedback":
        for row in table(call.db, "feedback_item").where(feedback=instance["id"]):
            table(call.db, "feedback_item").delete(row["id"])
    elif modname == "forum":
        for discussion in call.db["forum_discussions"].where(forum=instance["id"]):
            for post in call.db["forum_posts"].where(discussion=discussion["id"]):
                call.db["forum_posts"].delete(post["id"])
            call.db["forum_discussions"].delete(discussion["id"])
    if context is not None:
        files = call.db["files"]
        for row in [f for f in files if f["contextid"] == context["id"]]:
            files.delete(row["id"])
    modules.delete_module(site, cm["id"])


@ws_function("local_cooperare_save_questions", atomic=True)
def save_questions(call: Call) -> dict[str, Any]:
    result: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in call.params["quizzes"]:
        course, _ = util.course_and_context(call, item["courseid"], ("moodle/course:manageactivities",))
        util.check_unique(seen, f"{course['id']}/{item['quiz']}", f"quiz '{item['quiz']}'")
        result.append(questions.save(call, course, item))
    return {"quizzes": result}


@ws_function("local_cooperare_set_completion", atomic=True)
def set_completion(call: Call) -> dict[str, Any]:
    result: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in call.params["courses"]:
        course, _ = util.course_and_context(call, item["courseid"], ("moodle/course:update",))
        util.check_unique(seen, str(course["id"]), f"completion of course {course['id']}")
        result.append({"courseid": course["id"], "action": completion.save(call, course, item)})
    return {"courses": result}


@ws_function("local_cooperare_save_cohort_sync", atomic=True)
def save_cohort_sync(call: Call) -> dict[str, Any]:
    result: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in call.params["instances"]:
        course, contextid = util.course_and_context(call, item["courseid"], COHORT_CAPABILITIES)
        util.check_unique(seen, f"{course['id']}/{item['cohortidnumber']}",
                          f"cohort sync of '{item['cohortidnumber']}' in course {course['id']}")
        result.append(cohortsync.save(call, course, contextid, item))
    return {"instances": result}


@ws_function("local_cooperare_delete_cohort_sync", atomic=True)
def delete_cohort_sync(call: Call) -> dict[str, Any]:
    result: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in call.params["instances"]:
        course, _ = util.course_and_context(call, item["courseid"], COHORT_CAPABILITIES)
        util.check_unique(seen, f"{course['id']}/{item['cohortidnumber']}",
                          f"cohort sync of '{item['cohortidnumber']}' in course {course['id']}")
        result.append(cohortsync.delete(call, course, item))
    return {"instances": result}


@ws_function("local_cooperare_save_news_forum_staff", atomic=True)
def save_news_forum_staff(call: Call) -> dict[str, Any]:
    result: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in call.params["staff"]:
        course, contextid = util.course_and_context(call, item["courseid"],
                                                    ("moodle/course:manageactivities", "moodle/role:override"))
        util.check_unique(seen, f"{course['id']}/{item['userid']}", f"user {item['userid']} in course {course['id']}")
        result.append(newsforum.save(call, course, contextid, item["userid"]))
    return {"staff": result}


def _book_module(call: Call, capability: str) -> Row:
    """The book named by the call's courseid and idnumber. As the PHP: the course capabilities before the book is
    looked up, ``capability`` in the book after."""
    course, _ = util.course_and_context(call, call.params["courseid"], ("moodle/course:manageactivities",))
    idnumber = call.params["idnumber"]
    cm = util.cm_by_idnumber(call, course["id"], idnumber)
    if cm is None or util.modname(call, cm) != "book":
        raise InvalidParameterException(f"course {course['id']}: no book with idnumber '{idnumber}'")
    util.require_capability(call, capability)
    return cm


@ws_function("local_cooperare_save_book_chapters", atomic=True)
def save_book_chapters(call: Call) -> dict[str, Any]:
    cm = _book_module(call, "mod/book:edit")
    context = call.site.context(CONTEXT_MODULE, cm["id"])
    assert context is not None
    book = modules.instance_of(call.site, cm)
    chapters = bookchapters.save(call, book, context["id"], list(call.params["chapters"]))
    return {"cmid": cm["id"], "bookid": book["id"], "chapters": chapters}


@ws_function("local_cooperare_get_book_chapters")  # a read
def get_book_chapters(call: Call) -> dict[str, Any]:
    cm = _book_module(call, "mod/book:read")
    book = modules.instance_of(call.site, cm)
    return {"cmid": cm["id"], "bookid": book["id"], "chapters": bookchapters.read(call, book)}


@ws_function("local_cooperare_add_user_files", atomic=True)
def add_user_files(call: Call) -> dict[str, Any]:
    seen: set[str] = set()
    return {"files": [userfiles.add(call, item, seen) for item in call.params["files"]]}


MAX_COMPLETIONS_PAGE = 1000


def _check_paging(offset: int, limit: int, maximum: int) -> None:
    if offset < 0:
        raise InvalidParameterException("offset must not be negative")
    if not 1 <= limit <= maximum:
        raise InvalidParameterException(f"limit must be between 1 and {maximum}")


@ws_function("local_cooperare_get_course_completions")  # a read
def get_course_completions(call: Call) -> dict[str, Any]:
    """Course completion of the course's tracked users, by user id, a page at a time (``get_course_completions``)."""
    offset, limit = call.params["offset"], call.params["limit"]
    _check_paging(offset, limit, MAX_COMPLETIONS_PAGE)
    course, _ = util.course_and_context(call, call.params["courseid"], ("report/completion:view",))
    site = call.site
    has_criteria = bool(course.get("enablecompletion")) and bool(core_completion.criteria(site, course["id"]))
    tracked = [uid for uid in enrolments.enrolled_user_ids(site, course["id"], onlyactive=True)
               if core_completion.is_tracked_user(site, course["id"], uid)]
    users: list[dict[str, Any]] = []
    if has_criteria:
        for uid in tracked[offset:offset + limit]:
            row = core_completion.course_completion(site, course["id"], uid)
            done = int(row["timecompleted"] or 0) if row else 0
            users.append({"userid": uid, "completed": bool(done), "timecompleted": done})
    return {"courseid": course["id"], "hascriteria": has_criteria, "total": len(tracked), "offset": offset,
            "users": users}


# Language packs of a fresh Moodle: English only; the site config's "languages" ([[code, name], ...]) installs
# more, as the demo does with the Romanian pack.
DEFAULT_LANGUAGES = (("en", "English \u200e(en)\u200e"),)


@ws_function("local_cooperare_get_site_setup")
def get_site_setup(call: Call) -> dict[str, Any]:
    util.require_capability(call, util.PROVISION)
    config = call.site.settings.config
    languages = [{"code": str(code), "name": str(name)}
                 for code, name in sorted(config.get("languages") or DEFAULT_LANGUAGES)]
    return {"languages": languages, "defaultlang": str(config.get("lang", "en")),
            "timezone": str(config.get("timezone", SITE_TIMEZONE)),
            "forcetimezone": str(config.get("forcetimezone", "")),
            "enableavailability": bool(config.get("enableavailability", True)),
            "enablecompletion": bool(config.get("enablecompletion", True)),
            "modules": sorted(str(row["name"]) for row in call.db["modules"] if row["visible"])}


@ws_function("local_cooperare_get_roles")
def get_roles(call: Call) -> dict[str, Any]:
    util.require_capability(call, util.PROVISION)
    roles = sorted(call.site.db["role"], key=lambda role: role["sortorder"])
    # a fresh install's roles have their shortname as archetype; roles made later carry their own
    return {"roles": [{"id": role["id"], "shortname": role["shortname"],
                       "archetype": role.get("archetype", role["shortname"]),
                       "assignablecourse": role["id"] in COURSE_ASSIGNABLE_ROLES} for role in roles]}


@ws_function("local_cooperare_publish_site", atomic=True)
def publish_site(call: Call) -> dict[str, Any]:
    params = call.params
    return sitefiles.publish(call, str(params["area"]), int(params["draftitemid"]), bool(params["replace"]))
ENROL_CAPABILITIES = ("moodle/course:enrolconfig",)


@ws_function("local_cooperare_save_enrol_methods", atomic=True)
def save_enrol_methods(call: Call) -> dict[str, Any]:
    result: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in call.params["methods"]:
        course, contextid = util.course_and_context(call, item["courseid"], ENROL_CAPABILITIES)
        key = item["key"]
        util.check_unique(seen, f"{course['id']}/{item['method']}/{key}",
                          f"{item['method']} enrolment{f' {key!r}' if key else ''} of course {course['id']}")
        result.append(enrolmethods.save(call, course, contextid, item))
    return {"methods": result}


@ws_function("local_cooperare_get_enrol_methods")  # a read
def get_enrol_methods(call: Call) -> dict[str, Any]:
    result: list[dict[str, Any]] = []
    seen: set[str] = set()
    for courseid in call.params["courseids"]:
        course, _ = util.course_and_context(call, courseid, ("moodle/course:enrolreview",))
        util.check_unique(seen, str(course["id"]), f"course {course['id']}")
        result.append({"courseid": course["id"], "methods": enrolmethods.describe(call, course)})
    return {"courses": result}


@ws_function("local_cooperare_save_calendar_events", atomic=True)
def save_calendar_events(call: Call) -> dict[str, Any]:
    return {"events": calendarevents.each(call, calendarevents.save)}


@ws_function("local_cooperare_delete_calendar_events", atomic=True)
def delete_calendar_events(call: Call) -> dict[str, Any]:
    return {"events": calendarevents.each(call, calendarevents.delete)}


@ws_function("local_cooperare_get_calendar_events")  # a read
def get_calendar_events(call: Call) -> dict[str, Any]:
    events: list[dict[str, Any]] = []
    seen: set[str] = set()
    for courseid in call.params["courseids"]:
        itemcourseid = calendarevents.context_for(call, courseid)
        util.check_unique(seen, str(itemcourseid), "the site" if courseid == 0 else f"course {courseid}")
        events.extend(calendarevents.describe(call, itemcourseid, courseid))
    return {"events": events}


MAX_ATTENDANCE_PAGE = 5000
BBB_LOGS = ("Join", "Logout", "Summary")  # mod_bigbluebuttonbn\logger::EVENT_JOIN, EVENT_LOGOUT, EVENT_SUMMARY



def bbb_log_row(row: dict[str, Any]) -> dict[str, Any]:
    """``get_bbb_attendance::log_row``: a Summary's duration and engagement counts read out of its meta."""
    meta = str(row.get("meta") or "")
    data: Any = None
    if row["log"] == "Summary":
        try:
            decoded = json.loads(meta)
        except ValueError:
            decoded = None
        data = decoded.get("data") if isinstance(decoded, dict) else None
    engagement = data.get("engagement") if isinstance(data, dict) else None
    engagement = engagement if isinstance(engagement, dict) else {}
    return {"id": row["id"], "userid": int(row.get("userid") or 0), "log": row["log"],
            "timecreated": int(row["timecreated"]), "meetingid": str(row["meetingid"]),
            "duration": int((data or {}).get("duration") or 0) if isinstance(data, dict) else 0,
            "chats": int(engagement.get("chats") or 0), "talks": int(engagement.get("talks") or 0),
            "raisehand": int(engagement.get("raisehand") or 0), "pollvotes": int(engagement.get("poll_votes") or 0),
            "emojis": int(engagement.get("emojis") or 0), "meta": meta}


@ws_function("local_cooperare_get_bbb_attendance")  # a read
def get_bbb_attendance(call: Call) -> dict[str, Any]:
    params = call.params
    _check_paging(params["offset"], params["limit"], MAX_ATTENDANCE_PAGE)
    util.require_capability(call, util.PROVISION)  # before any lookup
    cm = call.db["course_modules"].get(params["cmid"]) if params["cmid"] > 0 else None
    if cm is None or util.modname(call, cm) != "bigbluebuttonbn":
        raise InvalidParameterException(f"activity {params['cmid']}: no BigBlueButton activity has this id")
    util.course_and_context(call, cm["course"], ("moodle/site:viewreports",))
    room = modules.instance_of(call.site, cm)
    logs = sorted((row for row in table(call.db, "bigbluebuttonbn_logs").where(bigbluebuttonbnid=room["id"])
                   if row["courseid"] == cm["course"] and row["log"] in BBB_LOGS
                   and row["timecreated"] >= params["since"]), key=lambda row: row["id"])
    page = logs[params["offset"]:params["offset"] + params["limit"]]
    return {"cmid": cm["id"], "courseid": cm["course"], "instance": room["id"], "meetingid": str(room["meetingid"]),
            "total": len(logs), "offset": params["offset"], "logs": [bbb_log_row(row) for row in page]}


MAX_ACTIVITY_PAGE = 1000
MAX_PERIODS = 120
COUNTS = ("completedactivities", "forumposts", "quizattempts")


@ws_function("local_cooperare_get_activity_counts")  # a read
def get_activity_counts(call: Call) -> dict[str, Any]:
    """Per enrolled user (any status, by id): last course access; completions, forum posts and finished quiz attempts
    within [timefrom, timeto], and per period when period starts are sent (``get_activity_counts``)."""
    params = call.params
    _check_paging(params["offset"], params["limit"], MAX_ACTIVITY_PAGE)
    timeto = params["timeto"] or call.site.now()
    if params["timefrom"] < 0 or params["timefrom"] > timeto:
        raise InvalidParameterException("timefrom must be between 0 and timeto")
    starts = [int(start) for start in params["periods"]]
    if len(starts) > MAX_PERIODS:
        raise InvalidParameterException(f"at most {MAX_PERIODS} periods")
    if any(start < params["timefrom"] or start > timeto or (i and start <= starts[i - 1])
           for i, start in enumerate(starts)):
        raise InvalidParameterException("periods must be ascending starts within [timefrom, timeto]")
    course, _ = util.course_and_context(call, params["courseid"], ("moodle/site:viewreports",))
    site, db = call.site, call.db
    enrolled = enrolments.enrolled_user_ids(site, course["id"])
    page = enrolled[params["offset"]:params["offset"] + params["limit"]]

    def within(time: Any) -> bool:
        return params["timefrom"] <= int(time or 0) <= timeto

    def period(time: Any) -> int | None:
        moment = int(time or 0)
        if not starts or moment < starts[0] or moment > timeto:
            return None
        return bisect_right(starts, moment) - 1

    wanted = set(page)
    totals: dict[tuple[str, int], int] = {}
    by_period: dict[tuple[str, int, int], int] = {}

    def count(name: str, userid: int, time: Any) -> None:
        if within(time):
            totals[(name, userid)] = totals.get((name, userid), 0) + 1
        index = period(time)
        if index is not None:
            by_period[(name, userid, index)] = by_period.get((name, userid, index), 0) + 1

    for cm in table(db, "course_modules").where(course=course["id"]):
        if cm.get("deletioninprogress"):
            continue
        for row in table(db, "course_modules_completion").where(coursemoduleid=cm["id"]):
            if row["userid"] in wanted and row["completionstate"] in (COMPLETION_COMPLETE, COMPLETION_COMPLETE_PASS):
                count("completedactivities", row["userid"], row["timemodified"])
    for discussion in db["forum_discussions"].where(course=course["id"]):
        for post in db["forum_posts"].where(discussion=discussion["id"]):
            if post["userid"] in wanted and not post.get("deleted"):
                count("forumposts", post["userid"], post["created"])
    for quiz in table(db, "quiz").where(course=course["id"]):
        for attempt in table(db, "quiz_attempts").where(quiz=quiz["id"]):
            if attempt["userid"] in wanted and not attempt.get("preview") and attempt["state"] == "finished":
                count("quizattempts", attempt["userid"], attempt["timefinish"])
    accesses = table(db, "user_lastaccess")
    users = []
    for userid in page:
        access = accesses.first(userid=userid, courseid=course["id"])
        users.append({"userid": userid, "lastaccess": int(access["timeaccess"]) if access else 0,
                      **{name: totals.get((name, userid), 0) for name in COUNTS},
                      "periods": [{"start": start, **{name: by_period.get((name, userid, index), 0) for name in COUNTS}}
                                  for index, start in enumerate(starts)]})
    return {"courseid": course["id"], "timefrom": params["timefrom"], "timeto": timeto, "total": len(enrolled),
            "offset": params["offset"], "users": users}


MAX_FORUM_PAGE = 1000


@ws_function("local_cooperare_get_forum_posts")  # a read
def get_forum_posts(call: Call) -> dict[str, Any]:
    """Every post of a forum, all discussions together, in post id order, private replies left out
    (``get_forum_posts``)."""
    params = call.params
    _check_paging(params["offset"], params["limit"], MAX_FORUM_PAGE)
    util.require_capability(call, util.PROVISION)  # before any lookup
    cm = call.db["course_modules"].get(params["cmid"]) if params["cmid"] > 0 else None
    if cm is None or util.modname(call, cm) != "forum":
        raise InvalidParameterException(f"activity {params['cmid']}: no forum has this id")
    util.course_and_context(call, cm["course"])
    util.require_capability(call, "mod/forum:viewdiscussion")
    forum = modules.instance_of(call.site, cm)
    discussions = {d["id"] for d in call.db["forum_discussions"].where(forum=forum["id"])}
    since = params["since"]
    posts = sorted((p for p in call.db["forum_posts"] if p["discussion"] in discussions
                    and not p.get("privatereplyto") and (p["created"] >= since or p["modified"] >= since)),
                   key=lambda p: p["id"])
    users = call.db["user"]
    page = posts[params["offset"]:params["offset"] + params["limit"]]
    return {"cmid": cm["id"], "forumid": forum["id"], "total": len(posts), "offset": params["offset"], "posts": [
        {"id": p["id"], "discussion": p["discussion"], "parent": p["parent"], "userid": p["userid"],
         "userfullname": call.site.fullname(users.rows[p["userid"]]) if p["userid"] in users.rows else "",
         "created": p["created"], "modified": p["modified"], "subject": p["subject"], "message": p["message"],
         "messageformat": p["messageformat"], "deleted": bool(p.get("deleted"))} for p in page]}
