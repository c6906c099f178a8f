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
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Protocol

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from cooperare.certificates.fonts import FontPair
from cooperare.certificates.qr import qr_rows
from cooperare.certificates.serials import grouped
from cooperare.errors import CertificateError

PAGE = landscape(A4)
ACCENT = HexColor("#1F4E79")
MUTED = HexColor("#555555")
TITLE = "CERTIFICAT DE ABSOLVIRE"
BLACK = HexColor("#000000")
SIGNATURE_AT = (PAGE[0] - 95 * mm, 38 * mm)
QR_AT = (25 * mm, 24 * mm)
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


class Pen(Protocol):
    """Where the variable part of a page is drawn: a reportlab canvas, or a content stream written directly."""

    def text(self, text: str, *, font: str, size: float, x: float, y: float, colour: Color = BLACK,
             centred: bool = True) -> None: ...

    def qr(self, rows: list[bytes], *, x: float, y: float, side: float) -> None: ...
    """A QR code given as :func:`~cooperare.certificates.qr.qr_rows` returns it."""


def render_certificate(content: CertificateContent, *, fonts: FontPair, signature_image: Path | None = None) -> bytes:
    """The unsigned certificate PDF, drawn entirely with reportlab (the reference the faster
    :class:`~cooperare.certificates.press.CertificatePress` matches, and its fallback)."""
    fonts.require("".join(content.texts()))
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=PAGE, pageCompression=1)
    canvas.setTitle(f"{TITLE} – {content.name}")
    canvas.setAuthor(content.issuer)
    canvas.setSubject(f"Certificat seria {grouped(content.serial)}")
    canvas.setKeywords(f"serie:{content.serial}")
    canvas.setCreator(PRODUCER)
    draw_static(canvas, signature_image=signature_image)
    draw_variable(_CanvasPen(canvas), content, fonts=fonts)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def draw_static(canvas: Canvas, *, signature_image: Path | None) -> None:
    """What every certificate of a producer shares: the frame, the signature image and the signature line."""
    width, height = PAGE
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(3)
    canvas.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    canvas.setLineWidth(0.8)
    canvas.rect(15 * mm, 15 * mm, width - 30 * mm, height - 30 * mm)
    x, y = SIGNATURE_AT
    if signature_image is not None:
        try:
            reader = ImageReader(str(signature_image))
        except OSError as exc:
            raise CertificateError(f"cannot read the signature image {signature_image}: {exc}") from None
        canvas.drawImage(reader, x + 10 * mm, y + 6 * mm, width=50 * mm, height=18 * mm, preserveAspectRatio=True,
                         mask="auto", anchor="c")
    canvas.setStrokeColor(MUTED)
    canvas.setLineWidth(0.6)
    canvas.line(x, y + 5 * mm, x + 70 * mm, y + 5 * mm)


def draw_variable(pen: Pen, content: CertificateContent, *, fonts: FontPair) -> None:
    """Every text of the certificate and its QR code."""
    width, height = PAGE
    fixed = _fixed_texts(content)
    centre = width / 2
    widest = width - 70 * mm
    y = height - 38 * mm
    if content.project:
        pen.text(content.project, font=fonts.regular, size=11, x=centre, y=y, colour=MUTED)
        y -= 9 * mm
    pen.text(content.issuer, font=fonts.bold, size=14, x=centre, y=y, colour=ACCENT)
    y -= 17 * mm
    pen.text(TITLE, font=fonts.bold, size=30, x=centre, y=y, colour=ACCENT)
    y -= 15 * mm
    pen.text(fixed[0], font=fonts.regular, size=13, x=centre, y=y)
    y -= 14 * mm
    pen.text(content.name, font=fonts.bold, size=fitted_size(content.name, fonts.bold, 28, widest), x=centre, y=y)
    y -= 12 * mm
    pen.text(fixed[1], font=fonts.regular, size=13, x=centre, y=y)
    y -= 9 * mm
    programme = f"„{content.programme}”"
    pen.text(programme, font=fonts.bold, size=fitted_size(programme, fonts.bold, 16, widest), x=centre, y=y)
    y -= 8 * mm
    pen.text(content.course, font=fonts.regular, size=fitted_size(content.course, fonts.regular, 12, widest), x=centre,
             y=y)
    y -= 7 * mm
    pen.text(content.track, font=fonts.regular, size=fitted_size(content.track, fonts.regular, 12, widest), x=centre,
             y=y, colour=MUTED)
    y -= 11 * mm
    pen.text(fixed[2], font=fonts.regular, size=12, x=centre, y=y)
    y -= 7 * mm
    pen.text(fixed[3], font=fonts.regular, size=12, x=centre, y=y)
    x, y = SIGNATURE_AT
    pen.text(content.signatory_name, font=fonts.bold, size=11, x=x + 35 * mm, y=y)
    pen.text(content.signatory_role, font=fonts.regular, size=10, x=x + 35 * mm, y=y - 5 * mm, colour=MUTED)
    x, y = QR_AT
    link = verification_link(content.verify_url, content.serial)
    side = 30 * mm
    pen.qr(qr_rows(link), x=x, y=y, side=side)
    text_x = x + side + 4 * mm
    pen.text(fixed[4], font=fonts.bold, size=10, x=text_x, y=y + 22 * mm, centred=False)
    pen.text(fixed[5], font=fonts.regular, size=8, x=text_x, y=y + 15 * mm, colour=MUTED, centred=False)
    pen.text(link, font=fonts.regular, size=8, x=text_x, y=y + 11 * mm, colour=MUTED, centred=False)
    pen.text(fixed[6], font=fonts.regular, size=8, x=text_x, y=y + 5 * mm, colour=MUTED, centred=False)


def fitted_size(text: str, font: str, size: float, max_width: float) -> float:
    """The largest size, from ``size`` down in half points (7 at least), at which ``text`` fits ``max_width``: long
    names and titles stay on one line."""
    while size > 7 and stringWidth(text, font, size) > max_width:
        size -= 0.5
    return size


def qr_runs(rows: list[bytes]) -> list[tuple[int, int, int]]:
    """The dark runs of each row of a QR code (rows of 0/1 bytes): (row, first column, length), in row order."""
    stride = len(rows[0]) + 1 if rows else 1
    return [(start // stride, start % stride, match.end() - start)
            for match in _DARK.finditer(b"\x00".join(rows)) for start in (match.start(),)]


_DARK = re.compile(b"\x01+")


class _CanvasPen:
    def __init__(self, canvas: Canvas) -> None:
        self.canvas = canvas

    def text(self, text: str, *, font: str, size: float, x: float, y: float, colour: Color = BLACK,
             centred: bool = True) -> None:
        self.canvas.setFillColor(colour)
        self.canvas.setFont(font, size)
        if centred:
            self.canvas.drawCentredString(x, y, text)
        else:
            self.canvas.drawString(x, y, text)

    def qr(self, rows: list[bytes], *, x: float, y: float, side: float) -> None:
        """The QR code's ``rows`` filling a ``side`` square whose lower left corner is (x, y)."""
        canvas = self.canvas
        count = len(rows)
        canvas.saveState()
        canvas.translate(x, y + side)
        canvas.scale(side / count, -side / count)  # module units, rows downwards: whole-number coordinates
        path = canvas.beginPath()
        for row, start, length in qr_runs(rows):
            path.rect(start, row, length, 1)
        canvas.setFillColor(BLACK)
        canvas.drawPath(path, stroke=0, fill=1)
        canvas.restoreState()
