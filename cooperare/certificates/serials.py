"""Certificate serial numbers: 80 random bits from the operating system's CSPRNG, written in Crockford base32.

A serial is 16 symbols from ``0123456789ABCDEFGHJKMNPQRSTVWXYZ`` (no I, L, O, U: nothing to confuse when read aloud
or typed from paper), printed in four groups (``7K2M-9QXD-4TBW-H0RC``). :func:`parse_serial` accepts what people
type: any case, with or without dashes or spaces, O for 0 and I or L for 1. Serials carry no personal data and no
sequence, so they reveal neither who was certified nor how many. This module must not use :mod:`random`.
"""

from __future__ import annotations

import secrets

from cooperare.errors import CertificateError

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SERIAL_BITS = 80
SERIAL_LENGTH = SERIAL_BITS // 5
GROUP = 4
_TYPED_ALIASES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_serial() -> str:
    """A fresh serial in canonical form (16 symbols, no dashes)."""
    value = secrets.randbits(SERIAL_BITS)
    symbols = []
    for _ in range(SERIAL_LENGTH):
        value, digit = divmod(value, 32)
        symbols.append(ALPHABET[digit])
    return "".join(reversed(symbols))


def grouped(serial: str) -> str:
    """``7K2M9QXD4TBWH0RC`` → ``7K2M-9QXD-4TBW-H0RC``."""
    return "-".join(serial[i : i + GROUP] for i in range(0, len(serial), GROUP))


def parse_serial(text: str) -> str:
    """The canonical serial for what someone typed; :class:`CertificateError` when it cannot be one."""
    cleaned = "".join(text.split()).replace("-", "").upper().translate(_TYPED_ALIASES)
    if len(cleaned) != SERIAL_LENGTH or any(symbol not in ALPHABET for symbol in cleaned):
        raise CertificateError(
            f"{text!r} is not a certificate serial",
            hint=f"a serial has {SERIAL_LENGTH} letters and digits in groups of {GROUP}, such as 7K2M-9QXD-4TBW-H0RC",
        )
    return cleaned
