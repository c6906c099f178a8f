"""The fast certificate press: the same page as reportlab draws it (pixel for pixel where pdftoppm exists), the same
text, metadata and embedded fonts, reportlab's QR matrix, and reportlab's path for characters outside the template."""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel

from cooperare.certificates.fonts import load_fonts
from cooperare.certificates.press import CHARSET, CertificatePress
from cooperare.certificates.qr import MASK, qr_modules
from cooperare.certificates.render import render_certificate
from cooperare.errors import CertificateError
from tests.certificates.test_certificate_pdf import CONTENT, text_of


@pytest.fixture(scope="module")
def press() -> CertificatePress:
    return CertificatePress(fonts=load_fonts())


def reportlab_modules(data: str) -> list[list[bool]]:
    code = QRCode(None, QRErrorCorrectLevel.M)
    code.addData(data)
    code.version = code.calculate_version()
    code.makeImpl(False, MASK)
    return code.modules


@pytest.mark.parametrize("data", ["https://cooperare.example.ro/verificare?serie=7K2M-9QXD-4TBW-H0RC", "x", "12345",
                                  "ABC 123", "https://x.ro/v?lang=ro&serie=AAAA-BBBB-CCCC-DDDD" * 4, "ăîșț"])
def test_the_qr_matrix_is_reportlabs(data: str) -> None:
    assert qr_modules(data) == reportlab_modules(data)


def test_the_page_carries_the_same_text_metadata_and_embedded_fonts(press: CertificatePress) -> None:
    pdf = press.render(CONTENT)
    lines = [line.strip() for line in text_of(pdf).splitlines()]
    assert lines == [line.strip() for line in text_of(render_certificate(CONTENT, fonts=load_fonts())).splitlines()]
    assert "Ștefan Țăranu-Mândrescu" in text_of(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata["/Keywords"] == "serie:7K2M9QXD4TBWH0RC"
    assert reader.metadata["/Title"] == "CERTIFICAT DE ABSOLVIRE – Ștefan Țăranu-Mândrescu"
    assert reader.metadata["/Subject"] == "Certificat seria 7K2M-9QXD-4TBW-H0RC"
    assert "FontFile2" in pdf.decode("latin-1")
    other = press.render(replace(CONTENT, serial="AAAABBBBCCCCDDDD", name="Anișoara Bălan"))
    assert "Anișoara Bălan" in text_of(other) and "Ștefan" not in text_of(other)
    assert "AAAA-BBBB-CCCC-DDDD" in text_of(other)


def test_a_letter_outside_the_template_is_drawn_by_reportlab_and_a_missing_glyph_still_stops(
        press: CertificatePress) -> None:
    assert "Ł" not in CHARSET
    pdf = press.render(replace(CONTENT, name="Łukasz Żółć"))
    assert "Łukasz Żółć" in text_of(pdf)
    with pytest.raises(CertificateError, match=r"U\+4E2D"):
        press.render(replace(CONTENT, name="Ștefan 中"))


def pixels(pdf: bytes, folder: Path, name: str) -> list[int]:
    from PIL import Image

    path = folder / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "100", "-png", "-singlefile", str(path), str(folder / name)], check=True)
    return list(Image.open(folder / f"{name}.png").convert("L").tobytes())


@pytest.mark.parametrize("name", ["Ștefan Țăranu-Mândrescu", "Ödön Szőke-Ünnepelt (Köröspatak)",
                                  "Mădălina-Alexandra Constantinescu-Dumitrașcu-Bălănescu Vîlcu"])
def test_the_page_looks_exactly_as_reportlab_draws_it(press: CertificatePress, tmp_path: Path, name: str) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    content = replace(CONTENT, name=name)
    fast = pixels(press.render(content), tmp_path, "fast")
    reference = pixels(render_certificate(content, fonts=load_fonts()), tmp_path, "reference")
    assert len(fast) == len(reference)
    assert fast == reference


def test_a_signature_image_is_part_of_the_template(tmp_path: Path) -> None:
    from PIL import Image

    image = tmp_path / "semnatura.png"
    Image.new("RGB", (300, 100), (20, 40, 160)).save(image)
    pdf = CertificatePress(fonts=load_fonts(), signature_image=image).render(CONTENT)
    assert len(PdfReader(io.BytesIO(pdf)).pages[0].images) == 1
    if shutil.which("pdftoppm") is not None:
        reference = render_certificate(CONTENT, fonts=load_fonts(), signature_image=image)
        assert pixels(pdf, tmp_path, "fast") == pixels(reference, tmp_path, "reference")
