"""Fuzzing the importer: any bytes, any table of text and any damaged workbook give a valid roster or a clear
InputError naming the file — never another exception."""

from __future__ import annotations

import io
import zipfile

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cooperare.config.roster import RosterConfig
from cooperare.courses.catalogue import Catalogue, load_catalogue
from cooperare.errors import InputError
from cooperare.sync.generator import HEADERS, generate
from cooperare.sync.importer import roster_from_bytes
from cooperare.sync.model import Roster

CATALOGUE: Catalogue = load_catalogue()
CONFIG = RosterConfig()
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def outcome(data: bytes) -> Roster | InputError:
    try:
        return roster_from_bytes(data, source="fuzz.csv", config=CONFIG, catalogue=CATALOGUE)
    except InputError as error:
        assert str(error).startswith("fuzz.csv"), str(error)
        return error


def _valid_xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(HEADERS))
    for row in generate(CATALOGUE, count=5, seed=1):
        sheet.append(list(row.cells()))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


XLSX = _valid_xlsx()


@FUZZ
@given(st.binary(max_size=2000))
def test_any_bytes(data: bytes) -> None:
    outcome(data)


cell = st.one_of(st.sampled_from(["Ion", "Ştefan", "ion@x.ro", "Sibiu", "SB", "ong", "ales", "1800101221144", "",
                                  ";", ",", '"', "\n", "Cod", "Nume", "Prenume", "E-mail", "Județ", "Categorie"]),
                 st.text(max_size=12))


@FUZZ
@given(st.lists(st.lists(cell, max_size=12), max_size=8), st.sampled_from([";", ","]),
       st.sampled_from(["utf-8", "utf-8-sig", "cp1250"]))
def test_any_table_of_text(table: list[list[str]], separator: str, encoding: str) -> None:
    text = "\n".join(separator.join(row) for row in [list(HEADERS), *table])
    outcome(text.encode(encoding, errors="replace"))


@FUZZ
@given(st.lists(st.tuples(st.integers(0, len(XLSX) - 1), st.integers(0, 255)), min_size=1, max_size=20),
       st.integers(10, len(XLSX)))
def test_damaged_workbooks(flips: list[tuple[int, int]], keep: int) -> None:
    data = bytearray(XLSX[:keep])
    for position, value in flips:
        if position < len(data):
            data[position] = value
    outcome(bytes(data))


@FUZZ
@given(st.sampled_from(["xl/worksheets/sheet1.xml", "xl/workbook.xml", "xl/sharedStrings.xml", "[Content_Types].xml",
                        "xl/styles.xml", "xl/_rels/workbook.xml.rels"]),
       st.binary(max_size=200))
def test_workbooks_with_a_part_replaced(part: str, content: bytes) -> None:
    source = zipfile.ZipFile(io.BytesIO(XLSX))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            target.writestr(item, content if item.filename == part else source.read(item.filename))
    outcome(buffer.getvalue())


def test_the_valid_workbook_is_a_roster() -> None:
    assert isinstance(outcome(XLSX), Roster)
