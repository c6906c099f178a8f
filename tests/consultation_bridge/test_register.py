"""Recording contributions: checks, hashes, late flag by the Romanian day, folding by author, part and text."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from cooperare.consultation_bridge.model import Consultation
from cooperare.consultation_bridge.register import (
    ContributionRecord,
    is_late,
    normalised,
    read_records,
    record_contributions,
)
from cooperare.errors import InputError
from cooperare.store import Store
from cooperare.store.consultation import ContributionRegister


def rec(source: str, text: str, *, author: str = "Ion Popescu", email: str | None = None, part: str = "cap-01",
        at: datetime = datetime(2026, 9, 10, 8, 0, tzinfo=UTC)) -> ContributionRecord:
    return ContributionRecord(source_key=source, part_key=part, category="citizen", author=author,
                              submitted_at=at, text=text, email=email)


def test_normalised_text_ignores_case_spaces_and_end_punctuation() -> None:
    assert normalised("  Propun   ȘTERGEREA art. 3!! ") == normalised("propun ștergerea art. 3")
    assert normalised("a b") != normalised("ab")
    assert normalised("Şedinţele să fie publice") == normalised("ședințele să fie publice")  # cedilla, comma below


def test_late_is_decided_by_the_day_in_bucharest(consultation: Consultation) -> None:
    until = consultation.calendar.recommendations_until
    last_evening = datetime(until.year, until.month, until.day, 20, 30, tzinfo=UTC)  # 23:30 in Bucharest
    assert not is_late(last_evening, until)
    assert is_late(last_evening + timedelta(hours=1), until)  # 00:30 the next day there
    # still the last day where it was written (UTC-3), already the next day in Bucharest (04:00)
    assert is_late(datetime(until.year, until.month, until.day, 22, 0, tzinfo=timezone(timedelta(hours=-3))), until)


def test_recording_is_idempotent_journaled_and_folds_the_same_author(consultation: Consultation,
                                                                     store: Store) -> None:
    until = consultation.calendar.recommendations_until
    late_at = datetime(until.year, until.month, until.day, 23, 0, tzinfo=UTC)
    records = [rec("forum-post:1", "Propun un glosar."), rec("forum-post:2", "propun un GLOSAR"),
               rec("forum-post:3", "Propun un glosar.", author="Maria Ionescu"),
               rec("feedback-response:4", "Mai multe exemple.", at=late_at)]
    counts = record_contributions(store, consultation=consultation, records=records)
    assert (counts.new, counts.duplicates, counts.late) == (4, 1, 1)
    again = record_contributions(store, consultation=consultation, records=records)
    assert (again.new, again.unchanged) == (0, 4)
    rows = {c.source_key: c for c in ContributionRegister(store.engine).all(consultation.id)}
    assert rows["forum-post:2"].duplicate_of == "forum-post:1"
    assert rows["forum-post:3"].duplicate_of is None  # another author
    assert rows["feedback-response:4"].late
    with store.engine.connect() as conn:
        commands = [r[0] for r in conn.exec_driver_sql("SELECT command, outcome FROM runs")]
    assert commands == ["consultation record", "consultation record"]


def test_a_contribution_moved_to_another_part_folds_by_its_new_part(consultation: Consultation,
                                                                     store: Store) -> None:
    first = rec("forum-post:1", "Propun un glosar.", part="cap-01")
    later = rec("forum-post:2", "Propun un glosar.", part="cap-02", at=first.submitted_at + timedelta(hours=1))
    assert record_contributions(store, consultation=consultation, records=[first, later]).duplicates == 0
    moved = rec("forum-post:2", "Propun un glosar.", part="cap-01", at=later.submitted_at)
    counts = record_contributions(store, consultation=consultation, records=[first, moved])
    assert (counts.updated, counts.duplicates) == (1, 1)
    rows = {c.source_key: c for c in ContributionRegister(store.engine).all(consultation.id)}
    assert rows["forum-post:2"].duplicate_of == "forum-post:1" and rows["forum-post:2"].part_key == "cap-01"
    back = record_contributions(store, consultation=consultation, records=[first, later])
    assert (back.updated, back.duplicates) == (1, 0)


def test_emails_are_never_stored_only_hashed_per_consultation(consultation: Consultation, store: Store) -> None:
    record_contributions(store, consultation=consultation, records=[
        rec("forum-post:1", "Text.", author="Ion", email="ion@example.ro"),
        rec("forum-post:2", "text", author="Ion P.", email="ION@example.ro ")])
    rows = ContributionRegister(store.engine).all(consultation.id)
    assert rows[1].duplicate_of == "forum-post:1"  # same address, other display name
    with store.engine.connect() as conn:
        dump = "\n".join(str(tuple(r)) for r in conn.exec_driver_sql("SELECT * FROM consultation_contributions"))
    assert "example.ro" not in dump and rows[0].author_hash is not None


@pytest.mark.parametrize(("change", "message"), [
    ({"part_key": "cap-99"}, "no part 'cap-99'"),
    ({"category": "mayor"}, "category 'mayor'"),
    ({"text": "   "}, "text is empty"),
    ({"submitted_at": datetime(2026, 9, 10, 8, 0)}, "no timezone"),
])
def test_bad_records_are_refused_naming_the_source(consultation: Consultation, store: Store,
                                                   change: dict[str, object], message: str) -> None:
    good = rec("forum-post:1", "x")
    bad = ContributionRecord(**{**good.__dict__, **change})  # type: ignore[arg-type]
    with pytest.raises(InputError, match=message) as caught:
        record_contributions(store, consultation=consultation, records=[good, bad])
    assert "forum-post:1" in str(caught.value)
    assert ContributionRegister(store.engine).all(consultation.id) == []


def test_records_from_json_name_the_faulty_entry(tmp_path: Path) -> None:
    path = tmp_path / "in.json"
    path.write_text(json.dumps({"contributions": [
        {"source": "forum-post:1", "part": "cap-01", "category": "ngo", "author": "A", "text": "t",
         "submitted_at": "2026-09-10T10:00:00+03:00", "publish_name": True}],
        "debate_requests": [{"source": "feedback-response:2", "requester": "Asociația X", "requester_kind": "ngo",
                             "submitted_at": "2026-09-11T10:00:00Z"}]}), encoding="utf-8")
    records, requests = read_records(path)
    assert records[0].publish_name and records[0].submitted_at.utcoffset() == timedelta(hours=3)
    assert requests[0].requester == "Asociația X"
    path.write_text(json.dumps({"contributions": [{"source": "s", "part": "p", "category": "ngo", "text": "t",
                                                   "submitted_at": "2026-09-10 10:00"}]}), encoding="utf-8")
    with pytest.raises(InputError, match=r"contributions\[0\].submitted_at: .* needs a timezone"):
        read_records(path)


def test_the_manual_annex_reads_accepted_recommendations_from_the_register(consultation: Consultation,
                                                                           store: Store) -> None:
    from cooperare.manual.annex import accepted_from_register
    from cooperare.store.consultation import AnswerRow

    record_contributions(store, consultation=consultation, records=[
        rec("forum-post:1", "Un glosar.", part="cap-02"), rec("forum-post:2", "un glosar", part="cap-02"),
        rec("forum-post:3", "Alt text.", part="cap-04"), rec("forum-post:4", "Respinsă.", part="cap-04")])
    ContributionRegister(store.engine).answer(consultation.id, [
        AnswerRow("forum-post:1", "accepted", "Adăugat."), AnswerRow("forum-post:3", "partly", "În parte."),
        AnswerRow("forum-post:4", "rejected", "Nu.")])
    accepted = accepted_from_register(store, [consultation.id])
    assert [(a.reference, a.chapter, a.answer, a.reason, a.sender_category) for a in accepted] == [
        ("forum-post:1", "cap-02", "accepted", "Adăugat.", "cetățean"),
        ("forum-post:3", "cap-04", "partly", "În parte.", "cetățean")]


def test_manual_changes_reads_the_register_through_the_cli(consultation: Consultation, store: Store,
                                                           tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from cooperare.cli.main import cli
    from cooperare.store.consultation import AnswerRow

    record_contributions(store, consultation=consultation, records=[rec("forum-post:7", "Un glosar.", part="cap-02")])
    ContributionRegister(store.engine).answer(consultation.id, [AnswerRow("forum-post:7", "accepted", "Adăugat.")])
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cooperare.yaml").write_text(f"store:\n  url: {store.engine.url.render_as_string(hide_password=False)}\n",
                                             encoding="utf-8")
    result = CliRunner().invoke(cli, ["manual", "changes", "--from-consultations", consultation.id, "--json"])
    assert result.exit_code == 0, result.output
    chapters = json.loads(result.output)["chapters"]
    assert [(c["chapter"], [r["reference"] for r in c["recommendations"]]) for c in chapters] == \
        [("cap-02", ["forum-post:7"])]
    both = CliRunner().invoke(cli, ["manual", "changes", "--from-consultations", consultation.id,
                                    "--recommendations", str(tmp_path / "cooperare.yaml")])
    assert isinstance(both.exception, InputError) and "not both" in str(both.exception)
