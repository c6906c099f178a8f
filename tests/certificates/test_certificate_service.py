"""The certificates service: plans are data made without changing anything, apply does what the plan says as one
journaled run, a plan made before the registry changed is refused, settings are checked before Moodle is called, and
revoke and reissue sign the status list again and republish the verification site into publish_dir."""

from __future__ import annotations

import base64
import json
import zipfile
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cooperare.certificates.badges import STATUS_LIST_FILE, bit_is_set, credential_paths
from cooperare.certificates.moodle_site import moodle_verify_url
from cooperare.certificates.publish import REGISTRY_FILE, open_record, read_published
from cooperare.certificates.serials import grouped
from cooperare.certificates.service import (
    apply_deliver,
    apply_issue,
    apply_reissue,
    apply_revoke,
    issue_address,
    open_badges,
    open_issuing,
    plan_deliver,
    plan_issue,
    plan_reissue,
    plan_revoke,
    read_status,
)
from cooperare.certificates.settings import CertificatesConfig
from cooperare.courses.catalogue import Catalogue
from cooperare.errors import CertificateError, StalePlanError
from cooperare.sandbox import simulate
from cooperare.sandbox.plugin import sitefiles
from cooperare.secrets import Secret
from cooperare.store import Store
from cooperare.store.certificates import CertificateRecord, CertificateRegistry

from .conftest import PASSWORD, TRACK, MoodleTrack, build_track

TODAY = date(2027, 10, 1)


def _runs(store: Store) -> list[tuple[str, str | None]]:
    """(command, outcome) of every run recorded in ``store``, in order."""
    found = []
    run_id = 1
    while True:
        try:
            run = store.runs.get(run_id)
        except Exception:  # noqa: BLE001 — the first missing id ends the list
            return found
        found.append((run.command, run.outcome))
        run_id += 1


def _revoked_bits(config: CertificatesConfig, registry: CertificateRegistry) -> dict[str, bool]:
    """Serial → whether the published status list marks it (the token's payload, read as a verifier would)."""
    token = (config.output / STATUS_LIST_FILE).read_text().strip()
    encoded = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))["credentialSubject"]["encodedList"]
    return {serial: bit_is_set(encoded, index) for serial, (index, _) in registry.positions().items()}


def _pass(moodle_track: MoodleTrack, *names: str) -> None:
    for name in names:
        simulate.record_quiz_attempt(moodle_track.box.site, moodle_track.quiz_id, moodle_track.users[name], 9.0)


# -- issue -------------------------------------------------------------------------------------------------------


def test_an_issue_plan_reads_and_changes_nothing(store: Store, catalogue: Catalogue, config: CertificatesConfig,
                                                 moodle_track: MoodleTrack) -> None:
    _pass(moodle_track, "ana", "eva")
    stats = moodle_track.client.transport.stats
    calls, writes = stats.calls, stats.writes  # building the course
    planned = plan_issue(moodle_track.client, store=store, catalogue=catalogue, config=config, tracks=[TRACK])
    creates = {c.address: c.after["name"] for c in planned.plan.changes if c.action == "create"}
    assert creates == {issue_address(TRACK, "AG-0"): "Ana Ilie", issue_address(TRACK, "AG-2"): "Eva Șerban"}
    assert planned.plan.state_fingerprint and planned.plan.ws_calls == stats.calls - calls > 0
    assert stats.writes == writes  # Moodle only read
    assert CertificateRegistry(store.engine).count() == 0 and _runs(store) == []
    assert not config.output.exists()
    assert "no roster snapshot" in planned.plan.notes[0]
    [assessment] = planned.assessments
    assert [v.trainee.fullname for v in assessment.verdicts if not v.eligible] == ["Dănuț Popa"]


def test_apply_issues_exactly_what_the_plan_said_in_one_run(store: Store, catalogue: Catalogue,
                                                            config: CertificatesConfig,
                                                            moodle_track: MoodleTrack) -> None:
    _pass(moodle_track, "ana", "eva")
    planned = plan_issue(moodle_track.client, store=store, catalogue=catalogue, config=config, tracks=[TRACK])
    issuing = open_issuing(config, catalogue=catalogue, password=Secret(PASSWORD), today=TODAY).issuing
    result = apply_issue(moodle_track.client, store, planned, issuing=issuing, messages=True)
    registry = CertificateRegistry(store.engine)
    made = {issue_address(r.track, r.person_key) for r in registry.all()}
    assert made == {c.address for c in planned.plan.pending()}
    assert {r.serial for r in result.issued} == {r.serial for r in registry.all()}
    [track] = result.tracks
    assert track.messages is not None and len(track.messages.sent) == 2
    with zipfile.ZipFile(track.archive) as archive:
        assert sorted(archive.namelist()) == sorted(Path(r.file or "").name for r in result.issued)
    for record in result.issued:
        assert credential_paths(record, config.output)[1].is_file()
    assert not any(_revoked_bits(config, registry).values())
    run = store.runs.get(result.run_id)
    assert (run.command, run.outcome, run.detail) == ("certificates issue", "ok",
                                                      {"tracks": [{"track": TRACK, "issued": 2}]})
    assert result.published is None  # no publish_dir configured

    again = plan_issue(moodle_track.client, store=store, catalogue=catalogue, config=config, tracks=[TRACK])
    assert not again.plan.has_changes and again.plan.counts()["noop"] == 2
    nothing = apply_issue(moodle_track.client, store, again, issuing=issuing)
    assert nothing.tracks == () and registry.count() == 2
    assert store.runs.get(nothing.run_id).detail == {"tracks": [{"track": TRACK, "issued": 0}]}


def test_a_stale_issue_plan_is_refused(store: Store, catalogue: Catalogue, config: CertificatesConfig,
                                       moodle_track: MoodleTrack) -> None:
    _pass(moodle_track, "ana")
    first = plan_issue(moodle_track.client, store=store, catalogue=catalogue, config=config, tracks=[TRACK])
    second = plan_issue(moodle_track.client, store=store, catalogue=catalogue, config=config, tracks=[TRACK])
    issuing = open_issuing(config, catalogue=catalogue, password=Secret(PASSWORD), today=TODAY).issuing
    apply_issue(moodle_track.client, store, first, issuing=issuing)
    with pytest.raises(StalePlanError, match="stale"):
        apply_issue(moodle_track.client, store, second, issuing=issuing)
    assert CertificateRegistry(store.engine).count() == 1 and [c for c, _ in _runs(store)] == ["certificates issue"]


@pytest.mark.parametrize("missing", ["verify_url", "signatory", "pkcs12"])
def test_the_issue_settings_are_checked_before_any_moodle_call(store: Store, catalogue: Catalogue,
                                                               config: CertificatesConfig, moodle_track: MoodleTrack,
                                                               missing: str) -> None:
    broken = (replace(config, signing=replace(config.signing, pkcs12=None)) if missing == "pkcs12"
              else replace(config, **{missing: None}))
    calls = moodle_track.client.transport.stats.calls
    with pytest.raises(CertificateError):
        plan_issue(moodle_track.client, store=store, catalogue=catalogue, config=broken, tracks=[TRACK])
    assert moodle_track.client.transport.stats.calls == calls
    with pytest.raises(CertificateError):
        open_issuing(broken, catalogue=catalogue, password=Secret(PASSWORD))
    dry = plan_issue(moodle_track.client, store=store, catalogue=catalogue, config=broken, tracks=[TRACK],
                     dry_run=True)
    assert dry.plan.counts()["create"] == 0  # nobody passed yet; a dry run needs no signing settings


def test_a_wrong_password_stops_before_moodle(catalogue: Catalogue, config: CertificatesConfig) -> None:
    with pytest.raises(CertificateError, match="password"):
        open_issuing(config, catalogue=catalogue, password=Secret("not-the-password"))


# -- revoke, reissue ---------------------------------------------------------------------------------------------


@pytest.fixture
def published(config: CertificatesConfig, tmp_path: Path) -> CertificatesConfig:
    """The configuration with publish_dir set: revoke and reissue publish the verification site again."""
    return replace(config, publish_dir=tmp_path / "verify")


@pytest.fixture
def badged(issued: list[CertificateRecord], registry: CertificateRegistry,
           published: CertificatesConfig) -> list[CertificateRecord]:
    """The two issued certificates with their Open Badges credentials and the status list."""
    open_badges(published, password=Secret(PASSWORD)).issue(issued, registry=registry)
    return issued


def test_plans_refuse_what_cannot_be_done_and_change_nothing(store: Store, registry: CertificateRegistry,
                                                             issued: list[CertificateRecord]) -> None:
    with pytest.raises(CertificateError, match="needs a reason"):
        plan_revoke(store, serial=issued[0].serial, reason="  ")
    with pytest.raises(CertificateError, match="no certificate"):
        plan_revoke(store, serial="0000-0000-0000-0000", reason="x")
    with pytest.raises(CertificateError, match="needs a reason"):
        plan_reissue(store, serial=issued[0].serial, reason="")
    planned = plan_reissue(store, serial=grouped(issued[0].serial).lower(), reason="nume corectat")
    assert planned.old.serial == issued[0].serial and planned.trainee is None  # no roster snapshot in this store
    assert [c.action for c in planned.plan.changes] == ["update", "create"]
    assert planned.plan.changes[0].after == {"status": "replaced", "reason": "nume corectat"}
    revoking = plan_revoke(store, serial=issued[1].serial, reason="eroare")
    assert [(c.address, c.action) for c in revoking.plan.changes] == [
        (f"certificate[{grouped(issued[1].serial)}]", "update")]
    assert [r.status for r in registry.all()] == ["valid", "valid"] and _runs(store) == []


def test_revoke_is_one_run_that_rewrites_the_zip_and_the_status_list_and_republishes(
        store: Store, registry: CertificateRegistry, badged: list[CertificateRecord],
        published: CertificatesConfig) -> None:
    planned = plan_revoke(store, serial=badged[1].serial, reason="eroare de evaluare")
    result = apply_revoke(store, planned, config=published, badges=open_badges(published, password=Secret(PASSWORD)))
    assert result.record.status == "revoked" and result.record.reason == "eroare de evaluare"
    assert result.status_list == published.output / STATUS_LIST_FILE
    assert _revoked_bits(published, registry) == {badged[0].serial: False, badged[1].serial: True}
    with zipfile.ZipFile(published.output / f"{TRACK}.zip") as archive:
        assert archive.namelist() == [Path(badged[0].file or "").name]
    assert _runs(store) == [("certificates revoke", "ok"), ("certificates publish", "ok")]
    assert store.runs.get(result.run_id).detail == {"serial": badged[1].serial, "reason": "eroare de evaluare"}
    folder = published.publish_dir
    assert result.published is not None and result.published.folder == folder and folder is not None
    assert (folder / REGISTRY_FILE).is_file()
    shown = read_published(folder, badged[1].serial)
    assert shown is not None and shown["status"] == "revoked"
    assert (folder / STATUS_LIST_FILE).read_bytes() == (published.output / STATUS_LIST_FILE).read_bytes()
    with pytest.raises(CertificateError, match="is revoked"):
        plan_revoke(store, serial=badged[1].serial, reason="again")


def test_reissue_is_one_run_that_signs_the_new_credential_sets_the_old_bit_and_republishes(
        store: Store, registry: CertificateRegistry, badged: list[CertificateRecord], catalogue: Catalogue,
        published: CertificatesConfig) -> None:
    issuing = open_issuing(published, catalogue=catalogue, password=Secret(PASSWORD), today=TODAY).issuing
    result = apply_reissue(store, plan_reissue(store, serial=badged[0].serial, reason="nume corectat"),
                           issuing=issuing)
    assert result.old.status == "replaced" and result.old.replaced_by == result.new.serial
    assert credential_paths(result.new, published.output)[1].is_file()
    assert _revoked_bits(published, registry) == {badged[0].serial: True, badged[1].serial: False,
                                                  result.new.serial: False}
    assert _runs(store) == [("certificates reissue", "ok"), ("certificates publish", "ok")]
    assert store.runs.get(result.run_id).detail["new"] == result.new.serial
    folder = published.publish_dir
    assert folder is not None and result.published is not None
    old, new = read_published(folder, badged[0].serial), read_published(folder, result.new.serial)
    assert old is not None and old["status"] == "replaced"
    assert new is not None and new["status"] == "valid"
    assert (folder / STATUS_LIST_FILE).read_bytes() == (published.output / STATUS_LIST_FILE).read_bytes()


def test_stale_revoke_and_reissue_plans_are_refused(store: Store, registry: CertificateRegistry,
                                                    issued: list[CertificateRecord], config: CertificatesConfig,
                                                    catalogue: Catalogue) -> None:
    revoking = plan_revoke(store, serial=issued[0].serial, reason="eroare")
    reissuing = plan_reissue(store, serial=issued[0].serial, reason="nume corectat")
    apply_revoke(store, revoking, config=config)
    issuing = open_issuing(config, catalogue=catalogue, password=Secret(PASSWORD), today=TODAY).issuing
    with pytest.raises(StalePlanError):
        apply_reissue(store, reissuing, issuing=issuing)
    with pytest.raises(StalePlanError):
        apply_revoke(store, revoking, config=config)
    assert [r.status for r in registry.all()] == ["revoked", "valid"]
    assert [c for c, _ in _runs(store)] == ["certificates revoke"]


def test_the_cli_starts_without_the_signing_libraries() -> None:
    """The CLI imports the service, and the service the PDF-signing and JOSE libraries, only when a command signs or
    verifies, so `cooperare --help` and the offline commands stay fast."""
    import os
    import subprocess
    import sys

    code = ("import sys, cooperare.cli.main; print(sorted(m for m in ('joserfc', 'pyhanko', "
            "'cooperare.certificates.badges', 'cooperare.certificates.service') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True,
                            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])})
    assert result.stdout.strip() == "[]"


def test_the_core_functions_listed_for_certificates_are_the_ones_issuing_calls(
        store: Store, catalogue: Catalogue, config: CertificatesConfig) -> None:
    """`moodle check` reports missing functions per purpose from CORE_FUNCTIONS: for certificates the list is what
    status, a plan, an issue with messages and a delivery of messages really call on a site without the plugin (the
    private files need the plugin, whose service lists its own function) — no more (a function the pack never
    calls would be reported missing for nothing), no less."""
    from cooperare.moodle.site import CORE_FUNCTIONS

    from .conftest import build_track

    moodle_track = build_track(catalogue, plugin=False)
    _pass(moodle_track, "ana")
    stats = moodle_track.client.transport.stats
    before = dict(stats.by_function)
    planned = plan_issue(moodle_track.client, store=store, catalogue=catalogue, config=config, tracks=[TRACK])
    issuing = open_issuing(config, catalogue=catalogue, password=Secret(PASSWORD), today=TODAY).issuing
    assert len(apply_issue(moodle_track.client, store, planned, issuing=issuing, messages=True).issued) == 1
    _pass(moodle_track, "eva")
    read_status(moodle_track.client, store=store, catalogue=catalogue, config=config, tracks=[TRACK])
    apply_issue(moodle_track.client, store, plan_issue(moodle_track.client, store=store, catalogue=catalogue,
                                                       config=config, tracks=[TRACK]), issuing=issuing)
    delivered = apply_deliver(moodle_track.client, store, plan_deliver(store, tracks=[TRACK], message=True,
                                                                       files=False), output=config.output)
    assert [len(t.messages.sent) for t in delivered.tracks if t.messages] == [1]  # eva's, not told at issue
    called = {name for name, count in stats.by_function.items() if count > before.get(name, 0)}
    assert called - set(CORE_FUNCTIONS["site"]) == set(CORE_FUNCTIONS["certificates"])


# -- a site with only Moodle: every change is published into it again --------------------------------------------

MOODLE_ONLY = "https://moodle.example.ro"


def _served(track: MoodleTrack, name: str) -> bytes:
    """What local_cooperare's verify.php serves for ``name`` (the sandbox twin of the real page)."""
    status, _, body, _ = sitefiles.serve(track.box.site, f"/local/cooperare/verify.php/{name}", "")
    assert status == 200, name
    return body


def _status_in_moodle(track: MoodleTrack, serial: str) -> str | None:
    record = open_record(json.loads(_served(track, REGISTRY_FILE)), serial)
    return None if record is None else str(record["status"])


def _issue_on(track: MoodleTrack, store: Store, catalogue: Catalogue, config: CertificatesConfig) -> list[Any]:
    _pass(track, "ana", "eva")
    planned = plan_issue(track.client, store=store, catalogue=catalogue, config=config, tracks=[TRACK])
    issuing = open_issuing(config, catalogue=catalogue, password=Secret(PASSWORD), today=TODAY).issuing
    return [apply_issue(track.client, store, planned, issuing=issuing), issuing]


def test_with_verify_url_on_moodle_issue_revoke_and_reissue_publish_into_it(
        store: Store, catalogue: Catalogue, config: CertificatesConfig) -> None:
    track = build_track(catalogue, plugin=True, wwwroot=MOODLE_ONLY)
    on_moodle = replace(config, verify_url=moodle_verify_url(MOODLE_ONLY), publish_dir=None)
    issued, issuing = _issue_on(track, store, catalogue, on_moodle)
    assert issued.published is None  # no folder of its own: a temporary one, uploaded
    assert issued.in_moodle is not None and issued.in_moodle.error is None
    assert issued.in_moodle.url == "https://moodle.example.ro/local/cooperare/verify.php/"
    first, second = issued.issued
    assert _status_in_moodle(track, first.serial) == _status_in_moodle(track, second.serial) == "valid"
    assert _served(track, STATUS_LIST_FILE) == (on_moodle.output / STATUS_LIST_FILE).read_bytes()

    revoked = apply_revoke(store, plan_revoke(store, serial=second.serial, reason="eroare de evaluare"),
                           config=on_moodle, badges=open_badges(on_moodle, password=Secret(PASSWORD)),
                           client=track.client)
    assert revoked.in_moodle is not None and revoked.in_moodle.error is None
    assert _status_in_moodle(track, second.serial) == "revoked"
    listed = json.loads(base64.urlsafe_b64decode(_served(track, STATUS_LIST_FILE).split(b".")[1] + b"=="))
    index = CertificateRegistry(store.engine).positions()[second.serial][0]
    assert bit_is_set(listed["credentialSubject"]["encodedList"], index)

    reissued = apply_reissue(store, plan_reissue(store, serial=first.serial, reason="nume corectat"),
                             issuing=issuing, client=track.client)
    assert _status_in_moodle(track, first.serial) == "replaced"
    assert _status_in_moodle(track, reissued.new.serial) == "valid"
    runs = _runs(store)
    assert [c for c, _ in runs].count("certificates publish") == 3 and all(o == "ok" for _, o in runs)


def test_verify_url_elsewhere_publishes_nothing_into_moodle(store: Store, catalogue: Catalogue,
                                                            config: CertificatesConfig) -> None:
    track = build_track(catalogue, plugin=True, wwwroot=MOODLE_ONLY)
    issued, _ = _issue_on(track, store, catalogue, config)  # verify_url on the association's own host
    assert issued.in_moodle is None and issued.published is None
    status, *_ = sitefiles.serve(track.box.site, "/local/cooperare/verify.php/registry.json", "")
    assert status == 404


def test_a_failed_publication_into_moodle_is_reported_and_the_revocation_stands(
        store: Store, catalogue: Catalogue, config: CertificatesConfig, tmp_path: Path) -> None:
    on_moodle = replace(config, verify_url=moodle_verify_url(MOODLE_ONLY), publish_dir=tmp_path / "verify")
    with_plugin = build_track(catalogue, plugin=True, wwwroot=MOODLE_ONLY)
    issued, _ = _issue_on(with_plugin, store, catalogue, on_moodle)
    without = build_track(catalogue, plugin=False, wwwroot=MOODLE_ONLY)  # the plugin is gone
    serial = issued.issued[0].serial
    result = apply_revoke(store, plan_revoke(store, serial=serial, reason="eroare"), config=on_moodle,
                          client=without.client)
    assert result.record.status == "revoked"
    assert result.in_moodle is not None and result.in_moodle.url is None
    assert "local_cooperare_publish_site" in (result.in_moodle.error or "")
    assert result.published is not None  # the folder was written before Moodle was tried
    read = read_published(tmp_path / "verify", serial)
    assert read is not None and read["status"] == "revoked"
    assert _runs(store)[-1] == ("certificates publish", "failed")
