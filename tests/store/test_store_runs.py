"""Runs: start, finish with an outcome, and the refusals."""

from __future__ import annotations

from datetime import UTC

import pytest

from cooperare.errors import StoreError
from cooperare.store import Store


def test_a_run_starts_open_and_finishes_with_outcome_and_calls(store: Store) -> None:
    run_id = store.runs.start("courses apply", detail={"plan": "plan.json"})
    started = store.runs.get(run_id)
    assert (started.command, started.outcome, started.finished_at, started.ws_calls) == ("courses apply", None, None, 0)
    assert started.started_at.tzinfo is UTC
    store.runs.finish(run_id, outcome="ok", ws_calls=17)
    finished = store.runs.get(run_id)
    assert (finished.outcome, finished.ws_calls, finished.detail) == ("ok", 17, {"plan": "plan.json"})
    assert finished.finished_at is not None and finished.finished_at >= finished.started_at


def test_finish_may_replace_the_detail(store: Store) -> None:
    run_id = store.runs.start("roster sync")
    assert store.runs.get(run_id).detail is None
    store.runs.finish(run_id, outcome="interrupted", ws_calls=3, detail={"done": 2, "left": 5})
    assert store.runs.get(run_id).detail == {"done": 2, "left": 5}
    assert store.runs.get(run_id).outcome == "interrupted"


def test_runs_get_increasing_ids(store: Store) -> None:
    first, second = store.runs.start("plan"), store.runs.start("apply")
    assert second > first


def test_a_run_finishes_once(store: Store) -> None:
    run_id = store.runs.start("apply")
    store.runs.finish(run_id, outcome="failed", ws_calls=1)
    with pytest.raises(StoreError, match=f"run {run_id} is already finished"):
        store.runs.finish(run_id, outcome="ok", ws_calls=2)
    assert store.runs.get(run_id).outcome == "failed"


def test_unknown_runs_and_outcomes_are_refused(store: Store) -> None:
    with pytest.raises(StoreError, match="no run 77"):
        store.runs.finish(77, outcome="ok", ws_calls=0)
    with pytest.raises(StoreError, match="no run 78"):
        store.runs.get(78)
    run_id = store.runs.start("apply")
    with pytest.raises(ValueError, match="outcome must be one of ok, failed, interrupted"):
        store.runs.finish(run_id, outcome="maybe", ws_calls=0)  # type: ignore[arg-type]
    assert store.runs.get(run_id).finished_at is None
