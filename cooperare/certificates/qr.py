"""The modules of a certificate's QR code, made with reportlab's encoder but with table-driven Reed–Solomon codes.

reportlab's :class:`~reportlab.graphics.barcode.qrencoder.QRCode` computes the error-correction codewords with a
polynomial class that allocates a list per multiplication, which was most of the time to draw a certificate. Here
the same codewords come from log/antilog tables (the remainder kept as one integer), and, once per process and
version, reportlab draws the function patterns and format bits (its ``makeImpl`` without data) and lists the data
positions: a code is then that matrix with the masked data bits gathered into place in one C-level step
(:func:`operator.itemgetter`), not set module by module. Segments, version choice, function patterns and format bits
are reportlab's own, so the matrix is the one reportlab would draw (a test compares them). This module must not draw
or write a PDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from operator import itemgetter

from reportlab.graphics.barcode.qrencoder import QR8bitByte, QRCode, QRErrorCorrectLevel, QRRSBlock, QRUtil

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
def _products(count: int) -> tuple[int, ...]:
    """For each byte value f, f × the generator's coefficients (after the leading 1), as one big-endian integer of
    ``count`` bytes: one entry per f."""
    logs = _generator_logs(count)
    return tuple(0 if f == 0 else int.from_bytes(bytes(_EXP[_LOG[f] + g] for g in logs), "big") for f in range(256))


def _error_codewords(data: list[int], count: int) -> list[int]:
    """The remainder of data·x^count divided by the generator (long division, one byte a step)."""
    products = _products(count)
    shift = 8 * (count - 1)
    keep = (1 << shift) - 1
    remainder = 0
    for byte in data:
        remainder = ((remainder & keep) << 8) ^ products[byte ^ (remainder >> shift)]
    return list(remainder.to_bytes(count, "big"))


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
            if type(segment) is QR8bitByte and isinstance(segment.data, bytes):  # the bytes at once, not one by one
                segment.write_header(buffer, self.version)
                buffer.put(int.from_bytes(segment.data, "big"), 8 * len(segment.data))
            else:
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
            shortest = min(len(b) for b in group)
            interleaved += [word for column in zip(*group) for word in column]  # up to the shortest block
            for i in range(shortest, max(len(b) for b in group)):
                interleaved.extend(b[i] for b in group if i < len(b))
        return interleaved



class _Patterns(QRCode):
    """reportlab's matrix of a version with its function patterns and format bits only (data left unset)."""

    def mapData(self, data, maskPattern):  # type: ignore[no-untyped-def]  # noqa: N802 (reportlab's name)
        pass


@dataclass(frozen=True)
class _Placement:
    """How the codewords of one version land in its matrix under mask :data:`MASK`."""

    size: int
    fixed: bytes
    """The function patterns and format bits, row after row (1 dark, 0 light; data modules 0)."""
    bits: int
    """How many data modules there are."""
    flips: int
    """The mask over the data modules, in placement order, as one integer (first module = highest bit)."""
    gather: itemgetter  # type: ignore[type-arg]
    """Picks every module, row after row, from ``fixed`` followed by the masked data bits in placement order."""


@cache
def _placement(version: int) -> _Placement:
    patterns = _Patterns(version, QRErrorCorrectLevel.M)
    patterns.dataCache = []  # not None: reportlab then computes no data
    patterns.makeImpl(False, MASK)
    size = patterns.moduleCount
    probe = QRCode(version, QRErrorCorrectLevel.M)
    probe.moduleCount = size
    positions = probe.dataPosIterator()
    flip = QRUtil.getMask(MASK)
    slot = {row * size + col: size * size + index for index, (col, row) in enumerate(positions)}
    fixed = bytes(1 if module else 0 for row in patterns.modules for module in row)
    flips = int("".join("1" if flip(row, col) else "0" for col, row in positions), 2)
    gather = itemgetter(*(slot.get(index, index) for index in range(size * size)))
    return _Placement(size, fixed, len(positions), flips, gather)


_DIGITS = bytes.maketrans(b"01", bytes([0, 1]))


def qr_rows(data: str) -> list[bytes]:
    """The rows of the QR code of ``data`` (error correction M, mask :data:`MASK`), one byte a module: 1 dark,
    0 light."""
    code = _TableQR(None, QRErrorCorrectLevel.M)
    code.addData(data)
    version = code.version = code.calculate_version()
    codewords = code.codewords()
    place = _placement(version)
    value = int.from_bytes(bytes(codewords), "big") << (place.bits - 8 * len(codewords))  # remainder bits: light
    masked = format(value ^ place.flips, f"0{place.bits}b").encode("ascii").translate(_DIGITS)
    modules = bytes(place.gather(place.fixed + masked))
    size = place.size
    return [modules[start : start + size] for start in range(0, size * size, size)]


def qr_modules(data: str) -> list[list[bool]]:
    """The dark (True) and light modules of the QR code of ``data``, as reportlab's encoder lists them."""
    return [list(map(bool, row)) for row in qr_rows(data)]
