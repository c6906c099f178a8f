"""Romanian diacritics in a Moodle language pack: the strings a pack spells with cedillas (ş ţ Ş Ţ), rewritten with
the comma below (ș ț Ș Ț) as a local customisation pack (``moodledata/lang/ro_local/``).

Moodle's Romanian pack (as AMOS exports it, e.g. the copy in projectestac/moodle-langpacks) still spells about 1,500
strings the old way — "Sari la conţinutul principal", "Şterge", "studenţi" — so a trainee reads both forms on one
page next to the pack's own content. Moodle reads ``<lang>_local`` after the pack and lets its strings win; the
language customisation tool writes the same files. This module reads the pack's PHP string files (single-quoted
``$string['key'] = '...';`` as AMOS writes them) and writes one override file per component holding only the
strings that change. It must not change the pack itself, touch any other string, or evaluate PHP.

It also carries the project's own corrections of the pack's words (``FIXES``), each tied to what the walk of
2026-12-03 saw (docs/walk-2026-12-03.md, finding 7): strings the 4.5 pack leaves in English ("Status", "page") or
lacks on Moodle 5.x ("Attempt N summary"), a typo, the trainee addressed with "tu" where the courses say
"dumneavoastră", and an initials bar without Ă Â Î Ș Ț.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

COMMA_BELOW = str.maketrans("şţŞŢ", "șțȘȚ")
_STRING = re.compile(r"\$string\[\s*'((?:[^'\\]|\\.)*)'\s*\]\s*=\s*'((?:[^'\\]|\\.)*)'\s*;", re.DOTALL)
_HEADER = ("<?php\n"
           "// Strings of the '{component}' language file: with the comma below (ș ț) where the installed pack\n"
           "// spells cedillas (ş ţ), and the project's corrections (cooperare.langpack.FIXES). Made by\n"
           "// `cooperare langpack comma-below`; Moodle reads this <lang>_local customisation after the pack.\n\n"
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


@dataclass(frozen=True)
class Fix:
    """One of Moodle's strings as the project wants it in Romanian, with the English original (same placeholders)."""
    component: str
    key: str
    english: str
    romanian: str
    why: str


FIXES: tuple[Fix, ...] = (
    Fix("completion", "completionusegrade_desc", "Receive a grade", "Să primiți o notă", "'tu' in the pack"),
    Fix("completion", "detail_desc:receivegrade", "Receive a grade", "Trebuie să primiți o notă", "'tu' in the pack"),
    Fix("completion", "detail_desc:receivepassgrade", "Receive a passing grade", "Obțineți o notă de trecere",
        "'tu' in the pack"),
    Fix("forum", "addanewdiscussion", "Add discussion topic", "Adaugă un subiect de discuție",
        "typo in the pack ('Adăugă')"),
    Fix("quiz", "attemptstate", "Status", "Stare", "English in the pack"),
    Fix("quiz", "status", "Status", "Stare", "English in the pack"),
    Fix("quiz", "attempttitlepaged", "{$a->name} (page {$a->currentpage} of {$a->totalpages})",
        "{$a->name} (pagina {$a->currentpage} din {$a->totalpages})", "'page' in English in the pack"),
    Fix("quiz", "attemptreviewtitlepaged",
        "{$a->name}: Attempt review (page {$a->currentpage} of {$a->totalpages})",
        "{$a->name}: Revizuirea încercării (pagina {$a->currentpage} din {$a->totalpages})",
        "'page' in English in the pack"),
    Fix("quiz", "summaryofattemptscaption", "Attempt {$a} summary", "Rezumatul încercării {$a}",
        "missing from the 4.5 pack, shown on 5.x"),
    Fix("quiz", "summaryofattempts", "Your attempts", "Încercările dumneavoastră", "'tu' in the pack"),
    Fix("availability_completion", "requires_complete_pass",
        "The activity <strong>{$a}</strong> is complete and passed",
        "Activitatea <strong>{$a}</strong> este finalizată și promovată",
        "the pack's 'reușită': a test is passed ('promovat'), as the course's own label says"),
    Fix("langconfig", "alphabet", "A,B,C,D,E,F,G,H,I,J,K,L,M,N,O,P,Q,R,S,T,U,V,W,X,Y,Z",
        "A,Ă,Â,B,C,D,E,F,G,H,I,Î,J,K,L,M,N,O,P,Q,R,S,Ș,T,Ț,U,V,W,X,Y,Z",
        "the initials bar (participants, reports) lacks Ă Â Î Ș Ț"),
)


def _php_literal(text: str) -> str:
    """The content of a PHP single-quoted literal holding ``text``."""
    return text.replace("\\", "\\\\").replace("'", "\\'")


def with_fixes(overrides: list[Override], fixes: tuple[Fix, ...] = FIXES) -> list[Override]:
    """``overrides`` with the project's corrections added (a correction wins over the comma-below rewrite of the
    same string); components in name order."""
    merged = {o.component: dict(o.strings) for o in overrides}
    for fix in fixes:
        merged.setdefault(fix.component, {})[fix.key] = _php_literal(fix.romanian)
    return [Override(component, strings) for component, strings in sorted(merged.items())]
