"""Secrets (tokens, passwords): a wrapper that never prints itself, a redaction filter, and safe file reading.

A :class:`Secret` registers its value with the process-wide redactor, so any text that reaches a log record, an
exception or the CLI's output can be scrubbed with :func:`redact`. Secrets are read from the environment or from
files that only their owner can read; never from argv.
"""

from __future__ import annotations

import logging
import os
import stat
import threading
from pathlib import Path

from cooperare.errors import SecretError

REDACTED = "[REDACTED]"
_MIN_SECRET_LEN = 6

_lock = threading.Lock()
_known: set[str] = set()


class Secret:
    """A string that shows as ``[REDACTED]`` in repr/str and logs; call :meth:`reveal` to use it."""

    __slots__ = ("_value", "source")

    def __init__(self, value: str, *, source: str = "value") -> None:
        self._value = value
        self.source = source
        register(value)

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"Secret({REDACTED}, source={self.source!r})"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __bool__(self) -> bool:
        return bool(self._value)


def register(value: str) -> None:
    """Remember a secret value so :func:`redact` removes it from any text."""
    if value and len(value) >= _MIN_SECRET_LEN:
        with _lock:
            _known.add(value)


def redact(text: str) -> str:
    """Replace every registered secret in ``text``."""
    if not text:
        return text
    with _lock:
        values = sorted(_known, key=len, reverse=True)
    for value in values:
        if value in text:
            text = text.replace(value, REDACTED)
    return text


class RedactingFilter(logging.Filter):
    """A logging filter that scrubs registered secrets from messages and arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not hide the record
            message = str(record.msg)
        record.msg = redact(message)
        record.args = ()
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def check_private_file(path: Path, *, what: str) -> None:
    """Refuse a secret file that group or others can read or write (it must be 0600 or 0400)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise SecretError(f"{what} file {path} does not exist") from None
    if not stat.S_ISREG(info.st_mode):
        raise SecretError(f"{what} file {path} is not a regular file")
    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o077:
        raise SecretError(
            f"{what} file {path} has mode {mode:04o}; it must be readable by its owner only",
            hint=f"chmod 600 {path}",
        )


def read_secret_file(path: str | os.PathLike[str], *, what: str) -> Secret:
    """Read a one-line secret from a private file; the file must be mode 0600 (or stricter)."""
    p = Path(path).expanduser()
    check_private_file(p, what=what)
    value = p.read_text(encoding="utf-8").strip()
    if not value:
        raise SecretError(f"{what} file {p} is empty")
    return Secret(value, source=f"file {p}")
