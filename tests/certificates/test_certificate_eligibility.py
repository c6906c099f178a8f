"""Eligibility rules per track: defaults from the catalogue, overrides from YAML, and what a verdict explains."""

from __future__ import annotations

import pytest

from cooperare.certificates.eligibility import Grade, Progress, evaluate, requirements_for
from cooperare.certificates.settings import TrackRule
from cooperare.courses.catalogue import Catalogue
from cooperare.errors import ConfigError

from .conftest import COURSE, TRACK, trainee


def test_the_default_rule_is_the_track_course_and_the_catalogue_pass_mark(catalogue: Catalogue) -> None:
    rule = requirements_for(catalogue, TRACK)
    assert rule.courses == (COURSE,) and rule.course == COURSE
    assert rule.final_quiz == f"{catalogue.prefix}:{COURSE}:final"
    assert rule.final_quiz_percent == catalogue.quiz_settings(COURSE, final=True).pass_percent == 75
    assert requirements_for(catalogue, "adm-alfabetizare").final_quiz_percent == 70


def test_yaml_rules_override_the_defaults(catalogue: Catalogue) -> None:
    rule = requirements_for(catalogue, TRACK, rule=TrackRule(courses=("alfabetizare", COURSE), final_quiz_percent=80,
                                                        min_course_grade_percent=60, grade_items={"x": 50}))
    assert rule.courses == ("alfabetizare", COURSE) and rule.final_quiz_percent == 80
    assert rule.min_course_grade_percent == 60 and dict(rule.grade_items) == {"x": 50}


def test_unknown_tracks_and_courses_are_refused(catalogue: Catalogue) -> None:
    with pytest.raises(ConfigError, match="unknown track 'nu-exista'"):
        requirements_for(catalogue, "nu-exista")
    with pytest.raises(ConfigError, match="names 'nu-exista'"):
        requirements_for(catalogue, TRACK, rule=TrackRule(courses=("nu-exista",)))


def test_completed_course_and_passing_grade_make_a_person_eligible(catalogue: Catalogue) -> None:
    rule = requirements_for(catalogue, TRACK)
    verdict = evaluate(rule, trainee(1), progress=Progress(completed=frozenset({COURSE}),
                                                  grades={rule.final_quiz: Grade(7.5, 10)}))
    assert verdict.eligible and verdict.missing == () and verdict.final_grade == Grade(7.5, 10)


def test_everything_missing_is_listed(catalogue: Catalogue) -> None:
    rule = requirements_for(catalogue, TRACK, rule=TrackRule(min_course_grade_percent=60, grade_items={"coop:m3": 50}))
    verdict = evaluate(rule, trainee(1), progress=Progress())
    assert not verdict.eligible
    assert verdict.missing == (f"course {COURSE} not completed", "final quiz not graded", "no course total grade",
                               "coop:m3 not graded")


def test_grades_below_the_marks_are_explained(catalogue: Catalogue) -> None:
    rule = requirements_for(catalogue, TRACK, rule=TrackRule(min_course_grade_percent=60, grade_items={"coop:m3": 50}))
    progress = Progress(completed=frozenset({COURSE}), course_total=Grade(5.5, 10),
                        grades={rule.final_quiz: Grade(7.4, 10), "coop:m3": Grade(4, 10)})
    assert evaluate(rule, trainee(1), progress=progress).missing == (
        "final quiz 74% below the pass mark 75%", "course total 55% below 60%", "coop:m3 40% below 50%")


def test_a_course_moodle_cannot_report_on_blocks_certification(catalogue: Catalogue) -> None:
    rule = requirements_for(catalogue, TRACK)
    progress = Progress(blocked={COURSE: "the course has no completion criteria in Moodle"},
                        grades={rule.final_quiz: Grade(9, 10)})
    assert evaluate(rule, trainee(1), progress=progress).missing == (
        f"course {COURSE}: the course has no completion criteria in Moodle",)
