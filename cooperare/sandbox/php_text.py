"""PHP string functions whose exact behaviour decides what Moodle accepts: ``trim``, ``fix_utf8`` and ``strip_tags``.

``strip_tags`` is a port of PHP's tag-stripping state machine (``php_strip_tags_ex``), not a regular expression:
a ``<`` followed by whitespace is kept as text, quotes inside a tag hide ``>``, an unclosed tag swallows the rest,
comments and ``<?php`` blocks disappear. Names are validated with ``PARAM_NOTAGS``, so ``"a < b"`` must survive
exactly as it does in Moodle. Request strings may carry invalid UTF-8 as lone surrogates (``surrogateescape``);
``fix_utf8`` drops them the way ``iconv('UTF-8', 'UTF-8//IGNORE')`` drops invalid bytes.
"""

from __future__ import annotations

import re

PHP_TRIM_CHARS = " \t\n\r\0\x0b"
C_SPACE = " \t\n\r\x0b\x0c"  # C isspace() in the "C" locale
_INVALID_UTF8 = re.compile("[\ud800-\udfff\x00\ufffe\uffff]")


def php_trim(text: str) -> str:
    """PHP's ``trim`` with the default character list (ASCII whitespace and NUL only)."""
    return text.strip(PHP_TRIM_CHARS)


def fix_utf8(text: str) -> str:
    """Moodle's ``fix_utf8``: drop NUL, U+FFFE, U+FFFF and bytes that were not valid UTF-8."""
    return _INVALID_UTF8.sub("", text) if _INVALID_UTF8.search(text) else text


def _tag_find(tag: str, allowed: str) -> bool:
    """PHP's ``php_tag_find``: normalise ``<a href=..>`` / ``</a>`` to ``<a>`` and look it up in ``allowed``."""
    if not tag:
        return False
    norm = []
    state = 0
    index = 0
    while True:
        c = tag[index].lower() if index < len(tag) else ""
        if c == "<":
            norm.append(c)
        elif c in (">", ""):
            break
        elif c not in C_SPACE:
            state = 1
            previous = tag[index - 1] if index > 0 else ""
            following = tag[index + 1] if index + 1 < len(tag) else ""
            if c != "/" or (previous != "<" and following != ">"):
                norm.append(c)
        elif state == 1:
            break
        index += 1
    norm.append(">")
    return "".join(norm) in allowed


def strip_tags(text: str, allowed: str = "") -> str:
    """PHP's ``strip_tags($text, $allowed)`` (``$allowed`` in the ``'<a><b>'`` form), state machine included."""
    if "<" not in text:  # the state machine never leaves state 0: only NUL bytes go
        return text.replace("\0", "")
    allowed = allowed.lower()
    out: list[str] = []
    tag_buffer: list[str] = []
    end = len(text)
    state = 0
    depth = 0
    in_quote = ""
    last = ""
    bracket = 0
    is_xml = False
    p = 0

    def at(position: int) -> str:
        return text[position] if 0 <= position < end else "\0"

    while p < end:
        c = text[p]
        if state == 0:
            if c == "\0":
                pass
            elif c == "<":
                if in_quote:
                    pass
                elif at(p + 1) in C_SPACE:
                    out.append(c)
                else:
                    last = "<"
                    state = 1
                    if allowed:
                        tag_buffer = ["<"]
            elif c == ">":
                if depth:
                    depth -= 1
                elif not in_quote:
                    out.append(c)
            else:
                out.append(c)
        elif state == 1:
            if c == "\0":
                pass
            elif c == "<":
                if not in_quote:
                    if at(p + 1) in C_SPACE:
                        if allowed:
                            tag_buffer.append(c)
                    else:
                        depth += 1
            elif c == ">":
                if depth:
                    depth -= 1
                elif not in_quote:
                    last = ">"
                    if not (is_xml and at(p - 1) == "-"):
                        in_quote = ""
                        state = 0
                        is_xml = False
                        if allowed:
                            tag_buffer.append(">")
                            candidate = "".join(tag_buffer)
                            if _tag_find(candidate, allowed):
                                out.append(candidate)
                            tag_buffer = []
            elif c in "\"'":
                if p != 0 and (not in_quote or c == in_quote):
                    in_quote = "" if in_quote else c
                if allowed:
                    tag_buffer.append(c)
            elif c == "!" and at(p - 1) == "<":
                state = 3
                last = c
            elif c == "?" and at(p - 1) == "<":
                bracket = 0
                state = 2
            elif allowed:
                tag_buffer.append(c)
        elif state == 2:  # inside <? ... ?>
            if c == "(":
                if last not in "\"'":
                    last = "("
                    bracket += 1
            elif c == ")":
                if last not in "\"'":
                    last = ")"
                    bracket -= 1
            elif c == ">":
                if depth:
                    depth -= 1
                elif not in_quote and not bracket and last != '"' and at(p - 1) == "?":
                    in_quote = ""
                    state = 0
                    tag_buffer = []
            elif c in "\"'":
                if p >= 1 and at(p - 1) != "\\":
                    if last == c:
                        last = ""
                    elif last != "\\":
                        last = c
                    if p != 0 and (not in_quote or c == in_quote):
                        in_quote = "" if in_quote else c
            elif c in "lL":
                if (p > 4 and at(p - 1) in "mM" and at(p - 2) in "xX" and at(p - 3) == "?"
                        and at(p - 4) == "<"):
                    state = 1
                    is_xml = True
        elif state == 3:  # inside <! ... >
            if c == ">":
                if depth:
                    depth -= 1
                elif not in_quote:
                    in_quote = ""
                    state = 0
                    tag_buffer = []
            elif c in "\"'":
                if p != 0 and at(p - 1) != "\\" and (not in_quote or c == in_quote):
                    in_quote = "" if in_quote else c
            elif c == "-":
                if at(p - 1) == "-" and at(p - 2) == "!":
                    state = 4
            elif c in "eE":
                if p > 6 and "".join(at(p - i) for i in range(6, 0, -1)).lower() == "doctyp":
                    state = 1
        else:  # state 4: inside <!-- ... -->
            if c == ">" and not in_quote and at(p - 1) == "-" and at(p - 2) == "-":
                in_quote = ""
                state = 0
                tag_buffer = []
        p += 1
    return "".join(out)
