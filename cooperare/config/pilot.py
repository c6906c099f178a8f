"""The ``pilot`` section of cooperare.yaml: the pilot city halls (commune and county), checked against the SIRUTA
nomenclature shipped in :mod:`cooperare.territory` (the commune must be a commune of that county). Values only: this
module does not read the store or Moodle."""

from __future__ import annotations

from dataclasses import dataclass

from cooperare.collation import fold
from cooperare.territory import communes, counties


@dataclass(frozen=True)
class CityHall:
    """One pilot city hall; ``county`` is the county's code (``SV``) or name (``Suceava``); after checking, the
    commune and county keep their SIRUTA spelling and the county its code."""

    commune: str
    county: str
    siruta: int = 0

    def __post_init__(self) -> None:
        wanted = fold(self.county)
        found = next((c for c in counties() if fold(c.code) == wanted or fold(c.name) == wanted), None)
        if found is None:
            raise ValueError(f"unknown county {self.county!r} (give its code, e.g. SV, or its name)")
        if not found.has_communes:
            raise ValueError("București has no communes; a pilot city hall is a commune's")
        name = fold(self.commune)
        commune = next((c for c in communes(found.code) if fold(c.name) == name), None)
        if commune is None:
            raise ValueError(f"{self.commune!r} is not a commune of {found.name} county (SIRUTA)")
        object.__setattr__(self, "commune", commune.name)
        object.__setattr__(self, "county", found.code)
        object.__setattr__(self, "siruta", commune.siruta)

    @property
    def label(self) -> str:
        return f"Primăria {self.commune} ({self.county})"


@dataclass(frozen=True)
class PilotConfig:
    """The city halls that test the platform (the project's 4), and how many months the report goes back."""

    city_halls: tuple[CityHall, ...] = ()
    months: int = 6

    def __post_init__(self) -> None:
        if not 1 <= self.months <= 36:
            raise ValueError("months must be between 1 and 36")
        seen = set()
        for hall in self.city_halls:
            if hall.siruta in seen:
                raise ValueError(f"{hall.label} is named twice")
            seen.add(hall.siruta)
