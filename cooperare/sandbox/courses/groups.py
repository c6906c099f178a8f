"""Groups and group membership (``group/lib.php``)."""

from __future__ import annotations

from typing import Any

from cooperare.sandbox.courses.defaults import new_row
from cooperare.sandbox.courses.enrolments import is_enrolled
from cooperare.sandbox.courses.people import name_sort_key
from cooperare.sandbox.courses.schema import table
from cooperare.sandbox.db import Row
from cooperare.sandbox.exceptions import MoodleException
from cooperare.sandbox.site import Site


def create_group(site: Site, courseid: int, data: dict[str, Any]) -> Row:
    """``groups_create_group``: name trimmed, idnumber unique in the course (when given)."""
    groups = table(site.db, "groups")
    now = site.now()
    record = dict(data)
    record["name"] = str(record["name"]).strip()
    if record.get("idnumber") is not None:
        record["idnumber"] = str(record["idnumber"]).strip()
        if record["idnumber"] and groups.first(courseid=courseid, idnumber=record["idnumber"]):
            raise MoodleException("idnumbertaken", "This ID number is already in use")
    if record.get("visibility") is None:
        record["visibility"] = 0
    record["participation"] = int(bool(record.get("participation", 1)))
    if record["visibility"] not in (0, 1):
        record["participation"] = 0
    record.update(courseid=courseid, timecreated=now, timemodified=now)
    group_id = groups.insert(new_row("groups", record))
    return groups.rows[group_id]


def course_groups(site: Site, courseid: int) -> list[Row]:
    """``groups_get_all_groups($courseid)``: ordered by name (code-point order), then id."""
    return sorted(table(site.db, "groups").where(courseid=courseid), key=lambda g: (g["name"], g["id"]))


def is_member(site: Site, groupid: int, userid: int) -> bool:
    return site.db["groups_members"].first(groupid=groupid, userid=userid) is not None


def add_member(site: Site, group: Row, userid: int, *, component: str = "", itemid: int = 0) -> bool:
    """``groups_add_member``: only users enrolled in the group's course; adding a member again is a no-op."""
    user = site.db["user"].get(userid)
    if user is None or user.get("deleted"):
        return False
    if not is_enrolled(site, group["courseid"], userid):
        return False
    if is_member(site, group["id"], userid):
        return True
    site.db["groups_members"].insert({"groupid": group["id"], "userid": userid, "timeadded": site.now(),
                                      "component": component, "itemid": itemid})
    return True


def remove_allowed(site: Site, groupid: int, userid: int) -> bool:
    """``groups_remove_member_allowed``: memberships added by a plugin (cohort sync) are not removable."""
    membership = site.db["groups_members"].first(groupid=groupid, userid=userid)
    return membership is None or not membership.get("component")


def remove_member(site: Site, groupid: int, userid: int) -> bool:
    """``groups_remove_member``: removing a non-member is silent."""
    membership = site.db["groups_members"].first(groupid=groupid, userid=userid)
    if membership is None:
        return False
    site.db["groups_members"].delete(membership["id"])
    return True


def delete_course_memberships(site: Site, courseid: int, userid: int) -> None:
    """``groups_delete_group_members($courseid, $userid)``."""
    course_group_ids = {g["id"] for g in table(site.db, "groups").where(courseid=courseid)}
    for membership in site.db["groups_members"].where(userid=userid):
        if membership["groupid"] in course_group_ids:
            site.db["groups_members"].delete(membership["id"])


def member_ids(site: Site, groupid: int) -> list[int]:
    """``groups_get_members($groupid, 'u.id', 'lastname ASC, firstname ASC')`` (code-point order)."""
    users = site.db["user"]
    members = [users.rows[m["userid"]] for m in site.db["groups_members"].where(groupid=groupid)
               if m["userid"] in users.rows and not users.rows[m["userid"]].get("deleted")]
    return [u["id"] for u in sorted(members, key=name_sort_key)]


def user_groups(site: Site, courseid: int, userid: int) -> list[Row]:
    groups = table(site.db, "groups")
    found = [groups.rows[m["groupid"]] for m in site.db["groups_members"].where(userid=userid)
             if m["groupid"] in groups.rows and groups.rows[m["groupid"]]["courseid"] == courseid]
    return sorted(found, key=lambda g: (g["name"], g["id"]))
