"""gradereport_user_get_grade_items: the user report's grade items, for one user or every gradable user."""

from __future__ import annotations

from typing import Any

from cooperare.sandbox.courses import enrolments, grades, groups, modules
from cooperare.sandbox.courses.courses import get_course
from cooperare.sandbox.courses.people import get_user, name_sort_key, require_active_user
from cooperare.sandbox.courses.schema import GRADEBOOK_ROLES
from cooperare.sandbox.db import Row
from cooperare.sandbox.registry import Call, ws_function
from cooperare.sandbox.site import Site

MAX_DEPTH = 2  # the course category and its items: the report's table depth


def gradable_users(site: Site, courseid: int, groupid: int = 0) -> list[Row]:
    """Active participants with a gradebook role ($CFG->gradebookroles), by lastname then firstname."""
    users = site.db["user"].rows
    ids = [uid for uid in enrolments.enrolled_user_ids(site, courseid, onlyactive=True)
           if enrolments.has_role(site, courseid, uid, GRADEBOOK_ROLES)]
    if groupid:
        members = set(groups.member_ids(site, groupid))
        ids = [uid for uid in ids if uid in members]
    return sorted((users[uid] for uid in ids), key=name_sort_key)


def _cmids(site: Site, courseid: int) -> dict[tuple[str, int], int]:
    return {(modules.modname_of(site, cm), cm["instance"]): cm["id"] for cm in modules.course_cms(site, courseid)}


@ws_function("gradereport_user_get_grade_items")
def get_grade_items(call: Call) -> dict[str, Any]:
    site = call.site
    course = get_course(site, call.params["courseid"])
    call.require("gradereport/user:view")
    userid = call.params["userid"]
    if userid:
        user = get_user(site, userid)
        require_active_user(user)
        if userid != call.user["id"]:
            call.require("moodle/grade:viewall")
        users = [user]
    else:
        call.require("moodle/grade:viewall")
        users = gradable_users(site, course["id"], call.params.get("groupid") or 0)
    grades.course_item(site, course["id"])  # grade_regrade_final_grades: the course total exists from here on
    cmids = _cmids(site, course["id"])
    usergrades = [{
        "courseid": course["id"], "courseidnumber": course.get("idnumber") or "", "userid": user["id"],
        "userfullname": site.fullname(user), "useridnumber": user.get("idnumber") or "", "maxdepth": MAX_DEPTH,
        "gradeitems": grades.report_rows(site, course["id"], user["id"], cmids),
    } for user in users]
    return {"usergrades": usergrades, "warnings": []}
