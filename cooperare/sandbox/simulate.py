"""What learners do, for the demo and for tests: plain functions that change a sandbox site's state directly.

Moodle's web services (and the pack) only read these results — a learner viewing or completing an activity,
finishing a quiz attempt, completing a course — so the sandbox offers them here instead of as web-service calls.
Each function runs as one transaction on the site and leaves the state Moodle would have after the same event:
activity completion rows, quiz attempts and grades in ``grade_grades`` (so ``gradereport_user_get_grade_items`` and
``mod_quiz_get_user_best_grade`` see them), course completion re-aggregated against the course's criteria.

When a sandbox is also serving requests, call these under ``sandbox.server.lock``.
"""

from __future__ import annotations

import json
from typing import Any

from cooperare.sandbox.courses import completion, enrolments, forums, grades, modules, quizzes
from cooperare.sandbox.courses.schema import (
    COMPLETION_COMPLETE,
    COMPLETION_COMPLETE_FAIL,
    COMPLETION_COMPLETE_PASS,
    COMPLETION_INCOMPLETE,
    table,
)
from cooperare.sandbox.db import Row
from cooperare.sandbox.site import Site

__all__ = [
    "COMPLETION_COMPLETE", "COMPLETION_COMPLETE_FAIL", "COMPLETION_COMPLETE_PASS", "COMPLETION_INCOMPLETE",
    "access_course", "bbb_join", "bbb_summary", "complete_activity", "complete_course", "forum_post",
    "grade_activity", "record_quiz_attempt", "view_activity",
]


def _course_module(site: Site, cmid: int) -> Row:
    cm = site.db["course_modules"].get(cmid)
    if cm is None:
        raise ValueError(f"no course module {cmid}")
    return cm


def _require_enrolled(site: Site, courseid: int, userid: int) -> None:
    if site.db["user"].get(userid) is None:
        raise ValueError(f"no user {userid}")
    if not enrolments.is_enrolled(site, courseid, userid):
        raise ValueError(f"user {userid} is not enrolled in course {courseid}")


def view_activity(site: Site, cmid: int, userid: int) -> Row | None:
    """The learner opens the activity: recorded as viewed; automatic "view" completion follows.

    Returns the activity's completion row for the user (None while nothing is tracked or complete).
    """
    with site.db.transaction():
        cm = _course_module(site, cmid)
        _require_enrolled(site, cm["course"], userid)
        completion.set_viewed(site, cmid, userid, True)
        completion.update_automatic_state(site, cm, userid)
        return completion.activity_state(site, cmid, userid)


def complete_activity(site: Site, cmid: int, userid: int, *, state: int = COMPLETION_COMPLETE,
                      when: int | None = None) -> Row:
    """Set the learner's completion state of an activity (as a manual tick, or its rules being met).

    ``state`` is one of the ``COMPLETION_*`` values; course completion is re-aggregated at once, as Moodle does for a
    single user's change.
    """
    if state not in (COMPLETION_INCOMPLETE, COMPLETION_COMPLETE, COMPLETION_COMPLETE_PASS, COMPLETION_COMPLETE_FAIL):
        raise ValueError(f"unknown completion state {state}")
    with site.db.transaction():
        cm = _course_module(site, cmid)
        _require_enrolled(site, cm["course"], userid)
        return completion.set_activity_state(site, cm, userid, state, timemodified=when)


def record_quiz_attempt(site: Site, quizid: int, userid: int, grade: float, *, when: int | None = None) -> Row:
    """A finished attempt graded ``grade`` out of the quiz's maximum grade; returns the attempt.

    The user's quiz grade (by the quiz's grading method), the gradebook (quiz item and course total) and the
    quiz's automatic completion (grade / passing grade rules) are updated as Moodle does after an attempt.
    """
    with site.db.transaction():
        quiz = quizzes.get_quiz(site, quizid)
        if quiz is None:
            raise ValueError(f"no quiz {quizid}")
        _require_enrolled(site, quiz["course"], userid)
        maximum = float(quiz["grade"] or 0)
        if not 0 <= grade <= maximum:
            raise ValueError(f"grade {grade} is outside 0..{maximum:g} for quiz {quizid}")
        return quizzes.record_attempt(site, quiz, userid, float(grade), when=when)


def grade_activity(site: Site, cmid: int, userid: int, grade: float | None) -> Row:
    """Put a grade on a graded activity's gradebook item (an assignment marked by a teacher, say)."""
    with site.db.transaction():
        cm = _course_module(site, cmid)
        _require_enrolled(site, cm["course"], userid)
        item = grades.item_for(site, cm["course"], modules.modname_of(site, cm), cm["instance"])
        if item is None:
            raise ValueError(f"course module {cmid} has no grade item")
        row = grades.set_grade(site, item, userid, grade, usermodified=userid)
        completion.update_automatic_state(site, cm, userid)
        completion.review_course(site, cm["course"], userid)
        return row


def complete_course(site: Site, courseid: int, userid: int, *, when: int | None = None) -> Row:
    """Mark the course complete for the learner (what the completion cron does when criteria are met)."""
    with site.db.transaction():
        if site.db["course"].get(courseid) is None:
            raise ValueError(f"no course {courseid}")
        _require_enrolled(site, courseid, userid)
        return completion.mark_course_complete(site, courseid, userid, timecompleted=when)


def access_course(site: Site, courseid: int, userid: int, *, when: int | None = None) -> Row:
    """The learner opens the course: ``user_lastaccess`` (per course) and the user's ``lastaccess`` move to ``when``."""
    with site.db.transaction():
        _require_enrolled(site, courseid, userid)
        when = site.now() if when is None else when
        accesses = table(site.db, "user_lastaccess")
        found = accesses.first(userid=userid, courseid=courseid)
        if found is None:
            found = accesses.rows[accesses.insert({"userid": userid, "courseid": courseid, "timeaccess": when})]
        elif found["timeaccess"] < when:
            found = accesses.update(found["id"], timeaccess=when)
        user = site.db["user"].rows[userid]
        if int(user.get("lastaccess") or 0) < when:
            site.db["user"].update(userid, lastaccess=when)
        return found


def forum_post(site: Site, cmid: int, userid: int, subject: str, message: str, *, when: int | None = None) -> Row:
    """The learner starts a discussion in a forum; returns its first post (``created`` at ``when``)."""
    with site.db.transaction():
        cm = _course_module(site, cmid)
        _require_enrolled(site, cm["course"], userid)
        if modules.modname_of(site, cm) != "forum":
            raise ValueError(f"course module {cmid} is not a forum")
        discussion = forums.add_discussion(site, modules.instance_of(site, cm), userid, subject, message)
        post = site.db["forum_posts"].rows[discussion["firstpost"]]
        if when is not None:
            post = site.db["forum_posts"].update(post["id"], created=when, modified=when)
        return post


def _bbb_log(site: Site, cmid: int, userid: int, log: str, meta: dict[str, Any], when: int | None) -> Row:
    cm = _course_module(site, cmid)
    if modules.modname_of(site, cm) != "bigbluebuttonbn":
        raise ValueError(f"course module {cmid} is not a BigBlueButton room")
    _require_enrolled(site, cm["course"], userid)
    room = modules.instance_of(site, cm)
    logs = table(site.db, "bigbluebuttonbn_logs")
    # instance::get_meeting_id(): the room's meeting id, its course and its id.
    logid = logs.insert({"courseid": cm["course"], "bigbluebuttonbnid": room["id"], "userid": userid,
                         "timecreated": site.now() if when is None else when,
                         "meetingid": f"{room['meetingid']}-{cm['course']}-{room['id']}", "log": log,
                         "meta": json.dumps(meta, separators=(",", ":"), ensure_ascii=False)})
    return logs.rows[logid]


def bbb_join(site: Site, cmid: int, userid: int, *, when: int | None = None) -> Row:
    """The learner joins a BigBlueButton room: a ``Join`` row in ``bigbluebuttonbn_logs`` (meta ``{"origin":0}``)."""
    with site.db.transaction():
        return _bbb_log(site, cmid, userid, "Join", {"origin": 0}, when)


def bbb_logout(site: Site, cmid: int, userid: int, *, when: int | None = None) -> Row:
    """The learner leaves the room before the meeting ends: a ``Logout`` row (meta ``{"origin":0}``)."""
    with site.db.transaction():
        return _bbb_log(site, cmid, userid, "Logout", {"origin": 0}, when)


def bbb_summary(site: Site, cmid: int, userid: int, *, duration: int, engagement: dict[str, int] | None = None,
                recordid: str = "rec-1", when: int | None = None) -> Row:
    """The BigBlueButton server's meeting summary for one attendee: a ``Summary`` row whose meta holds the seconds
    present and the engagement counts (chats, talks, raisehand, poll_votes, emojis), as ``process_meeting_events``
    stores it."""
    data = {"duration": duration, "engagement": {"chats": 0, "talks": 0, "raisehand": 0, "poll_votes": 0,
                                                 "emojis": 0, **(engagement or {})}}
    with site.db.transaction():
        return _bbb_log(site, cmid, userid, "Summary", {"recordid": recordid, "data": data}, when)
