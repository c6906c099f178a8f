"""The offline XLSX form: written with drop-down lists, filled as LibreOffice saves it, read back; faults located."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cooperare.diagnostic.instrument import load_shipped
from cooperare.diagnostic.offline import ANSWER_COLUMN, SHEET, read_form, write_form
from cooperare.diagnostic.responses import DONT_KNOW
from cooperare.diagnostic.scoring import score_response
from cooperare.errors import InputError


def fill(tmp_path: Path, values: dict[str, object], *, name: str = "filled.xlsx", version: str = "2026.1") -> Path:
    """Fill the blank form the way LibreOffice saves it: numbers as floats, lists answered by their text."""
    blank = tmp_path / "blank.xlsx"
    write_form(load_shipped(version), blank)
    book = load_workbook(blank)
    sheet = book[SHEET]
    for row in sheet.iter_rows(min_row=1):
        code = row[0].value
        if code in values:
            sheet.cell(row=row[0].row, column=ANSWER_COLUMN, value=values[code])
    path = tmp_path / name
    book.save(path)
    return path


def test_form_has_validation_lists_for_every_choice(tmp_path):
    path = tmp_path / "form.xlsx"
    write_form(load_shipped("2026.1"), path)
    sheet = load_workbook(path)[SHEET]
    validated = {cell for rule in sheet.data_validations.dataValidation for rng in rule.sqref.ranges
                 for cell in [rng.coord]}
    codes = {row[0].value: row[0].row for row in sheet.iter_rows(min_row=6) if row[0].value}
    for code in ("s1", "r3", "s4", "s3:pnrr", "p_populatie", "_val"):
        assert f"D{codes[code]}" in validated, code


def test_filled_form_imports(tmp_path):
    values = {"_val": "T0", "_data": "15.04.2026", "p_comuna": "Ciugud", "p_siruta": 1071.0,
              "p_populatie": "2.000–4.999 de locuitori", "p_personal": 21.0,
              "s1": "Da, fără buget alocat", "s2": "Nu știu", "s3:buget_local": "Da", "s3:pnrr": "Da",
              "s3:fonduri_ue": "Nu", "s3:parteneriate": "Nu", "s4": 2.0, "r3": "Da", "c3": "Nu"}
    response = read_form(load_shipped("2026.1"), fill(tmp_path, values))
    assert response.siruta == 1071 and response.wave == "T0"
    assert response.submitted_at.date() == datetime(2026, 4, 15).date()
    answers = response.answers
    assert answers["s1"] == "da_fara_buget" and answers["s2"] == DONT_KNOW
    assert answers["s3"] == ("buget_local", "pnrr") and answers["s4"] == 2 and answers["r3"] is True
    assert answers["c3"] is False and answers["p_populatie"] == "2000_4999"
    assert answers.get("r1") is None
    scored = score_response(load_shipped("2026.1"), response)
    assert scored.section("strategie").score == pytest.approx(100 * (2 * 2 / 3 + 0.5 + 0.5) / 4)


@pytest.mark.parametrize(("values", "message"), [
    ({"_data": "15.04.2026", "p_siruta": 1071, "s1": "Poate"}, "not one of the listed answers"),
    ({"_data": "15.04.2026", "p_siruta": 1071, "s4": 9}, "from 0 to 4"),
    ({"_data": "15.04.2026", "p_siruta": 1071, "s3:pnrr": "Poate"}, "answer Da or Nu"),
    ({"_data": "mâine", "p_siruta": 1071}, "zz.ll.aaaa"),
    ({"_data": "15.04.2026"}, "SIRUTA"),
])
def test_faults_name_sheet_row_and_column(tmp_path, values, message):
    path = fill(tmp_path, values)
    with pytest.raises(InputError, match=message) as caught:
        read_form(load_shipped("2026.1"), path)
    assert f"{path} [{SHEET}]" in str(caught.value)
    if message != "SIRUTA":
        assert f":{ANSWER_COLUMN}:" in str(caught.value)


def test_a_commune_answering_twice_later_wins(tmp_path):
    from cooperare.diagnostic.responses import latest

    first = read_form(load_shipped("2026.1"), fill(tmp_path, {"_data": "01.04.2026", "p_siruta": 1071, "r3": "Nu"},
                                           name="a.xlsx"))
    second = read_form(load_shipped("2026.1"), fill(tmp_path, {"_data": "20.04.2026", "p_siruta": 1071, "r3": "Da"},
                                            name="b.xlsx"))
    kept, dropped = latest([second, first])
    assert len(kept) == 1 and kept[0].answers["r3"] is True
    assert dropped[0].source == "form:a.xlsx"


def test_import_command_stores_forms_all_or_nothing(tmp_path, monkeypatch):
    from cooperare.cli.main import main
    from cooperare.store import Store
    from cooperare.store.diagnostic import DiagnosticResponses

    good = fill(tmp_path, {"_data": "01.04.2026", "p_siruta": 1071, "r3": "Da"}, name="good.xlsx")
    bad = fill(tmp_path, {"_data": "01.04.2026", "p_siruta": 1072, "r3": "Poate"}, name="bad.xlsx")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COOPERARE_MOODLE_URL", raising=False)
    monkeypatch.setenv("COOPERARE_STORE_URL", f"sqlite:///{tmp_path / 'store.sqlite'}")
    assert main(["diagnostic", "import", str(good), str(bad)]) == 1
    with Store.open(tmp_path / "store.sqlite") as store:
        assert DiagnosticResponses(store.engine).all() == []
    assert main(["diagnostic", "import", str(good)]) == 0
    with Store.open(tmp_path / "store.sqlite") as store:
        assert [r.siruta for r in DiagnosticResponses(store.engine).all()] == [1071]


def _soffice_has_calc() -> bool:
    import shutil

    return shutil.which("soffice") is not None and any(
        Path(prefix, "lib/libreoffice/program/libsclo.so").exists() for prefix in ("/usr", "/opt/libreoffice"))


def _libreoffice(source: Path, target_format: str, out_dir: Path, profile: Path) -> Path:
    """Convert ``source`` with LibreOffice in its own profile (others may run soffice on the same machine)."""
    import subprocess

    out_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
                    target_format, "--outdir", str(out_dir), str(source)],
                   check=True, capture_output=True, timeout=180)
    converted = out_dir / f"{source.stem}.{target_format.split(':')[0]}"
    assert converted.exists(), f"LibreOffice wrote no {converted}"
    return converted


@pytest.mark.skipif(not _soffice_has_calc(), reason="LibreOffice Calc (libreoffice-calc-nogui) is not installed")
def test_a_form_saved_by_libreoffice_still_imports(tmp_path):
    """The filled form goes through LibreOffice Calc (to ODS and back to XLSX, as a respondent saving in Calc does):
    the drop-down lists survive and the answers, the date typed as a date and the numbers read back the same."""
    values = {"_val": "T1", "_data": datetime(2026, 4, 15), "p_comuna": "Ciugud", "p_siruta": 1071,
              "p_populatie": "2.000–4.999 de locuitori", "p_personal": 21,
              "s1": "Da, fără buget alocat", "s2": "Nu știu", "s3:buget_local": "Da", "s3:pnrr": "Da",
              "s3:fonduri_ue": "Nu", "s3:parteneriate": "Nu", "s4": 2, "r3": "Da", "c3": "Nu"}
    original = read_form(load_shipped("2026.1"), fill(tmp_path, values))
    profile = tmp_path / "lo-profile"
    ods = _libreoffice(fill(tmp_path, values), "ods", tmp_path / "ods", profile)
    back = _libreoffice(ods, "xlsx", tmp_path / "xlsx", profile)
    sheet = load_workbook(back)[SHEET]
    assert len(sheet.data_validations.dataValidation) >= 40
    response = read_form(load_shipped("2026.1"), back)
    assert response.answers == original.answers
    assert (response.siruta, response.wave, response.submitted_at) == (1071, "T1", original.submitted_at)
    assert response.answers["s3"] == ("buget_local", "pnrr") and response.answers["s2"] == DONT_KNOW


@pytest.mark.skipif(not _soffice_has_calc(), reason="LibreOffice Calc (libreoffice-calc-nogui) is not installed")
def test_a_dma_form_saved_by_libreoffice_still_imports_and_scores_the_same(tmp_path):
    """Instrument 2027.1 (130 rows: checklist rows, 0–5 scales, Nu / Parțial / Da) through LibreOffice Calc."""
    from cooperare.diagnostic.scoring import score_response

    instrument = load_shipped("2027.1")
    values: dict[str, object] = {"_val": "T0", "_data": datetime(2027, 3, 2), "p_comuna": "Ciugud", "p_siruta": 1071,
                                 "p_judet": "Alba", "p_populatie": "2.000–4.999 de locuitori", "p_personal": 21}
    for number, option in enumerate(instrument.question("s15").options):
        values[f"s15:{option.key}"] = "Da" if number % 3 else "Nu"
    for option in instrument.question("d22").options:
        values[f"d22:{option.key}"] = "Nu"
    values.update({"r18_1": 0, "r18_5": 4, "r18_8": "Nu știu", "v25_1": "Parțial", "v25_2": "Da"})
    path = fill(tmp_path, values, version="2027.1")
    original = read_form(instrument, path)
    profile = tmp_path / "lo-profile"
    back = _libreoffice(_libreoffice(path, "ods", tmp_path / "ods", profile), "xlsx", tmp_path / "xlsx", profile)
    response = read_form(None, back)  # the version printed on the form
    assert response.version == "2027.1" and response.answers == original.answers
    assert response.answers["s15"] == tuple(o.key for i, o in enumerate(instrument.question("s15").options) if i % 3)
    assert response.answers["d22"] == () and response.answers["r18_5"] == 4 and response.answers["v25_1"] == "partial"
    assert response.answers["r18_8"] == DONT_KNOW
    assert score_response(instrument, response) == score_response(instrument, original)
