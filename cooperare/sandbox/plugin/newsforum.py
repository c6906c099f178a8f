"""Sandbox twin of local_cooperare_save_news_forum_staff: the course's trainers own its news forum.

Each listed participant is subscribed to the course's news forum (``forum_subscriptions``) and can post there: the
roles that hold ``mod/forum:addnews`` by archetype (manager, editingteacher, teacher) need nothing; any other role the
user holds in the course is allowed it in the forum's context (``role_capabilities``). Unlike Moodle's
``forum_get_course_forum``, the sandbox does not create a missing news forum: it refuses the course. This module must
not check the caller's rights (the handler does) or touch other forums.
"""

from __future__ import annotations

from typing import Any

from cooperare.sandbox.courses import enrolments
from cooperare.sandbox.courses.schema import table
from cooperare.sandbox.db import Row
from cooperare.sandbox.exceptions import InvalidParameterException
from cooperare.sandbox.registry import Call
from cooperare.sandbox.site import CONTEXT_MODULE

ADDNEWS = "mod/forum:addnews"
ADDNEWS_ARCHETYPES = frozenset({"manager", "editingteacher", "teacher"})


FORUM_FORCESUBSCRIBE = 1
"""mod_forum's FORUM_FORCESUBSCRIBE."""


def news_forum(call: Call, courseid: int) -> tuple[Row, Row]:
    """The course's news forum (the oldest of type news) and its course module."""
    forums = sorted((f for f in call.db["forum"].where(course=courseid) if f["type"] == "news"), key=lambda f: f["id"])
    module = call.db["modules"].first(name="forum")
    for forum in forums:
        for cm in table(call.db, "course_modules").where(course=courseid, instance=forum["id"]):
            if module is not None and cm["module"] == module["id"]:
                return forum, cm
    raise InvalidParameterException(f"course {courseid} has no news forum")


def _can_post(call: Call, roles: list[Row], contextid: int) -> bool:
    overrides = table(call.db, "role_capabilities")
    return any(role["shortname"] in ADDNEWS_ARCHETYPES or overrides.first(
        roleid=role["id"], contextid=contextid, capability=ADDNEWS, permission=1) is not None for role in roles)


def save(call: Call, course: Row, contextid: int, userid: int) -> dict[str, Any]:
    """One item: subscribe, and allow posting for the user's roles only when none of them can."""
    if userid not in enrolments.enrolled_user_ids(call.site, course["id"], onlyactive=True):
        raise InvalidParameterException(f"user {userid} is not an active participant of course {course['id']}")
    forum, cm = news_forum(call, course["id"])
    modcontext = call.site.context(CONTEXT_MODULE, cm["id"])
    assert modcontext is not None
    roles = [role for _, role in enrolments.user_roles(call.site, contextid, userid)]
    overridden: list[str] = []
    if not _can_post(call, roles, modcontext["id"]):
        for role in roles:
            table(call.db, "role_capabilities").insert({"roleid": role["id"], "contextid": modcontext["id"],
                                                        "capability": ADDNEWS, "permission": 1,
                                                        "timemodified": call.site.now(), "modifierid": call.user["id"]})
            overridden.append(role["shortname"])
        if not roles:
            raise InvalidParameterException(f"user {userid} cannot post in the news forum of course {course['id']} "
                                            "even with mod/forum:addnews allowed for their roles there")
    subscriptions = table(call.db, "forum_subscriptions")
    # As mod_forum's subscriptions::is_subscribed: in a forum with forced subscription (a news forum as Moodle makes
    # it) everyone is subscribed already, so nothing is written and the answer is "unchanged".
    forced = int(forum.get("forcesubscribe") or 0) == FORUM_FORCESUBSCRIBE
    subscribed = forced or subscriptions.first(userid=userid, forum=forum["id"]) is not None
    if not subscribed:
        subscriptions.insert({"userid": userid, "forum": forum["id"]})
    return {"courseid": course["id"], "userid": userid, "forumid": forum["id"], "cmid": cm["id"],
            "subscribed": "unchanged" if subscribed else "subscribed", "overridden": ",".join(overridden)}
