"""The ``reports:`` section of ``cooperare.yaml``: where the certification report is published in Moodle, and for whom.

``cooperare report publish`` puts the report and its dashboard into a course of the coordinators, reached only
through a cohort-sync enrolment of a ``coordonatori`` cohort whose members are listed here (Moodle usernames or
e-mail addresses). Every field has a default, so the section is optional (without coordinators the course is made
but nobody reaches it; the plan says so). This module only declares settings: it must not read Moodle or files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_KEY = re.compile(r"[a-z0-9][a-z0-9-]*\Z")


NO_HIDDEN_COURSES = frozenset({"student", "guest", "user", "frontpage"})
"""Moodle's standard roles without ``moodle/course:viewhiddencourses`` (core ``lib/db/access.php``)."""


@dataclass(frozen=True)
class ReportsConfig:
    """The coordinators' place in Moodle."""

    coordinators: list[str] = field(default_factory=list)
    """Moodle usernames or e-mail addresses of the coordinators (they must already have Moodle accounts)."""
    course_name: str = "Coordonare — Cooperare digitală"
    course_shortname: str = "COOP-COORDONARE"
    course_key: str = "coordonare"
    """The course's idnumber is ``<catalogue prefix>:course:<course_key>``."""
    cohort_name: str = "Coordonatori"
    cohort_key: str = "coordonatori"
    """The cohort's idnumber is ``<catalogue prefix>:echipa:<cohort_key>`` (outside the roster's
    ``<prefix>:cohort:`` namespace, so a roster sync never treats it as its own)."""
    role: str = "teacher"
    """Role the cohort gets in the course: ``teacher`` (non-editing teacher) can enter the hidden course."""
    visible: bool = False
    """A hidden course is listed to no one; its cohort's non-editing teachers still enter it."""

    def __post_init__(self) -> None:
        for name in ("course_key", "cohort_key"):
            if not _KEY.match(getattr(self, name)):
                raise ValueError(f"{name}: use lower-case letters, digits and dashes")
        if len(set(self.coordinators)) != len(self.coordinators):
            raise ValueError("coordinators: a coordinator is listed twice")
        if not self.visible and self.role in NO_HIDDEN_COURSES:
            raise ValueError(f"role: {self.role!r} cannot enter a hidden course (Moodle gives "
                             "moodle/course:viewhiddencourses to the teacher, editingteacher, manager and "
                             "coursecreator archetypes only), so the coordinators could not open their dashboard; "
                             "use teacher, or visible: true")
