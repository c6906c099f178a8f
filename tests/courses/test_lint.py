"""The catalogue linter finds each kind of content fault and says where it is."""

from __future__ import annotations

from pathlib import Path

import pytest

from cooperare.courses.catalogue import load_catalogue
from cooperare.courses.lint import lint
from tests.courses.conftest import edit

AD = "programmes/alfabetizare-digitala.yaml"


def rules(catalogue_dir: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for finding in lint(load_catalogue(catalogue_dir)):
        found.setdefault(finding.rule, []).append(str(finding))
    return found


def test_cedilla_is_reported_with_line_and_column(catalogue_dir: Path) -> None:
    path = catalogue_dir / AD
    text = path.read_text(encoding="utf-8")
    index = text.index("ș")
    path.write_text(text[:index] + "ş" + text[index + 1:], encoding="utf-8")
    line = text[:index].count("\n") + 1
    column = index - text.rfind("\n", 0, index)
    found = rules(catalogue_dir)
    assert list(found) == ["cedilla"]
    assert f"alfabetizare-digitala.yaml:{line}:{column}" in found["cedilla"][0]


def test_question_without_a_correct_answer(catalogue_dir: Path) -> None:
    path = catalogue_dir / AD
    text = path.read_text(encoding="utf-8")
    start = text.index("correct: true")
    path.write_text(text[:start] + "correct: false" + text[start + len("correct: true"):], encoding="utf-8")
    found = rules(catalogue_dir)
    assert "no-correct-answer" in found
    assert "alfabetizare-digitala.yaml:" in found["no-correct-answer"][0]


def test_empty_feedback(catalogue_dir: Path) -> None:
    path = catalogue_dir / AD
    text = path.read_text(encoding="utf-8")
    start = text.index("feedback: ", text.index("answers:"))
    end = text.index("\n", start)
    path.write_text(text[:start] + 'feedback: ""' + text[end:], encoding="utf-8")
    assert "empty-feedback" in rules(catalogue_dir)


def test_pass_mark_above_the_maximum(catalogue_dir: Path) -> None:
    edit(catalogue_dir / "settings.yaml", "    pass_percent: 70", "    pass_percent: 120")
    found = rules(catalogue_dir)
    assert "pass-mark" in found and "settings.yaml" in found["pass-mark"][0]


def test_quiz_course_weights_must_add_up_to_100(catalogue_dir: Path) -> None:
    assert "course-weight" not in rules(catalogue_dir)  # shipped: module tests 0 %, final 100 %
    edit(catalogue_dir / "settings.yaml", "    course_weight_percent: 0", "    course_weight_percent: 10")
    found = rules(catalogue_dir)["course-weight"]
    assert len(found) == 4 and "add up to 150%" in found[0] and "settings.yaml" in found[0]  # 5 tests × 10 + 100
    edit(catalogue_dir / "settings.yaml", "    course_weight_percent: 10\n", "")
    assert "not both" in rules(catalogue_dir)["course-weight"][0]


def test_completion_rule_pointing_at_a_missing_activity(catalogue_dir: Path) -> None:
    edit(catalogue_dir / AD, "    final_quiz:",
         "    completion:\n      require: [final, m7-lipsa:quiz]\n    final_quiz:")
    found = rules(catalogue_dir)
    # The lessons and module quizzes left out are tracked but no longer count: that contradiction is reported too.
    assert set(found) == {"completion-link", "completion-contradiction"}
    assert "m7-lipsa:quiz" in found["completion-link"][0]


def test_module_listed_twice_would_duplicate_idnumbers(catalogue_dir: Path) -> None:
    edit(catalogue_dir / AD, "m4-siguranta, m5-probleme]", "m4-siguranta, m4-siguranta]")
    assert "duplicate-idnumber" in rules(catalogue_dir)


def test_duplicate_question_key(catalogue_dir: Path) -> None:
    edit(catalogue_dir / AD, "key: q02", "key: q01")
    assert "duplicate-key" in rules(catalogue_dir)


def test_short_lesson_and_small_quiz(catalogue_dir: Path) -> None:
    import yaml

    path = catalogue_dir / AD
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["modules"][0]["lesson"]["content"] = "<p>Prea scurt.</p>"
    data["modules"][1]["quiz"]["questions"] = data["modules"][1]["quiz"]["questions"][:3]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    found = rules(catalogue_dir)
    assert "lesson-length" in found and "quiz-size" in found


def test_unbalanced_html_in_a_lesson(catalogue_dir: Path) -> None:
    edit(catalogue_dir / AD, "</h3>", "</h4>")
    assert "html" in rules(catalogue_dir)


def test_resources_need_https_links_and_label_text(catalogue_dir: Path) -> None:
    edit(catalogue_dir / AD, 'url: "https://data.gov.ro"', 'url: "http://data.gov.ro"')
    edit(catalogue_dir / AD, 'text: "<p><em>Cum lucrați', 'text: ""\n        x-old: "<p><em>Cum lucrați')

    from cooperare.errors import ConfigError

    with pytest.raises(ConfigError, match="unknown key 'x-old'"):
        load_catalogue(catalogue_dir)
    edit(catalogue_dir / AD, '\n        x-old: "<p><em>Cum lucrați', '\n        title: "<p><em>Cum lucrați')
    found = rules(catalogue_dir)
    assert len(found["resource"]) == 2
    assert any("http://data.gov.ro" in text for text in found["resource"])


ED = "programmes/expert-digitalizare.yaml"


def test_a_module_shared_by_two_courses_must_say_so(catalogue_dir: Path) -> None:
    edit(catalogue_dir / ED, "[m1-ong-parteneriat, m2-ong-instrumente,", "[m1-strategie, m2-ong-instrumente,")
    found = rules(catalogue_dir)
    assert list(found) == ["shared-module"]
    assert "'m1-strategie' is used by courses expert-adm, expert-ong" in found["shared-module"][0]
    assert "expert-digitalizare.yaml:6:" in found["shared-module"][0]
    edit(catalogue_dir / ED, "  - key: m1-strategie\n", "  - key: m1-strategie\n    shared: true\n")
    assert rules(catalogue_dir) == {}


@pytest.mark.parametrize(("rule", "how"), [("grade", "on any grade"), ("view", "when viewed"),
                                          ("manual", "when ticked by hand")])
def test_a_quiz_showing_a_pass_mark_but_not_completing_on_a_pass_contradicts_itself(
        catalogue_dir: Path, rule: str, how: str) -> None:
    edit(catalogue_dir / AD, '    quiz:\n      title: "Test de verificare – Modulul 1"',
         f'    quiz:\n      completion: {rule}\n      title: "Test de verificare – Modulul 1"')
    found = rules(catalogue_dir)
    assert list(found) == ["completion-contradiction"]
    assert f"m1-informatii:quiz: the quiz shows a grade to pass (6) but completes {how}" \
        in found["completion-contradiction"][0]
    assert "alfabetizare-digitala.yaml:" in found["completion-contradiction"][0]
    # A practice quiz nobody tracks may show a pass mark: nothing contradicts it.
    edit(catalogue_dir / AD, f"      completion: {rule}\n", "      completion: none\n")
    assert "completion-contradiction" not in rules(catalogue_dir)


def test_an_activity_tracked_but_not_counted_is_reported(catalogue_dir: Path) -> None:
    # By default whatever is tracked counts; a course that lists its own requirements can leave a tracked one out.
    edit(catalogue_dir / AD, '        url: "https://legislatie.just.ro"',
         '        url: "https://legislatie.just.ro"\n        completion: view')
    assert rules(catalogue_dir) == {}
    edit(catalogue_dir / AD, "    final_quiz:", "    completion:\n      require: [final]\n    final_quiz:")
    found = rules(catalogue_dir)["completion-contradiction"]
    assert any("m1-informatii:legislatie is tracked for completion but does not count" in f for f in found)


def test_a_final_quiz_with_limited_attempts_and_no_retake_is_a_dead_end(catalogue_dir: Path) -> None:
    edit(catalogue_dir / "settings.yaml", "    retake: trainer", "    retake: none")
    found = rules(catalogue_dir)
    assert list(found) == ["dead-end"]
    assert len(found["dead-end"]) == 4 and "settings.yaml:" in found["dead-end"][0]
    edit(catalogue_dir / "settings.yaml", "    attempts: 2\n", "    attempts: 0\n")
    assert rules(catalogue_dir) == {}


def test_ratings_must_say_which_end_is_good(catalogue_dir: Path) -> None:
    edit(catalogue_dir / AD, '      scale: "1 = deloc, 5 = în foarte mare măsură"\n', "")
    found = rules(catalogue_dir)
    assert list(found) == ["rating-scale"]


def test_a_survey_question_asking_for_personal_data_the_project_does_not_need(catalogue_dir: Path) -> None:
    edit(catalogue_dir / AD, "      items:\n        - key: f1\n",
         "      items:\n        - key: f0\n          type: text\n          text: \"<p>Care este sexul "
         "dumneavoastră?</p>\"\n        - key: f00\n          type: text\n          text: \"Vârsta:\"\n"
         "        - key: f1\n")
    found = rules(catalogue_dir)
    assert list(found) == ["personal-data"]
    assert len(found["personal-data"]) == 2
    assert "survey question 'f0' asks for gender" in found["personal-data"][0]
    assert "survey question 'f00' asks for age" in found["personal-data"][1]
    assert "alfabetizare-digitala.yaml:" in found["personal-data"][0]


def test_a_web_address_answer_accepts_the_forms_a_person_types(catalogue_dir: Path) -> None:
    edit(catalogue_dir / AD, '            - text: "https://www.ghiseul.ro"\n',
         '            - text: "https://www.ghiseul.ro.x"\n')
    found = rules(catalogue_dir)
    assert list(found) == ["address-forms"]
    assert "the answer 'ghiseul.ro' is a web address, but 1 of the ways a person types it are refused: " \
           "https://www.ghiseul.ro" in found["address-forms"][0]
    assert "alfabetizare-digitala.yaml:" in found["address-forms"][0]
