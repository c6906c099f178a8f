"""Batching under the POST-variable budget, counted results, against the sandbox's PHP truncation."""

from __future__ import annotations

import pytest

from cooperare.errors import BatchShortfall, PlanError
from cooperare.moodle.batching import HEADER_VARS, Result, batch_pairs, call_batched, plan_batches
from cooperare.moodle.client import MoodleClient
from cooperare.sandbox import Sandbox


def users(count: int, prefix: str = "u") -> list[dict[str, str]]:
    return [{"username": f"{prefix}{i:04d}", "password": "Parola#2026", "firstname": "Test",
             "lastname": f"Utilizator {i:04d}", "email": f"{prefix}{i:04d}@example.com", "auth": "manual",
             "idnumber": f"{prefix.upper()}{i:04d}", "lang": "en"} for i in range(1, count + 1)]


def test_chunks_stay_within_the_budget_and_keep_order() -> None:
    items = users(150)
    batches = list(plan_batches(items, list_key="users", budget=1000))
    assert [len(b.items) for b in batches] == [124, 26]
    assert [b.start for b in batches] == [0, 124]
    for batch in batches:
        assert HEADER_VARS + len(batch_pairs("users", batch.items)) <= 1000
    assert batch_pairs("users", batches[1].items)[0] == ("users[0][username]", "u0125")


def test_extra_parameters_count_against_the_budget() -> None:
    batches = list(plan_batches(list(range(10)), list_key="values", extra={"field": "id"}, budget=8))
    assert [len(b.items) for b in batches] == [4, 4, 2]


def test_an_item_bigger_than_the_budget_is_refused_before_sending() -> None:
    with pytest.raises(PlanError, match="more than the budget"):
        list(plan_batches(users(1), list_key="users", budget=10))


def test_150_users_at_max_input_vars_1000_are_all_created() -> None:
    box = Sandbox(max_input_vars=1000)
    client = MoodleClient(box.transport(var_budget=1000))
    created = client.users.create(users(150))
    assert len(created) == 150
    assert [u["username"] for u in created] == [f"u{i:04d}" for i in range(1, 151)]
    assert client.transport.stats.by_function["core_user_create_users"] == 2
    found = client.users.by_field("username", [f"u{i:04d}" for i in range(1, 151)])
    assert len(found) == 150 and {u.idnumber for u in found} == {f"U{i:04d}" for i in range(1, 151)}


def test_a_budget_above_the_servers_limit_is_caught_by_counting() -> None:
    """PHP drops the variables beyond max_input_vars and Moodle creates fewer users: the count says so."""
    box = Sandbox(max_input_vars=1000)
    transport = box.transport(var_budget=5000)
    with pytest.raises(BatchShortfall) as raised:
        call_batched(transport, "core_user_create_users", "users", users(150, "v"), result=Result.PER_ITEM)
    assert raised.value.sent == 150 and raised.value.received == 125
    assert "max_input_vars" in (raised.value.hint or "")
