"""Consultation PDFs: long texts split across pages and extract whole, glyphs the font lacks become U+FFFD, and a
rendered page is not blank (pdftoppm, skipped only where it is missing)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from cooperare.certificates.fonts import load_fonts
from cooperare.consultation_bridge.loader import load_consultations
from cooperare.consultation_bridge.synthesis import Debate, Intervention, Minutes, build_synthesis
from cooperare.reports.consultation_pdf import write_synthesis_pdf
from cooperare.store.consultation import Contribution

AT = datetime(2026, 9, 10, 9, 0, tzinfo=UTC)


def contribution(number: int, text: str, **changes: object) -> Contribution:
    values: dict[str, object] = dict(
        id=number, consultation_id="manual-consultare-1", source_key=f"forum-post:{number}", part_key="cap-01",
        category="citizen", author=f"Persoana {number}", publish_name=False, author_hash=None,
        submitted_at=AT + timedelta(minutes=number), text=text, content_hash="h", fold_key=f"f{number}", late=False,
        duplicate_of=None, revision=1, previous_hash=None, answer="pending", reason=None, template=None,
        answered_at=None, recorded_at=AT, changed_at=None, run_id=None)
    values.update(changes)
    return Contribution(**values)  # type: ignore[arg-type]


def synthesis_pdf(path: Path, contributions: list[Contribution], minutes: Minutes | None = None) -> str:
    consultation = load_consultations().items[0]
    synthesis = build_synthesis(consultation, contributions, minutes=minutes, generated_at=AT)
    write_synthesis_pdf(synthesis, path, fonts=load_fonts())
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_a_text_longer_than_a_page_splits_and_extracts_whole(tmp_path: Path) -> None:
    sentences = [f"Propoziția numărul {n} despre ghișeul digital al comunei." for n in range(700)]
    text = synthesis_pdf(tmp_path / "s.pdf", [contribution(1, " ".join(sentences), answer="rejected",
                                                           reason="Prea lungă – motivare finală.")])
    assert len(PdfReader(tmp_path / "s.pdf").pages) >= 4
    flat = " ".join(text.split())
    assert "Propoziția numărul 0 despre" in flat and "Propoziția numărul 699 despre" in flat
    assert "Răspuns: respinsă. Motivare: Prea lungă – motivare finală." in flat


def test_glyphs_the_font_lacks_print_as_replacement_and_names_follow_consent(tmp_path: Path) -> None:
    text = synthesis_pdf(tmp_path / "s.pdf", [
        contribution(1, "Caractere 漢字 și 😀 – restul rămâne.", publish_name=True, author="Ștefan Țăranu"),
        contribution(2, "Fără acord.", author="Ascuns Complet")],
        Minutes(debates=(Debate(date=AT.date(), place="Sala <b>mare</b>", participants=12,
                                interventions=(Intervention(speaker="Primar", text="=1+1 & <i>ok</i>"),)),)))
    assert "Caractere \ufffd\ufffd și \ufffd – restul rămâne." in text
    assert "Ștefan Țăranu" in text and "Ascuns Complet" not in text and "(nume nepublicat)" in text
    assert "Sala <b>mare</b>; participanți: 12" in text and "Primar: =1+1 & <i>ok</i>" in text


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
def test_a_rendered_recommendations_page_shows_text(tmp_path: Path) -> None:
    many = [contribution(n, f"Recomandarea {n}: ă â î ș ț <script>x</script>") for n in range(1, 80)]
    synthesis_pdf(tmp_path / "s.pdf", many)
    subprocess.run(["pdftoppm", "-r", "40", "-f", "2", "-l", "2", "-png", str(tmp_path / "s.pdf"),
                    str(tmp_path / "page")], check=True)
    [png] = tmp_path.glob("page*.png")
    image = Image.open(png).convert("L")
    dark = sum(image.histogram()[:128])
    assert image.width > image.height  # A4 landscape
    assert dark > 0.01 * image.width * image.height  # text and shading, not an empty page
