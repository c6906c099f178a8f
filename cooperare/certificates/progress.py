"""Reading what certification needs from Moodle, in few calls: courses, grades and completion for everyone.

For a track, :func:`read_progress` makes one ``core_course_get_courses_by_field`` call per required course (by the
pack's idnumber), one ``gradereport_user_get_grade_items`` call per course for all its users at once (final quiz,
course total and any named grade item), and for completion one ``local_cooperare_get_course_completions`` per
course and 1,000 people when the site offers it (plugin 0.3.0+), else one
``core_completion_get_course_completion_status`` per person and course — core Moodle has no bulk form of that
one. People already certified are left out by the caller, so a re-run costs almost nothing; a course without
completion criteria is noticed at once and not asked again.
:func:`enrolled_trainees` reads a track's students when there is no roster snapshot. This module must not decide
eligibility (that is :mod:`cooperare.certificates.eligibility`) or write anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cooperare.certificates.eligibility import Grade, Progress, Requirements
from cooperare.certificates.trainees import Trainee, from_enrolled
from cooperare.courses.identity import course_idnumber
from cooperare.moodle.client import COMPLETIONS_FUNCTION, MoodleClient
from cooperare.moodle.records import UserGrades

NOT_IN_MOODLE = "the course is not in Moodle (run `cooperare courses apply` first)"
NO_CRITERIA = "the course has no completion criteria in Moodle"


@dataclass(frozen=True)
class TrackCourses:
    """The Moodle ids of a track's courses (a course missing from Moodle is absent)."""

    ids: dict[str, int]


def find_courses(client: MoodleClient, *, prefix: str, course_keys: Sequence[str]) -> TrackCourses:
    ids: dict[str, int] = {}
    for key in course_keys:
        found = client.courses.by_field("idnumber", course_idnumber(prefix, key))
        if found:
            ids[key] = found[0].id
    return TrackCourses(ids)


def enrolled_trainees(client: MoodleClient, *, prefix: str, track: str, course_key: str) -> list[Trainee]:
    """The students of the track's course, read from Moodle (one call)."""
    courses = find_courses(client, prefix=prefix, course_keys=[course_key])
    if course_key not in courses.ids:
        return []
    users = client.enrol.enrolled_users(courses.ids[course_key])
    return from_enrolled(users, track=track, idnumber_prefix=prefix)


def read_progress(client: MoodleClient, *, prefix: str, requirements: Requirements,
                  trainees: Sequence[Trainee]) -> dict[int, Progress]:
    """Progress of each trainee (by Moodle user id) on the courses ``requirements`` names."""
    keys = list(dict.fromkeys((requirements.course, *requirements.courses)))
    courses = find_courses(client, prefix=prefix, course_keys=keys)
    wanted = {t.moodle_user_id for t in trainees}
    grades: dict[int, dict[str, Grade]] = {uid: {} for uid in wanted}
    totals: dict[int, Grade] = {}
    for key, course_id in courses.ids.items():
        for user_grades in client.grades.user_grades(course_id):
            if user_grades.userid in wanted:
                _collect(user_grades, into=grades[user_grades.userid], totals=totals, main=key == requirements.course)
    completed: dict[int, set[str]] = {uid: set() for uid in wanted}
    blocked: dict[str, str] = {key: NOT_IN_MOODLE for key in requirements.courses if key not in courses.ids}
    bulk = COMPLETIONS_FUNCTION in client.site.functions
    for key in requirements.courses:
        if key not in courses.ids:
            continue
        if bulk:
            found = client.completion.course_completions(courses.ids[key])
            if not found.has_criteria:
                blocked[key] = NO_CRITERIA
                continue
            for uid in wanted & found.completed.keys():
                completed[uid].add(key)
            continue
        for uid in sorted(wanted):
            status = client.completion.course_status(courses.ids[key], uid)
            if not status.has_criteria:
                blocked[key] = NO_CRITERIA
                break
            if status.completed:
                completed[uid].add(key)
    return {
        uid: Progress(completed=frozenset(completed[uid]), blocked=dict(blocked), grades=grades[uid],
                      course_total=totals.get(uid))
        for uid in wanted
    }


def _collect(user_grades: UserGrades, *, into: dict[str, Grade], totals: dict[int, Grade], main: bool) -> None:
    for item in user_grades.items:
        if item.graderaw is None:
            continue
        grade = Grade(item.graderaw, item.grademax)
        if item.itemtype == "course":
            if main:
                totals[user_grades.userid] = grade
        elif item.idnumber:
            into[item.idnumber] = grade
