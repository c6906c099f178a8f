"""The certificate PDF: Romanian text that survives extraction, fonts checked glyph by glyph, a QR code with the
verification link only, and a page that renders (where pdftoppm exists)."""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import reportlab
from pypdf import PdfReader

from cooperare.certificates.fonts import load_fonts
from cooperare.certificates.render import CertificateContent, render_certificate, verification_link
from cooperare.certificates.serials import grouped
from cooperare.errors import CertificateError

CONTENT = CertificateContent(
    serial="7K2M9QXD4TBWH0RC", name="Ștefan Țăranu-Mândrescu", programme="Expert în digitalizare",
    course="Expert în digitalizare pentru administrația publică locală",
    track="Personal al administrației publice locale – experți în digitalizare", hours=80, start=date(2027, 2, 15),
    end=date(2027, 9, 30), result="Admis – evaluarea finală 8,50 din 10 (85%)", issued_on=date(2027, 10, 1),
    issuer="Asociația Comunelor din România", signatory_name="Maria Ionescu", signatory_role="Președinte",
    verify_url="https://cooperare.example.ro/verificare", project="Proiectul „Cooperare digitală”")


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_romanian_text_is_extractable_with_its_diacritics() -> None:
    pdf = render_certificate(CONTENT, fonts=load_fonts())
    text = text_of(pdf)
    for expected in ("CERTIFICAT DE ABSOLVIRE", "Ștefan Țăranu-Mândrescu", "Expert în digitalizare",
                     "administrației publice locale – experți", "Durata: 80 de ore", "15.02.2027 – 30.09.2027",
                     "8,50 din 10", "Seria 7K2M-9QXD-4TBW-H0RC", "01.10.2027", "Asociația Comunelor din România",
                     "Maria Ionescu", "Președinte"):
        assert expected in text, expected
    reader = PdfReader(io.BytesIO(pdf))
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert width > height and round(float(width)) == 842  # A4 landscape
    assert "serie:7K2M9QXD4TBWH0RC" in str(reader.metadata.get("/Keywords"))
    fonts = {str(f) for page in reader.pages for f in page["/Resources"]["/Font"].values()}
    assert fonts  # fonts are embedded subsets of the TrueType file
    assert "FontFile2" in pdf.decode("latin-1")


def test_a_font_without_romanian_letters_is_refused_naming_the_missing_glyphs() -> None:
    vera = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"
    with pytest.raises(CertificateError, match=r"U\+0219") as caught:
        load_fonts(vera, vera)
    assert "Vera.ttf" in str(caught.value) and "empty boxes" in str(caught.value)


def test_a_character_the_font_lacks_stops_rendering() -> None:
    with pytest.raises(CertificateError, match=r"U\+4E2D"):
        render_certificate(replace(CONTENT, name="Ștefan 中"), fonts=load_fonts())


def test_the_qr_link_holds_the_serial_and_no_personal_data() -> None:
    link = verification_link(CONTENT.verify_url, CONTENT.serial)
    assert link == "https://cooperare.example.ro/verificare?serie=7K2M-9QXD-4TBW-H0RC"
    with_query = verification_link("https://x.ro/v?lang=ro", CONTENT.serial)
    assert with_query == "https://x.ro/v?lang=ro&serie=" + grouped(CONTENT.serial)


@pytest.fixture
def page_png(tmp_path: Path) -> Path:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    pdf = tmp_path / "c.pdf"
    pdf.write_bytes(render_certificate(CONTENT, fonts=load_fonts()))
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(tmp_path / "page")], check=True)
    return tmp_path / "page.png"


def test_the_first_page_renders_and_is_not_blank(page_png: Path) -> None:
    from PIL import Image

    image = Image.open(page_png).convert("L")
    assert image.width > image.height
    histogram = image.histogram()
    dark = sum(histogram[:128])
    assert dark > 0.01 * image.width * image.height  # text, frame and QR code: well over 1% dark pixels
    assert histogram[255] > 0.5 * image.width * image.height  # mostly white paper


def test_the_rendered_qr_code_decodes_to_the_verification_link(page_png: Path) -> None:
    if shutil.which("zbarimg") is None:
        pytest.skip("zbarimg (zbar-tools) is not installed")
    decoded = subprocess.run(["zbarimg", "-q", "--raw", str(page_png)], capture_output=True, text=True, check=True)
    assert decoded.stdout.strip() == verification_link(CONTENT.verify_url, CONTENT.serial)


def test_an_optional_signature_image_is_drawn(tmp_path: Path) -> None:
    from PIL import Image

    image = tmp_path / "semnatura.png"
    Image.new("RGB", (300, 100), (20, 40, 160)).save(image)
    reader = PdfReader(io.BytesIO(render_certificate(CONTENT, fonts=load_fonts(), signature_image=image)))
    assert len(reader.pages[0].images) == 1
    assert len(PdfReader(io.BytesIO(render_certificate(CONTENT, fonts=load_fonts()))).pages[0].images) == 0
    with pytest.raises(CertificateError, match="cannot read the signature image"):
        render_certificate(CONTENT, fonts=load_fonts(), signature_image=tmp_path / "lipsa.png")
