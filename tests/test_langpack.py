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
from cooperare.langpack import comma_below_overrides, write_overrides

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
    result = CliRunner().invoke(cli, ["langpack", "comma-below", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "5 strings in 1 components" in result.output and (out / "moodle.php").is_file()
    assert main(["langpack", "comma-below", str(source), "--out", str(source)]) == 1
    assert "ro_local" in capsys.readouterr().err
    assert main(["langpack", "comma-below", str(tmp_path), "--out", str(out)]) == 1
    assert "langconfig.php" in capsys.readouterr().err
