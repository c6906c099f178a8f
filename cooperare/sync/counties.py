"""Romania's 41 counties and the Municipality of Bucharest, with their official codes, and how to recognise them.

Coordinators type county names in many ways ("Județul Argeș", "ARGES", "jud. Arges", "AG"); :func:`find_county`
maps any of these to one :class:`County`. This module holds reference data only: no roster, no Moodle.
"""

from __future__ import annotations

from dataclasses import dataclass

from cooperare.sync.text import fold


@dataclass(frozen=True)
class County:
    code: str
    name: str


COUNTIES: tuple[County, ...] = tuple(
    County(code, name)
    for code, name in (
        ("AB", "Alba"), ("AR", "Arad"), ("AG", "Argeș"), ("BC", "Bacău"), ("BH", "Bihor"),
        ("BN", "Bistrița-Năsăud"), ("BT", "Botoșani"), ("BV", "Brașov"), ("BR", "Brăila"), ("BZ", "Buzău"),
        ("CS", "Caraș-Severin"), ("CL", "Călărași"), ("CJ", "Cluj"), ("CT", "Constanța"), ("CV", "Covasna"),
        ("DB", "Dâmbovița"), ("DJ", "Dolj"), ("GL", "Galați"), ("GR", "Giurgiu"), ("GJ", "Gorj"),
        ("HR", "Harghita"), ("HD", "Hunedoara"), ("IL", "Ialomița"), ("IS", "Iași"), ("IF", "Ilfov"),
        ("MM", "Maramureș"), ("MH", "Mehedinți"), ("MS", "Mureș"), ("NT", "Neamț"), ("OT", "Olt"),
        ("PH", "Prahova"), ("SM", "Satu Mare"), ("SJ", "Sălaj"), ("SB", "Sibiu"), ("SV", "Suceava"),
        ("TR", "Teleorman"), ("TM", "Timiș"), ("TL", "Tulcea"), ("VS", "Vaslui"), ("VL", "Vâlcea"),
        ("VN", "Vrancea"), ("B", "București"),
    )
)

_PREFIXES = ("judetul ", "judet ", "jud ", "municipiul ", "mun ")
_EXTRA = {"bucuresti": "B", "municipiul bucuresti": "B", "bucharest": "B", "sector 1": "B", "sector 2": "B",
          "sector 3": "B", "sector 4": "B", "sector 5": "B", "sector 6": "B"}


def _index() -> dict[str, County]:
    by_code = {c.code: c for c in COUNTIES}
    index: dict[str, County] = {}
    for county in COUNTIES:
        index[fold(county.name)] = county
        index[county.code.lower()] = county
    for alias, code in _EXTRA.items():
        index[alias] = by_code[code]
    return index


_INDEX = _index()


def find_county(text: str) -> County | None:
    """The county ``text`` names (name or code, any case, with or without diacritics or "Județul"), or None."""
    key = fold(text)
    if key in _INDEX:
        return _INDEX[key]
    for prefix in _PREFIXES:
        if key.startswith(prefix) and key[len(prefix):] in _INDEX:
            return _INDEX[key[len(prefix):]]
    return None
