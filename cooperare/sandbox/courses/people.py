"""User look-ups as the course-side functions do them (``core_user::get_user``, ``require_active_user``)."""

from __future__ import annotations

from typing import Any

from cooperare.sandbox.courses.errors import missing
from cooperare.sandbox.courses.text import external_text
from cooperare.sandbox.db import Row
from cooperare.sandbox.exceptions import MoodleException, missing_record
from cooperare.sandbox.site import CONTEXT_COURSE, GUEST_ID, Site


def get_user(site: Site, userid: int) -> Row:
    """``core_user::get_user($id, strictness: MUST_EXIST)``: the anonymised ``invaliduser`` error when missing."""
    user = site.db["user"].get(userid)
    if user is None:
        raise missing_record(site, "user", value=userid, errorcode="invaliduser", message="Invalid user")
    return user


def get_live_user(site: Site, userid: int) -> Row:
    """``$DB->get_record('user', ['id' => $id, 'deleted' => 0, 'mnethostid' => ...], MUST_EXIST)``."""
    user = site.db["user"].get(userid)
    if user is None or user.get("deleted"):
        raise missing(site, "user", {"id": userid, "deleted": 0, "mnethostid": "1"})
    return user


def require_active_user(user: Row) -> None:
    """``core_user::require_active_user`` (suspension is not checked, as in Moodle's default call)."""
    if user.get("deleted"):
        raise MoodleException("userdeleted", "This user account has been deleted")
    if not user.get("confirmed", 1):
        raise MoodleException("usernotconfirmed", f"Could not confirm {user['username']}")
    if user["id"] == GUEST_ID:
        raise MoodleException("guestsarenotallowed", "The guest user is not allowed to do this")


def picture_url(site: Site, *, small: bool = False) -> str:
    """The default avatar URL (users of the sandbox have no uploaded picture)."""
    return site.image_url("core", "u/f2" if small else "u/f1")


def name_sort_key(user: Row) -> tuple[str, str, int]:
    """``ORDER BY lastname, firstname`` under PostgreSQL's C collation: code-point order, id last."""
    return (user.get("lastname") or "", user.get("firstname") or "", user["id"])


DEFAULT_FIELDS = (
    "id", "username", "fullname", "firstname", "lastname", "email", "address", "phone1", "phone2", "department",
    "institution", "interests", "firstaccess", "lastaccess", "auth", "confirmed", "idnumber", "lang", "theme",
    "timezone", "mailformat", "description", "descriptionformat", "city", "country", "profileimageurlsmall",
    "profileimageurl", "customfields", "groups", "roles", "preferences", "enrolledcourses", "suspended",
    "lastcourseaccess", "trackforums",
)


def can(site: Site, user: Row, capability: str) -> bool:
    """``has_capability`` as the sandbox models it (administrators hold every capability)."""
    try:
        site.require_capability(user, capability)
    except MoodleException:
        return False
    return True


def course_user_details(site: Site, viewer: Row, user: Row, course: Row, fields: tuple[str, ...] = ()
                        ) -> dict[str, Any]:
    """``user_get_user_details($user, $course, $userfields)`` seen by ``viewer`` in the course context.

    Keys appear only when Moodle sets them (a NULL description, an empty city... are left out); the answer is
    cleaned along the function's return description, which drops the fields it does not declare.
    """
    from cooperare.sandbox.courses import enrolments, groups

    wanted = set(fields or DEFAULT_FIELDS) | {"id", "fullname"}
    for name in fields:
        if name not in DEFAULT_FIELDS:
            raise MoodleException("invaliduserfield", f"Invalid user field: {name}")
    is_self = viewer["id"] == user["id"]
    admin = site.is_siteadmin(viewer)
    view_all = is_self or can(site, viewer, "moodle/user:viewalldetails")
    details: dict[str, Any] = {"id": user["id"], "fullname": site.fullname(user)}
    simple = {"firstname": user.get("firstname"), "lastname": user.get("lastname"),
              "profileimageurl": picture_url(site), "profileimageurlsmall": picture_url(site, small=True),
              "firstaccess": user.get("firstaccess") or 0, "lastaccess": user.get("lastaccess") or 0,
              "lastcourseaccess": 0, "suspended": bool(user.get("suspended"))}
    details.update({key: value for key, value in simple.items() if key in wanted})
    if "username" in wanted and view_all:
        details["username"] = user["username"]
    for column in ("address", "phone1", "phone2", "city", "country", "timezone"):
        if column in wanted and user.get(column) and (admin or column in ("city", "country", "timezone")):
            details[column] = user[column]
    if "description" in wanted and user.get("description") is not None:
        details["description"], details["descriptionformat"] = external_text(
            str(user["description"]), int(user.get("descriptionformat") or 0))
    if "email" in wanted and (is_self or admin or user.get("maildisplay") == 1
                              or can(site, viewer, "moodle/site:viewuseridentity")):
        details["email"] = user.get("email", "")
    if "interests" in wanted and user.get("interests"):
        details["interests"] = ", ".join(user["interests"])
    if view_all:
        for column in ("idnumber", "institution"):
            if column in wanted and user.get(column):
                details[column] = user[column]
        if "department" in wanted and user.get("department") is not None:
            details["department"] = user["department"]
    context = site.context(CONTEXT_COURSE, course["id"])
    assert context is not None
    if "roles" in wanted:
        details["roles"] = [{"roleid": role["id"], "name": role["name"], "shortname": role["shortname"],
                             "sortorder": assignment["sortorder"]}
                            for assignment, role in enrolments.user_roles(site, context["id"], user["id"])]
    if "groups" in wanted:
        found = groups.user_groups(site, course["id"], user["id"])
        if found:
            details["groups"] = [{"id": g["id"], "name": g["name"],
                                  "description": external_text(g.get("description"), g.get("descriptionformat"))[0],
                                  "descriptionformat": g.get("descriptionformat")} for g in found]
    if "enrolledcourses" in wanted:
        mine = enrolments.user_courses(site, user["id"])
        if mine:
            details["enrolledcourses"] = [{"id": c["id"], "fullname": c["fullname"], "shortname": c["shortname"]}
                                          for c in mine if c.get("category")]
    return details
