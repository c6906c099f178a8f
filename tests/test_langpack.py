"""``cooperare langpack comma-below``: the strings a Moodle Romanian pack spells with cedillas, rewritten with the
comma below into a ro_local customisation — only those strings, escapes kept, the pack left untouched."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from cooperare.cli.main import cli, main
from cooperare.langpack import FIXES, comma_below_overrides, with_fixes, write_overrides

MOODLE = """<?php
// Strings for component 'moodle', language 'ro'.
defined('MOODLE_INTERNAL') || die();

$string['delete'] = 'Şterge';
$string['students'] = 'studenţi';
$string['ok'] = 'Salvează modificările';
$string['quoted'] = 'Nu s-a găsit \\'forumul\\' cursului; încercaţi din nou';
$string['multiline'] = 'Primul rând,
al doilea rând cu ţ';
$string[ 'spaced' ]  =  'ŞŢ şţ' ;
"""


def pack(tmp_path: Path) -> Path:
    root = tmp_path / "ro"
    root.mkdir()
    (root / "langconfig.php").write_text("<?php\n$string['thislanguage'] = 'Română';\n", encoding="utf-8")
    (root / "moodle.php").write_text(MOODLE, encoding="utf-8")
    (root / "quiz.php").write_text("<?php\n$string['attemptquiz'] = 'Încearcă testul acum';\n", encoding="utf-8")
    return root


def read_back(path: Path) -> dict[str, str]:
    return dict(re.findall(r"\$string\['([^']*)'\] = '((?:[^'\\]|\\.)*)';", path.read_text(encoding="utf-8"),
                           re.DOTALL))


def test_only_cedilla_strings_are_overridden_with_the_comma_below(tmp_path: Path) -> None:
    source = pack(tmp_path)
    before = {p.name: p.read_bytes() for p in source.iterdir()}
    overrides = comma_below_overrides(source)
    assert [o.component for o in overrides] == ["moodle"]  # langconfig and quiz have nothing to fix
    out = tmp_path / "ro_local"
    assert write_overrides(overrides, out) == 5
    assert read_back(out / "moodle.php") == {
        "delete": "Șterge", "students": "studenți", "spaced": "ȘȚ șț",
        "quoted": "Nu s-a găsit \\'forumul\\' cursului; încercați din nou",
        "multiline": "Primul rând,\nal doilea rând cu ț"}
    assert sorted(p.name for p in out.iterdir()) == ["moodle.php"]
    assert {p.name: p.read_bytes() for p in source.iterdir()} == before
    if shutil.which("php"):  # the file is valid PHP that defines exactly these strings
        shown = subprocess.run(["php", "-r", f"define('MOODLE_INTERNAL', 1); include '{out / 'moodle.php'}'; "
                                "echo $string['quoted'], '|', count($string);"],
                               capture_output=True, text=True, check=True).stdout
        assert shown == "Nu s-a găsit 'forumul' cursului; încercați din nou|5"


def test_the_command_writes_the_customisation_and_refuses_the_pack_itself(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = pack(tmp_path)
    out = tmp_path / "ro_local"
    result = CliRunner().invoke(cli, ["langpack", "comma-below", str(source), "--out", str(out), "--no-fixes"])
    assert result.exit_code == 0, result.output
    assert "5 strings in 1 components" in result.output and (out / "moodle.php").is_file()
    assert sorted(p.name for p in out.iterdir()) == ["moodle.php"]
    assert main(["langpack", "comma-below", str(source), "--out", str(source)]) == 1
    assert "ro_local" in capsys.readouterr().err
    assert main(["langpack", "comma-below", str(tmp_path), "--out", str(out)]) == 1
    assert "langconfig.php" in capsys.readouterr().err


def test_the_projects_corrections_keep_placeholders_and_win_over_the_pack(tmp_path: Path) -> None:
    placeholders = re.compile(r"\{\$a(?:->\w+)?\}")
    for fix in FIXES:
        where = f"{fix.component}/{fix.key}"
        assert sorted(placeholders.findall(fix.romanian)) == sorted(placeholders.findall(fix.english)), where
        assert not set("şţŞŢ") & set(fix.romanian), where
    assert {f.key for f in FIXES} >= {"summaryofattemptscaption", "attemptstate", "addanewdiscussion", "alphabet"}
    source = pack(tmp_path)
    (source / "forum.php").write_text("<?php\n$string['addanewdiscussion'] = 'Adăugă un nou subiect de discuţii';\n",
                                      encoding="utf-8")
    out = tmp_path / "ro_local"
    result = CliRunner().invoke(cli, ["langpack", "comma-below", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"and {len(FIXES)} corrections" in result.output
    # The correction wins over the comma-below spelling of the pack's typo; the cedilla strings are still there.
    assert read_back(out / "forum.php") == {"addanewdiscussion": "Adaugă un subiect de discuție"}
    assert read_back(out / "moodle.php")["delete"] == "Șterge"
    quiz = read_back(out / "quiz.php")
    assert quiz["summaryofattemptscaption"] == "Rezumatul încercării {$a}"  # missing from the pack: added
    assert "attemptquiz" not in quiz  # the pack's own string without a fault stays the pack's
    assert read_back(out / "langconfig.php")["alphabet"].split(",")[:3] == ["A", "Ă", "Â"]
    assert [o.component for o in with_fixes([])] == sorted({f.component for f in FIXES})
    if shutil.which("php"):
        shown = subprocess.run(["php", "-r", f"define('MOODLE_INTERNAL', 1); include '{out / 'quiz.php'}'; "
                                "echo $string['attempttitlepaged'];"], capture_output=True, text=True,
                               check=True).stdout
        assert shown == "{$a->name} (pagina {$a->currentpage} din {$a->totalpages})"
