"""The shipped ACoR catalogue meets the project's content rules; malformed catalogues stop with a location."""

from __future__ import annotations

from pathlib import Path

import pytest

from cooperare.courses.catalogue import load_catalogue
from cooperare.courses.lint import MIN_FINAL_QUESTIONS, MIN_LESSON_WORDS, MIN_MODULE_QUESTIONS, lint, word_count
from cooperare.errors import ConfigError
from tests.courses.conftest import edit


def test_shipped_catalogue_has_four_tracks_and_their_courses() -> None:
    catalogue = load_catalogue()
    assert {t.key: t.target for t in catalogue.tracks} == {
        "ong-expert": 10, "adm-alfabetizare": 200, "adm-expert": 41, "alesi-guvernanta": 41}
    assert sum(t.target for t in catalogue.tracks) == 292
    names = {p.name for p in catalogue.programmes}
    assert names == {"Alfabetizare digitală", "Expert în digitalizare", "Digitalizarea în guvernanța participativă"}
    for track in catalogue.tracks:
        _, course = catalogue.course(track.course)
        assert course.shortname.startswith("COOP-")


def test_shipped_catalogue_content_meets_the_minimums() -> None:
    catalogue = load_catalogue()
    for programme, course in catalogue.courses():
        assert 4 <= len(course.modules) <= 6
        assert course.forum is not None
        assert course.final_quiz is not None and len(course.final_quiz.questions) >= MIN_FINAL_QUESTIONS
        for key in course.modules:
            module = programme.module(key)
            assert module.lesson is not None and word_count(module.lesson.content) >= MIN_LESSON_WORDS
            assert module.quiz is not None and len(module.quiz.questions) >= MIN_MODULE_QUESTIONS


def test_the_ngo_experts_course_has_its_own_modules() -> None:
    """The NGO representatives' course no longer copies the town-hall course: five modules of its own, each lesson
    as long as the others (530–730 words) and every quiz question with feedback (checked by the lint)."""
    catalogue = load_catalogue()
    programme, adm = catalogue.course("expert-adm")
    _, ong = catalogue.course("expert-ong")
    assert not set(adm.modules) & set(ong.modules)
    for key in ong.modules:
        module = programme.module(key)
        assert module.lesson is not None and 530 <= word_count(module.lesson.content) <= 730, key
        assert "primări" not in module.title.lower()


def test_shipped_catalogue_is_lint_clean_and_uses_comma_below() -> None:
    catalogue = load_catalogue()
    assert lint(catalogue) == []
    for source in catalogue.sources.values():
        text = source.path.read_text(encoding="utf-8")
        assert not set("şţŞŢ") & set(text)
        assert "ș" in text or source.path.name == "settings.yaml"


def test_hours_dates_and_pass_marks_come_from_settings(catalogue_dir: Path) -> None:
    edit(catalogue_dir / "settings.yaml", "      pass_percent: 75", "      pass_percent: 80")
    catalogue = load_catalogue(catalogue_dir)
    assert catalogue.quiz_settings("expert-adm", final=True).grade_to_pass == 8.0
    assert catalogue.quiz_settings("alfabetizare", final=True).grade_to_pass == 7.0
    assert catalogue.course_settings("guvernanta").hours == 24


def test_unknown_key_is_refused_with_file_and_line(catalogue_dir: Path) -> None:
    edit(catalogue_dir / "programmes/guvernanta-participativa.yaml", "category: guvernanta",
         "category: guvernanta\ncategorie: x")
    with pytest.raises(ConfigError) as raised:
        load_catalogue(catalogue_dir)
    assert "guvernanta-participativa.yaml:" in str(raised.value)
    assert "unknown key 'categorie'" in str(raised.value)
    assert raised.value.location is not None and raised.value.location.line is not None


def test_bad_yaml_is_refused_with_its_line(catalogue_dir: Path) -> None:
    path = catalogue_dir / "catalogue.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("prefix: coop", "prefix: [coop"), encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_catalogue(catalogue_dir)
    assert "catalogue.yaml:" in str(raised.value)


def test_dangling_module_reference_names_the_course_line(catalogue_dir: Path) -> None:
    path = catalogue_dir / "programmes/alfabetizare-digitala.yaml"
    edit(path, "m4-siguranta, m5-probleme]", "m4-siguranta, m9-inexistent]")
    with pytest.raises(ConfigError) as raised:
        load_catalogue(catalogue_dir)
    message = str(raised.value)
    assert "m9-inexistent" in message and "courses[0].modules[4]" in message
    line = raised.value.location.line
    assert line and "m9-inexistent" in path.read_text(encoding="utf-8").splitlines()[line - 1]


def test_track_naming_an_unknown_course_is_refused(catalogue_dir: Path) -> None:
    edit(catalogue_dir / "catalogue.yaml", "course: guvernanta", "course: guvernare")
    with pytest.raises(ConfigError, match="guvernare"):
        load_catalogue(catalogue_dir)


def test_course_without_settings_is_refused(catalogue_dir: Path) -> None:
    edit(catalogue_dir / "settings.yaml", "  guvernanta:\n", "  guvernanta-x:\n")
    with pytest.raises(ConfigError, match="settings for unknown course 'guvernanta-x'"):
        load_catalogue(catalogue_dir)
