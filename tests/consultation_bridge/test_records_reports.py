"""Synthesis, annual report and open data from the register; untrusted text (markup, formulas, right-to-left,
emoji, diacritics) through every writer, read back: PDF text with pypdf, XLSX cells with openpyxl, CSV, JSON."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from cooperare.certificates.fonts import FontPair, load_fonts
from cooperare.consultation_bridge.annual import load_facts
from cooperare.consultation_bridge.answers import DEFAULT_TEMPLATES, AnswerSheet, Decision, answer
from cooperare.consultation_bridge.records import (
    annual_from_store,
    export,
    synthesis_from_store,
    write_report,
)
from cooperare.consultation_bridge.register import record_contributions
from cooperare.consultation_bridge.synthesis import NAME_WITHHELD, load_minutes
from cooperare.errors import InputError, Location
from cooperare.reports.consultation_pdf import printable, visual, wrap_lines
from cooperare.store import Store
from tests.consultation_bridge.records_data import CID, DIACRITICS, EMOJI, FORMULA, OUTLINE, RTL, SCRIPT, UNTIL, items

NOW = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)
UNTRUSTED = (SCRIPT, FORMULA, RTL, EMOJI, DIACRITICS)


@pytest.fixture(scope="module")
def fonts() -> FontPair:
    return load_fonts()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "store.sqlite") as opened:
        record_contributions(opened, consultation_id=CID, items=items(), recommendations_until=UNTIL,
                             outline=OUTLINE)
        here = Location(file="test")
        answer(opened, consultation_id=CID, sheet=AnswerSheet(CID, DEFAULT_TEMPLATES, (
            Decision("forum-post:1", "rejected", "Propunerea depășește obiectul regulamentului.", None, here),
            Decision("forum-post:2", "partly", "Preluăm ideea, fără legătură.", None, here),
            Decision("forum-post:5", "accepted", None, None, here)), "test"))
        yield opened


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def flat(text: str) -> str:
    return " ".join(text.split())


def test_synthesis_counts_by_category_and_part(store: Store) -> None:
    synthesis = synthesis_from_store(store, CID, generated_at=NOW)
    summary = dict(synthesis.summary.rows)
    assert summary["Contribuții primite (cu repetările)"] == 7 and summary["Recomandări distincte"] == 6
    assert summary["Repetări contopite"] == 1 and summary["Primite după termen"] == 1
    assert summary["Recomandări acceptate"] == 1 and summary["Recomandări respinse"] == 1
    categories = {row[0]: row[1:] for row in synthesis.by_category.rows}
    assert categories["cetățean"] == (3, 0, 0, 1, 2)
    parts = {row[0]: row[1] for row in synthesis.by_part.rows}
    assert parts == {"Articolul 1 – Obiectul": 2, "Articolul 2 – Ședințe publice": 2,
                     "Articolul 3 – Dispoziții finale": 2}
    first = synthesis.recommendations[0]
    assert (first.times, first.decision, first.author) == (2, "respinsă", NAME_WITHHELD)
    named = {r.author for r in synthesis.recommendations}
    assert "Maria Ionescu" in named and "Asociația „Viitorul” Șușani" in named and "Ion Popescu" not in named


def test_synthesis_pdf_prints_untrusted_text_as_text(store: Store, fonts: FontPair, tmp_path: Path) -> None:
    minutes = tmp_path / "minute.yaml"
    minutes.write_text("debates:\n  - date: 2026-09-20\n    place: Sala de ședințe a Primăriei Șușani\n"
                       "    participants: 23\n    chair: Primarul comunei\n    summary: S-au discutat articolele 1 "
                       "și 2.\n    interventions:\n      - speaker: Ana Țuțea\n        text: Ședințele să fie "
                       "și online.\n", encoding="utf-8")
    synthesis = synthesis_from_store(store, CID, generated_at=NOW, minutes=load_minutes(minutes))
    out = tmp_path / "sinteza.pdf"
    write_report(synthesis, out, fmt="pdf", fonts=fonts)
    text = flat(pdf_text(out))
    assert "<script>alert('x')</script> Propun ședințe și seara" in text
    assert FORMULA in text
    assert "Țăranii și școlile din Ânțești să fie înștiințați" in text
    assert "Foarte bine [U+1F44D][U+1F3FD] mulțumim" in text  # no glyph for the emoji: named, never an empty box
    for word in RTL.replace(":", " ").split():
        assert word in text, word
    assert "Minuta dezbaterilor publice" in text and "Ana Țuțea: Ședințele să fie și online." in text
    assert "Răspuns: respinsă – Propunerea depășește obiectul regulamentului." in text
    assert "Ion Popescu" not in text and NAME_WITHHELD in text


def test_long_text_is_printed_whole_across_pages(store: Store, fonts: FontPair, tmp_path: Path) -> None:
    long_text = " ".join(f"cuvânt{n}" for n in range(2500)) + " " + "x" * 400
    record_contributions(store, consultation_id=CID, items=[*items(), items()[0].__class__(
        source_key="forum-post:50", part_key="art-2", category="ngo", author_name="ONG", submitted_at=NOW,
        text=long_text)], recommendations_until=UNTIL, outline=OUTLINE)
    out = tmp_path / "lung.pdf"
    write_report(synthesis_from_store(store, CID, generated_at=NOW), out, fmt="pdf", fonts=fonts)
    text = pdf_text(out).replace("\n", " ")
    assert "cuvânt0 " in text and "cuvânt1249 " in text and "cuvânt2499" in text
    assert text.replace(" ", "").count("x" * 100) >= 3
    assert len(PdfReader(out).pages) > 3


def test_wrapping_drops_nothing(fonts: FontPair) -> None:
    text = "Un text\ncu rânduri\n\nși un cuvânt" + "A" * 300
    lines = wrap_lines(text, font=fonts.regular, size=8.5, width=120)
    assert "".join(lines).replace(" ", "") == text.replace("\n", "").replace(" ", "")
    assert printable("ok 👍", fonts) == "ok [U+1F44D]"


def test_right_to_left_runs_are_laid_out_visually() -> None:
    assert visual("Propun אבג דה azi") == "Propun הד גבא azi"
    assert visual("אבג abc דה") == "הד abc גבא"
    assert visual("fără nimic de întors") == "fără nimic de întors"


def test_synthesis_xlsx_keeps_untrusted_text_inert(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "sinteza.xlsx"
    write_report(synthesis_from_store(store, CID, generated_at=NOW), out, fmt="xlsx", fonts=None)
    book = load_workbook(out)
    assert book.sheetnames == ["Rezumat", "Pe categorii", "Pe părți", "Recomandări"]
    cells = [cell for row in book["Recomandări"].iter_rows() for cell in row if cell.value is not None]
    assert not [c for c in cells if c.data_type == "f"]
    values = {c.value for c in cells}
    assert "'" + FORMULA in values
    for text in (SCRIPT, RTL, EMOJI, DIACRITICS):
        assert text in values, text


def test_open_data_leaves_out_names_without_consent_and_every_email(store: Store, tmp_path: Path) -> None:
    assert export(store, CID, tmp_path / "d.json", fmt="json") == 7
    document = json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))
    rows = {r["source"]: r for r in document["contributions"]}
    assert rows["forum-post:1"]["author"] is None and rows["forum-post:1"]["decision"] == "rejected"
    assert rows["forum-post:6"]["duplicate_of"] == "forum-post:1" and rows["forum-post:6"]["decision"] == "rejected"
    assert rows["feedback-response:3"]["author"] == "Maria Ionescu"
    assert rows["forum-post:5"]["author"] is None  # category "other", no consent
    assert [rows[k]["text"] for k in ("forum-post:1", "forum-post:2", "feedback-response:3", "feedback-response:4",
                                      "forum-post:5")] == list(UNTRUSTED)
    assert export(store, CID, tmp_path / "d.csv", fmt="csv") == 7
    raw = (tmp_path / "d.csv").read_text(encoding="utf-8-sig")
    for dump in (raw, (tmp_path / "d.json").read_text(encoding="utf-8")):
        assert "@" not in dump and "Ion Popescu" not in dump and "author_hash" not in dump
    table = {r["source"]: r for r in csv.DictReader(raw.splitlines())}
    assert table["forum-post:2"]["text"] == "'" + FORMULA
    assert table["feedback-response:4"]["text"] == EMOJI and table["feedback-response:3"]["text"] == RTL


def test_annual_report_from_register_and_facts(store: Store, fonts: FontPair, tmp_path: Path) -> None:
    facts_file = tmp_path / "an.yaml"
    facts_file.write_text(
        "authority: Comuna Șușani\nyear: 2026\npublic_meetings: 6\npublic_meeting_participants: 140\ndebates: 1\n"
        "acts_adopted:\n  - title: HCL nr. 12/2026 privind regulamentul de transparență\n    date: 2026-11-20\n"
        "court_actions: []\nmeetings_not_public:\n  - date: 2026-05-10\n    subject: Date personale ale "
        "beneficiarilor\n    reason: Protecția datelor cu caracter personal\npartnership_assessment: Parteneriat "
        "bun cu asociațiile locale; de extins spre cetățenii din satele izolate.\n", encoding="utf-8")
    report = annual_from_store(store, authority="comuna șușani", year=2026, facts=load_facts(facts_file),
                               generated_at=NOW)
    items_ = {row[0]: row[2] for row in report.items.rows if row[0] != "—"}
    assert items_["a)"] == 6 and items_["b)"] == 2 and items_["c)"] == 140 and items_["d)"] == 1
    assert items_["e)"] == 0 and items_["g)"] == 1
    write_report(report, tmp_path / "an.pdf", fmt="pdf", fonts=fonts)
    text = flat(pdf_text(tmp_path / "an.pdf"))
    assert "art. 13 din Legea nr. 52/2003" in text and "Protecția datelor cu caracter personal" in text
    assert "satele izolate" in text
    write_report(report, tmp_path / "an.xlsx", fmt="xlsx", fonts=None)
    assert "Art. 13" in load_workbook(tmp_path / "an.xlsx").sheetnames
    assert annual_from_store(store, authority="Comuna Șușani", year=2025, facts=None,
                             generated_at=NOW).consultations.rows == ()
    with pytest.raises(InputError, match="no consultation of 'Comuna X'"):
        annual_from_store(store, authority="Comuna X", year=2026, facts=None)
    facts_file.write_text("authority: Comuna Șușani\nyear: 2026\ncourt_cases: 2\n", encoding="utf-8")
    with pytest.raises(InputError, match="court_cases"):
        load_facts(facts_file)
