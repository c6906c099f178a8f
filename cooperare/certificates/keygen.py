"""A self-signed demo root and a signing certificate, for trials of certificate issuance (not for production).

:func:`make_demo_keys` writes into one folder: ``root-ca.pem`` (the root certificate, to configure as the trust root
and to give to verifiers), ``root-ca.key`` (the root's private key, PKCS#8, encrypted with the same password, mode
0600) and ``signing.p12`` (the signing key and certificate with the root, PKCS#12, encrypted, mode 0600). Existing
files are never overwritten. A real deployment uses a key issued by a qualified provider instead. This module must
not print, prompt or take the password from anywhere but its caller.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from cooperare.errors import CertificateError
from cooperare.secrets import Secret

ROOT_CERT = "root-ca.pem"
ROOT_KEY = "root-ca.key"
SIGNING_P12 = "signing.p12"
KEY_BITS = 3072
ROOT_YEARS = 10
SIGNING_YEARS = 3


@dataclass(frozen=True)
class DemoKeys:
    """Where :func:`make_demo_keys` put its files."""

    root_certificate: Path
    root_key: Path
    pkcs12: Path


def make_demo_keys(folder: Path, *, password: Secret, organisation: str, common_name: str) -> DemoKeys:
    """Create a demo root CA and a signing certificate under ``folder`` (see the module docstring)."""
    if len(password.reveal()) < 8:
        raise CertificateError("the key password must have at least 8 characters")
    keys = DemoKeys(folder / ROOT_CERT, folder / ROOT_KEY, folder / SIGNING_P12)
    existing = [path for path in (keys.root_certificate, keys.root_key, keys.pkcs12) if path.exists()]
    if existing:
        raise CertificateError(f"{existing[0]} already exists; keygen never overwrites keys",
                               hint="choose another folder, or move the old keys away first")
    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC) - timedelta(minutes=5)
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    root_name = _name(organisation, f"{organisation} – rădăcină demonstrativă")
    root = (
        _builder(root_name, root_name, public_key=root_key.public_key(), start=now, years=ROOT_YEARS)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(cert_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    signing_key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    signing = (
        _builder(_name(organisation, common_name), root_name, public_key=signing_key.public_key(), start=now,
                 years=SIGNING_YEARS)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(cert_sign=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(signing_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    secret = password.reveal().encode("utf-8")
    create_file(keys.root_certificate, root.public_bytes(serialization.Encoding.PEM), mode=0o644)
    create_file(keys.root_key, root_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                 serialization.BestAvailableEncryption(secret)), mode=0o600)
    create_file(keys.pkcs12, pkcs12.serialize_key_and_certificates(
        common_name.encode("utf-8"), signing_key, signing, [root], serialization.BestAvailableEncryption(secret)),
        mode=0o600)
    return keys


def _name(organisation: str, common_name: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "RO"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def _builder(subject: x509.Name, issuer: x509.Name, *, public_key: rsa.RSAPublicKey, start: datetime,
             years: int) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=365 * years))
    )


def _usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not cert_sign, content_commitment=not cert_sign, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=cert_sign, crl_sign=cert_sign,
        encipher_only=False, decipher_only=False,
    )


def create_file(path: Path, data: bytes, *, mode: int) -> None:
    """Create ``path`` with ``mode`` from the start (no moment where a key is readable by others)."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except OSError as exc:
        raise CertificateError(f"cannot create {path}: {exc.strerror}") from None
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    os.chmod(path, mode)  # the umask may have taken bits away from a public certificate
