"""The certificate registry: one row per issued certificate, with its serial, the SHA-256 of the signed PDF and status.

Rows are written once and never rewritten in their content: a certificate is frozen when issued. Only its status
moves, and only forwards: ``valid`` → ``revoked`` (with a reason) or ``valid`` → ``replaced`` (with a reason and the
serial of the certificate that replaces it), so the history of a person's certificates stays readable. At most one
``valid`` certificate exists per person and track; :meth:`CertificateRegistry.add` refuses a second one. This
module must not render, sign or decide eligibility; it only records.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from cooperare.errors import StoreError
from cooperare.store.engine import store_errors
from cooperare.store.schema import certificates
from cooperare.store.values import error_text, json_value, now

Status = Literal["valid", "revoked", "replaced"]


@dataclass(frozen=True)
class CertificateRecord:
    """One registry row."""

    serial: str
    sha256: str
    person_key: str
    moodle_user_id: int | None
    name: str
    email: str | None
    track: str
    county: str | None
    commune: str | None
    organisation: str | None
    category: str | None
    grade_percent: float | None
    file: str | None
    issued_at: datetime
    status: Status = "valid"
    reason: str | None = None
    replaced_by: str | None = None
    changed_at: datetime | None = None
    details: Any = None


_COLUMNS = [f.name for f in fields(CertificateRecord)]


class CertificateRegistry:
    """Read and write the registry of a store (``CertificateRegistry(store.engine)``)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add(self, record: CertificateRecord) -> None:
        """Record a newly issued certificate; refuses a second valid one for the same person and track."""
        self.add_many([record])

    def add_many(self, records: Sequence[CertificateRecord]) -> None:
        """Record several certificates in one transaction (all or none)."""
        if not records:
            return
        rows = [self._row(record) for record in records]
        with store_errors("record issued certificates"), self._engine.begin() as conn:
            pairs = {(row["person_key"], row["track"]) for row in rows}
            if len(pairs) < len(rows):
                raise StoreError("two certificates for the same person and track in one batch")
            taken = conn.execute(
                select(certificates.c.person_key, certificates.c.track).where(
                    certificates.c.status == "valid",
                    certificates.c.person_key.in_({key for key, _ in pairs}),
                )
            ).all()
            clash = pairs & {(key, track) for key, track in taken}
            if clash:
                key, track = min(clash)
                raise StoreError(f"{key} already holds a valid certificate for track {track}",
                                 hint="issued certificates are frozen; use reissue to replace one")
            try:
                conn.execute(insert(certificates), rows)
            except IntegrityError:
                raise StoreError("a serial or a file hash is already in the registry") from None

    def get(self, serial: str) -> CertificateRecord | None:
        return self._one(select(certificates).where(certificates.c.serial == serial))

    def by_hash(self, sha256: str) -> CertificateRecord | None:
        return self._one(select(certificates).where(certificates.c.sha256 == sha256))

    def valid_for(self, person_keys: Iterable[str], *, track: str) -> dict[str, CertificateRecord]:
        """The valid certificate of each of these people on ``track``, by person key."""
        keys = set(person_keys)
        if not keys:
            return {}
        found: dict[str, CertificateRecord] = {}
        ordered = sorted(keys)
        for start in range(0, len(ordered), 500):
            chunk = ordered[start : start + 500]
            statement = select(certificates).where(certificates.c.track == track, certificates.c.status == "valid",
                                                   certificates.c.person_key.in_(chunk))
            found.update((record.person_key, record) for record in self._many(statement))
        return found

    def all(self, *, track: str | None = None, status: Status | None = None) -> list[CertificateRecord]:
        """Rows in issue order, optionally of one track and/or one status."""
        statement = select(certificates)
        if track is not None:
            statement = statement.where(certificates.c.track == track)
        if status is not None:
            statement = statement.where(certificates.c.status == status)
        return self._many(statement)

    def history(self, person_key: str, track: str) -> list[CertificateRecord]:
        return self._many(select(certificates).where(certificates.c.person_key == person_key,
                                                     certificates.c.track == track))

    def positions(self) -> dict[str, tuple[int, Status]]:
        """Serial → (row number, status). Row numbers are never reused (rows are never deleted), so they serve as
        each certificate's stable index in the Open Badges revocation status list."""
        with store_errors("read the certificate registry"), self._engine.connect() as conn:
            rows = conn.execute(select(certificates.c.serial, certificates.c.id, certificates.c.status)).all()
        return {row.serial: (int(row.id), row.status) for row in rows}

    def statuses(self, *, tracks: Iterable[str]) -> list[tuple[str, str, Status]]:
        """(track, serial, status) of every certificate of ``tracks``, in issue order: the state a plan is made
        from, read without the rows' details."""
        wanted = sorted(set(tracks))
        statement = (select(certificates.c.track, certificates.c.serial, certificates.c.status)
                     .where(certificates.c.track.in_(wanted)).order_by(certificates.c.id))
        with store_errors("read the certificate registry"), self._engine.connect() as conn:
            return [(row.track, row.serial, row.status) for row in conn.execute(statement)]

    def count(self) -> int:
        with store_errors("read the certificate registry"), self._engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(certificates)) or 0)

    def revoke(self, serial: str, *, reason: str) -> CertificateRecord:
        """Mark a valid certificate revoked."""
        return self._change(serial, status="revoked", reason=reason, replaced_by=None)

    def replace(self, serial: str, *, reason: str, new: CertificateRecord) -> CertificateRecord:
        """In one transaction: mark ``serial`` replaced by ``new`` and record ``new`` (same person and track)."""
        old = self.get(serial)
        if old is None:
            raise StoreError(f"there is no certificate {serial} in the registry")
        if (new.person_key, new.track) != (old.person_key, old.track):
            raise StoreError("a replacement must be for the same person and track")
        with store_errors(f"replace certificate {serial}"), self._engine.begin() as conn:
            changed = conn.execute(
                update(certificates)
                .where(certificates.c.serial == serial, certificates.c.status == "valid")
                .values(status="replaced", reason=error_text(reason), replaced_by=new.serial, changed_at=now())
            ).rowcount
            if changed != 1:
                raise StoreError(f"certificate {serial} is {old.status}; only a valid certificate can be replaced")
            try:
                conn.execute(insert(certificates).values(self._row(new)))
            except IntegrityError:
                raise StoreError("the new serial or file hash is already in the registry") from None
        return self.get(serial)  # type: ignore[return-value]

    def _change(self, serial: str, *, status: Status, reason: str, replaced_by: str | None) -> CertificateRecord:
        with store_errors(f"change certificate {serial}"), self._engine.begin() as conn:
            changed = conn.execute(
                update(certificates)
                .where(certificates.c.serial == serial, certificates.c.status == "valid")
                .values(status=status, reason=error_text(reason), replaced_by=replaced_by, changed_at=now())
            ).rowcount
        record = self.get(serial)
        if record is None:
            raise StoreError(f"there is no certificate {serial} in the registry")
        if changed != 1:
            raise StoreError(f"certificate {serial} is already {record.status}")
        return record

    @staticmethod
    def _row(record: CertificateRecord) -> dict[str, Any]:
        row = {name: getattr(record, name) for name in _COLUMNS}
        row["details"] = json_value(record.details, what="certificate details")
        return row

    def _one(self, statement: Any) -> CertificateRecord | None:
        found = self._many(statement)
        return found[0] if found else None

    def _many(self, statement: Any) -> list[CertificateRecord]:
        with store_errors("read the certificate registry"), self._engine.connect() as conn:
            rows = conn.execute(statement.order_by(certificates.c.id)).mappings().all()
        return [CertificateRecord(**{name: row[name] for name in _COLUMNS}) for row in rows]
