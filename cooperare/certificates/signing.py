"""PAdES signatures with pyHanko, from a PKCS#12 key file (mode 0600) and a password handed in as a Secret.

:class:`PdfSigner` loads the key once and signs many PDFs (baseline B-B: a CMS signature with signed attributes and
the certificate chain, no timestamp server). The password reaches this module only as a
:class:`~cooperare.secrets.Secret` — from the environment or a prompt, in the CLI — never from argv, and it is not
kept after the key is loaded. Two costs pyHanko pays per signature are paid once per key here: loading the private
key, and building the signing-certificate-v2 attribute (together two thirds of the signing time). This module must
not render, store or verify certificates.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asn1crypto import tsp
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.keys.internal import translate_pyca_cryptography_cert_to_asn1, translate_pyca_cryptography_key_to_asn1
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.attributes import CMSAttributeProvider, SignedAttributeProviderSpec, SigningCertificateV2Provider
from pyhanko.sign.general import as_signing_certificate_v2, get_pyca_cryptography_hash
from pyhanko_certvalidator.registry import SimpleCertificateStore

from cooperare.errors import CertificateError
from cooperare.secrets import Secret, check_private_file

SIGNATURE_FIELD = "Semnatura"
RESERVE_MARGIN = 4096
"""Bytes reserved for the signature container beyond the certificates it embeds (signature, attributes)."""


@dataclass(frozen=True)
class SignatureDetails:
    """What the signature dictionary says about the signing (shown by PDF readers)."""

    reason: str = "Certificat de absolvire"
    location: str = "România"


class PdfSigner:
    """Signs PDFs with one PKCS#12 key and the certificates stored with it."""

    def __init__(self, pkcs12_path: Path, *, password: Secret, details: SignatureDetails | None = None) -> None:
        key, certificate, chain = load_signing_key(pkcs12_path, password=password)
        store = SimpleCertificateStore()
        store.register_multiple(translate_pyca_cryptography_cert_to_asn1(cert) for cert in chain)
        self._signer = _LoadedKeySigner(key, signing_key=translate_pyca_cryptography_key_to_asn1(key),
                                        signing_cert=translate_pyca_cryptography_cert_to_asn1(certificate),
                                        cert_registry=store, embed_roots=False)
        self.details = details or SignatureDetails()
        signing_cert = self._signer.signing_cert
        assert signing_cert is not None  # given above
        self.subject: str = signing_cert.subject.human_friendly
        embedded = [signing_cert, *store]
        self._reserved = 2 * (sum(len(cert.dump()) for cert in embedded) + RESERVE_MARGIN)  # hex digits in the PDF

    def sign(self, pdf: bytes) -> bytes:
        """The signed PDF (an incremental update of ``pdf`` adding one PAdES signature)."""
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        meta = signers.PdfSignatureMetadata(
            field_name=SIGNATURE_FIELD,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            reason=self.details.reason,
            location=self.details.location,
        )
        output = signers.sign_pdf(writer, meta, signer=self._signer, bytes_reserved=self._reserved)
        return output.getvalue()


def load_signing_key(pkcs12_path: Path, *, password: Secret) -> tuple[Any, x509.Certificate, list[x509.Certificate]]:
    """The private key, its certificate and the other certificates of a PKCS#12 file (mode 0600 checked first)."""
    check_private_file(pkcs12_path, what="PKCS#12 signing key")
    try:
        data = pkcs12_path.read_bytes()
    except OSError as exc:
        raise CertificateError(f"cannot read the signing key {pkcs12_path}: {exc.strerror}") from None
    try:
        key, certificate, chain = pkcs12.load_key_and_certificates(data, password.reveal().encode("utf-8"))
    except ValueError:
        raise CertificateError(
            f"cannot open the signing key {pkcs12_path}: wrong password, or not a PKCS#12 file",
            hint="give the key's password in the configured environment variable or at the prompt",
        ) from None
    if key is None or certificate is None:
        raise CertificateError(f"{pkcs12_path} holds no private key with its certificate")
    return key, certificate, list(chain)

class _LoadedKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner, with two costs paid once instead of for every signature: loading the private key
    (``cryptography`` checks an RSA key on each load: over 100 ms for RSA-3072) and building the signing-certificate-v2
    attribute, which only depends on the certificate."""

    def __init__(self, key: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._key = key
        self._signing_certificate = _FixedSigningCertificateV2(self.signing_cert)

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        hash_algo = get_pyca_cryptography_hash(digest_algorithm)
        if mechanism == "rsassa_pkcs1v15" and isinstance(self._key, RSAPrivateKey):
            return self._key.sign(data, PKCS1v15(), hash_algo)
        if mechanism == "ecdsa" and isinstance(self._key, EllipticCurvePrivateKey):
            return self._key.sign(data, ECDSA(hash_algo))
        return super().sign_raw(data, digest_algorithm)

    def _signed_attr_provider_spec(self, *args: Any, **kwargs: Any) -> SignedAttributeProviderSpec:
        return _Substituted(super()._signed_attr_provider_spec(*args, **kwargs), self._signing_certificate)


class _FixedSigningCertificateV2(CMSAttributeProvider):
    """The signing-certificate-v2 attribute of one certificate, encoded once."""

    attribute_type: str = "signing_certificate_v2"

    def __init__(self, certificate: Any) -> None:
        self._encoded = as_signing_certificate_v2(certificate).dump()

    async def build_attr_value(self, dry_run: bool = False) -> tsp.SigningCertificateV2:
        return tsp.SigningCertificateV2.load(self._encoded)


class _Substituted(SignedAttributeProviderSpec):
    """pyHanko's own choice of signed attributes, with the signing-certificate-v2 provider replaced."""

    def __init__(self, inner: SignedAttributeProviderSpec, fixed: _FixedSigningCertificateV2) -> None:
        self._inner = inner
        self._fixed = fixed

    def signed_attr_providers(self, data_digest: bytes, digest_algorithm: str) -> Iterator[CMSAttributeProvider]:
        for provider in self._inner.signed_attr_providers(data_digest, digest_algorithm):
            yield self._fixed if isinstance(provider, SigningCertificateV2Provider) else provider
