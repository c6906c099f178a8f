"""The certification report: targets and percentages, groupings, and every format read back — diacritics intact,
formula-like cells neutralised, the PDF with its text (and, where pdftoppm exists, a non-blank first page)."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from cooperare.certificates.fonts import load_fonts
from cooperare.courses.catalogue import Catalogue, load_catalogue
from cooperare.reports.certification import CertificationReport, build_report, county_label
from cooperare.reports.pdf import write_pdf
from cooperare.reports.tabular import neutralise, write_csv, write_xlsx
from cooperare.store.certificates import CertificateRecord

ISSUED = datetime(2027, 10, 1, 9, 30, tzinfo=UTC)


def record(number: int, *, track: str, name: str = "Ștefan Țăranu", county: str = "AG", commune: str = "Mioveni",
           organisation: str = "Primăria Mioveni", status: str = "valid") -> CertificateRecord:
    return CertificateRecord(serial=f"{number:016d}", sha256=f"{number:064x}", person_key=f"K{number}",
                             moodle_user_id=number, name=name, email=None, track=track, county=county,
                             commune=commune, organisation=organisation, category=None, grade_percent=85.0,
                             file=None, issued_at=ISSUED, status=status)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture(scope="module")
def report(catalogue: Catalogue) -> CertificationReport:
    records = [record(i, track="adm-alfabetizare") for i in range(100)]
    records += [record(200 + i, track="ong-expert", county="MM", commune="Șișești",
                       organisation="Asociația „Țara Oașului”") for i in range(5)]
    records += [record(300, track="alesi-guvernanta", name="=HYPERLINK(\"http://x\")", county="CJ",
                       commune="+Florești", organisation="@Primăria Florești")]
    records += [record(301, track="adm-expert", status="revoked"), record(302, track="adm-expert", county="",
                                                                          organisation="-Consiliul Județean")]
    return build_report(catalogue, records, generated_at=ISSUED)


def test_the_summary_counts_valid_certificates_against_the_targets(report: CertificationReport) -> None:
    assert report.target == 292 and report.certified == 107
    rows = {row[0]: row for row in report.summary.rows}
    assert rows["adm-alfabetizare"][2:] == (200, 100, 0.5)
    assert rows["ong-expert"][2:] == (10, 5, 0.5)
    assert rows["adm-expert"][2:4] == (41, 1)  # the revoked one does not count
    assert rows[""][1:] == ("Total", 292, 107, pytest.approx(107 / 292))


def test_groupings_by_county_commune_and_organisation(report: CertificationReport) -> None:
    assert report.by_county.rows[0][0] == "Argeș (AG)" and report.by_county.rows[0][-1] == 100
    assert ("Maramureș (MM)", 5, 0, 0, 0, 5) in report.by_county.rows  # ong-expert, …, total
    assert any(r[0] == "(necunoscut)" for r in report.by_county.rows)
    assert any(r[:2] == ("Maramureș (MM)", "Șișești") for r in report.by_commune.rows)
    assert any(r[0] == "Asociația „Țara Oașului”" and r[-1] == 5 for r in report.by_organisation.rows)
    assert len(report.people.rows) == 107
    assert county_label("b") == "București (B)"


def test_neutralise() -> None:
    assert neutralise("=1+1") == "'=1+1" and neutralise("+40 7") == "'+40 7" and neutralise("-x") == "'-x"
    assert neutralise("@SUM") == "'@SUM" and neutralise("\tx") == "'\tx" and neutralise("Șișești") == "Șișești"


def test_csv_reads_back_with_diacritics_and_neutralised_cells(report: CertificationReport, tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    write_csv(report, path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: spreadsheet programs read UTF-8
    rows = list(csv.reader(path.open(encoding="utf-8-sig", newline="")))
    cells = [cell for row in rows for cell in row]
    assert "Rezumat: certificați față de țintă" in cells and "Țintă" in cells
    assert "Maramureș (MM)" in cells and "Asociația „Țara Oașului”" in cells and "Ștefan Țăranu" in cells
    assert "'=HYPERLINK(\"http://x\")" in cells and "'+Florești" in cells and "'@Primăria Florești" in cells
    assert "'-Consiliul Județean" in cells
    assert not any(cell[:1] in ("=", "+", "-", "@") for cell in cells)
    assert "50.0%" in cells and "2027-10-01" in cells


def test_xlsx_reads_back_with_diacritics_neutralised_cells_and_real_numbers(report: CertificationReport,
                                                                            tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    write_xlsx(report, path)
    book = load_workbook(path)
    assert book.sheetnames == ["Rezumat", "Județe", "Localități", "Organizații", "Certificați"]
    values = [cell.value for sheet in book for row in sheet.iter_rows() for cell in row]
    texts = [v for v in values if isinstance(v, str)]
    assert "Ștefan Țăranu" in texts and "Asociația „Țara Oașului”" in texts and "Țintă" in texts
    assert "'=HYPERLINK(\"http://x\")" in texts and "'+Florești" in texts and "'-Consiliul Județean" in texts
    assert not any(t[:1] in ("=", "+", "-", "@") for t in texts)
    assert all(cell.data_type != "f" for sheet in book for row in sheet.iter_rows() for cell in row)
    summary = book["Rezumat"]
    share = next(row for row in summary.iter_rows() if row[0].value == "adm-alfabetizare")[4]
    assert share.value == 0.5 and share.number_format == "0.0%"
    issued = next(row for row in book["Certificați"].iter_rows(min_row=3))[6]
    assert issued.value.date() == date(2027, 10, 1)


def test_the_pdf_has_the_tables_charts_and_diacritics(report: CertificationReport, tmp_path: Path) -> None:
    path = tmp_path / "r.pdf"
    write_pdf(report, path, fonts=load_fonts())
    reader = PdfReader(path)
    text = "\n".join(page.extract_text() for page in reader.pages)
    for expected in ("Raport de certificare", "Certificați față de țintă, pe trasee", "Pe județe", "Argeș (AG)",
                     "Maramureș (MM)", "Șișești", "Asociația „Țara Oașului”", "Ștefan Țăranu", "01.10.2027"):
        assert expected in text, expected
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed: page not rendered")
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", "-singlefile", str(path),
                    str(tmp_path / "p")], check=True)
    from PIL import Image

    image = Image.open(tmp_path / "p.png").convert("L")
    assert sum(image.histogram()[:128]) > 0.005 * image.width * image.height


def test_an_empty_registry_still_makes_a_report(catalogue: Catalogue, tmp_path: Path) -> None:
    empty = build_report(catalogue, [], generated_at=ISSUED)
    assert empty.certified == 0 and empty.people.rows == ()
    write_pdf(empty, tmp_path / "e.pdf", fonts=load_fonts())
    write_xlsx(empty, tmp_path / "e.xlsx")
    assert "0 din 292" in PdfReader(io.BytesIO((tmp_path / "e.pdf").read_bytes())).pages[0].extract_text()


def test_long_track_names_wrap_in_the_pdf_instead_of_being_cut(report: CertificationReport, catalogue: Catalogue,
                                                                 tmp_path: Path) -> None:
    path = tmp_path / "r.pdf"
    write_pdf(report, path, fonts=load_fonts())
    words = " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())
    longest = max((t.name for t in catalogue.tracks), key=len)
    assert len(longest) > 40  # wider than the column, so this test can fail when names are cut
    assert "…" not in words
    lines = [" ".join(line.split()) for page in PdfReader(path).pages for line in page.extract_text().splitlines()]
    first = next(line for line in lines if longest.startswith(line.split(" ", 2)[-1][:10]) or longest[:25] in line)
    assert longest[:25] in first
    assert all(word in words for word in longest.split())
