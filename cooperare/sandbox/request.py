"""Turning an HTTP request body into what PHP hands to Moodle: ``$_POST`` (nested arrays) and ``$_FILES``.

PHP parses ``a[b][0]=x`` into nested arrays, turns canonical integer keys into ints, and stops after
``max_input_vars`` variables without any error. The truncation follows PHP 8's own code, which differs by body type:

- ``application/x-www-form-urlencoded`` (``add_post_vars`` in ``main/php_variables.c``) registers a variable *before*
  counting it, so ``max_input_vars + 1`` variables survive; the recorded ``max_input_vars`` scenario cannot tell
  1000 from 1001 (the 1001st variable is the 125th user's ``auth``, whose default is the same value, and the 250th
  cohort member is incomplete either way), so the PHP source decides;
- ``multipart/form-data`` (``rfc1867.c``) keeps exactly ``max_input_vars`` form fields; files do not count.

Values are raw bytes in PHP. Bytes that are not valid UTF-8 are kept as lone surrogates (``surrogateescape``) so
that ``clean_param`` can reject them the way Moodle's ``fix_utf8`` makes ``validate_param`` reject them.
"""

from __future__ import annotations

import email.parser
import email.policy
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_to_bytes

_PHP_INT_MAX = 2**63 - 1
_NUMERIC_KEY = re.compile(r"^(0|-?[1-9][0-9]*)$")
_C_SPACES = (" ", "\t", "\n", "\r", "\x0b", "\x0c")


@dataclass(frozen=True)
class UploadedFile:
    field: str
    filename: str
    content_type: str
    content: bytes


@dataclass
class ParsedRequest:
    """The variables PHP kept (ordered), and the uploaded files."""

    pairs: list[tuple[str, str]]
    files: list[UploadedFile] = field(default_factory=list)
    truncated: bool = False

    def post(self) -> dict[Any, Any]:
        return php_array(self.pairs)


def _php_key(text: str) -> Any:
    """``ZEND_HANDLE_NUMERIC_STR``: canonical decimal integers within the zend_long range become int keys."""
    if _NUMERIC_KEY.match(text) and len(text) <= 20:
        number = int(text)
        if -_PHP_INT_MAX - 1 <= number <= _PHP_INT_MAX:
            return number
    return text


# The common, unambiguous shape (``users[0][username]``, ``values[]``): parsed without the general walk below.
_SIMPLE_NAME = re.compile(r"^([A-Za-z0-9_-]+)((?:\[(?:[^\[\]\s][^\[\]]*)?\])*)$")
_SEGMENT = re.compile(r"\[([^\]]*)\]")


def _split_name(name: str) -> tuple[str, list[str | None]] | None:
    simple = _SIMPLE_NAME.match(name)
    if simple:
        return simple.group(1), [index if index else None for index in _SEGMENT.findall(simple.group(2))]
    return _split_name_general(name)


def _split_name_general(name: str) -> tuple[str, list[str | None]] | None:
    """``php_register_variable_ex``'s reading of a variable name: base and bracket indexes (``None`` = append).

    Leading spaces are dropped, the name stops at a NUL byte, spaces and dots of the base become ``_``, an
    unterminated ``[`` becomes ``_`` (and so do spaces, dots and ``[`` after it), and anything after a ``]`` that is
    not followed by ``[`` is ignored.
    """
    name = name.split("\0", 1)[0].lstrip(" ")
    bracket = name.find("[")
    head = name if bracket < 0 else name[:bracket]
    base = head.replace(" ", "_").replace(".", "_")
    if bracket < 0:
        return (base, []) if base else None
    if not base:
        return None
    indexes: list[str | None] = []
    position = bracket
    while True:
        start = position + 1
        probe = start + 1 if name[start:start + 1] in _C_SPACES else start
        if name[probe:probe + 1] == "]":
            indexes.append(None)
            close = probe
        else:
            close = name.find("]", probe)
            if close < 0:
                if not indexes:
                    rest = re.sub(r"[ .\[]", "_", name[start:])
                    return base + "_" + rest, []
                break
            indexes.append(name[start:close])
        position = close + 1
        if name[position:position + 1] != "[":
            break
    return base, indexes


def php_array(pairs: list[tuple[str, str]]) -> dict[Any, Any]:
    """Build PHP's nested ``$_POST`` array from ordered name/value pairs."""
    result: dict[Any, Any] = {}
    for name, value in pairs:
        parsed = _split_name(name)
        if parsed is None:
            continue
        base, indexes = parsed
        container = result
        key: Any = _php_key(base)
        for index in indexes:
            child = container.get(key)
            if not isinstance(child, dict):
                child = {}
                container[key] = child
            container = child
            if index is None:
                ints = [k for k in container if isinstance(k, int)]
                key = max(max(ints) + 1, 0) if ints else 0
            else:
                key = _php_key(index)
        container[key] = value
    return result


def _decode(raw: bytes) -> str:
    return raw.decode("utf-8", errors="surrogateescape")


def _url_decode(raw: bytes) -> str:
    """PHP's ``php_url_decode``: ``+`` is a space, ``%XX`` a byte; the bytes then read as UTF-8."""
    if b"%" not in raw and b"+" not in raw:
        return _decode(raw)
    return _decode(unquote_to_bytes(raw.replace(b"+", b" ")))


def parse_urlencoded(body: bytes, *, max_input_vars: int) -> ParsedRequest:
    """PHP's ``php_std_post_handler``: split on ``&``, first ``=`` separates, ``+`` and ``%XX`` decoded.

    Empty segments (``a=1&&b=2``) count towards the limit although PHP registers nothing for them.
    """
    chunks = body.split(b"&")
    if chunks and chunks[-1] == b"":
        chunks.pop()  # a trailing separator ends the body, it is not a variable
    pairs: list[tuple[str, str]] = []
    truncated = False
    for count, chunk in enumerate(chunks, start=1):
        if chunk:
            raw_name, _, raw_value = chunk.partition(b"=")
            name = _url_decode(raw_name)
            value = _url_decode(raw_value)
            pairs.append((name, value))
        if count > max_input_vars:  # registered first, counted after: max_input_vars + 1 survive
            truncated = count < len(chunks)
            break
    return ParsedRequest(pairs, truncated=truncated)


def _basename(filename: str) -> str:
    """PHP's ``php_ap_basename``: the part after the last ``/`` or ``\\`` of an uploaded file's name."""
    return re.split(r"[/\\]", filename)[-1]


def parse_multipart(body: bytes, content_type: str, *, max_input_vars: int) -> ParsedRequest:
    header = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(header + body)
    pairs: list[tuple[str, str]] = []
    files: dict[str, UploadedFile] = {}
    truncated = False
    for part in message.iter_parts() if message.is_multipart() else []:
        name = part.get_param("name", header="content-disposition")
        if name is None:
            continue
        filename = part.get_param("filename", header="content-disposition")
        raw = part.get_payload(decode=True)
        payload = raw if isinstance(raw, bytes) else b""
        if filename is not None:
            # $_FILES keeps one entry per field name (the last upload wins, at the first one's position).
            files[str(name)] = UploadedFile(str(name), _basename(str(filename)), part.get_content_type(), payload)
            continue
        if len(pairs) >= max_input_vars:
            truncated = True
            continue
        pairs.append((str(name), _decode(payload)))
    return ParsedRequest(pairs, list(files.values()), truncated)


def parse_body(body: bytes, content_type: str, *, max_input_vars: int) -> ParsedRequest:
    if content_type.lower().startswith("multipart/form-data"):
        return parse_multipart(body, content_type, max_input_vars=max_input_vars)
    return parse_urlencoded(body, max_input_vars=max_input_vars)
