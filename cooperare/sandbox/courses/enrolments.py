"""Enrolment instances, user enrolments and role assignments (``lib/enrollib.php``, ``lib/accesslib.php``).

Every new course gets the default instances of the enabled plugins in their order (manual enabled with role
student, guest disabled, self disabled with role student; cohort sync has no default instance). Other instances
(cohort sync from the plugin) go through :func:`add_instance`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cooperare.sandbox import events
from cooperare.sandbox.courses.defaults import new_row
from cooperare.sandbox.courses.schema import (
    ENROL_INSTANCE_DISABLED,
    ENROL_INSTANCE_ENABLED,
    ENROL_USER_ACTIVE,
    STUDENT_ROLE_ID,
    table,
)
from cooperare.sandbox.db import Row
from cooperare.sandbox.site import ADMIN_ID, CONTEXT_COURSE, Site

PLUGIN_NAMES = {"manual": "Manual enrolments", "guest": "Guest access", "self": "Self enrolment",
                "cohort": "Cohort sync"}
ROLE_NAMES = {1: "Manager", 2: "Course creator", 3: "Teacher", 4: "Non-editing teacher", 5: "Student", 6: "Guest",
              7: "Authenticated user", 8: "Authenticated user on site home"}

DEFAULT_INSTANCES: tuple[tuple[str, dict[str, Any]], ...] = (
    ("manual", {"status": ENROL_INSTANCE_ENABLED, "roleid": STUDENT_ROLE_ID, "enrolperiod": 0, "expirynotify": 0,
                "notifyall": 0, "expirythreshold": 86400, "customint1": 0}),
    ("guest", {"status": ENROL_INSTANCE_DISABLED, "password": ""}),
    ("self", {"status": ENROL_INSTANCE_DISABLED, "roleid": STUDENT_ROLE_ID, "enrolperiod": 0, "expirynotify": 0,
              "notifyall": 0, "expirythreshold": 86400, "customint1": 0, "customint2": 0, "customint3": 0,
              "customint4": 1, "customint5": 0, "customint6": 1}),
)


def add_instance(site: Site, courseid: int, enrol: str, fields: dict[str, Any]) -> Row:
    """``enrol_plugin::add_instance``: appended after the course's existing instances."""
    instances = site.db["enrol"]
    sortorder = max((i["sortorder"] for i in instances.where(courseid=courseid)), default=-1) + 1
    now = site.now()
    instance_id = instances.insert(new_row("enrol", {"enrol": enrol, "courseid": courseid, "sortorder": sortorder,
                                                     "timecreated": now, "timemodified": now, **fields}))
    return instances.rows[instance_id]


def add_default_instances(site: Site, courseid: int) -> list[Row]:
    """``enrol_course_updated(true, ...)`` for a new course: consecutive ids manual, guest, self."""
    return [add_instance(site, courseid, enrol, dict(fields)) for enrol, fields in DEFAULT_INSTANCES]


def instances(site: Site, courseid: int, *, enabled: bool = False) -> list[Row]:
    """``enrol_get_instances``: by sortorder then id."""
    found = site.db["enrol"].where(courseid=courseid)
    if enabled:
        found = [i for i in found if i["status"] == ENROL_INSTANCE_ENABLED]
    return sorted(found, key=lambda i: (i["sortorder"], i["id"]))


def instance_name(site: Site, instance: Row) -> str:
    if instance.get("name"):
        return str(instance["name"])
    name = str(PLUGIN_NAMES.get(instance["enrol"], instance["enrol"]))
    if instance["enrol"] == "self" and instance.get("roleid"):
        name += f" ({ROLE_NAMES.get(instance['roleid'], '')})"
    return name


def course_context_id(site: Site, courseid: int) -> int:
    """The course context's id (created if missing, as ``context_course::instance`` does)."""
    context = site.context(CONTEXT_COURSE, courseid)
    assert context is not None
    return int(context["id"])


# -- role assignments ---------------------------------------------------------------------------------------------

def role_assign(site: Site, roleid: int, userid: int, contextid: int, *, component: str = "", itemid: int = 0,
                modifierid: int = ADMIN_ID) -> int:
    """``role_assign``: idempotent for the same role, user, context, component and item."""
    assignments = site.db["role_assignments"]
    for existing in assignments.where(contextid=contextid, userid=userid):
        if existing["roleid"] == roleid and existing["component"] == component and existing["itemid"] == itemid:
            return int(existing["id"])
    return assignments.insert({"roleid": roleid, "contextid": contextid, "userid": userid,
                               "timemodified": site.now(), "modifierid": modifierid, "component": component,
                               "itemid": itemid, "sortorder": 0})


def role_unassign_all(site: Site, userid: int, contextid: int, *, component: str | None = None,
                      itemid: int | None = None, subcontexts: bool = False) -> None:
    """``role_unassign_all``: the user's assignments in the context (and below it with ``subcontexts``)."""
    assignments = site.db["role_assignments"]
    if subcontexts:
        prefix = site.db["context"].rows[contextid]["path"] + "/"
        contexts = site.db["context"]
        candidates = [ra for ra in assignments.where(userid=userid)
                      if ra["contextid"] == contextid
                      or str((contexts.get(ra["contextid"]) or {}).get("path", "")).startswith(prefix)]
    else:
        candidates = assignments.where(contextid=contextid, userid=userid)
    for ra in candidates:
        if (component is None or ra["component"] == component) and (itemid is None or ra["itemid"] == itemid):
            assignments.delete(ra["id"])


def user_roles(site: Site, contextid: int, userid: int) -> list[tuple[Row, Row]]:
    """``get_user_roles($context, $userid, false)``: (assignment, role) pairs by role sortorder."""
    pairs = [(ra, site.db["role"].rows[ra["roleid"]]) for ra in
             site.db["role_assignments"].where(contextid=contextid, userid=userid)]
    return sorted(pairs, key=lambda pair: (pair[1]["sortorder"], pair[0]["id"]))


def has_role(site: Site, courseid: int, userid: int, roleids: Iterable[int]) -> bool:
    context = site.context(CONTEXT_COURSE, courseid, create=False)
    if context is None:
        return False
    wanted = set(roleids)
    return any(ra["roleid"] in wanted for ra in site.db["role_assignments"].where(contextid=context["id"],
                                                                                 userid=userid))


# -- user enrolments ----------------------------------------------------------------------------------------------

def enrol_user(site: Site, instance: Row, userid: int, *, roleid: int | None = None, timestart: int = 0,
               timeend: int = 0, status: int | None = None, modifierid: int = ADMIN_ID) -> Row:
    """``enrol_plugin::enrol_user``: insert or update the user enrolment, then assign the role.

    Cohort sync instances assign their role with the plugin as component (roles protected), manual ones without.
    """
    enrolments = site.db["user_enrolments"]
    now = site.now()
    created = False
    existing = enrolments.first(enrolid=instance["id"], userid=userid)
    if existing is None:
        ue_id = enrolments.insert({"status": ENROL_USER_ACTIVE if status is None else status,
                                   "enrolid": instance["id"], "userid": userid, "timestart": timestart,
                                   "timeend": timeend, "modifierid": modifierid, "timecreated": now,
                                   "timemodified": now})
        created = True
    else:
        ue_id = existing["id"]
        if (existing["timestart"] != timestart or existing["timeend"] != timeend
                or (status is not None and existing["status"] != status)):
            changes: dict[str, Any] = {"timestart": timestart, "timeend": timeend, "modifierid": modifierid,
                                       "timemodified": now}
            if status is not None:
                changes["status"] = status
            enrolments.update(ue_id, **changes)
    if roleid:
        contextid = course_context_id(site, instance["courseid"])
        if instance["enrol"] == "cohort":
            role_assign(site, roleid, userid, contextid, component="enrol_cohort", itemid=instance["id"],
                        modifierid=modifierid)
        else:
            role_assign(site, roleid, userid, contextid, modifierid=modifierid)
    if created:  # Moodle triggers user_enrolment_created after the role is assigned
        events.trigger(site, events.USER_ENROLMENT_CREATED, enrolid=instance["id"], userid=userid)
    return enrolments.rows[ue_id]


def unenrol_user(site: Site, instance: Row, userid: int) -> bool:
    """``enrol_plugin::unenrol_user``; after the last enrolment in the course, roles, groups and grades go too."""
    from cooperare.sandbox.courses import grades, groups

    enrolments = site.db["user_enrolments"]
    ue = enrolments.first(enrolid=instance["id"], userid=userid)
    if ue is None:
        return False
    courseid = instance["courseid"]
    component = f"enrol_{instance['enrol']}"
    for membership in site.db["groups_members"].where(userid=userid):
        if membership.get("component") == component and membership.get("itemid") == instance["id"]:
            groups.remove_member(site, membership["groupid"], userid)
    contextid = course_context_id(site, courseid)
    role_unassign_all(site, userid, contextid, component=component, itemid=instance["id"])
    enrolments.delete(ue["id"])
    if not any(site.db["enrol"].rows[other["enrolid"]]["courseid"] == courseid
               for other in enrolments.where(userid=userid)):
        role_unassign_all(site, userid, contextid, subcontexts=True)
        groups.delete_course_memberships(site, courseid, userid)
        for item in site.db["grade_items"].where(courseid=courseid):
            found = table(site.db, "grade_grades").first(itemid=item["id"], userid=userid)
            if found is not None:
                table(site.db, "grade_grades").delete(found["id"])
        if site.db["grade_items"].first(courseid=courseid) is not None:
            grades.regrade_user(site, courseid, userid)
    return True


def user_course_enrolments(site: Site, courseid: int, userid: int) -> list[Row]:
    """The user's enrolments in any instance of the course."""
    return [ue for ue in site.db["user_enrolments"].where(userid=userid)
            if site.db["enrol"].rows[ue["enrolid"]]["courseid"] == courseid]


def is_active(site: Site, ue: Row, instance: Row | None = None) -> bool:
    """Active enrolment: enabled instance, active user enrolment, within its dates (Moodle's now is rounded)."""
    instance = instance or site.db["enrol"].rows[ue["enrolid"]]
    now = round(site.now(), -2)
    return (instance["status"] == ENROL_INSTANCE_ENABLED and ue["status"] == ENROL_USER_ACTIVE
            and ue["timestart"] < now and (ue["timeend"] == 0 or ue["timeend"] > now))


def is_enrolled(site: Site, courseid: int, userid: int, *, onlyactive: bool = False) -> bool:
    """``is_enrolled`` without a capability: any enrolment (or an active one) of a non-deleted user."""
    user = site.db["user"].get(userid)
    if user is None or user.get("deleted"):
        return False
    found = user_course_enrolments(site, courseid, userid)
    return any(is_active(site, ue) for ue in found) if onlyactive else bool(found)


def enrolled_user_ids(site: Site, courseid: int, *, onlyactive: bool = False, onlysuspended: bool = False
                      ) -> list[int]:
    """Users with an enrolment in the course (``get_enrolled_sql``), by id."""
    active: dict[int, bool] = {}
    for instance in instances(site, courseid):
        for ue in site.db["user_enrolments"].where(enrolid=instance["id"]):
            active[ue["userid"]] = active.get(ue["userid"], False) or is_active(site, ue, instance)
    users = site.db["user"]
    ids = []
    for userid, is_on in active.items():
        user = users.get(userid)
        if user is None or user.get("deleted"):
            continue
        if (onlyactive and not is_on) or (onlysuspended and is_on):
            continue
        ids.append(userid)
    return sorted(ids)


def user_courses(site: Site, userid: int, *, onlyactive: bool = True) -> list[Row]:
    """``enrol_get_users_courses($userid, true)``: visible courses first, then by sortorder."""
    courses: dict[int, Row] = {}
    can_see_hidden = site.is_siteadmin(site.db["user"].rows[userid]) if userid in site.db["user"].rows else False
    for ue in site.db["user_enrolments"].where(userid=userid):
        instance = site.db["enrol"].rows[ue["enrolid"]]
        if onlyactive and not is_active(site, ue, instance):
            continue
        course = site.db["course"].get(instance["courseid"])
        if course is None or (not course.get("visible") and not can_see_hidden):
            continue
        courses[course["id"]] = course
    return sorted(courses.values(), key=lambda c: (-int(c.get("visible") or 0), c.get("sortorder", 0), c["id"]))
