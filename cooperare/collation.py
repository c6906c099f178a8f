"""Romanian alphabetical order for sorting people and places: a ă â b c d e f g h i î j k l m n o p q r s ș t ț u
v w x y z (ă after a, â after ă, î after i, ș after s, ț after t), case ignored, the cedilla forms ş ţ taken as ș ț.

:func:`romanian_key` is a sort key (``sorted(names, key=romanian_key)``); :func:`person_key` sorts people by last
name, then first name; :func:`fold` is a comparison key that ignores diacritics, case and punctuation (headers,
labels, names typed in different ways). Pure functions on strings: no locale of the machine is used (it is often not
installed); any layer may use them.
"""

from __future__ import annotations

import re
import unicodedata

ALPHABET = "aăâbcdefghiîjklmnopqrsștțuvwxyz"
_RANK = {letter: index for index, letter in enumerate(ALPHABET)}
_SAME = str.maketrans({"ş": "ș", "ţ": "ț"})
_ROMANIAN_ASCII = str.maketrans("ăâîșțşţĂÂÎȘȚŞŢ„”“–—’", "aaiststAAISTST      ")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def romanian_key(text: str) -> tuple[tuple[int, int], ...]:
    """Sort key in Romanian order: letters by the Romanian alphabet, other characters after them by code point
    (digits and spaces before letters, so "Valea" sorts before "Valeanu")."""
    key = []
    for char in text.casefold().translate(_SAME):
        rank = _RANK.get(char)
        key.append((1, rank) if rank is not None else (0 if not char.isalpha() else 2, ord(char)))
    return tuple(key)


def person_key(lastname: str, firstname: str) -> tuple[tuple[tuple[int, int], ...], ...]:
    """Sort key for people: last name, then first name, in Romanian order."""
    return romanian_key(lastname), romanian_key(firstname)


def fold(text: str) -> str:
    """A comparison key: diacritics removed, lower case, every run of punctuation or space one space."""
    stripped = text.translate(_ROMANIAN_ASCII).lower()
    if not stripped.isascii():
        decomposed = unicodedata.normalize("NFKD", stripped)
        stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_ALNUM.sub(" ", stripped).strip()
