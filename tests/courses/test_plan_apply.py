"""Courses as code against the sandbox Moodle: plan, apply, idempotence, drift, stale plans, prune, interruptions."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from cooperare.courses.catalogue import load_catalogue
from cooperare.courses.planner import DRIFT
from cooperare.courses.service import apply_courses, plan_courses
from cooperare.errors import ConfigError, MoodleError, StalePlanError
from cooperare.moodle.client import MoodleClient
from cooperare.plan import Plan
from cooperare.sandbox import Sandbox
from cooperare.store import Store
from tests.courses.conftest import edit

WRITE_PREFIXES = ("core_course_create", "core_course_update", "local_cooperare_save", "local_cooperare_set",
                  "local_cooperare_delete")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with Store.open(tmp_path / "store.sqlite") as opened:
        yield opened


def client_for(box: Sandbox) -> MoodleClient:
    return MoodleClient(box.transport())


def provision(box: Sandbox, store: Store, catalogue_dir: Path | None = None, **options: Any) -> MoodleClient:
    client = client_for(box)
    planned = plan_courses(client, load_catalogue(catalogue_dir), **options)
    apply_courses(client, store, planned)
    return client


def writes(client: MoodleClient) -> int:
    return sum(n for name, n in client.transport.stats.by_function.items() if name.startswith(WRITE_PREFIXES))


def snapshot(box: Sandbox) -> dict[str, Any]:
    """What a trainer would compare: structure of every pack course, by idnumber (ids left out)."""
    client = client_for(box)
    catalogue = load_catalogue()
    wanted = [f"{catalogue.prefix}:course:{course.key}" for _, course in catalogue.courses()]
    described = client.call("local_cooperare_describe_courses", {"idnumbers": wanted})["courses"]
    result: dict[str, Any] = {}
    for course in described:
        result[course["idnumber"]] = {
            "shortname": course["shortname"],
            "sections": sorted((s["number"], s["name"], s["summary"]) for s in course["sections"]),
            "activities": sorted((a["idnumber"], a["modname"], a["section"], a["name"],
                                  tuple(sorted((o["name"], o["value"]) for o in a["options"])))
                                 for a in course["activities"]),
            "questions": sorted((q["quiz"], q["idnumber"], q["slot"], q["qtype"], q["spechash"])
                                for q in course["questions"]),
            "completion": sorted(course["completion"]["activities"]),
        }
    modules = {}
    for row in box.site.db["course_modules"]:
        modules[row["course"]] = modules.get(row["course"], 0) + 1
    result["module_counts"] = sorted(modules.values())
    result["course_count"] = len(box.site.db["course"])
    return result


def test_catalogue_from_empty_then_a_no_op_rerun(store: Store) -> None:
    box = Sandbox()
    first = client_for(box)
    planned = plan_courses(first, load_catalogue())
    assert planned.plan.counts()["noop"] == 0
    assert {c.action for c in planned.plan.changes} == {"create"}
    apply_courses(first, store, planned)
    courses = sum(1 for _ in load_catalogue().courses())
    assert first.transport.stats.calls <= 6 * courses

    second = client_for(box)
    replanned = plan_courses(second, load_catalogue())
    assert not replanned.plan.has_changes, [c.address for c in replanned.plan.pending()][:5]
    apply_courses(second, store, replanned)
    assert writes(second) == 0
    assert second.transport.stats.calls <= 5


def test_apply_creates_what_a_trainee_needs(store: Store) -> None:
    box = Sandbox()
    client = provision(box, store)
    _, catalogue_course = load_catalogue().course("alfabetizare")
    course = client.courses.by_field("shortname", "COOP-AD")[0]
    assert course.idnumber == "coop:course:alfabetizare" and course.enablecompletion
    sections = client.courses.contents(course.id)
    assert sections[0].name == "Informații generale"
    first_module = load_catalogue().programmes[0].module(catalogue_course.modules[0])
    assert sections[1].name == first_module.title
    modnames = [m.modname for s in sections for m in s.modules]
    assert modnames.count("quiz") == 6 and modnames.count("page") == 5
    # The course forum and Moodle's own news forum, taken over and named in Romanian (not a second one).
    assert "feedback" in modnames and modnames.count("forum") == 2
    forums = {m.name: m for s in sections for m in s.modules if m.modname == "forum"}
    assert set(forums) == {"Anunțuri", catalogue_course.forum.title} and "Announcements" not in forums
    quizzes = {q.name: q for q in client.quizzes.of_courses([course.id])}
    final = quizzes[catalogue_course.final_quiz.title]
    assert final.grade == 10.0
    described = client.call("local_cooperare_describe_courses", {"idnumbers": [course.idnumber]})["courses"][0]
    final_questions = [q for q in described["questions"] if q["quiz"] == "coop:alfabetizare:final"]
    assert len(final_questions) == len(catalogue_course.final_quiz.questions)
    assert "coop:alfabetizare:final" in described["completion"]["activities"]
    # The final quiz opens after every module test, the survey after the final quiz (restricted access).
    options = {a["idnumber"]: {o["name"]: o["value"] for o in a["options"]} for a in described["activities"]}
    module_tests = [f"coop:alfabetizare:{key}:quiz" for key in catalogue_course.modules]
    assert json.loads(options["coop:alfabetizare:final"]["availability"]) == module_tests
    assert json.loads(options["coop:alfabetizare:feedback"]["availability"]) == ["coop:alfabetizare:final"]
    assert options["coop:alfabetizare:m1-informatii:quiz"]["availability"] == "[]"


def test_hand_edit_in_moodle_shows_up_as_drift(store: Store) -> None:
    box = Sandbox()
    provision(box, store)
    page = next(row for row in box.site.db["course_modules"]
                if row.get("idnumber") == "coop:alfabetizare:m1-informatii:lesson")
    instance = box.site.db["page"].get(page["instance"])
    box.site.db["page"].update(instance["id"], content="<p>Editat de mână.</p>")
    planned = plan_courses(client_for(box), load_catalogue())
    pending = list(planned.plan.pending())
    assert [c.address for c in pending] == [
        "course[coop:course:alfabetizare].activity[coop:alfabetizare:m1-informatii:lesson]"]
    assert pending[0].note == DRIFT


def test_a_restriction_removed_in_moodle_shows_up_as_drift_and_is_put_back(store: Store) -> None:
    box = Sandbox()
    provision(box, store)
    final = next(row for row in box.site.db["course_modules"] if row.get("idnumber") == "coop:guvernanta:final")
    # Every module test completes on a pass, so the final quiz waits for each as complete *and passed* (e = 2).
    tree = json.loads(final["availability"])
    assert tree["op"] == "&" and {c["e"] for c in tree["c"]} == {2}
    box.site.db["course_modules"].update(final["id"], availability=None)
    planned = plan_courses(client_for(box), load_catalogue())
    pending = list(planned.plan.pending())
    assert [c.address for c in pending] == ["course[coop:course:guvernanta].activity[coop:guvernanta:final]"]
    assert pending[0].note == DRIFT and pending[0].before["options.availability"] == "[]"
    apply_courses(client_for(box), store, planned)
    assert json.loads(box.site.db["course_modules"].rows[final["id"]]["availability"]) == tree
    assert not plan_courses(client_for(box), load_catalogue()).plan.has_changes


def test_a_catalogue_change_is_planned_and_applied_once(store: Store, catalogue_dir: Path) -> None:
    box = Sandbox()
    provision(box, store, catalogue_dir)
    path = catalogue_dir / "settings.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  guvernanta:\n    hours: 24",
                                                             "  guvernanta:\n    hours: 24\n    final_quiz:\n"
                                                             "      pass_percent: 80"), encoding="utf-8")
    planned = plan_courses(client_for(box), load_catalogue(catalogue_dir))
    changed = [c for c in planned.plan.pending()]
    # The pass mark changes in the quiz and in the label above it that tells trainees how to pass.
    assert [c.address for c in changed] == ["course[coop:course:guvernanta].activity[coop:guvernanta:final-path]",
                                            "course[coop:course:guvernanta].activity[coop:guvernanta:final]"]
    assert "8 puncte din 10" in changed[0].after["intro"]
    assert "options.gradepass" in changed[1].changed_fields()
    apply_courses(client_for(box), store, planned)
    assert not plan_courses(client_for(box), load_catalogue(catalogue_dir)).plan.has_changes


def test_a_saved_plan_is_refused_when_moodle_changed(store: Store) -> None:
    box = Sandbox()
    client = client_for(box)
    saved = Plan.from_json(plan_courses(client, load_catalogue()).plan.as_json())
    client.categories.create([{"name": "Altă categorie", "parent": 0, "idnumber": "other"}])
    client.courses.create([{"fullname": "Curs străin", "shortname": "STRAIN", "categoryid": 1,
                            "idnumber": "coop:course:guvernanta"}])
    fresh = plan_courses(client_for(box), load_catalogue())
    with pytest.raises(StalePlanError):
        apply_courses(client_for(box), store, fresh, plan=saved)


def test_prune_deletes_only_pack_activities_that_left_the_catalogue(store: Store, catalogue_dir: Path) -> None:
    box = Sandbox()
    provision(box, store, catalogue_dir)
    edit(catalogue_dir / "programmes/alfabetizare-digitala.yaml", "m4-siguranta, m5-probleme]", "m4-siguranta]")
    without = plan_courses(client_for(box), load_catalogue(catalogue_dir))
    assert not [c for c in without.plan.pending() if c.action == "delete"]
    pruned = plan_courses(client_for(box), load_catalogue(catalogue_dir), prune=True)
    deleted = sorted(c.address.rsplit("[", 1)[1][:-1] for c in pruned.plan.pending() if c.action == "delete")
    assert deleted == ["coop:alfabetizare:m5-probleme:lesson", "coop:alfabetizare:m5-probleme:quiz"]
    apply_courses(client_for(box), store, pruned)
    idnumbers = {row.get("idnumber") for row in box.site.db["course_modules"]}
    assert "coop:alfabetizare:m5-probleme:quiz" not in idnumbers
    assert "coop:alfabetizare:m4-siguranta:quiz" in idnumbers


def test_malformed_catalogue_stops_before_any_call(catalogue_dir: Path) -> None:
    edit(catalogue_dir / "catalogue.yaml", "prefix: coop", "prefix: coop\nprefx: x")
    box = Sandbox()
    client = client_for(box)
    with pytest.raises(ConfigError) as raised:
        plan_courses(client, load_catalogue(catalogue_dir))
    assert "catalogue.yaml:" in str(raised.value)
    assert client.transport.stats.calls == 0


def test_without_the_plugin_courses_are_created_and_questions_written_for_import(store: Store,
                                                                                  tmp_path: Path) -> None:
    box = Sandbox(plugin=False)
    client = client_for(box)
    planned = plan_courses(client, load_catalogue())
    assert planned.plan.notes and "local_cooperare" in planned.plan.notes[0]
    result = apply_courses(client, store, planned, manual_dir=tmp_path / "manual")
    assert result.applied["course create"] == 4
    checklist = (tmp_path / "manual" / "LISTA-DE-VERIFICARE.md").read_text(encoding="utf-8")
    assert "COOP-AD" in checklist and "Moodle XML" in checklist
    xml = (tmp_path / "manual" / "COOP-AD" / "intrebari-final.xml").read_text(encoding="utf-8")
    assert xml.count('<question type="multichoice">') >= 8 and "coop:alfabetizare:final:q01" in xml


@pytest.mark.parametrize("kind", ["fail_before_commit", "lost_ack"])
def test_interrupted_applies_resume_to_the_same_state_as_a_clean_run(kind: str, tmp_path: Path) -> None:
    with Store.open(tmp_path / "clean.sqlite") as clean_store:
        clean = Sandbox()
        provision(clean, clean_store)
        expected = snapshot(clean)
    rng = random.Random(20261126 + len(kind))
    with Store.open(tmp_path / "store.sqlite") as store:
        for _interruption in range(12):
            box = Sandbox()
            box.faults.add(kind, skip=rng.randrange(12))
            for _attempt in range(4):
                try:
                    provision(box, store)
                    break
                except MoodleError:
                    continue
            else:
                pytest.fail("apply never completed after an interruption")
            assert box.faults.fired, "the fault never fired"
            assert snapshot(box) == expected
            assert not store.journal.unfinished("courses")


def test_courses_are_romanian_when_the_site_has_the_romanian_pack(store: Store) -> None:
    box = Sandbox()
    box.site.settings.config["languages"] = [["en", "English"], ["ro", "Română"]]
    client = provision(box, store, only={"guvernanta"})
    course = client.courses.by_field("shortname", "COOP-DGP")[0]
    assert course.lang == "ro"
    again = plan_courses(client_for(box), load_catalogue(), only={"guvernanta"})
    assert not again.plan.has_changes
    # Without the pack nothing forces a language (Moodle refuses one it lacks), and nothing is planned about it.
    bare = Sandbox()
    provision(bare, store, only={"guvernanta"})
    assert client_for(bare).courses.by_field("shortname", "COOP-DGP")[0].lang == ""


def test_the_final_quiz_keeps_its_answers_until_it_closes_while_module_tests_teach(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    # Walk of 2026-12-03: the review of a failed first attempt at the final quiz listed every right answer, so the
    # second attempt could be copied from it.
    from cooperare.courses import service
    from cooperare.sandbox.courses.schema import table

    box = Sandbox()
    client = provision(box, store, only={"alfabetizare"})
    assert service.closed_review(client)  # the plugin the sandbox twins is recent enough
    db = box.site.db
    quiz_module = db["modules"].first(name="quiz")["id"]
    review = {cm["idnumber"]: db["quiz"].get(cm["instance"])
              for cm in table(db, "course_modules").where(module=quiz_module)}
    final = review.pop("coop:alfabetizare:final")
    after_close, everywhen = 0x00010, 0x11110
    assert (final["reviewspecificfeedback"], final["reviewgeneralfeedback"], final["reviewrightanswer"]) == (
        after_close, after_close, after_close)
    assert final["reviewmarks"] != 0  # the grade stays visible
    assert review and all(q["reviewspecificfeedback"] == everywhen for q in review.values())
    assert not plan_courses(client_for(box), load_catalogue(), only={"alfabetizare"}).plan.has_changes
    # A site whose plugin predates the option is asked for what it knows: feedback shown, nothing refused.
    monkeypatch.setattr(service, "REVIEW_CLOSED_SINCE", 10**10)
    older = plan_courses(client_for(box), load_catalogue(), only={"alfabetizare"})
    changed = [c for c in older.plan.pending() if c.action == "update"]
    assert [c.address for c in changed] == ["course[coop:course:alfabetizare].activity[coop:alfabetizare:final]"]
    assert (changed[0].before["options.reviewfeedback"], changed[0].after["options.reviewfeedback"]) == ("closed", "1")


def test_the_course_total_is_the_final_evaluations_result(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    # Walk of 2026-12-04 on real 4.5.6 (finding 8 of 2026-12-03): a trainee with every module test at 10/10 who failed
    # the final twice (3.75/10) read "Total curs 53,75 (0–60) 89,58 %". The catalogue weighs the module tests 0 %
    # and the final 100 % in the course total (settings.yaml, course_weight_percent).
    from cooperare.courses import service
    from cooperare.sandbox.courses import grades
    from cooperare.sandbox.courses.schema import table

    box = Sandbox()
    client = provision(box, store, only={"alfabetizare"})
    assert service.grade_weights(client)
    db = box.site.db
    course = client.courses.by_field("shortname", "COOP-AD")[0]
    quiz_module = db["modules"].first(name="quiz")["id"]
    quizzes = {cm["idnumber"]: grades.item_for(box.site, course.id, "quiz", cm["instance"])
               for cm in table(db, "course_modules").where(module=quiz_module)}
    final = quizzes.pop("coop:alfabetizare:final")
    assert (final["weightoverride"], final["aggregationcoef2"]) == (1, 1.0)
    assert len(quizzes) == 5 and all((q["weightoverride"], q["aggregationcoef2"]) == (1, 0.0) for q in quizzes.values())
    trainee = int(client.users.create([{"username": "cursant", "firstname": "Costel", "lastname": "Toma",
                                        "email": "costel.toma@example.org", "password": "Cursant#2026x"}])[0]["id"])
    for item in quizzes.values():
        grades.set_grade(box.site, item, trainee, 10)
    grades.set_grade(box.site, final, trainee, 3.75)
    total = grades.course_item(box.site, course.id)
    assert grades.course_grade(box.site, course.id, trainee) / total["grademax"] == pytest.approx(0.375)
    assert not plan_courses(client_for(box), load_catalogue(), only={"alfabetizare"}).plan.has_changes
    # A weight changed by hand in the gradebook is drift, and apply puts it back.
    table(db, "grade_items").update(final["id"], aggregationcoef2=0.5)
    drift = plan_courses(client_for(box), load_catalogue(), only={"alfabetizare"})
    assert [c.address for c in drift.plan.pending()] == [
        "course[coop:course:alfabetizare].activity[coop:alfabetizare:final]"]
    # A site whose plugin predates gradeweight gets Moodle's own weights (nothing sent it cannot take).
    monkeypatch.setattr(service, "GRADE_WEIGHTS_SINCE", 10**10)
    older = service.desired_state(load_catalogue(), only={"alfabetizare"}, grade_weights=service.grade_weights(client))
    assert not any("gradeweight" in a.options for c in older.courses for a in c.activities)
