"""The consultation register on SQLite and PostgreSQL: idempotent recording, revisions, folding, answers."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from cooperare.consultation_bridge.register import record_contributions
from cooperare.errors import InputError, StoreError
from cooperare.store import Store
from cooperare.store.consultation import AnswerRow, ConsultationRegister
from cooperare.store.schema import consultation_contributions, runs
from tests.consultation_bridge.records_data import CID, OUTLINE, UNTIL, items, late_but_in_time


def record(store: Store, chosen: list | None = None):  # type: ignore[no-untyped-def]
    return record_contributions(store, consultation_id=CID, items=chosen if chosen is not None else items(),
                                recommendations_until=UNTIL, outline=OUTLINE)


def test_first_recording_stores_every_contribution_with_late_and_duplicate_marked(store: Store) -> None:
    done = record(store)
    assert (done.new, done.changed, done.unchanged, done.duplicates, done.late) == (7, 0, 0, 1, 1)
    rows = {c.source_key: c for c in ConsultationRegister(store.engine).contributions(CID)}
    assert rows["forum-post:6"].duplicate_of == rows["forum-post:1"].id
    assert rows["forum-post:1"].duplicate_of is None
    assert [k for k, c in rows.items() if c.late] == ["forum-post:7"]
    assert all(c.status == "pending" and c.revision == 1 for c in rows.values())
    assert rows["forum-post:2"].text.startswith("=HYPERLINK")
    assert ConsultationRegister(store.engine).outline(CID) == OUTLINE


def test_no_email_is_stored_anywhere(store: Store) -> None:
    record(store)
    with store.engine.connect() as conn:
        dumped = repr(conn.execute(select(consultation_contributions)).all())
    assert "@example.ro" not in dumped and "ion@" not in dumped.lower()


def test_recording_again_is_a_no_op_and_journaled_as_a_run(store: Store) -> None:
    record(store)
    again = record(store)
    assert (again.new, again.changed, again.updated, again.unchanged) == (0, 0, 0, 7)
    with store.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(consultation_contributions)) == 7
        details = conn.execute(select(runs.c.command, runs.c.outcome, runs.c.detail).order_by(runs.c.id)).all()
    assert [(d[0], d[1]) for d in details] == [("consultation collect", "ok")] * 2
    assert details[1][2]["unchanged"] == 7 and details[0][2]["new"] == 7


def test_a_changed_text_is_a_revision_never_a_new_row_and_reopens_its_answer(store: Store) -> None:
    record(store)
    register = ConsultationRegister(store.engine)
    register.set_answers(CID, [AnswerRow("forum-post:5", "accepted", "Bună idee", None)])
    before = {c.source_key: c for c in register.contributions(CID)}["forum-post:5"]
    edited = [replace(i, text=i.text + " (completat)") if i.source_key == "forum-post:5" else i for i in items()]
    done = record(store, edited)
    assert (done.new, done.changed, done.unchanged, done.reopened) == (0, 1, 6, 1)
    after = {c.source_key: c for c in register.contributions(CID)}["forum-post:5"]
    assert after.id == before.id and after.revision == 2 and after.previous_hash == before.content_hash
    assert after.status == "pending" and after.reason is None and after.changed_at is not None
    assert len(register.contributions(CID)) == 7
    assert record(store, edited).unchanged == 7


def test_details_change_in_place_and_lateness_follows_local_time(store: Store) -> None:
    record(store)
    chosen = [replace(i, name_public=True, submitted_at=late_but_in_time()) if i.source_key == "forum-post:7" else i
              for i in items()]
    done = record(store, chosen)
    assert (done.updated, done.late) == (1, 0)
    row = {c.source_key: c for c in ConsultationRegister(store.engine).contributions(CID)}["forum-post:7"]
    assert row.name_public and not row.late and row.revision == 1


def test_answers_reach_folded_duplicates_and_refuse_unknown_or_duplicate_sources(store: Store) -> None:
    record(store)
    register = ConsultationRegister(store.engine)
    assert register.set_answers(CID, [AnswerRow("forum-post:1", "rejected", "Nu e de competența noastră", "T2")]) == 1
    rows = {c.source_key: c for c in register.contributions(CID)}
    assert (rows["forum-post:6"].status, rows["forum-post:6"].reason) == ("rejected", "Nu e de competența noastră")
    assert rows["forum-post:1"].answered_at is not None
    with pytest.raises(StoreError, match="no contribution forum-post:99"):
        register.set_answers(CID, [AnswerRow("forum-post:99", "accepted", None, None)])
    with pytest.raises(StoreError, match="forum-post:6 is a folded duplicate"):
        register.set_answers(CID, [AnswerRow("forum-post:6", "accepted", None, None)])
    assert register.set_answers(CID, [AnswerRow("forum-post:1", "rejected", "Nu e de competența noastră", "T2")]) == 0


def test_a_duplicate_whose_original_changes_text_stands_alone(store: Store) -> None:
    record(store)
    edited = [replace(i, text="Alt text, cu totul") if i.source_key == "forum-post:1" else i for i in items()]
    done = record(store, edited)
    assert done.duplicates == 0
    rows = {c.source_key: c for c in ConsultationRegister(store.engine).contributions(CID)}
    assert rows["forum-post:6"].duplicate_of is None


def test_bad_input_names_the_source_and_records_nothing(store: Store) -> None:
    bad = [*items(), replace(items()[0], source_key="forum-post:8", part_key="art-9")]
    with pytest.raises(InputError, match="contribution forum-post:8: part 'art-9' is not a part"):
        record(store, bad)
    twice = [*items(), items()[0]]
    with pytest.raises(StoreError, match="given twice"):
        record(store, twice)
    assert ConsultationRegister(store.engine).contributions(CID) == []


def test_a_failed_recording_is_a_failed_run_and_text_is_cleaned(store: Store) -> None:
    with pytest.raises(StoreError):
        record(store, [*items(), items()[0]])
    with store.engine.connect() as conn:
        assert conn.execute(select(runs.c.outcome)).scalars().all() == ["failed"]
    noisy = replace(items()[0], text="Text\x00 cu\x1b[31m coduri\r\nde control\u0085 ")
    record(store, [noisy])
    stored = ConsultationRegister(store.engine).contributions(CID)[0].text
    assert stored == "Text cu[31m coduri\nde control"
    with pytest.raises(InputError, match="the outline is of consultation"):
        record_contributions(store, consultation_id="alta", items=items(), recommendations_until=UNTIL,
                             outline=OUTLINE)
