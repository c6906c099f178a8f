"""One document model for every output: chapters of headings, paragraphs, lists, numbered tables and figures.

Markdown is parsed with markdown-it-py (CommonMark, a token stream with source line maps, already installed as a
dependency of rich) into frozen blocks; a paragraph holding only ``[[tabel:KEY]]`` or ``[[figura:KEY]]`` places a
table or figure from the content's data, numbered per chapter (``Tabelul 3.1``). Only the Markdown the manual needs
is accepted (headings of level 2 and 3, paragraphs, lists, bold, italic, code, links); anything else is refused with
the file and line, so no output silently drops text. This module must not render any format.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token

from cooperare.errors import InputError, Location
from cooperare.manual.content import Chapter, Figure, ManualMeta, ManualSource, Table

DIRECTIVE = re.compile(r"^\[\[(tabel|figura):([A-Za-z0-9_-]+)\]\]$")


@dataclass(frozen=True)
class Span:
    text: str
    strong: bool = False
    em: bool = False
    code: bool = False
    href: str | None = None


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str
    number: str


@dataclass(frozen=True)
class Paragraph:
    spans: tuple[Span, ...]


@dataclass(frozen=True)
class ListBlock:
    ordered: bool
    items: tuple[tuple[Span, ...], ...]


@dataclass(frozen=True)
class TableBlock:
    number: str
    table: Table


@dataclass(frozen=True)
class FigureBlock:
    number: str
    figure: Figure


Block = Heading | Paragraph | ListBlock | TableBlock | FigureBlock


@dataclass(frozen=True)
class DocChapter:
    key: str
    number: str
    title: str
    summary: str
    blocks: tuple[Block, ...]

    @property
    def anchor(self) -> str:
        return self.key

    def sections(self) -> list[Heading]:
        return [b for b in self.blocks if isinstance(b, Heading) and b.level == 2]

    def text(self) -> str:
        """Every visible character of the chapter (for the glyph check)."""
        parts = [self.title, self.summary]
        for block in self.blocks:
            if isinstance(block, Heading):
                parts.append(block.text)
            elif isinstance(block, Paragraph):
                parts.extend(s.text for s in block.spans)
            elif isinstance(block, ListBlock):
                parts.extend(s.text for item in block.items for s in item)
            elif isinstance(block, TableBlock):
                parts.extend([block.table.caption, *block.table.columns, *(c for r in block.table.rows for c in r)])
            elif isinstance(block, FigureBlock):
                parts.extend([block.figure.caption, *(label for label, _ in block.figure.bars)])
        return "".join(parts)


@dataclass(frozen=True)
class Document:
    meta: ManualMeta
    chapters: tuple[DocChapter, ...]
    used_tables: frozenset[str] = field(default_factory=frozenset)

    def text(self) -> str:
        meta = self.meta
        return meta.title + meta.subtitle + meta.publisher + "".join(c.text() for c in self.chapters)


def slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-") or "s"


_PARSER = MarkdownIt("commonmark")


def _spans(token: Token, where: Location) -> tuple[Span, ...]:
    spans: list[Span] = []
    strong = em = False
    href: str | None = None
    for child in token.children or []:
        kind = child.type
        if kind == "text":
            spans.append(Span(child.content, strong, em, False, href))
        elif kind == "code_inline":
            spans.append(Span(child.content, strong, em, True, href))
        elif kind in ("softbreak", "hardbreak"):
            spans.append(Span(" ", strong, em, False, href))
        elif kind == "strong_open":
            strong = True
        elif kind == "strong_close":
            strong = False
        elif kind == "em_open":
            em = True
        elif kind == "em_close":
            em = False
        elif kind == "link_open":
            href = str(child.attrs.get("href", ""))
        elif kind == "link_close":
            href = None
        else:
            raise InputError(f"Markdown '{kind}' is not supported in the manual", location=where)
    merged: list[Span] = []
    for span in spans:
        if merged and (merged[-1].strong, merged[-1].em, merged[-1].code, merged[-1].href) == \
                (span.strong, span.em, span.code, span.href):
            merged[-1] = Span(merged[-1].text + span.text, span.strong, span.em, span.code, span.href)
        else:
            merged.append(span)
    return tuple(merged)


def parse_chapter(chapter: Chapter, *, number: str, source: ManualSource, used: set[str]) -> DocChapter:
    """The blocks of one chapter; tables and figures numbered ``<chapter>.<n>`` in order of appearance."""
    tokens = _PARSER.parse(chapter.body)
    blocks: list[Block] = []
    table_count = figure_count = 0
    section = sub = 0
    anchors: set[str] = set()
    index = 0

    def where(token: Token) -> Location:
        line = chapter.body_line + (token.map[0] if token.map else 0)
        return Location(file=str(chapter.path), line=line)

    while index < len(tokens):
        token = tokens[index]
        if token.type == "heading_open":
            level = int(token.tag[1])
            if level not in (2, 3):
                raise InputError("use ## for sections and ### for subsections (the title is in the front matter)",
                                 location=where(token))
            text = "".join(s.text for s in _spans(tokens[index + 1], where(token)))
            if level == 2:
                section, sub = section + 1, 0
                label = f"{number}.{section}"
            else:
                sub += 1
                label = f"{number}.{section}.{sub}"
            anchor = f"{chapter.key}-{slug(text)}"
            while anchor in anchors:
                anchor += "-x"
            anchors.add(anchor)
            blocks.append(Heading(level, text, anchor, label))
            index += 3
        elif token.type == "paragraph_open":
            inline = tokens[index + 1]
            directive = DIRECTIVE.match(inline.content.strip())
            if directive:
                kind, key = directive.groups()
                if kind == "tabel":
                    if key not in source.tables:
                        raise InputError(f"unknown table '{key}' (tables.yaml)", location=where(token))
                    table_count += 1
                    used.add(key)
                    blocks.append(TableBlock(f"{number}.{table_count}", source.tables[key]))
                else:
                    if key not in source.figures:
                        raise InputError(f"unknown figure '{key}' (figures.yaml)", location=where(token))
                    figure_count += 1
                    blocks.append(FigureBlock(f"{number}.{figure_count}", source.figures[key]))
            else:
                blocks.append(Paragraph(_spans(inline, where(token))))
            index += 3
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            ordered = token.type == "ordered_list_open"
            close = token.type.replace("_open", "_close")
            items: list[tuple[Span, ...]] = []
            depth = 0
            index += 1
            while not (tokens[index].type == close and depth == 0):
                inner = tokens[index]
                if inner.type in ("bullet_list_open", "ordered_list_open"):
                    raise InputError("nested lists are not supported in the manual", location=where(inner))
                if inner.type == "inline":
                    items.append(_spans(inner, where(inner)))
                index += 1
            blocks.append(ListBlock(ordered, tuple(items)))
            index += 1
        else:
            raise InputError(f"Markdown '{token.type}' is not supported in the manual", location=where(token))
    return DocChapter(chapter.key, number, chapter.title, chapter.summary, tuple(blocks))


def build_document(source: ManualSource, *, annex: DocChapter | None = None) -> Document:
    """The whole manual as one document; ``annex`` (the consultation annex) is appended last when given."""
    used: set[str] = set()
    chapters = [parse_chapter(c, number=str(i), source=source, used=used)
                for i, c in enumerate(source.chapters, start=1)]
    if annex is not None:
        chapters.append(annex)
    return Document(source.meta, tuple(chapters), frozenset(used))
