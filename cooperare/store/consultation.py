"""The consultation register: every contribution received in a public consultation, its answer, and debate requests.

One row per contribution, keyed by the consultation and a stable *source key* (``forum-post:123``,
``feedback-response:45``, ``file:answers.csv#7``), so recording the same source again never adds a row:
the same text is a no-op; a new text is a *change* (the revision counts up, the previous content hash is kept, and
an answer given to the old text goes back to pending); other fields (part, category, consent to publish the name)
are updated in place. Contributions sharing a *fold key* (the caller hashes the author, the part and the normalised
text into it) are folded: the earliest is the original, the others point at it through ``duplicate_of`` and take
its answer. No e-mail address is stored: at most a salted hash of it (``author_hash``), made by the caller.
This module must not decide what is late, how texts are normalised or what an answer says; it only records.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Engine, bindparam, insert, select, update

from cooperare.errors import StoreError
from cooperare.store.engine import store_errors
from cooperare.store.schema import (
    ANSWER_STATUSES,
    CONTRIBUTION_CATEGORIES,
    REQUESTER_KINDS,
    consultation_contributions,
    consultation_debate_requests,
)
from cooperare.store.values import error_text, now, require_one_of

Category = Literal["citizen", "ngo", "authority", "other"]
AnswerStatus = Literal["pending", "accepted", "partly", "rejected"]
RequesterKind = Literal["ngo", "authority", "other"]
CHUNK = 500


@dataclass(frozen=True)
class ContributionRow:
    """What the caller hands over for one contribution (hashes and the late flag already worked out)."""

    source_key: str
    part_key: str
    category: Category
    author: str
    publish_name: bool
    submitted_at: datetime
    text: str
    content_hash: str
    fold_key: str
    late: bool
    author_hash: str | None = None


@dataclass(frozen=True)
class Contribution:
    """One row of the register."""

    id: int
    consultation_id: str
    source_key: str
    part_key: str
    category: Category
    author: str
    publish_name: bool
    author_hash: str | None
    submitted_at: datetime
    text: str
    content_hash: str
    fold_key: str
    late: bool
    duplicate_of: str | None
    revision: int
    previous_hash: str | None
    answer: AnswerStatus
    reason: str | None
    template: str | None
    answered_at: datetime | None
    recorded_at: datetime
    changed_at: datetime | None
    run_id: int | None


@dataclass(frozen=True)
class RecordCounts:
    """What one recording did: rows added, left alone, with a new text, updated otherwise, folded duplicates."""

    new: int = 0
    unchanged: int = 0
    changed: int = 0
    updated: int = 0
    duplicates: int = 0
    late: int = 0

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class AnswerRow:
    """The authority's answer to one contribution (reason already filled from a template when one was chosen)."""

    source_key: str
    answer: AnswerStatus
    reason: str | None = None
    template: str | None = None


@dataclass(frozen=True)
class DebateRequest:
    """A written request for a public debate (art. 7 alin. (9)), from an association or an authority."""

    source_key: str
    requester: str
    requester_kind: RequesterKind
    submitted_at: datetime
    text: str


_COLUMNS = [f.name for f in fields(Contribution)]
_MUTABLE = ("part_key", "category", "author", "publish_name", "author_hash", "late", "fold_key")
"""Updated in place when the text is the same; the fold key follows the part and the author (and the folding rule),
so a contribution moved to another part folds with that part's contributions."""


class ContributionRegister:
    """Read and write the consultation register of a store (``ContributionRegister(store.engine)``)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def record(self, consultation_id: str, rows: Sequence[ContributionRow], *, run_id: int | None) -> RecordCounts:
        """Add new contributions, mark changed texts, update the rest, then fold duplicates (one transaction)."""
        seen: set[str] = set()
        for row in rows:
            require_one_of(row.category, CONTRIBUTION_CATEGORIES, what="category")
            if row.source_key in seen:
                raise StoreError(f"the source {row.source_key!r} appears twice in one recording")
            seen.add(row.source_key)
        t = consultation_contributions.c
        stamp = now()
        added: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        updated: list[dict[str, Any]] = []
        unchanged = 0
        with store_errors(f"record the contributions of {consultation_id}"), self._engine.begin() as conn:
            existing = {r.source_key: r for r in conn.execute(
                select(t.id, t.source_key, t.content_hash, t.revision, *(getattr(t, n) for n in _MUTABLE))
                .where(t.consultation_id == consultation_id))}
            for row in rows:
                old = existing.get(row.source_key)
                if old is None:
                    added.append({**{f.name: getattr(row, f.name) for f in fields(row)},
                                  "consultation_id": consultation_id, "duplicate_of": None, "revision": 1,
                                  "previous_hash": None, "answer": "pending", "reason": None, "template": None,
                                  "answered_at": None, "recorded_at": stamp, "changed_at": None, "run_id": run_id})
                elif old.content_hash != row.content_hash:
                    changed.append({"b_id": old.id, "text": row.text, "content_hash": row.content_hash,
                                    "fold_key": row.fold_key, "previous_hash": old.content_hash,
                                    "revision": old.revision + 1, "submitted_at": row.submitted_at,
                                    "changed_at": stamp, "run_id": run_id,
                                    **{n: getattr(row, n) for n in _MUTABLE}})
                elif any(getattr(old, n) != getattr(row, n) for n in _MUTABLE):
                    updated.append({"b_id": old.id, "changed_at": stamp, **{n: getattr(row, n) for n in _MUTABLE}})
                else:
                    unchanged += 1
            if added:
                conn.execute(insert(consultation_contributions), added)
            if changed:  # a new text: an answer given to the old one no longer holds
                conn.execute(update(consultation_contributions).where(t.id == bindparam("b_id")).values(
                    answer="pending", reason=None, template=None, answered_at=None), changed)
            if updated:
                conn.execute(update(consultation_contributions).where(t.id == bindparam("b_id")), updated)
            duplicates = self._fold(conn, consultation_id)
        return RecordCounts(new=len(added), unchanged=unchanged, changed=len(changed), updated=len(updated),
                            duplicates=duplicates, late=sum(1 for row in rows if row.late))

    @staticmethod
    def _fold(conn: Any, consultation_id: str) -> int:
        """Point every contribution at the earliest one with its fold key; return how many are duplicates."""
        t = consultation_contributions.c
        rows = conn.execute(select(t.id, t.source_key, t.fold_key, t.submitted_at, t.duplicate_of, t.answer,
                                   t.reason, t.template, t.answered_at)
                            .where(t.consultation_id == consultation_id)
                            .order_by(t.submitted_at, t.id)).all()
        first: dict[str, Any] = {}
        moves: list[dict[str, Any]] = []
        for row in rows:
            original = first.setdefault(row.fold_key, row)
            wanted = None if original is row else original.source_key
            if row.duplicate_of != wanted:
                values = {"b_id": row.id, "duplicate_of": wanted, "answer": row.answer, "reason": row.reason,
                          "template": row.template, "answered_at": row.answered_at}
                if wanted is not None:
                    values.update(answer=original.answer, reason=original.reason, template=original.template,
                                  answered_at=original.answered_at)
                moves.append(values)
        if moves:
            conn.execute(update(consultation_contributions).where(t.id == bindparam("b_id")), moves)
        return len(rows) - len(first)

    def answer(self, consultation_id: str, answers: Sequence[AnswerRow]) -> int:
        """Record answers (and give each to the duplicates folded into it); return the rows changed."""
        t = consultation_contributions.c
        stamp = now()
        for item in answers:
            require_one_of(item.answer, ANSWER_STATUSES, what="answer")
        with store_errors(f"record the answers of {consultation_id}"), self._engine.begin() as conn:
            known = {r.source_key: r for r in conn.execute(
                select(t.source_key, t.duplicate_of, t.answer, t.reason, t.template)
                .where(t.consultation_id == consultation_id))}
            missing = [item.source_key for item in answers if item.source_key not in known]
            if missing:
                raise StoreError(f"the consultation {consultation_id} has no contribution {missing[0]!r}"
                                 + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""))
            values = []
            for item in answers:
                old = known[item.source_key]
                if (old.answer, old.reason, old.template) == (item.answer, item.reason, item.template):
                    continue
                values.append({"b_source": item.source_key, "answer": item.answer,
                               "reason": error_text(item.reason) if item.reason else None,
                               "template": item.template,
                               "answered_at": None if item.answer == "pending" else stamp})
            if not values:
                return 0
            statement = update(consultation_contributions).where(
                t.consultation_id == consultation_id,
                (t.source_key == bindparam("b_source")) | (t.duplicate_of == bindparam("b_source")))
            return int(conn.execute(statement, values).rowcount or 0)

    def all(self, consultation_ids: str | Iterable[str]) -> list[Contribution]:
        """The contributions of one consultation (or several), in order of submission."""
        wanted = [consultation_ids] if isinstance(consultation_ids, str) else list(consultation_ids)
        t = consultation_contributions.c
        found: list[Contribution] = []
        with store_errors("read the consultation register"), self._engine.connect() as conn:
            for start in range(0, len(wanted), CHUNK):
                result = conn.execute(select(consultation_contributions)
                                      .where(t.consultation_id.in_(wanted[start:start + CHUNK]))
                                      .order_by(t.consultation_id, t.submitted_at, t.id))
                found += [Contribution(**{name: row[name] for name in _COLUMNS}) for row in result.mappings()]
        return found

    def record_debate_requests(self, consultation_id: str, requests: Sequence[DebateRequest]) -> int:
        """Add the requests not yet recorded (by source key); return how many were added."""
        t = consultation_debate_requests.c
        for item in requests:
            require_one_of(item.requester_kind, REQUESTER_KINDS, what="requester kind")
        stamp = now()
        with store_errors(f"record the debate requests of {consultation_id}"), self._engine.begin() as conn:
            known = set(conn.scalars(select(t.source_key).where(t.consultation_id == consultation_id)))
            fresh = {item.source_key: item for item in requests if item.source_key not in known}
            if fresh:
                conn.execute(insert(consultation_debate_requests), [
                    {**{f.name: getattr(item, f.name) for f in fields(item)}, "consultation_id": consultation_id,
                     "recorded_at": stamp} for item in fresh.values()])
        return len(fresh)

    def debate_requests(self, consultation_ids: str | Iterable[str]) -> list[DebateRequest]:
        wanted = [consultation_ids] if isinstance(consultation_ids, str) else list(consultation_ids)
        t = consultation_debate_requests.c
        with store_errors("read the debate requests"), self._engine.connect() as conn:
            rows = conn.execute(select(t.source_key, t.requester, t.requester_kind, t.submitted_at, t.text)
                                .where(t.consultation_id.in_(wanted)).order_by(t.submitted_at, t.id)).all()
        return [DebateRequest(*row) for row in rows]
