"""PAdES signatures and verification: pyHanko's validator trusts the demo root; tampering, revocation and
replacement fail; the key's password and file mode are enforced."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.generic import pdf_string
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from cooperare.certificates.issue import Issuing, reissue
from cooperare.certificates.keygen import DemoKeys, make_demo_keys
from cooperare.certificates.signing import PdfSigner
from cooperare.certificates.verify import load_trust_root, verify_pdf, verify_serial
from cooperare.errors import CertificateError, SecretError
from cooperare.secrets import Secret
from cooperare.store.certificates import CertificateRecord, CertificateRegistry

from .conftest import PASSWORD


def pdf_of(record: CertificateRecord, issuing: Issuing) -> bytes:
    return (issuing.output / (record.file or "")).read_bytes()


def failed(result) -> set[str]:  # type: ignore[no-untyped-def]
    return {check.name for check in result.checks if not check.ok}


def test_pyhanko_validates_the_signature_against_the_demo_root(issued: list[CertificateRecord], issuing: Issuing,
                                                              demo_keys: DemoKeys) -> None:
    reader = PdfFileReader(io.BytesIO(pdf_of(issued[0], issuing)))
    [signature] = reader.embedded_signatures
    root = load_cert_from_pemder(str(demo_keys.root_certificate))
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[root]))
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    untrusted = validate_pdf_signature(signature, ValidationContext(trust_roots=[]))
    assert untrusted.intact and not untrusted.trusted


def test_the_signed_attributes_name_the_signing_certificate(issued: list[CertificateRecord], issuing: Issuing) -> None:
    [signature] = PdfFileReader(io.BytesIO(pdf_of(issued[0], issuing))).embedded_signatures
    attributes = {a["type"].native: a["values"][0] for a in signature.signer_info["signed_attrs"]}
    assert set(attributes) == {"content_type", "message_digest", "signing_certificate_v2"}
    [cert_id] = attributes["signing_certificate_v2"]["certs"]
    assert cert_id["cert_hash"].native == hashlib.sha256(signature.signer_cert.dump()).digest()


def test_a_genuine_certificate_verifies(issued: list[CertificateRecord], issuing: Issuing,
                                        registry: CertificateRegistry, demo_keys: DemoKeys) -> None:
    result = verify_pdf(pdf_of(issued[0], issuing), registry=registry,
                        trust_root=load_trust_root(demo_keys.root_certificate))
    assert result.ok and result.serial == issued[0].serial
    assert [c.name for c in result.checks] == ["signature intact", "signature trusted", "nothing added",
                                               "registry", "status"]


@pytest.mark.parametrize("where", [0.25, 0.5, 0.75])
def test_one_flipped_byte_fails(issued: list[CertificateRecord], issuing: Issuing, registry: CertificateRegistry,
                                demo_keys: DemoKeys, where: float) -> None:
    data = bytearray(pdf_of(issued[0], issuing))
    data[int(len(data) * where)] ^= 0x01
    result = verify_pdf(bytes(data), registry=registry, trust_root=load_trust_root(demo_keys.root_certificate))
    assert not result.ok
    assert "registry" in failed(result)
    assert failed(result) & {"signature intact", "signature"}


def test_content_added_after_signing_fails(issued: list[CertificateRecord], issuing: Issuing,
                                           registry: CertificateRegistry, demo_keys: DemoKeys) -> None:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf_of(issued[0], issuing)))
    writer.root["/Lang"] = pdf_string("ro")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    result = verify_pdf(out.getvalue(), registry=registry, trust_root=load_trust_root(demo_keys.root_certificate))
    assert {"nothing added", "registry"} <= failed(result)


def test_a_certificate_from_another_root_is_not_trusted(issued: list[CertificateRecord], issuing: Issuing,
                                                        registry: CertificateRegistry, tmp_path: Path) -> None:
    other = make_demo_keys(tmp_path / "other", password=Secret(PASSWORD), organisation="Alta", common_name="Alta")
    result = verify_pdf(pdf_of(issued[0], issuing), registry=registry,
                        trust_root=load_trust_root(other.root_certificate))
    assert failed(result) == {"signature trusted"}


def test_a_revoked_certificate_fails(issued: list[CertificateRecord], issuing: Issuing,
                                     registry: CertificateRegistry, demo_keys: DemoKeys) -> None:
    registry.revoke(issued[0].serial, reason="acordat din eroare")
    result = verify_pdf(pdf_of(issued[0], issuing), registry=registry,
                        trust_root=load_trust_root(demo_keys.root_certificate))
    assert failed(result) == {"status"}
    assert "revoked: acordat din eroare" in result.checks[-1].detail
    assert not verify_serial(issued[0].serial, registry=registry).ok
    assert verify_serial(issued[1].serial, registry=registry).ok


def test_a_replaced_certificate_fails_and_its_replacement_verifies(issued: list[CertificateRecord], issuing: Issuing,
                                                                   registry: CertificateRegistry,
                                                                   demo_keys: DemoKeys) -> None:
    root = load_trust_root(demo_keys.root_certificate)
    new = reissue(issued[0].serial, reason="nume corectat", registry=registry, issuing=issuing, trainee=None)
    old = verify_pdf(pdf_of(issued[0], issuing), registry=registry, trust_root=root)
    assert failed(old) == {"status"} and "replaced by" in old.checks[-1].detail
    assert verify_pdf(pdf_of(new, issuing), registry=registry, trust_root=root).ok


def test_an_unknown_serial_does_not_verify(registry: CertificateRegistry) -> None:
    result = verify_serial("0000-0000-0000-0000", registry=registry)
    assert not result.ok and "no certificate 0000-0000-0000-0000" in result.checks[0].detail


def test_a_wrong_password_is_a_clear_error(demo_keys: DemoKeys) -> None:
    with pytest.raises(CertificateError, match="wrong password"):
        PdfSigner(demo_keys.pkcs12, password=Secret("not-the-password"))


def test_a_key_file_others_can_read_is_refused(demo_keys: DemoKeys, tmp_path: Path) -> None:
    copy = tmp_path / "signing.p12"
    copy.write_bytes(demo_keys.pkcs12.read_bytes())
    copy.chmod(0o644)
    with pytest.raises(SecretError, match="readable by its owner only"):
        PdfSigner(copy, password=Secret(PASSWORD))


def test_a_file_that_is_not_a_pdf_fails_verification(registry: CertificateRegistry, demo_keys: DemoKeys) -> None:
    result = verify_pdf(b"not a pdf at all", registry=registry, trust_root=load_trust_root(demo_keys.root_certificate))
    assert not result.ok and {"signature", "registry"} <= failed(result)


def test_worker_processes_sign_valid_certificates_in_order(demo_keys: DemoKeys) -> None:
    from dataclasses import replace

    from pypdf import PdfReader

    from cooperare.certificates.production import IN_PROCESS_BELOW, Producer

    from .test_certificate_pdf import CONTENT

    contents = [replace(CONTENT, serial=f"7K2M9QXD4TBW{i:04d}") for i in range(IN_PROCESS_BELOW + 3)]
    made = list(Producer(pkcs12=demo_keys.pkcs12, password=Secret(PASSWORD)).run(contents, workers=2))
    assert [m.serial for m in made] == [c.serial for c in contents]
    root = load_cert_from_pemder(str(demo_keys.root_certificate))
    for produced in (made[0], made[-1]):
        assert hashlib.sha256(produced.pdf).hexdigest() == produced.sha256
        keywords = PdfReader(io.BytesIO(produced.pdf)).metadata["/Keywords"]
        assert keywords == f"serie:{produced.serial}"
        signature = PdfFileReader(io.BytesIO(produced.pdf)).embedded_signatures[0]
        status = validate_pdf_signature(signature, ValidationContext(trust_roots=[root]))
        assert status.intact and status.valid and status.trusted


def test_the_key_checked_before_issuing_is_the_one_that_signs_not_loaded_again(
        demo_keys: DemoKeys, monkeypatch: pytest.MonkeyPatch) -> None:
    """`check` (run before Moodle is read) opens the key; `run` signs with it instead of loading it a second time
    (160 ms for an RSA-3072 key), and a producer sent to a spawned worker carries no opened key."""
    import pickle
    from dataclasses import replace

    from cooperare.certificates import production

    from .test_certificate_pdf import CONTENT

    loads: list[Path] = []

    class CountingSigner(PdfSigner):
        def __init__(self, path: Path, **kwargs) -> None:  # type: ignore[no-untyped-def]
            loads.append(path)
            super().__init__(path, **kwargs)

    monkeypatch.setattr(production, "PdfSigner", CountingSigner)
    producer = production.Producer(pkcs12=demo_keys.pkcs12, password=Secret(PASSWORD))
    subject = producer.check()
    assert subject and producer.check() == subject
    made = list(producer.run([replace(CONTENT, serial=f"7K2M9QXD4TBW{i:04d}") for i in range(3)], workers=1))
    made += list(producer.run([replace(CONTENT, serial="7K2M9QXD4TBW0009")], workers=1))
    assert len(made) == 4 and loads == [demo_keys.pkcs12]
    sent = pickle.loads(pickle.dumps(producer))
    assert sent == producer and sent._opened == []
