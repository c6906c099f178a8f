"""Reading completion and grades from a (sandbox) Moodle through the real client: few calls, explained results."""

from __future__ import annotations

from cooperare.certificates.assess import assess_track
from cooperare.certificates.eligibility import requirements_for
from cooperare.certificates.progress import NO_CRITERIA, NOT_IN_MOODLE, enrolled_trainees, read_progress
from cooperare.certificates.settings import CertificatesConfig
from cooperare.courses.catalogue import Catalogue
from cooperare.sandbox import simulate
from cooperare.sandbox.courses import completion
from cooperare.store import Store
from cooperare.store.certificates import CertificateRegistry
from cooperare.store.people import People

from .conftest import COURSE, TRACK, MoodleTrack


def test_students_are_read_from_moodle_with_their_roster_keys(catalogue: Catalogue, moodle_track: MoodleTrack) -> None:
    trainees = enrolled_trainees(moodle_track.client, prefix=catalogue.prefix, track=TRACK, course_key=COURSE)
    assert [(t.key, t.fullname) for t in trainees] == [("AG-0", "Ana Ilie"), ("AG-1", "Dănuț Popa"),
                                                       ("AG-2", "Eva Șerban")]
    assert trainees[0].moodle_user_id == moodle_track.users["ana"]


def test_progress_comes_from_one_grade_report_and_one_completion_read_per_course_or_person(
        catalogue: Catalogue, either_track: MoodleTrack) -> None:
    site, users = either_track.box.site, either_track.users
    simulate.record_quiz_attempt(site, either_track.quiz_id, users["ana"], 9.0)
    simulate.record_quiz_attempt(site, either_track.quiz_id, users["dan"], 6.0)
    trainees = enrolled_trainees(either_track.client, prefix=catalogue.prefix, track=TRACK, course_key=COURSE)
    requirements = requirements_for(catalogue, TRACK)
    before = either_track.client.transport.stats.calls
    progress = read_progress(either_track.client, prefix=catalogue.prefix, requirements=requirements,
                             trainees=trainees)
    calls = either_track.client.transport.stats.by_function
    completion_reads = 1 if either_track.plugin else len(trainees)
    # site info (once per client), the course by idnumber, the grade report, completion
    assert either_track.client.transport.stats.calls - before == 1 + 1 + 1 + completion_reads
    assert calls["gradereport_user_get_grade_items"] == 1
    assert calls.get("local_cooperare_get_course_completions", 0) == (1 if either_track.plugin else 0)
    assert calls.get("core_completion_get_course_completion_status", 0) == (0 if either_track.plugin else 3)
    ana, dan, eva = (progress[users[name]] for name in ("ana", "dan", "eva"))
    assert ana.completed == {COURSE} and ana.grades[requirements.final_quiz].percent == 90
    assert dan.completed == frozenset() and dan.grades[requirements.final_quiz].percent == 60
    assert eva.completed == frozenset() and requirements.final_quiz not in eva.grades


def test_a_course_without_criteria_is_reported_once(catalogue: Catalogue, either_track: MoodleTrack) -> None:
    completion.clear_criteria(either_track.box.site, either_track.course_id)
    trainees = enrolled_trainees(either_track.client, prefix=catalogue.prefix, track=TRACK, course_key=COURSE)
    progress = read_progress(either_track.client, prefix=catalogue.prefix,
                             requirements=requirements_for(catalogue, TRACK), trainees=trainees)
    assert all(p.blocked == {COURSE: NO_CRITERIA} for p in progress.values())
    calls = either_track.client.transport.stats.by_function
    function = ("local_cooperare_get_course_completions" if either_track.plugin
                else "core_completion_get_course_completion_status")
    assert calls[function] == 1


def test_a_track_whose_course_is_missing_says_so(catalogue: Catalogue, moodle_track: MoodleTrack) -> None:
    trainees = enrolled_trainees(moodle_track.client, prefix=catalogue.prefix, track=TRACK, course_key=COURSE)
    other = requirements_for(catalogue, "adm-alfabetizare")
    progress = read_progress(moodle_track.client, prefix=catalogue.prefix, requirements=other, trainees=trainees)
    assert all(p.blocked == {"alfabetizare": NOT_IN_MOODLE} for p in progress.values())


def test_assessment_skips_holders_and_explains_the_rest(catalogue: Catalogue, moodle_track: MoodleTrack,
                                                        store: Store, config: CertificatesConfig) -> None:
    site, users = moodle_track.box.site, moodle_track.users
    simulate.record_quiz_attempt(site, moodle_track.quiz_id, users["ana"], 8.0)
    simulate.record_quiz_attempt(site, moodle_track.quiz_id, users["dan"], 7.0)
    assessment = assess_track(moodle_track.client, people=People(store.engine),
                              registry=CertificateRegistry(store.engine), catalogue=catalogue, config=config,
                              track=TRACK)
    assert assessment.source == "moodle" and assessment.holders == {}
    verdicts = {v.trainee.key: v for v in assessment.verdicts}
    assert verdicts["AG-0"].eligible
    assert verdicts["AG-1"].missing == (f"course {COURSE} not completed", "final quiz 70% below the pass mark 75%")
    assert verdicts["AG-2"].missing == (f"course {COURSE} not completed", "final quiz not graded")
