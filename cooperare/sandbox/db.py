"""The sandbox's in-memory database: tables of rows with PostgreSQL-like id sequences and undoable transactions.

Moodle on PostgreSQL hands out ids from sequences that a rollback does not give back; the recordings show it (a
rolled-back batch still uses up ids). So :meth:`Table.insert` always advances the sequence, and a transaction's
rollback removes rows but keeps the sequence. Secondary indexes keep look-ups by username, idnumber or
(course, user) fast enough for 30,000-person rosters.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

Row = dict[str, Any]


class Table:
    """Rows keyed by id, with an id sequence and optional secondary indexes on one or more columns."""

    def __init__(self, db: Database, name: str, *, next_id: int = 1, indexes: Iterable[tuple[str, ...]] = ()) -> None:
        self.db = db
        self.name = name
        self.next_id = next_id
        self.rows: dict[int, Row] = {}
        self._indexes: dict[tuple[str, ...], dict[tuple[Any, ...], set[int]]] = {tuple(i): {} for i in indexes}

    # -- index upkeep ---------------------------------------------------------------------------------------------

    def _index_add(self, row: Row) -> None:
        for columns, index in self._indexes.items():
            index.setdefault(tuple(row.get(c) for c in columns), set()).add(row["id"])

    def _index_remove(self, row: Row) -> None:
        for columns, index in self._indexes.items():
            key = tuple(row.get(c) for c in columns)
            ids = index.get(key)
            if ids is not None:
                ids.discard(row["id"])
                if not ids:
                    del index[key]

    # -- writes (undoable) ------------------------------------------------------------------------------------------

    def insert(self, row: Row) -> int:
        """Insert ``row`` (without id) and return its new id; the sequence advances even if later rolled back."""
        new_id = self.next_id
        self.next_id += 1
        stored = {"id": new_id, **row}
        self.rows[new_id] = stored
        self._index_add(stored)
        self.db._log(("insert", self, new_id, None))
        return new_id

    def insert_with_id(self, row: Row) -> int:
        """Insert a row whose id is given (baseline data); moves the sequence past it."""
        stored = dict(row)
        self.rows[stored["id"]] = stored
        self._index_add(stored)
        self.next_id = max(self.next_id, stored["id"] + 1)
        self.db._log(("insert", self, stored["id"], None))
        return stored["id"]

    def update(self, row_id: int, **changes: Any) -> Row:
        row = self.rows[row_id]
        self.db._log(("update", self, row_id, copy.deepcopy(row)))
        self._index_remove(row)
        row.update(changes)
        self._index_add(row)
        return row

    def delete(self, row_id: int) -> None:
        row = self.rows.pop(row_id)
        self._index_remove(row)
        self.db._log(("delete", self, row_id, row))

    def delete_where(self, **conditions: Any) -> int:
        ids = [row["id"] for row in self.where(**conditions)]
        for row_id in ids:
            self.delete(row_id)
        return len(ids)

    # -- reads ---------------------------------------------------------------------------------------------------

    def get(self, row_id: Any) -> Row | None:
        if isinstance(row_id, bool) or not isinstance(row_id, int):
            return None
        return self.rows.get(row_id)

    def where(self, **conditions: Any) -> list[Row]:
        """Rows matching every ``column=value``, in id order."""
        if not conditions:
            return [self.rows[i] for i in sorted(self.rows)]
        usable = [columns for columns in self._indexes if set(columns) <= conditions.keys()]
        if usable:
            columns = max(usable, key=len)  # the most specific index: (courseid, name) before (courseid)
            ids = self._indexes[columns].get(tuple(conditions[c] for c in columns), set())
            candidates = (self.rows[i] for i in sorted(ids))
        else:
            candidates = (self.rows[i] for i in sorted(self.rows))
        return [row for row in candidates if all(row.get(k) == v for k, v in conditions.items())]

    def first(self, **conditions: Any) -> Row | None:
        found = self.where(**conditions)
        return found[0] if found else None

    def __iter__(self) -> Iterator[Row]:
        return (self.rows[i] for i in sorted(self.rows))

    def __len__(self) -> int:
        return len(self.rows)

    # -- undo ----------------------------------------------------------------------------------------------------

    def _undo(self, action: str, row_id: int, old: Row | None) -> None:
        if action == "insert":
            row = self.rows.pop(row_id, None)
            if row is not None:
                self._index_remove(row)
        elif action == "update":
            current = self.rows.get(row_id)
            if current is not None:
                self._index_remove(current)
            assert old is not None
            self.rows[row_id] = old
            self._index_add(old)
        elif action == "delete":
            assert old is not None
            self.rows[row_id] = old
            self._index_add(old)


class Database:
    """A set of tables and an undo log for the transaction in progress (one at a time; calls are serialised)."""

    def __init__(self) -> None:
        self.tables: dict[str, Table] = {}
        self._undo_log: list[tuple[str, Table, int, Row | None]] | None = None

    def table(self, name: str, *, next_id: int = 1, indexes: Iterable[tuple[str, ...]] = ()) -> Table:
        if name not in self.tables:
            self.tables[name] = Table(self, name, next_id=next_id, indexes=indexes)
        return self.tables[name]

    def __getitem__(self, name: str) -> Table:
        return self.tables[name]

    def _log(self, entry: tuple[str, Table, int, Row | None]) -> None:
        if self._undo_log is not None:
            self._undo_log.append(entry)

    def begin(self) -> None:
        if self._undo_log is not None:
            raise RuntimeError("a sandbox transaction is already open")
        self._undo_log = []

    def commit(self) -> None:
        self._undo_log = None

    def rollback(self) -> None:
        """Undo every write since :meth:`begin` (sequences keep their values, as in PostgreSQL)."""
        log, self._undo_log = self._undo_log or [], None
        for action, table, row_id, old in reversed(log):
            table._undo(action, row_id, old)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All-or-nothing: an exception inside undoes every write (ids stay used). Nested uses join the outer one."""
        if self._undo_log is not None:
            yield
            return
        self.begin()
        try:
            yield
        except BaseException:
            self.rollback()
            raise
        self.commit()
