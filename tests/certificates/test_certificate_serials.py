"""Serials: 80 CSPRNG bits, Crockford base32, grouped for people, parsed leniently."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from cooperare.certificates import serials
from cooperare.certificates.serials import ALPHABET, SERIAL_BITS, grouped, new_serial, parse_serial
from cooperare.errors import CertificateError


def test_a_serial_is_sixteen_symbols_printed_in_four_groups() -> None:
    serial = new_serial()
    assert len(serial) == 16 and set(serial) <= set(ALPHABET)
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}", grouped(serial))
    assert parse_serial(grouped(serial)) == serial


def test_serials_carry_at_least_64_random_bits_from_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[int] = []

    def randbits(bits: int) -> int:
        asked.append(bits)
        return (1 << bits) - 1

    monkeypatch.setattr(serials.secrets, "randbits", randbits)
    assert new_serial() == "Z" * 16
    assert asked == [SERIAL_BITS] and SERIAL_BITS >= 64


def test_serials_are_unique_and_every_symbol_appears_in_every_position() -> None:
    made = [new_serial() for _ in range(4000)]
    assert len(set(made)) == len(made)
    for position in range(16):
        counts = Counter(serial[position] for serial in made)
        assert set(counts) == set(ALPHABET), position  # 4000 draws over 32 symbols: a missing one means bias
        assert max(counts.values()) < 3 * 4000 / 32


@pytest.mark.parametrize("typed", ["7k2m-9qxd-4tbw-h0rc", "7K2M 9QXD 4TBW HORC", "7K2M9QXD4TBWH0RC",
                                   " 7k2m-9qxd-4tbw-hOrc "])
def test_what_people_type_is_understood(typed: str) -> None:
    assert parse_serial(typed) == "7K2M9QXD4TBWH0RC"


def test_l_and_i_read_as_one() -> None:
    assert parse_serial("LI00-0000-0000-0000") == "1100000000000000"


@pytest.mark.parametrize("typed", ["", "7K2M-9QXD-4TBW", "7K2M-9QXD-4TBW-H0RC-1", "7K2M-9QXD-4TBW-H0R!",
                                   "UUUU-0000-0000-0000"])
def test_what_is_not_a_serial_is_refused(typed: str) -> None:
    with pytest.raises(CertificateError, match="is not a certificate serial"):
        parse_serial(typed)
