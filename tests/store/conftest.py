"""Store fixtures: every store test runs on a fresh SQLite file and, when a server is given, on PostgreSQL.

PostgreSQL comes from ``COOPERARE_TEST_POSTGRES_URL`` (a database the test role owns); each test gets a schema of
its own, dropped afterwards. Without the URL those tests are skipped, unless ``COOPERARE_REQUIRE_POSTGRES=1`` (CI),
where they fail: a CI run must never pass by silently skipping PostgreSQL.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from cooperare.store import Store

POSTGRES_URL_ENV = "COOPERARE_TEST_POSTGRES_URL"
REQUIRE_POSTGRES_ENV = "COOPERARE_REQUIRE_POSTGRES"


def postgres_server_url() -> URL:
    """The test server's URL (psycopg driver), or skip/fail the test when there is none."""
    value = os.environ.get(POSTGRES_URL_ENV, "").strip()
    if not value:
        if os.environ.get(REQUIRE_POSTGRES_ENV) == "1":
            pytest.fail(f"{REQUIRE_POSTGRES_ENV}=1 but {POSTGRES_URL_ENV} is not set: PostgreSQL tests cannot run")
        pytest.skip(f"{POSTGRES_URL_ENV} is not set")
    url = make_url(value)
    return url.set(drivername="postgresql+psycopg") if url.drivername == "postgresql" else url


@pytest.fixture
def postgres_url() -> Iterator[URL]:
    """A URL whose search_path is a new, empty schema."""
    server = postgres_server_url()
    schema = f"cooperare_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield server.update_query_dict({"options": f"-csearch_path={schema}"})
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL for an empty store, once per backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/store.sqlite"
    url: URL = request.getfixturevalue("postgres_url")
    return url.render_as_string(hide_password=False)


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with Store.open(store_url) as opened:
        yield opened


@pytest.fixture
def run_id(store: Store) -> int:
    return store.runs.start("apply")
