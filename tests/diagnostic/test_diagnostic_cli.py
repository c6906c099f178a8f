"""``cooperare diagnostic ...`` through the real entry point, with a store and no Moodle configuration."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from cooperare.cli.main import main
from cooperare.diagnostic.instrument import CURRENT_VERSION
from cooperare.territory import counties


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("diag")
    mp = pytest.MonkeyPatch()
    mp.chdir(path)
    mp.delenv("COOPERARE_MOODLE_URL", raising=False)
    mp.setenv("COOPERARE_STORE_URL", f"sqlite:///{path / 'store.sqlite'}")
    assert main(["diagnostic", "generate", "--communes", "150", "--seed", "5", "--followup", "2"]) == 0
    yield path
    mp.undo()


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    capsys.readouterr()
    assert main(list(args)) == 0
    return json.loads(capsys.readouterr().out)


def test_score_json_records_version_bands_and_progress(workdir, capsys):
    data = run_json(capsys, "diagnostic", "score", "--json")
    assert data["responded"] == 150 and data["communes"] == 2862 and data["version"] == CURRENT_VERSION
    results = data["results"]
    assert all(r["version"] == CURRENT_VERSION for r in results)
    scored = [r for r in results if r["overall"] is not None]
    assert all(0 <= r["overall"] <= 100 for r in scored)
    means = [sum(r["scores"][k] for k in ("strategie", "pregatire", "uman", "date", "interoperabilitate", "verde"))
             / 6 for r in scored]
    assert means == pytest.approx([r["overall"] for r in scored])
    followups = [r for r in results if "followup" in r]
    assert len(followups) == 2
    for r in followups:
        assert r["followup"]["change"]["overall"] == pytest.approx(r["followup"]["overall"] - r["overall"])


def test_national_study_pdf_and_xlsx(workdir):
    assert main(["diagnostic", "report", "--out", "study.pdf"]) == 0
    reader = PdfReader(workdir / "study.pdf")
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "studiu național" in text and "Harta județelor" in text and "Lipsuri" in text
    assert "Progres între valuri" in text
    assert "Ce oferă formarea și manualul" in text
    assert sum(1 for c in counties() if c.code in text) >= 40
    assert main(["diagnostic", "report", "--out", "study.xlsx"]) == 0
    book = load_workbook(workdir / "study.xlsx", read_only=True)
    assert {"Rezumat", "Județe", "Comune", "Lipsuri"} <= set(book.sheetnames)
    rows = list(book["Comune"].iter_rows(min_row=3, values_only=True))
    assert len(rows) == 150


def test_scorecard_one_page_per_commune(workdir, capsys):
    data = run_json(capsys, "diagnostic", "score", "--json")
    first, second = data["results"][0], data["results"][1]
    out = workdir / "fisa.pdf"
    assert main(["diagnostic", "scorecard", "--commune", str(first["siruta"]), "--commune",
                 str(second["siruta"]), "--out", str(out)]) == 0
    reader = PdfReader(out)
    assert len(reader.pages) == 2
    page = reader.pages[0].extract_text()
    assert first["commune"] in page and "Cele trei acțiuni" in page and "Țara" in page
    assert "Manualul de digitalizare, cap. " in page and "Cursul «" in page, "issue 10: chapter and course named"
    assert main(["diagnostic", "scorecard", "--commune", "999999", "--out", str(out)]) == 1


def test_open_data_package_describes_its_csv_files(workdir):
    assert main(["diagnostic", "export", "--format", "datapackage", "--out", "open"]) == 0
    package = json.loads((workdir / "open" / "datapackage.json").read_text(encoding="utf-8"))
    assert package["profile"] == "tabular-data-package"
    for resource in package["resources"]:
        with (workdir / "open" / resource["path"]).open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        fields = resource["schema"]["fields"]
        assert list(rows[0]) == [f["name"] for f in fields]
        keys = {tuple(row[k] for k in resource["schema"]["primaryKey"]) for row in rows}
        assert len(keys) == len(rows) == 152
        for field in fields:
            allowed = field.get("constraints", {}).get("enum")
            if allowed:
                assert {row[field["name"]] for row in rows} <= set(allowed) | {""}, field["name"]
            if field["type"] == "number":
                values = [float(row[field["name"]]) for row in rows if row[field["name"]]]
                assert all(0 <= v <= 100 for v in values)
    header = (workdir / "open" / "raspunsuri.csv").read_text(encoding="utf-8").splitlines()[0]
    assert "p_comuna" not in header and "p_personal" not in header


def _answer_from_csv(question, cell: str):
    """Read one open-data cell back as the data dictionary describes it."""
    from cooperare.diagnostic.responses import DONT_KNOW

    if cell == "":
        return None
    if cell == DONT_KNOW:
        return DONT_KNOW
    if question.type == "multi":
        return () if cell == "nimic" else tuple(cell.split(";"))
    if question.type == "yes_no":
        return cell == "da"
    if question.type == "scale":
        return int(cell)
    if question.type == "number":
        return float(cell)
    return cell


def test_anyone_rescoring_the_open_data_gets_the_published_scores(workdir):
    """The open answers are the whole input of the scores: re-scored from raspunsuri.csv alone, every row gives
    scoruri.csv's figures (a multiple-choice question answered with nothing ticked scores 0 and is written as
    „nimic”, never as a blank, which means no answer)."""
    from datetime import UTC, datetime

    from cooperare.diagnostic.instrument import load_shipped
    from cooperare.diagnostic.responses import Response
    from cooperare.diagnostic.scoring import score_response

    assert main(["diagnostic", "export", "--format", "csv", "--out", "open"]) == 0
    instrument = load_shipped()
    questions = {q.id: q for s in instrument.sections for q in s.questions}
    with (workdir / "open" / "raspunsuri.csv").open(encoding="utf-8") as handle:
        answers = list(csv.DictReader(handle))
    with (workdir / "open" / "scoruri.csv").open(encoding="utf-8") as handle:
        scores = {(row["siruta"], row["val"]): row for row in csv.DictReader(handle)}
    ticked_none = 0
    for row in answers:
        ticked_none += sum(row[q] == "nimic" for q in questions)
        response = Response(int(row["siruta"]), row["versiune"], row["val"], datetime.now(UTC),
                            {q: _answer_from_csv(question, row[q]) for q, question in questions.items()})
        scored = score_response(instrument, response)
        published = scores[(row["siruta"], row["val"])]
        for section in instrument.sections:
            mine = scored.section(section.key).score
            assert published[section.key] == ("" if mine is None else f"{mine:.2f}"), (row["siruta"], section.key)
    assert ticked_none > 0  # the generated data has such answers: the case is exercised
