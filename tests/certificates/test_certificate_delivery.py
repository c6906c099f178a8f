"""Delivery: the ZIP per track holds only valid certificates; Moodle messages go once, journaled."""

from __future__ import annotations

import zipfile
from dataclasses import replace

from cooperare.certificates.deliver import MESSAGE_SCOPE, message_text, send_messages, zip_track
from cooperare.certificates.issue import Issuing
from cooperare.certificates.serials import grouped
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
