"""Checks of the manual's content a build would not catch: cedilla diacritics (ş ţ instead of ș ț, the catalogue
lint's rule), tables defined but never placed, and chapters with too little text. Returns findings; never fixes.
"""

from __future__ import annotations

from cooperare.courses.lint import CEDILLA, Finding
from cooperare.errors import Location
from cooperare.manual.content import ManualSource
from cooperare.manual.model import build_document

MIN_CHAPTER_WORDS = 60


def lint_manual(source: ManualSource) -> list[Finding]:
    findings: list[Finding] = []
    for path in source.files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for column, char in enumerate(line, start=1):
                if char in CEDILLA:
                    findings.append(Finding("error", "cedilla",
                                            f"'{char}' (cedilla) must be '{CEDILLA[char]}' (comma below)",
                                            Location(file=str(path), line=number, column=column)))
    doc = build_document(source)
    for key in sorted(set(source.tables) - doc.used_tables):
        findings.append(Finding("warning", "unused-table", f"table '{key}' is not placed in any chapter",
                                Location(file=str(source.folder / "tables.yaml"), key=key)))
    for chapter in source.chapters:
        if len(chapter.body.split()) < MIN_CHAPTER_WORDS and "[[tabel:" not in chapter.body:
            findings.append(Finding("warning", "short-chapter", f"{chapter.key} has under {MIN_CHAPTER_WORDS} words",
                                    Location(file=str(chapter.path), line=1)))
    return findings
