"""The certificate registry on SQLite and PostgreSQL: one valid certificate per person and track, statuses that only
move forwards, unique serials and hashes, history kept."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from cooperare.errors import StoreError
from cooperare.store import Store
from cooperare.store.certificates import CertificateRecord, CertificateRegistry


def record(serial: str, *, person: str = "AG-001", track: str = "adm-expert") -> CertificateRecord:
    return CertificateRecord(serial=serial, sha256=serial.lower() * 4, person_key=person,
                             moodle_user_id=7, name="Ștefan Țăranu", email="s@example.ro", track=track, county="AG",
                             commune="Mioveni", organisation="Primăria Mioveni", category="adm-executie",
                             grade_percent=85.0, file=f"{track}/{serial}.pdf", issued_at=datetime.now(UTC),
                             details={"issued_on": date(2027, 10, 1), "hours": 80})


def test_records_round_trip_with_their_details(store: Store) -> None:
    registry = CertificateRegistry(store.engine)
    registry.add(record("A" * 16))
    found = registry.get("A" * 16)
    assert found is not None and found.name == "Ștefan Țăranu" and found.status == "valid"
    assert found.details == {"issued_on": "2027-10-01", "hours": 80}
    assert found.issued_at.tzinfo is not None
    assert registry.by_hash("a" * 64) == found and registry.count() == 1


def test_one_valid_certificate_per_person_and_track(store: Store) -> None:
    registry = CertificateRegistry(store.engine)
    registry.add(record("A" * 16))
    registry.add(record("B" * 16, track="adm-alfabetizare"))
    with pytest.raises(StoreError, match="already holds a valid certificate"):
        registry.add(record("C" * 16))
    with pytest.raises(StoreError, match="same person and track in one batch"):
        registry.add_many([record("D" * 16, person="X"), record("E" * 16, person="X")])
    assert registry.count() == 2
    assert set(registry.valid_for(["AG-001", "nobody"], track="adm-expert")) == {"AG-001"}


def test_serials_and_hashes_are_unique(store: Store) -> None:
    registry = CertificateRegistry(store.engine)
    registry.add(record("A" * 16))
    with pytest.raises(StoreError, match="already in the registry"):
        registry.add(replace(record("A" * 16, person="other"), sha256="f" * 64))
    with pytest.raises(StoreError, match="already in the registry"):
        registry.add(replace(record("B" * 16, person="other"), sha256="a" * 64))


def test_revoke_and_replace_only_valid_certificates_and_keep_history(store: Store) -> None:
    registry = CertificateRegistry(store.engine)
    registry.add(record("A" * 16))
    old = registry.replace("A" * 16, reason="nume corectat", new=record("B" * 16))
    assert (old.status, old.replaced_by, old.reason) == ("replaced", "B" * 16, "nume corectat")
    assert old.changed_at is not None
    with pytest.raises(StoreError, match="only a valid certificate can be replaced"):
        registry.replace("A" * 16, reason="again", new=record("C" * 16))
    assert registry.get("C" * 16) is None  # the failed replacement left nothing behind
    revoked = registry.revoke("B" * 16, reason="fraudă")
    assert revoked.status == "revoked"
    with pytest.raises(StoreError, match="already revoked"):
        registry.revoke("B" * 16, reason="again")
    with pytest.raises(StoreError, match="no certificate"):
        registry.revoke("Z" * 16, reason="x")
    assert [r.serial for r in registry.history("AG-001", "adm-expert")] == ["A" * 16, "B" * 16]
    assert registry.all(status="valid") == []
    registry.add(record("D" * 16))  # a new certificate may follow a revoked one
    with pytest.raises(StoreError, match="same person and track"):
        registry.replace("D" * 16, reason="x", new=record("E" * 16, person="someone-else"))


def test_positions_are_stable_unique_and_carry_the_status(store: Store) -> None:
    registry = CertificateRegistry(store.engine)
    registry.add_many([record("A" * 16), record("B" * 16, person="AG-002")])
    before = registry.positions()
    assert len({index for index, _ in before.values()}) == 2
    registry.revoke("A" * 16, reason="greșeală")
    registry.add(record("C" * 16, person="AG-003"))
    after = registry.positions()
    assert after["A" * 16] == (before["A" * 16][0], "revoked")
    assert after["B" * 16] == before["B" * 16]
    assert after["C" * 16][0] not in {index for index, _ in before.values()}
