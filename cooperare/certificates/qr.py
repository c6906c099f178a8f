"""The modules of a certificate's QR code, made with reportlab's encoder but with table-driven Reed–Solomon codes.

reportlab's :class:`~reportlab.graphics.barcode.qrencoder.QRCode` computes the error-correction codewords with a
polynomial class that allocates a list per multiplication, which was most of the time to draw a certificate. Here
the same codewords come from log/antilog tables, and the data positions of each version are listed once per
process; everything else (segments, version choice, function patterns, format bits) is reportlab's own, so the
matrix is the one reportlab would draw (a test compares them). This module must not draw or write a PDF.
"""

from __future__ import annotations

from functools import cache

from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel, QRRSBlock, QRUtil

from cooperare.errors import CertificateError

MASK = 2
"""A fixed QR mask pattern (columns every third module): any of the eight is valid and every reader decodes it;
scoring all eight, as reportlab does, costs two thirds of the time to draw a certificate."""

_EXP = [0] * 512
_LOG = [0] * 256
_value = 1
for _power in range(255):
    _EXP[_power] = _value
    _LOG[_value] = _power
    _value <<= 1
    if _value & 0x100:
        _value ^= 0x11D
for _power in range(255, 512):
    _EXP[_power] = _EXP[_power - 255]


@cache
def _generator_logs(count: int) -> tuple[int, ...]:
    """log α of the coefficients (after the leading 1) of ∏ (x − αⁱ), i < ``count``."""
    poly = [1]
    for i in range(count):
        factor = _EXP[i]
        nxt = [*poly, 0]
        for j, coefficient in enumerate(poly):
            if coefficient:
                nxt[j + 1] ^= _EXP[_LOG[coefficient] + _LOG[factor]]
        poly = nxt
    return tuple(_LOG[c] for c in poly[1:])


@cache
def _products(count: int) -> tuple[tuple[int, ...], ...]:
    """For each byte value f, f × the generator's coefficients (after the leading 1): one row per f."""
    logs = _generator_logs(count)
    return tuple(tuple([0] * count) if f == 0 else tuple(_EXP[_LOG[f] + g] for g in logs) for f in range(256))


def _error_codewords(data: list[int], count: int) -> list[int]:
    products = _products(count)
    remainder = [0] * count
    for byte in data:
        row = products[byte ^ remainder[0]]
        remainder = [a ^ b for a, b in zip(remainder[1:], row, strict=False)]
        remainder.append(row[-1])
    return remainder


class _Bits:
    """reportlab's bit buffer (``put``, ``putBit``, ``getLengthInBits``, ``buffer``) on one integer, not bit by bit."""

    def __init__(self) -> None:
        self.value = 0
        self.length = 0

    def put(self, num: int, length: int) -> None:
        self.value = (self.value << length) | (num & ((1 << length) - 1))
        self.length += length

    def putBit(self, bit: bool) -> None:  # noqa: N802 (reportlab's name)
        self.put(1 if bit else 0, 1)

    def getLengthInBits(self) -> int:  # noqa: N802 (reportlab's name)
        return self.length

    @property
    def buffer(self) -> list[int]:
        padded = self.value << (-self.length % 8)
        return list(padded.to_bytes((self.length + 7) // 8, "big"))


class _TableQR(QRCode):
    def codewords(self) -> list[int]:
        """Data and error-correction codewords, interleaved (reportlab's ``createData`` with table-driven codes)."""
        blocks = QRRSBlock.getRSBlocks(self.version, self.errorCorrectLevel)
        buffer = _Bits()
        for segment in self.dataList:
            segment.write(buffer, self.version)
        capacity = sum(block.dataCount for block in blocks) * 8
        if buffer.getLengthInBits() > capacity:
            raise CertificateError(f"the QR code data is too long ({buffer.getLengthInBits()} > {capacity} bits)")
        if buffer.getLengthInBits() + 4 <= capacity:
            buffer.put(0, 4)
        while buffer.getLengthInBits() % 8:
            buffer.putBit(False)
        padding = 0
        while buffer.getLengthInBits() < capacity:
            buffer.put((QRCode.PAD0, QRCode.PAD1)[padding % 2], 8)
            padding += 1
        codewords = buffer.buffer
        offset = 0
        data_blocks: list[list[int]] = []
        error_blocks: list[list[int]] = []
        for block in blocks:
            data = codewords[offset : offset + block.dataCount]
            offset += block.dataCount
            data_blocks.append(data)
            error_blocks.append(_error_codewords(data, block.totalCount - block.dataCount))
        interleaved: list[int] = []
        for group in (data_blocks, error_blocks):
            for i in range(max(len(b) for b in group)):
                interleaved.extend(b[i] for b in group if i < len(b))
        return interleaved

    def mapData(self, data, maskPattern):  # type: ignore[no-untyped-def]  # noqa: N802 (reportlab's name)
        positions, masked = _layout(self.version, maskPattern)
        modules = self.modules
        bits = [(byte >> shift) & 1 for byte in data for shift in (7, 6, 5, 4, 3, 2, 1, 0)]
        bits += [0] * (len(positions) - len(bits))
        for (col, row), bit, flip in zip(positions, bits, masked, strict=False):
            modules[row][col] = bool(bit) != flip


@cache
def _layout(version: int, mask: int) -> tuple[tuple[tuple[int, int], ...], tuple[bool, ...]]:
    """The data positions of a version, in reportlab's order, and whether the mask flips each."""
    probe = QRCode(version, QRErrorCorrectLevel.M)
    probe.moduleCount = version * 4 + 17
    positions = tuple(probe.dataPosIterator())
    flip = QRUtil.getMask(mask)
    return positions, tuple(bool(flip(row, col)) for col, row in positions)


def qr_modules(data: str) -> list[list[bool]]:
    """The dark (True) and light modules of the QR code of ``data``: error correction M, mask :data:`MASK`."""
    code = _TableQR(None, QRErrorCorrectLevel.M)
    code.addData(data)
    code.version = code.calculate_version()
    code.dataCache = code.codewords()
    code.makeImpl(False, MASK)
    return code.modules
