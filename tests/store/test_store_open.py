"""Opening stores: migrations forward, refusal of newer schemas, SQLite settings, errors without secrets."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import MetaData, insert, inspect, select, text

from cooperare.errors import StoreError
from cooperare.store import Store, migrations
from cooperare.store.schema import metadata, schema_version
from cooperare.store.values import now


def test_new_store_is_at_latest_version_with_one_row_per_migration(store: Store) -> None:
    assert store.schema_version == len(migrations.MIGRATIONS) >= 1
    with store.engine.connect() as conn:
        rows = conn.execute(select(schema_version).order_by(schema_version.c.version)).mappings().all()
    assert [row["version"] for row in rows] == list(range(1, len(migrations.MIGRATIONS) + 1))
    assert rows[0]["description"] == "Runs and the apply journal."
    assert rows[0]["applied_at"].tzinfo is not None


def test_reopening_keeps_data_and_applies_nothing_twice(store_url: str) -> None:
    with Store.open(store_url) as first:
        run = first.runs.start("plan")
    with Store.open(store_url) as second:
        assert second.runs.get(run).command == "plan"
        with second.engine.connect() as conn:
            latest = conn.scalar(select(schema_version.c.version).order_by(schema_version.c.version.desc()))
            assert latest == len(migrations.MIGRATIONS)
            assert len(conn.execute(select(schema_version)).all()) == len(migrations.MIGRATIONS)


def test_migrated_schema_is_the_schema_the_code_queries(store: Store) -> None:
    found = MetaData()
    found.reflect(store.engine)
    assert set(found.tables) == set(metadata.tables)
    inspector = inspect(store.engine)
    for name, table in metadata.tables.items():
        columns = {column["name"]: column for column in inspector.get_columns(name)}
        assert list(columns) == [column.name for column in table.columns], name
        for column in table.columns:
            assert columns[column.name]["nullable"] == (column.nullable and not column.primary_key), column
        assert inspector.get_pk_constraint(name)["constrained_columns"] == [c.name for c in table.primary_key]
        assert {index["name"] for index in inspector.get_indexes(name)} == {index.name for index in table.indexes}
        expected_fks = {(fk.parent.name, fk.column.table.name) for fk in table.foreign_keys}
        found_fks = {(fk["constrained_columns"][0], fk["referred_table"]) for fk in inspector.get_foreign_keys(name)}
        assert found_fks == expected_fks


def test_a_newer_schema_is_refused(store_url: str) -> None:
    with Store.open(store_url) as store, store.engine.begin() as conn:
        conn.execute(insert(schema_version).values(version=99, description="from the future", applied_at=now()))
    known = len(migrations.MIGRATIONS)
    with pytest.raises(StoreError, match=rf"schema version 99, newer than this program knows \({known}\)") as caught:
        Store.open(store_url)
    assert "upgrade cooperare" in (caught.value.hint or "")


def test_an_appended_migration_is_applied_on_next_open(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    Store.open(store_url).close()

    def certificate_registry(conn) -> None:  # type: ignore[no-untyped-def]
        """A table added by a later version."""
        conn.execute(text("CREATE TABLE extra_registry (serial VARCHAR(40) PRIMARY KEY)"))

    monkeypatch.setattr(migrations, "MIGRATIONS", (*migrations.MIGRATIONS, certificate_registry))
    with Store.open(store_url) as store:
        assert store.schema_version == len(migrations.MIGRATIONS)
        assert "extra_registry" in inspect(store.engine).get_table_names()
        with store.engine.connect() as conn:
            latest = len(migrations.MIGRATIONS)
            assert conn.scalar(select(schema_version.c.description).where(schema_version.c.version == latest)) == (
                "A table added by a later version."
            )


def test_a_failing_migration_leaves_the_store_as_it_was(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    Store.open(store_url).close()

    def broken(conn) -> None:  # type: ignore[no-untyped-def]
        """Half a migration."""
        conn.execute(text("CREATE TABLE half_done (id INTEGER PRIMARY KEY)"))
        conn.execute(text("INSERT INTO no_such_table VALUES (1)"))

    monkeypatch.setattr(migrations, "MIGRATIONS", (*migrations.MIGRATIONS, broken))
    with pytest.raises(StoreError, match="could not open the store"):
        Store.open(store_url)
    monkeypatch.undo()
    with Store.open(store_url) as store:
        assert store.schema_version == len(migrations.MIGRATIONS)
        assert "half_done" not in inspect(store.engine).get_table_names()


def test_two_programs_opening_a_new_store_at_once_migrate_it_once(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = threading.Event()
    first_migration = migrations.MIGRATIONS[0]

    def slow_first_migration(conn) -> None:  # type: ignore[no-untyped-def]
        """Runs and the apply journal."""
        first_migration(conn)
        started.set()
        time.sleep(0.5)

    monkeypatch.setattr(migrations, "MIGRATIONS", (slow_first_migration,))
    errors: list[BaseException] = []

    def open_and_close() -> None:
        try:
            Store.open(store_url).close()
        except BaseException as exc:  # reported below
            errors.append(exc)

    first = threading.Thread(target=open_and_close)
    first.start()
    assert started.wait(10)
    second = threading.Thread(target=open_and_close)
    second.start()
    first.join(30)
    second.join(30)
    assert errors == []
    with Store.open(store_url) as store, store.engine.connect() as conn:
        assert len(conn.execute(select(schema_version)).all()) == 1


def test_sqlite_store_is_private_wal_with_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    with Store.open(path) as store:
        store.runs.start("apply")
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with sqlite3.connect(path) as raw:
        assert raw.execute("SELECT command FROM runs").fetchall() == [("apply",)]


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("this is not SQLite " * 100)
    with pytest.raises(StoreError, match=r"could not open the store at .*notes\.sqlite"):
        Store.open(path)


def test_a_store_in_a_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="cannot create the store file"):
        Store.open(tmp_path / "missing" / "state.sqlite")


@pytest.mark.parametrize(
    ("url", "message"),
    [("not a url at all", "not a database URL"), ("mysql://user@localhost/db", "unsupported store database")],
)
def test_bad_urls_are_refused(url: str, message: str) -> None:
    with pytest.raises(StoreError, match=message):
        Store.open(url)


@pytest.mark.postgresql
def test_postgres_login_failure_never_shows_the_password(postgres_url) -> None:  # type: ignore[no-untyped-def]
    wrong = postgres_url.set(password="Wr0ng-Secret-Pa55")
    with pytest.raises(StoreError) as caught:
        Store.open(wrong.render_as_string(hide_password=False))
    text_shown = f"{caught.value} {caught.value.hint} {caught.value!r}"
    assert "Wr0ng-Secret-Pa55" not in text_shown
    assert "could not open the store at postgresql+psycopg://" in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


@pytest.mark.postgresql
def test_bare_postgresql_scheme_uses_psycopg(postgres_url) -> None:  # type: ignore[no-untyped-def]
    bare = postgres_url.set(drivername="postgresql").render_as_string(hide_password=False)
    with Store.open(bare) as store:
        assert store.engine.url.drivername == "postgresql+psycopg"
        assert postgres_url.password is None or "***" in store.url
