"""Seeded generator of realistic test rosters: Romanian names with diacritics, real counties and their real
communes (SIRUTA, :mod:`cooperare.territory`; never in București, which has sectors), institutions and NGOs, e-mails
only on domains reserved for examples (RFC 2606), the catalogue's 10/200/41/41 split scaled to any size, and
optional malformed rows.

The same ``seed`` and ``count`` always give the same people (keys ``ACOR-00001``…), so tests, the demo and the
benchmarks are repeatable; a larger roster extends a smaller one with the same seed only in its split, not row by
row. Output: CSV (any supported encoding and separator; legacy encodings get ş ţ with cedilla, as old Windows
software writes them) or XLSX. Every person is invented: no real person's data is used, and no CNP is ever made.
This module must not talk to Moodle or read the configuration.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from cooperare import territory
from cooperare.courses.catalogue import Catalogue
from cooperare.sync.text import slug

HEADERS = ("Cod", "Nume", "Prenume", "E-mail", "Telefon", "Instituție/Organizație", "Localitate/Comună", "Județ",
           "Categorie", "Program")

FIRST_NAMES_F = ("Ana", "Maria", "Elena", "Ioana", "Andreea", "Mădălina", "Cristina", "Alexandra", "Mihaela",
                 "Gabriela", "Roxana", "Simona", "Daniela", "Larisa", "Irina", "Oana", "Raluca", "Bianca", "Ștefania",
                 "Cătălina", "Luminița", "Florentina", "Georgiana", "Anișoara", "Violeta", "Rodica", "Viorica",
                 "Mirela", "Teodora", "Alina", "Corina", "Denisa", "Lăcrămioara", "Smaranda", "Tatiana", "Iuliana")
FIRST_NAMES_M = ("Ion", "Andrei", "Mihai", "Alexandru", "Ștefan", "Gheorghe", "Vasile", "Constantin", "Dumitru",
                 "Florin", "Cristian", "Bogdan", "Răzvan", "Adrian", "Costel", "Marian", "Nicolae", "Cătălin", "Sorin",
                 "Ovidiu", "Tudor", "Radu", "Lucian", "Petru", "Dănuț", "Aurel", "Viorel", "Ionuț", "Traian",
                 "Valentin", "Silviu", "Horia", "Sebastian", "Călin", "Iulian", "Emil")
SURNAMES = ("Popescu", "Ionescu", "Popa", "Pop", "Radu", "Dumitrescu", "Stan", "Stoica", "Gheorghe", "Matei",
            "Ciobanu", "Rusu", "Munteanu", "Moldovan", "Constantin", "Marin", "Țăranu", "Șerban", "Mândrescu",
            "Vîlcu", "Știrbu", "Bălăceanu", "Tănase", "Lungu", "Florea", "Dinu", "Căpraru", "Neagu", "Bărbulescu",
            "Sârbu", "Grigoraș", "Tudose", "Mocanu", "Păun", "Iordache", "Zamfir", "Oprea", "Coman", "Nistor",
            "Ursu", "Toma", "Enache", "Bălan", "Mitrea", "Drăghici", "Căldăraru", "Țurcanu", "Stănescu", "Voicu",
            "Cojocaru", "Diaconu", "Preda", "Manole", "Pîrvu", "Roșca", "Husar", "Antonescu", "Vlad", "Năstase",
            "Ghiță", "Blaga", "Crăciun", "Fătu", "Hârțescu", "Jitaru", "Lazăr", "Mărgărit", "Nedelcu", "Petrescu",
            "Râpeanu", "Surdu", "Trandafir", "Vasilescu", "Zăvoianu", "Bucur", "Cârstea", "Dobre", "Frățilă")
NGO_PATTERNS = ("Asociația pentru Dezvoltare Comunitară {commune}", "Fundația Comunitară {county}",
                "Asociația „Viitor pentru {commune}”", "Asociația Grupul de Acțiune Locală {county} Nord",
                "Centrul de Resurse Civice {county}", "Asociația Tinerilor din {commune}")
# Only domains reserved for examples (RFC 2606): generated e-mails can never reach a real person.
MAIL_DOMAINS = ("example.org", "example.com", "example.net", "posta.example", "mail.test")
LEGACY = str.maketrans({"ș": "ş", "ț": "ţ", "Ș": "Ş", "Ț": "Ţ"})
ASCII_PUNCTUATION = str.maketrans({"„": '"', "”": '"', "–": "-"})
MALFORMATIONS = ("bad_email", "unknown_county", "missing_firstname", "unknown_category", "duplicate_email",
                 "unknown_track")


@dataclass(frozen=True)
class Row:
    key: str
    lastname: str
    firstname: str
    email: str
    phone: str
    organisation: str
    commune: str
    county: str
    category: str
    track: str

    def cells(self) -> tuple[str, ...]:
        return (self.key, self.lastname, self.firstname, self.email, self.phone, self.organisation, self.commune,
                self.county, self.category, self.track)


def split(count: int, targets: Sequence[int]) -> list[int]:
    """``count`` shared in proportion to ``targets`` (largest remainder), e.g. 292 → 10/200/41/41."""
    total = sum(targets)
    exact = [count * t / total for t in targets]
    shares = [int(x) for x in exact]
    order = sorted(range(len(targets)), key=lambda i: exact[i] - shares[i], reverse=True)
    for i in order[: count - sum(shares)]:
        shares[i] += 1
    return shares


def generate(catalogue: Catalogue, *, count: int, seed: int, malformed: int = 0) -> list[Row]:
    """``count`` people (plus nothing else): ``malformed`` of them damaged in one of :data:`MALFORMATIONS` ways."""
    rng = random.Random(seed)
    tracks = catalogue.tracks
    categories = {c.key: c.name for c in catalogue.index.participant_categories}
    counties = [county for county in territory.counties() if county.has_communes]  # București has sectors
    communes = {county.code: sorted(c.name for c in rng.sample(territory.communes(county.code), 12))
                for county in counties}
    rows: list[Row] = []
    used_names: set[tuple[str, str, str]] = set()
    used_emails: set[str] = set()
    number = 0
    for track, share in zip(tracks, split(count, [t.target for t in tracks]), strict=True):
        for _ in range(share):
            number += 1
            county = rng.choice(counties)
            commune = rng.choice(communes[county.code])
            category = rng.choice(track.categories)
            if category == "ong":
                organisation = rng.choice(NGO_PATTERNS).format(commune=commune, county=county.name)
            elif category == "ales":
                organisation = f"Consiliul Local al Comunei {commune}"
            else:
                organisation = f"Primăria Comunei {commune}"
            while True:
                firstname = rng.choice(FIRST_NAMES_F + FIRST_NAMES_M)
                if rng.random() < 0.08:
                    firstname += "-" + rng.choice(FIRST_NAMES_F if firstname in FIRST_NAMES_F else FIRST_NAMES_M)
                lastname = rng.choice(SURNAMES)
                if (firstname, lastname, organisation) not in used_names:
                    break
            used_names.add((firstname, lastname, organisation))
            local = f"{slug(firstname).replace('-', '')}.{slug(lastname)}"
            email = f"{local}@{rng.choice(MAIL_DOMAINS)}"
            suffix = 1
            while email in used_emails:
                suffix += 1
                email = f"{local}{suffix}@{email.split('@')[1]}"
            used_emails.add(email)
            typed_lastname = lastname.upper() if rng.random() < 0.1 else lastname
            phone = f"07{rng.randrange(20, 80)}{rng.randrange(0, 1_000_000):06d}"
            rows.append(Row(f"ACOR-{number:05d}", typed_lastname, firstname, email, phone, organisation, commune,
                            county.name, categories[category], track.name))
    return _damage(rows, rng, malformed) if malformed else rows


def _damage(rows: list[Row], rng: random.Random, malformed: int) -> list[Row]:
    result = list(rows)
    for position, index in enumerate(rng.sample(range(len(rows)), min(malformed, len(rows)))):
        row = result[index]
        kind = MALFORMATIONS[position % len(MALFORMATIONS)]
        if kind == "bad_email":
            row = replace(row, email=row.email.replace("@", " at "))
        elif kind == "unknown_county":
            row = replace(row, county="Județul Atlantida")
        elif kind == "missing_firstname":
            row = replace(row, firstname="")
        elif kind == "unknown_category":
            row = replace(row, category="Observator")
        elif kind == "duplicate_email":
            other = result[(index + 1) % len(result)]
            row = replace(row, email=other.email)
        else:
            row = replace(row, track="Curs de pilotaj")
        result[index] = row
    return result


def write_rows(rows: Sequence[Row], path: Path, *, encoding: str = "utf-8", separator: str = ";") -> None:
    """Write ``rows`` as XLSX (``.xlsx``) or CSV (anything else) in ``encoding`` with ``separator``."""
    if path.suffix.lower() == ".xlsx":
        import openpyxl

        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet("Participanți")
        sheet.append(list(HEADERS))
        for row in rows:
            sheet.append(list(row.cells()))
        workbook.save(path)
        return
    path.write_bytes(csv_bytes(rows, encoding=encoding, separator=separator))


def csv_bytes(rows: Sequence[Row], *, encoding: str = "utf-8", separator: str = ";") -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=separator, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow(row.cells())
    text = buffer.getvalue()
    if encoding.replace("_", "-").lower() in ("cp1250", "windows-1250", "iso-8859-2"):
        text = text.translate(LEGACY)  # these encodings have no ș ț with comma below
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:  # ISO-8859-2 lacks „ ” – : write them as plain ASCII, as such software does
        return text.translate(ASCII_PUNCTUATION).encode(encoding)
