"""``local_cooperare\\local\\cohortsync``: cohort sync enrolment instances (cohort → course, role, optional group),
one per cohort and course, keyed by the cohort's idnumber. The enrolling itself is :mod:`.enrol_cohort`'s."""

from __future__ import annotations

from typing import Any

from cooperare.sandbox.courses.schema import ENROL_INSTANCE_DISABLED, ENROL_INSTANCE_ENABLED, table
from cooperare.sandbox.db import Row
from cooperare.sandbox.exceptions import InvalidParameterException
from cooperare.sandbox.php_text import php_trim
from cooperare.sandbox.plugin import enrol_cohort, items, util
from cooperare.sandbox.registry import Call
from cooperare.sandbox.site import COURSE_ASSIGNABLE_ROLES


def _plugin(call: Call, what: str) -> None:
    if not enrol_cohort.enabled(call.site):
        raise util.plugin_exception("cohortsyncdisabled", what)


def find_cohort(call: Call, idnumber: str, contextid: int, what: str) -> Row:
    """The cohort with this idnumber, visible from the course (``cohort_can_view_cohort``)."""
    if php_trim(idnumber) == "":
        raise InvalidParameterException(f"{what}: the cohort idnumber is empty")
    cohorts = call.db["cohort"].where(idnumber=idnumber)[:2]
    if len(cohorts) != 1:
        found = "more than one cohort has" if cohorts else "no cohort has"
        raise InvalidParameterException(f"{what}: {found} this idnumber")
    cohort = cohorts[0]
    path = str(call.db["context"].rows[contextid]["path"])
    parents = {int(part) for part in path.split("/")[1:-1] if part}
    visible = cohort["contextid"] in parents and (cohort.get("visible") or util.has_capability(call,
                                                                                                "moodle/cohort:view"))
    if not visible:
        raise InvalidParameterException(f"{what}: the cohort cannot be used in this course")
    return cohort


def _instance(call: Call, courseid: int, cohortid: int, cohortidnumber: str) -> Row | None:
    """The cohort sync instance of a cohort in a course (the managed one if there are several)."""
    found = sorted((i for i in enrol_cohort.course_instances(call.site, courseid) if i["customint1"] == cohortid),
                   key=lambda i: i["id"])
    return items.managed_or_first(call.site, courseid, items.KIND_COHORTSYNC, cohortidnumber, found)


def state(instance: Row) -> dict[str, str]:
    return {
        "cohortid": str(int(instance.get("customint1") or 0)),
        "roleid": str(int(instance.get("roleid") or 0)),
        "groupid": str(int(instance.get("customint2") or 0)),
        "status": str(int(instance.get("status") or 0)),
        "name": str(instance.get("name") or ""),
    }


def save(call: Call, course: Row, contextid: int, item: dict[str, Any]) -> dict[str, Any]:
    """Add or update the cohort sync instance of one cohort in one course."""
    site = call.site
    what = f"cohort sync of '{item['cohortidnumber']}' in course {course['id']}"
    _plugin(call, what)
    spechash = util.check_spechash(item["spechash"], what)
    cohort = find_cohort(call, item["cohortidnumber"], contextid, what)
    role = call.db["role"].first(shortname=item["role"])
    if role is None or role["id"] not in COURSE_ASSIGNABLE_ROLES:
        raise InvalidParameterException(f"{what}: role '{item['role']}' cannot be assigned in this course")
    groupid = 0
    if item["groupidnumber"] != "":
        group = table(call.db, "groups").first(courseid=course["id"], idnumber=item["groupidnumber"])
        groupid = int(group["id"]) if group else 0
        if not groupid:
            raise InvalidParameterException(f"{what}: no group with idnumber '{item['groupidnumber']}' in the course")
    if item["status"] not in (ENROL_INSTANCE_ENABLED, ENROL_INSTANCE_DISABLED):
        raise InvalidParameterException(f"{what}: status must be 0 (enabled) or 1 (disabled)")
    if len(item["name"]) > 255:
        raise InvalidParameterException(f"{what}: the name is longer than 255 characters")
    desired = {"cohortid": str(cohort["id"]), "roleid": str(role["id"]), "groupid": str(groupid),
               "status": str(item["status"]), "name": item["name"]}

    instance = _instance(call, course["id"], cohort["id"], item["cohortidnumber"])
    if instance is None:
        instance = enrol_cohort.add_instance(site, course["id"], {
            "customint1": cohort["id"], "roleid": role["id"], "customint2": groupid, "status": item["status"],
            "name": item["name"]})
        action = "created"
    else:
        action = "unchanged"
        current = state(instance)
        if desired != current:
            if desired["status"] != current["status"]:
                instance = enrol_cohort.update_status(site, instance, item["status"])
            enrol_cohort.update_instance(site, instance, {"roleid": role["id"], "customint1": cohort["id"],
                                                          "customint2": groupid, "status": item["status"],
                                                          "name": item["name"]})
            action = "updated"
    enrolid = int(instance["id"])
    instance = call.db["enrol"].rows[enrolid]
    items.save(site, course["id"], items.KIND_COHORTSYNC, item["cohortidnumber"], enrolid, spechash, "",
               util.state_hash(state(instance)))
    return {"courseid": course["id"], "cohortidnumber": item["cohortidnumber"], "cohortid": cohort["id"],
            "enrolid": enrolid, "groupid": groupid, "action": action}


def delete(call: Call, course: Row, item: dict[str, Any]) -> dict[str, Any]:
    """Remove the cohort sync instance of one cohort from one course, if the plugin created it."""
    site = call.site
    what = f"cohort sync of '{item['cohortidnumber']}' in course {course['id']}"
    _plugin(call, what)
    row = items.get(site, course["id"], items.KIND_COHORTSYNC, item["cohortidnumber"])
    cohorts = call.db["cohort"].where(idnumber=item["cohortidnumber"])[:2]
    instance = None
    if len(cohorts) == 1:
        instance = _instance(call, course["id"], cohorts[0]["id"], item["cohortidnumber"])
    elif row is not None:
        found = call.db["enrol"].get(row["objectid"])
        instance = found if found is not None and found["enrol"] == "cohort" else None
    if instance is not None and (row is None or row["objectid"] != instance["id"]):
        raise util.plugin_exception("notmanaged", what)
    enrolid = 0
    if instance is not None:
        util.require_capability(call, "enrol/cohort:config")
        enrolid = int(instance["id"])
        enrol_cohort.delete_instance(site, instance)
    if row is not None:
        items.delete(site, course["id"], items.KIND_COHORTSYNC, item["cohortidnumber"])
    return {"courseid": course["id"], "cohortidnumber": item["cohortidnumber"], "enrolid": enrolid,
            "action": "deleted" if instance is not None else "notfound"}


def describe(call: Call, course: Row) -> list[dict[str, Any]]:
    managed = {row["objectid"]: row for row in items.get_all(call.site, course["id"], items.KIND_COHORTSYNC).values()}
    result = []
    for instance in sorted(enrol_cohort.course_instances(call.site, course["id"]), key=lambda i: i["id"]):
        cohort = call.db["cohort"].get(instance.get("customint1"))
        role = call.db["role"].get(instance.get("roleid"))
        group = table(call.db, "groups").get(instance.get("customint2")) if instance.get("customint2") else None
        row = managed.get(instance["id"])
        result.append({
            "enrolid": instance["id"], "cohortid": int(instance.get("customint1") or 0),
            "cohortidnumber": str(cohort.get("idnumber") or "") if cohort else "",
            "role": str(role["shortname"]) if role else "", "roleid": int(instance.get("roleid") or 0),
            "groupid": int(instance.get("customint2") or 0),
            "groupidnumber": str(group.get("idnumber") or "") if group else "",
            "status": int(instance["status"]), "name": str(instance.get("name") or ""),
            "managed": row is not None, "spechash": row["spechash"] if row else "",
            "drift": row is not None and row["statehash"] != util.state_hash(state(instance)),
        })
    return result
