"""Build the manual: content + accepted recommendations → document → PDF, EPUB and/or HTML files in a folder.

The one entry point the CLI, the demo and the bench call. Output names carry the version
(``manual-digitalizare-v1.0.pdf``). A signer, when given, signs the PDF with the certificates' PAdES key. This
module must not talk to Moodle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from cooperare.certificates.fonts import FontPair, load_fonts
from cooperare.manual.annex import AcceptedRecommendation, annex_chapter
from cooperare.manual.content import ManualSource, load_manual
from cooperare.manual.epub import epub_bytes
from cooperare.manual.html_site import write_html
from cooperare.manual.model import Document, build_document
from cooperare.manual.pdf import render_pdf

FORMATS = ("pdf", "epub", "html")


class Signer(Protocol):
    def sign(self, pdf: bytes) -> bytes: ...


@dataclass
class BuildResult:
    version: str
    files: dict[str, Path] = field(default_factory=dict)
    signed: bool = False


def document_for(source: ManualSource, recommendations: Sequence[AcceptedRecommendation] | None) -> Document:
    """The document with the consultation annex when recommendations are given (even an empty list)."""
    annex = None
    if recommendations is not None:
        titles = {c.key: c.title for c in source.chapters}
        annex = annex_chapter(recommendations, source.changes, chapter_titles=titles, version=source.meta.version)
    return build_document(source, annex=annex)


def base_name(version: str) -> str:
    return f"manual-digitalizare-v{version}"


def build_manual(out: Path, *, formats: Sequence[str] = FORMATS, source: ManualSource | None = None,
                 recommendations: Sequence[AcceptedRecommendation] | None = None, signer: Signer | None = None,
                 fonts: FontPair | None = None) -> BuildResult:
    source = source or load_manual()
    doc = document_for(source, recommendations)
    out.mkdir(parents=True, exist_ok=True)
    result = BuildResult(source.meta.version)
    name = base_name(source.meta.version)
    if "pdf" in formats:
        pdf = render_pdf(doc, fonts=fonts or load_fonts())
        if signer is not None:
            pdf = signer.sign(pdf)
            result.signed = True
        path = out / f"{name}.pdf"
        _write_atomic(path, pdf)
        result.files["pdf"] = path
    if "epub" in formats:
        path = out / f"{name}.epub"
        _write_atomic(path, epub_bytes(doc))
        result.files["epub"] = path
    if "html" in formats:
        folder = out / "html"
        write_html(doc, folder)
        result.files["html"] = folder / "index.html"
    return result


def _write_atomic(path: Path, data: bytes) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    partial.replace(path)
