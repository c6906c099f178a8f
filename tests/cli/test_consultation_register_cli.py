"""The offline half of a consultation through the CLI, with hostile and multilingual text through every writer:
record → answer-sheet → answer → report (PDF, XLSX) → annual-report (PDF, XLSX) → export (CSV, JSON)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from cooperare.cli.main import cli, main
from cooperare.consultation_bridge.answers import ANSWERS_SHEET

ENVIRONMENT = ("COOPERARE_MOODLE_URL", "COOPERARE_MOODLE_TOKEN", "COOPERARE_MOODLE_TOKEN_FILE",
               "COOPERARE_VAR_BUDGET", "COOPERARE_STORE_URL")
ID = "manual-consultare-1"
AUTHORITY = ("Parteneriatul de organizații neguvernamentale al proiectului „Cooperare digitală pentru dezvoltare "
             "locală”, coordonat de Asociația Comunelor din România")
SCRIPT = "<script>alert('x')</script> Propun ștergerea alin. (2)."
FORMULA = '=HYPERLINK("http://rău.example","apasă")'
HEBREW = "שלום – propunere în ebraică"
ARABIC = "مرحبا بالعالم"
EMOJI = "Foarte bine 😀 țâșnește ÎȘȚĂÂ"


def contribution(source: str, text: str, *, part: str = "cap-01", category: str = "citizen", author: str = "Ion",
                 consent: bool = False, when: str = "2026-09-10T10:00:00+03:00", email: str | None = None
                 ) -> dict[str, object]:
    item: dict[str, object] = {"source": source, "part": part, "category": category, "author": author,
                               "submitted_at": when, "text": text, "publish_name": consent}
    if email:
        item["email"] = email
    return item


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "cooperare.yaml").write_text("store:\n  url: sqlite:///registru.sqlite\n", encoding="utf-8")
    (tmp_path / "in.json").write_text(json.dumps({"contributions": [
        contribution("forum-post:1", SCRIPT, author="Maria Secretă", email="maria@example.ro"),
        contribution("forum-post:2", FORMULA, part="cap-02", category="ngo", author="Asociația Ștefan", consent=True),
        contribution("forum-post:3", HEBREW, part="cap-02", category="other", author="David"),
        contribution("feedback-response:4", ARABIC, part="cap-03", category="authority", author="Primăria Ț",
                     consent=True),
        contribution("feedback-response:5", EMOJI, part="cap-03", author="Ana Publică", consent=True),
        contribution("forum-post:6", SCRIPT.upper(), author="Maria S.", email="MARIA@example.ro"),  # duplicate
        contribution("forum-post:7", "Trimisă târziu.", when="2026-09-28T09:00:00+03:00", author="Vasile"),
    ], "debate_requests": [{"source": "feedback-response:9", "requester": "Asociația „Satul Viu”",
                            "requester_kind": "ngo", "submitted_at": "2026-09-12T12:00:00+03:00",
                            "text": "Solicităm dezbatere publică."}]}, ensure_ascii=False), encoding="utf-8")
    return tmp_path


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def answer_everything(path: Path) -> None:
    book = load_workbook(path)
    sheet = book[ANSWERS_SHEET]
    decisions = {"forum-post:1": ("respinsă", "Motiv: <b>nu</b> ține de capitol.", None),
                 "forum-post:2": ("acceptată", None, None),
                 "forum-post:3": ("acceptată parțial", None, "PAR"),
                 "feedback-response:4": ("respinsă", None, "RES-OBIECT")}
    for row in sheet.iter_rows(min_row=2):
        if row[0].value in decisions:
            row[9].value, row[10].value, row[11].value = decisions[row[0].value]
    book.save(path)


def test_the_whole_offline_chain_keeps_untrusted_text_inert(workdir: Path) -> None:
    output = run("consultation", "record", ID, "in.json", "--json")
    counts = json.loads(output)
    assert (counts["new"], counts["duplicates"], counts["late"], counts["debate_requests_added"]) == (7, 1, 1, 1)
    assert json.loads(run("consultation", "record", ID, "in.json", "--json"))["unchanged"] == 7

    run("consultation", "answer-sheet", ID, "--out", "raspunsuri.xlsx")
    texts = {r[0]: r[8] for r in load_workbook("raspunsuri.xlsx")[ANSWERS_SHEET].iter_rows(min_row=2,
                                                                                           values_only=True)}
    assert texts["forum-post:2"] == "'" + FORMULA and texts["forum-post:3"] == HEBREW
    assert texts["feedback-response:5"] == EMOJI and "forum-post:6" not in texts
    answer_everything(workdir / "raspunsuri.xlsx")
    assert "4 decision(s) read" in run("consultation", "answer", ID, "raspunsuri.xlsx")

    run("consultation", "report", ID, "--out", "sinteza.pdf")
    text = "\n".join(page.extract_text() for page in PdfReader("sinteza.pdf").pages)
    for expected in ("<script>alert('x')</script>", FORMULA, "țâșnește ÎȘȚĂÂ", "Motiv: <b>nu</b> ține de capitol.",
                     "Asociația Ștefan", "Ana Publică", "Primăria Ț", "Asociația „Satul Viu”",
                     "Sinteza recomandărilor primite"):
        assert expected in text, expected
    assert all(letter in text for letter in "שלום") and all(letter in text for letter in "مرحب")
    assert "😀" not in text and "\ufffd" in text  # printed as U+FFFD, never misquoted
    assert "Maria Secretă" not in text and "David" not in text and "Vasile" not in text  # no consent
    assert "example.ro" not in text

    run("consultation", "report", ID, "--format", "xlsx", "--out", "sinteza.xlsx")
    book = load_workbook("sinteza.xlsx")
    cells = [str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    assert "'" + FORMULA in cells and FORMULA not in cells
    assert EMOJI in cells and HEBREW in cells and ARABIC in cells and SCRIPT in cells
    assert not any(cell.startswith("=") for cell in cells)
    assert "Maria Secretă" not in cells and "Ana Publică" in cells
    recommendations = list(book["Recomandări"].iter_rows(min_row=3, values_only=True))
    assert len(recommendations) == 6  # the duplicate folded into its original
    first = next(r for r in recommendations if r[-1] == "forum-post:1")
    assert (first[8], first[10]) == ("respinsă", 1)

    run("consultation", "report", ID, "--out", "sinteza.docx")  # the format from the file name
    document = Document("sinteza.docx")
    paragraphs = [p.text for p in document.paragraphs]
    for expected in (SCRIPT, FORMULA, HEBREW, ARABIC, EMOJI, "Răspuns: respinsă. Motivare: Motiv: <b>nu</b> ține de "
                     "capitol.", "Sinteza recomandărilor primite", "Dezbateri publice – minute"):
        assert expected in paragraphs, expected  # a whole paragraph, exactly as received (emoji kept)
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert "Asociația „Satul Viu”" in cells and "Recomandări primite" in cells
    everything = "\n".join(paragraphs + cells)
    assert "Maria Secretă" not in everything and "Ana Publică" in everything and "example.ro" not in everything

    run("consultation", "export", ID, "--format", "csv", "--out", "date.csv")
    with open("date.csv", encoding="utf-8-sig", newline="") as handle:
        rows = {r["source"]: r for r in csv.DictReader(handle)}
    assert rows["forum-post:2"]["text"] == "'" + FORMULA and rows["forum-post:2"]["author"] == "Asociația Ștefan"
    assert rows["forum-post:1"]["author"] == "" and rows["forum-post:6"]["duplicate_of"] == "forum-post:1"
    assert rows["forum-post:7"]["late"] == "true" and rows["feedback-response:4"]["reason"]
    run("consultation", "export", ID, "--out", "date.json")
    data = json.loads(Path("date.json").read_text(encoding="utf-8"))
    by_source = {r["source"]: r for r in data["contributions"]}
    assert by_source["forum-post:2"]["text"] == FORMULA and by_source["feedback-response:5"]["text"] == EMOJI
    assert by_source["forum-post:3"]["author"] is None and by_source["forum-post:3"]["answer"] == "partly"
    for name in ("date.csv", "date.json"):
        assert "example.ro" not in Path(name).read_text(encoding="utf-8") and "Maria" not in \
            Path(name).read_text(encoding="utf-8")


def test_annual_report_from_register_and_authority_yaml(workdir: Path) -> None:
    run("consultation", "record", ID, "in.json")
    (workdir / "anual.yaml").write_text(
        "year: 2026\n"
        "acts_adopted:\n  - {title: Manualul de digitalizare – versiunea finală, date: 2026-12-01}\n"
        "public_meetings:\n  - {date: 2026-09-20, subject: Dezbatere manual, participants: 23}\n"
        "  - {date: 2026-10-05, subject: Ședința partenerilor, participants: 12}\n"
        "public_debates:\n  - {date: 2026-09-20, subject: Capitolele 1-3, participants: 23, "
        "consultation: manual-consultare-1}\n"
        "meetings_not_public:\n  - {date: 2026-11-02, subject: Date personale, reason: 'Protecția datelor <b>'}\n"
        "court_actions: []\n"
        "partnership_evaluation: Parteneriatul a funcționat bine; 😀 =SUM(1)\n", encoding="utf-8")
    for out in ("anual.pdf", "anual.xlsx"):
        run("consultation", "annual-report", "--authority", AUTHORITY, "--year", "2026", "--input", "anual.yaml",
            "--out", out)
    text = "\n".join(page.extract_text() for page in PdfReader("anual.pdf").pages)
    assert "art. 13 alin. (1) lit. g)" in text and "Protecția datelor <b>" in text
    book = load_workbook("anual.xlsx")
    report = {row[0]: row[1] for row in book["Raport art. 13"].iter_rows(min_row=3, values_only=True)}
    assert report["Numărul total al recomandărilor primite"] == "7"
    assert report["Numărul participanților la ședințele publice"] == "35"
    assert report["Numărul dezbaterilor publice organizate pe marginea proiectelor de acte normative"] == "1"
    assert report["Numărul ședințelor care nu au fost publice (motivele: în tabelul dedicat)"] == "1"
    assert book["Evaluare"]["A3"].value == "Parteneriatul a funcționat bine; 😀 =SUM(1)"


def test_bad_input_is_named_and_exits_1(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "anual.yaml").write_text("year: 2026\npublic_meetings:\n  - {date: 2026-09-20, subject: x, "
                                        "participants: -3}\n", encoding="utf-8")
    assert main(["consultation", "annual-report", "--authority", AUTHORITY, "--year", "2026", "--input",
                 "anual.yaml", "--out", "a.pdf"]) == 1
    assert "anual.yaml:3:36: public_meetings[0].participants: must not be negative" in capsys.readouterr().err
    assert main(["consultation", "export", "nu-exista", "--out", "x.csv"]) == 1
    assert "no consultation 'nu-exista'" in capsys.readouterr().err
    assert main(["consultation", "report", ID, "--out", "x.odt"]) == 1
    assert "--format pdf or xlsx or docx" in capsys.readouterr().err
    assert not (workdir / "a.pdf").exists() and not (workdir / "x.csv").exists()
