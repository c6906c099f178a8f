"""The web-service functions of ``local_cooperare`` (``classes/external/*.php``): every one takes a batch and is
all or nothing (``atomic``: the server rolls the whole call back on the first error)."""

from __future__ import annotations

from typing import Any

from cooperare.sandbox.courses import completion as core_completion
from cooperare.sandbox.courses import enrolments, modules
from cooperare.sandbox.courses.schema import table
from cooperare.sandbox.exceptions import InvalidParameterException
from cooperare.sandbox.plugin import (
    activities,
    cohortsync,
    completion,
    items,
    questionbank,
    questions,
    sections,
    sitefiles,
    userfiles,
    util,
)
from cooperare.sandbox.registry import Call, ws_function
from cooperare.sandbox.site import COURSE_ASSIGNABLE_ROLES, CONTEXT_MODULE, SITE_COURSE_ID, SITE_TIMEZONE

ACTIVITY_CAPABILITIES = ("moodle/course:manageactivities", "moodle/course:activityvisibility")
COHORT_CAPABILITIES = ("moodle/course:enrolconfig", "enrol/cohort:config")


@ws_function("local_cooperare_describe_courses")  # a read: no transaction in the PHP either
def describe_courses(call: Call) -> dict[str, Any]:
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


@ws_function("local_cooperare_add_user_files", atomic=True)
def add_user_files(call: Call) -> dict[str, Any]:
    seen: set[str] = set()
    return {"files": [userfiles.add(call, item, seen) for item in call.params["files"]]}


MAX_COMPLETIONS_PAGE = 1000


@ws_function("local_cooperare_get_course_completions")  # a read
def get_course_completions(call: Call) -> dict[str, Any]:
    """Course completion of the course's tracked users, by user id, a page at a time (``get_course_completions``)."""
    offset, limit = call.params["offset"], call.params["limit"]
    if offset < 0:
        raise InvalidParameterException("offset must not be negative")
    if not 1 <= limit <= MAX_COMPLETIONS_PAGE:
        raise InvalidParameterException(f"limit must be between 1 and {MAX_COMPLETIONS_PAGE}")
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
            "enablecompletion": bool(config.get("enablecompletion", True))}


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
