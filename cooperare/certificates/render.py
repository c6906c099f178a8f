"""The certificate page: one A4 landscape PDF in Romanian, drawn with reportlab from a :class:`CertificateContent`.

The page carries the trainee's name, programme, track, hours, period, result, serial, issue date, issuer and
signatory (with an optional signature image), and a QR code holding only the verification URL with the serial —
never a name or an e-mail. All text is set in the configured TrueType font (embedded, subset); before drawing,
every character is checked against the font (see :mod:`cooperare.certificates.fonts`). The serial is also written
in the PDF's metadata (subject and keywords) so :mod:`cooperare.certificates.verify` can find it. This module must
not sign, store or deliver anything.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from cooperare.certificates.fonts import FontPair
from cooperare.certificates.serials import grouped
from cooperare.errors import CertificateError

PAGE = landscape(A4)
ACCENT = HexColor("#1F4E79")
MUTED = HexColor("#555555")
TITLE = "CERTIFICAT DE ABSOLVIRE"
QR_MASK = 2
"""A fixed QR mask pattern (columns every third module): any of the eight is valid and every reader decodes it;
scoring all eight, as reportlab does, costs two thirds of the time to draw a certificate."""
PRODUCER = "cooperare (reportlab)"


@dataclass(frozen=True)
class CertificateContent:
    """Everything printed on one certificate (already in Romanian)."""

    serial: str
    name: str
    programme: str
    course: str
    track: str
    hours: int
    start: date
    end: date
    result: str
    issued_on: date
    issuer: str
    signatory_name: str
    signatory_role: str
    verify_url: str
    project: str = ""

    def texts(self) -> list[str]:
        """Every string drawn on the page (for the glyph check)."""
        return [TITLE, self.name, self.programme, self.course, self.track, self.result, self.issuer,
                self.signatory_name, self.signatory_role, self.project, self.verify_url, *_fixed_texts(self)]


def verification_link(base_url: str, serial: str) -> str:
    """The URL in the QR code: the configured base with the grouped serial (no personal data)."""
    separator = "&" if "?" in base_url else "?"
    return f"{base_url}{separator}serie={grouped(serial)}"


def ro_date(value: date) -> str:
    return value.strftime("%d.%m.%Y")


def _fixed_texts(content: CertificateContent) -> list[str]:
    return [
        "Se certifică faptul că",
        "a absolvit programul de formare",
        f"Durata: {content.hours} de ore  ·  Perioada: {ro_date(content.start)} – {ro_date(content.end)}",
        f"Rezultat: {content.result}",
        f"Seria {grouped(content.serial)}  ·  Eliberat la {ro_date(content.issued_on)}",
        "Verificați autenticitatea scanând codul sau la adresa:",
        "Document semnat electronic (PAdES).",
    ]


def render_certificate(content: CertificateContent, *, fonts: FontPair, signature_image: Path | None = None) -> bytes:
    """The unsigned certificate PDF."""
    fonts.require("".join(content.texts()))
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=PAGE, pageCompression=1)
    canvas.setTitle(f"{TITLE} – {content.name}")
    canvas.setAuthor(content.issuer)
    canvas.setSubject(f"Certificat seria {grouped(content.serial)}")
    canvas.setKeywords(f"serie:{content.serial}")
    canvas.setCreator(PRODUCER)
    width, height = PAGE
    _frame(canvas, width, height)
    fixed = _fixed_texts(content)
    centre = width / 2
    y = height - 38 * mm
    if content.project:
        _line(canvas, content.project, font=fonts.regular, size=11, x=centre, y=y, colour=MUTED)
        y -= 9 * mm
    _line(canvas, content.issuer, font=fonts.bold, size=14, x=centre, y=y, colour=ACCENT)
    y -= 17 * mm
    _line(canvas, TITLE, font=fonts.bold, size=30, x=centre, y=y, colour=ACCENT)
    y -= 15 * mm
    _line(canvas, fixed[0], font=fonts.regular, size=13, x=centre, y=y)
    y -= 14 * mm
    _fitted(canvas, content.name, font=fonts.bold, size=28, x=centre, y=y, max_width=width - 70 * mm)
    y -= 12 * mm
    _line(canvas, fixed[1], font=fonts.regular, size=13, x=centre, y=y)
    y -= 9 * mm
    _fitted(canvas, f"„{content.programme}”", font=fonts.bold, size=16, x=centre, y=y, max_width=width - 70 * mm)
    y -= 8 * mm
    _fitted(canvas, content.course, font=fonts.regular, size=12, x=centre, y=y, max_width=width - 70 * mm)
    y -= 7 * mm
    _fitted(canvas, content.track, font=fonts.regular, size=12, x=centre, y=y, max_width=width - 70 * mm,
            colour=MUTED)
    y -= 11 * mm
    _line(canvas, fixed[2], font=fonts.regular, size=12, x=centre, y=y)
    y -= 7 * mm
    _line(canvas, fixed[3], font=fonts.regular, size=12, x=centre, y=y)
    _signature_block(canvas, content, fonts=fonts, image=signature_image, x=width - 95 * mm, y=38 * mm)
    _qr_block(canvas, content, fonts=fonts, fixed=fixed, x=25 * mm, y=24 * mm)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _frame(canvas: Canvas, width: float, height: float) -> None:
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(3)
    canvas.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    canvas.setLineWidth(0.8)
    canvas.rect(15 * mm, 15 * mm, width - 30 * mm, height - 30 * mm)


def _line(canvas: Canvas, text: str, *, font: str, size: float, x: float, y: float,
          colour: Color | None = None) -> None:
    canvas.setFillColor(colour or HexColor("#000000"))
    canvas.setFont(font, size)
    canvas.drawCentredString(x, y, text)


def _fitted(canvas: Canvas, text: str, *, font: str, size: float, x: float, y: float, max_width: float,
            colour: Color | None = None) -> None:
    """Centred text, shrunk until it fits ``max_width`` (long names and titles stay on one line)."""
    while size > 7 and canvas.stringWidth(text, font, size) > max_width:
        size -= 0.5
    _line(canvas, text, font=font, size=size, x=x, y=y, colour=colour)


def _signature_block(canvas: Canvas, content: CertificateContent, *, fonts: FontPair, image: Path | None,
                     x: float, y: float) -> None:
    if image is not None:
        try:
            reader = ImageReader(str(image))
        except OSError as exc:
            raise CertificateError(f"cannot read the signature image {image}: {exc}") from None
        canvas.drawImage(reader, x + 10 * mm, y + 6 * mm, width=50 * mm, height=18 * mm, preserveAspectRatio=True,
                         mask="auto", anchor="c")
    canvas.setStrokeColor(MUTED)
    canvas.setLineWidth(0.6)
    canvas.line(x, y + 5 * mm, x + 70 * mm, y + 5 * mm)
    _line(canvas, content.signatory_name, font=fonts.bold, size=11, x=x + 35 * mm, y=y)
    _line(canvas, content.signatory_role, font=fonts.regular, size=10, x=x + 35 * mm, y=y - 5 * mm, colour=MUTED)


def _qr_block(canvas: Canvas, content: CertificateContent, *, fonts: FontPair, fixed: list[str], x: float,
              y: float) -> None:
    link = verification_link(content.verify_url, content.serial)
    side = 30 * mm
    _draw_qr(canvas, link, x=x, y=y, side=side)
    text_x = x + side + 4 * mm
    canvas.setFillColor(HexColor("#000000"))
    canvas.setFont(fonts.bold, 10)
    canvas.drawString(text_x, y + 22 * mm, fixed[4])
    canvas.setFillColor(MUTED)
    canvas.setFont(fonts.regular, 8)
    canvas.drawString(text_x, y + 15 * mm, fixed[5])
    canvas.drawString(text_x, y + 11 * mm, link)
    canvas.drawString(text_x, y + 5 * mm, fixed[6])


def _draw_qr(canvas: Canvas, data: str, *, x: float, y: float, side: float) -> None:
    """A QR code (error correction M) of ``data`` filling a ``side`` square whose lower left corner is (x, y)."""
    code = QRCode(None, QRErrorCorrectLevel.M)
    code.addData(data)
    code.version = code.calculate_version()
    code.makeImpl(False, QR_MASK)
    count = code.getModuleCount()
    canvas.saveState()
    canvas.translate(x, y + side)
    canvas.scale(side / count, -side / count)  # module units, rows downwards: whole-number coordinates
    path = canvas.beginPath()
    for row_number, row in enumerate(code.modules):
        column = 0
        while column < count:
            if row[column]:
                start = column
                while column < count and row[column]:
                    column += 1
                path.rect(start, row_number, column - start, 1)
            column += 1
    canvas.setFillColor(HexColor("#000000"))
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
