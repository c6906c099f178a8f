"""Read the manual's content: ``manual.yaml``, the chapters (Markdown with YAML front matter), tables, figures and
``changes.yaml``, into frozen values.

Every fault names the file and, where it can, the line. This module only reads and checks what it reads; it must
not parse Markdown (see :mod:`cooperare.manual.model`) nor render anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from cooperare.errors import InputError, Location

KEY_PATTERN = re.compile(r"^cap-\d{2}$")
FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)


def shipped_content() -> Path:
    """The folder of the manual shipped with the package."""
    return Path(str(resources.files("cooperare.manual").joinpath("content")))


@dataclass(frozen=True)
class Chapter:
    key: str
    title: str
    summary: str
    body: str
    path: Path
    body_line: int
    """The line of ``path`` where ``body`` starts (for messages)."""


@dataclass(frozen=True)
class Table:
    key: str
    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Figure:
    key: str
    caption: str
    maximum: float
    bars: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class ChangeMade:
    """What changed in a chapter because of one accepted recommendation (``changes.yaml``)."""

    reference: str
    chapter: str
    change: str


@dataclass(frozen=True)
class ManualMeta:
    """What the cover and the metadata of every output say: title, publisher, numbered version, date."""

    title: str
    subtitle: str
    publisher: str
    version: str
    date: str
    language: str
    identifier: str


@dataclass(frozen=True)
class ManualSource:
    meta: ManualMeta
    chapters: tuple[Chapter, ...]
    tables: dict[str, Table]
    figures: dict[str, Figure]
    changes: dict[str, ChangeMade]
    folder: Path

    def files(self) -> list[Path]:
        names = ["manual.yaml", "tables.yaml", "figures.yaml", "changes.yaml"]
        return [self.folder / n for n in names if (self.folder / n).exists()] + [c.path for c in self.chapters]

    def chapter(self, key: str) -> Chapter | None:
        return next((c for c in self.chapters if c.key == key), None)


def _yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", location=Location(file=str(path))) from None
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text", location=Location(file=str(path))) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(f"not valid YAML: {getattr(exc, 'problem', exc)}",
                         location=Location(file=str(path), line=mark.line + 1 if mark else None)) from None


def _text(data: dict[str, Any], key: str, where: Location) -> str:
    value = data.get(key)
    if not isinstance(value, str | int | float) or not str(value).strip():
        raise InputError(f"'{key}' must be a non-empty text", location=where)
    return str(value).strip()


def load_chapter(path: Path) -> Chapter:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", location=Location(file=str(path))) from None
    match = FRONT_MATTER.match(text)
    if not match:
        raise InputError("a chapter starts with YAML front matter between two '---' lines",
                         location=Location(file=str(path), line=1))
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise InputError(f"front matter is not valid YAML: {exc}", location=Location(file=str(path), line=2)) from None
    where = Location(file=str(path), line=1)
    if not isinstance(meta, dict):
        raise InputError("front matter must be a mapping (key, title, summary)", location=where)
    unknown = sorted(set(meta) - {"key", "title", "summary"})
    if unknown:
        raise InputError(f"unknown front matter key(s): {', '.join(unknown)}", location=where)
    key = _text(meta, "key", where)
    if not KEY_PATTERN.match(key):
        raise InputError(f"chapter key '{key}' must look like cap-01", location=where)
    body_line = match.group(0).count("\n") + 1
    return Chapter(key=key, title=_text(meta, "title", where), summary=_text(meta, "summary", where),
                   body=text[match.end():], path=path, body_line=body_line)


def _tables(path: Path) -> dict[str, Table]:
    data = _yaml(path) if path.exists() else {}
    if not isinstance(data, dict):
        raise InputError("tables.yaml must map table keys to tables", location=Location(file=str(path)))
    tables: dict[str, Table] = {}
    for key, item in data.items():
        where = Location(file=str(path), key=str(key))
        if not isinstance(item, dict) or not isinstance(item.get("columns"), list) or \
                not isinstance(item.get("rows"), list):
            raise InputError("a table needs caption, columns and rows", location=where)
        columns = tuple(str(c) for c in item["columns"])
        rows = []
        for index, row in enumerate(item["rows"]):
            if not isinstance(row, list) or len(row) != len(columns):
                raise InputError(f"row {index + 1} must have {len(columns)} cells like the columns",
                                 location=Location(file=str(path), key=f"{key}.rows[{index}]"))
            rows.append(tuple("" if c is None else str(c) for c in row))
        tables[str(key)] = Table(str(key), _text(item, "caption", where), columns, tuple(rows))
    return tables


def _figures(path: Path) -> dict[str, Figure]:
    data = _yaml(path) if path.exists() else {}
    if not isinstance(data, dict):
        raise InputError("figures.yaml must map figure keys to figures", location=Location(file=str(path)))
    figures: dict[str, Figure] = {}
    for key, item in data.items():
        where = Location(file=str(path), key=str(key))
        if not isinstance(item, dict) or item.get("kind") != "bars" or not isinstance(item.get("bars"), list):
            raise InputError("a figure needs kind: bars, caption and bars ([label, value] pairs)", location=where)
        maximum = item.get("maximum", 100)
        bars = []
        for index, bar in enumerate(item["bars"]):
            if not (isinstance(bar, list) and len(bar) == 2 and isinstance(bar[1], int | float)
                    and 0 <= bar[1] <= maximum):
                raise InputError(f"each bar is [label, value between 0 and {maximum}]",
                                 location=Location(file=str(path), key=f"{key}.bars[{index}]"))
            bars.append((str(bar[0]), float(bar[1])))
        figures[str(key)] = Figure(str(key), _text(item, "caption", where), float(maximum), tuple(bars))
    return figures


def _changes(path: Path, keys: set[str]) -> dict[str, ChangeMade]:
    data = _yaml(path) if path.exists() else {}
    if not isinstance(data, dict):
        raise InputError("changes.yaml must map recommendation references to changes",
                         location=Location(file=str(path)))
    changes: dict[str, ChangeMade] = {}
    for ref, item in (data or {}).items():
        where = Location(file=str(path), key=str(ref))
        if not isinstance(item, dict):
            raise InputError("each change needs chapter and change", location=where)
        chapter = _text(item, "chapter", where)
        if chapter not in keys:
            raise InputError(f"unknown chapter '{chapter}'", location=where)
        changes[str(ref)] = ChangeMade(str(ref), chapter, _text(item, "change", where))
    return changes


def load_manual(folder: Path | None = None) -> ManualSource:
    """The manual in ``folder`` (default: the one shipped), checked: unique keys, known tables and figures."""
    folder = folder or shipped_content()
    index_path = folder / "manual.yaml"
    meta = _yaml(index_path)
    where = Location(file=str(index_path))
    if not isinstance(meta, dict) or not isinstance(meta.get("chapters"), list) or not meta["chapters"]:
        raise InputError("manual.yaml needs title, version and a list of chapters", location=where)
    chapters = tuple(load_chapter(folder / "chapters" / str(name)) for name in meta["chapters"])
    seen: dict[str, Path] = {}
    for chapter in chapters:
        if chapter.key in seen:
            raise InputError(f"chapter key {chapter.key} is also used by {seen[chapter.key]}",
                             location=Location(file=str(chapter.path), line=1))
        seen[chapter.key] = chapter.path
    manual = ManualSource(
        meta=ManualMeta(title=_text(meta, "title", where), subtitle=str(meta.get("subtitle", "")),
                        publisher=_text(meta, "publisher", where), version=_text(meta, "version", where),
                        date=_text(meta, "date", where), language=str(meta.get("language", "ro")),
                        identifier=_text(meta, "identifier", where)),
        chapters=chapters,
        tables=_tables(folder / "tables.yaml"), figures=_figures(folder / "figures.yaml"),
        changes=_changes(folder / "changes.yaml", set(seen)), folder=folder)
    return manual
