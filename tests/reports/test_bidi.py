"""Right-to-left text: display order of a line, and a synthesis PDF whose Arabic and Hebrew extract in logical order
(pypdf reads right-to-left runs as visual, so text drawn in logical order would come back reversed)."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

from cooperare.reports.bidi import visual
from tests.reports.test_consultation_pdf import contribution, synthesis_pdf

ARABIC = "اقتراح: نشر المحضر"
HEBREW = "שקיפות מלאה"


def test_right_to_left_runs_in_a_left_to_right_line_are_reversed() -> None:
    assert visual("Propun אבג דה azi") == "Propun הד גבא azi"
    assert visual("Nota 3: אבג.") == "Nota 3: גבא."


def test_a_line_that_starts_right_to_left_is_laid_out_right_to_left() -> None:
    assert visual("אבג abc דה") == "הד abc גבא"
    assert visual("אבג 12") == "12 גבא"


def test_lines_without_right_to_left_letters_are_untouched() -> None:
    for line in ("", "fără nimic de întors: ș ț ă â î", "=HYPERLINK(\"x\") <script>", "👍 (ok)"):
        assert visual(line) is line


def test_right_to_left_contributions_extract_in_logical_order(tmp_path: Path) -> None:
    text = synthesis_pdf(tmp_path / "s.pdf", [
        contribution(1, f"{ARABIC} – {HEBREW}"),
        contribution(2, f"Propun {HEBREW} pentru ședințe")])
    flat = " ".join(text.split())
    for word in (*ARABIC.replace(":", " ").split(), *HEBREW.split()):
        assert word in flat, word
    # pypdf moves the spaces at the edges of a right-to-left run; the order of the letters is what counts
    assert f"Propun{HEBREW}pentruședințe".replace(" ", "") in flat.replace(" ", "")
    assert len(PdfReader(tmp_path / "s.pdf").pages) >= 1
