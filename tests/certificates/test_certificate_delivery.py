"""Delivery: the ZIP per track holds only valid certificates; Moodle messages go once, journaled; the PDFs go into
the trainees' Moodle private files through the plugin, once, journaled and idempotent."""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from cooperare.certificates.deliver import (
    FILES_FOLDER,
    FILES_FUNCTION,
    FILES_SCOPE,
    MESSAGE_SCOPE,
    deliver_files,
    message_text,
    send_messages,
    zip_track,
)
from cooperare.certificates.issue import Issuing
from cooperare.certificates.serials import grouped
from cooperare.errors import MissingCapability, ResponseLost
from cooperare.moodle.client import MoodleClient
from cooperare.sandbox import FaultKind, Sandbox
from cooperare.store import Store
from cooperare.store.certificates import CertificateRecord, CertificateRegistry

from .conftest import TRACK, MoodleTrack


def test_the_zip_holds_the_valid_certificates_only(registry: CertificateRegistry, issuing: Issuing,
                                                    issued: list[CertificateRecord]) -> None:
    registry.revoke(issued[1].serial, reason="eroare")
    archive = zip_track(registry.all(track=TRACK), output=issuing.output, track=TRACK)
    with zipfile.ZipFile(archive) as opened:
        assert opened.namelist() == [(issuing.output / (issued[0].file or "")).name]
        assert opened.read(opened.namelist()[0]) == (issuing.output / (issued[0].file or "")).read_bytes()


def test_a_track_with_nobody_certified_yet_gets_an_empty_zip_in_a_new_output_folder(tmp_path: Path) -> None:
    """First run of `certificates issue` on a real site: the first track had nobody eligible, so no PDF had created
    the output folder yet, and writing its ZIP failed with "No such file or directory"."""
    output = tmp_path / "certificates"
    archive = zip_track([], output=output, track=TRACK)
    assert archive == output / f"{TRACK}.zip"
    with zipfile.ZipFile(archive) as opened:
        assert opened.namelist() == []


def test_messages_are_sent_once(moodle_track: MoodleTrack, store: Store, issued: list[CertificateRecord]) -> None:
    records = [replace(r, moodle_user_id=uid)
               for r, uid in zip(issued, moodle_track.users.values(), strict=False)]
    run = store.runs.start("certificates deliver")
    first = send_messages(moodle_track.client, records, store=store, run_id=run)
    assert sorted(first.sent) == sorted(r.serial for r in records) and first.already == ()
    calls = moodle_track.client.transport.stats.by_function["core_message_send_instant_messages"]
    assert calls == 1  # one batch
    second = send_messages(moodle_track.client, records, store=store, run_id=run)
    assert second.sent == () and sorted(second.already) == sorted(first.sent)
    assert moodle_track.client.transport.stats.by_function["core_message_send_instant_messages"] == calls
    sent = moodle_track.box.site.db["messages"].where()
    assert len(sent) == len(records) and grouped(records[0].serial) in sent[0]["fullmessage"] + sent[0].get(
        "fullmessagehtml", "")


def test_an_unconfirmed_send_is_reported_not_repeated(moodle_track: MoodleTrack, store: Store,
                                                      issued: list[CertificateRecord]) -> None:
    record = replace(issued[0], moodle_user_id=moodle_track.users["ana"])
    run = store.runs.start("certificates deliver")
    store.journal.begin(run, scope=MESSAGE_SCOPE, address=f"certificate:{record.serial}:message", action="create")
    outcome = send_messages(moodle_track.client, [record], store=store, run_id=run)
    assert outcome.uncertain == (record.serial,) and outcome.sent == ()
    assert moodle_track.client.transport.stats.by_function["core_message_send_instant_messages"] == 0


def test_the_message_is_romanian_and_carries_serial_and_link(issued: list[CertificateRecord]) -> None:
    text = message_text(issued[0])
    assert "Bună ziua, Ștefan Țăranu!" in text and grouped(issued[0].serial) in text
    assert f"https://cooperare.example.ro/verificare?serie={grouped(issued[0].serial)}" in text


# -- PDFs into the trainees' private files -----------------------------------------------------------------------


def for_trainees(moodle_track: MoodleTrack, issued: list[CertificateRecord]) -> list[CertificateRecord]:
    return [replace(r, moodle_user_id=uid) for r, uid in zip(issued, moodle_track.users.values(), strict=False)]


def private_files(box: Sandbox, userid: int) -> dict[str, bytes]:
    context = box.site.context(30, userid)
    rows = box.site.db["files"].where(contextid=context["id"], component="user", filearea="private")
    return {r["filepath"] + r["filename"]: r["content"] for r in rows if r["filename"] != "."}


def test_certificates_go_into_the_trainees_private_files_and_a_rerun_uploads_nothing(
        moodle_track: MoodleTrack, store: Store, issuing: Issuing, issued: list[CertificateRecord]) -> None:
    records = for_trainees(moodle_track, issued)
    stats = moodle_track.client.transport.stats
    run = store.runs.start("certificates deliver")
    first = deliver_files(moodle_track.client, records, store=store, run_id=run, output=issuing.output)
    assert sorted(first.delivered) == sorted(r.serial for r in records)
    assert (first.already, first.unchanged, first.failed) == ((), (), ())
    assert stats.uploads == 2 and stats.by_function[FILES_FUNCTION] == 1  # one plugin call for the batch
    for record in records:
        assert record.moodle_user_id is not None and record.file is not None
        pdf = (issuing.output / record.file).read_bytes()
        assert private_files(moodle_track.box, record.moodle_user_id) == {
            f"{FILES_FOLDER}{Path(record.file).name}": pdf}
        [entry] = store.journal.history(f"certificate:{record.serial}:file")
        assert (entry.scope, entry.phase, entry.payload["sha256"]) == (FILES_SCOPE, "done", record.sha256)
        assert entry.result["contenthash"] == hashlib.sha1(pdf).hexdigest()

    # A re-run: the journal says done for the same certificate hash, so nothing is uploaded or called.
    second = deliver_files(moodle_track.client, records, store=store, run_id=run, output=issuing.output)
    assert second.delivered == () and sorted(second.already) == sorted(first.delivered)
    assert stats.uploads == 2 and stats.by_function[FILES_FUNCTION] == 1


def test_a_lost_answer_is_sent_again_and_the_plugin_reports_unchanged(
        moodle_track: MoodleTrack, store: Store, issuing: Issuing, issued: list[CertificateRecord]) -> None:
    records = for_trainees(moodle_track, issued)
    moodle_track.box.faults.add(FaultKind.LOST_ACK, function=FILES_FUNCTION)
    run = store.runs.start("certificates deliver")
    with pytest.raises(ResponseLost):
        deliver_files(moodle_track.client, records, store=store, run_id=run, output=issuing.output)
    assert [e.phase for e in store.journal.unfinished(FILES_SCOPE)] == ["begun", "begun"]  # it did happen, though

    again = deliver_files(moodle_track.client, records, store=store, run_id=run, output=issuing.output)
    assert sorted(again.unchanged) == sorted(r.serial for r in records) and again.delivered == ()
    assert store.journal.unfinished(FILES_SCOPE) == []
    phases = [e.phase for e in store.journal.history(f"certificate:{records[0].serial}:file")]
    assert phases == ["failed", "done"]  # the lost attempt closed, the new one done
    assert len(private_files(moodle_track.box, records[0].moodle_user_id or 0)) == 1


def test_one_refused_trainee_does_not_stop_the_others(
        moodle_track: MoodleTrack, store: Store, issuing: Issuing, issued: list[CertificateRecord]) -> None:
    good, gone = for_trainees(moodle_track, issued)[0], replace(issued[1], moodle_user_id=999999)
    run = store.runs.start("certificates deliver")
    outcome = deliver_files(moodle_track.client, [gone, good], store=store, run_id=run, output=issuing.output)
    assert outcome.delivered == (good.serial,)
    [(serial, error)] = outcome.failed
    assert serial == gone.serial and "[invalidparameter]" in error  # debugging off: the item is found by retrying
    assert [e.phase for e in store.journal.history(f"certificate:{gone.serial}:file")] == ["failed"]


def test_without_the_plugin_function_delivery_is_refused_naming_it(
        store: Store, issuing: Issuing, issued: list[CertificateRecord]) -> None:
    box = Sandbox(plugin=False)
    client = MoodleClient(box.transport())
    records = [replace(issued[0], moodle_user_id=2)]
    run = store.runs.start("certificates deliver")
    with pytest.raises(MissingCapability) as refused:
        deliver_files(client, records, store=store, run_id=run, output=issuing.output)
    assert FILES_FUNCTION in str(refused.value) and "core_user_add_user_private_files" in str(refused.value)
    assert client.transport.stats.uploads == 0 and store.journal.history(f"certificate:{issued[0].serial}:file") == []


def test_people_without_a_moodle_account_are_reported(
        moodle_track: MoodleTrack, store: Store, issuing: Issuing, issued: list[CertificateRecord]) -> None:
    records = [replace(issued[0], moodle_user_id=None)]
    outcome = deliver_files(moodle_track.client, records, store=store, run_id=store.runs.start("deliver"),
                            output=issuing.output)
    assert outcome.no_account == (issued[0].serial,) and moodle_track.client.transport.stats.uploads == 0


def test_the_open_badges_credential_goes_next_to_the_pdf(moodle_track: MoodleTrack, store: Store, issuing: Issuing,
                                                        issued: list[CertificateRecord]) -> None:
    records = for_trainees(moodle_track, issued)
    for record in records[:1]:  # only the first has a credential (issued before Open Badges, the other has none)
        (issuing.output / (record.file or "")).with_suffix(".json").write_text('{"id": "data:application/vc+jwt,e"}')
    stats = moodle_track.client.transport.stats
    run = store.runs.start("certificates deliver")
    outcome = deliver_files(moodle_track.client, records, store=store, run_id=run, output=issuing.output)
    assert sorted(outcome.delivered) == sorted(r.serial for r in records) and outcome.failed == ()
    assert stats.uploads == 3 and stats.by_function[FILES_FUNCTION] == 1  # still one plugin call for the batch
    first, second = (private_files(moodle_track.box, r.moodle_user_id or 0) for r in records)
    badge = (issuing.output / (records[0].file or "")).with_suffix(".json")
    assert first[f"{FILES_FOLDER}{badge.name}"] == badge.read_bytes()
    assert len(first) == 2 and len(second) == 1


def test_a_refused_trainee_is_reported_once_even_with_a_credential(
        moodle_track: MoodleTrack, store: Store, issuing: Issuing, issued: list[CertificateRecord]) -> None:
    good, gone = for_trainees(moodle_track, issued)[0], replace(issued[1], moodle_user_id=999999)
    for record in (good, gone):
        (issuing.output / (record.file or "")).with_suffix(".json").write_text("{}")
    run = store.runs.start("certificates deliver")
    outcome = deliver_files(moodle_track.client, [gone, good], store=store, run_id=run, output=issuing.output)
    assert outcome.delivered == (good.serial,)
    assert [serial for serial, _ in outcome.failed] == [gone.serial]
