"""Runs: one row per command that changes or reads Moodle on the pack's behalf (plan, apply, sync, issue…).

A run is started before the first web-service call and finished with its outcome (ok, failed, interrupted), the
number of calls made and a JSON detail (counts, not data; secrets are redacted on the way in). A run that never
finished is one whose process died. :meth:`Runs.recording` wraps a block: the outcome follows from how the block
ends (normally, by an error, by Ctrl-C). This module must not count calls itself: the command that owns the run
passes a counter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Engine, insert, select, update

from cooperare.errors import StoreError
from cooperare.store.engine import store_errors
from cooperare.store.schema import RUN_OUTCOMES, runs
from cooperare.store.values import json_value, now, require_one_of

Outcome = Literal["ok", "failed", "interrupted"]


@dataclass(frozen=True)
class Run:
    id: int
    command: str
    started_at: datetime
    finished_at: datetime | None
    outcome: Outcome | None
    ws_calls: int
    detail: Any


@dataclass
class RunHandle:
    """The run a ``recording`` block belongs to; set ``detail`` to replace the detail recorded at the end."""

    id: int
    detail: Mapping[str, Any] | None = None


class Runs:
    """Start, finish and read runs; every write commits at once."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def start(self, command: str, *, detail: Mapping[str, Any] | None = None) -> int:
        """Record that ``command`` started now; return the run id."""
        values = {
            "command": command,
            "started_at": now(),
            "ws_calls": 0,
            "detail": json_value(detail, what="run detail"),
        }
        with store_errors("record the start of a run"), self._engine.begin() as conn:
            return int(conn.execute(insert(runs).values(values).returning(runs.c.id)).scalar_one())

    def finish(self, run_id: int, *, outcome: Outcome, ws_calls: int, detail: Mapping[str, Any] | None = None) -> None:
        """Record how run ``run_id`` ended; ``detail``, when given, replaces the one given at the start."""
        values: dict[str, Any] = {
            "finished_at": now(),
            "outcome": require_one_of(outcome, RUN_OUTCOMES, what="outcome"),
            "ws_calls": ws_calls,
        }
        if detail is not None:
            values["detail"] = json_value(detail, what="run detail")
        with store_errors(f"record the end of run {run_id}"), self._engine.begin() as conn:
            updated = conn.execute(
                update(runs).where(runs.c.id == run_id, runs.c.finished_at.is_(None)).values(values)
            ).rowcount
        if updated != 1:
            self.get(run_id)  # raises when there is no such run
            raise StoreError(f"run {run_id} is already finished")

    @contextmanager
    def recording(self, command: str, *, ws_calls: Callable[[], int], detail: Mapping[str, Any] | None = None
                  ) -> Iterator[RunHandle]:
        """Start a run, yield it, and finish it as ok, failed (an exception) or interrupted (Ctrl-C)."""
        handle = RunHandle(self.start(command, detail=detail))
        outcome: Outcome = "failed"
        try:
            yield handle
            outcome = "ok"
        except KeyboardInterrupt:
            outcome = "interrupted"
            raise
        finally:
            self.finish(handle.id, outcome=outcome, ws_calls=ws_calls(), detail=handle.detail)

    def get(self, run_id: int) -> Run:
        with store_errors(f"read run {run_id}"), self._engine.connect() as conn:
            row = conn.execute(select(runs).where(runs.c.id == run_id)).mappings().first()
        if row is None:
            raise StoreError(f"there is no run {run_id} in the store")
        return Run(**row)
