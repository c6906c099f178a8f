"""The store's tables as the code queries them today (SQLAlchemy Core), and the column types they share.

These definitions are the *current* shape; the database gets there through :mod:`cooperare.store.migrations`, and a
test checks that the two agree. Adding a table means a ``Table`` here and one migration function there. This module
must not create or alter anything in a database itself.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.types import TypeDecorator

RUN_OUTCOMES = ("ok", "failed", "interrupted")
JOURNAL_ACTIONS = ("create", "update", "delete")
JOURNAL_PHASES = ("begun", "done", "failed")


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp kept as naive UTC in every database and handed back timezone-aware (UTC)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps given to the store must be timezone-aware")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


def one_of(column: str, values: tuple[str, ...]) -> CheckConstraint:
    allowed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=f"{column}_allowed")


metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("description", Text, nullable=False),
    Column("applied_at", UTCDateTime, nullable=False),
)

runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("command", String(200), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime),
    Column("outcome", String(16)),
    Column("ws_calls", Integer, nullable=False),
    Column("detail", JSON(none_as_null=True)),
    one_of("outcome", RUN_OUTCOMES),
)

journal = Table(
    "journal",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", Integer, ForeignKey("runs.id"), nullable=False),
    Column("scope", String(64), nullable=False),
    Column("address", Text, nullable=False),
    Column("action", String(16), nullable=False),
    Column("phase", String(16), nullable=False),
    Column("payload", JSON(none_as_null=True)),
    Column("result", JSON(none_as_null=True)),
    Column("error", Text),
    Column("begun_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime),
    one_of("action", JOURNAL_ACTIONS),
    one_of("phase", JOURNAL_PHASES),
    Index("journal_scope_phase", "scope", "phase"),
    Index("journal_address", "address"),
    Index("journal_run", "run_id"),
)
