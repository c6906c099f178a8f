"""The catalogue linter finds each kind of content fault and says where it is."""

from __future__ import annotations

from pathlib import Path

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


def test_completion_rule_pointing_at_a_missing_activity(catalogue_dir: Path) -> None:
    edit(catalogue_dir / AD, "    final_quiz:",
         "    completion:\n      require: [final, m7-lipsa:quiz]\n    final_quiz:")
    found = rules(catalogue_dir)
    assert list(found) == ["completion-link"]
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
    import pytest

    from cooperare.errors import ConfigError

    with pytest.raises(ConfigError, match="unknown key 'x-old'"):
        load_catalogue(catalogue_dir)
    edit(catalogue_dir / AD, '\n        x-old: "<p><em>Cum lucrați', '\n        title: "<p><em>Cum lucrați')
    found = rules(catalogue_dir)
    assert len(found["resource"]) == 2
    assert any("http://data.gov.ro" in text for text in found["resource"])
