"""A word longer than the line (a long link in a forum post) is broken between characters, never run off the page,
and extracts whole."""

from __future__ import annotations

from pathlib import Path

from reportlab.pdfbase.pdfmetrics import stringWidth

from cooperare.certificates.fonts import load_fonts
from cooperare.reports.consultation_pdf import FONT_SIZE, TextBlock, fit_line
from tests.reports.test_consultation_pdf import contribution, synthesis_pdf

LINK = "https://exemplu.ro/hotarari/" + "".join(f"{n:03d}" for n in range(200))


def test_every_line_of_a_block_fits_its_width() -> None:
    fonts = load_fonts()
    block = TextBlock([(fonts.bold, "Nr. 1"), (fonts.regular, f"Vedeți {LINK} și restul textului.")], fonts=fonts)
    block.wrap(400, 800)
    assert len(block.lines) > 4
    assert all(stringWidth(line, font, FONT_SIZE) <= 394 for font, line in block.lines)
    assert "".join(line for _, line in block.lines[1:]).replace(" ", "") == f"Vedeți{LINK}șirestultextului."


def test_fit_line_keeps_every_character() -> None:
    fonts = load_fonts()
    assert fit_line("scurt", fonts.regular, 300) == ["scurt"]
    pieces = fit_line("ș" * 500, fonts.regular, 50)
    assert "".join(pieces) == "ș" * 500 and all(stringWidth(p, fonts.regular, FONT_SIZE) <= 50 for p in pieces)


def test_a_long_link_extracts_whole_from_the_synthesis(tmp_path: Path) -> None:
    text = synthesis_pdf(tmp_path / "s.pdf", [contribution(1, f"Vedeți {LINK} pentru detalii.")])
    assert LINK in "".join(text.split())
