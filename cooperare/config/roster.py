"""The ``roster:`` section of ``cooperare.yaml``: how roster files are read and how people become Moodle users.

Every field has a default that fits the ACoR registration forms, so the section is optional. Column names given
here are *added* to the built-in Romanian and English headers. This module only declares settings: it must not
read files, the environment or Moodle, nor import the roster domain (:mod:`cooperare.sync`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

FIELDS = ("key", "lastname", "firstname", "email", "phone", "organisation", "commune", "county", "category",
          "track")
UsernamePolicy = Literal["email", "firstname.lastname", "key"]
Enrolment = Literal["auto", "cohort", "manual"]
Encoding = Literal["auto", "utf-8", "utf-8-sig", "cp1250", "iso-8859-2", "iso-8859-16"]
_PREFIX = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
_AUTH = re.compile(r"[a-z0-9_]+\Z")


@dataclass(frozen=True)
class RosterConfig:
    """How roster files are read and synced into Moodle."""

    columns: dict[str, list[str]] = field(default_factory=dict)
    """Extra header names per field (key, lastname, firstname, email, phone, organisation, commune, county,
    category, track), added to the built-in ones."""
    category_aliases: dict[str, str] = field(default_factory=dict)
    """Extra labels for participant categories: ``{"primar": "ales"}``."""
    track_aliases: dict[str, str] = field(default_factory=dict)
    """Extra labels for tracks: ``{"AD": "adm-alfabetizare"}``."""
    username: UsernamePolicy = "email"
    """How a new user's username is made: the e-mail address, firstname.lastname (ASCII), or the roster key."""
    auth: str = "manual"
    """Authentication method of new users; with ``manual`` Moodle e-mails each new user a password."""
    idnumber_prefix: str = "coop"
    """Start of every idnumber the roster sync gives users, cohorts and groups."""
    cohort_per_county: bool = False
    """Also put each person in a cohort of their county."""
    enrolment: Enrolment = "auto"
    """``cohort``: cohort-sync instances (needs local_cooperare); ``manual``: manual enrolments; ``auto``: cohort
    sync when the plugin is there, manual otherwise."""
    role: str = "student"
    """Role given in the track courses (a role shortname; its id is found on the site, cooperare.moodle.roles)."""
    encoding: Encoding = "auto"
    """Encoding of CSV files; ``auto`` detects UTF-8 (with or without BOM), Windows-1250, ISO-8859-2/-16."""
    sheet: str | None = None
    """Worksheet of an XLSX file (default: the first)."""

    def __post_init__(self) -> None:
        # The loader reports a ValueError raised here at the section's line.
        unknown = sorted(set(self.columns) - set(FIELDS))
        if unknown:
            raise ValueError(f"columns: unknown roster field {unknown[0]!r}; fields are {', '.join(FIELDS)}")
        if not _PREFIX.match(self.idnumber_prefix):
            raise ValueError("idnumber_prefix: use lower-case letters, digits and dashes")
        if not _AUTH.match(self.auth):
            raise ValueError("auth: must be a Moodle authentication plugin name such as manual, email, ldap, oauth2")
