"""Romania's territorial units as reference data: the 41 counties and București, and the 2,862 communes.

Read from package data taken from the SIRUTA nomenclature of the National Institute of Statistics (see
``data/README.md`` for the source, version and licence). Typed, immutable values only: this package does not
know rosters, Moodle or people, and never reaches the network.

- :func:`counties` → the 42 :class:`County` values (41 counties + the Municipality of București, which is divided
  into sectors and has no communes);
- :func:`communes` → every :class:`Commune`, or those of one county;
- :func:`county` → one county by its code ("AB", "B").
"""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

BUCURESTI = "B"
SECTORS: tuple[str, ...] = tuple(f"Sectorul {n}" for n in range(1, 7))


@dataclass(frozen=True)
class County:
    """A county (județ) or the Municipality of București; ``code`` is the vehicle-registration code."""

    siruta: int
    code: str
    name: str

    @property
    def has_communes(self) -> bool:
        """False for București, which is divided into sectors."""
        return self.code != BUCURESTI

    @property
    def sectors(self) -> tuple[str, ...]:
        """București's six sectors; empty for a county."""
        return SECTORS if self.code == BUCURESTI else ()


@dataclass(frozen=True)
class Commune:
    """A commune (comună) with its SIRUTA code; ``population`` is None: the shipped source has no census figures."""

    siruta: int
    name: str
    county_code: str
    county_name: str
    population: int | None = None
    kind: Literal["comună"] = "comună"


def _data(name: str) -> bytes:
    return resources.files(__package__).joinpath("data", name).read_bytes()


@cache
def counties() -> tuple[County, ...]:
    """The 41 counties and București, in SIRUTA order of their county number."""
    rows = csv.DictReader(io.StringIO(_data("counties.csv").decode("utf-8")))
    return tuple(County(siruta=int(row["siruta"]), code=row["code"], name=row["name"]) for row in rows)


@cache
def _by_code() -> dict[str, County]:
    return {c.code: c for c in counties()}


def county(code: str) -> County:
    """The county with this code ("AB", "b" …); KeyError for an unknown code."""
    return _by_code()[code.strip().upper()]


@cache
def _all_communes() -> tuple[Commune, ...]:
    text = gzip.decompress(_data("communes.csv.gz")).decode("utf-8")
    names = {c.code: c.name for c in counties()}
    return tuple(Commune(siruta=int(row["siruta"]), name=row["name"], county_code=row["county_code"],
                         county_name=names[row["county_code"]])
                 for row in csv.DictReader(io.StringIO(text)))


@cache
def _communes_by_county() -> dict[str, tuple[Commune, ...]]:
    grouped: dict[str, list[Commune]] = {c.code: [] for c in counties()}
    for commune in _all_communes():
        grouped[commune.county_code].append(commune)
    return {code: tuple(items) for code, items in grouped.items()}


def communes(county_code: str | None = None) -> tuple[Commune, ...]:
    """Every commune (by SIRUTA code), or those of the county ``county_code`` (empty for București)."""
    if county_code is None:
        return _all_communes()
    return _communes_by_county()[county(county_code).code]


__all__ = ["BUCURESTI", "SECTORS", "Commune", "County", "communes", "counties", "county"]
