"""Open Badges 3.0 credentials: content, schema, signature, status list, verification, tampering and revocation."""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from joserfc import jws
from joserfc.jwk import KeySet

from cooperare.certificates.badges import (
    JWKS_FILE,
    STATUS_LIST_FILE,
    BadgeIssuing,
    IssuerKey,
    bit_is_set,
    compact_of,
    credential_paths,
    encode_bits,
    hours_text,
    looks_like_badge,
    verify_badge,
)
from cooperare.certificates.issue import Issuing, reissue
from cooperare.certificates.keygen import DemoKeys
from cooperare.certificates.serials import grouped
from cooperare.certificates.settings import CertificatesConfig
from cooperare.errors import CertificateError, CooperareError
from cooperare.secrets import Secret
from cooperare.store.certificates import CertificateRecord, CertificateRegistry

from .conftest import PASSWORD, issue_two

SCHEMA = Path(__file__).parent / "ob3" / "achievementcredential.schema.json"
#: 1EdTech's own generated AchievementCredential schema (VC Data Model 2.0), annotations removed: see ob3/README.md.
OFFICIAL_SCHEMA = Path(__file__).parent / "ob3" / "1edtech-achievementcredential.schema.json"


@pytest.fixture(scope="module")
def issuer_key(demo_keys: DemoKeys) -> IssuerKey:
    return IssuerKey.load(demo_keys.pkcs12, password=Secret(PASSWORD))


def badges_for(config: CertificatesConfig, key: IssuerKey) -> BadgeIssuing:
    assert config.verify_url is not None
    return BadgeIssuing(key=key, issuer=config.issuer, issuer_url=config.issuer_url, verify_url=config.verify_url,
                        output=config.output)


@pytest.fixture
def with_badges(issuing: Issuing, config: CertificatesConfig, issuer_key: IssuerKey) -> Issuing:
    return replace(issuing, badges=badges_for(config, issuer_key))


@pytest.fixture
def badged(catalogue: Any, registry: CertificateRegistry, with_badges: Issuing) -> list[CertificateRecord]:
    return issue_two(catalogue, registry, with_badges)


def payload(path: Path) -> dict[str, Any]:
    token = compact_of(path.read_bytes())
    return dict(json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "==")))


def root_of(demo_keys: DemoKeys) -> x509.Certificate:
    return x509.load_pem_x509_certificate(demo_keys.root_certificate.read_bytes())


def check(demo_keys: DemoKeys, config: CertificatesConfig, data: bytes, registry: CertificateRegistry | None = None,
          **kwargs: Any) -> Any:
    return verify_badge(data, trust_root=root_of(demo_keys), registry=registry,
                        jwks=(config.output / JWKS_FILE).read_bytes(),
                        status_list=(config.output / STATUS_LIST_FILE).read_bytes(), **kwargs)


def test_every_issued_pdf_gets_a_signed_credential_next_to_it(badged: list[CertificateRecord],
                                                              config: CertificatesConfig) -> None:
    for record in badged:
        jwt_path, json_path = credential_paths(record, config.output)
        assert (config.output / (record.file or "")).with_suffix(".json") == json_path
        envelope = json.loads(json_path.read_text())
        assert envelope["type"] == "EnvelopedVerifiableCredential"
        assert envelope["id"].startswith("data:application/vc+jwt,ey")
        header = json.loads(base64.urlsafe_b64decode(compact_of(json_path.read_bytes()).split(".")[0] + "=="))
        assert header["typ"] == "vc+jwt" and header["cty"] == "vc"
        assert header["kid"].startswith("https://cooperare.example.ro/jwks.json#")
        # the .jwt: the Open Badges 3.0 JWT proof format, the same credential in a vc claim
        token = jwt_path.read_text().strip()
        ob_header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
        assert ob_header == {"alg": "RS256", "kid": header["kid"], "typ": "JWT"}
        claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
        credential = payload(json_path)
        assert claims["vc"] == credential
        assert (claims["iss"], claims["jti"], claims["sub"]) == (
            credential["issuer"]["id"], credential["id"], credential["credentialSubject"]["id"])
        assert claims["nbf"] == int(datetime.fromisoformat(credential["validFrom"]).timestamp())
    assert (config.output / STATUS_LIST_FILE).is_file() and (config.output / JWKS_FILE).is_file()


def test_credential_content(badged: list[CertificateRecord], config: CertificatesConfig) -> None:
    record = badged[0]
    credential = payload(credential_paths(record, config.output)[1])
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert credential["issuer"]["url"] == config.issuer_url == "https://www.acor.ro/"
    assert credential["issuer"]["name"] == "Asociația Comunelor din România"
    assert credential["validFrom"].startswith(record.issued_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M"))
    achievement = credential["credentialSubject"]["achievement"]
    assert record.details["programme"] in achievement["name"]
    assert record.details["track_name"] in achievement["name"]
    assert hours_text(record.details["hours"]) in achievement["criteria"]["narrative"]
    assert "ș" in achievement["criteria"]["narrative"] or "ț" in achievement["criteria"]["narrative"]
    assert "ş" not in json.dumps(credential, ensure_ascii=False)  # no cedilla forms
    evidence = credential["evidence"][0]
    assert "85%" in evidence["narrative"] and str(record.details["hours"]) in evidence["narrative"]
    status = credential["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry" and status["statusPurpose"] == "revocation"
    assert status["statusListCredential"] == "https://cooperare.example.ro/status-list.jwt"


def test_subject_has_no_email_in_clear_and_a_salted_hash(badged: list[CertificateRecord],
                                                         config: CertificatesConfig) -> None:
    import hashlib

    record = badged[0]
    text = credential_paths(record, config.output)[0].read_text()
    decoded = json.dumps(payload(credential_paths(record, config.output)[1]), ensure_ascii=False)
    assert record.email and record.email not in decoded and record.email not in text
    identifiers = payload(credential_paths(record, config.output)[1])["credentialSubject"]["identifier"]
    email = next(i for i in identifiers if i["identityType"] == "emailAddress")
    assert email["hashed"] is True
    assert email["identityHash"] == "sha256$" + hashlib.sha256((record.email + email["salt"]).encode()).hexdigest()
    other = payload(credential_paths(badged[1], config.output)[1])["credentialSubject"]["identifier"]
    assert next(i for i in other if i["identityType"] == "emailAddress")["salt"] != email["salt"]


def test_credentials_validate_against_the_ob3_schema(badged: list[CertificateRecord],
                                                     config: CertificatesConfig) -> None:
    schema = json.loads(SCHEMA.read_text())
    validator = jsonschema.Draft201909Validator(schema, format_checker=jsonschema.FormatChecker())
    for record in badged:
        validator.validate(payload(credential_paths(record, config.output)[1]))
    broken = payload(credential_paths(badged[0], config.output)[1])
    del broken["credentialSubject"]["achievement"]["criteria"]
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(broken)


def test_credentials_validate_against_1edtechs_own_schema(badged: list[CertificateRecord],
                                                        config: CertificatesConfig) -> None:
    """The schema 1EdTech's build publishes for OB 3.0 over VC Data Model 2.0 (gh-pages of
    1EdTech/openbadges-specification): every credential passes it, and it catches what a wallet would refuse."""
    schema = json.loads(OFFICIAL_SCHEMA.read_text())
    assert schema["required"] == ["@context", "id", "type", "credentialSubject", "issuer", "validFrom"]
    validator = jsonschema.Draft201909Validator(schema, format_checker=jsonschema.FormatChecker())
    for record in badged:
        validator.validate(payload(credential_paths(record, config.output)[1]))
    credential = payload(credential_paths(badged[0], config.output)[1])
    for breakage in (lambda c: c["credentialSubject"]["achievement"].pop("criteria"),
                     lambda c: c["credentialSubject"]["achievement"].pop("description"),
                     lambda c: c["@context"].__setitem__(0, "https://www.w3.org/2018/credentials/v1"),
                     lambda c: c.pop("validFrom"),
                     lambda c: c["credentialSubject"]["identifier"][0].pop("identityHash")):
        broken = json.loads(json.dumps(credential))
        breakage(broken)
        with pytest.raises(jsonschema.ValidationError):
            validator.validate(broken)


def test_an_independent_verifier_checks_with_the_published_jwks(badged: list[CertificateRecord],
                                                               config: CertificatesConfig) -> None:
    keys = KeySet.import_key_set(json.loads((config.output / JWKS_FILE).read_text()))
    jwt_path, json_path = credential_paths(badged[0], config.output)
    result = jws.deserialize_compact(compact_of(json_path.read_bytes()), keys, algorithms=["RS256"])
    assert result.headers()["typ"] == "vc+jwt" and result.headers()["alg"] == "RS256"
    assert json.loads(result.payload)["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    proof = jws.deserialize_compact(jwt_path.read_text().strip(), keys, algorithms=["RS256"])
    assert json.loads(proof.payload)["vc"]["id"].endswith(f"?serie={grouped(badged[0].serial)}")
    published = (config.output / JWKS_FILE).read_text()
    assert '"d"' not in published and '"p"' not in published  # public parts only


def test_verify_accepts_json_and_compact_forms(badged: list[CertificateRecord], config: CertificatesConfig,
                                               demo_keys: DemoKeys, registry: CertificateRegistry) -> None:
    jwt_path, json_path = credential_paths(badged[0], config.output)
    for data in (jwt_path.read_bytes(), json_path.read_bytes()):
        result = check(demo_keys, config, data, registry)
        assert result.ok, result.checks
        assert result.serial == badged[0].serial
        assert [c.name for c in result.checks] == ["signature", "validity", "status list", "status"]


@pytest.mark.parametrize("form", ["json", "jwt"])
def test_a_tampered_credential_fails(badged: list[CertificateRecord], config: CertificatesConfig,
                                     demo_keys: DemoKeys, form: str) -> None:
    jwt_path, json_path = credential_paths(badged[0], config.output)
    token = compact_of((json_path if form == "json" else jwt_path).read_bytes())
    header, body, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=="))
    (claims.get("vc") or claims)["credentialSubject"]["achievement"]["name"] = "Doctor în digitalizare"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    result = check(demo_keys, config, f"{header}.{forged}.{signature}".encode())
    assert not result.ok
    assert result.checks[0].name == "signature" and "does not match" in result.checks[0].detail
    flipped = signature[:10] + ("A" if signature[10] != "A" else "B") + signature[11:]
    assert not check(demo_keys, config, f"{header}.{body}.{flipped}".encode()).ok


def test_jwt_claims_that_contradict_the_credential_fail(badged: list[CertificateRecord], config: CertificatesConfig,
                                                        demo_keys: DemoKeys, issuer_key: IssuerKey) -> None:
    token = credential_paths(badged[0], config.output)[0].read_text().strip()
    claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    claims["jti"] = "https://altundeva.example/credential"
    header = {"alg": "RS256", "kid": f"https://cooperare.example.ro/jwks.json#{issuer_key.kid}", "typ": "JWT"}
    resigned = jws.serialize_compact(header, json.dumps(claims), issuer_key.jwk, algorithms=["RS256"])
    result = check(demo_keys, config, resigned.encode())
    assert not result.ok and "contradict" in result.checks[0].detail


def test_a_credential_signed_by_another_key_is_not_trusted(badged: list[CertificateRecord],
                                                           config: CertificatesConfig, tmp_path: Path) -> None:
    from cooperare.certificates.keygen import make_demo_keys

    other = make_demo_keys(tmp_path / "other", password=Secret(PASSWORD), organisation="Alta", common_name="Alta")
    key = IssuerKey.load(other.pkcs12, password=Secret(PASSWORD))
    token = key.sign(payload(credential_paths(badged[0], config.output)[1]), key_url="https://x.example/jwks.json")
    root = x509.load_pem_x509_certificate(config.signing.trust_root.read_bytes())  # type: ignore[union-attr]
    status = (config.output / STATUS_LIST_FILE).read_bytes()
    published = verify_badge(token.encode(), trust_root=root, status_list=status,
                             jwks=(config.output / JWKS_FILE).read_bytes())
    assert not published.ok and "does not hold" in published.checks[0].detail
    # even with the other key slipped into the key set, the trust root does not vouch for it
    swapped = json.dumps({"keys": [key.public_jwk(key_url="https://x.example/jwks.json")]}).encode()
    result = verify_badge(token.encode(), trust_root=root, status_list=status, jwks=swapped)
    assert not result.ok and "does not vouch" in result.checks[0].detail


def test_revoked_flips_its_bit_and_is_reported_revoked(badged: list[CertificateRecord], config: CertificatesConfig,
                                                       demo_keys: DemoKeys, registry: CertificateRegistry,
                                                       issuer_key: IssuerKey) -> None:
    data = credential_paths(badged[0], config.output)[0].read_bytes()
    registry.revoke(badged[0].serial, reason="date greșite")
    badges_for(config, issuer_key).refresh(registry)
    result = check(demo_keys, config, data, registry)
    assert not result.ok
    checks = {c.name: c for c in result.checks}
    assert not checks["status list"].ok and "revoked" in checks["status list"].detail
    assert "revoked" in checks["status"].detail
    assert check(demo_keys, config, credential_paths(badged[1], config.output)[0].read_bytes(), registry).ok
    # without the registry (an outside verifier), the status list alone says revoked
    assert not check(demo_keys, config, data).ok


def test_reissue_writes_the_new_credential_and_revokes_the_old_bit(badged: list[CertificateRecord],
                                                                   config: CertificatesConfig, demo_keys: DemoKeys,
                                                                   registry: CertificateRegistry,
                                                                   with_badges: Issuing) -> None:
    old = credential_paths(badged[0], config.output)[0].read_bytes()
    new = reissue(badged[0].serial, reason="nume corectat", registry=registry, issuing=with_badges, trainee=None)
    assert check(demo_keys, config, credential_paths(new, config.output)[0].read_bytes(), registry).ok
    result = check(demo_keys, config, old)
    assert {c.name: c.ok for c in result.checks}["status list"] is False


def test_validity_dates(badged: list[CertificateRecord], config: CertificatesConfig, demo_keys: DemoKeys) -> None:
    data = credential_paths(badged[0], config.output)[0].read_bytes()
    early = check(demo_keys, config, data, now=badged[0].issued_at - timedelta(seconds=2))
    assert {c.name: c.ok for c in early.checks}["validity"] is False


def test_status_list_bits_round_trip() -> None:
    encoded = encode_bits([0, 7, 8, 131071])
    assert encoded.startswith("u") and "=" not in encoded
    assert [bit_is_set(encoded, i) for i in (0, 1, 7, 8, 9, 131071)] == [True, False, True, True, False, True]
    with pytest.raises(CertificateError):
        encode_bits([131072])


def test_status_list_is_a_signed_credential(badged: list[CertificateRecord], config: CertificatesConfig) -> None:
    token = (config.output / STATUS_LIST_FILE).read_text().strip()
    claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    assert claims["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    subject = claims["credentialSubject"]
    assert subject["type"] == "BitstringStatusList" and subject["statusPurpose"] == "revocation"
    assert not any(bit_is_set(subject["encodedList"], i) for i in range(64))


def test_an_ec_key_signs_with_es256(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    from cooperare.certificates.keygen import create_file

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "EC")])
    now = datetime.now(UTC) - timedelta(minutes=1)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + timedelta(days=1))
            .sign(key, hashes.SHA256()))
    path = tmp_path / "ec.p12"
    create_file(path, pkcs12.serialize_key_and_certificates(b"ec", key, cert, None,
                                                            serialization.BestAvailableEncryption(b"parola-ec-1")),
                mode=0o600)
    loaded = IssuerKey.load(path, password=Secret("parola-ec-1"))
    assert loaded.algorithm == "ES256"
    token = loaded.sign({"a": 1}, key_url="https://x.example/jwks.json")
    assert json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))["alg"] == "ES256"


def test_a_key_file_readable_by_others_is_refused(demo_keys: DemoKeys, tmp_path: Path) -> None:
    copy = tmp_path / "copy.p12"
    copy.write_bytes(demo_keys.pkcs12.read_bytes())
    copy.chmod(0o644)
    with pytest.raises(CooperareError) as raised:
        IssuerKey.load(copy, password=Secret(PASSWORD))
    assert "mode" in str(raised.value) and PASSWORD not in str(raised.value)


def test_what_verify_takes_for_a_credential() -> None:
    assert looks_like_badge(b"eyJhbGciOi.x.y") and looks_like_badge(b'  {"id": 1}')
    assert not looks_like_badge(b"%PDF-1.7")
    with pytest.raises(CertificateError):
        compact_of(b'{"@context": [], "type": "VerifiableCredential"}')


def test_a_signing_certificate_not_yet_valid_fails(badged: list[CertificateRecord], config: CertificatesConfig,
                                                   demo_keys: DemoKeys) -> None:
    data = credential_paths(badged[0], config.output)[0].read_bytes()
    result = check(demo_keys, config, data, now=badged[0].issued_at - timedelta(days=1))
    assert not result.ok and "not valid now" in result.checks[0].detail


def test_hours_in_romanian() -> None:
    assert [hours_text(n) for n in (1, 16, 19, 20, 80, 101, 119, 120, 200)] == [
        "1 oră", "16 ore", "19 ore", "20 de ore", "80 de ore", "101 ore", "119 ore", "120 de ore", "200 de ore"]
