"""The apply journal: write-ahead entries, closing them, what an interrupted apply left, and redaction."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from cooperare.errors import StoreError
from cooperare.secrets import Secret
from cooperare.store import Store

ADDRESS = "course[coop:course:alfabetizare].activity[coop:alfabetizare:m1:quiz]"


def test_begin_then_done_records_the_result(store: Store, run_id: int) -> None:
    before = datetime.now(UTC)
    entry = store.journal.begin(run_id, scope="courses", address=ADDRESS, action="create", payload={"name": "Test"})
    store.journal.done(entry, {"cmid": 42})
    [recorded] = store.journal.history(ADDRESS)
    assert (recorded.id, recorded.run_id, recorded.scope, recorded.action) == (entry, run_id, "courses", "create")
    assert recorded.phase == "done"
    assert recorded.payload == {"name": "Test"}
    assert recorded.result == {"cmid": 42}
    assert recorded.error is None
    assert before <= recorded.begun_at <= recorded.ended_at  # type: ignore[operator]
    assert recorded.begun_at.tzinfo is UTC


def test_failed_records_the_error_text(store: Store, run_id: int) -> None:
    entry = store.journal.begin(run_id, scope="roster", address="user[ion.popescu]", action="update")
    store.journal.failed(entry, ValueError("invalidparameter: bad email"))
    recorded = store.journal.get(entry)
    assert recorded.phase == "failed"
    assert recorded.error == "invalidparameter: bad email"
    assert recorded.result is None and recorded.ended_at is not None


def test_unfinished_lists_only_open_entries_of_the_scope_oldest_first(store: Store, run_id: int) -> None:
    def begin(scope: str, address: str) -> int:
        return store.journal.begin(run_id, scope=scope, address=address, action="create")

    first = begin("courses", "course[a]")
    closed = begin("courses", "course[b]")
    other_scope = begin("roster", "user[x]")
    failed = begin("courses", "course[c]")
    last = begin("courses", "course[d]")
    store.journal.done(closed, None)
    store.journal.failed(failed, "timeout")
    assert [entry.id for entry in store.journal.unfinished("courses")] == [first, last]
    assert [entry.id for entry in store.journal.unfinished("roster")] == [other_scope]
    assert store.journal.unfinished("certificates") == []


def test_history_spans_runs_in_order(store: Store, run_id: int) -> None:
    created = store.journal.begin(run_id, scope="courses", address=ADDRESS, action="create")
    store.journal.done(created, {"id": 7})
    second_run = store.runs.start("apply")
    updated = store.journal.begin(second_run, scope="courses", address=ADDRESS, action="update")
    store.journal.begin(second_run, scope="courses", address="course[other]", action="delete")
    assert [(entry.id, entry.run_id, entry.action) for entry in store.journal.history(ADDRESS)] == [
        (created, run_id, "create"),
        (updated, second_run, "update"),
    ]
    assert store.journal.history("course[never]") == []


def test_by_address_groups_one_scope_in_order(store: Store, run_id: int) -> None:
    first = store.journal.begin(run_id, scope="certificates.file", address="certificate:A:file", action="create")
    store.journal.failed(first, "no answer")
    again = store.journal.begin(run_id, scope="certificates.file", address="certificate:A:file", action="create")
    other = store.journal.begin(run_id, scope="certificates.file", address="certificate:B:file", action="create")
    store.journal.begin(run_id, scope="certificates.message", address="certificate:A:message", action="create")
    grouped = store.journal.by_address("certificates.file")
    assert {address: [e.id for e in entries] for address, entries in grouped.items()} == {
        "certificate:A:file": [first, again], "certificate:B:file": [other]}
    assert [e.phase for e in grouped["certificate:A:file"]] == ["failed", "begun"]
    assert store.journal.by_address("roster") == {}


def test_each_write_is_committed_before_the_call_returns(store_url: str) -> None:
    with Store.open(store_url) as writer, Store.open(store_url) as reader:
        run = writer.runs.start("apply")
        entry = writer.journal.begin(run, scope="courses", address=ADDRESS, action="create")
        assert [e.id for e in reader.journal.unfinished("courses")] == [entry]
        writer.journal.done(entry, {"id": 1})
        assert reader.journal.unfinished("courses") == []
        assert reader.journal.get(entry).result == {"id": 1}


def test_an_entry_survives_a_process_that_never_closed_the_store(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/crash.sqlite"
    abandoned = Store.open(url)
    entry = abandoned.journal.begin(abandoned.runs.start("apply"), scope="courses", address=ADDRESS, action="create")
    with Store.open(url) as later:
        assert [e.id for e in later.journal.unfinished("courses")] == [entry]
    abandoned.close()


def test_an_entry_is_closed_only_once(store: Store, run_id: int) -> None:
    entry = store.journal.begin(run_id, scope="courses", address=ADDRESS, action="create")
    store.journal.done(entry, {"id": 1})
    with pytest.raises(StoreError, match=f"entry {entry} cannot be marked failed: it is done"):
        store.journal.failed(entry, "late")
    with pytest.raises(StoreError, match=f"entry {entry} cannot be marked done: it is done"):
        store.journal.done(entry, {"id": 2})
    assert store.journal.get(entry).result == {"id": 1}


def test_unknown_entries_and_runs_are_store_errors(store: Store) -> None:
    with pytest.raises(StoreError, match="no journal entry 404"):
        store.journal.done(404, None)
    with pytest.raises(StoreError, match="could not journal the create of course"):
        store.journal.begin(12345, scope="courses", address="course[x]", action="create")


def test_a_database_error_does_not_echo_the_payload(store: Store) -> None:
    with pytest.raises(StoreError) as caught:
        store.journal.begin(999, scope="roster", address="user[u1]", action="create", payload={"lastname": "Popescu"})
    assert "Popescu" not in str(caught.value)
    assert "INSERT INTO" not in str(caught.value).upper()  # no SQL
    assert "999" not in str(caught.value)  # no values (PostgreSQL's DETAIL names the key)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_an_unknown_action_is_a_programming_error(store: Store, run_id: int) -> None:
    with pytest.raises(ValueError, match="action must be one of create, update, delete, not 'noop'"):
        store.journal.begin(run_id, scope="courses", address=ADDRESS, action="noop")  # type: ignore[arg-type]
    assert store.journal.history(ADDRESS) == []


def test_secrets_are_redacted_in_payload_result_and_error(store: Store, run_id: int) -> None:
    token = Secret("0123456789abcdef0123456789abcdef")
    entry = store.journal.begin(
        run_id,
        scope="courses",
        address=ADDRESS,
        action="create",
        payload={"wstoken": token.reveal(), "nested": [f"url?wstoken={token.reveal()}"]},
    )
    store.journal.done(entry, {"echo": token.reveal()})
    other = store.journal.begin(run_id, scope="courses", address=ADDRESS, action="update")
    store.journal.failed(other, f"refused token {token.reveal()}")
    with store.engine.connect() as conn:
        dumped = " ".join(str(row) for row in conn.exec_driver_sql("SELECT payload, result, error FROM journal"))
    assert token.reveal() not in dumped
    assert store.journal.get(entry).payload == {"wstoken": "[REDACTED]", "nested": ["url?wstoken=[REDACTED]"]}
    assert store.journal.get(other).error == "refused token [REDACTED]"


def test_payload_dates_and_paths_become_text_other_objects_are_refused(store: Store, run_id: int) -> None:
    entry = store.journal.begin(
        run_id,
        scope="courses",
        address=ADDRESS,
        action="create",
        payload={"start": date(2027, 2, 1), "file": Path("/tmp/x.pdf"), "keys": ("a", "b")},
    )
    assert store.journal.get(entry).payload == {"start": "2027-02-01", "file": "/tmp/x.pdf", "keys": ["a", "b"]}
    with pytest.raises(StoreError, match=r"payload for course\[y\] cannot be stored as JSON: it holds a object"):
        store.journal.begin(run_id, scope="courses", address="course[y]", action="create", payload={"x": object()})
    assert store.journal.history("course[y]") == []
