"""The streaming XLSX writer, read back with openpyxl (an independent reader)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cooperare.reports.xlsx import Style, Styled, XlsxError, XlsxWriter, column_letter


def test_values_styles_and_widths_survive_a_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    with XlsxWriter(path) as book:
        book.add_sheet("Rezumat", [[Styled("Raport – județe", Style.TITLE)],
                                   [Styled("Județ", Style.BOLD), Styled("Procent", Style.BOLD)],
                                   ["Sălaj", Styled(0.875, Style.PERCENT), 12, None, date(2026, 12, 1)],
                                   ["Iași", Styled(7.25, Style.ONE_DECIMAL), -3]],
                       widths=[30, 14])
        book.add_sheet("Al doilea", ([f"rând {i}", i] for i in range(5000)))
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["Rezumat", "Al doilea"]
    sheet = workbook["Rezumat"]
    assert sheet["A1"].value == "Raport – județe" and sheet["A1"].font.b and sheet["A1"].font.sz == 13
    assert sheet["B2"].font.b
    assert sheet["A3"].value == "Sălaj"
    assert sheet["B3"].value == 0.875 and sheet["B3"].number_format == "0.0%"
    assert sheet["C3"].value == 12
    assert sheet["D3"].value is None
    assert sheet["E3"].value.date() == date(2026, 12, 1) and sheet["E3"].number_format == "yyyy-mm-dd"
    assert sheet["B4"].number_format == "0.0" and sheet["C4"].value == -3
    assert sheet.column_dimensions["A"].width == 30
    second = workbook["Al doilea"]
    assert second.max_row == 5000 and second["A5000"].value == "rând 4999" and second["B5000"].value == 4999
    assert not list(tmp_path.glob("*.part"))


def test_untrusted_text_is_escaped_and_unwritable_characters_replaced(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    hostile = ["<script>alert(1)</script> & co", "=HYPERLINK(\"http://x\")", "نص عربي", "🙂 ok", "a\x00b\x1fc"]
    with XlsxWriter(path) as book:
        book.add_sheet("Texte", [hostile])
    values = [cell.value for cell in next(openpyxl.load_workbook(path)["Texte"].iter_rows())]
    assert values[:4] == hostile[:4]
    assert values[4] == "a\ufffdb\ufffdc"
    assert openpyxl.load_workbook(path)["Texte"]["B1"].data_type == "s"  # text, never a formula


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_any_text_comes_back_as_written(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    path = tmp_path_factory.mktemp("x") / "t.xlsx"
    with XlsxWriter(path) as book:
        book.add_sheet("T", [[text]])
    back = openpyxl.load_workbook(path)["T"]["A1"].value
    expected = "".join("\ufffd" if (ord(c) < 32 and c not in "\t\n\r") or c in "\ufffe\uffff" else c for c in text)
    assert (back or "") == expected


@pytest.mark.parametrize("name", ["", "x" * 32, "a/b", "a[1]", "'quoted'"])
def test_bad_sheet_names_are_refused_and_no_file_is_left(tmp_path: Path, name: str) -> None:
    path = tmp_path / "r.xlsx"
    with pytest.raises(XlsxError, match="sheet name"), XlsxWriter(path) as book:
        book.add_sheet(name, [["x"]])
    assert not path.exists() and not list(tmp_path.iterdir())


def test_duplicate_sheets_and_non_numbers_are_refused(tmp_path: Path) -> None:
    with pytest.raises(XlsxError, match="two sheets"), XlsxWriter(tmp_path / "a.xlsx") as book:
        book.add_sheet("Județe", [["x"]])
        book.add_sheet("JUDEȚE", [["y"]])
    with pytest.raises(XlsxError, match="row 2, column B"), XlsxWriter(tmp_path / "b.xlsx") as book:
        book.add_sheet("S", [["ok"], ["x", float("nan")]])
    assert not list(tmp_path.iterdir())


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 51, 701, 702)] == ["A", "Z", "AA", "AZ", "ZZ", "AAA"]


def test_a_workbook_without_sheets_is_refused_and_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(XlsxError, match="at least one sheet"), XlsxWriter(tmp_path / "gol.xlsx"):
        pass
    assert not list(tmp_path.iterdir())
