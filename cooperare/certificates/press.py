"""Certificate pages made quickly: a template rendered once per process, and per certificate only its texts and QR.

reportlab spends most of a certificate's time building the document, subsetting and compressing the two fonts,
the same for every certificate. :class:`CertificatePress` has reportlab render, once, a template page holding the
static drawing (frame, signature image and line, see :func:`~cooperare.certificates.render.draw_static`) and both
fonts embedded with a subset covering :data:`CHARSET` (Romanian letters, Latin-1, Hungarian ő ű and the punctuation
the texts use). Per certificate it writes the page's content
stream itself — the same drawing as :func:`~cooperare.certificates.render.draw_variable` on a canvas, through the
same layout code — and the document information, and reassembles the PDF around the template's unchanged objects.
A certificate with a character outside the embedded subset is drawn by reportlab instead
(:func:`~cooperare.certificates.render.render_certificate`, which also refuses glyphs the font lacks), so nothing
prints differently. This module must not sign, store or deliver anything.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import zlib
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from reportlab.lib.colors import Color
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from cooperare.certificates.fonts import FontPair
from cooperare.certificates.render import (
    BLACK,
    PAGE,
    PRODUCER,
    TITLE,
    CertificateContent,
    draw_static,
    draw_variable,
    render_certificate,
)
from cooperare.certificates.serials import grouped
from cooperare.errors import CertificateError

CHARSET = ("".join(chr(c) for c in range(0x20, 0x7F)) + "".join(chr(c) for c in range(0xA0, 0x100))
           + "ĂăȘșȚțŞşŢţŐőŰű–—‘’‚“”„•…€‰")
"""Characters embedded in every certificate's fonts: ASCII, Latin-1 (German, French, Hungarian á é í ó ö ú ü…),
Romanian (comma-below and the cedilla forms older systems type), Hungarian ő ű, and the punctuation the texts use.
Each embedded glyph adds to every file (this set: 66 kB a certificate; all of Latin Extended-A: 100 kB), so rarer
letters take reportlab's path instead."""


class CertificatePress:
    """Renders certificates for one font pair and signature image; build once per process, then :meth:`render`."""

    def __init__(self, *, fonts: FontPair, signature_image: Path | None = None) -> None:
        self.fonts = fonts
        self.signature_image = signature_image
        buffer = io.BytesIO()
        canvas = Canvas(buffer, pagesize=PAGE, pageCompression=1, invariant=1)
        draw_static(canvas, signature_image=signature_image)
        document = canvas._doc  # reportlab's document: where the fonts' subsets are assigned
        self._codes: dict[str, _Codes] = {}
        for face in (fonts.regular, fonts.bold):
            font = pdfmetrics.getFont(face)
            present = "".join(ch for ch in CHARSET if ord(ch) in font.face.charToGlyph)
            font.splitString(present, document)
            self._codes[face] = _Codes({ch: (font.getSubsetInternalName(subset, document), _escape(chunk))
                                 for ch in present for subset, chunk in font.splitString(ch, document)})
        regular, bold = self._codes.values()
        self._printable = (set(regular) & set(bold)) | set(_whitespace())
        canvas.showPage()
        canvas.save()
        self._template = _Template.parse(buffer.getvalue())

    def render(self, content: CertificateContent) -> bytes:
        """The unsigned certificate PDF; looks exactly as :func:`render_certificate` draws it."""
        texts = "".join(content.texts())
        if not set(texts) <= self._printable:
            return render_certificate(content, fonts=self.fonts, signature_image=self.signature_image)
        pen = _StreamPen(self._codes)
        draw_variable(pen, content, fonts=self.fonts)
        return self._template.document(pen.operators(), info={
            "Author": content.issuer, "Creator": PRODUCER, "Keywords": f"serie:{content.serial}",
            "Subject": f"Certificat seria {grouped(content.serial)}", "Title": f"{TITLE} – {content.name}"})


class _StreamPen:
    """Writes text and QR codes as PDF content-stream operators, as reportlab's canvas would draw them."""

    def __init__(self, codes: dict[str, _Codes]) -> None:
        self._codes = codes
        self._ops: list[str] = []

    def text(self, text: str, *, font: str, size: float, x: float, y: float, colour: Color = BLACK,
             centred: bool = True) -> None:
        self._ops.append(_text_operators(self._codes[font], text, font, size, x, y, _rgb(colour), centred))

    def qr(self, rows: list[bytes], *, x: float, y: float, side: float) -> None:
        scale = side / len(rows)
        self._ops.append(f"q 1 0 0 1 {fp_str(x, y + side)} cm {fp_str(scale)} 0 0 {fp_str(-scale)} 0 0 cm "
                         f"{_rgb(BLACK)} rg")
        self._ops.append(_qr_rectangles(rows))
        self._ops.append("f Q")

    def operators(self) -> bytes:
        return ("\n".join(self._ops) + "\n").encode("ascii")


class _Template:
    """A one-page reportlab PDF taken apart: its objects as bytes, the page's content stream and the info object."""

    def __init__(self, header: bytes, objects: dict[int, bytes], static: bytes, contents: int, info: int,
                 root: int, producer: str) -> None:
        self.header = header
        self.objects = objects
        self.static = static
        self.contents = contents
        self.info = info
        self.root = root
        self.producer = producer

    @classmethod
    def parse(cls, pdf: bytes) -> _Template:
        start = int(pdf[pdf.rindex(b"startxref") + 9 :].split()[0])
        table = pdf[start:].split(b"trailer")[0].split(b"\n")
        first, count = (int(v) for v in table[1].split())
        offsets = {first + i: int(line[:10]) for i, line in enumerate(table[2 : 2 + count]) if line.endswith(b"n ")}
        ends = sorted([*offsets.values(), start])
        objects = {number: pdf[offset : ends[ends.index(offset) + 1]] for number, offset in offsets.items()}
        trailer = pdf[start:]
        info, root = (int(re.search(rb"/%s (\d+) 0 R" % key, trailer).group(1)) for key in (b"Info", b"Root"))
        pages = int(re.search(rb"/Pages (\d+) 0 R", objects[root]).group(1))
        page = objects[int(re.search(rb"/Kids \[ (\d+) 0 R", objects[pages]).group(1))]
        contents = int(re.search(rb"/Contents (\d+) 0 R", page).group(1))
        body = objects[contents]
        length = int(re.search(rb"/Length (\d+)", body).group(1))
        data = body[body.index(b"stream\n") + 7 :][:length]
        if b"/ASCII85Decode" in body:
            data = base64.a85decode(data.strip().removeprefix(b"<~").removesuffix(b"~>"))
        static = zlib.decompress(data) if b"/FlateDecode" in body else data
        if sorted(objects) != list(range(1, len(objects) + 1)):
            raise CertificateError("the certificate template's objects are not numbered 1…n")  # reportlab's are
        producer = re.search(rb"/Producer \((.*?)\)", objects[info])
        if producer is None:
            raise CertificateError("the certificate template has no producer")  # reportlab always writes one
        return cls(pdf[: min(offsets.values())], objects, static, contents, info, root,
                   producer.group(1).decode("latin-1"))

    def document(self, operators: bytes, *, info: dict[str, str]) -> bytes:
        stream = zlib.compress(self.static + operators)
        now = datetime.now(UTC).strftime("D:%Y%m%d%H%M%S+00'00'")
        fields = {**info, "CreationDate": now, "ModDate": now, "Producer": self.producer}
        replaced = {
            self.contents: b"%d 0 obj\n<<\n/Filter [ /FlateDecode ] /Length %d\n>>\nstream\n%s\nendstream\nendobj\n"
                           % (self.contents, len(stream), stream),
            self.info: b"%d 0 obj\n<<\n%s /Trapped /False\n>>\nendobj\n" % (self.info, b" ".join(
                b"/%s %s" % (key.encode("ascii"), _pdf_string(fields[key])) for key in sorted(fields))),
        }
        out = [self.header]
        position = len(self.header)
        offsets = []
        for number in sorted(self.objects):
            body = replaced.get(number, self.objects[number])
            offsets.append(position)
            out.append(body)
            position += len(body)
        identifier = hashlib.md5(b"".join(replaced.values()), usedforsecurity=False).hexdigest()
        xref = [b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1)]
        xref += [b"%010d 00000 n \n" % offset for offset in offsets]
        out += xref
        out.append(b"trailer\n<<\n/ID [<%s><%s>] /Info %d 0 R /Root %d 0 R /Size %d\n>>\nstartxref\n%d\n%%%%EOF\n"
                   % (identifier.encode(), identifier.encode(), self.info, self.root, len(offsets) + 1, position))
        return b"".join(out)


@lru_cache(maxsize=4096)
def _text_operators(codes: _Codes, text: str, font: str, size: float, x: float, y: float, rgb: str,
                    centred: bool) -> str:
    """One line of text as operators (remembered: most lines are the same on every certificate of a track)."""
    if centred:
        x -= pdfmetrics.stringWidth(text, font, size) / 2
    ops = [f"{rgb} rg BT 1 0 0 1 {fp_str(x, y)} Tm"]
    current = None
    chunk: list[str] = []
    for ch in text:
        name, code = codes.get(ch) or codes[" "]
        if name != current:
            if chunk:
                ops.append(f"({''.join(chunk)}) Tj")
                chunk = []
            ops.append(f"{name} {fp_str(size)} Tf")
            current = name
        chunk.append(code)
    if chunk:
        ops.append(f"({''.join(chunk)}) Tj")
    ops.append("ET")
    return " ".join(ops)


_DARK_RUN = re.compile(b"\x01+")
_RECTANGLES: dict[int, dict[tuple[int, int], str]] = {}
"""Per row length: the ``re`` operator of each dark run, by its span in the joined rows (remembered: a run's place
fixes its text, and the same places recur from one code to the next)."""


def _qr_rectangles(rows: list[bytes]) -> str:
    """One ``x y w 1 re`` per dark run of the QR code's rows, in row order: the text reportlab's path would write
    for :func:`~cooperare.certificates.render.qr_runs`."""
    stride = len(rows[0]) + 1
    known = _RECTANGLES.setdefault(stride, {})
    spans = [match.span() for match in _DARK_RUN.finditer(b"\x00".join(rows))]
    for start, end in spans:
        if (start, end) not in known:
            known[(start, end)] = f"{start % stride} {start // stride} {end - start} 1 re"
    return " ".join([known[span] for span in spans])


class _Codes(dict[str, tuple[str, str]]):
    """Character → (subset font resource, escaped code) of one face; hashed by identity, to key the cache."""

    __hash__ = object.__hash__  # type: ignore[assignment]

    def __eq__(self, other: object) -> bool:
        return self is other


def _rgb(colour: Color) -> str:
    return fp_str(colour.red, colour.green, colour.blue)


def _whitespace() -> str:
    """The whitespace characters a text may hold (drawn as spaces by either renderer, never refused)."""
    return "".join(ch for ch in map(chr, range(0x3000)) if ch.isspace())


_LITERAL = str.maketrans({"\\": "\\\\", "(": "\\(", ")": "\\)", **{chr(b): f"\\{b:03o}" for b in range(32)}})


def _escape(chunk: bytes) -> str:
    return "".join(chr(b) if 32 <= b < 127 and b not in b"()\\" else
                   ("\\" + chr(b) if b in b"()\\" else f"\\{b:03o}") for b in chunk)


def _pdf_string(text: str) -> bytes:
    if text.isascii():
        return b"(%s)" % text.translate(_LITERAL).encode("ascii")
    return b"<FEFF%s>" % text.encode("utf-16-be").hex().upper().encode("ascii")
