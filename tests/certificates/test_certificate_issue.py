"""Issuing: only the eligible, frozen once issued, dry runs create nothing, reissue keeps history; the registry."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from cooperare.certificates.eligibility import Progress, evaluate, requirements_for
from cooperare.certificates.issue import Issuing, file_name, issue_track, reissue, result_text
from cooperare.certificates.settings import CertificatesConfig
from cooperare.courses.catalogue import Catalogue
from cooperare.errors import CertificateError, StoreError
from cooperare.store.certificates import CertificateRecord, CertificateRegistry

from .conftest import TRACK, passing, trainee


def test_only_eligible_people_get_a_certificate(catalogue: Catalogue, registry: CertificateRegistry,
                                                issuing: Issuing) -> None:
    failing = evaluate(requirements_for(catalogue, TRACK), trainee(3), progress=Progress())
    outcome = issue_track([passing(catalogue, trainee(1)), failing], track=TRACK, registry=registry,
                          issuing=issuing)
    assert [r.person_key for r in outcome.issued] == ["AG-001"] and outcome.not_eligible == 1
    [record] = registry.all()
    assert record.status == "valid" and record.name == "Ștefan Țăranu" and record.county == "AG"
    assert record.grade_percent == pytest.approx(85.0)
    path = issuing.output / (record.file or "")
    assert path.name == file_name(record.serial, "Ștefan Țăranu") and path.name.endswith("-stefan-taranu.pdf")
    assert hashlib.sha256(path.read_bytes()).hexdigest() == record.sha256
    assert record.details["hours"] == 80 and record.details["issued_on"] == "2027-10-01"


def test_issued_certificates_are_frozen(catalogue: Catalogue, registry: CertificateRegistry, issuing: Issuing,
                                        issued: list[CertificateRecord]) -> None:
    files = {r.serial: (issuing.output / (r.file or "")).read_bytes() for r in issued}
    again = issue_track([passing(catalogue, trainee(1), grade=10), passing(catalogue, trainee(2))], track=TRACK,
                        registry=registry, issuing=issuing)
    assert again.issued == () and again.already == 2
    assert {r.serial for r in registry.all()} == set(files)
    assert all((issuing.output / (r.file or "")).read_bytes() == files[r.serial] for r in issued)


def test_a_dry_run_plans_and_creates_nothing(catalogue: Catalogue, registry: CertificateRegistry,
                                             issuing: Issuing) -> None:
    outcome = issue_track([passing(catalogue, trainee(1))], track=TRACK, registry=registry, issuing=issuing,
                          dry_run=True)
    assert [t.key for t in outcome.planned] == ["AG-001"] and outcome.issued == ()
    assert registry.all() == [] and not issuing.output.exists()


def test_issuing_needs_a_signatory_and_a_verification_url(catalogue: Catalogue, registry: CertificateRegistry,
                                                          issuing: Issuing, config: CertificatesConfig) -> None:
    bare = replace(issuing, config=replace(config, signatory=None))
    with pytest.raises(CertificateError, match="no signatory configured"):
        issue_track([passing(catalogue, trainee(1))], track=TRACK, registry=registry, issuing=bare)
    bare = replace(issuing, config=replace(config, verify_url=None))
    with pytest.raises(CertificateError, match="no verification URL"):
        issue_track([passing(catalogue, trainee(1))], track=TRACK, registry=registry, issuing=bare)


def test_reissue_gives_a_new_serial_with_the_corrected_name_and_keeps_history(
        registry: CertificateRegistry, issuing: Issuing, issued: list[CertificateRecord]) -> None:
    corrected = trainee(1, firstname="Ștefan-Radu")
    new = reissue(issued[0].serial, reason="prenume corectat", registry=registry, issuing=issuing,
                  trainee=corrected)
    old = registry.get(issued[0].serial)
    assert old is not None and old.status == "replaced" and old.replaced_by == new.serial
    assert old.reason == "prenume corectat"
    assert new.serial != old.serial and new.name == "Ștefan-Radu Țăranu" and new.status == "valid"
    assert new.details["result"] == old.details["result"]
    assert [r.serial for r in registry.history("AG-001", TRACK)] == [old.serial, new.serial]
    with pytest.raises(CertificateError, match="is replaced"):
        reissue(old.serial, reason="din nou", registry=registry, issuing=issuing, trainee=None)


def test_reissue_needs_a_reason(registry: CertificateRegistry, issuing: Issuing,
                                issued: list[CertificateRecord]) -> None:
    with pytest.raises(CertificateError, match="needs a reason"):
        reissue(issued[0].serial, reason="  ", registry=registry, issuing=issuing, trainee=None)


def test_the_registry_holds_one_valid_certificate_per_person_and_track(registry: CertificateRegistry,
                                                                        issued: list[CertificateRecord]) -> None:
    twin = replace(issued[0], serial="0000000000000001", sha256="0" * 64, issued_at=datetime.now(UTC))
    with pytest.raises(StoreError, match="already holds a valid certificate"):
        registry.add(twin)
    with pytest.raises(StoreError, match="is already revoked"):
        registry.revoke(issued[1].serial, reason="x")
        registry.revoke(issued[1].serial, reason="x")


def test_the_result_is_written_the_romanian_way(catalogue: Catalogue) -> None:
    assert result_text(passing(catalogue, trainee(1), grade=8.5)) == "Admis – evaluarea finală 8,50 din 10 (85%)"
    assert result_text(passing(catalogue, trainee(1), grade=10)) == "Admis – evaluarea finală 10 din 10 (100%)"
