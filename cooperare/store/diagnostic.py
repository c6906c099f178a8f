"""Diagnostic responses in the store: every response received (Moodle or offline form), never overwritten.

A commune that answers twice in a wave keeps both rows; which one counts is decided when reading
(:func:`cooperare.diagnostic.responses.latest`), so the study can say which answers were set aside. Answers are kept
as JSON (multi-choice answers as lists). Nothing personal is stored: the commune's SIRUTA code, the wave, the
instrument version, when it was submitted and where it came from. This module must not score or call Moodle.

Use ``DiagnosticResponses(store.engine)``.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Engine, delete, insert, select

from cooperare.diagnostic.responses import Response
from cooperare.store.engine import store_errors
from cooperare.store.schema import diagnostic_responses as table
from cooperare.store.values import now

_CHUNK = 1000


class DiagnosticResponses:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add(self, responses: Iterable[Response]) -> int:
        """Store responses as received; returns how many were stored."""
        stamp = now()
        rows = [{"siruta": r.siruta, "wave": r.wave, "version": r.version, "submitted_at": r.submitted_at,
                 "source": r.source, "stored_at": stamp,
                 "answers": {k: list(v) if isinstance(v, tuple) else v for k, v in r.answers.items()}}
                for r in responses]
        with store_errors("save diagnostic responses"), self._engine.begin() as conn:
            for start in range(0, len(rows), _CHUNK):
                conn.execute(insert(table), rows[start : start + _CHUNK])
        return len(rows)

    def all(self, *, version: str | None = None) -> list[Response]:
        query = select(table).order_by(table.c.id)
        if version is not None:
            query = query.where(table.c.version == version)
        with store_errors("read diagnostic responses"), self._engine.connect() as conn:
            return [Response(siruta=row.siruta, version=row.version, wave=row.wave, submitted_at=row.submitted_at,
                             source=row.source,
                             answers={k: tuple(v) if isinstance(v, list) else v for k, v in row.answers.items()})
                    for row in conn.execute(query)]

    def sources(self, *, prefix: str) -> set[str]:
        """The sources of the stored responses that start with ``prefix`` (what a collect stored before)."""
        query = select(table.c.source).where(table.c.source.startswith(prefix))
        with store_errors("read diagnostic responses"), self._engine.connect() as conn:
            return {row.source for row in conn.execute(query)}

    def clear(self, *, source_prefix: str) -> int:
        """Forget responses whose source starts with ``source_prefix`` (e.g. generated ones)."""
        with store_errors("delete diagnostic responses"), self._engine.begin() as conn:
            return conn.execute(delete(table).where(table.c.source.startswith(source_prefix))).rowcount or 0
