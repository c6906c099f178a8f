"""PHP-style form encoding of web-service parameters.

Moodle's REST server reads ``$_POST``, which PHP builds from bracket notation: ``users[0][username]=x``. This module
flattens nested lists and dicts into that notation (booleans as 1/0, ``None`` left out, numbers as PHP prints them)
and counts the variables a request will carry, so batches can stay under PHP's ``max_input_vars``.
It knows nothing about HTTP.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import quote

Pair = tuple[str, str]


def scalar(value: Any) -> str:
    """Render one scalar the way PHP would receive it."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot send a non-finite number: {value!r}")
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, str):
        return value
    raise TypeError(f"cannot encode {type(value).__name__} as a web-service parameter")


def _walk(prefix: str, value: Any) -> Iterator[Pair]:
    if value is None:
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from _walk(f"{prefix}[{key}]", item)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _walk(f"{prefix}[{index}]", item)
    else:
        yield prefix, scalar(value)


def flatten(params: Mapping[str, Any]) -> list[Pair]:
    """Flatten nested parameters into ordered ``(name, value)`` pairs in PHP bracket notation."""
    pairs: list[Pair] = []
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, (Mapping, list, tuple)):
            pairs.extend(_walk(key, value))
        else:
            pairs.append((key, scalar(value)))
    return pairs


def count_vars(params: Mapping[str, Any]) -> int:
    """How many POST variables ``params`` becomes (what PHP's max_input_vars counts)."""
    return len(flatten(params))


_SAFE = "-_.~"


def urlencode(pairs: Sequence[Pair]) -> str:
    """``application/x-www-form-urlencoded`` body from ordered pairs, UTF-8, brackets escaped."""
    return "&".join(f"{quote(k, safe=_SAFE)}={quote(v, safe=_SAFE)}" for k, v in pairs)
