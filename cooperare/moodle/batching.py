"""Split list parameters so each request stays under the site's POST-variable budget, and count the results.

PHP keeps only the first ``max_input_vars`` POST variables (1000 by default) and silently drops the rest: Moodle then
creates fewer records than sent, or rejects the call because the last item lost a key. So every call that takes a
list goes through :func:`call_batched`, which sizes each chunk by the variables it really produces and checks the
answer: functions that return one record per item must return as many as were sent, or :class:`BatchShortfall`
is raised.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from cooperare.errors import BatchShortfall, PlanError
from cooperare.moodle.encoding import Pair, flatten
from cooperare.moodle.transport import Transport

# wstoken, wsfunction, moodlewsrestformat
HEADER_VARS = 3


class Result(Enum):
    """What a batched function returns, which decides how results are counted and merged."""

    PER_ITEM = "per_item"  # a list with one entry per item sent (create_users, create_courses...)
    WARNINGS = "warnings"  # {"warnings": [...]} (update_users, add_cohort_members...)
    NONE = "none"  # null (enrol_users, add_group_members...)
    LIST = "list"  # a list not tied one-to-one to the items (get_users_by_field...)
    KEYED = "keyed"  # a dict whose list under ``list_key`` is merged


@dataclass(frozen=True)
class Batch:
    """One chunk: its position in the full list and its items."""

    start: int
    items: Sequence[Any]


def _item_pairs(list_key: str, index: int, item: Any) -> list[Pair]:
    return flatten({f"{list_key}[{index}]": item})


def plan_batches(
    items: Sequence[Any],
    *,
    list_key: str,
    extra: Mapping[str, Any] | None = None,
    budget: int,
    max_items: int | None = None,
) -> Iterator[Batch]:
    """Chunk ``items`` so header + extra + items variables stay within ``budget``."""
    fixed = HEADER_VARS + len(flatten(extra or {}))
    room = budget - fixed
    if room <= 0:
        raise PlanError(f"variable budget {budget} leaves no room for {list_key} items")
    start = 0
    current: list[Any] = []
    used = 0
    for index, item in enumerate(items):
        cost = len(_item_pairs(list_key, 0, item))
        if cost > room:
            raise PlanError(
                f"one {list_key} item needs {cost} POST variables, more than the budget of {budget} allows",
                hint="raise the site's max_input_vars and the configured var_budget",
            )
        if current and (used + cost > room or (max_items and len(current) >= max_items)):
            yield Batch(start, current)
            start, current, used = index, [], 0
        current.append(item)
        used += cost
    if current:
        yield Batch(start, current)


def batch_pairs(list_key: str, items: Sequence[Any], extra: Mapping[str, Any] | None = None) -> list[Pair]:
    """The POST variables of one chunk, indices renumbered from 0."""
    pairs = flatten(extra or {})
    for index, item in enumerate(items):
        pairs.extend(_item_pairs(list_key, index, item))
    return pairs


def call_batched(
    transport: Transport,
    wsfunction: str,
    list_key: str,
    items: Sequence[Any],
    *,
    result: Result,
    extra: Mapping[str, Any] | None = None,
    budget: int | None = None,
    max_items: int | None = None,
    result_key: str | None = None,
) -> Any:
    """Call ``wsfunction`` over ``items`` in as many requests as the budget needs; merge and count the answers.

    Returns a list (PER_ITEM, LIST), ``{"warnings": [...]}`` (WARNINGS), a dict with ``result_key`` merged (KEYED)
    or ``None`` (NONE). Nothing is sent for an empty list.
    """
    budget = budget or transport.var_budget
    merged: list[Any] = []
    warnings: list[Any] = []
    keyed: dict[str, Any] = {}
    for batch in plan_batches(items, list_key=list_key, extra=extra, budget=budget, max_items=max_items):
        answer = transport.call_pairs(wsfunction, batch_pairs(list_key, batch.items, extra))
        if result is Result.PER_ITEM:
            received = len(answer) if isinstance(answer, list) else 0
            if received != len(batch.items):
                raise BatchShortfall(
                    f"sent {len(batch.items)} items (from position {batch.start}), Moodle returned {received}",
                    wsfunction=wsfunction,
                    sent=len(batch.items),
                    received=received,
                    hint="the server's max_input_vars is probably lower than the configured var_budget; lower "
                    "var_budget in the configuration, then re-run (existing records are found again, not duplicated)",
                )
            merged.extend(answer)
        elif result is Result.LIST:
            merged.extend(answer or [])
        elif result is Result.WARNINGS:
            warnings.extend((answer or {}).get("warnings", []))
        elif result is Result.KEYED:
            key = result_key or list_key
            for name, value in (answer or {}).items():
                if name == key:
                    keyed.setdefault(key, []).extend(value)
                elif name == "warnings":
                    warnings.extend(value)
                else:
                    keyed.setdefault(name, value)
    if result in (Result.PER_ITEM, Result.LIST):
        return merged
    if result is Result.WARNINGS:
        return {"warnings": warnings}
    if result is Result.KEYED:
        keyed.setdefault(result_key or list_key, [])
        keyed["warnings"] = warnings
        return keyed
    return None
