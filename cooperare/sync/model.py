"""The roster as the rest of the pack sees it: validated, normalised people, each with the row they came from.

A :class:`Person` holds only what the sync needs (names, e-mail, organisation, commune, county, category, track)
and its roster ``key`` — the stable registration code the Moodle idnumber is made from, or, for a roster without a
code column, a key made from the e-mail address (:func:`email_key`; people are then identified by e-mail).
Phone numbers are read past and dropped; personal numeric codes (CNP) are refused before a Person is ever built.
This module must not read files or talk to Moodle.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Literal

from cooperare.errors import Location

Identity = Literal["key", "email"]
"""How a roster identifies people: its registration-code column, or (without one) the e-mail address."""
EMAIL_KEY_PREFIX = "e-"


def email_key(email: str) -> str:
    """The roster key of a person identified by e-mail: ``e-`` and 16 hex digits of the address's SHA-256 (the
    address itself stays out of idnumbers; a confirmed change of address keeps the first key)."""
    return EMAIL_KEY_PREFIX + hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()[:16]


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
    """Every person of a roster file that validated, in file order, plus notes (ignored columns…).

    ``refused`` lists the problems of rows left out by an explicit ``skip_invalid`` (empty otherwise: a roster with
    problems is refused whole)."""

    source: str
    people: tuple[Person, ...]
    notes: tuple[str, ...] = field(default=())
    identity: Identity = "key"
    refused: tuple[Problem, ...] = field(default=())

    @property
    def refused_rows(self) -> tuple[int, ...]:
        return tuple(sorted({p.location.line for p in self.refused if p.location.line is not None}))

    def __len__(self) -> int:
        return len(self.people)
