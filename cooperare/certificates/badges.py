"""Open Badges 3.0: with every certificate, an OpenBadgeCredential signed with the issuer's key, and a revocation list.

Each credential follows the W3C Verifiable Credentials data model 2.0 with the Open Badges 3.0 context: the
achievement is the track and its programme (name, description, criteria in Romanian, hours), the evidence is the
final result and the hours, the subject is identified by the certificate's serial and a salted SHA-256 of the
holder's e-mail (never the e-mail itself, never a CNP), the issuer is the configured profile with its URL, and
``credentialStatus`` points at a W3C Bitstring Status List. It is secured the VC-JOSE way: a compact JWS of the
credential (header ``typ: vc+jwt``, ``cty: vc``, RS256 or ES256 after the key, ``kid`` its RFC 7638 thumbprint)
made with :mod:`joserfc` from the PKCS#12 key that signs the PDFs. Next to each PDF go ``….json`` (that JWS wrapped
as a VC 2.0 ``EnvelopedVerifiableCredential``) and ``….jwt`` (the same credential in the Open Badges 3.0 "JSON Web
Token Proof Format": a ``vc`` claim with ``iss``/``jti``/``nbf``/``sub``, ``typ`` ``JWT``, ``kid`` the URL of the
key in ``jwks.json``, for verifiers that follow that section of the OB spec); in the output
folder go ``status-list.jwt`` (a signed ``BitstringStatusListCredential``, one bit per registry row, set for a revoked
or replaced certificate, rewritten on every issue, revoke and reissue) and ``jwks.json`` (the issuer's public key for
independent verifiers, with its certificate chain in ``x5c``, which ties it to the PDF-signing trust root; the chain
is kept out of the JWS header, where common verifiers cap the size). :func:`verify_badge` checks a credential
offline; :func:`published_file` reads the key set and status list a published verification site serves (a folder
or its address), as outside verifiers see them. This module must not read Moodle, print or change the registry.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import hashlib
import json
import secrets
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, RSAKey

from cooperare.certificates.issue import write_atomically
from cooperare.certificates.render import verification_link
from cooperare.certificates.serials import grouped, parse_serial
from cooperare.certificates.signing import load_signing_key
from cooperare.certificates.verify import Check, Verification, status_check
from cooperare.errors import CertificateError, CooperareError
from cooperare.secrets import Secret
from cooperare.store.certificates import CertificateRecord, CertificateRegistry

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_SCHEMA = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
TYP = "vc+jwt"
CTY = "vc"
ENVELOPE_PREFIX = "data:application/vc+jwt,"
STATUS_LIST_FILE = "status-list.jwt"
JWKS_FILE = "jwks.json"
STATUS_LIST_BITS = 131072
"""16 KiB: the minimum size of a bitstring status list (herd privacy)."""
CURVES = {"secp256r1": "ES256", "secp384r1": "ES384"}


# -- the issuer's key --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuerKey:
    """The PKCS#12 signing key as a JWK, with the algorithm its type calls for and its certificate chain."""

    jwk: RSAKey | ECKey
    algorithm: str
    kid: str
    chain: tuple[str, ...]
    """``x5c``: base64 DER certificates, the signing certificate first, the trust root left out."""

    @classmethod
    def load(cls, pkcs12: Path, *, password: Secret) -> IssuerKey:
        key, certificate, others = load_signing_key(pkcs12, password=password)
        if isinstance(key, rsa.RSAPrivateKey):
            algorithm, jwk = "RS256", RSAKey.import_key(key)
        elif isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.name in CURVES:
            algorithm, jwk = CURVES[key.curve.name], ECKey.import_key(key)
        else:
            raise CertificateError(f"the signing key in {pkcs12} is neither RSA nor EC P-256/P-384; Open Badges "
                                   "credentials cannot be signed with it")
        chain = [certificate, *(c for c in others if c.subject != c.issuer)]
        return cls(jwk, algorithm, jwk.thumbprint(),
                   tuple(base64.b64encode(c.public_bytes(Encoding.DER)).decode("ascii") for c in chain))

    def public_jwk(self, *, key_url: str) -> dict[str, Any]:
        """The public key as published in ``jwks.json`` (``kid`` = ``key_url#thumbprint``, chain in ``x5c``)."""
        return {**self.jwk.as_dict(private=False), "kid": f"{key_url}#{self.kid}", "alg": self.algorithm,
                "use": "sig", "x5c": list(self.chain)}

    def sign(self, credential: Mapping[str, Any], *, key_url: str) -> str:
        """VC-JOSE-COSE: the credential itself is the payload (``typ`` ``vc+jwt``, ``cty`` ``vc``)."""
        return self._compact({"alg": self.algorithm, "typ": TYP, "cty": CTY, "kid": f"{key_url}#{self.kid}"},
                             credential)

    def sign_jwt_proof(self, credential: Mapping[str, Any], *, key_url: str) -> str:
        """The Open Badges 3.0 "JSON Web Token Proof Format": the credential in a ``vc`` claim with ``iss``,
        ``jti``, ``nbf`` and ``sub`` repeating its issuer, id, start and subject; ``kid`` a URL of the public JWK."""
        claims = {"iss": credential["issuer"]["id"], "jti": credential["id"],
                  "nbf": int(datetime.fromisoformat(credential["validFrom"]).timestamp()),
                  "sub": credential["credentialSubject"]["id"], "vc": credential}
        return self._compact({"alg": self.algorithm, "kid": f"{key_url}#{self.kid}", "typ": "JWT"}, claims)

    def _compact(self, header: dict[str, Any], payload: Mapping[str, Any]) -> str:
        data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return jws.serialize_compact(header, data, self.jwk, algorithms=[self.algorithm])


# -- issuing -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class BadgeIssuing:
    """What writing credentials needs: the key, the issuer profile, the verification address and the output."""

    key: IssuerKey
    issuer: str
    issuer_url: str
    verify_url: str
    output: Path

    @property
    def status_list_url(self) -> str:
        return urljoin(self.verify_url, STATUS_LIST_FILE)

    @property
    def key_url(self) -> str:
        return urljoin(self.verify_url, JWKS_FILE)

    def issue(self, records: Sequence[CertificateRecord], *, registry: CertificateRegistry) -> list[Path]:
        """Write the credential of each record (``.jwt`` and ``.json`` next to its PDF), then the status list and
        the public key set; returns the ``.json`` paths."""
        positions = registry.positions()
        written: list[Path] = []
        for record in records:
            credential = build_credential(record, index=positions[record.serial][0], issuing=self)
            jwt_path, json_path = credential_paths(record, self.output)
            proof = self.key.sign_jwt_proof(credential, key_url=self.key_url)
            write_atomically(jwt_path, proof.encode("ascii") + b"\n")
            write_atomically(json_path, _json_bytes(envelope(self.key.sign(credential, key_url=self.key_url))))
            written.append(json_path)
        self.refresh(registry)
        return written

    def refresh(self, registry: CertificateRegistry) -> Path:
        """Rewrite ``status-list.jwt`` from the registry (and ``jwks.json``); returns the status list's path."""
        self.output.mkdir(parents=True, exist_ok=True)
        revoked = [index for index, status in registry.positions().values() if status != "valid"]
        token = self.key.sign(status_list_credential(revoked, url=self.status_list_url, issuing=self),
                              key_url=self.key_url)
        write_atomically(self.output / STATUS_LIST_FILE, token.encode("ascii") + b"\n")
        write_atomically(self.output / JWKS_FILE, _json_bytes({"keys": [self.key.public_jwk(key_url=self.key_url)]}))
        return self.output / STATUS_LIST_FILE


def credential_paths(record: CertificateRecord, output: Path) -> tuple[Path, Path]:
    """Where the ``.jwt`` and ``.json`` of a certificate go: next to its PDF, same name."""
    pdf = output / (record.file or f"{record.track}/{grouped(record.serial)}.pdf")
    return pdf.with_suffix(".jwt"), pdf.with_suffix(".json")


def build_credential(record: CertificateRecord, *, index: int, issuing: BadgeIssuing,
                     salt: str | None = None) -> dict[str, Any]:
    """The OpenBadgeCredential of one certificate (unsigned)."""
    details: Mapping[str, Any] = record.details if isinstance(record.details, Mapping) else {}
    track = str(details.get("track_name", record.track))
    programme = str(details.get("programme", ""))
    course = str(details.get("course", ""))
    hours = int(details.get("hours", 0))
    start, end = _date(details.get("start")), _date(details.get("end"))
    period = f"{start:%d.%m.%Y} – {end:%d.%m.%Y}" if start and end else ""
    link = verification_link(issuing.verify_url, record.serial)
    identifiers: list[dict[str, Any]] = [
        {"type": "IdentityObject", "identityType": "identifier", "hashed": False,
         "identityHash": grouped(record.serial)},
        {"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": record.name},
    ]
    if record.email:
        salt = salt or secrets.token_hex(16)
        digest = hashlib.sha256((record.email.strip().lower() + salt).encode("utf-8")).hexdigest()
        identifiers.append({"type": "IdentityObject", "identityType": "emailAddress", "hashed": True,
                            "identityHash": f"sha256${digest}", "salt": salt})
    subject: dict[str, Any] = {
        "type": ["AchievementSubject"],
        "id": f"{link}#titular",
        "identifier": identifiers,
        "achievement": {
            "id": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, urljoin(issuing.issuer_url, record.track))}",
            "type": ["Achievement"],
            "achievementType": "CertificateOfCompletion",
            "name": f"{track} – {programme}" if programme else track,
            "description": (f"Programul de formare „{programme}”, parcursul „{track}” (cursul „{course}”), "
                            f"{hours_text(hours)}, organizat de {issuing.issuer}."),
            "criteria": {"narrative": (f"Parcurgerea integrală a cursului „{course}” ({hours_text(hours)}"
                                       + (f", {period}" if period else "") + ") și promovarea evaluării finale, "
                                       "conform regulilor de certificare ale programului.")},
            "fieldOfStudy": "Digitalizare",
            "humanCode": record.track,
            "inLanguage": "ro",
            "creator": _profile(issuing),
        },
    }
    if start and end:
        subject["activityStartDate"] = _instant(start)
        subject["activityEndDate"] = _instant(end)
    grade = (f"{record.grade_percent:.0f}%".replace(".", ",") if record.grade_percent is not None
             else "fără notă numerică")
    credential: dict[str, Any] = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": link,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"Certificat de absolvire – {track}",
        "description": f"Certificatul seria {grouped(record.serial)}, emis de {issuing.issuer}.",
        "issuer": _profile(issuing),
        "validFrom": _instant(record.issued_at),
        "credentialSubject": subject,
        "evidence": [{
            "id": link,
            "type": ["Evidence"],
            "name": "Evaluarea finală și orele de formare",
            "description": str(details.get("result", "Admis")),
            "narrative": f"Rezultatul evaluării finale: {grade}. Ore de formare: {hours}"
                         + (f" ({period})." if period else "."),
        }],
        "credentialStatus": {
            "id": f"{issuing.status_list_url}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(index),
            "statusListCredential": issuing.status_list_url,
        },
        "credentialSchema": [{"id": OB_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
    }
    issued_on = _date(details.get("issued_on"))
    if issued_on is not None:
        credential["awardedDate"] = _instant(issued_on)
    return credential


def status_list_credential(revoked: Sequence[int], *, url: str, issuing: BadgeIssuing,
                           now: datetime | None = None) -> dict[str, Any]:
    """A BitstringStatusListCredential with the bits of ``revoked`` set."""
    return {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": _profile(issuing),
        "validFrom": _instant(now or datetime.now(UTC)),
        "credentialSubject": {"id": f"{url}#list", "type": "BitstringStatusList", "statusPurpose": "revocation",
                              "encodedList": encode_bits(revoked)},
    }


def encode_bits(indexes: Sequence[int], *, size: int = STATUS_LIST_BITS) -> str:
    """Multibase base64url (``u``, no padding) of the GZIP-compressed bitstring; bit 0 is the first byte's
    most significant bit."""
    bits = bytearray(size // 8)
    for index in indexes:
        if not 0 <= index < size:
            raise CertificateError(f"status list index {index} is outside the list of {size} entries")
        bits[index // 8] |= 0x80 >> (index % 8)
    return "u" + base64.urlsafe_b64encode(gzip.compress(bytes(bits), mtime=0)).decode("ascii").rstrip("=")


def bit_is_set(encoded: str, index: int) -> bool:
    if not encoded.startswith("u"):
        raise CertificateError("the status list is not multibase base64url (it must start with 'u')")
    try:
        raw = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    except (binascii.Error, OSError, EOFError, ValueError):
        raise CertificateError("the status list cannot be decoded") from None
    if index // 8 >= len(raw):
        raise CertificateError(f"index {index} is outside the status list")
    return bool(raw[index // 8] & (0x80 >> (index % 8)))


def envelope(token: str) -> dict[str, Any]:
    """The compact JWS as a JSON credential (VC 2.0 ``EnvelopedVerifiableCredential``)."""
    return {"@context": [VC_CONTEXT], "id": ENVELOPE_PREFIX + token, "type": "EnvelopedVerifiableCredential"}


# -- verifying ---------------------------------------------------------------------------------------------------


def looks_like_badge(data: bytes) -> bool:
    """True for a compact JWS or a JSON document (what :func:`verify_badge` reads), False for a PDF and the rest."""
    head = data.lstrip()[:2]
    return head.startswith(b"{") or head == b"ey"


def verify_badge(data: bytes, *, trust_root: x509.Certificate, jwks: bytes, status_list: bytes | None,
                 registry: CertificateRegistry | None = None, now: datetime | None = None) -> Verification:
    """Check a credential (compact JWS, or its ``.json`` envelope): signed by a key of ``jwks`` whose certificate
    chain the trust root vouches for, validity dates, its bit in the status list and, when given, the registry."""
    moment = now or datetime.now(UTC)
    checks: list[Check] = []
    try:
        keys = _key_set(jwks)
        credential = _verified_payload(compact_of(data), trust_root, keys, moment, checks, what="credential")
    except CooperareError as error:
        checks.append(Check("signature", False, str(error)))
        return Verification(None, None, tuple(checks))
    serial = _serial_of(credential)
    checks.append(_dates_check(credential, moment))
    checks.append(_status_list_check(credential, status_list, trust_root, keys, moment))
    record = registry.get(serial) if registry is not None and serial else None
    if registry is not None:
        checks.append(status_check(record) if record is not None
                      else Check("registry", False, f"no certificate {grouped(serial or '?')} in the registry"))
    return Verification(serial, record, tuple(checks))


def compact_of(data: bytes) -> str:
    """The compact JWS in ``data``: as is, or the ``id`` of an enveloped credential."""
    text = data.decode("utf-8", "replace").strip()
    if text.startswith("{"):
        try:
            document = json.loads(text)
        except ValueError:
            raise CertificateError("not JSON, nor a compact JWS") from None
        identifier = document.get("id", "") if isinstance(document, dict) else ""
        if not (isinstance(identifier, str) and identifier.startswith(ENVELOPE_PREFIX)):
            raise CertificateError("a JSON file without a secured credential (expected an "
                                   "EnvelopedVerifiableCredential whose id is data:application/vc+jwt,…)")
        text = identifier[len(ENVELOPE_PREFIX):]
    if text.count(".") != 2:
        raise CertificateError("not a compact JWS (three base64url parts separated by dots)")
    return text


def published_file(site: str, name: str, *, timeout: float = 15.0) -> bytes | None:
    """``name`` (``jwks.json``, ``status-list.jwt``) as the verification site ``site`` publishes it: a folder, or an
    http(s) address fetched without cache; None when the site has no such file."""
    if not site.startswith(("https://", "http://")):
        path = Path(site) / name
        return path.read_bytes() if path.is_file() else None
    import requests

    url = urljoin(site if site.endswith("/") else site + "/", name)
    try:
        answer = requests.get(url, timeout=timeout, headers={"Cache-Control": "no-cache"})
    except requests.RequestException as exc:
        raise CertificateError(f"cannot fetch {url}: {exc.__class__.__name__}") from None
    if answer.status_code == 404:
        return None
    if answer.status_code != 200:
        raise CertificateError(f"{url} answered HTTP {answer.status_code}")
    return answer.content


def _key_set(jwks: bytes) -> dict[str, dict[str, Any]]:
    try:
        keys = json.loads(jwks)["keys"]
        return {str(key["kid"]).rpartition("#")[2]: key for key in keys}
    except (ValueError, KeyError, TypeError):
        raise CertificateError("the issuer's key set (jwks.json) is unreadable") from None


def _verified_payload(token: str, root: x509.Certificate, keys: Mapping[str, Mapping[str, Any]], moment: datetime,
                      checks: list[Check], *, what: str) -> dict[str, Any]:
    try:
        header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
        kid = str(header.get("kid")).rpartition("#")[2]  # a thumbprint, or a URL of the key set ending in one
        published = keys.get(kid)
        chain = [x509.load_der_x509_certificate(base64.b64decode(c)) for c in (published or {}).get("x5c", [])]
    except (ValueError, TypeError, AttributeError):
        raise CertificateError(f"the {what}'s header is unreadable") from None
    if header.get("typ") not in (TYP, "JWT"):
        raise CertificateError(f"the {what} is not a {TYP} (VC-JOSE) or JWT (Open Badges JWT proof) JWS")
    if not chain:
        raise CertificateError(f"the {what} was signed by key {header.get('kid')}, which the issuer's key set does "
                               "not hold with its certificate chain")
    signer = chain[0].subject.rfc4514_string()
    try:
        for child, parent in zip(chain, [*chain[1:], root], strict=True):
            child.verify_directly_issued_by(parent)
    except (ValueError, TypeError, InvalidSignature) as exc:
        raise CertificateError(f"the {what} was signed by {signer}, which the configured root does not vouch "
                               f"for ({exc.__class__.__name__})") from None
    if not chain[0].not_valid_before_utc <= moment <= chain[0].not_valid_after_utc:
        raise CertificateError(f"the signing certificate {signer} is not valid now")
    key = chain[0].public_key()
    jwk: RSAKey | ECKey = RSAKey.import_key(key) if isinstance(key, rsa.RSAPublicKey) else ECKey.import_key(key)
    if jwk.thumbprint() != kid:
        raise CertificateError(f"the key {kid} is not the one its certificate {signer} holds")
    try:
        payload = jws.deserialize_compact(token, jwk, algorithms=[str(header.get("alg"))]).payload
        credential = _unwrapped(json.loads(payload))
    except (JoseError, ValueError, KeyError, TypeError) as exc:
        raise CertificateError(f"the {what}'s signature does not match its content (altered, or another key)"
                               if isinstance(exc, JoseError) else f"the {what} is malformed: {exc}") from None
    if what == "credential":
        checks.append(Check("signature", True, f"intact, signed by {signer}, chain ends at the configured root"))
    return dict(credential)


def _unwrapped(claims: Any) -> dict[str, Any]:
    """The credential of a JWS payload: the payload itself (VC-JOSE), or its ``vc`` claim (Open Badges JWT proof),
    whose ``iss``, ``jti``, ``nbf`` and ``sub`` must repeat the credential's issuer, id, start and subject."""
    if not isinstance(claims, dict):
        raise ValueError("the payload is not a JSON object")
    if "vc" not in claims:
        return claims
    credential = claims["vc"]
    expected = {"iss": credential["issuer"]["id"], "jti": credential["id"],
                "nbf": int(datetime.fromisoformat(credential["validFrom"]).timestamp()),
                "sub": credential["credentialSubject"].get("id")}
    wrong = [name for name, value in expected.items() if claims.get(name) != value]
    if wrong:
        raise ValueError(f"the JWT claims {', '.join(wrong)} contradict the credential")
    return dict(credential)


def _serial_of(credential: Mapping[str, Any]) -> str | None:
    values = parse_qs(urlsplit(str(credential.get("id", ""))).query).get("serie", [])
    try:
        return parse_serial(values[0]) if values else None
    except CooperareError:
        return None


def _dates_check(credential: Mapping[str, Any], moment: datetime) -> Check:
    try:
        start = datetime.fromisoformat(str(credential["validFrom"]))
        until = credential.get("validUntil")
        end = datetime.fromisoformat(str(until)) if until else None
    except (KeyError, ValueError):
        return Check("validity", False, "validFrom missing or unreadable")
    if start > moment:
        return Check("validity", False, f"not valid before {start:%Y-%m-%d %H:%M} UTC")
    if end is not None and end < moment:
        return Check("validity", False, f"expired on {end:%Y-%m-%d}")
    return Check("validity", True, f"valid from {start:%Y-%m-%d}" + (f" until {end:%Y-%m-%d}" if end else ""))


def _status_list_check(credential: Mapping[str, Any], status_list: bytes | None, root: x509.Certificate,
                       keys: Mapping[str, Mapping[str, Any]], moment: datetime) -> Check:
    entry = credential.get("credentialStatus")
    if not isinstance(entry, Mapping):
        return Check("status list", False, "the credential names no status list")
    if status_list is None:
        return Check("status list", False, f"the status list {entry.get('statusListCredential')} is not at hand")
    try:
        listed = _verified_payload(compact_of(status_list), root, keys, moment, [], what="status list")
        if listed.get("id") != entry.get("statusListCredential"):
            return Check("status list", False, f"the status list at hand is {listed.get('id')}, not "
                                               f"{entry.get('statusListCredential')}")
        revoked = bit_is_set(str(listed["credentialSubject"]["encodedList"]), int(entry["statusListIndex"]))
    except (CooperareError, KeyError, TypeError, ValueError) as error:
        return Check("status list", False, f"unusable: {error}")
    return Check("status list", not revoked, "revoked (its bit is set)" if revoked else "not revoked")


def hours_text(count: int) -> str:
    """The hours in Romanian: 1 oră, 16 ore, 80 de ore, 101 ore, 120 de ore ("de" from 20 on, unless the last two
    digits are 1 to 19)."""
    if count == 1:
        return "1 oră"
    return f"{count} de ore" if count >= 20 and not 0 < count % 100 < 20 else f"{count} ore"


def _profile(issuing: BadgeIssuing) -> dict[str, Any]:
    return {"id": issuing.issuer_url, "type": ["Profile"], "name": issuing.issuer, "url": issuing.issuer_url}


def _instant(value: date | datetime) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return f"{value.isoformat()}T00:00:00Z"


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _json_bytes(document: Mapping[str, Any]) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
