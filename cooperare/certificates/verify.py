"""Verifying a certificate: its PAdES signature, its entry in the registry, and its status.

:func:`verify_pdf` checks, and reports each check separately: the signature is intact (the signed bytes were not
changed), valid and trusted (its chain ends at the configured root), it covers the whole file (nothing was added
after signing); the SHA-256 of the file is in the registry with the serial the PDF carries; and the certificate is
neither revoked nor replaced. :func:`verify_serial` answers for a serial alone (what a person holding a paper copy
can ask). This module must not change the registry.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from cooperare.certificates.serials import grouped, parse_serial
from cooperare.errors import CertificateError, CooperareError
from cooperare.store.certificates import CertificateRecord, CertificateRegistry

SERIAL_KEYWORD = "serie:"


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class Verification:
    """The outcome: ``ok`` only when every check passed."""

    serial: str | None
    record: CertificateRecord | None
    checks: tuple[Check, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(check.ok for check in self.checks)


def load_trust_root(path: Path | None) -> object:
    if path is None:
        raise CertificateError("no trust root configured",
                               hint="set certificates.signing.trust_root to the root certificate (PEM) that "
                                    "signed the signing certificate")
    try:
        return load_cert_from_pemder(str(path))
    except (OSError, ValueError) as exc:
        raise CertificateError(f"cannot read the trust root {path}: {exc}") from None


def verify_pdf(data: bytes, *, registry: CertificateRegistry, trust_root: object) -> Verification:
    checks: list[Check] = []
    serial = _signature_checks(data, trust_root, checks)
    digest = hashlib.sha256(data).hexdigest()
    record = registry.by_hash(digest)
    if record is None:
        checks.append(Check("registry", False, f"no certificate with this file's SHA-256 ({digest[:16]}…) is in "
                                                "the registry"))
    elif serial is not None and record.serial != serial:
        checks.append(Check("registry", False, f"the file is registered as {grouped(record.serial)} but says "
                                                f"{grouped(serial)}"))
    else:
        checks.append(Check("registry", True, f"registered as {grouped(record.serial)}, issued "
                                               f"{record.issued_at:%Y-%m-%d} to {record.name}"))
    if record is None and serial is not None:
        record = registry.get(serial)
    if record is not None:
        checks.append(status_check(record))
    return Verification(serial or (record.serial if record else None), record, tuple(checks))


def verify_serial(text: str, *, registry: CertificateRegistry) -> Verification:
    serial = parse_serial(text)
    record = registry.get(serial)
    if record is None:
        return Verification(serial, None, (Check("registry", False, f"no certificate {grouped(serial)} was issued"),))
    found = Check("registry", True, f"issued {record.issued_at:%Y-%m-%d} to {record.name}, track {record.track}")
    return Verification(serial, record, (found, status_check(record)))


def status_check(record: CertificateRecord) -> Check:
    if record.status == "valid":
        return Check("status", True, "valid")
    if record.status == "replaced":
        return Check("status", False, f"replaced by {grouped(record.replaced_by or '')}: {record.reason}")
    return Check("status", False, f"revoked: {record.reason}")


def _signature_checks(data: bytes, trust_root: object, checks: list[Check]) -> str | None:
    """Append the signature checks; return the serial the PDF carries (None when unreadable)."""
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
        serial = _serial_of(reader)
    except (PdfError, ValueError, KeyError, TypeError, AttributeError, CooperareError) as exc:
        checks.append(Check("signature", False, f"not a readable PDF ({exc})"))
        return None
    if len(signatures) != 1:
        checks.append(Check("signature", False, f"expected one signature, found {len(signatures)}"))
        return serial
    try:
        status = validate_pdf_signature(signatures[0], ValidationContext(trust_roots=[trust_root]))
    except (SignatureValidationError, PdfError, ValueError) as exc:
        checks.append(Check("signature", False, f"cannot be validated: {exc}"))
        return serial
    signer = status.signing_cert.subject.human_friendly if status.signing_cert else "unknown"
    intact = bool(status.intact and status.valid)
    checks.append(Check("signature intact", intact, "the signed content is unchanged" if intact
                        else "the signed content was changed after signing"))
    if not intact:
        trust = "not evaluated: the signature does not match the content"
    elif status.trusted:
        trust = f"signed by {signer}, chain ends at the configured root"
    else:
        trust = f"signed by {signer}, which the configured root does not vouch for"
    checks.append(Check("signature trusted", intact and bool(status.trusted), trust))
    entire = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    checks.append(Check("nothing added", entire, "the signature covers the whole file" if entire
                        else "content was added after the signature"))
    return serial


def _serial_of(reader: PdfFileReader) -> str | None:
    info = reader.trailer_view.get("/Info")
    info = info.get_object() if info is not None else None
    keywords = str(info.get("/Keywords", "")) if info is not None else ""
    for word in keywords.split():
        if word.startswith(SERIAL_KEYWORD):
            return parse_serial(word[len(SERIAL_KEYWORD):])
    return None
