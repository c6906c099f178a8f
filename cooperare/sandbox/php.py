"""The bits of PHP semantics the sandbox needs to answer like Moodle: ``clean_param`` per PARAM type, PHP's string
conversions, ``htmlspecialchars`` and ``json_encode``.

Values arriving from a request are strings (PHP's ``$_POST``); values produced by handlers are Python ``int``,
``float``, ``bool``, ``str`` or ``None``. This module never touches sandbox state.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

# PARAM_* constant name -> the string PHP uses for it (what Moodle shows in "expecting "int" type").
PARAM_TYPES: dict[str, str] = {
    "PARAM_ALPHA": "alpha",
    "PARAM_ALPHAEXT": "alphaext",
    "PARAM_ALPHANUM": "alphanum",
    "PARAM_ALPHANUMEXT": "alphanumext",
    "PARAM_AREA": "area",
    "PARAM_AUTH": "auth",
    "PARAM_BASE64": "base64",
    "PARAM_BOOL": "bool",
    "PARAM_CAPABILITY": "capability",
    "PARAM_CLEAN": "clean",
    "PARAM_CLEANHTML": "cleanhtml",
    "PARAM_COMPONENT": "component",
    "PARAM_EMAIL": "email",
    "PARAM_FILE": "file",
    "PARAM_FLOAT": "float",
    "PARAM_HOST": "host",
    "PARAM_INT": "int",
    "PARAM_LANG": "lang",
    "PARAM_LOCALURL": "localurl",
    "PARAM_NOTAGS": "notags",
    "PARAM_PATH": "path",
    "PARAM_PEM": "pem",
    "PARAM_PERMISSION": "permission",
    "PARAM_PLUGIN": "plugin",
    "PARAM_RAW": "raw",
    "PARAM_RAW_TRIMMED": "raw_trimmed",
    "PARAM_SAFEDIR": "safedir",
    "PARAM_SAFEPATH": "safepath",
    "PARAM_SEQUENCE": "sequence",
    "PARAM_STRINGID": "stringid",
    "PARAM_TAG": "tag",
    "PARAM_TAGLIST": "taglist",
    "PARAM_TEXT": "text",
    "PARAM_THEME": "theme",
    "PARAM_TIMEZONE": "timezone",
    "PARAM_URL": "url",
    "PARAM_USERNAME": "username",
}

INSTALLED_AUTH = frozenset({"manual", "nologin", "email", "db", "ldap", "lti", "mnet", "oauth2", "shibboleth",
                            "cas", "none", "webservice"})
INSTALLED_LANGS = frozenset({"en"})
INSTALLED_THEMES = frozenset({"boost", "classic"})


def php_str(value: Any) -> str:
    """PHP's ``(string)`` cast."""
    if value is None:
        return ""
    if value is True:
        return "1"
    if value is False:
        return ""
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value)


def php_int(value: Any) -> int:
    """PHP's ``(int)`` cast of a scalar (leading whitespace and sign, then digits)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) else 0
    if value is None:
        return 0
    match = re.match(r"\s*([+-]?\d+(\.\d*)?([eE][+-]?\d+)?)", str(value))
    if not match:
        return 0
    number = match.group(1)
    if match.group(2) or match.group(3):
        try:
            return int(float(number))
        except (OverflowError, ValueError):
            return 0
    return max(min(int(number), 2**63 - 1), -(2**63))


def php_float(value: Any) -> float:
    if isinstance(value, (int, float)):
        return float(value)
    match = re.match(r"\s*([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?)", php_str(value))
    return float(match.group(1)) if match else 0.0


def php_empty(value: Any) -> bool:
    return value in (None, "", "0", 0, 0.0, False) or value == [] or value == {}


def strip_tags(text: str, allowed: tuple[str, ...] = ()) -> str:
    """An approximation of PHP's ``strip_tags`` (drops tags and comments, keeps allowed tag names)."""
    def keep(match: re.Match[str]) -> str:
        name = re.match(r"</?\s*([a-zA-Z0-9]+)", match.group(0))
        return match.group(0) if name and name.group(1).lower() in allowed else ""

    text = re.sub(r"<!--.*?(-->|$)", "", text, flags=re.S)
    return re.sub(r"<[^>]*(>|$)", keep, text)


_EMAIL = re.compile(
    r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@"
    r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$",
    re.I,
)


def validate_email(address: str) -> bool:
    """Moodle's ``validate_email``: a pragmatic RFC 5322 subset, ASCII local part, domain with a dot."""
    return bool(address) and len(address) <= 254 and bool(_EMAIL.match(address))


_PLUGIN = re.compile(r"^[a-z](?:[a-z0-9_](?!__))*[a-z0-9]+$")
_URL = re.compile(r"^(?:(?:https?|ftp|mailto|news|file|gopher)://)?[^\s<>\"'`]+$", re.I)


def _is_valid_plugin_name(name: str) -> bool:
    return bool(_PLUGIN.match(name)) and "__" not in name


def clean_param(value: Any, paramtype: str) -> Any:
    """Moodle's ``clean_param`` for one scalar; ``paramtype`` is the PARAM_* constant name."""
    kind = PARAM_TYPES.get(paramtype, "raw")
    text = php_str(value)
    if kind == "raw":
        return value
    if kind == "raw_trimmed":
        return text.strip(" \t\n\r\0\x0b")
    if kind in ("clean", "cleanhtml"):
        return value if kind == "clean" and isinstance(value, (int, float)) else text.strip() if kind == "cleanhtml" \
            else text
    if kind == "int":
        return php_int(value)
    if kind == "float":
        return php_float(value)
    if kind == "bool":
        lowered = text.lower()
        if lowered in ("on", "yes", "true"):
            return 1
        if lowered in ("off", "no", "false"):
            return 0
        return 0 if php_empty(value) else 1
    if kind == "alpha":
        return re.sub(r"[^a-zA-Z]", "", text)
    if kind == "alphaext":
        return re.sub(r"[^a-zA-Z_-]", "", text)
    if kind == "alphanum":
        return re.sub(r"[^A-Za-z0-9]", "", text)
    if kind in ("alphanumext", "safedir"):
        return re.sub(r"[^A-Za-z0-9_-]", "", text)
    if kind == "safepath":
        return re.sub(r"[^a-zA-Z0-9/_-]", "", text)
    if kind == "sequence":
        return re.sub(r"[^0-9,]", "", text)
    if kind == "notags":
        return strip_tags(text)
    if kind == "text":
        return strip_tags(text, ("lang", "span")) if ("</lang>" in text or "</span>" in text) else strip_tags(text)
    if kind == "component":
        if not re.match(r"^[a-z][a-z0-9]*(_[a-z][a-z0-9_]*)?[a-z0-9]+$", text) or "__" in text:
            return ""
        if text.startswith("mod_") and text.count("_") != 1:
            return ""
        return text
    if kind in ("plugin", "area"):
        return text if _is_valid_plugin_name(text) else ""
    if kind == "auth":
        name = text if _is_valid_plugin_name(text) else ""
        return name if name in INSTALLED_AUTH else ""
    if kind == "lang":
        name = re.sub(r"[^A-Za-z0-9_-]", "", text)
        return name if name in INSTALLED_LANGS else ""
    if kind == "theme":
        name = text if _is_valid_plugin_name(text) else ""
        return name if name in INSTALLED_THEMES else ""
    if kind == "file":
        cleaned = re.sub(r"[\x00-\x1f\x7f]|[&<>\"`|':\\/]", "", text)
        return "" if cleaned in (".", "..") else cleaned
    if kind == "path":
        crumbs = text.replace("\\", "/").split("/")
        cleaned_crumbs = [c if (c == "." and i == 0) else clean_param(c, "PARAM_FILE") for i, c in enumerate(crumbs)]
        joined = re.sub(r"//+", "/", "/".join(cleaned_crumbs))
        return re.sub(r"/(\./)+", "/", joined)
    if kind == "username":
        lowered = text.strip().lower().replace(" ", "")
        return re.sub(r"[^-.@_a-z0-9]", "", lowered)
    if kind == "email":
        return text if validate_email(text) else ""
    if kind in ("url", "localurl"):
        return text if text and _URL.match(text) else ""
    if kind == "stringid":
        return text if re.match(r"^[a-zA-Z][a-zA-Z0-9.:/_-]*$", text) else ""
    if kind == "timezone":
        pattern = r"^(([+-]?(0?[0-9](\.[5|0])?|1[0-3](\.0)?|1[0-2]\.5))|(99)|[A-Za-z0-9]+(/?[A-Za-z_-])+)$"
        return text if re.match(pattern, text) else ""
    if kind == "tag":
        cleaned = re.sub(r"[\x00-\x1f\x7f<>`]", "", text)
        return re.sub(r"\s+", " ", cleaned).strip()[:50]
    if kind == "capability":
        return text if re.match(r"^[a-z]+/[a-z0-9_]+:[a-z0-9_]+$", text) else ""
    return value


def htmlspecialchars(text: str, *, quotes: bool = False) -> str:
    """PHP's ``htmlspecialchars`` with ENT_COMPAT (``quotes=False``) or ENT_QUOTES."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    if quotes:
        text = text.replace("'", "&#039;")
    return text


def json_encode(value: Any) -> str:
    """PHP's ``json_encode`` with default flags: ``\\uXXXX`` escapes and escaped slashes."""
    return json.dumps(value, ensure_ascii=True, separators=(",", ":"), allow_nan=False).replace("/", "\\/")
