"""Turning an HTTP request body into what PHP hands to Moodle: ``$_POST`` (nested arrays) and ``$_FILES``.

PHP parses ``a[b][0]=x`` into nested arrays, turns canonical integer keys into ints, and stops after
``max_input_vars`` variables without any error: the truncation this module reproduces is exactly what the recorded
``max_input_vars`` scenario shows.
"""

from __future__ import annotations

import email.parser
import email.policy
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

_INT_KEY = re.compile(r"^(0|-?[1-9][0-9]*)$")
_SEGMENT = re.compile(r"\[([^\]]*)\]")


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
    return int(text) if _INT_KEY.match(text) and len(text) < 19 else text


def _base_name(name: str) -> tuple[str, str]:
    """Split ``users[0][x]`` into ``users`` and ``[0][x]``; PHP turns spaces and dots of the base into ``_``."""
    name = name.lstrip(" ")
    bracket = name.find("[")
    if bracket <= 0 or "]" not in name[bracket:]:
        return re.sub(r"[ .\[]", "_", name), ""
    return re.sub(r"[ .]", "_", name[:bracket]), name[bracket:]


def php_array(pairs: list[tuple[str, str]]) -> dict[Any, Any]:
    """Build PHP's nested ``$_POST`` array from ordered name/value pairs."""
    result: dict[Any, Any] = {}
    for name, value in pairs:
        base, rest = _base_name(name)
        if not base:
            continue
        segments = _SEGMENT.findall(rest) if rest else []
        if not segments:
            result[_php_key(base)] = value
            continue
        container = result
        key: Any = _php_key(base)
        for segment in segments:
            child = container.get(key)
            if not isinstance(child, dict):
                child = {}
                container[key] = child
            container = child
            if segment == "":
                ints = [k for k in container if isinstance(k, int)]
                key = max(ints) + 1 if ints else 0
            else:
                key = _php_key(segment)
        container[key] = value
    return result


def parse_urlencoded(body: bytes, *, max_input_vars: int) -> ParsedRequest:
    pairs = parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True)
    kept = pairs[:max_input_vars]
    return ParsedRequest(kept, truncated=len(pairs) > len(kept))


def parse_multipart(body: bytes, content_type: str, *, max_input_vars: int) -> ParsedRequest:
    header = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(header + body)
    pairs: list[tuple[str, str]] = []
    files: list[UploadedFile] = []
    count = 0
    truncated = False
    for part in message.iter_parts() if message.is_multipart() else []:
        name = part.get_param("name", header="content-disposition")
        if name is None:
            continue
        filename = part.get_param("filename", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        if filename is not None:
            files.append(UploadedFile(str(name), str(filename), part.get_content_type(), payload))
            continue
        count += 1
        if count > max_input_vars:
            truncated = True
            continue
        pairs.append((str(name), payload.decode("utf-8", errors="replace")))
    return ParsedRequest(pairs, files, truncated)


def parse_body(body: bytes, content_type: str, *, max_input_vars: int) -> ParsedRequest:
    if content_type.lower().startswith("multipart/form-data"):
        return parse_multipart(body, content_type, max_input_vars=max_input_vars)
    return parse_urlencoded(body, max_input_vars=max_input_vars)
