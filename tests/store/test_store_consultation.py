"""The consultation register on SQLite and PostgreSQL: idempotent recording, changes, folding, answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cooperare.errors import StoreError
from cooperare.store import Store
from cooperare.store.consultation import AnswerRow, ContributionRegister, ContributionRow, DebateRequest

T0 = datetime(2026, 9, 10, 9, 0, tzinfo=UTC)


def row(source: str, text: str, *, fold: str | None = None, minutes: int = 0, part: str = "cap-01",
        consent: bool = False) -> ContributionRow:
    return ContributionRow(source_key=source, part_key=part, category="citizen", author="Ana Ionescu",
                           publish_name=consent, submitted_at=T0 + timedelta(minutes=minutes), text=text,
                           content_hash=f"h-{text}", fold_key=fold or f"f-{text}", late=False)


def test_recording_twice_is_a_no_op(store: Store) -> None:
    register = ContributionRegister(store.engine)
    first = register.record("c1", [row("forum-post:1", "a"), row("forum-post:2", "b")], run_id=None)
    again = register.record("c1", [row("forum-post:1", "a"), row("forum-post:2", "b")], run_id=None)
    assert (first.new, first.unchanged) == (2, 0)
    assert (again.new, again.unchanged, again.changed) == (0, 2, 0)
    assert [c.source_key for c in register.all("c1")] == ["forum-post:1", "forum-post:2"]


def test_a_changed_text_is_a_revision_never_a_second_row(store: Store) -> None:
    register = ContributionRegister(store.engine)
    register.record("c1", [row("forum-post:1", "vechi")], run_id=None)
    register.answer("c1", [AnswerRow("forum-post:1", "accepted", None, None)])
    counts = register.record("c1", [row("forum-post:1", "nou")], run_id=None)
    [only] = register.all("c1")
    assert counts.changed == 1
    assert (only.text, only.revision, only.previous_hash, only.content_hash) == ("nou", 2, "h-vechi", "h-nou")
    assert only.answer == "pending" and only.answered_at is None  # the answer was for the old text
    assert only.changed_at is not None


def test_consent_withdrawn_updates_in_place(store: Store) -> None:
    register = ContributionRegister(store.engine)
    register.record("c1", [row("forum-post:1", "a", consent=True)], run_id=None)
    counts = register.record("c1", [row("forum-post:1", "a", consent=False)], run_id=None)
    assert counts.updated == 1 and register.all("c1")[0].publish_name is False


def test_duplicates_fold_onto_the_earliest_and_share_its_answer(store: Store) -> None:
    register = ContributionRegister(store.engine)
    counts = register.record("c1", [row("forum-post:2", "A!", fold="same", minutes=5),
                                    row("forum-post:1", "a", fold="same", minutes=1),
                                    row("forum-post:3", "other", minutes=9)], run_id=None)
    assert counts.duplicates == 1
    by_source = {c.source_key: c for c in register.all("c1")}
    assert by_source["forum-post:2"].duplicate_of == "forum-post:1"
    assert by_source["forum-post:1"].duplicate_of is None
    changed = register.answer("c1", [AnswerRow("forum-post:1", "rejected", "Nu ține de manual.", None)])
    assert changed == 2
    by_source = {c.source_key: c for c in register.all("c1")}
    assert by_source["forum-post:2"].answer == "rejected"
    assert by_source["forum-post:2"].reason == "Nu ține de manual."
    # an edit that makes the original different unfolds the duplicate
    register.record("c1", [row("forum-post:1", "changed", fold="new", minutes=1)], run_id=None)
    assert {c.source_key: c for c in register.all("c1")}["forum-post:2"].duplicate_of is None


def test_answers_to_unknown_sources_are_refused_and_nothing_changes(store: Store) -> None:
    register = ContributionRegister(store.engine)
    register.record("c1", [row("forum-post:1", "a")], run_id=None)
    with pytest.raises(StoreError, match="no contribution 'forum-post:9'"):
        register.answer("c1", [AnswerRow("forum-post:1", "accepted"), AnswerRow("forum-post:9", "accepted")])
    assert register.all("c1")[0].answer == "pending"
    assert register.answer("c1", [AnswerRow("forum-post:1", "pending")]) == 0  # already so


def test_consultations_are_kept_apart_and_a_source_twice_in_one_batch_is_refused(store: Store) -> None:
    register = ContributionRegister(store.engine)
    register.record("c1", [row("forum-post:1", "a")], run_id=None)
    register.record("c2", [row("forum-post:1", "a")], run_id=None)
    assert len(register.all("c1")) == 1 and len(register.all(["c1", "c2"])) == 2
    with pytest.raises(StoreError, match="twice"):
        register.record("c1", [row("forum-post:5", "a"), row("forum-post:5", "b")], run_id=None)


def test_debate_requests_are_recorded_once(store: Store) -> None:
    register = ContributionRegister(store.engine)
    request = DebateRequest("feedback-response:7", "Asociația „Viitorul Satului”", "ngo", T0, "Cerem dezbatere.")
    assert register.record_debate_requests("c1", [request]) == 1
    assert register.record_debate_requests("c1", [request]) == 0
    assert register.debate_requests("c1") == [request]
