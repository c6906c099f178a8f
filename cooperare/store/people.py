"""The roster people snapshot: who the last roster apply put into Moodle, for certificates and reports.

One row per roster key: Moodle user id and idnumber, names, e-mail, county, commune, organisation, category,
track and status (active, or suspended once they left the roster). It is a copy made after each apply, never the
source of truth (Moodle and the roster file are), and it holds nothing more: never a CNP, a phone number or a
password. This module must not call Moodle.

Use ``People(store.engine)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from typing import Literal

from sqlalchemy import Engine, bindparam, delete, insert, select, update

from cooperare.store.engine import store_errors
from cooperare.store.schema import PERSON_STATUSES, roster_people
from cooperare.store.values import now, require_one_of

Status = Literal["active", "suspended"]
_CHUNK = 500


@dataclass(frozen=True)
class PersonRecord:
    key: str
    idnumber: str
    moodle_user_id: int | None
    firstname: str
    lastname: str
    email: str
    county: str
    commune: str
    organisation: str
    category: str
    track: str
    status: Status = "active"


class People:
    """Upsert and read the snapshot; every write commits at once."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def upsert(self, records: Iterable[PersonRecord]) -> int:
        """Insert new keys and replace the rows of known ones; returns how many rows were written."""
        items = list(records)
        for record in items:
            require_one_of(record.status, PERSON_STATUSES, what="status")
        stamp = now()
        columns = [c.name for c in roster_people.columns if c.name != "key"]
        replace = (update(roster_people).where(roster_people.c.key == bindparam("_key"))
                   .values({name: bindparam(name) for name in columns}))
        with store_errors("save the roster people"), self._engine.begin() as conn:
            known = set(conn.scalars(select(roster_people.c.key)))
            rows = [{**_values(r), "updated_at": stamp} for r in items]
            new = [row for row in rows if row["key"] not in known]
            old = [{**{k: v for k, v in row.items() if k != "key"}, "_key": row["key"]}
                   for row in rows if row["key"] in known]
            if new:
                conn.execute(insert(roster_people), new)
            if old:
                conn.execute(replace, old)
        return len(items)

    def set_status(self, keys: Sequence[str], status: Status) -> None:
        require_one_of(status, PERSON_STATUSES, what="status")
        with store_errors("update the roster people"), self._engine.begin() as conn:
            for start in range(0, len(keys), _CHUNK):
                conn.execute(update(roster_people).where(roster_people.c.key.in_(keys[start:start + _CHUNK]))
                             .values(status=status, updated_at=now()))

    def get(self, key: str) -> PersonRecord | None:
        found = self._select(select(roster_people).where(roster_people.c.key == key))
        return found[0] if found else None

    def all(self, *, track: str | None = None, status: Status | None = None) -> list[PersonRecord]:
        """Every person (of ``track``, with ``status``), by key."""
        statement = select(roster_people)
        if track is not None:
            statement = statement.where(roster_people.c.track == track)
        if status is not None:
            statement = statement.where(roster_people.c.status == status)
        return self._select(statement.order_by(roster_people.c.key))

    def forget(self, keys: Sequence[str]) -> None:
        """Remove people from the snapshot (for a data-protection erasure request)."""
        with store_errors("remove roster people"), self._engine.begin() as conn:
            conn.execute(delete(roster_people).where(roster_people.c.key.in_(list(keys))))

    def _select(self, statement: object) -> list[PersonRecord]:
        with store_errors("read the roster people"), self._engine.connect() as conn:
            rows = conn.execute(statement).mappings().all()  # type: ignore[call-overload]
        return [PersonRecord(**{k: v for k, v in row.items() if k != "updated_at"}) for row in rows]


_FIELDS = [f.name for f in fields(PersonRecord)]


def _values(record: PersonRecord) -> dict[str, object]:
    return {name: getattr(record, name) for name in _FIELDS}
