"""Romanian diacritics in a Moodle language pack: the strings a pack spells with cedillas (ş ţ Ş Ţ), rewritten with
the comma below (ș ț Ș Ț) as a local customisation pack (``moodledata/lang/ro_local/``).

Moodle's Romanian pack (as AMOS exports it, e.g. the copy in projectestac/moodle-langpacks) still spells about 1,500
strings the old way — "Sari la conţinutul principal", "Şterge", "studenţi" — so a trainee reads both forms on one
page next to the pack's own content. Moodle reads ``<lang>_local`` after the pack and lets its strings win; the
language customisation tool writes the same files. This module reads the pack's PHP string files (single-quoted
``$string['key'] = '...';`` as AMOS writes them) and writes one override file per component holding only the
strings that change. It must not change the pack itself, touch any other string, or evaluate PHP.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

COMMA_BELOW = str.maketrans("şţŞŢ", "șțȘȚ")
_STRING = re.compile(r"\$string\[\s*'((?:[^'\\]|\\.)*)'\s*\]\s*=\s*'((?:[^'\\]|\\.)*)'\s*;", re.DOTALL)
_HEADER = ("<?php\n"
           "// Romanian diacritics with the comma below (ș ț) for the strings of the '{component}' language file\n"
           "// that the installed pack spells with cedillas (ş ţ). Made by `cooperare langpack comma-below`;\n"
           "// Moodle reads this <lang>_local customisation after the pack.\n\n"
           "defined('MOODLE_INTERNAL') || die();\n\n")


@dataclass(frozen=True)
class Override:
    """One component's changed strings: key → the PHP single-quoted literal's content (escapes kept)."""
    component: str
    strings: dict[str, str] = field(default_factory=dict)

    def php(self) -> str:
        lines = [f"$string['{key}'] = '{value}';" for key, value in sorted(self.strings.items())]
        return _HEADER.format(component=self.component) + "\n".join(lines) + "\n"


def comma_below_overrides(pack: Path) -> list[Override]:
    """Every component file of ``pack`` (a folder such as ``moodledata/lang/ro``) with at least one string spelled
    with a cedilla, and those strings rewritten; components without one are left out."""
    found = []
    for path in sorted(pack.glob("*.php")):
        text = path.read_text(encoding="utf-8")
        changed = {key: value.translate(COMMA_BELOW) for key, value in _STRING.findall(text)
                   if value.translate(COMMA_BELOW) != value}
        if changed:
            found.append(Override(path.stem, changed))
    return found


def write_overrides(overrides: list[Override], out: Path) -> int:
    """Write the override files into ``out`` (created if absent; an existing file of the same component is replaced,
    others are left alone); returns the number of strings written."""
    out.mkdir(parents=True, exist_ok=True)
    for override in overrides:
        (out / f"{override.component}.php").write_text(override.php(), encoding="utf-8")
    return sum(len(o.strings) for o in overrides)
