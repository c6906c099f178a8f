"""A small, strict YAML → frozen-dataclass loader that says exactly where a fault is.

:func:`load_yaml` composes a YAML file with PyYAML (safe constructors only) and returns plain data together with a
:class:`Locator` that remembers the line and column of every key and list item. :func:`build` turns that data into
nested frozen dataclasses by following their type hints (str, int, float, bool, date, Path, Literal, Optional and
unions, list, tuple, dict[str, …], nested dataclasses, defaults); it rejects unknown keys, missing required keys,
values of the wrong type and duplicate keys, and every fault is a :class:`~cooperare.errors.ConfigError` whose
:class:`~cooperare.errors.Location` names file, line, column and key path (``programmes[2].modules[0].key``).
Per-field checks (:func:`checked`) and refused keys (a ``REFUSED_KEYS`` class variable) let a model add its own rules
with the same locations. This module knows no particular file: it must not hold site, catalogue or roster rules, and
it never converts between types silently (``"10"`` is not an integer, ``yes`` is not a string).
"""

from __future__ import annotations

import dataclasses
import difflib
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal, TypeVar, Union, cast, get_args, get_origin, get_type_hints

import yaml

from cooperare.errors import ConfigError, InputError, Location

T = TypeVar("T")
KeyPath = tuple[str | int, ...]
"""Where a value sits in a document: ``("programmes", 2, "key")``."""

_CHECK = "cooperare.check"
"""Field-metadata key holding a check function (see :func:`checked`)."""


def _key_part(key: Any) -> str:
    """A mapping key as a step of a key path: always text (integers in a path are list positions)."""
    return key if isinstance(key, str) else str(key)


def format_key_path(path: KeyPath) -> str:
    """``("programmes", 2, "key")`` → ``"programmes[2].key"``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


@dataclass(frozen=True)
class Locator:
    """Maps key paths to where they were written, so a fault found later can point at its line.

    ``marks`` holds 1-based (line, column) of each key or list item; ``aliases`` names paths that came from elsewhere
    (an environment variable, say); ``base_dir`` anchors relative :class:`~pathlib.Path` values.
    """

    file: str | None = None
    base_dir: Path | None = None
    marks: Mapping[KeyPath, tuple[int, int]] = field(default_factory=dict)
    aliases: Mapping[KeyPath, str] = field(default_factory=dict)

    def locate(self, path: KeyPath) -> Location:
        """The location of ``path``, or of its nearest written ancestor when the path itself is absent."""
        if path in self.aliases:
            return Location(key=self.aliases[path])
        key = format_key_path(path) or None
        for depth in range(len(path), -1, -1):
            mark = self.marks.get(path[:depth])
            if mark:
                return Location(file=self.file, line=mark[0], column=mark[1], key=key)
        return Location(file=self.file, key=key)


# --- YAML -------------------------------------------------------------------------------------------------------


def load_yaml(path: Path) -> tuple[Any, Locator]:
    """Read one YAML document; return its data (dicts, lists, scalars) and a :class:`Locator` for it."""
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"file {shown} does not exist") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"file {shown} is not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise ConfigError(f"cannot read {shown}: {exc.strerror}") from None
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        marks: dict[KeyPath, tuple[int, int]] = {}
        data = _Walker(loader, file=shown, marks=marks).value(root, ()) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Location(file=shown, line=mark.line + 1, column=mark.column + 1) if mark else Location(file=shown)
        context = f" ({exc.context})" if exc.context else ""
        if exc.context and exc.context_mark and mark and exc.context_mark.line != mark.line:
            context = f" ({exc.context}, line {exc.context_mark.line + 1})"
        raise ConfigError(f"invalid YAML: {exc.problem or 'syntax error'}{context}", location=where) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"invalid YAML: {exc}", location=Location(file=shown)) from None
    finally:
        loader.dispose()
    return data, Locator(file=shown, base_dir=path.parent, marks=marks)


class _Walker:
    """Turns composed YAML nodes into plain data, recording marks and refusing duplicate keys."""

    def __init__(self, loader: yaml.SafeLoader, *, file: str, marks: dict[KeyPath, tuple[int, int]]) -> None:
        self.loader = loader
        self.file = file
        self.marks = marks
        self.active: set[int] = set()

    def value(self, node: yaml.Node, path: KeyPath) -> Any:
        self.marks.setdefault(path, _mark(node))
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, path)
        if id(node) in self.active:
            raise self._error("an alias refers to a node that contains it", node, path)
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.value(item, (*path, index)) for index, item in enumerate(node.value)]
            return self._mapping(node, path)
        finally:
            self.active.discard(id(node))

    def _scalar(self, node: yaml.Node, path: KeyPath) -> Any:
        try:
            return self.loader.construct_object(node, deep=True)
        except ValueError as exc:  # e.g. 2027-02-30 looks like a date but is none
            raise self._error(f"cannot read this value: {exc}", node, path) from None

    def _mapping(self, node: yaml.Node, path: KeyPath) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self._error("a mapping key must be a plain value, not a list or mapping", key_node, path)
            if key_node.tag == _MERGE_TAG:
                raise self._error("merge keys (<<) are not supported; write the keys out", key_node, path)
            key = self._scalar(key_node, path)
            where = (*path, _key_part(key))
            if key in result:
                first = self.marks[where][0]
                raise self._error(f"duplicate key {key!r} (first written on line {first})", key_node, where)
            self.marks[where] = _mark(key_node)
            result[key] = self.value(value_node, where)
        return result

    def _error(self, message: str, node: yaml.Node, path: KeyPath) -> ConfigError:
        line, column = _mark(node)
        return ConfigError(
            message, location=Location(file=self.file, line=line, column=column, key=format_key_path(path) or None)
        )


_MERGE_TAG = "tag:yaml.org,2002:merge"


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


# --- dataclasses ------------------------------------------------------------------------------------------------


def checked(check: Callable[[Any], Any], **kwargs: Any) -> Any:
    """A dataclass field whose value, once typed, passes through ``check``.

    ``check`` returns the value to keep (it may normalise it) or raises :class:`ValueError` or
    :class:`~cooperare.errors.InputError`; :func:`build` reports either at the field's location. Other keyword
    arguments go to :func:`dataclasses.field` (``default=…``).
    """
    return field(metadata={_CHECK: check}, **kwargs)


def at_least(minimum: float) -> Callable[[Any], Any]:
    """A check for :func:`checked`: the number must be ``minimum`` or more."""

    def check(value: Any) -> Any:
        if value < minimum:
            raise ValueError(f"must be at least {minimum}")
        return value

    return check


def build(cls: type[T], data: Any, *, locator: Locator, path: KeyPath = ()) -> T:
    """Build a ``cls`` (a dataclass, or any supported type) from plain ``data`` found at ``path`` of a document."""
    return cast(T, _Builder(locator).convert(cls, data, path))


class _Builder:
    def __init__(self, locator: Locator) -> None:
        self.locator = locator

    def fail(self, message: str, path: KeyPath, *, hint: str | None = None) -> ConfigError:
        return ConfigError(message, location=self.locator.locate(path), hint=hint)

    def convert(self, tp: Any, value: Any, path: KeyPath) -> Any:
        if dataclasses.is_dataclass(tp):
            return self._dataclass(tp, value, path)
        origin = get_origin(tp)
        if origin is Union or origin is types.UnionType:
            return self._union(tp, value, path)
        if origin is Literal:
            if any(value == allowed and type(value) is type(allowed) for allowed in get_args(tp)):
                return value
            raise self.fail(f"expected {_describe(tp)}, got {_shown(value)}", path)
        if origin is list:
            return [self.convert(get_args(tp)[0], item, (*path, i)) for i, item in enumerate(self._list(value, path))]
        if origin is tuple:
            return self._tuple(tp, value, path)
        if origin is dict:
            return self._dict(tp, value, path)
        return self._scalar(tp, value, path)

    def _dataclass(self, cls: Any, value: Any, path: KeyPath) -> Any:
        if not isinstance(value, dict):
            raise self.fail(f"expected a mapping of settings, got {_kind(value)}", path)
        refused = getattr(cls, "REFUSED_KEYS", {})
        for key, reason in refused.items():
            if key in value:
                raise self.fail(f"key {key!r} is not allowed here: {reason}", (*path, _key_part(key)))
        fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
        for key in value:
            if key not in fields:
                raise self._unknown_key(key, sorted(fields), (*path, _key_part(key)))
        hints = get_type_hints(cls)
        kwargs: dict[str, Any] = {}
        for name, spec in fields.items():
            where = (*path, name)
            if name not in value:
                if spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING:
                    raise self.fail("missing required key", where)
                continue
            kwargs[name] = self._check(spec, self.convert(hints[name], value[name], where), where)
        try:
            return cls(**kwargs)
        except (ValueError, InputError) as exc:
            raise self.fail(_reason(exc), path, hint=getattr(exc, "hint", None)) from None

    def _unknown_key(self, key: Any, known: list[str], path: KeyPath) -> ConfigError:
        close = difflib.get_close_matches(str(key), known, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(known)}"
        return self.fail(f"unknown key {key!r}", path, hint=hint)

    def _check(self, spec: dataclasses.Field[Any], value: Any, path: KeyPath) -> Any:
        check = spec.metadata.get(_CHECK)
        if check is None or value is None:
            return value
        try:
            return check(value)
        except (ValueError, InputError) as exc:
            raise self.fail(_reason(exc), path, hint=getattr(exc, "hint", None)) from None

    def _union(self, tp: Any, value: Any, path: KeyPath) -> Any:
        options = get_args(tp)
        if value is None and type(None) in options:
            return None
        candidates = [option for option in options if option is not type(None)]
        if len(candidates) == 1:
            return self.convert(candidates[0], value, path)
        for option in candidates:
            try:
                return self.convert(option, value, path)
            except ConfigError:
                continue
        raise self.fail(f"expected {_describe(tp)}, got {_kind(value)}", path)

    def _list(self, value: Any, path: KeyPath) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(f"expected a list, got {_kind(value)}", path)
        return value

    def _tuple(self, tp: Any, value: Any, path: KeyPath) -> tuple[Any, ...]:
        items = self._list(value, path)
        args = get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(self.convert(args[0], item, (*path, i)) for i, item in enumerate(items))
        if len(items) != len(args):
            raise self.fail(f"expected a list of {len(args)} items, got {len(items)}", path)
        return tuple(self.convert(arg, item, (*path, i)) for i, (arg, item) in enumerate(zip(args, items, strict=True)))

    def _dict(self, tp: Any, value: Any, path: KeyPath) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(f"expected a mapping, got {_kind(value)}", path)
        key_type, value_type = get_args(tp)
        if key_type is not str:
            raise TypeError(f"only dict[str, …] is supported, not {tp}")
        result = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise self.fail(
                    f"keys here must be text, got {_kind(key)}", (*path, _key_part(key)), hint="put it in quotes"
                )
            result[key] = self.convert(value_type, item, (*path, key))
        return result

    def _scalar(self, tp: Any, value: Any, path: KeyPath) -> Any:
        if tp is Any:
            return value
        if tp is bool and isinstance(value, bool):
            return value
        if tp is int and isinstance(value, int) and not isinstance(value, bool):
            return value
        if tp is float and isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        if tp is str and isinstance(value, str):
            return value
        if tp is date:
            return self._date(value, path)
        if tp is Path and isinstance(value, str) and value.strip():
            return self._path(value)
        if tp is type(None) and value is None:
            return None
        if tp not in _DESCRIPTIONS:
            raise TypeError(f"the config loader does not support fields of type {tp!r}")
        hint = "put it in quotes" if tp is str and isinstance(value, (bool, int, float, date)) else None
        raise self.fail(f"expected {_describe(tp)}, got {_kind(value)}", path, hint=hint)

    def _date(self, value: Any, path: KeyPath) -> date:
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise self.fail(f"expected {_describe(date)}, got {_kind(value)}", path)

    def _path(self, value: str) -> Path:
        path = Path(value).expanduser()
        if not path.is_absolute() and self.locator.base_dir is not None:
            path = self.locator.base_dir / path
        return path


_DESCRIPTIONS: dict[Any, str] = {
    str: "text",
    int: "a whole number",
    float: "a number",
    bool: "true or false",
    date: "a date (YYYY-MM-DD)",
    Path: "a file path",
    type(None): "nothing (null)",
}


def _describe(tp: Any) -> str:
    origin = get_origin(tp)
    if origin is Literal:
        return "one of " + ", ".join(repr(option) for option in get_args(tp))
    if origin is Union or origin is types.UnionType:
        return " or ".join(_describe(option) for option in get_args(tp))
    if origin in (list, tuple):
        return "a list"
    if origin is dict or dataclasses.is_dataclass(tp):
        return "a mapping"
    return _DESCRIPTIONS.get(tp, getattr(tp, "__name__", str(tp)))


def _kind(value: Any) -> str:
    """What a value is, in words; never the value itself (it may be something private)."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, datetime):
        return "a date and time"
    if isinstance(value, date):
        return "a date"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _shown(value: Any) -> str:
    """A short scalar as written (for choices such as ``format: week``), anything else described by kind."""
    if isinstance(value, (str, int, float)) and len(repr(value)) <= 40:
        return repr(value)
    return _kind(value)


def _reason(exc: Exception) -> str:
    return exc.reason if isinstance(exc, InputError) else str(exc)
