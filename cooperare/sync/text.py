"""Text clean-up rules for roster values: whitespace, Romanian diacritics, capitalisation of names, folding.

- :func:`clean` trims, collapses inner whitespace and puts text in NFC form;
- :func:`fix_diacritics` turns ş ţ Ş Ţ (cedilla, from old keyboards and legacy encodings) into ș ț Ș Ț (comma below);
- :func:`name_case` capitalises personal and place names typed all in capitals or all in small letters
  ("POPESCU-TĂRICEANU" → "Popescu-Tăriceanu", "maria de la cruz" → "Maria de la Cruz") and leaves mixed-case
  words as typed ("McLean");
- :func:`fold` (from :mod:`cooperare.collation`, where configuration can use it too) gives a comparison key (no
  diacritics, lower case, punctuation as spaces) for headers, labels and duplicate detection; :func:`slug` an ASCII
  identifier part.

Pure functions on strings: nothing here knows the roster's columns or Moodle.
"""

from __future__ import annotations

import re
import unicodedata

from cooperare.collation import fold

_CEDILLA = str.maketrans({"ş": "ș", "ţ": "ț", "Ş": "Ș", "Ţ": "Ț"})
_SPACE = re.compile(r"\s+")
# Lower-case particles inside names (never the first word).
PARTICLES = frozenset({"de", "din", "la", "lui", "van", "von", "der", "den", "del", "della", "di", "da", "du", "le"})


def clean(text: str) -> str:
    """Trimmed, single-spaced, NFC text (non-breaking and other Unicode spaces become plain spaces)."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def fix_diacritics(text: str) -> str:
    """ş ţ Ş Ţ with cedilla → ș ț Ș Ț with comma below (the correct Romanian letters)."""
    return text.translate(_CEDILLA)


def slug(text: str) -> str:
    """An ASCII identifier part: ``"Valea Mare-Pravăț"`` → ``"valea-mare-pravat"``."""
    return fold(text).replace(" ", "-")


def _word_case(word: str, *, first: bool) -> str:
    if not word or not (word.islower() or word.isupper()):
        return word  # mixed case (McLean, DeVito): the person typed it that way
    lower = word.lower()
    if not first and lower in PARTICLES:
        return lower
    return re.sub(r"(^|['’])(\w)", lambda m: m.group(1) + m.group(2).upper(), lower)


def name_case(text: str) -> str:
    """Capitalise each word and each part of a hyphenated word; particles (de, la, lui…) stay lower case."""
    words = clean(text).split(" ")
    result = []
    for position, word in enumerate(words):
        parts = word.split("-")
        result.append("-".join(_word_case(part, first=position == 0 and index == 0)
                               for index, part in enumerate(parts)))
    return " ".join(result)
