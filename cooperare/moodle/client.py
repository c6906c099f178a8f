"""Typed wrappers for the core Moodle web-service functions the pack uses, grouped the way Moodle groups them.

``MoodleClient(transport)`` exposes ``categories``, ``courses``, ``users``, ``cohorts``, ``enrol``, ``groups``,
``completion``, ``grades``, ``quizzes``, ``forums``, ``feedback``, ``files`` and ``messages``, and for the pack's plugin
``course_content`` (describe and save sections, activities, questions, completion), ``cohort_sync`` and (0.4.0+)
``enrol_methods`` (self enrolment, guest access), ``calendar`` (site and course events by key) and ``reports``
(BigBlueButton attendance, activity counts per user); ``roles`` finds role ids by shortname. Each method says which
function it calls, takes typed arguments, returns typed records, and sends lists through :func:`call_batched` so no
request exceeds the site's POST-variable budget. Code outside ``moodle/`` calls these methods, never a wsfunction by
name. Nothing here knows about the training catalogue, the roster, consultations or events.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from cooperare.errors import BatchShortfall, MoodleError
from cooperare.moodle.batching import Result, call_batched
from cooperare.moodle.records import (
    ActivityCompletion,
    ActivityCount,
    BbbAttendance,
    BbbLog,
    BestGrade,
    CalendarEvent,
    Category,
    Cohort,
    Course,
    CourseCompletion,
    CourseCompletions,
    CourseSection,
    DescribedCourse,
    DraftFile,
    EnrolledUser,
    EnrolMethod,
    FeedbackActivity,
    FeedbackAttempt,
    FeedbackItem,
    Forum,
    Group,
    MessageResult,
    Quiz,
    SavedItem,
    User,
    UserGrades,
)
from cooperare.moodle.roles import RoleDirectory
from cooperare.moodle.site import SiteInfo
from cooperare.moodle.transport import Transport

COMPLETIONS_FUNCTION = "local_cooperare_get_course_completions"
COMPLETIONS_PAGE = 1000  # the plugin's largest page
DESCRIBE_COURSES = "local_cooperare_describe_courses"
SAVE_SECTIONS = "local_cooperare_save_sections"
SAVE_ACTIVITIES = "local_cooperare_save_activities"
DELETE_ACTIVITIES = "local_cooperare_delete_activities"
SAVE_QUESTIONS = "local_cooperare_save_questions"
SET_COMPLETION = "local_cooperare_set_completion"
SAVE_COHORT_SYNC = "local_cooperare_save_cohort_sync"
DELETE_COHORT_SYNC = "local_cooperare_delete_cohort_sync"
SAVE_NEWS_FORUM_STAFF = "local_cooperare_save_news_forum_staff"
SAVE_BOOK_CHAPTERS = "local_cooperare_save_book_chapters"
GET_BOOK_CHAPTERS = "local_cooperare_get_book_chapters"
ADD_USER_FILES = "local_cooperare_add_user_files"
SITE_SETUP = "local_cooperare_get_site_setup"
ROLES_FUNCTION = "local_cooperare_get_roles"
PUBLISH_SITE = "local_cooperare_publish_site"
FORUM_POSTS = "local_cooperare_get_forum_posts"
FORUM_POSTS_PAGE = 1000  # local_cooperare_get_forum_posts' largest page
ATTENDANCE_PAGE = 5000  # local_cooperare_get_bbb_attendance's largest page
ACTIVITY_PAGE = 1000  # local_cooperare_get_activity_counts's largest page
FEEDBACK_RESPONSES_PAGE = 250  # responses per mod_feedback_get_responses_analysis call
FEEDBACK_READ = ("mod_feedback_get_feedbacks_by_courses", "mod_feedback_get_items",
                 "mod_feedback_get_responses_analysis")
"""What reading feedback responses takes (local_cooperare's service lists them from version 2026120320)."""


class _Api:
    def __init__(self, transport: Transport) -> None:
        self.transport = transport

    def _batched(self, wsfunction: str, list_key: str, items: Sequence[Any], *, result: Result,
                 extra: Mapping[str, Any] | None = None, result_key: str | None = None) -> Any:
        if not items:
            return [] if result in (Result.PER_ITEM, Result.LIST) else None
        return call_batched(self.transport, wsfunction, list_key, items, result=result, extra=extra,
                            result_key=result_key)

    def _plugin_items(self, wsfunction: str, list_key: str, items: Sequence[Mapping[str, Any]]) -> list[Any]:
        """A plugin function that answers ``{list_key: [one per item]}``, batched within the variable budget (each
        request all or nothing); the answers are counted against what was sent."""
        if not items:
            return []
        answer = call_batched(self.transport, wsfunction, list_key, [dict(i) for i in items], result=Result.KEYED,
                              result_key=list_key)
        results = list(answer.get(list_key, []))
        if len(results) != len(items):
            raise BatchShortfall(f"sent {len(items)} items, Moodle returned {len(results)}", wsfunction=wsfunction,
                                 sent=len(items), received=len(results))
        return results

    def _read_batched(self, wsfunction: str, list_key: str, values: Sequence[Any], result_key: str) -> list[Any]:
        if not values:
            return []
        answer = call_batched(self.transport, wsfunction, list_key, list(values), result=Result.KEYED,
                              result_key=result_key)
        return list(answer.get(result_key, []))


class CategoriesApi(_Api):
    def get(self, **criteria: Any) -> list[Category]:
        """core_course_get_categories with ``key=value`` criteria (id, ids, name, parent, idnumber...)."""
        params = {"criteria": [{"key": k, "value": v} for k, v in criteria.items()], "addsubcategories": 0}
        return [Category.from_ws(c) for c in self.transport.call("core_course_get_categories", params) or []]

    def all(self) -> list[Category]:
        return [Category.from_ws(c) for c in self.transport.call("core_course_get_categories", {}) or []]

    def create(self, categories: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """core_course_create_categories; returns ``[{id, name}]`` in the order sent."""
        return self._batched("core_course_create_categories", "categories", categories, result=Result.PER_ITEM)

    def update(self, categories: Sequence[Mapping[str, Any]]) -> None:
        self._batched("core_course_update_categories", "categories", categories, result=Result.NONE)


class CoursesApi(_Api):
    def by_field(self, field: str, value: Any) -> list[Course]:
        """core_course_get_courses_by_field (field: id, ids, shortname, idnumber, category)."""
        answer = self.transport.call("core_course_get_courses_by_field", {"field": field, "value": value})
        return [Course.from_ws(c) for c in answer.get("courses", [])]

    def by_ids(self, ids: Iterable[int]) -> list[Course]:
        wanted = sorted(set(ids))
        return self.by_field("ids", ",".join(str(i) for i in wanted)) if wanted else []

    def create(self, courses: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """core_course_create_courses; returns ``[{id, shortname}]`` in the order sent (all-or-nothing per call)."""
        return self._batched("core_course_create_courses", "courses", courses, result=Result.PER_ITEM)

    def update(self, courses: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """core_course_update_courses; returns Moodle's per-course warnings (also recorded on the transport)."""
        answer = self._batched("core_course_update_courses", "courses", courses, result=Result.WARNINGS)
        return (answer or {}).get("warnings", [])

    def all(self) -> list[Course]:
        """core_course_get_courses_by_field without a field: every course the token's user may see, in one read."""
        answer = self.transport.call("core_course_get_courses_by_field", {})
        return [Course.from_ws(c) for c in answer.get("courses", [])]

    def contents(self, course_id: int) -> list[CourseSection]:
        """core_course_get_contents: sections with their modules."""
        answer = self.transport.call("core_course_get_contents", {"courseid": course_id})
        return [CourseSection.from_ws(s) for s in answer or []]


class CourseContentApi(_Api):
    """What the pack's plugin adds for courses: a full description keyed by idnumber, and batched saves of sections,
    activities, questions, deletions and completion criteria (each request all or nothing; the answers, one per
    item in the order sent, are counted against what was sent)."""

    def describe(self, idnumbers: Sequence[str]) -> list[DescribedCourse]:
        """local_cooperare_describe_courses: sections, activities, questions, completion and cohort-sync instances
        of each course found (unknown idnumbers are left out)."""
        answer = self._read_batched(DESCRIBE_COURSES, "idnumbers", list(idnumbers), "courses")
        return [DescribedCourse.from_ws(c) for c in answer]

    def save_sections(self, sections: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """local_cooperare_save_sections: ``[{courseid, number, name, summary, summaryformat?, visible,
        spechash?}]``; returns ``[{courseid, number, id, action}]``."""
        return self._plugin_items(SAVE_SECTIONS, "sections", sections)

    def save_activities(self, activities: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """local_cooperare_save_activities, created or updated by idnumber; returns ``[{courseid, idnumber, cmid,
        instance, action}]``."""
        return self._plugin_items(SAVE_ACTIVITIES, "activities", activities)

    def delete_activities(self, activities: Iterable[tuple[int, str]]) -> list[dict[str, Any]]:
        """local_cooperare_delete_activities for ``(courseid, idnumber)`` pairs (only what the plugin made)."""
        items = [{"courseid": c, "idnumber": i} for c, i in activities]
        return self._plugin_items(DELETE_ACTIVITIES, "activities", items)

    def save_questions(self, quizzes: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """local_cooperare_save_questions: one item per quiz, ``{courseid, quiz, questions: [{idnumber, xml,
        maxmark?, spechash?}], removemissing?}``; returns per quiz the questions' ids, slots and actions."""
        return self._plugin_items(SAVE_QUESTIONS, "quizzes", quizzes)

    def set_completion(self, courses: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """local_cooperare_set_completion: ``[{courseid, aggregation?, activityaggregation?, activities, grade?,
        unlock?, spechash?}]``; returns ``[{courseid, action}]``."""
        return self._plugin_items(SET_COMPLETION, "courses", courses)


class UsersApi(_Api):
    def by_field(self, field: str, values: Sequence[Any]) -> list[User]:
        """core_user_get_users_by_field (field: id, idnumber, username, email); unknown values are absent."""
        answer = self._batched("core_user_get_users_by_field", "values", list(values), result=Result.LIST,
                               extra={"field": field})
        return [User.from_ws(u) for u in answer]

    def create(self, users: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """core_user_create_users; returns ``[{id, username}]`` in the order sent (all-or-nothing per call)."""
        return self._batched("core_user_create_users", "users", users, result=Result.PER_ITEM)

    def update(self, users: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        answer = self._batched("core_user_update_users", "users", users, result=Result.WARNINGS)
        return (answer or {}).get("warnings", [])


class CohortsApi(_Api):
    def search(self, query: str = "", *, context_id: int = 1, includes: str = "all") -> list[Cohort]:
        answer = self.transport.call("core_cohort_search_cohorts", {
            "query": query, "context": {"contextid": context_id}, "includes": includes, "limitfrom": 0,
            "limitnum": 0})
        return [Cohort.from_ws(c) for c in answer.get("cohorts", [])]

    def create(self, cohorts: Sequence[Mapping[str, Any]]) -> list[Cohort]:
        """core_cohort_create_cohorts (system cohorts unless ``categorytype`` says otherwise)."""
        items = [{"categorytype": {"type": "system", "value": ""}, **c} for c in cohorts]
        return [Cohort.from_ws(c) for c in self._batched("core_cohort_create_cohorts", "cohorts", items,
                                                         result=Result.PER_ITEM)]

    def members(self, cohort_ids: Sequence[int]) -> dict[int, list[int]]:
        answer = self._batched("core_cohort_get_cohort_members", "cohortids", list(cohort_ids), result=Result.LIST)
        return {int(entry["cohortid"]): [int(u) for u in entry.get("userids", [])] for entry in answer}

    def add_members(self, pairs: Iterable[tuple[int, int]]) -> list[dict[str, Any]]:
        """core_cohort_add_cohort_members for ``(cohortid, userid)`` pairs; returns Moodle's warnings."""
        items = [{"cohorttype": {"type": "id", "value": str(c)}, "usertype": {"type": "id", "value": str(u)}}
                 for c, u in pairs]
        answer = self._batched("core_cohort_add_cohort_members", "members", items, result=Result.WARNINGS)
        return (answer or {}).get("warnings", [])

    def remove_members(self, pairs: Iterable[tuple[int, int]]) -> None:
        items = [{"cohortid": c, "userid": u} for c, u in pairs]
        self._batched("core_cohort_delete_cohort_members", "members", items, result=Result.NONE)


class EnrolApi(_Api):
    def __init__(self, transport: Transport, *, roles: Callable[[], RoleDirectory]) -> None:
        super().__init__(transport)
        self._roles = roles

    def enrol(self, enrolments: Iterable[tuple[int, int]], *, role: str = "student",
              suspend: bool | None = None) -> None:
        """enrol_manual_enrol_users for ``(courseid, userid)`` pairs with the role of shortname ``role`` (its id
        found on the site; re-enrolling is harmless and adds the role)."""
        role_id = self._roles().id_of(role)
        items = [{"roleid": role_id, "userid": u, "courseid": c, "suspend": None if suspend is None else int(suspend)}
                 for c, u in enrolments]
        self._batched("enrol_manual_enrol_users", "enrolments", items, result=Result.NONE)

    def unenrol(self, enrolments: Iterable[tuple[int, int]]) -> None:
        items = [{"userid": u, "courseid": c} for c, u in enrolments]
        self._batched("enrol_manual_unenrol_users", "enrolments", items, result=Result.NONE)

    def enrolled_users(self, course_id: int, *, only_active: bool = False,
                       userfields: Sequence[str] | None = None) -> list[EnrolledUser]:
        options = []
        if only_active:
            options.append({"name": "onlyactive", "value": "1"})
        if userfields:
            options.append({"name": "userfields", "value": ",".join(userfields)})
        answer = self.transport.call("core_enrol_get_enrolled_users", {"courseid": course_id, "options": options})
        return [EnrolledUser.from_ws(u) for u in answer or []]

    def methods(self, course_id: int) -> list[dict[str, Any]]:
        return list(self.transport.call("core_enrol_get_course_enrolment_methods", {"courseid": course_id}) or [])


class GroupsApi(_Api):
    def of_course(self, course_id: int) -> list[Group]:
        return [Group.from_ws(g) for g in self.transport.call("core_group_get_course_groups",
                                                              {"courseid": course_id}) or []]

    def create(self, groups: Sequence[Mapping[str, Any]]) -> list[Group]:
        items = [{"description": "", **g} for g in groups]
        return [Group.from_ws(g) for g in self._batched("core_group_create_groups", "groups", items,
                                                        result=Result.PER_ITEM)]

    def members(self, group_ids: Sequence[int]) -> dict[int, list[int]]:
        answer = self._batched("core_group_get_group_members", "groupids", list(group_ids), result=Result.LIST)
        return {int(entry["groupid"]): [int(u) for u in entry.get("userids", [])] for entry in answer}

    def add_members(self, pairs: Iterable[tuple[int, int]]) -> None:
        """core_group_add_group_members for ``(groupid, userid)`` pairs (users must be enrolled)."""
        items = [{"groupid": g, "userid": u} for g, u in pairs]
        self._batched("core_group_add_group_members", "members", items, result=Result.NONE)

    def remove_members(self, pairs: Iterable[tuple[int, int]]) -> None:
        items = [{"groupid": g, "userid": u} for g, u in pairs]
        self._batched("core_group_delete_group_members", "members", items, result=Result.NONE)


class CohortSyncApi(_Api):
    """Cohort-sync enrolment instances keyed by (course id, cohort idnumber), through the pack's plugin (core web
    services cannot add enrolment methods). The instances of a course are read with
    :meth:`CourseContentApi.describe`."""

    def save(self, instances: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """local_cooperare_save_cohort_sync: ``[{courseid, cohortidnumber, role?, groupidnumber?, status?, name?,
        spechash?}]``, created or updated; returns ``[{courseid, cohortidnumber, cohortid, enrolid, groupid,
        action}]``."""
        return self._plugin_items(SAVE_COHORT_SYNC, "instances", instances)

    def delete(self, instances: Iterable[tuple[int, str]]) -> list[dict[str, Any]]:
        """local_cooperare_delete_cohort_sync for ``(courseid, cohortidnumber)`` pairs."""
        items = [{"courseid": c, "cohortidnumber": i} for c, i in instances]
        return self._plugin_items(DELETE_COHORT_SYNC, "instances", items)


class NewsForumApi(_Api):
    """Who owns a course's news forum, through the pack's plugin (core web services cannot subscribe another user or
    override a capability in one activity)."""

    def own(self, staff: Iterable[tuple[int, int]]) -> list[dict[str, Any]]:
        """local_cooperare_save_news_forum_staff for ``(courseid, userid)`` pairs of enrolled participants: each is
        subscribed to the course's news forum and can post announcements there; returns ``[{courseid, userid,
        forumid, cmid, subscribed: subscribed|unchanged, overridden: role shortnames allowed mod/forum:addnews, or
        ""}]``. Idempotent."""
        items = [{"courseid": c, "userid": u} for c, u in staff]
        return self._plugin_items(SAVE_NEWS_FORUM_STAFF, "staff", items)


class BooksApi(_Api):
    """The chapters of a book activity, through the pack's plugin (core has no web service that writes chapters)."""

    def save_chapters(self, *, course_id: int, idnumber: str,
                      chapters: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        """local_cooperare_save_book_chapters: the book's managed chapters (importsrc ``cooperare:<key>``) become
        exactly ``chapters`` (``{key, pagenum, subchapter, title, content}`` in page order, pagenum from 1); the
        ones no longer listed are deleted, chapters written by hand are left alone. Returns ``{cmid, bookid,
        chapters: [{key, id, pagenum, action: created|updated|unchanged|deleted}]}``. One book a call, all or
        nothing, idempotent."""
        return self.transport.call(SAVE_BOOK_CHAPTERS, {
            "courseid": course_id, "idnumber": idnumber,
            "chapters": [{"key": c["key"], "pagenum": int(c["pagenum"]), "subchapter": int(bool(c["subchapter"])),
                          "title": c["title"], "content": c["content"]} for c in chapters]})


    def chapters(self, *, course_id: int, idnumber: str) -> list[dict[str, Any]]:
        """local_cooperare_get_book_chapters (plugin 0.5.0+): every chapter of the book in page order, ``{key (''
        for one written by hand), id, pagenum, subchapter, hidden, title, contentsha1, contentformat}``."""
        answer = self.transport.call(GET_BOOK_CHAPTERS, {"courseid": course_id, "idnumber": idnumber})
        return list(answer.get("chapters") or [])


class CompletionApi(_Api):
    def course_status(self, course_id: int, user_id: int) -> CourseCompletion:
        """core_completion_get_course_completion_status; a course without criteria gives ``has_criteria=False``."""
        try:
            answer = self.transport.call("core_completion_get_course_completion_status",
                                         {"courseid": course_id, "userid": user_id})
        except MoodleError as error:
            if error.errorcode == "nocriteriaset":
                return CourseCompletion.without_criteria()
            raise
        return CourseCompletion.from_ws(answer)

    def course_completions(self, course_id: int, *, page_size: int = COMPLETIONS_PAGE) -> CourseCompletions:
        """local_cooperare_get_course_completions, every page: one read per ``page_size`` tracked users.

        The plugin's bulk form of :meth:`course_status` (core answers one user per call). Pages are read in user-id
        order until the count the first page gave is reached, so a user enrolled meanwhile may be missed but no one
        is counted twice.
        """
        tracked: set[int] = set()
        completed: dict[int, int] = {}
        offset = 0
        while True:
            answer = self.transport.call(COMPLETIONS_FUNCTION,
                                         {"courseid": course_id, "offset": offset, "limit": page_size})
            users = answer.get("users") or []
            for user in users:
                tracked.add(int(user["userid"]))
                if user.get("completed"):
                    completed[int(user["userid"])] = int(user.get("timecompleted") or 0)
            offset += len(users)
            if not answer.get("hascriteria"):
                return CourseCompletions(False, frozenset(), {})
            if not users or offset >= int(answer.get("total") or 0):
                return CourseCompletions(True, frozenset(tracked), completed)

    def activities(self, course_id: int, user_id: int) -> list[ActivityCompletion]:
        answer = self.transport.call("core_completion_get_activities_completion_status",
                                     {"courseid": course_id, "userid": user_id})
        return [ActivityCompletion(int(s["cmid"]), str(s["modname"]), int(s["instance"]), int(s["state"]),
                                   int(s.get("timecompleted") or 0)) for s in answer.get("statuses", [])]


class GradesApi(_Api):
    def user_grades(self, course_id: int, user_id: int = 0) -> list[UserGrades]:
        """gradereport_user_get_grade_items (``user_id`` 0: every user of the course)."""
        answer = self.transport.call("gradereport_user_get_grade_items", {"courseid": course_id, "userid": user_id})
        return [UserGrades.from_ws(entry) for entry in answer.get("usergrades", [])]


class QuizzesApi(_Api):
    def of_courses(self, course_ids: Sequence[int]) -> list[Quiz]:
        answer = self._batched("mod_quiz_get_quizzes_by_courses", "courseids", list(course_ids),
                               result=Result.KEYED, result_key="quizzes")
        return [Quiz.from_ws(q) for q in (answer or {}).get("quizzes", [])]

    def best_grade(self, quiz_id: int, user_id: int) -> BestGrade:
        answer = self.transport.call("mod_quiz_get_user_best_grade", {"quizid": quiz_id, "userid": user_id})
        return BestGrade(bool(answer.get("hasgrade")), answer.get("grade"), answer.get("gradetopass"))


class ForumsApi(_Api):
    def of_courses(self, course_ids: Sequence[int]) -> list[Forum]:
        answer = self._batched("mod_forum_get_forums_by_courses", "courseids", list(course_ids), result=Result.LIST)
        return [Forum.from_ws(f) for f in answer]

    def add_discussion(self, forum_id: int, subject: str, message: str) -> int:
        answer = self.transport.call("mod_forum_add_discussion",
                                     {"forumid": forum_id, "subject": subject, "message": message})
        return int(answer["discussionid"])

    def discussions(self, forum_id: int, *, page: int = 0, perpage: int = 100) -> list[dict[str, Any]]:
        """mod_forum_get_forum_discussions: one page of a forum's discussions (each with its first post)."""
        answer = self.transport.call("mod_forum_get_forum_discussions",
                                     {"forumid": forum_id, "sortorder": 1, "page": page, "perpage": perpage})
        return list((answer or {}).get("discussions", []))

    def discussion_posts(self, discussion_id: int) -> list[dict[str, Any]]:
        """mod_forum_get_discussion_posts: every post of a discussion, oldest first (core has no paging here)."""
        answer = self.transport.call("mod_forum_get_discussion_posts",
                                     {"discussionid": discussion_id, "sortby": "created", "sortdirection": "ASC"})
        return list((answer or {}).get("posts", []))

    def all_posts(self, cmid: int, *, page_size: int = FORUM_POSTS_PAGE) -> list[dict[str, Any]]:
        """local_cooperare_get_forum_posts (plugin 0.4.0+): every post of the forum with course module ``cmid``, all
        discussions together, one call per ``page_size`` posts, in post id order; each in the shape
        mod_forum_get_discussion_posts gives (``id``, ``discussionid``, ``hasparent``, ``author`` {id, fullname},
        ``message``, ``timecreated``, ``isdeleted``)."""
        posts: list[dict[str, Any]] = []
        offset = 0
        while True:
            answer = self.transport.call(FORUM_POSTS, {"cmid": cmid, "offset": offset, "limit": page_size}) or {}
            page = answer.get("posts") or []
            posts += [{"id": int(p["id"]), "discussionid": int(p["discussion"]), "hasparent": bool(p["parent"]),
                       "author": {"id": int(p["userid"]), "fullname": str(p["userfullname"])},
                       "subject": str(p["subject"]), "message": _as_html(str(p["message"]), int(p["messageformat"])),
                       "timecreated": int(p["created"]), "timemodified": int(p["modified"]),
                       "isdeleted": bool(p["deleted"])} for p in page]
            offset += len(page)
            if not page or offset >= int(answer.get("total") or 0):
                return posts

    def reply(self, post_id: int, subject: str, message: str, *, messageformat: int = 1) -> int:
        """mod_forum_add_discussion_post: a reply to ``post_id``; returns the new post's id."""
        answer = self.transport.call("mod_forum_add_discussion_post", {
            "postid": post_id, "subject": subject, "message": message, "messageformat": messageformat})
        return int(answer["postid"])


def _as_html(message: str, messageformat: int) -> str:
    """A stored forum message as HTML, as core's post exporter gives it: HTML (format 1) as stored, any other
    format's text escaped (so ``<script>`` typed in a plain-text post stays text, never becomes markup)."""
    return message if messageformat == 1 else html.escape(message).replace("\n", "<br>\n")


class FilesApi(_Api):
    def upload_draft(self, filename: str, content: bytes, *, content_type: str = "application/octet-stream"
                     ) -> DraftFile:
        """Upload one file into a new draft area (webservice/upload.php)."""
        answer = self.transport.upload(filename, content, content_type=content_type)
        if not answer:
            raise MoodleError("upload.php returned no file record", wsfunction="upload.php")
        return DraftFile.from_ws(answer[0])

    def add_to_user_private_files(self, files: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """local_cooperare_add_user_files: put the file of each draft area of the token's user into another user's
        private files — ``[{userid, draftitemid, filepath?, overwrite?}]`` in one call, all or nothing. Returns
        ``[{userid, filepath, filename, contenthash, action}]`` in the order sent (action created, replaced or
        unchanged: the same name and content is left alone, so a re-sent call is harmless)."""
        function = ADD_USER_FILES
        answer = self.transport.call(function, {"files": [dict(f) for f in files]})
        result = list((answer or {}).get("files", []))
        if len(result) != len(files):
            raise BatchShortfall(f"{len(files)} files sent, {len(result)} answered", wsfunction=function,
                                 sent=len(files), received=len(result))
        return result

    def upload_folder(self, files: Sequence[tuple[str, str, bytes]]) -> int:
        """Upload ``(filepath, filename, content)`` files into one new draft area (one webservice/upload.php request
        each, the first creating the area); returns its item id."""
        itemid = 0
        for filepath, filename, content in files:
            answer = self.transport.upload(filename, content, itemid=itemid, filepath=filepath)
            if not answer:
                raise MoodleError("upload.php returned no file record", wsfunction="upload.php")
            itemid = int(answer[0]["itemid"])
        return itemid

    def publish_site(self, area: str, draft_itemid: int, *, replace: bool = True) -> dict[str, Any]:
        """local_cooperare_publish_site (plugin 0.4.0+): the site ``area`` (``verify``) holds exactly the files of the
        draft area; returns the counts, each file's action and the address the site is served at."""
        return dict(self.transport.call(PUBLISH_SITE,
                                        {"area": area, "draftitemid": draft_itemid, "replace": int(replace)}) or {})

    def list(self, *, contextid: int, component: str, filearea: str, itemid: int = 0, filepath: str = "/"
             ) -> list[dict[str, Any]]:
        answer = self.transport.call("core_files_get_files", {
            "contextid": contextid, "component": component, "filearea": filearea, "itemid": itemid,
            "filepath": filepath, "filename": ""})
        return list(answer.get("files", []))


class MessagesApi(_Api):
    def send(self, messages: Sequence[Mapping[str, Any]]) -> list[MessageResult]:
        """core_message_send_instant_messages; a refused message comes back with ``msgid`` -1 and an error."""
        items = [{"textformat": 1, **m} for m in messages]
        answer = self._batched("core_message_send_instant_messages", "messages", items, result=Result.PER_ITEM)
        return [MessageResult(int(a.get("msgid", -1)), a.get("clientmsgid"), a.get("errormessage")) for a in answer]


class EnrolMethodsApi(_Api):
    """Self enrolment and guest access of courses (plugin 0.4.0+; core web services cannot configure them)."""

    def save(self, methods: Sequence[Mapping[str, Any]]) -> list[SavedItem]:
        """local_cooperare_save_enrol_methods: ``[{courseid, method: self|guest, status?, name?, enrolstartdate?,
        enrolenddate?, role?, cohortidnumber?, newenrols?, key?, groupname?, spechash?}]``; one instance of each method
        per course, plus self enrolment instances keyed by ``key`` (e.g. one per event, each with its own dates and,
        with ``groupname``, its group), created or updated. Returns, in the order sent, the instance id, the action
        and the fields that changed; the SavedItem's key is the method, or ``self:KEY`` for a keyed instance."""
        answers = self._plugin_items("local_cooperare_save_enrol_methods", "methods", methods)
        return [SavedItem(str(a["method"]) + (f":{a['key']}" if a.get("key") else ""), int(a["courseid"]),
                          int(a["enrolid"]), str(a["action"]), tuple(str(c) for c in a.get("changed") or ()))
                for a in answers]

    def of_courses(self, course_ids: Sequence[int]) -> dict[int, list[EnrolMethod]]:
        """local_cooperare_get_enrol_methods: the self and guest instances of each course, with drift."""
        answer = self._read_batched("local_cooperare_get_enrol_methods", "courseids", course_ids, "courses")
        return {int(c["courseid"]): [EnrolMethod.from_ws(m) for m in c.get("methods") or []] for c in answer}


class CalendarApi(_Api):
    """Site and course calendar events keyed by the client's key (plugin 0.4.0+); course id 0 is the site."""

    def save(self, events: Sequence[Mapping[str, Any]]) -> list[SavedItem]:
        """local_cooperare_save_calendar_events: ``[{key, courseid (0: site), name, description?, timestart,
        timeduration?, visible?, userid? (0: the main administrator), spechash?}]``, created or updated."""
        answers = self._plugin_items("local_cooperare_save_calendar_events", "events", events)
        return [SavedItem(str(a["key"]), int(a["courseid"]), int(a["eventid"]), str(a["action"]),
                          tuple(str(c) for c in a.get("changed") or ())) for a in answers]

    def delete(self, keys: Iterable[tuple[int, str]]) -> list[SavedItem]:
        """local_cooperare_delete_calendar_events for ``(courseid, key)`` pairs; only events the plugin wrote."""
        items = [{"courseid": c, "key": k} for c, k in keys]
        answers = self._plugin_items("local_cooperare_delete_calendar_events", "events", items)
        return [SavedItem(str(a["key"]), int(a["courseid"]), int(a["eventid"]), str(a["action"])) for a in answers]

    def of_courses(self, course_ids: Sequence[int]) -> list[CalendarEvent]:
        """local_cooperare_get_calendar_events: the events the plugin wrote in these courses (0: site events)."""
        answer = self._read_batched("local_cooperare_get_calendar_events", "courseids", course_ids, "events")
        return [CalendarEvent.from_ws(e) for e in answer]


class ReportsApi(_Api):
    """Reads core web services lack: BigBlueButton attendance and per-user activity counts (plugin 0.4.0+)."""

    def bbb_attendance(self, cmid: int, *, since: int = 0, page_size: int = ATTENDANCE_PAGE) -> BbbAttendance:
        """local_cooperare_get_bbb_attendance, every page: the Join, Logout and Summary logs of one BigBlueButton
        activity from ``since`` on, in log id order (one read per ``page_size`` logs)."""
        logs: list[BbbLog] = []
        offset = 0
        while True:
            answer = self.transport.call("local_cooperare_get_bbb_attendance",
                                         {"cmid": cmid, "since": since, "offset": offset, "limit": page_size})
            page = answer.get("logs") or []
            logs.extend(BbbLog.from_ws(row) for row in page)
            offset += len(page)
            if not page or offset >= int(answer.get("total") or 0):
                return BbbAttendance(int(answer["cmid"]), int(answer["courseid"]), int(answer["instance"]),
                                     str(answer.get("meetingid") or ""), tuple(logs))

    def activity_counts(self, course_id: int, *, timefrom: int = 0, timeto: int = 0, periods: Sequence[int] = (),
                        page_size: int = ACTIVITY_PAGE) -> list[ActivityCount]:
        """local_cooperare_get_activity_counts, every page: per enrolled user of the course, the last access and,
        within [timefrom, timeto] (timeto 0: now), activities completed, forum posts and finished quiz attempts; with
        ``periods`` (ascending starts, e.g. the first second of each month) the same counts per period too."""
        counts: list[ActivityCount] = []
        offset = 0
        while True:
            params: dict[str, Any] = {"courseid": course_id, "timefrom": timefrom, "timeto": timeto, "offset": offset,
                                      "limit": page_size}
            if periods:
                params["periods"] = [int(start) for start in periods]
            answer = self.transport.call("local_cooperare_get_activity_counts", params)
            page = answer.get("users") or []
            counts.extend(ActivityCount.from_ws(row) for row in page)
            offset += len(page)
            if not page or offset >= int(answer.get("total") or 0):
                return counts


@dataclass(frozen=True)
class SiteSetup:
    """What local_cooperare_get_site_setup tells about the site (core web services do not)."""

    languages: dict[str, str]
    defaultlang: str
    timezone: str
    forcetimezone: str
    enableavailability: bool
    enablecompletion: bool
    modules: frozenset[str] | None = None
    """The activity modules enabled on the site (plugin 0.5.1+); None when the plugin does not say."""

    @classmethod
    def from_ws(cls, answer: Mapping[str, Any]) -> SiteSetup:
        return cls(languages={str(lang["code"]): str(lang["name"]) for lang in answer.get("languages", [])},
                   defaultlang=str(answer.get("defaultlang", "")), timezone=str(answer.get("timezone", "")),
                   forcetimezone=str(answer.get("forcetimezone", "")),
                   enableavailability=bool(answer.get("enableavailability")),
                   enablecompletion=bool(answer.get("enablecompletion")),
                   modules=frozenset(str(m) for m in answer["modules"]) if "modules" in answer else None)


class FeedbackApi(_Api):
    """Feedback activities (mod_feedback): the read side for the teacher, and a respondent answering."""

    @staticmethod
    def readable(functions: Iterable[str]) -> bool:
        """Whether a site offering ``functions`` (its site info) lets the token read feedback responses."""
        return set(FEEDBACK_READ) <= set(functions)

    def of_courses(self, course_ids: Sequence[int]) -> list[FeedbackActivity]:
        """mod_feedback_get_feedbacks_by_courses."""
        answer = self._batched("mod_feedback_get_feedbacks_by_courses", "courseids", list(course_ids),
                               result=Result.KEYED, result_key="feedbacks")
        return [FeedbackActivity.from_ws(f) for f in (answer or {}).get("feedbacks", [])]

    def items(self, feedback_id: int) -> list[FeedbackItem]:
        """mod_feedback_get_items: the questions in their order."""
        answer = self.transport.call("mod_feedback_get_items", {"feedbackid": feedback_id}) or {}
        return [FeedbackItem.from_ws(i) for i in answer.get("items", [])]

    def responses(self, feedback_id: int, *, per_page: int = FEEDBACK_RESPONSES_PAGE) -> list[FeedbackAttempt]:
        """mod_feedback_get_responses_analysis, page after page: every named (not anonymous) response, ordered by
        the respondent's last name as Moodle pages them."""
        attempts: list[FeedbackAttempt] = []
        page = 0
        while True:
            answer = self.transport.call("mod_feedback_get_responses_analysis",
                                         {"feedbackid": feedback_id, "page": page, "perpage": per_page}) or {}
            listed = answer.get("attempts") or []
            attempts += [FeedbackAttempt.from_ws(a) for a in listed]
            page += 1
            if not listed or len(attempts) >= int(answer.get("totalattempts") or 0):
                return attempts

    def respond(self, feedback_id: int, answers: Mapping[str, str | None]) -> bool:
        """Answer as the token's user (mod_feedback_launch_feedback, then get_page_items and process_page page by
        page); ``answers`` by item label: a choice's text or the text written. True when Moodle saved the response
        (False: a required item is missing or an answer is refused, and nothing is saved)."""
        page = int((self.transport.call("mod_feedback_launch_feedback", {"feedbackid": feedback_id}) or {})
                   .get("gopage") or 0)
        page = max(page, 0)
        for _ in range(100):
            listed = self.transport.call("mod_feedback_get_page_items", {"feedbackid": feedback_id, "page": page})
            items = [FeedbackItem.from_ws(i) for i in (listed or {}).get("items", [])]
            # Every item of the page is sent, an unanswered one empty: Moodle saves a page only when each of its
            # items was sent (recorded on 4.5.6; an item left out keeps the page, and the response, unfinished).
            responses = [{"name": item.field, "value": "" if answers.get(item.label) is None
                          else item.encode(str(answers[item.label]))} for item in items]
            result = self.transport.call("mod_feedback_process_page", {
                "feedbackid": feedback_id, "page": page, "responses": responses}) or {}
            if result.get("completed"):
                return True
            following = int(result.get("jumpto") or 0)
            if following <= page:
                return False
            page = following
        return False


class MoodleClient:
    """The typed face of one Moodle site. ``client.transport.stats`` counts the web-service calls made."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport
        self.categories = CategoriesApi(transport)
        self.courses = CoursesApi(transport)
        self.course_content = CourseContentApi(transport)
        self.users = UsersApi(transport)
        self.cohorts = CohortsApi(transport)
        self.enrol = EnrolApi(transport, roles=lambda: self.roles)
        self.groups = GroupsApi(transport)
        self.cohort_sync = CohortSyncApi(transport)
        self.news_forum = NewsForumApi(transport)
        self.books = BooksApi(transport)
        self.completion = CompletionApi(transport)
        self.grades = GradesApi(transport)
        self.quizzes = QuizzesApi(transport)
        self.forums = ForumsApi(transport)
        self.feedback = FeedbackApi(transport)
        self.files = FilesApi(transport)
        self.messages = MessagesApi(transport)
        self.enrol_methods = EnrolMethodsApi(transport)
        self.calendar = CalendarApi(transport)
        self.reports = ReportsApi(transport)

    def site_setup(self) -> SiteSetup:
        """local_cooperare_get_site_setup: installed language packs, default language and timezone, and whether
        restricted access and completion tracking are on (plugin 0.3.0+)."""
        return SiteSetup.from_ws(self.transport.call(SITE_SETUP) or {})

    @cached_property
    def roles(self) -> RoleDirectory:
        """The site's roles by shortname, read once per client (one local_cooperare_get_roles when the site offers
        it, plugin 0.4.0+; else Moodle's standard ids, assumed until roles read back from the site confirm them)."""
        if self.site.has_plugin and ROLES_FUNCTION in self.site.functions:
            answer = self.transport.call(ROLES_FUNCTION) or {}
            listed = {str(r["shortname"]): int(r["id"]) for r in answer.get("roles") or []}
            if listed:
                return RoleDirectory(listed, source="site")
        return RoleDirectory.assumed()

    @cached_property
    def site(self) -> SiteInfo:
        """core_webservice_get_site_info, read once per client."""
        return SiteInfo.from_ws(self.transport.call("core_webservice_get_site_info"))

    def call(self, wsfunction: str, params: Mapping[str, Any] | None = None) -> Any:
        return self.transport.call(wsfunction, params)

