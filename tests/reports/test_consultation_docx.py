"""The consultation synthesis as DOCX: the same content as the PDF, untrusted text kept as text (``<script>``,
``=HYPERLINK(…)``, RTL, emoji, control characters), and a file LibreOffice opens and renders (skipped only where
soffice or pdftoppm is missing)."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from PIL import Image
from pypdf import PdfReader

from cooperare.consultation_bridge.loader import load_consultations
from cooperare.consultation_bridge.synthesis import Debate, Intervention, Minutes, Synthesis, build_synthesis
from cooperare.reports.bidi import starts_right_to_left
from cooperare.reports.consultation_docx import write_synthesis_docx, xml_safe
from cooperare.store.consultation import DebateRequest
from tests.reports.test_consultation_pdf import AT, contribution

SCRIPT = "<script>alert('x')</script> Propun ștergerea alin. (2) & restul."
FORMULA = '=HYPERLINK("http://rău.example","apasă")'
HEBREW = "שלום – propunere în ebraică"
ARABIC = "مرحبا بالعالم"
EMOJI = "Foarte bine 😀 țâșnește ÎȘȚĂÂ"
MINUTES = Minutes(debates=(Debate(date=AT.date(), place="Sala <b>mare</b> a primăriei", participants=12,
                                  summary="Dezbaterea s-a ținut la cererea Asociației „Satul Viu”.",
                                  interventions=(Intervention(speaker="Primar", text="=1+1 & <i>ok</i>"),),
                                  conclusions="Se reia capitolul 3."),))


def synthesis(contributions: list[object], minutes: Minutes | None = MINUTES) -> Synthesis:
    consultation = load_consultations().items[0]
    requests = [DebateRequest(source_key="feedback-response:9", requester="Asociația „Satul Viu”",
                              requester_kind="ngo", submitted_at=AT, text="Solicităm dezbatere publică.")]
    return build_synthesis(consultation, contributions, requests=requests, minutes=minutes,  # type: ignore[arg-type]
                           generated_at=AT)


def hostile() -> list[object]:
    return [
        contribution(1, SCRIPT, answer="rejected", reason="Nu ține de <b>capitol</b>."),
        contribution(2, FORMULA, part_key="cap-02", category="ngo", author="Asociația Ștefan", publish_name=True,
                     answer="accepted"),
        contribution(3, HEBREW, part_key="cap-02", category="other", author="David", answer="partly",
                     reason="Preluată parțial."),
        contribution(4, ARABIC, part_key="cap-03", category="authority", author="Primăria Ț", publish_name=True),
        contribution(5, EMOJI + "\x07 clopoțel", part_key="cap-03", author="Ana Publică", publish_name=True,
                     late=True),
        contribution(6, "Rând unu\nrând doi", author="Ascuns Complet"),
        contribution(7, SCRIPT.upper(), author="Maria S.", duplicate_of="forum-post:1", answer="rejected"),
    ]


def body_text(path: Path) -> str:
    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += ["\t".join(cell.text for cell in row.cells) for row in table.rows]
    return "\n".join(parts)


def test_the_docx_carries_what_the_pdf_carries(tmp_path: Path) -> None:
    made = synthesis(hostile())
    write_synthesis_docx(made, tmp_path / "s.docx")
    text = body_text(tmp_path / "s.docx")
    assert "Sinteza recomandărilor primite" in text and made.consultation.title in text
    for table in (made.summary, made.by_category, made.by_part, made.debate_requests):
        assert table.title in text
        for row in table.rows:  # every count and label, cell by cell
            assert "\t".join("" if v is None else str(v) for v in row) in text
    for item in made.recommendations:
        assert f"{item.number}. {item.part_key} – {item.part_title} · {item.category} · {item.author}" in text
        assert xml_safe(item.text) in text
        assert f"Răspuns: {item.answer}" + (f". Motivare: {item.reason}" if item.reason else "") in text
    assert len(made.recommendations) == 6  # the duplicate is folded, counted on its original
    assert "+1 identice contopite" in text and "primită după termen" in text
    assert "Primar: =1+1 & <i>ok</i>" in text and "Concluzii: Se reia capitolul 3." in text
    assert "Sala <b>mare</b> a primăriei; participanți: 12" in text
    assert "Ascuns Complet" not in text and "(nume nepublicat)" in text and "Asociația Ștefan" in text


def test_untrusted_text_stays_text(tmp_path: Path) -> None:
    write_synthesis_docx(synthesis(hostile()), tmp_path / "s.docx")
    text = body_text(tmp_path / "s.docx")
    assert SCRIPT in text and FORMULA in text and HEBREW in text and ARABIC in text
    assert EMOJI + "\ufffd clopoțel" in text  # emoji kept exactly, the bell (not XML) replaced
    assert "Rând unu\nrând doi" in text  # a line break, not two recommendations
    with zipfile.ZipFile(tmp_path / "s.docx") as package:
        xml = package.read("word/document.xml").decode("utf-8")
        names = package.namelist()
    assert "&lt;script&gt;alert" in xml and "<script" not in xml
    assert "HYPERLINK" not in xml.replace(FORMULA.replace('"', "&quot;"), "").replace(FORMULA, "")  # no field
    assert "w:hyperlink" not in xml and "w:instrText" not in xml and "vbaProject" not in " ".join(names)
    fields = [chunk.split('"')[0] for chunk in xml.split('w:instr="')[1:]]
    assert fields == []  # the only field (PAGE) is in the footer, not in the body
    document = Document(str(tmp_path / "s.docx"))
    directions = {p.text: p._p.pPr is not None and p._p.pPr.find(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}bidi") is not None
        for p in document.paragraphs}
    assert directions[HEBREW] and directions[ARABIC] and not directions[SCRIPT] and not directions[FORMULA]


def test_footer_has_title_and_page_field_and_the_page_is_a4_landscape(tmp_path: Path) -> None:
    write_synthesis_docx(synthesis([]), tmp_path / "s.docx")
    document = Document(str(tmp_path / "s.docx"))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)
    footer = section.footer._element.xml
    assert 'w:instr="PAGE"' in footer and "Sinteza recomandărilor – " in footer
    text = body_text(tmp_path / "s.docx")
    assert "Nu s-a primit nicio recomandare." in text


def test_a_failed_write_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: object, path: str) -> None:
        Path(path).write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr("docx.document.Document.save", broken)
    with pytest.raises(OSError):
        write_synthesis_docx(synthesis([]), tmp_path / "s.docx")
    assert list(tmp_path.iterdir()) == []


def test_paragraph_direction_follows_the_first_strong_letter() -> None:
    assert starts_right_to_left(HEBREW) and starts_right_to_left("«" + ARABIC + "» text")
    assert not starts_right_to_left("Propunere: " + HEBREW) and not starts_right_to_left("123 ")


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftoppm") is None,
                    reason="LibreOffice (soffice) or pdftoppm is not installed")
def test_libreoffice_opens_and_renders_it(tmp_path: Path) -> None:
    many = hostile() + [contribution(n, f"Recomandarea {n}: ă â î ș ț Ă Â Î Ș Ț <script>x</script>")
                        for n in range(10, 90)]
    write_synthesis_docx(synthesis(many), tmp_path / "s.docx")
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(tmp_path / "s.docx")], check=True, capture_output=True,
                   timeout=180)
    reader = PdfReader(tmp_path / "s.pdf")
    assert len(reader.pages) >= 3
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())
    assert "Sinteza recomandărilor primite" in flat
    assert "Recomandarea 89: ă â î ș ț Ă Â Î Ș Ț <script>x</script>" in flat
    assert '=HYPERLINK("http://rău.example","apasă")' in flat and "<script>alert('x')</script>" in flat
    subprocess.run(["pdftoppm", "-r", "40", "-f", "1", "-l", "1", "-png", str(tmp_path / "s.pdf"),
                    str(tmp_path / "page")], check=True)
    [png] = tmp_path.glob("page*.png")
    image = Image.open(png).convert("L")
    assert image.width > image.height  # landscape
    assert sum(image.histogram()[:128]) > 0.005 * image.width * image.height  # text, not an empty page
