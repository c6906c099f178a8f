"""Core's cohort sync enrolment plugin (``enrol/cohort``): instances cohort → course with a role and an optional
group, ``enrol_cohort_sync`` for one course, and the observers that keep enrolments in step with cohort membership
(``enrol_cohort\\observer``: member added, member removed, cohort deleted), registered on import.

Unenrolment follows the plugin's default ``unenrolaction`` (ENROL_EXT_REMOVED_UNENROL): a member who leaves the
cohort is unenrolled (roles, cohort-sync group memberships and, with the last enrolment, grades go too). Every
look-up goes through an index, so syncing tens of thousands of members is linear.
"""

from __future__ import annotations

from typing import Any

from cooperare.sandbox import events
from cooperare.sandbox.courses import enrolments, groups
from cooperare.sandbox.courses.schema import (
    ENROL_INSTANCE_ENABLED,
    ENROL_USER_ACTIVE,
    ENROL_USER_SUSPENDED,
    _add_indexes,
    table,
)
from cooperare.sandbox.db import Row, Table
from cooperare.sandbox.site import Site

COMPONENT = "enrol_cohort"
DEFAULT_ENABLED_PLUGINS = "manual,guest,self,cohort"  # $CFG->enrol_plugins_enabled of a new site


def enabled(site: Site, name: str = "cohort") -> bool:
    """``enrol_is_enabled($name)`` (the site setting ``enrol_plugins_enabled``), by default for cohort sync."""
    setting = site.settings.config.get("enrol_plugins_enabled", DEFAULT_ENABLED_PLUGINS)
    return name in [part.strip() for part in str(setting).split(",")]


def _enrol(site: Site) -> Table:
    """The ``enrol`` table, with an index to find the instances of a cohort."""
    found = table(site.db, "enrol")
    if ("enrol", "customint1") not in found._indexes:
        _add_indexes(found, (("enrol", "customint1"),))
    return found


def _role_assignments(site: Site) -> Table:
    return table(site.db, "role_assignments")


def cohort_instances(site: Site, cohortid: int) -> list[Row]:
    return _enrol(site).where(enrol="cohort", customint1=cohortid)


def course_instances(site: Site, courseid: int) -> list[Row]:
    return _enrol(site).where(courseid=courseid, enrol="cohort")


# -- instances ----------------------------------------------------------------------------------------------------

def add_instance(site: Site, courseid: int, fields: dict[str, Any]) -> Row:
    """``enrol_cohort_plugin::add_instance``: the instance, then the course is synced (members enrolled)."""
    instance = enrolments.add_instance(site, courseid, "cohort", {"status": ENROL_INSTANCE_ENABLED,
                                                                   "enrolstartdate": 0, "enrolenddate": 0, **fields})
    sync_course(site, courseid)
    return _enrol(site).rows[instance["id"]]


def update_instance(site: Site, instance: Row, data: dict[str, Any]) -> Row:
    """``enrol_cohort_plugin::update_instance``: a changed role is unassigned (the sync assigns the new one)."""
    if data.get("roleid") is not None and data["roleid"] != instance["roleid"]:
        _unassign(site, instance, roleid=instance["roleid"])
    _enrol(site).update(instance["id"], **data, timemodified=site.now())
    sync_course(site, instance["courseid"])
    return _enrol(site).rows[instance["id"]]


def update_status(site: Site, instance: Row, status: int) -> Row:
    """``enrol_cohort_plugin::update_status``: then the course is synced (a disabled instance loses its roles)."""
    if instance["status"] != status:
        _enrol(site).update(instance["id"], status=status, timemodified=site.now())
    sync_course(site, instance["courseid"])
    return _enrol(site).rows[instance["id"]]


def delete_instance(site: Site, instance: Row) -> None:
    """``enrol_plugin::delete_instance``: every user unenrolled, then leftovers and the instance itself."""
    ues = table(site.db, "user_enrolments")
    for ue in ues.where(enrolid=instance["id"]):
        enrolments.unenrol_user(site, instance, ue["userid"])
    for membership in _group_memberships(site, instance):
        groups.remove_member(site, membership["groupid"], membership["userid"])
    _unassign(site, instance)
    for ue in ues.where(enrolid=instance["id"]):
        ues.delete(ue["id"])
    _enrol(site).delete(instance["id"])


def _group_memberships(site: Site, instance: Row) -> list[Row]:
    """Group memberships this instance made (in its course's groups)."""
    found: list[Row] = []
    for group in table(site.db, "groups").where(courseid=instance["courseid"]):
        found.extend(m for m in site.db["groups_members"].where(groupid=group["id"])
                     if m.get("component") == COMPONENT and m.get("itemid") == instance["id"])
    return found


def _unassign(site: Site, instance: Row, *, roleid: int | None = None) -> None:
    """``role_unassign_all(['contextid', 'component' => 'enrol_cohort', 'itemid'[, 'roleid']])``."""
    contextid = enrolments.course_context_id(site, instance["courseid"])
    assignments = _role_assignments(site)
    for ra in assignments.where(contextid=contextid):
        if ra["component"] == COMPONENT and ra["itemid"] == instance["id"] \
                and (roleid is None or ra["roleid"] == roleid):
            assignments.delete(ra["id"])


# -- enrol_cohort_sync --------------------------------------------------------------------------------------------

def _live_members(site: Site, cohortid: int) -> list[int]:
    users = site.db["user"]
    found = []
    for member in site.db["cohort_members"].where(cohortid=cohortid):
        user = users.get(member["userid"])
        if user is not None and not user.get("deleted"):
            found.append(member["userid"])
    return sorted(found)


def _role_exists(site: Site, roleid: Any) -> bool:
    return isinstance(roleid, int) and roleid in site.db["role"].rows


def sync_course(site: Site, courseid: int) -> None:
    """``enrol_cohort_sync($trace, $courseid)``: enrol members, unenrol non-members, roles, groups."""
    if not enabled(site):
        return
    ues = table(site.db, "user_enrolments")
    instances = sorted(course_instances(site, courseid), key=lambda i: i["id"])
    for instance in instances:
        members = _live_members(site, instance["customint1"])
        if instance["status"] == ENROL_INSTANCE_ENABLED:
            roleid = instance["roleid"] if _role_exists(site, instance["roleid"]) else None
            for userid in members:
                ue = ues.first(enrolid=instance["id"], userid=userid)
                if ue is None or ue["status"] == ENROL_USER_SUSPENDED:
                    enrolments.enrol_user(site, instance, userid, roleid=roleid, status=ENROL_USER_ACTIVE)
        member_set = set(members)
        for ue in ues.where(enrolid=instance["id"]):
            if ue["userid"] not in member_set:
                enrolments.unenrol_user(site, instance, ue["userid"])
    contextid = enrolments.course_context_id(site, courseid)
    for instance in instances:  # assign missing roles
        instance = _enrol(site).rows[instance["id"]]
        if instance["status"] != ENROL_INSTANCE_ENABLED or not _role_exists(site, instance["roleid"]):
            continue
        for ue in ues.where(enrolid=instance["id"]):
            if ue["status"] == ENROL_USER_ACTIVE:
                enrolments.role_assign(site, instance["roleid"], ue["userid"], contextid, component=COMPONENT,
                                       itemid=instance["id"])
    assignments = _role_assignments(site)
    for ra in assignments.where(contextid=contextid):  # remove unwanted roles
        if ra["component"] != COMPONENT:
            continue
        owner = _enrol(site).get(ra["itemid"])
        if owner is None or owner["enrol"] != "cohort":
            continue
        ue = ues.first(enrolid=owner["id"], userid=ra["userid"])
        if ue is None or ue["status"] != ENROL_USER_ACTIVE or owner["status"] != ENROL_INSTANCE_ENABLED:
            assignments.delete(ra["id"])
    sync_groups(site, courseid)


def sync_groups(site: Site, courseid: int) -> None:
    """``groups_sync_with_enrolment('cohort', $courseid, 'customint2')``."""
    ues = table(site.db, "user_enrolments")
    course_groups = {g["id"]: g for g in table(site.db, "groups").where(courseid=courseid)}
    for instance in sorted(course_instances(site, courseid), key=lambda i: i["id"]):
        for membership in _group_memberships(site, instance):  # remove invalid
            if membership["groupid"] != instance["customint2"] and ues.first(enrolid=instance["id"],
                                                                             userid=membership["userid"]):
                groups.remove_member(site, membership["groupid"], membership["userid"])
        group = course_groups.get(instance["customint2"] or 0)
        if group is None:
            continue
        for ue in ues.where(enrolid=instance["id"]):  # add missing
            if not groups.is_member(site, group["id"], ue["userid"]):
                groups.add_member(site, group, ue["userid"], component=COMPONENT, itemid=instance["id"])


# -- observers (enrol/cohort/db/events.php) -------------------------------------------------------------------------

def member_added(site: Site, *, cohortid: int, userid: int) -> None:
    if not enabled(site):
        return
    for instance in sorted(cohort_instances(site, cohortid), key=lambda i: i["id"]):
        if instance["status"] != ENROL_INSTANCE_ENABLED:
            continue
        roleid = instance["roleid"] if _role_exists(site, instance["roleid"]) else None
        enrolments.enrol_user(site, instance, userid, roleid=roleid, status=ENROL_USER_ACTIVE)
        group = table(site.db, "groups").get(instance["customint2"] or 0)
        if group is not None and group["courseid"] == instance["courseid"] and not groups.is_member(
                site, group["id"], userid):
            groups.add_member(site, group, userid, component=COMPONENT, itemid=instance["id"])


def member_removed(site: Site, *, cohortid: int, userid: int) -> None:
    ues = table(site.db, "user_enrolments")
    for instance in sorted(cohort_instances(site, cohortid), key=lambda i: i["id"]):
        if ues.first(enrolid=instance["id"], userid=userid) is not None:
            enrolments.unenrol_user(site, instance, userid)


def cohort_deleted(site: Site, *, cohortid: int) -> None:
    for instance in sorted(cohort_instances(site, cohortid), key=lambda i: i["id"]):
        delete_instance(site, instance)


events.observe(events.COHORT_MEMBER_ADDED, member_added)
events.observe(events.COHORT_MEMBER_REMOVED, member_removed)
events.observe(events.COHORT_DELETED, cohort_deleted)
