"""Consultations as code: what a public consultation is, as frozen dataclasses the YAML loader builds.

A :class:`Consultation` names its authority (a commune, town, county council or an NGO partnership), its kind
(a normative draft, a participatory-governance event, a chapter of the manual), the draft documents and the
explanatory note, the day it is announced and the recommendation window (never under the 10 calendar days of
Legea nr. 52/2003, art. 7 alin. (4)), a contact, its audiences, and its structure: the ordered parts (articles or
chapters) that contributions attach to, as the law asks a contributor to name the article (art. 7 alin. (6)). Field
checks raise :class:`ValueError` or :class:`~cooperare.errors.InputError`, which the loader reports with file, line
and key path. Values only: this module reads no file (documents are checked by
:mod:`cooperare.consultation_bridge.loader`), and knows nothing of Moodle, the store or reports.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from cooperare import territory
from cooperare.config.loader import checked
from cooperare.consultation_bridge.calendar import (
    MIN_RECOMMENDATION_DAYS,
    ConsultationCalendar,
    check_window,
    legal_calendar,
)

AuthorityType = Literal["commune", "town", "county_council", "ngo_partnership"]
Kind = Literal["normative_draft", "participatory_governance", "manual_chapter"]
Audience = Literal["ngo", "authority_staff", "citizens"]
PartKind = Literal["article", "chapter"]

AUTHORITY_TYPES_RO: dict[str, str] = {
    "commune": "comună", "town": "oraș", "county_council": "consiliu județean",
    "ngo_partnership": "parteneriat de organizații neguvernamentale",
}
KINDS_RO: dict[str, str] = {
    "normative_draft": "proiect de act normativ",
    "participatory_governance": "consultare de guvernanță participativă",
    "manual_chapter": "capitol de manual",
}
AUDIENCES_RO: dict[str, str] = {
    "ngo": "organizații neguvernamentale", "authority_staff": "personalul autorităților", "citizens": "cetățeni",
}
DOCUMENT_SUFFIXES = (".pdf", ".docx", ".odt", ".md", ".markdown")
_ID = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?\Z")
_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}\Z")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+\Z")


def _identifier(value: str) -> str:
    if not _ID.match(value):
        raise ValueError("must be lower-case letters, digits and hyphens (at most 64), such as manual-consultare-1")
    return value


def _part_key(value: str) -> str:
    if not _KEY.match(value):
        raise ValueError("must be letters, digits, dots, hyphens or underscores (at most 64), such as art-3 or cap-05")
    return value


def _text(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value.strip()


def _county(value: str) -> str:
    """A county by its code ("AB") or its name ("Argeș"), kept as the code."""
    wanted = value.strip().casefold()
    for county in territory.counties():
        if wanted in (county.code.casefold(), county.name.casefold()):
            return county.code
    names = [c.name for c in territory.counties()]
    close = difflib.get_close_matches(value.strip(), names, n=1)
    raise ValueError(f"no county {value!r}" + (f" (did you mean {close[0]!r}?)" if close else
                                               "; give its code (AB, B, CJ …) or its name"))


def _document(value: Path) -> Path:
    if value.suffix.lower() not in DOCUMENT_SUFFIXES:
        raise ValueError(f"a draft document must be PDF, DOCX, ODT or Markdown ({', '.join(DOCUMENT_SUFFIXES)}), "
                         f"not {value.suffix or 'a file without extension'}")
    return value


@dataclass(frozen=True)
class Authority:
    """Who consults: for a commune, ``name`` is the commune's name as in SIRUTA and ``county`` its county."""

    name: str = checked(_text)
    type: AuthorityType = "commune"
    county: str | None = checked(_county, default=None)
    """County code or name (kept as the code); required except for an NGO partnership."""

    def __post_init__(self) -> None:
        if self.type != "ngo_partnership" and self.county is None:
            raise ValueError(f"county is required for an authority of type {self.type}")
        if self.type == "commune" and self.county is not None:
            county = territory.county(self.county)
            if not county.has_communes:
                raise ValueError(f"{county.name} has no communes (it is divided into sectors)")
            names = {c.name.casefold(): c.name for c in territory.communes(county.code)}
            if self.name.casefold() not in names:
                close = difflib.get_close_matches(self.name, list(names.values()), n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise ValueError(f"name: there is no commune {self.name!r} in county {county.name}{hint}")

    @property
    def county_name(self) -> str | None:
        return territory.county(self.county).name if self.county else None


@dataclass(frozen=True)
class Contact:
    """Where recommendations go: the person responsible for relations with civil society (art. 7) and how to reach
    them; at least an e-mail address or a postal address."""

    name: str = checked(_text)
    email: str | None = None
    address: str | None = None
    phone: str | None = None

    def __post_init__(self) -> None:
        if self.email is None and self.address is None:
            raise ValueError("a contact needs an email or an address where written recommendations are sent")
        if self.email is not None and not _EMAIL.match(self.email):
            raise ValueError(f"email: {self.email!r} is not an e-mail address")


@dataclass(frozen=True)
class Part:
    """One part of the text that contributions attach to: an article or a chapter."""

    key: str = checked(_part_key)
    title: str = checked(_text)
    kind: PartKind = "chapter"
    text: str | None = None


@dataclass(frozen=True)
class Consultation:
    """One public consultation (see the module docstring)."""

    id: str = checked(_identifier)
    authority: Authority
    title: str = checked(_text)
    kind: Kind
    explanatory_note: str = checked(_text)
    announced: date
    contact: Contact
    structure: tuple[Part, ...]
    audiences: tuple[Audience, ...] = ("ngo", "authority_staff", "citizens")
    documents: tuple[Path, ...] = checked(lambda paths: tuple(_document(path) for path in paths), default=())
    """Draft documents (PDF, DOCX, ODT, Markdown); relative paths are relative to the YAML file."""
    recommendation_days: int = checked(check_window, default=MIN_RECOMMENDATION_DAYS)
    """Calendar days for written recommendations after the announcement (at least 10, art. 7 alin. (4))."""

    def __post_init__(self) -> None:
        if not self.structure:
            raise ValueError("structure: list at least one part (article or chapter) for contributions to attach to")
        seen: set[str] = set()
        for part in self.structure:
            if part.key in seen:
                raise ValueError(f"structure: the part key {part.key!r} is used twice")
            seen.add(part.key)
        if not self.audiences:
            raise ValueError("audiences: name at least one of ngo, authority_staff, citizens")
        if len(set(self.audiences)) != len(self.audiences):
            raise ValueError("audiences: an audience is listed twice")

    @property
    def calendar(self) -> ConsultationCalendar:
        """The legal calendar of this consultation (:func:`~cooperare.consultation_bridge.calendar.legal_calendar`)."""
        return legal_calendar(announced=self.announced, window_days=self.recommendation_days)

    def part(self, key: str) -> Part | None:
        return next((part for part in self.structure if part.key == key), None)
