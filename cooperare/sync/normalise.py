"""Clean up one roster value per field: trimmed text, ș/ț with comma below, names capitalised, e-mail lower case,
counties, categories and tracks recognised from the many ways people type them.

Each ``normalise_*`` function takes the raw cell text and returns the clean value (or ``None`` when it cannot be
recognised; :mod:`cooperare.sync.validate` turns that into a message with row and column). Label matching ignores
case, diacritics and punctuation. This module must not decide what is required or report errors itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from cooperare.sync.counties import County, find_county
from cooperare.sync.text import clean, fix_diacritics, fold, name_case

# Moodle's validate_email() in spirit: a plain local part, a dotted domain, a top-level domain of letters.
EMAIL = re.compile(r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                   r"@([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}\Z")
KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,39}\Z")

# Built-in labels for the ACoR participant categories (beyond each category's key and name in the catalogue).
CATEGORY_LABELS: Mapping[str, str] = {
    "reprezentant ong": "ong", "ong": "ong", "organizatie neguvernamentala": "ong", "ngo": "ong",
    "conducere": "adm-conducere", "functie de conducere": "adm-conducere", "personal de conducere": "adm-conducere",
    "adm conducere": "adm-conducere", "apl conducere": "adm-conducere",
    "executie": "adm-executie", "functie de executie": "adm-executie", "personal de executie": "adm-executie",
    "adm executie": "adm-executie", "apl executie": "adm-executie",
    "ales": "ales", "ales local": "ales", "alesi locali": "ales", "primar": "ales", "viceprimar": "ales",
    "consilier local": "ales", "consilier judetean": "ales",
}


def text(value: str) -> str:
    """Trimmed, single-spaced text with correct Romanian diacritics."""
    return fix_diacritics(clean(value))


def person_name(value: str) -> str:
    return name_case(text(value))


def place_name(value: str) -> str:
    """Communes and organisations: typed all in capitals or small letters, they are capitalised like names."""
    cleaned = text(value)
    return name_case(cleaned) if cleaned.isupper() or cleaned.islower() else cleaned


def email(value: str) -> str:
    """Lower case, no spaces, no ``mailto:``; validity is checked with :data:`EMAIL`."""
    cleaned = clean(value).lower().replace(" ", "")
    return cleaned.removeprefix("mailto:")


def is_email(value: str) -> bool:
    return bool(EMAIL.match(value)) and len(value) <= 100


def key(value: str) -> str:
    return clean(value)


def county(value: str) -> County | None:
    return find_county(value)


@dataclass(frozen=True)
class Labels:
    """Recognises labels typed for a set of keys (category or track keys): the key, its name, aliases."""

    index: Mapping[str, str]

    @classmethod
    def build(cls, entries: Iterable[tuple[str, Iterable[str]]], aliases: Mapping[str, str]) -> Labels:
        index: dict[str, str] = {}
        for key_, labels in entries:
            index[fold(key_)] = key_
            for label in labels:
                index.setdefault(fold(label), key_)
        for label, key_ in aliases.items():
            index[fold(label)] = key_
        return cls(index)

    def find(self, value: str) -> str | None:
        return self.index.get(fold(value))
