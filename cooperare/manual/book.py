"""The manual as a Moodle book, as data: one book chapter per manual chapter, one subchapter per section (``##``).

:func:`book_chapters` turns the document model into the ordered list a book-chapter web service would take: a
stable key (``cap-04`` for a chapter, ``cap-04-registratura-electronica`` for a subchapter, kept in the chapter's
``importsrc`` as ``cooperare:<key>`` so the pack finds its chapters again), page number, subchapter flag, title,
HTML content (the same XHTML fragments the EPUB uses) and a spec hash, so a planner can tell changed chapters from
unchanged ones. Pure: no Moodle here. The plugin function local_cooperare_save_book_chapters (and its sandbox
twin) takes these chapters as they are; ``cooperare manual plan|apply`` (cooperare/manual/publish.py) sends them.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from cooperare.manual.model import DocChapter, Document, Heading
from cooperare.manual.xhtml import blocks_html, chapter_heading
from cooperare.plan import fingerprint

IMPORT_PREFIX = "cooperare:"


@dataclass(frozen=True)
class BookChapter:
    key: str
    pagenum: int
    subchapter: bool
    title: str
    content: str

    @property
    def importsrc(self) -> str:
        return IMPORT_PREFIX + self.key

    @property
    def spechash(self) -> str:
        return fingerprint({"pagenum": self.pagenum, "subchapter": self.subchapter, "title": self.title,
                            "content": self.content})


def _split(chapter: DocChapter) -> list[tuple[Heading | None, DocChapter]]:
    parts: list[tuple[Heading | None, list]] = [(None, [])]
    for block in chapter.blocks:
        if isinstance(block, Heading) and block.level == 2:
            parts.append((block, []))
        else:
            parts[-1][1].append(block)
    return [(heading, DocChapter(chapter.key, chapter.number, chapter.title, chapter.summary, tuple(blocks)))
            for heading, blocks in parts]


def book_chapters(doc: Document) -> list[BookChapter]:
    """The book's chapters in page order."""
    result: list[BookChapter] = []
    for chapter in doc.chapters:
        for heading, part in _split(chapter):
            if heading is None:
                content = f'<p class="summary"><em>{escape(chapter.summary)}</em></p>\n{blocks_html(part)}'
                result.append(BookChapter(chapter.key, len(result) + 1, False, chapter_heading(chapter),
                                          content.strip()))
            else:
                result.append(BookChapter(heading.anchor, len(result) + 1, True,
                                          f"{heading.number} {heading.text}", blocks_html(part)))
    return result
