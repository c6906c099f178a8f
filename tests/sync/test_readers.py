"""Reading roster files: CSV in every supported encoding and with either separator, XLSX, and clear refusals."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from cooperare.config.roster import RosterConfig
from cooperare.courses.catalogue import Catalogue
from cooperare.errors import InputError
from cooperare.sync.generator import HEADERS, csv_bytes, generate, write_rows
from cooperare.sync.importer import load_roster, roster_from_bytes
from cooperare.sync.readers import parse_bytes, read_table

ENCODINGS = ["utf-8", "utf-8-sig", "cp1250", "iso-8859-2", "iso-8859-16"]


@pytest.mark.parametrize("separator", [";", ","])
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_csv_in_each_encoding_and_separator_reads_the_same_people(
        catalogue: Catalogue, encoding: str, separator: str) -> None:
    rows = generate(catalogue, count=30, seed=11)
    data = csv_bytes(rows, encoding=encoding, separator=separator)
    reference = roster_from_bytes(csv_bytes(rows), source="r.csv", config=RosterConfig(), catalogue=catalogue)
    roster = roster_from_bytes(data, source="r.csv", config=RosterConfig(), catalogue=catalogue)
    # names and places come back with ș ț (comma below) even from encodings that only have the cedilla forms
    assert [(p.key, p.firstname, p.lastname, p.commune, p.email, p.track) for p in roster.people] == \
        [(p.key, p.firstname, p.lastname, p.commune, p.email, p.track) for p in reference.people]
    assert any("ș" in p.lastname + p.firstname + p.commune or "ț" in p.lastname + p.firstname + p.commune
               for p in roster.people)


@pytest.mark.parametrize("encoding", ["cp1250", "iso-8859-16", "iso-8859-2"])
def test_legacy_encoding_is_detected(encoding: str) -> None:
    text = "Nume;Prenume;Localitate\nŢăranu;Ştefan;Bălăneşti\n"
    if encoding == "iso-8859-16":
        text = text.replace("Ţ", "Ț").replace("ş", "ș").replace("Ş", "Ș")
    table = parse_bytes(text.encode(encoding), source="r.csv")
    assert table.encoding in ("cp1250", "iso-8859-16", "iso-8859-2")
    assert table.rows[0][1][0] in ("Ţăranu", "Țăranu")
    assert table.separator == ";"


def test_windows_1250_quotes_pick_windows_1250() -> None:
    data = "Organizație\n„Asociația Viitor” – filiala Argeș\n".replace("ț", "ţ").replace("ș", "ş").encode("cp1250")
    table = parse_bytes(data, source="r.csv")
    assert table.encoding == "cp1250"
    assert table.rows[0][1][0] == "„Asociaţia Viitor” – filiala Argeş"


def test_quoted_separator_inside_a_value_and_line_numbers() -> None:
    data = b'Nume,Prenume\n"Pop, zis Ionel",Ion\n\n"Multi\nline",Ana\nLast,One\n'
    table = parse_bytes(data, source="r.csv")
    assert table.separator == ","
    assert [line for line, _ in table.rows] == [2, 4, 6]
    assert table.rows[0][1] == ("Pop, zis Ionel", "Ion")


def test_xlsx_is_read_by_content_with_numbers_as_text(tmp_path: Path, catalogue: Catalogue) -> None:
    rows = generate(catalogue, count=12, seed=3)
    path = tmp_path / "roster.data"  # the name does not matter, the bytes do
    xlsx = tmp_path / "roster.xlsx"
    write_rows(rows, xlsx)
    path.write_bytes(xlsx.read_bytes())
    roster = load_roster(path, config=RosterConfig(), catalogue=catalogue)
    assert len(roster) == 12 and roster.people[0].key == "ACOR-00001"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Cod", "Telefon"])
    sheet.append([1234, 722123456.0])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = parse_bytes(buffer.getvalue(), source="n.xlsx")
    assert table.rows == ((2, ("1234", "722123456")),)


def test_xlsx_named_sheet(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.append(["altceva"])
    second = workbook.create_sheet("Participanți")
    second.append(list(HEADERS))
    path = tmp_path / "two.xlsx"
    workbook.save(path)
    assert read_table(path, sheet="Participanți").headers == HEADERS
    with pytest.raises(InputError, match="no sheet 'Lipsă'"):
        read_table(path, sheet="Lipsă")


@pytest.mark.parametrize(("data", "message"), [
    (b"", "empty: no header row"),
    (b"\xff\xfeN\x00u\x00", "UTF-16"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", r"old Excel \(.xls\)"),
    (b"PK\x03\x04 not really a zip", "not a valid ZIP archive"),
    (b"Nume;Prenume\x00\n", "NUL bytes"),
    (b"\xef\xbb\xbfNume\n\xff\xfe\n", "starts as UTF-8"),
])
def test_unreadable_files_are_refused_with_the_file_named(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        parse_bytes(data, source="r.csv")
    assert str(caught.value).startswith("r.csv")


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        read_table(tmp_path / "nope.csv")
    with pytest.raises(InputError, match="folder"):
        read_table(tmp_path)


def test_explicit_encoding_that_does_not_fit_is_refused() -> None:
    with pytest.raises(InputError, match="not utf-8 text"):
        parse_bytes("Nume\nŢ\n".encode("cp1250"), source="r.csv", encoding="utf-8")
