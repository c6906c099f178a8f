"""``make_demo_keys``: a root CA and a signing certificate it issued; private files 0600; nothing overwritten."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import load_pem_private_key, pkcs12

from cooperare.certificates.keygen import DemoKeys, make_demo_keys
from cooperare.errors import CertificateError
from cooperare.secrets import Secret

from .conftest import PASSWORD


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_private_keys_are_owner_only_and_the_root_certificate_is_public(demo_keys: DemoKeys) -> None:
    assert mode(demo_keys.pkcs12) == 0o600
    assert mode(demo_keys.root_key) == 0o600
    assert mode(demo_keys.root_certificate) == 0o644


def test_the_signing_certificate_is_issued_by_the_root_and_the_keys_need_the_password(demo_keys: DemoKeys) -> None:
    root = x509.load_pem_x509_certificate(demo_keys.root_certificate.read_bytes())
    assert root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    key, certificate, chain = pkcs12.load_key_and_certificates(demo_keys.pkcs12.read_bytes(), PASSWORD.encode())
    assert key is not None and certificate is not None
    assert certificate.issuer == root.subject and certificate.subject != root.subject
    certificate.verify_directly_issued_by(root)
    assert not certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert [c.subject for c in chain] == [root.subject]
    with pytest.raises(ValueError):
        pkcs12.load_key_and_certificates(demo_keys.pkcs12.read_bytes(), b"wrong-password")
    with pytest.raises((TypeError, ValueError)):
        load_pem_private_key(demo_keys.root_key.read_bytes(), password=None)


def test_existing_keys_are_never_overwritten(demo_keys: DemoKeys) -> None:
    before = demo_keys.pkcs12.read_bytes()
    with pytest.raises(CertificateError, match="already exists"):
        make_demo_keys(demo_keys.pkcs12.parent, password=Secret(PASSWORD), organisation="X", common_name="Y")
    assert demo_keys.pkcs12.read_bytes() == before


def test_a_short_password_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CertificateError, match="at least 8 characters"):
        make_demo_keys(tmp_path, password=Secret("scurt"), organisation="X", common_name="Y")
    assert list(tmp_path.iterdir()) == []
