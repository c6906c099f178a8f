"""The manual's content, document model, builds (PDF, EPUB, HTML), reproducibility and the consultation annex."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from cooperare.errors import InputError
from cooperare.manual.annex import (
    NOT_DESCRIBED,
    AcceptedRecommendation,
    annex_chapter,
    changes_by_chapter,
    load_recommendations,
)
from cooperare.manual.build import build_manual, document_for
from cooperare.manual.content import load_manual, shipped_content
from cooperare.manual.epub import epub_bytes
from cooperare.manual.lint import lint_manual
from cooperare.manual.model import FigureBlock, TableBlock, build_document


@pytest.fixture(scope="module")
def source():
    return load_manual()


@pytest.fixture(scope="module")
def recommendations():
    return load_recommendations(shipped_content() / "exemplu-recomandari.yaml")


def test_shipped_manual_has_ten_chapters_with_stable_keys_and_no_lint(source) -> None:
    keys = [c.key for c in source.chapters]
    assert len(keys) >= 10
    assert keys == [f"cap-{i:02d}" for i in range(1, len(keys) + 1)]
    assert lint_manual(source) == []


def test_lint_finds_a_cedilla(tmp_path: Path) -> None:
    folder = tmp_path / "content"
    shutil.copytree(shipped_content(), folder)
    chapter = folder / "chapters" / "cap-02-cadrul-legal.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("Legea", "Legea ş", 1), encoding="utf-8")
    findings = lint_manual(load_manual(folder))
    assert [f.rule for f in findings] == ["cedilla"]
    assert findings[0].location.file == str(chapter)
    assert findings[0].location.line is not None


def test_tables_and_figures_are_numbered_per_chapter(source) -> None:
    doc = build_document(source)
    strategy = next(c for c in doc.chapters if c.key == "cap-03")
    assert [b.number for b in strategy.blocks if isinstance(b, TableBlock)] == ["3.1"]
    assert [b.number for b in strategy.blocks if isinstance(b, FigureBlock)] == ["3.1"]
    assert "ş" not in doc.text() and "ș" in doc.text()


def test_unknown_table_and_unsupported_markdown_name_file_and_line(tmp_path: Path) -> None:
    folder = tmp_path / "content"
    shutil.copytree(shipped_content(), folder)
    chapter = folder / "chapters" / "cap-11-glosar.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n[[tabel:nu-exista]]\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"cap-11-glosar.md:\d+: unknown table 'nu-exista'"):
        build_document(load_manual(folder))
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("[[tabel:nu-exista]]", "> citat"),
                       encoding="utf-8")
    with pytest.raises(InputError, match="blockquote_open"):
        build_document(load_manual(folder))


def test_annex_groups_accepted_recommendations_by_chapter_with_their_change(source, recommendations) -> None:
    titles = {c.key: c.title for c in source.chapters}
    extra = AcceptedRecommendation("C2-R099", "manual-consultare-2", "cap-03", "Cetățean", "Un exemplu în plus.",
                                   "accepted", "Util.")
    grouped = changes_by_chapter([*recommendations, extra], source.changes, chapter_titles=titles)
    assert [g.chapter for g in grouped] == ["cap-03", "cap-04", "cap-06", "cap-09"]
    strategy = grouped[0]
    assert [r.reference for r, _ in strategy.items] == ["C2-R002", "C2-R099"]
    assert strategy.items[0][1] == source.changes["C2-R002"].change
    assert strategy.items[1][1] == NOT_DESCRIBED
    annex = annex_chapter(recommendations, source.changes, chapter_titles=titles, version="1.0")
    tables = [b for b in annex.blocks if isinstance(b, TableBlock)]
    assert len(tables) == 4
    assert tables[0].table.rows[0][3] == "acceptată parțial"


def test_annex_refuses_a_part_that_is_no_chapter(source) -> None:
    wrong = AcceptedRecommendation("X1", "c", "cap-99", "Cetățean", "text", "accepted", "motiv")
    with pytest.raises(InputError, match="cap-99"):
        changes_by_chapter([wrong], source.changes, chapter_titles={c.key: c.title for c in source.chapters})


def test_builds_are_reproducible_and_complete(tmp_path: Path, recommendations) -> None:
    first = build_manual(tmp_path / "a", recommendations=recommendations)
    second = build_manual(tmp_path / "b", recommendations=recommendations)
    for kind in ("pdf", "epub"):
        assert first.files[kind].read_bytes() == second.files[kind].read_bytes(), kind
    pages_a = sorted(p.name for p in (tmp_path / "a" / "html").iterdir())
    assert pages_a == sorted(p.name for p in (tmp_path / "b" / "html").iterdir())
    for name in pages_a:
        assert (tmp_path / "a" / "html" / name).read_bytes() == (tmp_path / "b" / "html" / name).read_bytes()
    pdf = first.files["pdf"].read_bytes()
    assert pdf.startswith(b"%PDF") and b"/Outlines" in pdf and b"/Lang" in pdf
    index = (tmp_path / "a" / "html" / "index.html").read_text(encoding="utf-8")
    assert "Ce s-a schimbat după consultare" in index and 'href="cap-04.html"' in index


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdf_text_has_romanian_letters_and_the_contents(tmp_path: Path, recommendations) -> None:
    result = build_manual(tmp_path, formats=("pdf",), recommendations=recommendations)
    text = subprocess.run(["pdftotext", "-layout", str(result.files["pdf"]), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "Cuprins" in text and "Ghișeul.ro" in text and "Tabelul 3.1" in text and "Figura 3.1" in text
    assert "Anexa. Ce s-a schimbat după consultare" in text


def test_epub_structure(source, recommendations) -> None:
    data = epub_bytes(document_for(source, recommendations))
    import io

    archive = zipfile.ZipFile(io.BytesIO(data))
    infos = archive.infolist()
    assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
    assert archive.read("mimetype") == b"application/epub+zip"
    assert infos[0].extra == b""
    container = ElementTree.fromstring(archive.read("META-INF/container.xml"))
    ns = {"c": "urn:oasis:names:tc:opendocument:xmlns:container", "o": "http://www.idpf.org/2007/opf"}
    opf_path = container.find("c:rootfiles/c:rootfile", ns).get("full-path")
    opf = ElementTree.fromstring(archive.read(opf_path))
    assert opf.get("version") == "3.0"
    assert opf.find("o:metadata/{http://purl.org/dc/elements/1.1/}language", ns).text == "ro"
    modified = [m for m in opf.findall("o:metadata/o:meta", ns) if m.get("property") == "dcterms:modified"]
    assert len(modified) == 1
    base = opf_path.rsplit("/", 1)[0]
    manifest = {i.get("id"): i for i in opf.findall("o:manifest/o:item", ns)}
    assert [i for i in manifest.values() if i.get("properties") == "nav"]
    names = set(archive.namelist())
    for item in manifest.values():
        href = f"{base}/{item.get('href')}"
        assert href in names, href
        if item.get("media-type") == "application/xhtml+xml":
            page = ElementTree.fromstring(archive.read(href))  # well-formed XML
            has_svg = page.find(".//{http://www.w3.org/2000/svg}svg") is not None
            assert has_svg == ("svg" in (item.get("properties") or "")), href
    spine = [r.get("idref") for r in opf.findall("o:spine/o:itemref", ns)]
    assert all(ref in manifest for ref in spine)
    assert f"{base}/anexa-consultare.xhtml" in names


def test_pdf_text_is_hyphenated_at_romanian_syllables(tmp_path: Path) -> None:
    """Lines of the justified text end in a hyphen only where pyphen's Romanian patterns allow a break."""
    import re

    import pyphen
    from pypdf import PdfReader

    result = build_manual(tmp_path, formats=("pdf",))
    text = "\n".join(page.extract_text() for page in PdfReader(result.files["pdf"]).pages)
    breaks = re.findall(r"(\w+)-\n(\w+)", text)
    assert len(breaks) > 20, "the body text should be hyphenated"
    patterns = pyphen.Pyphen(lang="ro_RO")
    for before, after in breaks:
        word = before + after
        if word.isalpha() and before.islower():
            assert len(before) in patterns.positions(word.lower()), (before, after)
