"""Tables the course side needs beyond the ones :class:`~cooperare.sandbox.site.Site` creates, and Moodle constants.

Tables are created on first use through :func:`table` (with their secondary indexes), so the base site stays the
framework's and every id sequence still starts at 1 as on the recorded fresh site.
"""

from __future__ import annotations

from cooperare.sandbox.db import Database, Table

# Extra tables of the course side: name -> secondary indexes.
EXTRA_TABLES: dict[str, tuple[tuple[str, ...], ...]] = {
    "course_format_options": (("courseid",),),
    "grade_categories": (("courseid",),),
    "course_completion_criteria": (("course",),),
    "course_completion_aggr_methd": (("course",),),
    "course_completion_crit_compl": (("course", "userid"), ("criteriaid", "userid")),
    "course_completions": (("course", "userid"),),
    "course_modules_completion": (("coursemoduleid", "userid"), ("userid",)),
    "course_modules_viewed": (("coursemoduleid", "userid"),),
    "quiz": (("course",),),
    "quiz_attempts": (("quiz", "userid"),),
    "quiz_grades": (("quiz", "userid"),),
    "quiz_slots": (("quizid",),),
    "question_usages": (),
    "page": (("course",),),
    "url": (("course",),),
    "label": (("course",),),
    "resource": (("course",),),
    "feedback": (("course",),),
    "feedback_item": (("feedback",),),
    "feedback_completed": (("feedback",), ("feedback", "userid", "anonymous_response")),
    "feedback_value": (("completed",), ("item",)),
    "feedback_completedtmp": (("feedback", "userid"),),
    "feedback_valuetmp": (("completed",), ("item",)),
    "assign": (("course",),),
    "event": (("courseid",),),
    "bigbluebuttonbn": (("course",),),
    "book": (("course",),),
    "book_chapters": (("bookid",),),
    "bigbluebuttonbn_logs": (("bigbluebuttonbnid",), ("courseid",)),
    "user_lastaccess": (("userid", "courseid"), ("courseid",)),
}

# Indexes wanted on tables the site already creates; added on first use (see :func:`table`).
EXTRA_INDEXES: dict[str, tuple[tuple[str, ...], ...]] = {
    "course_modules": (("idnumber",), ("section",)),
    "role_assignments": (("contextid",),),
    "grade_items": (("courseid", "itemtype", "itemmodule", "iteminstance", "itemnumber"),),
    "grade_grades": (("userid",), ("itemid",)),
    "groups": (("courseid", "name"), ("courseid", "idnumber")),
    "enrol": (("courseid", "enrol"),),
    "forum_posts": (("parent",),),
    "course_sections": (("course", "section"),),
}

# enrol.status / user_enrolments.status
ENROL_INSTANCE_ENABLED = 0
ENROL_INSTANCE_DISABLED = 1
ENROL_USER_ACTIVE = 0
ENROL_USER_SUSPENDED = 1

# course_modules.completion and completion states
COMPLETION_TRACKING_NONE = 0
COMPLETION_TRACKING_MANUAL = 1
COMPLETION_TRACKING_AUTOMATIC = 2
COMPLETION_INCOMPLETE = 0
COMPLETION_COMPLETE = 1
COMPLETION_COMPLETE_PASS = 2
COMPLETION_COMPLETE_FAIL = 3

# course_completion_criteria.criteriatype
CRITERIA_TYPE_SELF = 1
CRITERIA_TYPE_DATE = 2
CRITERIA_TYPE_UNENROL = 3
CRITERIA_TYPE_ACTIVITY = 4
CRITERIA_TYPE_DURATION = 5
CRITERIA_TYPE_GRADE = 6
CRITERIA_TYPE_ROLE = 7
CRITERIA_TYPE_COURSE = 8
COMPLETION_AGGREGATION_ALL = 1
COMPLETION_AGGREGATION_ANY = 2

FORMAT_MOODLE = 0
FORMAT_HTML = 1

MAX_COURSES_IN_CATEGORY = 10000
MAX_COURSE_CATEGORIES = 10000

STUDENT_ROLE_ID = 5
GRADEBOOK_ROLES = frozenset({STUDENT_ROLE_ID})  # $CFG->gradebookroles
COURSE_CONTACT_ROLES = (3,)  # $CFG->coursecontact: editingteacher


def table(db: Database, name: str) -> Table:
    """The table ``name``, created (or given its extra indexes) on first use."""
    existing = db.tables.get(name)
    if existing is None:
        return db.table(name, indexes=EXTRA_TABLES.get(name, ()))
    extra = EXTRA_INDEXES.get(name)
    if extra and not getattr(existing, "_course_indexes", False):
        _add_indexes(existing, extra)
    return existing


def _add_indexes(target: Table, indexes: tuple[tuple[str, ...], ...]) -> None:
    """Add secondary indexes to a table the site created without them (filled from the rows already there)."""
    for columns in indexes:
        if columns in target._indexes:
            continue
        index: dict[tuple[object, ...], set[int]] = {}
        for row in target.rows.values():
            index.setdefault(tuple(row.get(c) for c in columns), set()).add(row["id"])
        target._indexes[columns] = index
    target._course_indexes = True  # type: ignore[attr-defined]
