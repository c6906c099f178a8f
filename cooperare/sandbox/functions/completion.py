"""core_completion: course and activity completion status (``completion/classes/external.php``)."""

from __future__ import annotations

from typing import Any

from cooperare.sandbox.courses import completion, enrolments, grades, modules
from cooperare.sandbox.courses.courses import get_course
from cooperare.sandbox.courses.errors import missing
from cooperare.sandbox.courses.modtypes import module_type
from cooperare.sandbox.courses.people import get_user, require_active_user
from cooperare.sandbox.courses.schema import (
    COMPLETION_TRACKING_AUTOMATIC,
    COMPLETION_TRACKING_MANUAL,
    CRITERIA_TYPE_ACTIVITY,
    CRITERIA_TYPE_COURSE,
    CRITERIA_TYPE_DATE,
    CRITERIA_TYPE_DURATION,
    CRITERIA_TYPE_GRADE,
    CRITERIA_TYPE_ROLE,
    CRITERIA_TYPE_SELF,
)
from cooperare.sandbox.courses.text import format_float, userdate
from cooperare.sandbox.db import Row
from cooperare.sandbox.exceptions import MoodleException
from cooperare.sandbox.registry import Call, ws_function
from cooperare.sandbox.site import CONTEXT_MODULE, Site

TITLES = {CRITERIA_TYPE_SELF: "Self completion", CRITERIA_TYPE_DATE: "Date", CRITERIA_TYPE_ACTIVITY:
          "Activity completion", CRITERIA_TYPE_DURATION: "Enrolment duration", CRITERIA_TYPE_GRADE: "Course grade",
          CRITERIA_TYPE_COURSE: "Course completion"}


def _user_and_course(call: Call) -> tuple[Row, Row]:
    course = get_course(call.site, call.params["courseid"])
    user = get_user(call.site, call.params["userid"])
    require_active_user(user)
    return course, user


def _activity_row(site: Site, criterion: Row, done: bool) -> tuple[str, dict[str, str]]:
    cm = site.db["course_modules"].get(criterion["moduleinstance"])
    if cm is None:
        return ("Yes" if done else "No"), {"type": TITLES[CRITERIA_TYPE_ACTIVITY], "criteria": "",
                                           "requirement": "", "status": ""}
    name = modules.instance_of(site, cm)["name"]
    url = modules.view_url(site, cm)
    requirement = []
    if cm["completion"] == COMPLETION_TRACKING_MANUAL:
        requirement.append("Marking yourself complete")
    elif cm["completion"] == COMPLETION_TRACKING_AUTOMATIC:
        if cm.get("completionview"):
            requirement.append(f"Viewing the {module_type(modules.modname_of(site, cm)).modulename}")
        if cm.get("completiongradeitemnumber") is not None:
            requirement.append("Achieving grade")
        if cm.get("completionpassgrade"):
            requirement.append("Achieving passing grade")
    details = {"type": TITLES[CRITERIA_TYPE_ACTIVITY], "criteria": f'<a href="{url}">{name}</a>' if url else name,
               "requirement": ", ".join(requirement), "status": ""}
    return ("Yes" if done else "No"), details


def _criterion_row(site: Site, course: Row, criterion: Row, userid: int) -> dict[str, Any]:
    done_row = completion.criterion_completion(site, criterion, userid)
    done = bool(done_row and done_row["timecompleted"])
    kind = criterion["criteriatype"]
    title = TITLES.get(kind, "")
    status = "Yes" if done else "No"
    details = {"type": title, "criteria": title, "requirement": "", "status": ""}
    if kind == CRITERIA_TYPE_ACTIVITY:
        status, details = _activity_row(site, criterion, done)
    elif kind == CRITERIA_TYPE_GRADE:
        grade = grades.course_grade(site, course["id"], userid)
        required = format_float(float(criterion["gradepass"] or 0), 2)
        shown = format_float(grade, 2) if grade else ""
        status = f"{shown or 'No grade'} ({required} required)"
        details = {"type": title, "criteria": "Required course grade", "requirement": required, "status": shown}
    elif kind == CRITERIA_TYPE_SELF:
        details["requirement"] = "Marking yourself complete"
    elif kind == CRITERIA_TYPE_DATE and not done:
        status = userdate(int(criterion["timeend"] or 0), "%d %b %Y")
    elif kind == CRITERIA_TYPE_ROLE:
        role = site.db["role"].get(criterion["role"])
        title = enrolments.ROLE_NAMES.get(criterion["role"], "") if role else f"[Role ID {criterion['role']}]"
        details = {"type": "Manual completion by", "criteria": title, "requirement": f"Marked complete by {title}",
                   "status": ""}
    return {"type": kind, "title": title, "status": status, "complete": done,
            "timecompleted": done_row["timecompleted"] if done_row else None, "details": details}


@ws_function("core_completion_get_course_completion_status")
def get_course_completion_status(call: Call) -> dict[str, Any]:
    site = call.site
    course, user = _user_and_course(call)
    if not course.get("enablecompletion"):
        raise MoodleException("cannotviewreport", "You cannot view this report")
    if user["id"] != call.user["id"]:
        call.require("report/completion:view")
    if not completion.is_tracked_user(site, course["id"], user["id"]):
        if user["id"] == call.user["id"]:
            raise MoodleException("notenroled", "You are not enrolled in this course")
        raise MoodleException("usernotenroled", "User is not enrolled in this course")
    found = completion.criteria(site, course["id"])
    if not found:
        raise MoodleException("nocriteriaset", "No completion criteria set for this course")
    rows = [_criterion_row(site, course, criterion, user["id"]) for criterion in found]
    return {"completionstatus": {"completed": completion.is_course_complete(site, course["id"], user["id"]),
                                 "aggregation": completion.aggregation(site, course["id"]), "completions": rows},
            "warnings": []}


@ws_function("core_completion_get_activities_completion_status")
def get_activities_completion_status(call: Call) -> dict[str, Any]:
    site = call.site
    course, user = _user_and_course(call)
    if user["id"] != call.user["id"]:
        call.require("report/progress:view")
    statuses = []
    for cm in completion.tracked_activities(site, course["id"]):
        entry = {"cmid": cm["id"], "modname": modules.modname_of(site, cm), "instance": cm["instance"],
                 "tracking": cm["completion"]}
        entry.update(completion.export_state(site, cm, user["id"]))
        statuses.append(entry)
    return {"statuses": statuses, "warnings": []}


@ws_function("core_completion_update_activity_completion_status_manually")
def update_activity_completion_status_manually(call: Call) -> dict[str, Any]:
    """The token user ticks (or unticks) an activity with manual completion."""
    site = call.site
    cm = site.db["course_modules"].get(call.params["cmid"])
    if cm is None:
        raise missing(site, "course_modules", {"id": call.params["cmid"]}, fields="id,course")
    site.context(CONTEXT_MODULE, cm["id"])
    call.require("moodle/course:togglecompletion")
    if not site.db["course"].rows[cm["course"]].get("enablecompletion"):
        raise MoodleException("completionnotenabled", "Completion is not enabled")
    if cm["completion"] != COMPLETION_TRACKING_MANUAL:
        raise MoodleException("cannotmanualctrack", "Activity does not provide manual completion tracking")
    completion.set_activity_state(site, cm, call.user["id"], 1 if call.params["completed"] else 0)
    return {"status": True, "warnings": []}
