"""``local_cooperare\\local\\completion``: course completion criteria — required activities by idnumber, aggregation,
an optional course grade. The plugin owns the whole criteria set of a course it manages: other criteria (self
completion, dates, roles…) are removed when the set is written."""

from __future__ import annotations

from typing import Any

from cooperare.sandbox.courses import completion as core_completion
from cooperare.sandbox.courses import enrolments
from cooperare.sandbox.courses.schema import (
    COMPLETION_AGGREGATION_ALL,
    COMPLETION_AGGREGATION_ANY,
    COMPLETION_TRACKING_NONE,
    CRITERIA_TYPE_ACTIVITY,
    CRITERIA_TYPE_GRADE,
    table,
)
from cooperare.sandbox.db import Row
from cooperare.sandbox.exceptions import InvalidParameterException
from cooperare.sandbox.plugin import items, util
from cooperare.sandbox.registry import Call

IDNUMBER = "course"


def state(call: Call, course: Row) -> dict[str, Any]:
    """The completion criteria of a course as they are now."""
    site = call.site
    activities: list[str] = []
    grade = "0"
    others = 0
    criteria = sorted(table(call.db, "course_completion_criteria").where(course=course["id"]), key=lambda c: c["id"])
    for criterion in criteria:
        if criterion["criteriatype"] == CRITERIA_TYPE_ACTIVITY:
            cm = table(call.db, "course_modules").get(criterion["moduleinstance"])
            idnumber = str(cm.get("idnumber") or "") if cm else ""
            activities.append(idnumber if idnumber else f"#{criterion['moduleinstance']}")
        elif criterion["criteriatype"] == CRITERIA_TYPE_GRADE:
            grade = util.float_string(criterion["gradepass"] or 0)
        else:
            others += 1
    return {
        "enabled": str(int(course.get("enablecompletion") or 0)),
        "aggregation": str(core_completion.aggregation(site, course["id"])),
        "activityaggregation": str(core_completion.aggregation(site, course["id"], CRITERIA_TYPE_ACTIVITY)),
        "activities": sorted(activities),
        "grade": grade,
        "othercriteria": str(others),
    }


def is_course_locked(call: Call, courseid: int) -> bool:
    """``completion_info::is_course_locked``: some user has completed a criterion."""
    return any(row["course"] == courseid for row in table(call.db, "course_completion_crit_compl"))


def save(call: Call, course: Row, item: dict[str, Any]) -> str:
    """Write the completion criteria of a course unless they are already as requested: updated or unchanged."""
    site = call.site
    what = f"completion of course {course['id']}"
    spechash = util.check_spechash(item["spechash"], what)
    if not site.settings.config.get("enablecompletion", 1) or not course.get("enablecompletion"):
        raise InvalidParameterException(f"{what}: completion tracking is not enabled in the course (or on the site); "
                                        "enable it first (enablecompletion = 1)")
    for field in ("aggregation", "activityaggregation"):
        if item[field] not in (COMPLETION_AGGREGATION_ALL, COMPLETION_AGGREGATION_ANY):
            raise InvalidParameterException(f"{what}: {field} must be 1 (all) or 2 (any)")
    grade = float(item["grade"])
    if grade < 0:
        raise InvalidParameterException(f"{what}: grade must be 0 (none) or more")
    cms: dict[str, Row] = {}
    for idnumber in item["activities"]:
        if idnumber in cms:
            raise InvalidParameterException(f"{what}: activity '{idnumber}' listed twice")
        cm = util.cm_by_idnumber(call, course["id"], idnumber)
        if cm is None:
            raise InvalidParameterException(f"{what}: no activity with idnumber '{idnumber}'")
        if cm["completion"] == COMPLETION_TRACKING_NONE:
            raise InvalidParameterException(f"{what}: activity '{idnumber}' has no completion tracking")
        cms[idnumber] = cm
    if not cms and grade <= 0:
        raise InvalidParameterException(f"{what}: give at least one activity or a grade")

    desired = {
        "enabled": "1", "aggregation": str(item["aggregation"]),
        "activityaggregation": str(item["activityaggregation"]),
        "activities": sorted(cms), "grade": util.float_string(grade), "othercriteria": "0",
    }
    action = "unchanged"
    if desired != state(call, course):
        locked = is_course_locked(call, course["id"])
        if locked and not item["unlock"]:
            raise util.plugin_exception("completionlocked", course["id"])
        affected = _users_with_completion_data(call, course["id"])
        _clear_criteria(call, course["id"])
        for cm in cms.values():
            core_completion.add_activity_criterion(site, cm)
        if grade > 0:
            core_completion.add_criterion(site, course["id"], CRITERIA_TYPE_GRADE, gradepass=grade)
        core_completion.set_aggregation(site, course["id"], item["aggregation"])
        core_completion.set_aggregation(site, course["id"], item["activityaggregation"], CRITERIA_TYPE_ACTIVITY)
        # The completion cron then recalculates course completion against the new criteria.
        users = affected | set(enrolments.enrolled_user_ids(site, course["id"]))
        for userid in sorted(users):
            core_completion.review_course(site, course["id"], userid)
        action = "updated"
    current = call.db["course"].rows[course["id"]]
    items.save(site, course["id"], items.KIND_COMPLETION, IDNUMBER, course["id"], spechash, "",
               util.state_hash(state(call, current)))
    return action


def _users_with_completion_data(call: Call, courseid: int) -> set[int]:
    rows = list(table(call.db, "course_completion_crit_compl")) + list(table(call.db, "course_completions"))
    return {row["userid"] for row in rows if row["course"] == courseid}


def _clear_criteria(call: Call, courseid: int) -> None:
    """``completion_info::clear_criteria``: criteria, aggregation methods and all course completion data."""
    core_completion.clear_criteria(call.site, courseid)
    completions = table(call.db, "course_completions")
    for row in [r for r in completions if r["course"] == courseid]:
        completions.delete(row["id"])


def describe(call: Call, course: Row) -> dict[str, Any]:
    current = state(call, course)
    item = items.get(call.site, course["id"], items.KIND_COMPLETION, IDNUMBER)
    return {
        "enabled": int(current["enabled"]), "aggregation": int(current["aggregation"]),
        "activityaggregation": int(current["activityaggregation"]), "activities": current["activities"],
        "grade": float(current["grade"]), "othercriteria": int(current["othercriteria"]),
        "managed": item is not None, "spechash": item["spechash"] if item else "",
        "drift": item is not None and item["statehash"] != util.state_hash(current),
    }
