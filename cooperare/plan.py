"""Plans as data (Terraform's idea): what would change in Moodle, shown to a person first, applied later.

A :class:`Plan` is an ordered list of :class:`Change` — ``address`` (a stable, readable path such as
``course[COOP-AD].activity[coop:alfabetizare:m1-informatii:quiz]``), ``action`` (create, update, delete, noop),
``before`` and ``after`` (plain JSON values). Plans serialise to JSON (``--out plan.json``) and carry a
``fingerprint`` of the Moodle state they were computed from, so applying a saved plan after Moodle changed is
refused. This module is domain-neutral: courses and roster both build plans with it; it never calls Moodle.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from cooperare.errors import InputError, Location, StalePlanError

Action = Literal["create", "update", "delete", "noop"]
ACTIONS: tuple[Action, ...] = ("create", "update", "delete", "noop")
PLAN_FORMAT = 1


def canonical_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def fingerprint(value: Any) -> str:
    """A short, stable hash of any JSON-able value (used for Moodle state and for specs)."""
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class Change:
    address: str
    action: Action
    before: Any = None
    after: Any = None
    group: str = ""
    note: str = ""

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"address": self.address, "action": self.action, "before": self.before,
                                "after": self.after}
        if self.group:
            data["group"] = self.group
        if self.note:
            data["note"] = self.note
        return data

    def changed_fields(self) -> list[str]:
        """Top-level keys whose values differ between ``before`` and ``after`` (for updates of dicts)."""
        if not isinstance(self.before, dict) or not isinstance(self.after, dict):
            return []
        keys = list(dict.fromkeys([*self.after, *self.before]))
        return [k for k in keys if self.before.get(k) != self.after.get(k)]


@dataclass
class Plan:
    """Changes in apply order, the scope they belong to, and the fingerprint of the state read from Moodle."""

    scope: str
    changes: list[Change] = field(default_factory=list)
    state_fingerprint: str = ""
    ws_calls: int = 0
    notes: list[str] = field(default_factory=list)

    def add(self, change: Change) -> None:
        self.changes.append(change)

    def counts(self) -> Counter[str]:
        return Counter(change.action for change in self.changes)

    @property
    def has_changes(self) -> bool:
        return any(change.action != "noop" for change in self.changes)

    def pending(self) -> Iterator[Change]:
        return (change for change in self.changes if change.action != "noop")

    def summary(self) -> str:
        counts = self.counts()
        return ", ".join(f"{counts.get(action, 0)} to {action}" for action in ("create", "update", "delete")) + \
            f", {counts.get('noop', 0)} unchanged"

    def as_json(self, *, ws_calls: int | None = None) -> dict[str, Any]:
        return {
            "format": PLAN_FORMAT,
            "scope": self.scope,
            "state_fingerprint": self.state_fingerprint,
            "summary": dict(self.counts()),
            "notes": self.notes,
            "changes": [change.as_json() for change in self.changes],
            "ws_calls": self.ws_calls if ws_calls is None else ws_calls,
        }

    @classmethod
    def from_json(cls, data: Any, *, source: str = "plan.json") -> Plan:
        """Read a saved plan; a malformed one raises InputError naming the file and the faulty change."""
        if not isinstance(data, dict) or data.get("format") != PLAN_FORMAT or "changes" not in data:
            raise InputError("not a cooperare plan (missing format/changes)", location=Location(file=source))
        plan = cls(scope=str(data.get("scope", "")), state_fingerprint=str(data.get("state_fingerprint", "")),
                   notes=list(data.get("notes") or []))
        for index, item in enumerate(data["changes"]):
            where = Location(file=source, key=f"changes[{index}]")
            if not isinstance(item, dict) or item.get("action") not in ACTIONS or not item.get("address"):
                raise InputError("each change needs an address and an action (create, update, delete, noop)",
                                 location=where)
            plan.add(Change(str(item["address"]), item["action"], item.get("before"), item.get("after"),
                            str(item.get("group", "")), str(item.get("note", ""))))
        return plan

    def check_fresh(self, current_fingerprint: str) -> None:
        """Refuse to apply a saved plan computed from a Moodle state that has changed since."""
        if self.state_fingerprint and self.state_fingerprint != current_fingerprint:
            raise StalePlanError(
                "the saved plan is stale: Moodle changed since it was computed",
                hint="run the plan again, review it, then apply the new one",
            )


def render_value(value: Any, *, width: int = 70) -> str:
    text = value if isinstance(value, str) else canonical_json(value)
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def render_text(plan: Plan) -> Iterable[str]:
    """Readable diff lines, grouped: ``+ create``, ``~ update`` with before → after per field, ``- delete``."""
    symbols = {"create": "+", "update": "~", "delete": "-", "noop": " "}
    current_group = None
    for change in plan.changes:
        if change.action == "noop":
            continue
        if change.group != current_group:
            current_group = change.group
            if current_group:
                yield f"{current_group}:"
        note = f"  ({change.note})" if change.note else ""
        yield f"  {symbols[change.action]} {change.action} {change.address}{note}"
        if change.action == "update":
            for key in change.changed_fields():
                yield (f"      {key}: {render_value(change.before.get(key))} → "
                       f"{render_value(change.after.get(key))}")
    yield f"Plan: {plan.summary()}."
