"""The generic YAML → dataclass loader: every fault is a ConfigError that says file, line, column and key path."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, ClassVar, Literal

import pytest

from cooperare.config.loader import Locator, at_least, build, checked, format_key_path, load_yaml
from cooperare.errors import ConfigError


@dataclass(frozen=True)
class Module:
    key: str
    hours: int = checked(at_least(1), default=2)


@dataclass(frozen=True)
class Programme:
    key: str
    modules: tuple[Module, ...] = ()
    format: Literal["topics", "weeks"] = "topics"
    start: date | None = None


@dataclass(frozen=True)
class Catalogue:
    prefix: str
    programmes: list[Programme]
    pass_marks: dict[str, float] = field(default_factory=dict)
    logo: Path | None = None
    visible: bool = True
    size: tuple[int, int] | None = None

    REFUSED_KEYS: ClassVar[Mapping[str, str]] = {"password": "passwords live in the environment"}


def write(tmp_path: Path, text: str, name: str = "catalogue.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def load(path: Path, cls: Any = Catalogue) -> Any:
    data, locator = load_yaml(path)
    return build(cls, data, locator=locator)


def fault(path: Path, cls: Any = Catalogue) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load(path, cls)
    return caught.value


GOOD = """
prefix: coop
programmes:
  - key: alfabetizare
    format: weeks
    start: 2027-02-01
    modules:
      - key: m1
        hours: 4
      - key: m2
  - key: expert
pass_marks: {alfabetizare: 70, expert: 62.5}
logo: images/logo.png
size: [800, 600]
"""


def test_a_good_file_builds_nested_frozen_dataclasses(tmp_path: Path) -> None:
    catalogue = load(write(tmp_path, GOOD))
    assert catalogue == Catalogue(
        prefix="coop",
        programmes=[
            Programme(
                key="alfabetizare",
                format="weeks",
                start=date(2027, 2, 1),
                modules=(Module(key="m1", hours=4), Module(key="m2", hours=2)),
            ),
            Programme(key="expert"),
        ],
        pass_marks={"alfabetizare": 70.0, "expert": 62.5},
        logo=tmp_path / "images" / "logo.png",
        size=(800, 600),
    )
    with pytest.raises(AttributeError):
        catalogue.prefix = "other"  # type: ignore[misc]


def test_unknown_key_names_file_line_column_and_path(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        prefix: coop
        programmes:
          - key: a
          - key: b
            modules:
              - key: m1
                hurs: 3
        """,
    )
    error = fault(path)
    assert error.location is not None
    assert (error.location.file, error.location.line, error.location.column) == (str(path), 7, 9)
    assert error.location.key == "programmes[1].modules[0].hurs"
    assert str(error) == f"{path}:7:9: programmes[1].modules[0].hurs: unknown key 'hurs'"
    assert error.hint == "did you mean 'hours'?"


def test_unknown_key_without_a_close_match_lists_the_known_keys(tmp_path: Path) -> None:
    error = fault(write(tmp_path, "prefix: coop\nprogrammes: []\ncolour: red\n"))
    assert error.reason == "unknown key 'colour'"
    assert error.hint == "known keys: logo, pass_marks, prefix, programmes, size, visible"


@pytest.mark.parametrize(
    ("text", "line", "key", "reason"),
    [
        ("prefix: 12\nprogrammes: []\n", 1, "prefix", "expected text, got a whole number"),
        ("prefix: coop\nprogrammes: {a: 1}\n", 2, "programmes", "expected a list, got a mapping"),
        (
            "prefix: coop\nprogrammes:\n  - key: a\n    modules:\n      - key: m\n        hours: '3'\n",
            6,
            "programmes[0].modules[0].hours",
            "expected a whole number, got text",
        ),
        (
            "prefix: coop\nprogrammes:\n  - key: a\n    modules:\n      - key: m\n        hours: 2.5\n",
            6,
            "programmes[0].modules[0].hours",
            "expected a whole number, got a decimal number",
        ),
        ("prefix: coop\nprogrammes: []\nvisible: 1\n", 3, "visible", "expected true or false, got a whole number"),
        ("prefix: coop\nprogrammes: []\nvisible: 'yes'\n", 3, "visible", "expected true or false, got text"),
        ("prefix: coop\nprogrammes: []\npass_marks: {a: high}\n", 3, "pass_marks.a", "expected a number, got text"),
        (
            "prefix: coop\nprogrammes:\n  - {key: a, format: week}\n",
            3,
            "programmes[0].format",
            "expected one of 'topics', 'weeks', got 'week'",
        ),
        (
            "prefix: coop\nprogrammes:\n  - {key: a, start: '2027-02-30'}\n",
            3,
            "programmes[0].start",
            "expected a date (YYYY-MM-DD), got text",
        ),
        (
            "prefix: coop\nprogrammes:\n  - {key: a, start: 2027-02-30}\n",
            3,
            "programmes[0].start",
            "cannot read this value: day is out of range for month",
        ),
        ("prefix: coop\nprogrammes: []\nsize: [1, 2, 3]\n", 3, "size", "expected a list of 2 items, got 3"),
        (
            "prefix: coop\nprogrammes: []\npass_marks: {2027: 1}\n",
            3,
            "pass_marks.2027",
            "keys here must be text, got a whole number",
        ),
        ("prefix:\nprogrammes: []\n", 1, "prefix", "expected text, got nothing (null)"),
    ],
)
def test_wrong_types_are_refused_where_they_are(tmp_path: Path, text: str, line: int, key: str, reason: str) -> None:
    error = fault(write(tmp_path, text))
    assert error.location is not None
    assert (error.location.line, error.location.key, error.reason) == (line, key, reason)


def test_a_number_where_text_is_expected_suggests_quotes(tmp_path: Path) -> None:
    error = fault(write(tmp_path, "prefix: 2027-01-01\nprogrammes: []\n"))
    assert (error.reason, error.hint) == ("expected text, got a date", "put it in quotes")


def test_missing_required_key_points_at_its_mapping(tmp_path: Path) -> None:
    error = fault(write(tmp_path, "prefix: coop\nprogrammes:\n  - format: weeks\n"))
    assert error.location is not None
    assert (error.location.line, error.location.column, error.location.key) == (3, 5, "programmes[0].key")
    assert error.reason == "missing required key"


def test_duplicate_key_is_refused_with_both_lines(tmp_path: Path) -> None:
    error = fault(write(tmp_path, "prefix: coop\nprogrammes:\n  - key: a\n    key: b\n"))
    assert error.location is not None
    assert (error.location.line, error.location.key) == (4, "programmes[0].key")
    assert error.reason == "duplicate key 'key' (first written on line 3)"


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("prefix: coop\nprogrammes: [a, b\n", 3, "invalid YAML: expected ',' or ']', but got '<stream end>'"),
        ("prefix: 'coop\nprogrammes: []\n", 3, "invalid YAML: found unexpected end of stream"),
        ("prefix: coop\n  programmes: []\n", 2, "invalid YAML: mapping values are not allowed here"),
        ("prefix: coop\n---\nprefix: other\n", 2, "invalid YAML: but found another document (expected a single"),
        ("prefix: !!python/object:os.system coop\n", 1, "invalid YAML: could not determine a constructor"),
    ],
)
def test_bad_yaml_names_file_and_line(tmp_path: Path, text: str, line: int, reason: str) -> None:
    path = write(tmp_path, text)
    error = fault(path)
    assert error.location is not None
    assert (error.location.file, error.location.line) == (str(path), line)
    assert error.reason.startswith(reason)


def test_unreadable_inputs_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_yaml(tmp_path / "missing.yaml")
    latin = tmp_path / "latin1.yaml"
    latin.write_bytes("prefix: Alba Iulia ş\n".encode("latin-1", errors="replace") + b"\xba\n")
    with pytest.raises(ConfigError, match="is not UTF-8 text"):
        load_yaml(latin)


def test_refused_keys_explain_why(tmp_path: Path) -> None:
    error = fault(write(tmp_path, "prefix: coop\nprogrammes: []\npassword: hunter22\n"))
    assert error.location is not None and error.location.line == 3
    assert error.reason == "key 'password' is not allowed here: passwords live in the environment"
    assert "hunter22" not in str(error)


def test_checked_fields_report_at_the_field(tmp_path: Path) -> None:
    error = fault(write(tmp_path, "prefix: coop\nprogrammes:\n  - key: a\n    modules: [{key: m, hours: 0}]\n"))
    assert error.location is not None
    assert (error.location.line, error.location.key) == (4, "programmes[0].modules[0].hours")
    assert error.reason == "must be at least 1"


def test_anchors_work_recursive_aliases_and_merge_keys_do_not(tmp_path: Path) -> None:
    shared = "prefix: coop\nprogrammes:\n  - key: a\n    modules: &mods [{key: m1}]\n  - key: b\n    modules: *mods\n"
    catalogue = load(write(tmp_path, shared))
    assert catalogue.programmes[1].modules == (Module(key="m1"),)
    loop = fault(write(tmp_path, "prefix: coop\nprogrammes: &p [*p]\n", "loop.yaml"))
    assert loop.reason == "an alias refers to a node that contains it"
    merge = fault(write(tmp_path, "base: &b {key: a}\nprefix: coop\nprogrammes: [{<<: *b}]\n", "merge.yaml"))
    assert merge.reason.startswith("merge keys (<<) are not supported")


def test_an_empty_file_is_not_a_mapping(tmp_path: Path) -> None:
    error = fault(write(tmp_path, "# nothing yet\n"))
    assert error.reason == "expected a mapping of settings, got nothing (null)"


def test_build_can_start_inside_a_document(tmp_path: Path) -> None:
    data, locator = load_yaml(write(tmp_path, "catalogue:\n  programmes:\n    - key: a\n      modules: [{key: 5}]\n"))
    with pytest.raises(ConfigError) as caught:
        build(list[Programme], data["catalogue"]["programmes"], locator=locator, path=("catalogue", "programmes"))
    assert caught.value.location is not None
    assert (caught.value.location.line, caught.value.location.key) == (4, "catalogue.programmes[0].modules[0].key")


def test_aliases_name_where_a_value_came_from() -> None:
    locator = Locator(aliases={("prefix",): "COOPERARE_PREFIX"})
    with pytest.raises(ConfigError) as caught:
        build(Catalogue, {"prefix": 3, "programmes": []}, locator=locator)
    assert str(caught.value) == "COOPERARE_PREFIX: expected text, got a whole number"


def test_unsupported_field_types_are_programming_errors() -> None:
    @dataclass(frozen=True)
    class Odd:
        value: complex

    with pytest.raises(TypeError, match="does not support fields of type"):
        build(Odd, {"value": "1j"}, locator=Locator())


def test_format_key_path() -> None:
    assert format_key_path(("programmes", 2, "modules", 0, "key")) == "programmes[2].modules[0].key"
    assert format_key_path((0, "key")) == "[0].key"
    assert format_key_path(()) == ""
