"""Read the guests registered for an event through a form: a CSV or XLSX export with a name column and, optionally,
e-mail, institution, county and category (Romanian or English headers, diacritics and case ignored); a category
written the way the roster accepts it ("ONG", "ales local", "funcție de execuție") becomes the catalogue's key.

Files are read by :func:`cooperare.sync.readers.read_table` (encodings, separators, XLSX); a row without a name, a
malformed e-mail or an unknown county is an :class:`~cooperare.errors.InputError` naming the row and column. This
module must not touch the store.
"""

from __future__ import annotations

from pathlib import Path

from cooperare.errors import InputError, Location
from cooperare.events.attendance import Guest
from cooperare.sync.counties import find_county
from cooperare.sync.normalise import CATEGORY_LABELS, EMAIL
from cooperare.sync.readers import read_table
from cooperare.sync.text import clean, fix_diacritics, fold

HEADERS = {
    "name": ("nume", "nume si prenume", "nume prenume", "name", "full name"),
    "email": ("email", "e mail", "adresa de email", "adresa de e mail"),
    "institution": ("institutie", "institutia", "organizatie", "organizatia", "institution", "organisation"),
    "county": ("judet", "judetul", "county"),
    "category": ("categorie", "categoria", "category"),
}


def load_registrations(path: Path) -> list[Guest]:
    table = read_table(path)
    columns: dict[str, int] = {}
    for index, header in enumerate(table.headers):
        for field, names in HEADERS.items():
            if fold(header) in names and field not in columns:
                columns[field] = index
    if "name" not in columns:
        raise InputError("no name column (nume, nume și prenume, name)",
                         location=Location(file=table.source, line=table.header_line))
    guests = []
    for line, cells in table.rows:
        def cell(field: str) -> str:
            index = columns.get(field)
            return clean(fix_diacritics(cells[index])) if index is not None and index < len(cells) else ""

        def fail(message: str, field: str) -> InputError:
            return InputError(message, location=Location(file=table.source, line=line, column=columns[field] + 1,
                                                         key=table.headers[columns[field]]))

        name, email, county = cell("name"), cell("email").lower(), cell("county")
        if not name:
            raise fail("a registration without a name", "name")
        if email and not EMAIL.match(email):
            raise fail(f"not an e-mail address: {email!r}", "email")
        code = ""
        if county:
            found = find_county(county)
            if found is None:
                raise fail(f"unknown county {county!r}", "county")
            code = found.code
        category = cell("category")
        guests.append(Guest(name, email, cell("institution"), code, CATEGORY_LABELS.get(fold(category), category)))
    return guests
