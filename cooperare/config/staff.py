"""The ``staff:`` section of ``cooperare.yaml``: who teaches which catalogue course, in which role and groups.

Trainers (``trainer``), tutors (``tutor``) and coordinators (``coordinator``) are named per catalogue course; each
kind maps to a Moodle role by shortname (by default ``editingteacher`` for trainers, ``teacher`` for tutors and
coordinators — found on the site by :mod:`cooperare.moodle.roles`, never by id). A coordinator follows the course
without teaching it: progress, groups, quiz and completion reports; without ``groups`` they join every commune group,
so a course with separate groups hides none of its trainees from them. ``groups`` says which of the course's
commune groups the person joins: ``all``, a county code (``CJ``: every commune group of that county) or a group's
name. This module only declares settings: it must not read files or Moodle, nor import the sync domain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

StaffKind = Literal["trainer", "tutor", "coordinator"]
_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*\Z")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+\Z")


@dataclass(frozen=True)
class StaffAssignment:
    """One course a person teaches."""

    course: str
    """Catalogue course key, such as ``expert-adm``."""
    kind: StaffKind = "trainer"
    groups: list[str] = field(default_factory=list)
    """``all``, county codes or group names; empty: no group (an editing trainer sees every group anyway), except for
    a coordinator, for whom empty means ``all``."""

    def __post_init__(self) -> None:
        if self.kind not in ("trainer", "tutor", "coordinator"):
            raise ValueError(f"course {self.course!r}: kind {self.kind!r} is not one of trainer, tutor, coordinator")
        if self.kind == "coordinator" and not self.groups:
            object.__setattr__(self, "groups", ["all"])


@dataclass(frozen=True)
class StaffMember:
    """A trainer, tutor or coordinator: found in Moodle by the pack's idnumber, else by e-mail; created when absent."""

    key: str
    """Stable code of the person (idnumber ``<prefix>:staff:<key>``)."""
    firstname: str
    lastname: str
    email: str
    courses: list[StaffAssignment] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not _KEY.match(self.key):
            raise ValueError(f"key {self.key!r}: use letters, digits, dots, dashes and underscores")
        if not _EMAIL.match(self.email):
            raise ValueError(f"email {self.email!r} is not an e-mail address")
        seen: set[str] = set()
        for assignment in self.courses:
            if assignment.course in seen:
                raise ValueError(f"{self.key}: course {assignment.course!r} is listed twice (one role per course)")
            seen.add(assignment.course)

    @property
    def fullname(self) -> str:
        return f"{self.firstname} {self.lastname}"


@dataclass(frozen=True)
class StaffConfig:
    """Trainers, tutors and coordinators of the catalogue's courses."""

    trainer_role: str = "editingteacher"
    """Role shortname given to trainers."""
    tutor_role: str = "teacher"
    """Role shortname given to tutors."""
    coordinator_role: str = "teacher"
    """Role shortname given to coordinators: Moodle's non-editing teacher by default (sees participants, groups,
    reports and grades, cannot change the course); a site may make a read-only role of its own and name it here."""
    people: list[StaffMember] = field(default_factory=list)

    def __post_init__(self) -> None:
        keys = [p.key for p in self.people]
        twice = sorted({k for k in keys if keys.count(k) > 1})
        if twice:
            raise ValueError(f"people: the key {twice[0]!r} is given to two people")

    def role_of(self, kind: StaffKind) -> str:
        return {"trainer": self.trainer_role, "tutor": self.tutor_role, "coordinator": self.coordinator_role}[kind]

    @property
    def teaching_roles(self) -> frozenset[str]:
        """Roles that make someone staff of a course, never a trainee of it."""
        return frozenset({self.trainer_role, self.tutor_role, self.coordinator_role})
