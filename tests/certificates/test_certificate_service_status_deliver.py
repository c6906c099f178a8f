"""The certificates service, status and delivery: ``read_status`` reads and changes nothing; ``plan_deliver`` says
per certificate what delivering would send and put, without calling Moodle; ``apply_deliver`` does it as one journaled
run, a re-plan then has nothing left, a plan made before the registry or the journal changed is refused, and without
the plugin's file function nothing at all is sent; the verification site is published in one run, into a folder and
Moodle; missing Open Badges credentials are written, existing ones kept; verify checks a PDF, a credential and a
serial."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from cooperare.certificates.deliver import FILES_FUNCTION
from cooperare.certificates.serials import grouped
from cooperare.certificates.service import (
    apply_deliver,
    apply_issue,
    apply_revoke,
    deliver_address,
    issue_missing_badges,
    open_badges,
    open_issuing,
    plan_deliver,
    plan_issue,
    plan_revoke,
    publish_site,
    read_status,
    verify,
)
from cooperare.certificates.settings import CertificatesConfig
from cooperare.courses.catalogue import Catalogue
from cooperare.errors import CertificateError, MissingCapability, StalePlanError
from cooperare.sandbox import simulate
from cooperare.secrets import Secret
from cooperare.store import Store
from cooperare.store.certificates import CertificateRecord, CertificateRegistry

from .conftest import PASSWORD, TRACK, MoodleTrack, build_track
from .test_certificate_service import TODAY, _runs


def _issue(moodle_track: MoodleTrack, store: Store, catalogue: Catalogue, config: CertificatesConfig,
           *names: str) -> list[CertificateRecord]:
    """Certificates for ``names`` (they pass the final quiz), issued without messages or files."""
    for name in names:
        simulate.record_quiz_attempt(moodle_track.box.site, moodle_track.quiz_id, moodle_track.users[name], 9.0)
    planned = plan_issue(moodle_track.client, store=store, catalogue=catalogue, config=config, tracks=[TRACK])
    issuing = open_issuing(config, catalogue=catalogue, password=Secret(PASSWORD), today=TODAY).issuing
    return apply_issue(moodle_track.client, store, planned, issuing=issuing).issued


# -- status ------------------------------------------------------------------------------------------------------


def test_status_says_who_is_certified_eligible_or_missing_and_writes_nothing(
        store: Store, catalogue: Catalogue, config: CertificatesConfig, moodle_track: MoodleTrack) -> None:
    [ana] = _issue(moodle_track, store, catalogue, config, "ana")
    simulate.record_quiz_attempt(moodle_track.box.site, moodle_track.quiz_id, moodle_track.users["eva"], 9.0)
    stats = moodle_track.client.transport.stats
    calls, writes, runs = stats.calls, stats.writes, _runs(store)
    report = read_status(moodle_track.client, store=store, catalogue=catalogue, config=config, tracks=[TRACK])
    [found] = report.tracks
    assert (found.track, found.target) == (TRACK, catalogue.track(TRACK).target)
    assert (found.certified, found.eligible, found.missing) == (1, 1, 1)
    assert report.ws_calls == stats.calls - calls > 0 and stats.writes == writes
    people = {p["name"]: p for p in report.as_json()["tracks"][0]["people"]}
    assert people["Ana Ilie"]["state"] == "certified" and people["Ana Ilie"]["serial"] is not None
    assert people["Eva Șerban"]["state"] == "eligible"
    assert people["Dănuț Popa"]["state"] == "missing" and people["Dănuț Popa"]["missing"]
    registry = CertificateRegistry(store.engine)
    assert registry.statuses(tracks=[TRACK]) == [(TRACK, ana.serial, "valid")] and _runs(store) == runs


# -- deliver -----------------------------------------------------------------------------------------------------


def test_a_deliver_plan_lists_what_would_be_sent_and_calls_nothing(
        store: Store, catalogue: Catalogue, config: CertificatesConfig, moodle_track: MoodleTrack) -> None:
    issued = _issue(moodle_track, store, catalogue, config, "ana", "eva")
    stats = moodle_track.client.transport.stats
    calls = stats.calls
    planned = plan_deliver(store, tracks=[TRACK], message=True, files=True)
    assert stats.calls == calls
    assert {c.address for c in planned.plan.pending()} == {
        deliver_address(r.serial, what) for r in issued for what in ("message", "file")}
    assert (planned.count(TRACK, "message"), planned.count(TRACK, "file")) == (2, 2)
    assert planned.plan.state_fingerprint
    only_zip = plan_deliver(store, tracks=[TRACK], message=False, files=False)
    assert only_zip.plan.changes == [] and "ZIP" in only_zip.plan.notes[0]


def test_apply_deliver_does_what_the_plan_said_in_one_run_and_nothing_twice(
        store: Store, catalogue: Catalogue, config: CertificatesConfig, moodle_track: MoodleTrack) -> None:
    issued = _issue(moodle_track, store, catalogue, config, "ana", "eva")
    (config.output / f"{TRACK}.zip").unlink()
    planned = plan_deliver(store, tracks=[TRACK], message=True, files=True)
    told: list[str] = []
    result = apply_deliver(moodle_track.client, store, planned, output=config.output,
                           on_track=lambda done: told.append(done.track))
    [track] = result.tracks
    assert told == [TRACK] and track.certificates == 2
    assert track.messages is not None and sorted(track.messages.sent) == sorted(r.serial for r in issued)
    assert track.files is not None and sorted(track.files.delivered) == sorted(r.serial for r in issued)
    with zipfile.ZipFile(track.archive) as archive:
        assert sorted(archive.namelist()) == sorted(Path(r.file or "").name for r in issued)
    run = store.runs.get(result.run_id)
    assert (run.command, run.outcome) == ("certificates deliver", "ok")

    again = plan_deliver(store, tracks=[TRACK], message=True, files=True)
    assert not again.plan.has_changes and again.plan.counts()["noop"] == 4
    stats = moodle_track.client.transport.stats
    calls = stats.calls
    nothing = apply_deliver(moodle_track.client, store, again, output=config.output)
    assert stats.calls == calls  # everything journaled as done: not a single call
    [track] = nothing.tracks
    assert track.messages is not None and len(track.messages.already) == 2
    assert track.files is not None and len(track.files.already) == 2


def test_a_stale_deliver_plan_is_refused(store: Store, catalogue: Catalogue, config: CertificatesConfig,
                                         moodle_track: MoodleTrack) -> None:
    [ana, _] = _issue(moodle_track, store, catalogue, config, "ana", "eva")
    first = plan_deliver(store, tracks=[TRACK], message=True, files=False)
    second = plan_deliver(store, tracks=[TRACK], message=True, files=False)
    apply_deliver(moodle_track.client, store, first, output=config.output)
    with pytest.raises(StalePlanError, match="stale"):  # the journal changed: those messages went out
        apply_deliver(moodle_track.client, store, second, output=config.output)

    third = plan_deliver(store, tracks=[TRACK], message=True, files=False)
    apply_revoke(store, plan_revoke(store, serial=ana.serial, reason="eroare"), config=config)
    with pytest.raises(StalePlanError, match="stale"):  # the registry changed
        apply_deliver(moodle_track.client, store, third, output=config.output)


def test_without_the_plugin_function_nothing_is_sent(store: Store, catalogue: Catalogue, config: CertificatesConfig,
                                                     moodle_track: MoodleTrack) -> None:
    _issue(moodle_track, store, catalogue, config, "ana")
    core_only = build_track(catalogue, plugin=False)
    planned = plan_deliver(store, tracks=[TRACK], message=True, files=True)
    with pytest.raises(MissingCapability, match=FILES_FUNCTION):
        apply_deliver(core_only.client, store, planned, output=config.output)
    stats = core_only.client.transport.stats
    assert stats.by_function.get("core_message_send_instant_messages", 0) == 0 and stats.uploads == 0


def test_messages_or_files_without_a_site_are_refused(store: Store, catalogue: Catalogue,
                                                      config: CertificatesConfig, moodle_track: MoodleTrack) -> None:
    _issue(moodle_track, store, catalogue, config, "ana")
    planned = plan_deliver(store, tracks=[TRACK], message=True, files=False)
    with pytest.raises(CertificateError, match="needs a Moodle site"):
        apply_deliver(None, store, planned, output=config.output)
    zipped = apply_deliver(None, store, plan_deliver(store, tracks=[TRACK], message=False, files=False),
                           output=config.output)
    assert [t.certificates for t in zipped.tracks] == [1]


# -- publish, Open Badges ----------------------------------------------------------------------------------------


def test_publish_site_writes_the_folder_and_moodle_in_one_run(
        store: Store, catalogue: Catalogue, config: CertificatesConfig, moodle_track: MoodleTrack,
        tmp_path: Path) -> None:
    from cooperare.certificates.publish import read_published

    [ana] = _issue(moodle_track, store, catalogue, config, "ana")
    local = publish_site(store, config, out=tmp_path / "verify")
    assert local.moodle is None and local.site.certificates == 1
    assert read_published(tmp_path / "verify", ana.serial) is not None
    run = store.runs.get(local.run_id)
    assert (run.command, run.outcome, run.detail["certificates"]) == ("certificates publish", "ok", 1)

    both = publish_site(store, config, out=tmp_path / "verify", client=moodle_track.client)
    assert both.moodle is not None and str(both.moodle["url"]).endswith("/local/cooperare/verify.php/")
    assert store.runs.get(both.run_id).detail["moodle"]["url"] == both.moodle["url"]


def test_missing_badges_are_written_and_existing_ones_kept(
        store: Store, catalogue: Catalogue, config: CertificatesConfig, moodle_track: MoodleTrack) -> None:
    from cooperare.certificates.badges import credential_paths

    ana, eva = _issue(moodle_track, store, catalogue, config, "ana", "eva")
    kept = credential_paths(eva, config.output)[1]
    before = kept.read_bytes()
    credential_paths(ana, config.output)[1].unlink()
    badges = open_badges(config, password=Secret(PASSWORD))
    written = issue_missing_badges(store, config=config, tracks=[TRACK], badges=badges)
    assert written == [credential_paths(ana, config.output)[1]] and written[0].is_file()
    assert kept.read_bytes() == before
    assert issue_missing_badges(store, config=config, tracks=["elsewhere"], badges=badges) == []


# -- verify ------------------------------------------------------------------------------------------------------


def test_verify_checks_a_pdf_a_credential_and_a_serial(store: Store, catalogue: Catalogue,
                                                       config: CertificatesConfig, moodle_track: MoodleTrack) -> None:
    from cooperare.certificates.badges import credential_paths

    [ana] = _issue(moodle_track, store, catalogue, config, "ana")
    pdf = (config.output / (ana.file or "")).read_bytes()
    assert verify(store, config, data=pdf).ok
    tampered = bytearray(pdf)
    tampered[len(tampered) // 2] ^= 0x01
    assert not verify(store, config, data=bytes(tampered)).ok
    assert verify(store, config, data=credential_paths(ana, config.output)[1].read_bytes()).ok
    assert verify(store, config, serial=grouped(ana.serial)).ok
    apply_revoke(store, plan_revoke(store, serial=ana.serial, reason="eroare"), config=config)
    assert not verify(store, config, data=pdf).ok and not verify(store, config, serial=ana.serial).ok
