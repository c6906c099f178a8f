"""The roster as the rest of the pack sees it: validated, normalised people, each with the row they came from.

A :class:`Person` holds only what the sync needs (names, e-mail, organisation, commune, county, category, track)
and its roster ``key`` — the stable registration code the Moodle idnumber is made from. Phone numbers are read
past and dropped; personal numeric codes (CNP) are refused before a Person is ever built. This module must not
read files or talk to Moodle.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cooperare.errors import Location


@dataclass(frozen=True, slots=True)
class Person:
    key: str
    firstname: str
    lastname: str
    email: str
    organisation: str
    commune: str
    county: str
    """The county's official code (``AG``, ``B`` for Bucharest)."""
    category: str
    """A participant-category key of the catalogue (``ong``, ``adm-conducere``, ``adm-executie``, ``ales``)."""
    track: str
    """A track key of the catalogue (``adm-alfabetizare``…)."""
    row: int
    """The row (CSV line or sheet row) the person was read from, for messages."""

    @property
    def fullname(self) -> str:
        return f"{self.firstname} {self.lastname}"


@dataclass(frozen=True)
class Problem:
    """One fault of a roster file, with where it is."""

    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


@dataclass(frozen=True)
class Roster:
    """Every person of a roster file that validated, in file order, plus notes (ignored columns…)."""

    source: str
    people: tuple[Person, ...]
    notes: tuple[str, ...] = field(default=())

    def __len__(self) -> int:
        return len(self.people)
