"""Typed wrappers for the core Moodle web-service functions the pack uses, grouped the way Moodle groups them.

``MoodleClient(transport)`` exposes ``categories``, ``courses``, ``users``, ``cohorts``, ``enrol``, ``groups``,
``completion``, ``grades``, ``quizzes``, ``forums``, ``files`` and ``messages``. Each method says which function it
calls, takes typed arguments, returns typed records, and sends lists through :func:`call_batched` so no request
exceeds the site's POST-variable budget. Nothing here knows about the training catalogue or the roster.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from cooperare.errors import BatchShortfall, MoodleError
from cooperare.moodle.batching import Result, call_batched
from cooperare.moodle.records import (
    ActivityCompletion,
    BestGrade,
    Category,
    Cohort,
    Course,
    CourseCompletion,
    CourseCompletions,
    CourseSection,
    DraftFile,
    EnrolledUser,
    Forum,
    Group,
    MessageResult,
    Quiz,
    User,
    UserGrades,
)
from cooperare.moodle.site import SiteInfo
from cooperare.moodle.transport import Transport

STUDENT_ROLE_ID = 5
STANDARD_ROLE_IDS = {"manager": 1, "editingteacher": 3, "teacher": 4, "student": 5}
"""The ids a fresh Moodle install gives its standard course roles: assumed only when the site cannot list its roles
(local_cooperare older than 0.4.0, or absent)."""
ROLES_FUNCTION = "local_cooperare_get_roles"
COMPLETIONS_FUNCTION = "local_cooperare_get_course_completions"
COMPLETIONS_PAGE = 1000  # the plugin's largest page


class _Api:
    def __init__(self, transport: Transport) -> None:
        self.transport = transport

    def _batched(self, wsfunction: str, list_key: str, items: Sequence[Any], *, result: Result,
                 extra: Mapping[str, Any] | None = None, result_key: str | None = None) -> Any:
        if not items:
            return [] if result in (Result.PER_ITEM, Result.LIST) else None
        return call_batched(self.transport, wsfunction, list_key, items, result=result, extra=extra,
                            result_key=result_key)


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

    def contents(self, course_id: int) -> list[CourseSection]:
        """core_course_get_contents: sections with their modules."""
        answer = self.transport.call("core_course_get_contents", {"courseid": course_id})
        return [CourseSection.from_ws(s) for s in answer or []]


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
    def enrol(self, enrolments: Iterable[tuple[int, int]], *, role_id: int = STUDENT_ROLE_ID,
              suspend: bool | None = None) -> None:
        """enrol_manual_enrol_users for ``(courseid, userid)`` pairs (re-enrolling is harmless)."""
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


class FilesApi(_Api):
    def upload_draft(self, filename: str, content: bytes, *, content_type: str = "application/octet-stream"
                     ) -> DraftFile:
        """Upload one file into a new draft area (webservice/upload.php)."""
        answer = self.transport.upload(filename, content, content_type=content_type)
        if not answer:
            raise MoodleError("upload.php returned no file record", wsfunction="upload.php")
        return DraftFile.from_ws(answer[0])

    def add_to_private_files(self, draft_itemid: int) -> None:
        """core_user_add_user_private_files: move a draft area into the token user's private files."""
        self.transport.call("core_user_add_user_private_files", {"draftid": draft_itemid})

    def add_to_user_private_files(self, files: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """local_cooperare_add_user_files: put the file of each draft area of the token's user into another user's
        private files — ``[{userid, draftitemid, filepath?, overwrite?}]`` in one call, all or nothing. Returns
        ``[{userid, filepath, filename, contenthash, action}]`` in the order sent (action created, replaced or
        unchanged: the same name and content is left alone, so a re-sent call is harmless)."""
        function = "local_cooperare_add_user_files"
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
        return dict(self.transport.call("local_cooperare_publish_site",
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


@dataclass(frozen=True)
class Role:
    """One role of the site (local_cooperare_get_roles)."""

    id: int
    shortname: str
    archetype: str
    assignable_in_course: bool


@dataclass(frozen=True)
class SiteSetup:
    """What local_cooperare_get_site_setup tells about the site (core web services do not)."""

    languages: dict[str, str]
    defaultlang: str
    timezone: str
    forcetimezone: str
    enableavailability: bool
    enablecompletion: bool

    @classmethod
    def from_ws(cls, answer: Mapping[str, Any]) -> SiteSetup:
        return cls(languages={str(lang["code"]): str(lang["name"]) for lang in answer.get("languages", [])},
                   defaultlang=str(answer.get("defaultlang", "")), timezone=str(answer.get("timezone", "")),
                   forcetimezone=str(answer.get("forcetimezone", "")),
                   enableavailability=bool(answer.get("enableavailability")),
                   enablecompletion=bool(answer.get("enablecompletion")))


class MoodleClient:
    """The typed face of one Moodle site. ``client.transport.stats`` counts the web-service calls made."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport
        self.categories = CategoriesApi(transport)
        self.courses = CoursesApi(transport)
        self.users = UsersApi(transport)
        self.cohorts = CohortsApi(transport)
        self.enrol = EnrolApi(transport)
        self.groups = GroupsApi(transport)
        self.completion = CompletionApi(transport)
        self.grades = GradesApi(transport)
        self.quizzes = QuizzesApi(transport)
        self.forums = ForumsApi(transport)
        self.files = FilesApi(transport)
        self.messages = MessagesApi(transport)
        self._roles: dict[str, Role] | None = None

    def site_setup(self) -> SiteSetup:
        """local_cooperare_get_site_setup: installed language packs, default language and timezone, and whether
        restricted access and completion tracking are on (plugin 0.3.0+)."""
        return SiteSetup.from_ws(self.transport.call("local_cooperare_get_site_setup") or {})

    def roles(self) -> dict[str, Role]:
        """The site's roles by shortname (local_cooperare_get_roles, plugin 0.4.0+; read once per client)."""
        if self._roles is None:
            answer = self.transport.call(ROLES_FUNCTION) or {}
            self._roles = {str(r["shortname"]): Role(int(r["id"]), str(r["shortname"]), str(r.get("archetype") or ""),
                                                     bool(r.get("assignablecourse")))
                           for r in answer.get("roles", [])}
        return self._roles

    def role_id(self, shortname: str) -> int:
        """The id of the role ``shortname`` that can be given in a course.

        Asks the site when its token may call local_cooperare_get_roles; otherwise assumes the ids of a fresh
        install for the standard roles (and refuses any other shortname, which only the site could resolve).
        """
        if ROLES_FUNCTION in self.site.functions:
            roles = self.roles()
            role = roles.get(shortname)
            if role is None or not role.assignable_in_course:
                usable = sorted(name for name, r in roles.items() if r.assignable_in_course)
                raise MoodleError(f"the site has no role {shortname!r} that can be given in a course",
                                  wsfunction=ROLES_FUNCTION, hint=f"roles that can: {', '.join(usable)}")
            return role.id
        if shortname not in STANDARD_ROLE_IDS:
            raise MoodleError(f"cannot resolve the role {shortname!r}: the site's service lacks {ROLES_FUNCTION} "
                              "(local_cooperare 0.4.0+), and only the standard roles have known ids",
                              wsfunction=ROLES_FUNCTION,
                              hint=f"install or upgrade local_cooperare, or use one of {', '.join(STANDARD_ROLE_IDS)}")
        return STANDARD_ROLE_IDS[shortname]

    @cached_property
    def site(self) -> SiteInfo:
        """core_webservice_get_site_info, read once per client."""
        return SiteInfo.from_ws(self.transport.call("core_webservice_get_site_info"))

    def call(self, wsfunction: str, params: Mapping[str, Any] | None = None) -> Any:
        return self.transport.call(wsfunction, params)

