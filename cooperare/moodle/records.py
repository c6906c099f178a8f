"""Typed records for what Moodle's web services return (frozen dataclasses built from the JSON answers).

Each record keeps the fields the pack uses, typed, plus ``raw`` (the whole answer, not compared) for the rest.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any


def _raw() -> Any:
    return field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True)
class Category:
    id: int
    name: str
    idnumber: str | None
    parent: int
    description: str
    visible: bool
    path: str
    raw: dict[str, Any] = _raw()

    @classmethod
    def from_ws(cls, data: dict[str, Any]) -> Category:
        return cls(int(data["id"]), str(data["name"]), data.get("idnumber") or None, int(data.get("parent", 0)),
                   str(data.get("description") or ""), bool(data.get("visible", 1)), str(data.get("path", "")),
                   data)


@dataclass(frozen=True)
class Course:
    id: int
    shortname: str
    fullname: str
    idnumber: str | None
    categoryid: int
    summary: str
    format: str
    visible: bool
    startdate: int
    enddate: int
    enablecompletion: bool
    raw: dict[str, Any] = _raw()

    @property
    def lang(self) -> str:
        """The forced course language ("" = the user's or the site's)."""
        return str(self.raw.get("lang") or "")

    @classmethod
    def from_ws(cls, data: dict[str, Any]) -> Course:
        return cls(int(data["id"]), str(data["shortname"]), str(data.get("fullname", "")),
                   data.get("idnumber") or None, int(data.get("categoryid", 0)), str(data.get("summary") or ""),
                   str(data.get("format", "")), bool(data.get("visible", 1)), int(data.get("startdate") or 0),
                   int(data.get("enddate") or 0), bool(data.get("enablecompletion", 0)), data)


@dataclass(frozen=True)
class CourseModule:
    id: int
    name: str
    modname: str
    instance: int
    visible: bool
    completion: int
    section: int
    raw: dict[str, Any] = _raw()


@dataclass(frozen=True)
class CourseSection:
    id: int
    section: int
    name: str
    summary: str
    visible: bool
    modules: tuple[CourseModule, ...]
    raw: dict[str, Any] = _raw()

    @classmethod
    def from_ws(cls, data: dict[str, Any]) -> CourseSection:
        number = int(data.get("section", 0))
        modules = tuple(
            CourseModule(int(m["id"]), str(m.get("name", "")), str(m.get("modname", "")), int(m.get("instance", 0)),
                         bool(m.get("visible", 1)), int(m.get("completion", 0)), number, m)
            for m in data.get("modules") or []
        )
        return cls(int(data["id"]), number, str(data.get("name") or ""), str(data.get("summary") or ""),
                   bool(data.get("visible", 1)), modules, data)


@dataclass(frozen=True)
class User:
    id: int
    username: str
    firstname: str
    lastname: str
    email: str
    idnumber: str
    auth: str
    suspended: bool
    department: str = ""
    raw: dict[str, Any] = _raw()

    @classmethod
    def from_ws(cls, data: dict[str, Any]) -> User:
        return cls(int(data["id"]), str(data.get("username", "")), str(data.get("firstname", "")),
                   str(data.get("lastname", "")), str(data.get("email", "")), str(data.get("idnumber") or ""),
                   str(data.get("auth", "")), bool(data.get("suspended", False)), str(data.get("department") or ""),
                   data)


@dataclass(frozen=True)
class EnrolledUser:
    id: int
    username: str
    fullname: str
    idnumber: str
    roles: tuple[str, ...]
    raw: dict[str, Any] = _raw()

    @classmethod
    def from_ws(cls, data: dict[str, Any]) -> EnrolledUser:
        return cls(int(data["id"]), str(data.get("username", "")), str(data.get("fullname", "")),
                   str(data.get("idnumber") or ""), tuple(str(r.get("shortname", "")) for r in data.get("roles") or []),
                   data)

    @property
    def role_ids(self) -> tuple[tuple[int, str], ...]:
        """``(roleid, shortname)`` of each role the user holds in the course (when ``roles`` was asked for)."""
        return tuple((int(r.get("roleid") or 0), str(r.get("shortname", ""))) for r in self.raw.get("roles") or [])


@dataclass(frozen=True)
class Cohort:
    id: int
    name: str
    idnumber: str
    description: str
    visible: bool
    raw: dict[str, Any] = _raw()

    @classmethod
    def from_ws(cls, data: dict[str, Any]) -> Cohort:
        return cls(int(data["id"]), str(data.get("name", "")), str(data.get("idnumber") or ""),
                   str(data.get("description") or ""), bool(data.get("visible", True)), data)


@dataclass(frozen=True)
class Group:
    id: int
    courseid: int
    name: str
    idnumber: str
    description: str
    raw: dict[str, Any] = _raw()

    @classmethod
    def from_ws(cls, data: dict[str, Any]) -> Group:
        return cls(int(data["id"]), int(data["courseid"]), str(data.get("name", "")), str(data.get("idnumber") or ""),
                   str(data.get("description") or ""), data)


@dataclass(frozen=True)
class CohortSyncInstance:
    """A cohort-sync enrolment instance of a course as ``local_cooperare_describe_courses`` lists it."""

    enrolid: int
    cohortid: int
    cohortidnumber: str
    role: str
    roleid: int
    groupid: int
    groupidnumber: str
    status: int
    managed: bool
    drift: bool

    @classmethod
    def from_ws(cls, data: dict[str, Any]) -> CohortSyncInstance:
        return cls(int(data.get("enrolid") or 0), int(data.get("cohortid") or 0), str(data.get("cohortidnumber") or ""),
                   str(data.get("role") or ""), int(data.get("roleid") or 0), int(data.get("groupid") or 0),
                   str(data.get("groupidnumber") or ""), int(data.get("status") or 0), bool(data.get("managed")),
                   bool(data.get("drift")))


@dataclass(frozen=True)
class DescribedCourse:
    """One course as ``local_cooperare_describe_courses`` describes it. Sections, activities, questions and
    completion stay as Moodle sent them (``raw``): the courses planner compares them field by field."""

    id: int
    idnumber: str
    shortname: str
    fullname: str
    format: str
    visible: bool
    enablecompletion: bool
    cohortsync: tuple[CohortSyncInstance, ...]
    raw: dict[str, Any] = _raw()

    @classmethod
    def from_ws(cls, data: dict[str, Any]) -> DescribedCourse:
        return cls(int(data["id"]), str(data.get("idnumber") or ""), str(data.get("shortname") or ""),
                   str(data.get("fullname") or ""), str(data.get("format") or ""), bool(data.get("visible", 1)),
                   bool(data.get("enablecompletion", 0)),
                   tuple(CohortSyncInstance.from_ws(i) for i in data.get("cohortsync") or []), data)


@dataclass(frozen=True)
class CompletionCriterion:
    type: int
    title: str
    status: str
    complete: bool
    timecompleted: int | None


@dataclass(frozen=True)
class CourseCompletion:
    """A user's course-completion status; ``has_criteria`` is False when the course has none set."""

    completed: bool
    aggregation: int
    criteria: tuple[CompletionCriterion, ...]
    has_criteria: bool = True

    @classmethod
    def from_ws(cls, data: dict[str, Any]) -> CourseCompletion:
        status = data["completionstatus"]
        criteria = tuple(
            CompletionCriterion(int(c["type"]), str(c.get("title", "")), str(c.get("status", "")),
                                bool(c.get("complete")), c.get("timecompleted"))
            for c in status.get("completions") or []
        )
        return cls(bool(status.get("completed")), int(status.get("aggregation") or 1), criteria)

    @classmethod
    def without_criteria(cls) -> CourseCompletion:
        return cls(False, 1, (), has_criteria=False)


@dataclass(frozen=True)
class CourseCompletions:
    """Course completion of every tracked user of a course (``local_cooperare_get_course_completions``, all pages).

    ``completed`` maps user id to the time of completion; tracked users who have not completed are in ``tracked``
    only. ``has_criteria`` is False when the course has no completion criteria (then nobody is listed).
    """

    has_criteria: bool
    tracked: frozenset[int]
    completed: dict[int, int]


@dataclass(frozen=True)
class ActivityCompletion:
    cmid: int
    modname: str
    instance: int
    state: int
    timecompleted: int

    @property
    def complete(self) -> bool:
        return self.state in (1, 2)  # COMPLETION_COMPLETE, COMPLETION_COMPLETE_PASS


@dataclass(frozen=True)
class GradeItem:
    id: int
    itemtype: str
    itemmodule: str | None
    iteminstance: int | None
    idnumber: str | None
    graderaw: float | None
    grademax: float
    raw: dict[str, Any] = _raw()

    @classmethod
    def from_ws(cls, data: dict[str, Any]) -> GradeItem:
        raw_grade = data.get("graderaw")
        return cls(int(data["id"]), str(data.get("itemtype", "")), data.get("itemmodule"), data.get("iteminstance"),
                   data.get("idnumber"), None if raw_grade is None else float(raw_grade),
                   float(data.get("grademax") or 0), data)


@dataclass(frozen=True)
class UserGrades:
    courseid: int
    userid: int
    items: tuple[GradeItem, ...]

    @classmethod
    def from_ws(cls, data: dict[str, Any]) -> UserGrades:
        return cls(int(data["courseid"]), int(data["userid"]),
                   tuple(GradeItem.from_ws(item) for item in data.get("gradeitems") or []))


@dataclass(frozen=True)
class Quiz:
    id: int
    course: int
    coursemodule: int
    name: str
    grade: float
    raw: dict[str, Any] = _raw()

    @classmethod
    def from_ws(cls, data: dict[str, Any]) -> Quiz:
        return cls(int(data["id"]), int(data["course"]), int(data["coursemodule"]), str(data.get("name", "")),
                   float(data.get("grade") or 0), data)


@dataclass(frozen=True)
class BestGrade:
    has_grade: bool
    grade: float | None
    grade_to_pass: float | None


@dataclass(frozen=True)
class Forum:
    id: int
    course: int
    cmid: int
    type: str
    name: str
    raw: dict[str, Any] = _raw()

    @classmethod
    def from_ws(cls, data: dict[str, Any]) -> Forum:
        return cls(int(data["id"]), int(data["course"]), int(data.get("cmid") or 0), str(data.get("type", "")),
                   str(data.get("name", "")), data)


@dataclass(frozen=True)
class DraftFile:
    itemid: int
    filename: str
    filesize: int
    contextid: int

    @classmethod
    def from_ws(cls, data: dict[str, Any]) -> DraftFile:
        return cls(int(data["itemid"]), str(data["filename"]), int(data.get("filesize") or 0),
                   int(data.get("contextid") or 0))


@dataclass(frozen=True)
class MessageResult:
    msgid: int
    clientmsgid: str | None
    error: str | None

    @property
    def sent(self) -> bool:
        return self.msgid > 0


@dataclass(frozen=True)
class EnrolMethod:
    """A self enrolment or guest access instance (``local_cooperare_get_enrol_methods``)."""

    enrolid: int
    method: str
    status: int
    name: str
    enrolstartdate: int
    enrolenddate: int
    role: str
    cohortidnumber: str
    newenrols: int
    haspassword: bool
    managed: bool
    spechash: str
    drift: bool
    key: str = ""
    """Key of a keyed self enrolment instance (one of several in the course, e.g. per event); '' otherwise."""
    groupname: str = ""
    """Keyed instance: the name of its group (the course group whose idnumber is the key), '' for none."""
    maxenrolled: int = 0
    """Self enrolment: most users who may enrol through it (enrol_self's customint3), 0 for no limit."""

    @property
    def enabled(self) -> bool:
        return self.status == 0

    @classmethod
    def from_ws(cls, data: dict[str, Any]) -> EnrolMethod:
        return cls(int(data["enrolid"]), str(data["method"]), int(data["status"]), str(data.get("name") or ""),
                   int(data.get("enrolstartdate") or 0), int(data.get("enrolenddate") or 0),
                   str(data.get("role") or ""), str(data.get("cohortidnumber") or ""),
                   int(data.get("newenrols") or 0), bool(data.get("haspassword")), bool(data.get("managed")),
                   str(data.get("spechash") or ""), bool(data.get("drift")), str(data.get("key") or ""),
                   str(data.get("groupname") or ""), int(data.get("maxenrolled") or 0))


@dataclass(frozen=True)
class SavedItem:
    """One answer of a plugin save/delete function: the key sent, the Moodle id and what was done."""

    key: str
    courseid: int
    id: int
    action: str
    changed: tuple[str, ...] = ()


@dataclass(frozen=True)
class CalendarEvent:
    """A calendar event written by local_cooperare (``local_cooperare_get_calendar_events``); ``courseid`` 0 is a
    site event."""

    key: str
    courseid: int
    eventid: int
    name: str
    description: str
    timestart: int
    timeduration: int
    visible: int
    userid: int
    eventtype: str
    spechash: str
    drift: bool

    @classmethod
    def from_ws(cls, data: dict[str, Any]) -> CalendarEvent:
        return cls(str(data["key"]), int(data["courseid"]), int(data["eventid"]), str(data["name"]),
                   str(data.get("description") or ""), int(data["timestart"]), int(data.get("timeduration") or 0),
                   int(data.get("visible", 1)), int(data.get("userid") or 0), str(data.get("eventtype") or ""),
                   str(data.get("spechash") or ""), bool(data.get("drift")))


@dataclass(frozen=True)
class BbbLog:
    """One row of ``bigbluebuttonbn_logs`` (Join, Logout or Summary) with the Summary's figures when present."""

    id: int
    userid: int
    log: str
    timecreated: int
    meetingid: str
    duration: int
    chats: int
    talks: int
    raisehand: int
    pollvotes: int
    emojis: int
    meta: str

    @classmethod
    def from_ws(cls, data: dict[str, Any]) -> BbbLog:
        return cls(int(data["id"]), int(data.get("userid") or 0), str(data["log"]), int(data["timecreated"]),
                   str(data.get("meetingid") or ""), int(data.get("duration") or 0), int(data.get("chats") or 0),
                   int(data.get("talks") or 0), int(data.get("raisehand") or 0), int(data.get("pollvotes") or 0),
                   int(data.get("emojis") or 0), str(data.get("meta") or ""))


@dataclass(frozen=True)
class BbbAttendance:
    """The attendance logs of one BigBlueButton activity (``local_cooperare_get_bbb_attendance``, all pages)."""

    cmid: int
    courseid: int
    instance: int
    meetingid: str
    logs: tuple[BbbLog, ...]


@dataclass(frozen=True)
class ActivityCount:
    """What one enrolled user did in a course over a period (``local_cooperare_get_activity_counts``)."""

    userid: int
    lastaccess: int
    completedactivities: int
    forumposts: int
    quizattempts: int
    periods: tuple[PeriodCount, ...] = ()
    """The same counts per period asked for (e.g. per month), in their order."""

    @classmethod
    def from_ws(cls, data: dict[str, Any]) -> ActivityCount:
        return cls(int(data["userid"]), int(data.get("lastaccess") or 0), int(data.get("completedactivities") or 0),
                   int(data.get("forumposts") or 0), int(data.get("quizattempts") or 0),
                   tuple(PeriodCount.from_ws(p) for p in data.get("periods") or ()))


@dataclass(frozen=True)
class PeriodCount:
    """One user's counts in one period (``periods`` of ``local_cooperare_get_activity_counts``)."""

    start: int
    completedactivities: int
    forumposts: int
    quizattempts: int

    @classmethod
    def from_ws(cls, data: dict[str, Any]) -> PeriodCount:
        return cls(int(data["start"]), int(data.get("completedactivities") or 0), int(data.get("forumposts") or 0),
                   int(data.get("quizattempts") or 0))


@dataclass(frozen=True)
class FeedbackActivity:
    """A feedback activity (mod_feedback_get_feedbacks_by_courses)."""

    id: int
    course: int
    cmid: int
    name: str
    anonymous: bool
    raw: dict[str, Any] = _raw()

    @classmethod
    def from_ws(cls, data: dict[str, Any]) -> FeedbackActivity:
        return cls(int(data["id"]), int(data["course"]), int(data["coursemodule"]), str(data["name"]),
                   int(data["anonymous"]) != 2, data)


@dataclass(frozen=True)
class FeedbackItem:
    """A question of a feedback activity (mod_feedback_get_items): its type (``multichoice``, ``multichoicerated``,
    ``textarea``...), label and, for the choice types, the choices in order."""

    id: int
    label: str
    typ: str
    name: str
    position: int
    required: bool
    choices: tuple[str, ...] = ()
    raw: dict[str, Any] = _raw()

    @classmethod
    def from_ws(cls, data: dict[str, Any]) -> FeedbackItem:
        typ = str(data["typ"])
        choices: tuple[str, ...] = ()
        if typ in ("multichoice", "multichoicerated"):
            listed = str(data["presentation"]).split(">>>>>", 1)[-1].split("|")
            # A rated choice is "value####text"; the text is what a respondent sees.
            choices = tuple(c.split("####", 1)[-1] for c in listed)
        return cls(int(data["id"]), str(data["label"]), typ, str(data["name"]), int(data["position"]),
                   bool(data["required"]), choices, data)

    @property
    def field(self) -> str:
        """The name mod_feedback_process_page expects the answer under."""
        return f"{self.typ}_{self.id}"

    def encode(self, answer: str) -> str:
        """The value process_page expects: a choice's 1-based position, or the text itself."""
        if not self.choices:
            return answer
        if answer not in self.choices:
            raise ValueError(f"{answer!r} is not a choice of item {self.label!r}")
        return str(self.choices.index(answer) + 1)

    def decode(self, rawval: str | None) -> str | tuple[str, ...] | None:
        """An answer as Moodle stores it, back to what the respondent chose or wrote: the choice text (a tuple for
        checkboxes), or the text, which Moodle keeps HTML-escaped (``s()``) and is unescaped here; None if empty."""
        if rawval is None or rawval == "":
            return None
        if not self.choices:
            return html.unescape(rawval)
        picked = tuple(self.choices[int(v) - 1] for v in rawval.split("|")
                       if v.isdigit() and 1 <= int(v) <= len(self.choices))
        if str(self.raw.get("presentation", "")).startswith("c>>>>>"):
            return picked
        return picked[0] if picked else None


@dataclass(frozen=True)
class FeedbackAttempt:
    """One named response of a feedback activity (mod_feedback_get_responses_analysis): who, when, and the stored
    value per item id (None when the item was left empty)."""

    id: int
    userid: int
    fullname: str
    timemodified: int
    values: dict[int, str | None]

    @classmethod
    def from_ws(cls, data: dict[str, Any]) -> FeedbackAttempt:
        return cls(int(data["id"]), int(data["userid"]), str(data["fullname"]), int(data["timemodified"]),
                   {int(r["id"]): (None if r["rawval"] is None else str(r["rawval"])) for r in data["responses"]})
