"""The bits of PHP semantics the sandbox needs to answer like Moodle: ``clean_param`` per PARAM type, PHP's string
conversions, ``htmlspecialchars`` and ``json_encode``.

``clean_param`` follows ``lib/classes/param.php`` of Moodle 4.5 cleaner by cleaner; ``validate_param`` (in
``validation.py``) refuses a value whenever cleaning changed it, so every difference here is a difference in what
the sandbox accepts. Deliberate approximations, documented where they are: ``PARAM_CLEAN``/``PARAM_CLEANHTML``
(HTMLPurifier is not reproduced, only script/style removal and trimming), ``PARAM_CAPABILITY`` (syntax instead of
the capability table) and ``PARAM_LOCALURL`` (absolute URLs are not compared with the site's wwwroot).

Values arriving from a request are strings (PHP's ``$_POST``); values produced by handlers are Python ``int``,
``float``, ``bool``, ``str`` or ``None``. This module never touches sandbox state.
"""

from __future__ import annotations

import contextvars
import json
import math
import re
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import unquote

from cooperare.sandbox.php_text import C_SPACE, fix_utf8, php_trim, strip_tags
from cooperare.sandbox.php_validators import (
    is_domain_name,
    is_ipv4_address,
    validate_email,
    validate_url_syntax,
)

__all__ = [
    "C_SPACE", "INSTALLED_AUTH", "INSTALLED_LANGS", "INSTALLED_THEMES", "PARAM_TYPES", "clean_param", "fix_utf8",
    "htmlspecialchars", "installed_languages", "is_valid_plugin_name", "json_encode", "mb_strtolower", "php_empty", "php_float",
    "php_float_str", "php_gcvt", "php_int", "php_is_numeric", "php_loose_equals", "php_str", "php_trim", "strip_tags",
    "unicode_category_count", "validate_email",
]

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
    "PARAM_LOCALISEDFLOAT": "localisedfloat",
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
    # Deprecated aliases (param::canonical()).
    "PARAM_INTEGER": "int",
    "PARAM_NUMBER": "float",
    "PARAM_ACTION": "alphanumext",
    "PARAM_FORMAT": "alphanumext",
    "PARAM_MULTILANG": "text",
    "PARAM_CLEANFILE": "file",
}

# Plugins of a standard Moodle 4.5 install (auth/*, theme/*; language packs: English only).
INSTALLED_AUTH = frozenset({"cas", "db", "email", "ldap", "lti", "manual", "mnet", "nologin", "none", "oauth2",
                            "shibboleth", "webservice"})
INSTALLED_LANGS = frozenset({"en"})
INSTALLED_THEMES = frozenset({"boost", "classic"})

PHP_INT_MAX = 2**63 - 1
PHP_INT_MIN = -(2**63)
TAG_MAX_LENGTH = 255  # lib/moodlelib.php
PHP_PRECISION = 14  # php.ini "precision": what (string)$float uses

# -- PHP conversions ---------------------------------------------------------------------------------------------


def _dtoa(value: float, precision: int) -> tuple[str, int]:
    """``zend_dtoa``: significant digits (no trailing zeros) and the decimal point position, ``0.digits * 10**decpt``.

    ``precision`` 0 is mode 0: the shortest digits that read back as the same double (what ``repr`` gives).
    """
    text = f"{value:.{precision - 1}e}" if precision > 0 else repr(value)
    mantissa, _, exponent = text.partition("e")
    whole, _, fraction = mantissa.partition(".")
    packed = whole + fraction
    stripped = packed.lstrip("0")
    decpt = len(whole) + int(exponent or 0) - (len(packed) - len(stripped))
    return stripped.rstrip("0") or "0", decpt


def php_gcvt(value: float, precision: int, exp_char: str = "E") -> str:
    """PHP's ``php_gcvt``: ``precision`` significant digits (0: shortest round trip with the layout of 17, as
    ``serialize_precision = -1``), exponent form outside [1e-4, 1e<precision>) written ``1.0E+25``, ``-0`` kept."""
    if math.isnan(value):
        return "NAN"
    if math.isinf(value):
        return "INF" if value > 0 else "-INF"
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    sign = "-" if value < 0 else ""
    digits, decpt = _dtoa(abs(value), precision)
    limit = precision if precision > 0 else 17
    if (decpt < -3) if decpt < 0 else (decpt > limit):
        power = decpt - 1
        return f"{sign}{digits[0]}.{digits[1:] or '0'}{exp_char}{'-' if power < 0 else '+'}{abs(power)}"
    if decpt <= 0:
        return f"{sign}0.{'0' * -decpt}{digits}"
    whole = digits[:decpt].ljust(decpt, "0")
    fraction = digits[decpt:]
    return f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}"


def php_float_str(value: float) -> str:
    """PHP 8's ``(string)$float``: ``zend_gcvt`` with 14 significant digits (``1.0E+25``, ``0.1``, ``-0``)."""
    return php_gcvt(value, PHP_PRECISION, "E")


def php_str(value: Any) -> str:
    """PHP's ``(string)`` cast."""
    if type(value) is str:
        return value
    if value is None or value is False:
        return ""
    if value is True:
        return "1"
    if isinstance(value, float):
        return php_float_str(value)
    return str(value)


_NUMERIC_PREFIX = re.compile(r"[ \t\n\r\x0b\x0c]*([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)")


def _float_to_int(value: float) -> int:
    """PHP's ``(int)$float``: 0 for NaN/INF, wraps modulo 2**64 outside the integer range."""
    if not math.isfinite(value):
        return 0
    number = int(value)
    if PHP_INT_MIN <= number <= PHP_INT_MAX:
        return number
    return (number + 2**63) % 2**64 - 2**63


def php_int(value: Any) -> int:
    """PHP 8's ``(int)`` cast of a scalar: the numeric prefix of a string, saturated when it overflows."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return _float_to_int(value)
    if value is None:
        return 0
    if type(value) is str and value.isascii() and value.isdigit() and len(value) < 19:
        return int(value)
    match = _NUMERIC_PREFIX.match(str(value))
    if not match:
        return 0
    number = match.group(1)
    if re.fullmatch(r"[+-]?[0-9]+", number):
        parsed = int(number)
        if PHP_INT_MIN <= parsed <= PHP_INT_MAX:
            return parsed
    as_float = float(number)
    if not math.isfinite(as_float):
        return 0
    if as_float >= 2**63:
        return PHP_INT_MAX
    if as_float < -(2**63):
        return PHP_INT_MIN
    return int(as_float)


def php_float(value: Any) -> float:
    """PHP's ``(float)`` cast of a scalar (the numeric prefix of a string, 0.0 without one)."""
    if isinstance(value, (int, float)):
        return float(value)
    match = _NUMERIC_PREFIX.match(php_str(value))
    return float(match.group(1)) if match else 0.0


def php_empty(value: Any) -> bool:
    """PHP's ``empty()``."""
    return value in (None, "", "0", 0, 0.0, False) or value == [] or value == {}


def php_is_numeric(value: Any) -> bool:
    """PHP 8's ``is_numeric``: leading and trailing whitespace allowed, nothing else."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    if not isinstance(value, str):
        return False
    return bool(re.fullmatch(r"[ \t\n\r\x0b\x0c]*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
                             r"[ \t\n\r\x0b\x0c]*", value))


def php_loose_equals(left: Any, right: Any) -> bool:
    """PHP 8's ``==`` between scalars: numbers and numeric strings compare as numbers, anything else as strings."""
    if left is None or right is None or isinstance(left, bool) or isinstance(right, bool):
        return bool(left) == bool(right) if (isinstance(left, bool) or isinstance(right, bool)) else \
            php_str(left) == php_str(right)
    if php_is_numeric(left) and php_is_numeric(right):
        return php_float(str(left).strip(C_SPACE)) == php_float(str(right).strip(C_SPACE))
    return php_str(left) == php_str(right)


def mb_strtolower(text: str) -> str:
    """``core_text::strtolower`` (PHP 8.2 ``mb_strtolower``: full case mapping, no final-sigma rule)."""
    if text.isascii():
        return text.lower()
    if "\u03a3" in text:  # Python lowers a word-final capital sigma to "ς", PHP 8.2 always to "σ"
        return "".join(char.lower() for char in text)
    return text.lower()


# -- cleaners that need more than a regular expression -----------------------------------------------------------

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")  # [[:cntrl:]] with /u: Unicode category Cc


def _clean_file(text: str) -> str:
    cleaned = re.sub(r"[&<>\"`|':\\/]", "", _CONTROL.sub("", fix_utf8(text)))
    return "" if cleaned in (".", "..") else cleaned


def _clean_path(text: str) -> str:
    crumbs = fix_utf8(text).replace("\\", "/").split("/")
    cleaned = [c if (c == "." and i == 0) else _clean_file(c) for i, c in enumerate(crumbs)]
    joined = re.sub(r"//+", "/", "/".join(cleaned))
    return re.sub(r"/(\./)+", "/", joined)


_MULTILANG_LANG = re.compile(r'^<lang lang="[a-zA-Z0-9_-]+"\s*>$')
_MULTILANG_SPAN = re.compile(r'^<span(\s+lang="[a-zA-Z0-9_-]+"|\s+class="multilang"){2}\s*>$')


def _balanced_multilang(text: str, closing: str, opening: re.Pattern[str]) -> bool:
    """The check ``clean_param_value_text`` makes before keeping multilang tags."""
    matches = re.findall(r"<.*?>", text, flags=re.S)
    if not matches:
        return False
    is_open = False
    for match in matches:
        if match == closing:
            if not is_open:
                return False
            is_open = False
            continue
        if not opening.match(match):
            return False
        is_open = True
    return not is_open


def _clean_text(text: str) -> str:
    """PARAM_TEXT: strip tags, except well-formed multilang ``<lang>`` or ``<span lang class="multilang">``."""
    text = fix_utf8(text)
    if "</lang>" in text:
        kept = strip_tags(text, "<lang>")
        if _balanced_multilang(kept, "</lang>", _MULTILANG_LANG):
            return kept
        return strip_tags(kept)
    if "</span>" in text:
        kept = strip_tags(text, "<span>")
        if _balanced_multilang(kept, "</span>", _MULTILANG_SPAN):
            return kept
        return strip_tags(kept)
    return strip_tags(text)


def _clean_html(text: str) -> str:
    """An approximation of ``clean_text`` (HTMLPurifier): drops script/style elements and event handlers."""
    text = re.sub(r"<(script|style)\b.*?</\1\s*>", "", text, flags=re.I | re.S)
    return re.sub(r"\s+on[a-z]+\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+)", "", text, flags=re.I)


def _clean_tag(text: str) -> str:
    cleaned = re.sub(r"[<>`]", "", _CONTROL.sub("", fix_utf8(text)))
    cleaned = re.sub(r"\s+", " ", cleaned)
    return php_trim(cleaned)[:TAG_MAX_LENGTH]


def _clean_base64(value: Any) -> str:
    if php_empty(value):
        return ""
    text = php_str(value)
    if not re.match(r"^([\s\w/+=]+)$", php_trim(text), re.ASCII):
        return ""
    lines = [line for line in re.split(r"\s+", text, flags=re.ASCII) if line]
    for index, line in enumerate(lines):
        if (index + 1 == len(lines) and len(line) > 64) or (index + 1 < len(lines) and len(line) != 64):
            return ""
    return "\n".join(lines)


def _clean_pem(text: str) -> str:
    match = re.match(r"^-----BEGIN CERTIFICATE-----([\s\w/+=]+)-----END CERTIFICATE-----$", php_trim(text), re.ASCII)
    if not match:
        return ""
    body = _clean_base64(match.group(1))
    return f"-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n" if body else ""


def _clean_localurl(text: str) -> str:
    url = text if validate_url_syntax(text) and text else ""
    if not url or url.startswith("/") or re.match(r"^https?://", url, re.I):
        return url
    relative_ok = re.match(r"^/([a-zA-Z0-9_.!~*'()\-;:@&=+$,/]|%[0-9a-fA-F]{2})*(\?[^#]*)?(#.*)?$", "/" + url)
    if relative_ok and not re.search(r"javascript(?:.*/{2,})?:", unquote(url), re.I):
        return url
    return ""


def _clean_localised_float(text: str) -> Any:
    """``unformat_float($value, true)`` for the English locale (decimal point ``.``)."""
    stripped = php_trim(text).replace(" ", "")
    if stripped == "":
        return None
    return float(stripped) if php_is_numeric(stripped) else False


_PLUGIN_NAME = re.compile(r"^[a-z](?:[a-z0-9_](?!__))*[a-z0-9]+$")
_COMPONENT = re.compile(r"^[a-z][a-z0-9]*(_[a-z][a-z0-9_]*)?[a-z0-9]+$")


def is_valid_plugin_name(name: str) -> bool:
    """``core_component::is_valid_plugin_name`` for a non-module plugin type."""
    return bool(_PLUGIN_NAME.match(name))


def _clean_bool(value: Any) -> int:
    lowered = php_str(value).lower()
    if lowered in ("on", "yes", "true"):
        return 1
    if lowered in ("off", "no", "false"):
        return 0
    return 0 if php_empty(value) else 1


def _clean_username(text: str) -> str:
    lowered = mb_strtolower(php_trim(fix_utf8(text))).replace(" ", "")
    return re.sub(r"[^-.@_a-z0-9]", "", lowered)


def _clean_component(text: str) -> str:
    if not _COMPONENT.match(text) or "__" in text:
        return ""
    if text.startswith("mod_") and text.count("_") != 1:
        return ""
    return text


def _clean_installed(text: str, installed: frozenset[str]) -> str:
    name = text if is_valid_plugin_name(text) else ""
    return name if name in installed else ""


def _clean_timezone(text: str) -> str:
    pattern = r"^(([+-]?(0?[0-9](\.[5|0])?|1[0-3](\.0)?|1[0-2]\.5))|(99)|[a-zA-Z0-9]+(/?[a-zA-Z_-])+)$"
    cleaned = fix_utf8(text)
    return cleaned if re.match(pattern, cleaned) else ""


def _clean_capability(value: Any, text: str) -> str:
    # Approximation: Moodle checks the capability table; the syntax check accepts every real capability.
    return text if not php_empty(value) and re.match(r"^[a-z]+/[a-z0-9_]+:[a-z0-9_]+$", text) else ""


def _clean_permission(value: Any) -> int:
    number = php_int(value)
    return number if number in (0, 1, -1, -1000) else 0


def _clean_url(text: str) -> str:
    cleaned = fix_utf8(text)
    return cleaned if cleaned and validate_url_syntax(cleaned) else ""


# PARAM_LANG keeps only a language the site has: the site being served sets its packs for the request.
_SITE_LANGS: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar("site_langs", default=INSTALLED_LANGS)


@contextmanager
def installed_languages(langs: frozenset[str]) -> Iterator[None]:
    """Within the block, PARAM_LANG accepts exactly ``langs`` (the language packs of the site answering)."""
    token = _SITE_LANGS.set(langs)
    try:
        yield
    finally:
        _SITE_LANGS.reset(token)


def _clean_lang(text: str) -> str:
    name = re.sub(r"[^a-zA-Z0-9_-]", "", text)
    return name if name in _SITE_LANGS.get() else ""


_ALPHA = re.compile(r"[^a-zA-Z]")
_ALPHAEXT = re.compile(r"[^a-zA-Z_-]")
_ALPHANUM = re.compile(r"[^A-Za-z0-9]")
_ALPHANUMEXT = re.compile(r"[^A-Za-z0-9_-]")
_SAFEPATH = re.compile(r"[^a-zA-Z0-9/_-]")
_SEQUENCE = re.compile(r"[^0-9,]")

# PARAM kind -> cleaner(value, text) where text is php_str(value); one entry per clean_param_value_* of param.php.
_CLEANERS: dict[str, Callable[[Any, str], Any]] = {
    "raw": lambda value, text: fix_utf8(value) if isinstance(value, str) else value,
    "raw_trimmed": lambda value, text: php_trim(fix_utf8(text)),
    "clean": lambda value, text: value if php_is_numeric(value) else _clean_html(fix_utf8(text)),
    "cleanhtml": lambda value, text: php_trim(_clean_html(fix_utf8(text))),
    "int": lambda value, text: php_int(value),
    "float": lambda value, text: php_float(value),
    "localisedfloat": lambda value, text: _clean_localised_float(text),
    "bool": lambda value, text: _clean_bool(value),
    "alpha": lambda value, text: _ALPHA.sub("", text),
    "alphaext": lambda value, text: _ALPHAEXT.sub("", text),
    "alphanum": lambda value, text: _ALPHANUM.sub("", text),
    "alphanumext": lambda value, text: _ALPHANUMEXT.sub("", text),
    "safedir": lambda value, text: _ALPHANUMEXT.sub("", text),
    "safepath": lambda value, text: _SAFEPATH.sub("", text),
    "sequence": lambda value, text: _SEQUENCE.sub("", text),
    "notags": lambda value, text: strip_tags(fix_utf8(text)),
    "text": lambda value, text: _clean_text(text),
    "component": lambda value, text: _clean_component(text),
    "plugin": lambda value, text: text if is_valid_plugin_name(text) else "",
    "area": lambda value, text: text if is_valid_plugin_name(text) else "",
    "auth": lambda value, text: _clean_installed(text, INSTALLED_AUTH),
    "lang": lambda value, text: _clean_lang(text),
    "theme": lambda value, text: _clean_installed(text, INSTALLED_THEMES),
    "file": lambda value, text: _clean_file(text),
    "path": lambda value, text: _clean_path(text),
    "host": lambda value, text: text if (is_domain_name(text) or is_ipv4_address(text)) else "",
    "url": lambda value, text: _clean_url(text),
    "localurl": lambda value, text: _clean_localurl(fix_utf8(text)),
    "pem": lambda value, text: _clean_pem(text),
    "base64": lambda value, text: _clean_base64(value),
    "username": lambda value, text: _clean_username(text),
    "email": lambda value, text: fix_utf8(text) if validate_email(fix_utf8(text)) else "",
    "stringid": lambda value, text: text if re.match(r"^[a-zA-Z][a-zA-Z0-9.:/_-]*$", text) else "",
    "timezone": lambda value, text: _clean_timezone(text),
    "tag": lambda value, text: _clean_tag(text),
    "taglist": lambda value, text: ",".join(tag for tag in (_clean_tag(t) for t in fix_utf8(text).split(","))
                                            if tag != ""),
    "capability": _clean_capability,
    "permission": lambda value, text: _clean_permission(value),
}


def clean_param(value: Any, paramtype: str) -> Any:
    """Moodle's ``clean_param`` for one scalar; ``paramtype`` is the PARAM_* constant name (unknown: raw)."""
    cleaner = _CLEANERS.get(PARAM_TYPES.get(paramtype, "raw"))
    if cleaner is None:
        return value
    return cleaner(value, value if type(value) is str else php_str(value))


# -- output encodings --------------------------------------------------------------------------------------------


def htmlspecialchars(text: str, *, quotes: bool = False) -> str:
    """PHP's ``htmlspecialchars`` with ENT_COMPAT (``quotes=False``) or ENT_QUOTES."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    if quotes:
        text = text.replace("'", "&#039;")
    return text


def _has_float(value: Any) -> bool:
    if type(value) is float:
        return True
    if isinstance(value, dict):
        return any(_has_float(item) for item in value.values())
    if isinstance(value, (list, tuple)):
        return any(_has_float(item) for item in value)
    return False


class _PHPFloatEncoder(json.JSONEncoder):
    """``json.JSONEncoder`` writing floats as PHP's ``php_json_encode_double`` (serialize_precision -1)."""

    def iterencode(self, o: Any, _one_shot: bool = False) -> Any:
        def floatstr(number: float) -> str:
            if not math.isfinite(number):
                raise ValueError(f"Out of range float values are not JSON compliant: {number!r}")
            return php_gcvt(number, 0, "e")

        return json.encoder._make_iterencode(  # type: ignore[attr-defined]
            {}, self.default, json.encoder.encode_basestring_ascii, None, floatstr, self.key_separator,
            self.item_separator, False, False, _one_shot)(o, 0)


def json_encode(value: Any) -> str:
    """PHP's ``json_encode`` with default flags: ``\\uXXXX`` escapes, escaped slashes, floats as PHP writes them
    (``7.0`` is ``7``, ``1e25`` is ``1.0e+25``)."""
    if _has_float(value):
        text = _PHPFloatEncoder(ensure_ascii=True, separators=(",", ":"), allow_nan=False).encode(value)
    else:
        text = json.dumps(value, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    return text.replace("/", "\\/")


def unicode_category_count(text: str, categories: tuple[str, ...]) -> int:
    """How many characters of ``text`` are in the Unicode ``categories`` (PCRE's ``[[:upper:]]`` etc. with /u)."""
    return sum(1 for c in text if unicodedata.category(c) in categories)

