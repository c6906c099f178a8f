"""The plugin ZIP is what Moodle's "Install plugins" accepts, and the same sources always give the same bytes."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from cooperare.moodle.plugin_package import (
    PLUGIN_COMPONENT,
    ROOT_FOLDER,
    PluginPackageError,
    build_plugin_zip,
    plugin_files,
    plugin_source_dir,
    read_plugin_info,
)
from tests.plugin.conftest import CONTRACT_JSON, PLUGIN_DIR


@pytest.fixture()
def built(tmp_path: Path) -> Iterator[zipfile.ZipFile]:
    path = build_plugin_zip(tmp_path / "out" / "local_cooperare.zip")
    with zipfile.ZipFile(path) as archive:
        yield archive


def test_sources_are_the_repository_plugin() -> None:
    assert plugin_source_dir().resolve() == PLUGIN_DIR.resolve()


def test_single_root_folder_named_after_the_plugin(built: zipfile.ZipFile) -> None:
    names = built.namelist()
    assert ROOT_FOLDER == "cooperare"
    assert {name.split("/")[0] for name in names} == {ROOT_FOLDER}
    assert all(name.startswith(ROOT_FOLDER + "/") for name in names)
    assert names[0] == "cooperare/"


def test_required_files_and_folders(built: zipfile.ZipFile) -> None:
    names = set(built.namelist())
    for required in ("cooperare/version.php", "cooperare/db/services.php", "cooperare/db/access.php",
                     "cooperare/db/install.xml", "cooperare/lang/en/local_cooperare.php",
                     "cooperare/lang/ro/local_cooperare.php", "cooperare/classes/privacy/provider.php",
                     "cooperare/README.md", "cooperare/lang/en/", "cooperare/lang/", "cooperare/db/"):
        assert required in names, required
    version = built.read("cooperare/version.php").decode()
    assert "$plugin->component = 'local_cooperare';" in version
    assert built.testzip() is None


def test_every_plugin_file_and_nothing_else(built: zipfile.ZipFile) -> None:
    files = sorted(name[len(ROOT_FOLDER) + 1:] for name in built.namelist() if not name.endswith("/"))
    assert files == plugin_files()
    on_disk = sorted(p.relative_to(PLUGIN_DIR).as_posix() for p in PLUGIN_DIR.rglob("*")
                     if p.is_file() and not any(part.startswith(".") or part == "__pycache__"
                                                for part in p.relative_to(PLUGIN_DIR).parts)
                     and p.name != "phpunit.xml")
    assert files == on_disk
    for name in built.namelist():
        parts = name.rstrip("/").split("/")
        assert not any(part.startswith(".") for part in parts), name
        assert not name.endswith((".pyc", "~", ".orig", ".rej", ".swp", "phpunit.xml")), name
    # PHPUnit tests ship on purpose: Moodle runs a plugin's tests from its own tests/ folder.
    assert any(name.startswith("cooperare/tests/") and name.endswith("_test.php") for name in built.namelist())


def test_entries_have_fixed_metadata(built: zipfile.ZipFile) -> None:
    for info in built.infolist():
        assert info.date_time == (2026, 1, 1, 0, 0, 0)
        mode = info.external_attr >> 16
        assert mode in (0o100644, 0o40755), (info.filename, oct(mode))


def test_deterministic_bytes(tmp_path: Path) -> None:
    first = build_plugin_zip(tmp_path / "a.zip").read_bytes()
    second = build_plugin_zip(tmp_path / "b.zip").read_bytes()
    assert first == second


def test_version_info_matches_contract() -> None:
    info = read_plugin_info()
    contract = json.loads(CONTRACT_JSON.read_text(encoding="utf-8"))
    assert info.component == PLUGIN_COMPONENT
    assert info.version == contract["version"]
    assert info.release == contract["release"] == "0.6.1"


def test_missing_sources_are_reported(tmp_path: Path) -> None:
    with pytest.raises(PluginPackageError):
        build_plugin_zip(tmp_path / "x.zip", source=tmp_path)
