"""The state store: runs, the apply journal (and later the certificate registry), in SQLite or PostgreSQL.

``Store.open(url)`` opens a SQLite file (the default) or a PostgreSQL database (``postgresql+psycopg://…``) and
migrates its schema forward; ``store.runs`` and ``store.journal`` hold the operations. Close it with
:meth:`Store.close` or use it as a context manager. Every database failure surfaces as
:class:`~cooperare.errors.StoreError`. This package must not call Moodle, read configuration files or keep secrets:
the caller passes the URL, and whatever it writes is redacted.
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

from sqlalchemy import Engine

from cooperare.store.engine import create_store_engine, shown
from cooperare.store.journal import Action, Journal, JournalEntry
from cooperare.store.migrations import migrate
from cooperare.store.runs import Outcome, Run, Runs

__all__ = ["Action", "Journal", "JournalEntry", "Outcome", "Run", "Runs", "Store"]


class Store:
    """An open store. Build it with :meth:`open`."""

    def __init__(self, engine: Engine, *, schema_version: int) -> None:
        self.engine = engine
        self.schema_version = schema_version
        self.runs = Runs(engine)
        self.journal = Journal(engine)

    @classmethod
    def open(cls, url: str | Path) -> Store:
        """Open (creating it if needed) and migrate the store at ``url``: a database URL or a SQLite file path."""
        engine = create_store_engine(url)
        try:
            version = migrate(engine)
        except BaseException:
            engine.dispose()
            raise
        return cls(engine, schema_version=version)

    @property
    def url(self) -> str:
        """The store's URL with any password hidden."""
        return shown(self.engine.url)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.url!r}, schema_version={self.schema_version})"
