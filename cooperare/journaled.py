"""Applying a plan one Moodle call at a time, every change journaled: shared by the publishers (report publish,
manual apply) that write a handful of changes per call rather than the batched course and roster appliers.

Each call's changes are journaled as begun before the call and done after it; a Moodle error marks them failed and
is raised; a lost answer (:class:`~cooperare.errors.ResponseLost`) leaves them open, and the next run closes what an
interrupted one left open after reading Moodle back (:meth:`JournaledSteps.reconcile`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from cooperare.errors import MoodleError, ResponseLost
from cooperare.plan import Change
from cooperare.store import Store


class JournaledSteps:
    def __init__(self, store: Store, run_id: int, scope: str) -> None:
        self.store, self.run_id, self.scope = store, run_id, scope
        self.applied: dict[str, int] = {}
        """``"<kind> <action>"`` → how many changes were applied."""

    def reconcile(self) -> int:
        """Close what an interrupted run of this scope left open (Moodle has been read back since, and the plan
        carries on); returns how many entries were closed."""
        unfinished = self.store.journal.unfinished(self.scope)
        for entry in unfinished:
            self.store.journal.done(entry.id, {"reconciled": True, "by_run": self.run_id})
        return len(unfinished)

    def step(self, changes: Sequence[Change], kind: str, call: Callable[[], Any]) -> Any:
        """Journal ``changes``, run ``call``, close the entries (left open when the answer was lost)."""
        if not changes:
            return None
        entries = [self.store.journal.begin(self.run_id, scope=self.scope, address=c.address, action=c.action,
                                            payload=c.after if c.after is not None else c.before) for c in changes]
        try:
            answer = call()
        except ResponseLost:
            raise
        except MoodleError as error:
            for entry in entries:
                self.store.journal.failed(entry, error)
            raise
        for entry in entries:
            self.store.journal.done(entry, None)
        for change in changes:
            label = f"{kind} {change.action}"
            self.applied[label] = self.applied.get(label, 0) + 1
        return answer
