"""The dissemination register of the manual: who received which version, when, by which channel, with which letter.

One row per recipient, version and channel (a unique index), so recording twice is refused by the database and
:meth:`DisseminationRegister.recorded` lets the caller skip what was already sent. This module must not render
letters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, insert, select

from cooperare.store.engine import store_errors
from cooperare.store.schema import manual_dissemination
from cooperare.store.values import now


@dataclass(frozen=True)
class Dissemination:
    recipient: str
    kind: str
    county: str
    email: str
    channel: str
    version: str
    letter_file: str
    sent_at: datetime | None = None
    run_id: int | None = None

    def identity(self) -> tuple[str, str, str, str, str]:
        return (self.recipient, self.kind, self.county, self.version, self.channel)


class DisseminationRegister:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def recorded(self, *, version: str) -> set[tuple[str, str, str, str, str]]:
        table = manual_dissemination.c
        with store_errors("read the dissemination register"), self._engine.connect() as conn:
            rows = conn.execute(select(table.recipient, table.kind, table.county, table.version, table.channel)
                                .where(table.version == version)).all()
        return {tuple(row) for row in rows}  # type: ignore[misc]

    def add(self, items: list[Dissemination], *, run_id: int | None) -> None:
        if not items:
            return
        stamp = now()
        values = [{"recipient": i.recipient, "kind": i.kind, "county": i.county, "email": i.email,
                   "channel": i.channel, "version": i.version, "letter_file": i.letter_file, "sent_at": stamp,
                   "run_id": run_id} for i in items]
        with store_errors("record the dissemination"), self._engine.begin() as conn:
            conn.execute(insert(manual_dissemination), values)

    def all(self) -> list[Dissemination]:
        t = manual_dissemination.c
        with store_errors("read the dissemination register"), self._engine.connect() as conn:
            rows = conn.execute(select(t.recipient, t.kind, t.county, t.email, t.channel, t.version, t.letter_file,
                                       t.sent_at, t.run_id).order_by(t.id)).all()
        return [Dissemination(*row) for row in rows]
