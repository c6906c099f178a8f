"""Rebuild the territory package data from a SIRUTA CSV (maintainer tool, run by hand when SIRUTA changes).

Reads the SIRUTA nomenclature as published in ``siruta.csv`` of github.com/strainu/SIRUTA (semicolon separated,
UTF-8, header ``SIRUTA;DENLOC;CODP;JUD;SIRSUP;TIP;...``) and writes ``data/counties.csv`` and
``data/communes.csv.gz`` next to this module. Run: ``python -m cooperare.territory.build path/to/siruta.csv``.

Only the conversion lives here: no network, nothing read at import time by the rest of the pack.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import sys
from pathlib import Path

# SIRUTA's TIP column: 40 = county (and the Municipality of Bucharest), 3 = commune.
TIP_COUNTY = "40"
TIP_COMMUNE = "3"
# Vehicle-registration county codes, keyed by the county's name as SIRUTA spells it after "JUDEȚUL ".
CODES = {
    "ALBA": "AB", "ARAD": "AR", "ARGEȘ": "AG", "BACĂU": "BC", "BIHOR": "BH", "BISTRIȚA-NĂSĂUD": "BN",
    "BOTOȘANI": "BT", "BRAȘOV": "BV", "BRĂILA": "BR", "BUZĂU": "BZ", "CARAȘ-SEVERIN": "CS", "CĂLĂRAȘI": "CL",
    "CLUJ": "CJ", "CONSTANȚA": "CT", "COVASNA": "CV", "DÂMBOVIȚA": "DB", "DOLJ": "DJ", "GALAȚI": "GL",
    "GIURGIU": "GR", "GORJ": "GJ", "HARGHITA": "HR", "HUNEDOARA": "HD", "IALOMIȚA": "IL", "IAȘI": "IS",
    "ILFOV": "IF", "MARAMUREȘ": "MM", "MEHEDINȚI": "MH", "MUREȘ": "MS", "NEAMȚ": "NT", "OLT": "OT",
    "PRAHOVA": "PH", "SATU MARE": "SM", "SĂLAJ": "SJ", "SIBIU": "SB", "SUCEAVA": "SV", "TELEORMAN": "TR",
    "TIMIȘ": "TM", "TULCEA": "TL", "VASLUI": "VS", "VÂLCEA": "VL", "VRANCEA": "VN", "BUCUREȘTI": "B",
}
# Words written in small letters inside a place name (never as its first word).
SMALL_WORDS = frozenset({"de", "din", "lui", "sub", "cu", "la", "pe", "și"})
_CEDILLA = str.maketrans({"ş": "ș", "ţ": "ț", "Ş": "Ș", "Ţ": "Ț"})
_INITIALS = re.compile(r"\.(?=[^\W\d_]{2})")
_WORD = re.compile(r"[^\W\d_]+")


def place_case(upper: str) -> str:
    """SIRUTA's capitals as a place name is written: "CETATEA DE BALTĂ" → "Cetatea de Baltă",
    "C.A.ROSETTI" → "C.A. Rosetti", "CERU-BĂCĂINȚI" → "Ceru-Băcăinți"."""
    text = _INITIALS.sub(". ", upper.translate(_CEDILLA).strip())
    text = " ".join(text.split())
    position = 0

    def word(match: re.Match[str]) -> str:
        nonlocal position
        token = match.group(0).lower()
        first = position == 0
        position += 1
        return token if (not first and token in SMALL_WORDS) else token[:1].upper() + token[1:]

    return _WORD.sub(word, text)


def convert(source: Path) -> tuple[list[tuple[int, str, str, int]], list[tuple[int, str, str]]]:
    """(counties as (siruta, code, name, jud), communes as (siruta, name, county code)) read from ``source``."""
    with source.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    counties: list[tuple[int, str, str, int]] = []
    code_of_jud: dict[str, str] = {}
    for row in rows:
        if row["TIP"] != TIP_COUNTY:
            continue
        name = row["DENLOC"].removeprefix("JUDEȚUL ").removeprefix("MUNICIPIUL ")
        code = CODES[name]
        code_of_jud[row["JUD"]] = code
        counties.append((int(row["SIRUTA"]), code, place_case(name), int(row["JUD"])))
    communes = [(int(row["SIRUTA"]), place_case(row["DENLOC"]), code_of_jud[row["JUD"]])
                for row in rows if row["TIP"] == TIP_COMMUNE]
    return counties, communes


def write(counties: list[tuple[int, str, str, int]], communes: list[tuple[int, str, str]], *, target: Path) -> None:
    """Write ``counties.csv`` and ``communes.csv.gz`` (deterministic: no timestamp in the gzip header)."""
    target.mkdir(parents=True, exist_ok=True)
    with (target / "counties.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(("siruta", "code", "name", "jud"))
        writer.writerows(sorted(counties, key=lambda c: c[3]))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("siruta", "name", "county_code"))
    writer.writerows(sorted(communes))
    with (target / "communes.csv.gz").open("wb") as raw, \
            gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as packed:
        packed.write(buffer.getvalue().encode("utf-8"))


def main(argv: list[str]) -> int:
    """Entry point: ``build.py SIRUTA_CSV``."""
    if len(argv) != 1:
        print("usage: python -m cooperare.territory.build path/to/siruta.csv", file=sys.stderr)
        return 2
    counties, communes = convert(Path(argv[0]))
    write(counties, communes, target=Path(__file__).with_name("data"))
    print(f"{len(counties)} counties, {len(communes)} communes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
