"""Which roster column holds which field: built-in Romanian and English headers plus those from the configuration.

Headers are compared folded (no diacritics, any case, punctuation ignored), so "Instituție/Organizație",
"INSTITUTIE ORGANIZATIE" and "institutie_organizatie" are one header. A column whose header names a personal
numeric code (CNP) is refused here, before any value is read. This module maps headers only: it must not look at
data rows (that is :mod:`cooperare.sync.validate`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cooperare.config.roster import FIELDS
from cooperare.errors import Location
from cooperare.sync.model import Problem
from cooperare.sync.text import fold

HEADERS: Mapping[str, tuple[str, ...]] = {
    "key": ("cod", "cod participant", "cod inregistrare", "id", "id participant", "key", "numar inregistrare",
            "nr inregistrare", "numar de inregistrare", "registration code"),
    "lastname": ("nume", "nume de familie", "numele", "last name", "lastname", "surname", "family name"),
    "firstname": ("prenume", "prenumele", "first name", "firstname", "given name"),
    "email": ("email", "e mail", "adresa de email", "adresa email", "adresa de e mail", "mail", "posta electronica"),
    "phone": ("telefon", "nr telefon", "numar telefon", "numar de telefon", "mobil", "phone", "telephone"),
    "organisation": ("institutie", "institutia", "organizatie", "organizatia", "institutie organizatie",
                     "institutia organizatia", "organizatie institutie", "angajator", "organisation", "organization",
                     "institution"),
    "commune": ("localitate", "localitatea", "comuna", "comuna oras", "localitate comuna", "localitatea comuna",
                "comuna localitate", "uat", "commune", "locality", "city"),
    "county": ("judet", "judetul", "county"),
    "category": ("categorie", "categoria", "categorie participant", "categoria participantului", "tip participant",
                 "category"),
    "track": ("program", "programul", "program de formare", "programul de formare", "track", "traseu"),
}
REQUIRED = ("lastname", "firstname", "email", "organisation", "commune", "county", "category")
CNP_HEADERS = frozenset({"cnp", "c n p", "cod numeric personal", "codul numeric personal", "cod personal",
                         "personal numeric code", "nr cnp"})
CNP_REFUSAL = ("the pack never reads or stores personal numeric codes (CNP): delete this column from the file "
               "(Moodle accounts are keyed by the registration code, or by the e-mail address, instead)")


@dataclass(frozen=True)
class ColumnMap:
    """Field name → 0-based column index, and the headers that map to nothing."""

    fields: Mapping[str, int]
    ignored: tuple[str, ...]


def map_columns(headers: Sequence[str], *, source: str, line: int, extra: Mapping[str, Sequence[str]]
                ) -> tuple[ColumnMap, list[Problem]]:
    """Match ``headers`` to fields; problems for CNP columns, a field given twice, and required fields missing."""
    lookup: dict[str, str] = {}
    for name in FIELDS:
        for header in (*HEADERS.get(name, ()), *extra.get(name, ())):
            lookup[fold(header)] = name
    found: dict[str, int] = {}
    ignored: list[str] = []
    problems: list[Problem] = []
    for index, header in enumerate(headers):
        folded = fold(header)
        where = Location(file=source, line=line, column=index + 1, key=header.strip() or None)
        if not folded:
            continue
        if folded in CNP_HEADERS or folded.startswith("cnp "):
            problems.append(Problem(where, f"column {header.strip()!r} holds CNPs: {CNP_REFUSAL}"))
            continue
        name = lookup.get(folded)
        if name is None:
            ignored.append(header.strip())
        elif name in found:
            first = headers[found[name]].strip()
            problems.append(Problem(where, f"column {header.strip()!r} gives the {name} a second time "
                                           f"(column {found[name] + 1}, {first!r}, gives it already)"))
        else:
            found[name] = index
    for name in REQUIRED:
        if name not in found:
            known = ", ".join(repr(h) for h in HEADERS[name][:3])
            problems.append(Problem(Location(file=source, line=line),
                                    f"no column for the {name} (expected a header such as {known})"))
    return ColumnMap(found, tuple(ignored)), problems
