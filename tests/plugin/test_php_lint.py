"""Every PHP file of the plugin (and the contract dump tool) passes ``php -l``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.plugin.conftest import DUMP_TOOL, PLUGIN_DIR, REPO, run_php

PHP_FILES = sorted(PLUGIN_DIR.rglob("*.php")) + [DUMP_TOOL]


def test_there_are_php_files() -> None:
    assert len(PHP_FILES) > 20


@pytest.mark.parametrize("path", PHP_FILES, ids=lambda p: str(Path(p).relative_to(REPO)))
def test_php_lint(php: str, path: Path) -> None:
    result = run_php(php, "-l", str(path))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", sorted(PLUGIN_DIR.rglob("*.php")), ids=lambda p: str(Path(p).relative_to(REPO)))
def test_gpl_header(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<?php\n// This file is part of Moodle - https://moodle.org/\n")
    assert "either version 3 of the License, or" in text
    assert "@license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later" in text


def test_romanian_strings_use_comma_below() -> None:
    text = (PLUGIN_DIR / "lang" / "ro" / "local_cooperare.php").read_text(encoding="utf-8")
    assert not set("şţŞŢ") & set(text), "use ș ț (comma below), not ş ţ (cedilla)"
    assert "ș" in text and "ț" in text


def test_language_files_define_the_same_strings() -> None:
    def keys(lang: str) -> list[str]:
        text = (PLUGIN_DIR / "lang" / lang / "local_cooperare.php").read_text(encoding="utf-8")
        return re.findall(r"^\$string\['([^']+)'\]", text, re.MULTILINE)

    assert keys("en") == sorted(keys("en"))
    assert keys("en") == keys("ro")
