"""Syntax validators Moodle's ``clean_param`` relies on: e-mail, URL, host name, IPv4.

- ``validate_email`` is Moodle's: PHPMailer's default validator is ``filter_var(FILTER_VALIDATE_EMAIL)`` (the regular
  expression of PHP's ``ext/filter``, byte oriented, 320 bytes at most), minus line breaks and ``<``/``>``;
- ``validate_url_syntax`` builds the same expression as Moodle's ``lib/validateurlsyntax.php`` for the option string
  ``PARAM_URL`` uses (possessive quantifiers keep Python's engine from exponential backtracking; they do not change
  what matches because the repeated classes never overlap with what follows them);
- ``is_domain_name`` / ``is_ipv4_address`` are ``core\\ip_utils``'s.
"""

from __future__ import annotations

import re

_EMAIL_ATOM = r"[\x21\x23-\x27\x2A\x2B\x2D\x2F-\x39\x3D\x3F\x5E-\x7E]+"
_EMAIL_QUOTED = r"\x22(?:[\x01-\x08\x0B\x0C\x0E-\x1F\x21\x23-\x5B\x5D-\x7F]|(?:\x5C[\x00-\x7F]))*\x22"
_EMAIL_WORD = rf"(?:(?:{_EMAIL_ATOM})|(?:{_EMAIL_QUOTED}))"
_IPV4_OCTET = r"(?:(?:25[0-5])|(?:2[0-4][0-9])|(?:1[0-9]{2})|(?:[1-9]?[0-9]))"
_HEX4 = r"[a-f0-9]{1,4}"
_EMAIL = re.compile(
    r"^(?!(?:(?:\x22?\x5C[\x00-\x7E]\x22?)|(?:\x22?[^\x5C\x22]\x22?)){255,})"
    r"(?!(?:(?:\x22?\x5C[\x00-\x7E]\x22?)|(?:\x22?[^\x5C\x22]\x22?)){65,}@)"
    + _EMAIL_WORD + r"(?:\." + _EMAIL_WORD + r")*@"
    r"(?:(?:(?!.*[^.]{64,})(?:(?:(?:xn--)?[a-z0-9]+(?:-+[a-z0-9]+)*\.){1,126}){1,}"
    r"(?:(?:[a-z][a-z0-9]*)|(?:(?:xn--)[a-z0-9]+))(?:-+[a-z0-9]+)*)"
    r"|(?:\[(?:(?:IPv6:(?:(?:" + _HEX4 + r"(?::" + _HEX4 + r"){7})"
    r"|(?:(?!(?:.*[a-f0-9][:\]]){7,})(?:" + _HEX4 + r"(?::" + _HEX4 + r"){0,5})?::(?:" + _HEX4 + r"(?::" + _HEX4
    + r"){0,5})?)))"
    r"|(?:(?:IPv6:(?:(?:" + _HEX4 + r"(?::" + _HEX4 + r"){5}:)"
    r"|(?:(?!(?:.*[a-f0-9]:){5,})(?:" + _HEX4 + r"(?::" + _HEX4 + r"){0,3})?::(?:" + _HEX4 + r"(?::" + _HEX4
    + r"){0,3}:)?)))?" + _IPV4_OCTET + r"(?:\." + _IPV4_OCTET + r"){3}))\]))\Z",
    re.I | re.ASCII,
)


def filter_validate_email(address: str) -> bool:
    """PHP's ``filter_var($address, FILTER_VALIDATE_EMAIL) !== false`` (no unicode flag: bytes are matched)."""
    raw = address.encode("utf-8", "surrogateescape")
    if len(raw) > 320:
        return False
    return bool(_EMAIL.match(raw.decode("latin-1")))


def validate_email(address: str | None) -> bool:
    """Moodle's ``validate_email`` (weblib.php)."""
    if address is None or address == "":
        return False
    if "\n" in address or "\r" in address:
        return False
    return filter_validate_email(address) and not re.search(r"[<>]", address)


def _url_pattern() -> re.Pattern[str]:
    """``validateUrlSyntax`` with Moodle's PARAM_URL options ``s?H?S?F?E-u-P-a?I?p?f?q?r?``."""
    unreserved = r"[a-zA-Z0-9_.!~*'()-]"
    escaped = r"(%[0-9a-fA-F]{2})"
    reserved = r"[;/?:@&=+$,]"
    alphanum = "[a-zA-Z0-9]"
    scheme = r"((http://)|(https://)|(ftp://))?"
    userinfo = r"((" + unreserved + "|" + escaped + r"|[;&=+$,])+(:(" + unreserved + "|" + escaped \
        + r"|[;:&=+$,])+)?@){0}"
    octet = r"((2(([0-4][0-9])|(5[0-5])))|([01]?[0-9]?[0-9]))"
    ipaddress = r"(((" + octet + r")\.){3}(" + octet + "))"
    tertiary = "(" + alphanum + "(([a-zA-Z0-9-]{0,62})" + alphanum + r")?\.)*"
    toplevel = "([a-zA-Z](([a-zA-Z0-9-]*)[a-zA-Z0-9])?)"
    address = "((" + ipaddress + ")|(" + tertiary + toplevel + "))?"
    port = r"(:(([0-5]?[0-9]{1,4})|(6[0-4][0-9]{3})|(65[0-4][0-9]{2})|(655[0-2][0-9])|(6553[0-5])))?"
    path = "(/((;)?(" + unreserved + "|" + escaped + "|[:@&=+$,])++(/)?)*+)?"
    query = r"(\?(" + reserved + "|" + unreserved + "|" + escaped + ")*+)?"
    fragment = r"(\#(" + reserved + "|" + unreserved + "|" + escaped + ")*+)?"
    return re.compile("^" + scheme + userinfo + address + port + path + query + fragment + "$", re.I | re.ASCII)


_URL = _url_pattern()


def validate_url_syntax(url: str) -> bool:
    """Moodle's ``validateUrlSyntax($url, 's?H?S?F?E-u-P-a?I?p?f?q?r?')`` (what PARAM_URL accepts)."""
    return bool(_URL.match(url))


_DOMAIN = re.compile(r"^(([a-zA-Z0-9](([a-zA-Z0-9-]{0,61})[a-zA-Z0-9])?\.)*([a-zA-Z](([a-zA-Z0-9-]*)[a-zA-Z0-9])?))$",
                     re.I | re.ASCII)


def is_domain_name(name: str) -> bool:
    """``core\\ip_utils::is_domain_name``."""
    name = name.rstrip(".")
    if len(name.encode("utf-8", "surrogateescape")) > 253:
        return False
    return bool(_DOMAIN.match(name))


def is_ipv4_address(address: str) -> bool:
    """``filter_var($address, FILTER_VALIDATE_IP, FILTER_FLAG_IPV4)``: four decimal octets, no leading zeros."""
    parts = address.split(".")
    if len(parts) != 4:
        return False
    for part in parts:
        if not part or not part.isascii() or not part.isdigit() or len(part) > 3:
            return False
        if (part[0] == "0" and len(part) > 1) or int(part) > 255:
            return False
    return True
