"""The apply journal: each change to Moodle is written down before it is made and again once it is known to be done.

An apply engine calls :meth:`Journal.begin` (committed at once, so it survives a crash) *before* its web-service
call, then :meth:`Journal.done` with Moodle's answer (the new id) or :meth:`Journal.failed`. Entries still
``begun`` (:meth:`Journal.unfinished`) are what an interrupted apply left: the next apply reads Moodle back (by
idnumber or username) to learn whether each one happened, then closes it with ``done`` or ``failed``. This module
must not call Moodle or decide what to reconcile; it only records. Payloads, results and errors are redacted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Engine, Select, insert, select, update

from cooperare.errors import StoreError
from cooperare.store.engine import store_errors
from cooperare.store.schema import JOURNAL_ACTIONS, journal
from cooperare.store.values import error_text, json_value, now, require_one_of

Action = Literal["create", "update", "delete"]
Phase = Literal["begun", "done", "failed"]


@dataclass(frozen=True)
class JournalEntry:
    id: int
    run_id: int
    scope: str
    address: str
    action: Action
    phase: Phase
    payload: Any
    result: Any
    error: str | None
    begun_at: datetime
    ended_at: datetime | None


class Journal:
    """Write-ahead records of changes made to Moodle; every write commits at once."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def begin(self, run_id: int, *, scope: str, address: str, action: Action, payload: Any = None) -> int:
        """Record that ``action`` on ``address`` is about to be sent; return the entry id."""
        values = {
            "run_id": run_id,
            "scope": scope,
            "address": address,
            "action": require_one_of(action, JOURNAL_ACTIONS, what="action"),
            "phase": "begun",
            "payload": json_value(payload, what=f"the payload for {address}"),
            "begun_at": now(),
        }
        with store_errors(f"journal the {action} of {address}"), self._engine.begin() as conn:
            return int(conn.execute(insert(journal).values(values).returning(journal.c.id)).scalar_one())

    def done(self, entry_id: int, result: Any = None) -> None:
        """Record that the change of entry ``entry_id`` is in Moodle; ``result`` is what Moodle answered."""
        self._close(entry_id, phase="done", result=json_value(result, what=f"the result of entry {entry_id}"))

    def failed(self, entry_id: int, error: BaseException | str) -> None:
        """Record that the change of entry ``entry_id`` did not happen, and why."""
        self._close(entry_id, phase="failed", error=error_text(error))

    def unfinished(self, scope: str) -> list[JournalEntry]:
        """Entries of ``scope`` begun but never closed, oldest first."""
        return self._entries(select(journal).where(journal.c.scope == scope, journal.c.phase == "begun"))

    def history(self, address: str) -> list[JournalEntry]:
        """Every entry for ``address``, oldest first."""
        return self._entries(select(journal).where(journal.c.address == address))

    def by_address(self, scope: str) -> dict[str, list[JournalEntry]]:
        """Every entry of ``scope`` grouped by address, oldest first: one read instead of one per address."""
        grouped: dict[str, list[JournalEntry]] = {}
        for entry in self._entries(select(journal).where(journal.c.scope == scope)):
            grouped.setdefault(entry.address, []).append(entry)
        return grouped

    def get(self, entry_id: int) -> JournalEntry:
        entries = self._entries(select(journal).where(journal.c.id == entry_id))
        if not entries:
            raise StoreError(f"there is no journal entry {entry_id}")
        return entries[0]

    def _close(self, entry_id: int, *, phase: Phase, result: Any = None, error: str | None = None) -> None:
        statement = (
            update(journal)
            .where(journal.c.id == entry_id, journal.c.phase == "begun")
            .values(phase=phase, result=result, error=error, ended_at=now())
        )
        with store_errors(f"journal the end of entry {entry_id}"), self._engine.begin() as conn:
            updated = conn.execute(statement).rowcount
        if updated != 1:
            raise StoreError(f"journal entry {entry_id} cannot be marked {phase}: it is {self.get(entry_id).phase}")

    def _entries(self, statement: Select[Any]) -> list[JournalEntry]:
        with store_errors("read the journal"), self._engine.connect() as conn:
            rows = conn.execute(statement.order_by(journal.c.id)).mappings().all()
        return [JournalEntry(**row) for row in rows]
