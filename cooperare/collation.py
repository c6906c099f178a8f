"""Romanian alphabetical order for sorting people and places: a ă â b c d e f g h i î j k l m n o p q r s ș t ț u
v w x y z (ă after a, â after ă, î after i, ș after s, ț after t), case ignored, the cedilla forms ş ţ taken as ș ț.

:func:`romanian_key` is a sort key (``sorted(names, key=romanian_key)``); :func:`person_key` sorts people by last
name, then first name. Pure functions on strings: no locale of the machine is used (it is often not installed).
"""

from __future__ import annotations

ALPHABET = "aăâbcdefghiîjklmnopqrsștțuvwxyz"
_RANK = {letter: index for index, letter in enumerate(ALPHABET)}
_SAME = str.maketrans({"ş": "ș", "ţ": "ț"})


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
