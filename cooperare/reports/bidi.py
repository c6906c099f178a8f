"""Right-to-left text (Arabic, Hebrew…) in display order for PDFs drawn line by line.

reportlab draws characters left to right as given. A contribution in Arabic or Hebrew stored in its logical order
would therefore print backwards, and PDF readers, which take such runs as visual and reverse them, would extract it
backwards too. :func:`visual` puts one already-wrapped line into display order with a simplified Unicode
bidirectional algorithm: strong letters set the direction, neutrals (spaces, punctuation) between two letters of
the same direction take it, the others the line's direction (that of its first strong letter); right-to-left runs
are reversed, and a line that starts right to left is laid out right to left as a whole. Digits count as
left-to-right. No mirroring of brackets and no Arabic letter shaping (letters print in their isolated forms): both
need libraries the pack does not install. Lines without right-to-left letters are returned unchanged, cheaply.
:func:`starts_right_to_left` gives a paragraph's direction to writers whose readers order the text themselves (DOCX).
This module must not draw anything.
"""

from __future__ import annotations

import re
import unicodedata

_RTL_CLASSES = ("R", "AL")
_LTR_CLASSES = ("L", "EN", "AN")
RTL_LETTERS = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff\U0001e800-\U0001efff]")
"""Blocks of right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, N'Ko… and their presentation forms)."""


def starts_right_to_left(text: str) -> bool:
    """Whether the first strong letter of ``text`` is right to left: the paragraph direction of the Unicode
    bidirectional algorithm (rules P2-P3), for writers whose readers lay out the text themselves (DOCX)."""
    if not RTL_LETTERS.search(text):
        return False
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in _RTL_CLASSES:
            return True
        if kind == "L":
            return False
    return False


def visual(line: str) -> str:
    """One line in display order (see the module docstring)."""
    if not RTL_LETTERS.search(line):
        return line
    strong = ["R" if k in _RTL_CLASSES else "L" if k in _LTR_CLASSES else ""
              for k in (unicodedata.bidirectional(ch) for ch in line)]
    base = next((k for k in strong if k), "L")
    resolved = strong[:]
    for i, k in enumerate(strong):
        if not k:
            before = next((strong[j] for j in range(i - 1, -1, -1) if strong[j]), base)
            after = next((strong[j] for j in range(i + 1, len(strong)) if strong[j]), base)
            resolved[i] = before if before == after else base
    runs: list[list[str]] = []
    for ch, k in zip(line, resolved, strict=True):
        if runs and runs[-1][0] == k:
            runs[-1][1] += ch
        else:
            runs.append([k, ch])
    pieces = [text[::-1] if k == "R" else text for k, text in runs]
    return "".join(reversed(pieces) if base == "R" else pieces)
