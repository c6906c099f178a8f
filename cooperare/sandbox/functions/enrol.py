"""enrol_manual enrol/unenrol and core_enrol_get_enrolled_users (``enrol/manual/externallib.php``,
``enrol/externallib.php``)."""

from __future__ import annotations

from typing import Any

from cooperare.sandbox.courses import enrolments, groups
from cooperare.sandbox.courses.courses import get_course
from cooperare.sandbox.courses.errors import context_missing, missing
from cooperare.sandbox.courses.people import (
    course_user_details,
    get_user,
    name_sort_key,
    require_active_user,
)
from cooperare.sandbox.courses.schema import ENROL_USER_ACTIVE, ENROL_USER_SUSPENDED, STUDENT_ROLE_ID
from cooperare.sandbox.db import Row
from cooperare.sandbox.exceptions import InvalidParameterException, MoodleException
from cooperare.sandbox.php import clean_param
from cooperare.sandbox.registry import Call, ws_function
from cooperare.sandbox.site import COURSE_ASSIGNABLE_ROLES, Site


def _no_instance(courseid: int) -> MoodleException:
    return MoodleException("wsnoinstance", "Manual enrolment plugin instance doesn't exist or is disabled for the "
                                           f"course (id = {courseid})")


@ws_function("enrol_manual_enrol_users", atomic=True)
def enrol_users(call: Call) -> None:
    site = call.site
    manual: dict[int, Row | None] = {}  # per course, looked up once per call (batches are large)
    for item in call.params["enrolments"]:
        courseid = item["courseid"]
        if site.db["course"].get(courseid) is None:
            raise context_missing()
        call.require("enrol/manual:enrol")
        user = get_user(site, item["userid"])
        require_active_user(user)
        if item["roleid"] not in COURSE_ASSIGNABLE_ROLES:
            raise MoodleException(
                "wsusercannotassign",
                f"You don't have the permission to assign this role ({item['roleid']}) to this user "
                f"({user['id']}) in this course ({courseid}).")
        if courseid not in manual:
            manual[courseid] = next((i for i in enrolments.instances(site, courseid, enabled=True)
                                     if i["enrol"] == "manual"), None)
        instance = manual[courseid]
        if instance is None:
            raise _no_instance(courseid)
        status = ENROL_USER_SUSPENDED if item.get("suspend") else ENROL_USER_ACTIVE
        enrolments.enrol_user(site, instance, user["id"], roleid=item["roleid"],
                              timestart=item.get("timestart") or 0, timeend=item.get("timeend") or 0,
                              status=status, modifierid=call.user["id"])


@ws_function("enrol_manual_unenrol_users", atomic=True)
def unenrol_users(call: Call) -> None:
    site = call.site
    for item in call.params["enrolments"]:
        courseid = item["courseid"]
        if site.db["course"].get(courseid) is None:
            raise missing(site, "course", {"id": courseid}, fields="id")
        call.require("enrol/manual:unenrol")
        instance = site.db["enrol"].first(courseid=courseid, enrol="manual")
        if instance is None:
            raise _no_instance(courseid)
        user = get_user(site, item["userid"])
        require_active_user(user)
        enrolments.unenrol_user(site, instance, user["id"])


# -- core_enrol_get_enrolled_users ------------------------------------------------------------------------------

def _options(options: list[dict[str, Any]]) -> dict[str, Any]:
    parsed: dict[str, Any] = {"withcapability": "", "groupid": 0, "onlyactive": False, "onlysuspended": False,
                              "userfields": (), "limitfrom": 0, "limitnumber": 0, "sortby": "id",
                              "sortdirection": "ASC"}
    for option in options or []:
        name, value = option["name"], option["value"]
        if name == "withcapability":
            parsed[name] = value
        elif name == "groupid":
            parsed[name] = clean_param(value, "PARAM_INT")
        elif name in ("onlyactive", "onlysuspended"):
            parsed[name] = value not in ("", "0", None)
        elif name == "userfields":
            parsed[name] = tuple(clean_param(f, "PARAM_ALPHANUMEXT") for f in str(value).split(","))
        elif name in ("limitfrom", "limitnumber"):
            parsed[name] = clean_param(value, "PARAM_INT")
        elif name == "sortby":
            allowed = ["id", "firstname", "lastname", "siteorder"]
            if value not in allowed:
                raise InvalidParameterException(
                    f"Invalid value for sortby parameter (value: {value}), allowed values are: {','.join(allowed)}")
            parsed[name] = value
        elif name == "sortdirection":
            direction = str(value).upper()
            if direction not in ("ASC", "DESC"):
                raise InvalidParameterException(
                    f"Invalid value for sortdirection parameter\n                        (value: {direction}),"
                    "allowed values are: ASC,DESC")
            parsed[name] = direction
    return parsed


# Which roles hold a capability asked for with ``withcapability`` (the default role definitions, simplified).
CAPABILITY_ROLES = {
    "moodle/course:isincompletionreports": {STUDENT_ROLE_ID},
    "mod/quiz:attempt": {STUDENT_ROLE_ID},
    "mod/assign:submit": {STUDENT_ROLE_ID},
    "moodle/grade:view": {STUDENT_ROLE_ID},
    "mod/forum:replypost": {1, 3, 4, STUDENT_ROLE_ID},
}
TEACHER_ROLES = {1, 3, 4}


def _sort_key(site: Site, sortby: str) -> Any:
    users = site.db["user"].rows
    if sortby == "siteorder":
        return lambda uid: name_sort_key(users[uid])
    if sortby == "id":
        return lambda uid: uid
    return lambda uid: (users[uid].get(sortby) or "", uid)


@ws_function("core_enrol_get_enrolled_users")
def get_enrolled_users(call: Call) -> list[dict[str, Any]]:
    site = call.site
    options = _options(call.params["options"])
    course = get_course(site, call.params["courseid"])
    call.require("moodle/course:viewparticipants")
    if options["withcapability"]:
        call.require("moodle/role:review")
    if options["onlyactive"] or options["onlysuspended"]:
        call.require("moodle/course:enrolreview")
    if options["onlyactive"] and options["onlysuspended"]:
        raise MoodleException(
            "codingerror",
            "Coding error detected, it must be fixed by a programmer: Both onlyactive and onlysuspended are set, "
            "this is probably not what you want!")
    ids = enrolments.enrolled_user_ids(site, course["id"], onlyactive=options["onlyactive"],
                                       onlysuspended=options["onlysuspended"])
    if options["groupid"]:
        members = set(groups.member_ids(site, options["groupid"]))
        ids = [uid for uid in ids if uid in members]
    if options["withcapability"]:
        roles = CAPABILITY_ROLES.get(options["withcapability"], TEACHER_ROLES)
        ids = [uid for uid in ids if enrolments.has_role(site, course["id"], uid, roles)]
    ids.sort(key=_sort_key(site, options["sortby"]), reverse=options["sortdirection"] == "DESC")
    start = max(options["limitfrom"], 0)
    if options["limitnumber"] > 0:
        ids = ids[start:start + options["limitnumber"]]
    elif start:
        ids = ids[start:]
    users = site.db["user"].rows
    return [course_user_details(site, call.user, users[uid], course, options["userfields"]) for uid in ids]
