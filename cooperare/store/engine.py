"""Opening a database for the store, and turning database failures into :class:`~cooperare.errors.StoreError`.

SQLite (the default, a file) is opened private to its owner (mode 0600: journals may hold trainees' data), in WAL
mode with foreign keys on, a busy timeout, and real transactions (Python's sqlite3 module would otherwise commit
DDL on its own). PostgreSQL is reached with psycopg 3 (``postgresql://`` means ``postgresql+psycopg://``).
:func:`exclusive` gives a transaction that holds a store-wide lock, for migrations. This module must not know any
table, and its error messages must not carry SQL, parameters or passwords (only the database's short reason).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from cooperare.errors import StoreError
from cooperare.secrets import redact, register

BUSY_TIMEOUT_MS = 30_000
_EXCLUSIVE = "cooperare_exclusive"
_ADVISORY_LOCK_KEY = 0x636F6F70  # "coop"


def create_store_engine(url: str | Path) -> Engine:
    """An engine for a store URL (``sqlite:///FILE``, ``postgresql+psycopg://…``) or a SQLite file path."""
    parsed = _parse(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(parsed)
    if backend == "postgresql":
        return _postgresql_engine(parsed)
    raise StoreError(f"unsupported store database {backend!r}: use SQLite (sqlite:///FILE) or PostgreSQL")


def shown(url: URL) -> str:
    """A URL fit for a message: the password hidden."""
    return url.render_as_string(hide_password=True)


@contextmanager
def store_errors(action: str) -> Iterator[None]:
    """Re-raise any database error as ``StoreError("could not <action>: <reason>")``, without SQL or values."""
    try:
        yield
    except SQLAlchemyError as exc:
        reason = _reason(exc)
        hint = "another cooperare command is using the store; wait for it and retry" if "locked" in reason else None
        raise StoreError(f"could not {action}: {reason}", hint=hint) from None


@contextmanager
def exclusive(engine: Engine) -> Iterator[Connection]:
    """A transaction holding the store-wide write lock (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory lock)."""
    with engine.connect() as conn:
        conn.execution_options(**{_EXCLUSIVE: True})
        with conn.begin():
            if engine.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK_KEY})
            yield conn


def _parse(url: str | Path) -> URL:
    if isinstance(url, Path):
        return URL.create("sqlite", database=str(url))
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        raise StoreError("the store URL is not a database URL (sqlite:///FILE or postgresql+psycopg://…)") from None
    if parsed.password:
        register(str(parsed.password))
    return parsed


def _sqlite_engine(url: URL) -> Engine:
    database = url.database
    if database and database != ":memory:" and not database.startswith("file:"):
        _create_private_file(Path(database))
    engine = create_engine(url)
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _create_private_file(path: Path) -> None:
    """Create an empty database file readable by its owner only; leave an existing one as it is."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass
    except OSError as exc:
        raise StoreError(f"cannot create the store file {path}: {exc.strerror}") from None


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (see _sqlite_on_begin)
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        # In WAL mode NORMAL is safe against a crash of the program (only a power loss may drop the last commits);
        # an apply journals every batch, and an entry lost that way is reconciled by reading Moodle back anyway.
        cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        cursor.close()


def _sqlite_on_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(_EXCLUSIVE) else "BEGIN")


def _postgresql_engine(url: URL) -> Engine:
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    try:
        return create_engine(url, pool_pre_ping=True)
    except ModuleNotFoundError as exc:
        raise StoreError(
            f"PostgreSQL support is not installed ({exc.name} is missing)",
            hint="pip install 'cooperare[postgresql]'",
        ) from None


def _reason(exc: SQLAlchemyError) -> str:
    """The database's own short reason: psycopg's primary message (no DETAIL, which may hold values) or the
    driver's first line."""
    orig = getattr(exc, "orig", None)
    if orig is None:
        return redact(type(exc).__name__)
    primary = getattr(getattr(orig, "diag", None), "message_primary", None)
    lines = str(orig).strip().splitlines()
    return redact(primary or (lines[0] if lines else type(orig).__name__))
