"""Open Badges 3.0 credentials checked the way an outside verifier would: with PyJWT, not with joserfc (which signs).

Only the published files are used: ``jwks.json`` for the key (picked by the ``kid`` of the token's header), the
credential, and ``status-list.jwt``, whose bitstring is decoded here with the standard library alone (multibase
``u`` prefix, base64url without padding, GZIP, most significant bit first), independently of
:func:`cooperare.certificates.badges.bit_is_set`.
"""

from __future__ import annotations

import base64
import gzip
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from cooperare.certificates.badges import (
    JWKS_FILE,
    STATUS_LIST_FILE,
    BadgeIssuing,
    IssuerKey,
    compact_of,
    credential_paths,
)
from cooperare.certificates.issue import Issuing
from cooperare.certificates.keygen import DemoKeys
from cooperare.certificates.settings import CertificatesConfig
from cooperare.secrets import Secret
from cooperare.store.certificates import CertificateRecord, CertificateRegistry

from .conftest import PASSWORD, issue_two

jwt = pytest.importorskip("jwt", reason="PyJWT (a test dependency) is not installed")


@pytest.fixture(scope="module")
def issuer_key(demo_keys: DemoKeys) -> IssuerKey:
    return IssuerKey.load(demo_keys.pkcs12, password=Secret(PASSWORD))


@pytest.fixture
def badges(config: CertificatesConfig, issuer_key: IssuerKey) -> BadgeIssuing:
    assert config.verify_url is not None
    return BadgeIssuing(key=issuer_key, issuer=config.issuer, issuer_url=config.issuer_url,
                        verify_url=config.verify_url, output=config.output)


@pytest.fixture
def badged(catalogue: Any, registry: CertificateRegistry, issuing: Issuing,
           badges: BadgeIssuing) -> list[CertificateRecord]:
    return issue_two(catalogue, registry, replace(issuing, badges=badges))


def published_key(output: Path, token: str) -> Any:
    """The key a verifier fetches: the entry of ``jwks.json`` whose ``kid`` is the token header's."""
    kid = jwt.get_unverified_header(token)["kid"]
    keys = jwt.PyJWKSet.from_dict(json.loads((output / JWKS_FILE).read_text()))
    return keys[kid]


def bit(encoded: str, index: int) -> bool:
    assert encoded.startswith("u"), "multibase base64url must start with 'u'"
    raw = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert len(raw) * 8 >= 131072, "a bitstring status list holds at least 131,072 entries"
    return bool(raw[index // 8] >> (7 - index % 8) & 1)


def status_of(output: Path, credential: dict[str, Any]) -> bool:
    """True when the credential's bit is set in the published status list (whose signature is checked first)."""
    entry = credential["credentialStatus"]
    assert entry["type"] == "BitstringStatusListEntry" and entry["statusPurpose"] == "revocation"
    assert entry["statusListCredential"].endswith(STATUS_LIST_FILE)
    token = (output / STATUS_LIST_FILE).read_text().strip()
    listed = json.loads(jwt.PyJWS().decode(token, published_key(output, token), algorithms=["RS256"]))
    assert listed["id"] == entry["statusListCredential"]
    subject = listed["credentialSubject"]
    assert subject["type"] == "BitstringStatusList" and subject["statusPurpose"] == "revocation"
    return bit(subject["encodedList"], int(entry["statusListIndex"]))


def test_pyjwt_verifies_both_forms_with_the_published_key(badged: list[CertificateRecord],
                                                          config: CertificatesConfig) -> None:
    for record in badged:
        jwt_path, json_path = credential_paths(record, config.output)
        enveloped = compact_of(json_path.read_bytes())
        credential = json.loads(jwt.PyJWS().decode(enveloped, published_key(config.output, enveloped),
                                                   algorithms=["RS256"]))
        assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
        proof = jwt_path.read_text().strip()
        claims = jwt.decode(proof, published_key(config.output, proof), algorithms=["RS256"],
                            issuer=credential["issuer"]["id"], options={"require": ["iss", "jti", "nbf", "sub"]})
        assert claims["vc"] == credential and claims["jti"] == credential["id"]
        assert status_of(config.output, credential) is False


def test_pyjwt_refuses_a_changed_credential(badged: list[CertificateRecord], config: CertificatesConfig) -> None:
    token = compact_of(credential_paths(badged[0], config.output)[1].read_bytes())
    header, body, signature = token.split(".")
    credential = json.loads(base64.urlsafe_b64decode(body + "=="))
    credential["credentialSubject"]["achievement"]["name"] = "Expert în toate"
    forged = base64.urlsafe_b64encode(json.dumps(credential).encode()).decode().rstrip("=")
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.PyJWS().decode(f"{header}.{forged}.{signature}", published_key(config.output, token),
                           algorithms=["RS256"])


def test_a_revocation_is_seen_in_the_published_status_list(badged: list[CertificateRecord],
                                                           config: CertificatesConfig, registry: CertificateRegistry,
                                                           badges: BadgeIssuing) -> None:
    proof = credential_paths(badged[0], config.output)[0].read_text().strip()
    credential = jwt.decode(proof, published_key(config.output, proof), algorithms=["RS256"])["vc"]
    registry.revoke(badged[0].serial, reason="date greșite")
    badges.refresh(registry)
    assert status_of(config.output, credential) is True
    other = jwt.decode(credential_paths(badged[1], config.output)[0].read_text().strip(),
                       published_key(config.output, proof), algorithms=["RS256"])["vc"]
    assert status_of(config.output, other) is False
