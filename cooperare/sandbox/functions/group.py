"""core_group: create and list groups, add, remove and list members (``group/externallib.php``)."""

from __future__ import annotations

from typing import Any

from cooperare.sandbox.courses import groups
from cooperare.sandbox.courses.errors import course_context_not_valid, missing
from cooperare.sandbox.courses.people import get_live_user
from cooperare.sandbox.courses.schema import table
from cooperare.sandbox.courses.text import external_text
from cooperare.sandbox.db import Row
from cooperare.sandbox.exceptions import InvalidParameterException, MoodleException
from cooperare.sandbox.functions.course_categories import validate_format
from cooperare.sandbox.registry import Call, ws_function

GROUP_FIELDS = ("id", "courseid", "name", "description", "descriptionformat", "enrolmentkey", "idnumber",
                "visibility", "participation")


def _course_context(call: Call, courseid: int) -> None:
    """validate_context + ``moodle/course:managegroups`` (a missing course reads as errorcoursecontextnotvalid)."""
    if call.db["course"].get(courseid) is None:
        raise course_context_not_valid(courseid)
    call.require("moodle/course:managegroups")


def _group(call: Call, groupid: int) -> Row:
    group = table(call.db, "groups").get(groupid)
    if group is None:
        raise missing(call.site, "groups", {"id": groupid})
    return group


@ws_function("core_group_create_groups", atomic=True)
def create_groups(call: Call) -> list[dict[str, Any]]:
    created = []
    for item in call.params["groups"]:
        data = dict(item)
        if str(data["name"]).strip() == "":
            raise InvalidParameterException("Invalid group name")
        if table(call.db, "groups").first(courseid=data["courseid"], name=data["name"]) is not None:
            raise InvalidParameterException("Group with the same name already exists in the course")
        _course_context(call, data["courseid"])
        data["descriptionformat"] = validate_format(data["descriptionformat"])
        if data.get("visibility") not in (0, 1, 2, 3):
            raise InvalidParameterException("Invalid group visibility")
        data.pop("customfields", None)
        group = groups.create_group(call.site, data["courseid"], data)
        answer = {key: group.get(key) for key in GROUP_FIELDS}
        answer["participation"] = bool(group["participation"])
        answer["enrolmentkey"] = item.get("enrolmentkey", "")  # what the caller sent, "" when absent
        answer["idnumber"] = group["idnumber"] if group["idnumber"] is not None else ""
        created.append(answer)
    return created


@ws_function("core_group_get_course_groups")
def get_course_groups(call: Call) -> list[dict[str, Any]]:
    courseid = call.params["courseid"]
    _course_context(call, courseid)
    result = []
    for group in groups.course_groups(call.site, courseid):
        description, descriptionformat = external_text(group.get("description"), group.get("descriptionformat"))
        result.append({"id": group["id"], "courseid": group["courseid"], "name": group["name"],
                       "description": description, "descriptionformat": descriptionformat,
                       "enrolmentkey": group["enrolmentkey"], "idnumber": group["idnumber"],
                       "visibility": group["visibility"], "participation": bool(group["participation"])})
    return result


@ws_function("core_group_get_group_members")
def get_group_members(call: Call) -> list[dict[str, Any]]:
    result = []
    for groupid in call.params["groupids"]:
        group = _group(call, groupid)
        _course_context(call, group["courseid"])
        result.append({"groupid": groupid, "userids": groups.member_ids(call.site, group["id"])})
    return result


@ws_function("core_group_add_group_members", atomic=True)
def add_group_members(call: Call) -> None:
    for member in call.params["members"]:
        group = _group(call, member["groupid"])
        user = get_live_user(call.site, member["userid"])
        _course_context(call, group["courseid"])
        if not groups.add_member(call.site, group, user["id"]):
            raise InvalidParameterException("Only enrolled users may be members of groups")


@ws_function("core_group_delete_group_members", atomic=True)
def delete_group_members(call: Call) -> None:
    for member in call.params["members"]:
        group = _group(call, member["groupid"])
        user = get_live_user(call.site, member["userid"])
        _course_context(call, group["courseid"])
        if not groups.remove_allowed(call.site, group["id"], user["id"]):
            raise MoodleException(
                "errorremovenotpermitted",
                f"You do not have permission to remove automatically-added group member {call.site.fullname(user)}")
        groups.remove_member(call.site, group["id"], user["id"])
