"""The consultation register: each consultation's outline and every contribution received, with its answer.

One row per consultation and stable source key (``forum-post:123``, ``feedback-response:45``), never two: recording
the same source again with the same text changes nothing, with a new text it becomes a revision (the previous hash
kept, the revision counted, the answer back to pending, since it answered another text). Folded duplicates (same
author, same part, same normalised text) point at the earliest such contribution (``duplicate_of``) and carry its
answer. No e-mail address is stored: the author is a salted hash, used only to fold duplicates. This module must not
decide what a contribution is (hashing, folding keys and lateness come from
:mod:`cooperare.consultation_bridge.register`), render anything or call Moodle.

Use ``ConsultationRegister(store.engine)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from cooperare.consultation_bridge.outline import ConsultationOutline, OutlinePart
from cooperare.errors import StoreError
from cooperare.store.engine import store_errors
from cooperare.store.schema import consultation_contributions as table
from cooperare.store.schema import consultation_outlines as outlines
from cooperare.store.values import now

_CHUNK = 1000
_FIELDS_COMPARED = ("part_key", "category", "author_name", "name_public", "author_hash", "submitted_at", "late")
_ANSWER = ("status", "reason", "template_id", "answered_at")


@dataclass(frozen=True)
class Contribution:
    """One register row."""

    id: int
    consultation_id: str
    source_key: str
    part_key: str
    category: str
    author_name: str
    name_public: bool
    author_hash: str
    submitted_at: datetime
    text: str
    content_hash: str
    fold_key: str
    late: bool
    duplicate_of: int | None
    revision: int
    previous_hash: str | None
    changed_at: datetime | None
    status: str
    reason: str | None
    template_id: str | None
    answered_at: datetime | None
    recorded_at: datetime
    run_id: int | None

    @property
    def answered(self) -> bool:
        return self.status != "pending"


_COLUMNS = [f.name for f in fields(Contribution)]


@dataclass(frozen=True)
class Recorded:
    """What one recording did, by source: new, changed (a new text), updated (same text, other details), unchanged;
    and the register's duplicates and late contributions afterwards."""

    new: int = 0
    changed: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    late: int = 0
    reopened: int = 0
    """Changed contributions whose answer went back to pending."""

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class AnswerRow:
    source_key: str
    status: str
    reason: str | None
    template_id: str | None


class ConsultationRegister:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    # -- outlines -------------------------------------------------------------------------------------------------

    def save_outline(self, outline: ConsultationOutline, *, conn: Connection | None = None) -> None:
        """Insert or replace the outline of ``outline.id``."""
        values = _outline_values(outline)
        if conn is None:
            with store_errors("save the consultation outline"), self._engine.begin() as own:
                self._save_outline(own, outline.id, values)
        else:
            self._save_outline(conn, outline.id, values)

    @staticmethod
    def _save_outline(conn: Connection, consultation_id: str, values: dict[str, Any]) -> None:
        found = conn.execute(select(outlines).where(outlines.c.consultation_id == consultation_id)).mappings().first()
        if found is None:
            conn.execute(insert(outlines).values(consultation_id=consultation_id, **values))
        elif any(found[key] != value for key, value in values.items() if key != "updated_at"):
            conn.execute(update(outlines).where(outlines.c.consultation_id == consultation_id).values(values))

    def outline(self, consultation_id: str) -> ConsultationOutline | None:
        with store_errors("read the consultation outline"), self._engine.connect() as conn:
            row = conn.execute(select(outlines).where(outlines.c.consultation_id == consultation_id)).mappings().first()
        return None if row is None else _outline(row)

    def outlines(self) -> list[ConsultationOutline]:
        with store_errors("read the consultation outlines"), self._engine.connect() as conn:
            rows = conn.execute(select(outlines).order_by(outlines.c.consultation_id)).mappings().all()
        return [_outline(row) for row in rows]

    # -- contributions --------------------------------------------------------------------------------------------

    def contributions(self, consultation_id: str) -> list[Contribution]:
        """Every contribution of a consultation, in the order received (submission time, then id)."""
        statement = (select(table).where(table.c.consultation_id == consultation_id)
                     .order_by(table.c.submitted_at, table.c.id))
        with store_errors("read the consultation register"), self._engine.connect() as conn:
            rows = conn.execute(statement).mappings().all()
        return [Contribution(**{name: row[name] for name in _COLUMNS}) for row in rows]

    def record(self, consultation_id: str, rows: Sequence[Mapping[str, Any]], *, run_id: int | None,
               outline: ConsultationOutline | None = None) -> Recorded:
        """Record prepared rows (every column but the answer and bookkeeping) in one transaction; see the module
        docstring for what happens to a source already recorded."""
        keys = [row["source_key"] for row in rows]
        if len(set(keys)) != len(keys):
            twice = sorted({key for key in keys if keys.count(key) > 1})[:3]
            raise StoreError(f"the same source is given twice in one recording: {', '.join(twice)}")
        stamp = now()
        counts = {"new": 0, "changed": 0, "updated": 0, "unchanged": 0, "reopened": 0}
        try:
            with store_errors("record contributions"), self._engine.begin() as conn:
                if outline is not None:
                    self._save_outline(conn, consultation_id, _outline_values(outline))
                existing = {r["source_key"]: r for r in conn.execute(
                    select(table.c.id, table.c.source_key, table.c.content_hash, table.c.revision, table.c.status,
                           *(table.c[name] for name in _FIELDS_COMPARED))
                    .where(table.c.consultation_id == consultation_id)).mappings()}
                inserts: list[dict[str, Any]] = []
                metadata_updates: list[dict[str, Any]] = []
                text_updates: list[dict[str, Any]] = []
                for row in rows:
                    old = existing.get(row["source_key"])
                    if old is None:
                        inserts.append({**row, "consultation_id": consultation_id, "duplicate_of": None,
                                        "revision": 1, "previous_hash": None, "changed_at": None,
                                        "status": "pending", "reason": None, "template_id": None,
                                        "answered_at": None, "recorded_at": stamp, "run_id": run_id})
                        counts["new"] += 1
                    elif old["content_hash"] != row["content_hash"]:
                        text_updates.append({**{name: row[name] for name in _FIELDS_COMPARED}, "_id": old["id"],
                                             "text": row["text"], "content_hash": row["content_hash"],
                                             "fold_key": row["fold_key"], "previous_hash": old["content_hash"],
                                             "revision": old["revision"] + 1, "changed_at": stamp, "run_id": run_id})
                        counts["changed"] += 1
                        counts["reopened"] += old["status"] != "pending"
                    elif any(old[name] != row[name] for name in _FIELDS_COMPARED):
                        metadata_updates.append({**{name: row[name] for name in _FIELDS_COMPARED}, "_id": old["id"]})
                        counts["updated"] += 1
                    else:
                        counts["unchanged"] += 1
                for start in range(0, len(inserts), _CHUNK):
                    conn.execute(insert(table), inserts[start : start + _CHUNK])
                _bulk_update(conn, metadata_updates)
                _bulk_update(conn, [{**row, "status": "pending", "reason": None, "template_id": None,
                                     "answered_at": None} for row in text_updates])
                duplicates = self._fold(conn, consultation_id)
                late = int(conn.scalar(select(func.count()).select_from(table).where(
                    table.c.consultation_id == consultation_id, table.c.late.is_(True))) or 0)
        except IntegrityError:
            raise StoreError("another recording of the same contributions ran at the same time",
                             hint="run the command again: what is already recorded is kept") from None
        return Recorded(duplicates=duplicates, late=late, **counts)

    def set_answers(self, consultation_id: str, answers: Iterable[AnswerRow]) -> int:
        """Set the answers of original contributions (all in one transaction) and give each of their folded
        duplicates the same answer; returns how many rows changed. Refuses an unknown source or a duplicate."""
        chosen = list(answers)
        stamp = now()
        with store_errors("record the answers"), self._engine.begin() as conn:
            rows = {r["source_key"]: r for r in conn.execute(
                select(table.c.id, table.c.source_key, table.c.duplicate_of, *(table.c[n] for n in _ANSWER[:3]))
                .where(table.c.consultation_id == consultation_id)).mappings()}
            unknown = [a.source_key for a in chosen if a.source_key not in rows]
            if unknown:
                raise StoreError(f"consultation {consultation_id} has no contribution {unknown[0]}"
                                 + (f" (and {len(unknown) - 1} more)" if len(unknown) > 1 else ""))
            folded = [a.source_key for a in chosen if rows[a.source_key]["duplicate_of"] is not None]
            if folded:
                raise StoreError(f"{folded[0]} is a folded duplicate; answer the contribution it repeats")
            changes = [{"_id": rows[a.source_key]["id"], "status": a.status, "reason": a.reason,
                        "template_id": a.template_id, "answered_at": None if a.status == "pending" else stamp}
                       for a in chosen
                       if (rows[a.source_key]["status"], rows[a.source_key]["reason"],
                           rows[a.source_key]["template_id"]) != (a.status, a.reason, a.template_id)]
            if changes:
                _bulk_update(conn, changes)
                self._fold(conn, consultation_id)
        return len(changes)

    def _fold(self, conn: Connection, consultation_id: str) -> int:
        """Point every duplicate at the earliest contribution with its fold key and give it that one's answer;
        returns how many duplicates there are."""
        rows = conn.execute(
            select(table.c.id, table.c.fold_key, table.c.duplicate_of, *(table.c[n] for n in _ANSWER))
            .where(table.c.consultation_id == consultation_id).order_by(table.c.submitted_at, table.c.id)
        ).mappings().all()
        originals: dict[str, Mapping[str, Any]] = {}
        changes: list[dict[str, Any]] = []
        duplicates = 0
        for row in rows:
            original = originals.get(row["fold_key"])
            if original is None:
                originals[row["fold_key"]] = row
                if row["duplicate_of"] is not None:
                    changes.append({"_id": row["id"], "duplicate_of": None,
                                    **{n: row[n] for n in _ANSWER}})
                continue
            duplicates += 1
            wanted = {"duplicate_of": original["id"], **{n: original[n] for n in _ANSWER}}
            if any(row[key] != value for key, value in wanted.items()):
                changes.append({"_id": row["id"], **wanted})
        _bulk_update(conn, changes)
        return duplicates


def _bulk_update(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Update rows by id (``_id``), each with the same columns, in one executemany (bound names prefixed, as
    SQLAlchemy reserves the column names)."""
    if not rows:
        return
    names = [name for name in rows[0] if name != "_id"]
    statement = update(table).where(table.c.id == bindparam("_id")).values({n: bindparam(f"v_{n}") for n in names})
    conn.execute(statement, [{"_id": row["_id"], **{f"v_{n}": row[n] for n in names}} for row in rows])


def _outline_values(outline: ConsultationOutline) -> dict[str, Any]:
    return {"title": outline.title, "authority": outline.authority,
            "recommendations_until": outline.recommendations_until,
            "parts": [{"key": p.key, "title": p.title} for p in outline.parts], "updated_at": now()}


def _outline(row: Mapping[str, Any]) -> ConsultationOutline:
    return ConsultationOutline(id=row["consultation_id"], title=row["title"], authority=row["authority"],
                               parts=tuple(OutlinePart(p["key"], p["title"]) for p in row["parts"]),
                               recommendations_until=row["recommendations_until"])
