"""What the store writes besides rows: JSON-safe values with secrets scrubbed, the current time, allowed words.

Every JSON column (a run's detail, a journal entry's payload and result) and every error text goes through
:func:`json_value` or :func:`error_text` first, so a token that slipped into a payload or an exception message is
written as ``[REDACTED]``. This module must not talk to a database.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import PurePath
from typing import Any

from cooperare.errors import StoreError
from cooperare.secrets import redact

MAX_ERROR_CHARS = 2000


def json_value(value: Any, *, what: str) -> Any:
    """``value`` as plain JSON data (dates as ISO text, paths as text), every string redacted.

    Raises :class:`StoreError` naming ``what`` and the offending type (never the value) for anything else.
    """
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, PurePath):
        return redact(str(value))
    if isinstance(value, Mapping):
        return {redact(str(key)): json_value(item, what=what) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_value(item, what=what) for item in value]
    raise StoreError(f"{what} cannot be stored as JSON: it holds a {type(value).__name__}")


def error_text(error: BaseException | str) -> str:
    """An error as one redacted text of bounded length."""
    text = redact(str(error)) or type(error).__name__
    return text if len(text) <= MAX_ERROR_CHARS else text[: MAX_ERROR_CHARS - 1] + "…"


def require_one_of(value: str, allowed: tuple[str, ...], *, what: str) -> str:
    """Refuse a word the schema does not allow (a programming error, so :class:`ValueError`)."""
    if value not in allowed:
        raise ValueError(f"{what} must be one of {', '.join(allowed)}, not {value!r}")
    return value


def now() -> datetime:
    return datetime.now(UTC)
