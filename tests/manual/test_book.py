"""The manual as Moodle book chapters: one chapter per manual chapter, a subchapter per section, stable keys."""

from __future__ import annotations

from cooperare.manual.book import book_chapters
from cooperare.manual.content import load_manual
from cooperare.manual.model import build_document


def test_book_has_a_chapter_per_chapter_and_a_subchapter_per_section() -> None:
    doc = build_document(load_manual())
    chapters = book_chapters(doc)
    tops = [c for c in chapters if not c.subchapter]
    assert [c.key for c in tops] == [c.key for c in doc.chapters]
    assert len(chapters) - len(tops) == sum(len(c.sections()) for c in doc.chapters)
    assert [c.pagenum for c in chapters] == list(range(1, len(chapters) + 1))
    assert not chapters[0].subchapter and chapters[1].subchapter
    assert len({c.key for c in chapters}) == len(chapters)
    assert all(c.importsrc.startswith("cooperare:") for c in chapters)
    strategy = next(c for c in chapters if c.key.startswith("cap-03-cum-"))
    assert "<svg" in strategy.content and "Figura 3.1" in strategy.content


def test_spec_hash_follows_content_only() -> None:
    first = book_chapters(build_document(load_manual()))
    again = book_chapters(build_document(load_manual()))
    assert [c.spechash for c in first] == [c.spechash for c in again]
    changed = first[3].__class__(first[3].key, first[3].pagenum, first[3].subchapter, first[3].title,
                                 first[3].content + "<p>nou</p>")
    assert changed.spechash != first[3].spechash
