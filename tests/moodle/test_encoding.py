"""PHP-style form encoding: bracket notation, booleans as 1/0, None omitted, UTF-8 escaping."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cooperare.moodle.encoding import count_vars, flatten, scalar, urlencode


def test_nested_lists_and_dicts_use_bracket_notation() -> None:
    pairs = flatten({"users": [{"username": "ana", "customfields": [{"type": "x", "value": "y"}]}], "field": "id"})
    assert pairs == [
        ("users[0][username]", "ana"),
        ("users[0][customfields][0][type]", "x"),
        ("users[0][customfields][0][value]", "y"),
        ("field", "id"),
    ]


def test_booleans_become_1_and_0_and_none_is_left_out() -> None:
    assert flatten({"a": True, "b": False, "c": None, "d": [None, 1]}) == [("a", "1"), ("b", "0"), ("d[1]", "1")]


def test_numbers_render_as_php_receives_them() -> None:
    assert scalar(3) == "3"
    assert scalar(7.0) == "7"
    assert scalar(0.5) == "0.5"
    with pytest.raises(ValueError):
        scalar(float("nan"))
    with pytest.raises(TypeError):
        scalar(object())


def test_count_vars_counts_leaves() -> None:
    assert count_vars({"users": [{"a": 1, "b": 2}, {"a": 3}], "x": "y"}) == 4


def test_urlencode_escapes_brackets_and_diacritics() -> None:
    body = urlencode([("users[0][firstname]", "Ștefan Țăranu"), ("x", "a&b=c")])
    assert "%5B0%5D" in body and "%C8%98tefan" in body
    assert parse_qsl(body) == [("users[0][firstname]", "Ștefan Țăranu"), ("x", "a&b=c")]


_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)))


@given(st.lists(st.tuples(_TEXT.filter(bool), _TEXT), max_size=20))
def test_urlencode_round_trips_any_text(pairs: list[tuple[str, str]]) -> None:
    body = urlencode(pairs)
    body.encode("ascii")  # the body is pure ASCII
    assert parse_qsl(body, keep_blank_values=True) == pairs
