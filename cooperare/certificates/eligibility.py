"""Who may be certified: the rules of a track (from the catalogue and ``certificates.rules``) applied to progress.

:func:`requirements_for` resolves a track's rule — required course completions, the final quiz's pass mark, and the
optional extra conditions (course total, named grade items) — and :func:`evaluate` applies it to one trainee's
:class:`Progress`, returning a :class:`Verdict` that lists, in plain words, everything still missing. Both are pure:
this module must not call Moodle (see :mod:`cooperare.certificates.progress`) or touch the store.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from cooperare.certificates.settings import TrackRule
from cooperare.certificates.trainees import Trainee
from cooperare.courses.catalogue import Catalogue
from cooperare.errors import ConfigError


@dataclass(frozen=True)
class Grade:
    """A grade as Moodle's grade report gives it: raw points out of a maximum."""

    raw: float
    maximum: float

    @property
    def percent(self) -> float:
        return 100.0 * self.raw / self.maximum if self.maximum else 0.0


@dataclass(frozen=True)
class Requirements:
    """A track's resolved rule."""

    track: str
    course: str
    """The track's own course (its final quiz and course total count)."""
    courses: tuple[str, ...]
    """Courses whose completion is required."""
    final_quiz: str
    """The idnumber of the final quiz's grade item (``<prefix>:<course>:final``)."""
    final_quiz_percent: float
    min_course_grade_percent: float | None = None
    grade_items: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Progress:
    """What Moodle says about one trainee, for the courses of a track."""

    completed: frozenset[str] = frozenset()
    """Catalogue keys of the courses whose completion Moodle reports."""
    blocked: Mapping[str, str] = field(default_factory=dict)
    """Course key → why completion cannot be known (course missing in Moodle, no completion criteria set)."""
    grades: Mapping[str, Grade] = field(default_factory=dict)
    """Grade item idnumber → grade (only items the trainee has a grade for)."""
    course_total: Grade | None = None


@dataclass(frozen=True)
class Verdict:
    trainee: Trainee
    eligible: bool
    missing: tuple[str, ...]
    final_grade: Grade | None


def requirements_for(catalogue: Catalogue, track_key: str, *, rule: TrackRule | None = None) -> Requirements:
    """The rule of ``track_key``: the catalogue's defaults, overridden by ``certificates.rules.<track>``."""
    try:
        track = catalogue.track(track_key)
    except KeyError:
        known = ", ".join(t.key for t in catalogue.tracks)
        raise ConfigError(f"unknown track {track_key!r}", hint=f"tracks: {known}") from None
    rule = rule or TrackRule()
    courses = rule.courses or (track.course,)
    for course in courses:
        try:
            catalogue.course(course)
        except KeyError:
            raise ConfigError(f"certificates.rules.{track_key}.courses names {course!r}, which is not in the "
                              "catalogue") from None
    pass_percent = rule.final_quiz_percent
    if pass_percent is None:
        pass_percent = catalogue.quiz_settings(track.course, final=True).pass_percent
    return Requirements(
        track=track_key,
        course=track.course,
        courses=tuple(courses),
        final_quiz=f"{catalogue.prefix}:{track.course}:final",
        final_quiz_percent=pass_percent,
        min_course_grade_percent=rule.min_course_grade_percent,
        grade_items=dict(rule.grade_items),
    )


def evaluate(requirements: Requirements, trainee: Trainee, *, progress: Progress) -> Verdict:
    """Apply ``requirements`` to one trainee; ``missing`` says what is still to do, one item per condition."""
    missing: list[str] = []
    for course in requirements.courses:
        if course in progress.blocked:
            missing.append(f"course {course}: {progress.blocked[course]}")
        elif course not in progress.completed:
            missing.append(f"course {course} not completed")
    final = progress.grades.get(requirements.final_quiz)
    if final is None:
        missing.append("final quiz not graded")
    elif final.percent + 1e-9 < requirements.final_quiz_percent:
        missing.append(f"final quiz {_percent(final.percent)} below the pass mark "
                       f"{_percent(requirements.final_quiz_percent)}")
    if requirements.min_course_grade_percent is not None:
        total = progress.course_total
        if total is None:
            missing.append("no course total grade")
        elif total.percent + 1e-9 < requirements.min_course_grade_percent:
            missing.append(f"course total {_percent(total.percent)} below "
                           f"{_percent(requirements.min_course_grade_percent)}")
    for idnumber, minimum in sorted(requirements.grade_items.items()):
        grade = progress.grades.get(idnumber)
        if grade is None:
            missing.append(f"{idnumber} not graded")
        elif grade.percent + 1e-9 < minimum:
            missing.append(f"{idnumber} {_percent(grade.percent)} below {_percent(minimum)}")
    return Verdict(trainee, not missing, tuple(missing), final)


def _percent(value: float) -> str:
    return f"{value:.1f}%".replace(".0%", "%")
