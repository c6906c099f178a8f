"""Stable identities of everything the pack creates in Moodle: ``<prefix>:…`` idnumbers and readable addresses.

Every category, course, activity and question the pack provisions carries an idnumber that starts with the
catalogue's prefix, so the pack finds its own objects again and never touches anything else. Within a course,
activities are referred to by short refs: ``forum``, ``final``, ``feedback``, ``<module>:lesson``, ``<module>:quiz``.
"""

from __future__ import annotations

from cooperare.courses.catalogue import Course, Programme

MAX_IDNUMBER = 100  # course_modules.idnumber, course.idnumber, question_bank_entries.idnumber


def category_idnumber(prefix: str, key: str) -> str:
    return f"{prefix}:cat:{key}"


def course_idnumber(prefix: str, key: str) -> str:
    return f"{prefix}:course:{key}"


def activity_idnumber(prefix: str, course_key: str, ref: str) -> str:
    return f"{prefix}:{course_key}:{ref}"


def question_idnumber(prefix: str, course_key: str, quiz_ref: str, question_key: str) -> str:
    return f"{prefix}:{course_key}:{quiz_ref}:{question_key}"


def is_managed(idnumber: str | None, prefix: str) -> bool:
    """True for objects the pack created (their idnumber carries the prefix)."""
    return bool(idnumber) and str(idnumber).startswith(f"{prefix}:")


def activity_refs(programme: Programme, course: Course) -> list[str]:
    """The refs of the activities a course gets, in course order."""
    refs: list[str] = ["news"]
    if course.forum is not None:
        refs.append("forum")
    for key in course.modules:
        module = programme.module(key)
        if module.lesson is not None:
            refs.append(f"{key}:lesson")
        refs.extend(f"{key}:{resource.key}" for resource in module.resources)
        if module.quiz is not None:
            refs.append(f"{key}:quiz")
    if course.final_quiz is not None:
        refs.extend(["final-path", "final"])
    if course.feedback is not None:
        refs.append("feedback")
    return refs
