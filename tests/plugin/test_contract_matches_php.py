"""The plugin contract file (cooperare/moodle/data/local_cooperare.json) says exactly what the PHP code declares.

tools/dump_plugin_contract.php loads the plugin's version.php, db/services.php and external classes with stand-ins
for Moodle's description classes and prints the contract; it must equal the JSON file, key order included (the
order of the keys of a structure is the order Moodle uses in responses).
"""

from __future__ import annotations

import gzip
import json
import re
from importlib import resources
from typing import Any

import pytest

from cooperare.moodle.contract import plugin_description
from tests.plugin.conftest import CONTRACT_JSON, DUMP_TOOL, PLUGIN_DIR, run_php

EXPECTED_FUNCTIONS = {
    "local_cooperare_describe_courses": "read",
    "local_cooperare_save_sections": "write",
    "local_cooperare_save_activities": "write",
    "local_cooperare_delete_activities": "write",
    "local_cooperare_save_questions": "write",
    "local_cooperare_set_completion": "write",
    "local_cooperare_save_cohort_sync": "write",
    "local_cooperare_delete_cohort_sync": "write",
    "local_cooperare_add_user_files": "write",
    "local_cooperare_get_course_completions": "read",
    "local_cooperare_get_site_setup": "read",
    "local_cooperare_get_roles": "read",
    "local_cooperare_publish_site": "write",
    "local_cooperare_get_forum_posts": "read",
    "local_cooperare_save_enrol_methods": "write",
    "local_cooperare_get_enrol_methods": "read",
    "local_cooperare_save_calendar_events": "write",
    "local_cooperare_delete_calendar_events": "write",
    "local_cooperare_get_calendar_events": "read",
    "local_cooperare_get_bbb_attendance": "read",
    "local_cooperare_get_activity_counts": "read",
    "local_cooperare_save_news_forum_staff": "write",
    "local_cooperare_save_book_chapters": "write",
    "local_cooperare_get_book_chapters": "read",
}


@pytest.fixture(scope="module")
def dumped(php: str) -> dict[str, Any]:
    result = run_php(php, str(DUMP_TOOL), str(PLUGIN_DIR))
    assert result.returncode == 0, result.stderr or result.stdout
    assert result.stderr == ""
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def recorded() -> dict[str, Any]:
    return json.loads(CONTRACT_JSON.read_text(encoding="utf-8"))


def key_orders(node: Any, path: str = "") -> list[tuple[str, list[str]]]:
    """Every dict's key order, recursively, with its path."""
    found: list[tuple[str, list[str]]] = []
    if isinstance(node, dict):
        found.append((path, list(node)))
        for key, value in node.items():
            found.extend(key_orders(value, f"{path}.{key}"))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.extend(key_orders(value, f"{path}[{index}]"))
    return found


def test_php_definitions_equal_the_json(dumped: dict[str, Any], recorded: dict[str, Any]) -> None:
    assert dumped == recorded, (
        "local_cooperare.json differs from the PHP definitions; regenerate it with "
        "php tools/dump_plugin_contract.php and review the change"
    )
    assert key_orders(dumped) == key_orders(recorded)


def test_json_is_what_the_package_ships(recorded: dict[str, Any]) -> None:
    assert plugin_description() == recorded


def test_every_service_function_is_described(recorded: dict[str, Any]) -> None:
    services = (PLUGIN_DIR / "db" / "services.php").read_text(encoding="utf-8")
    functions_block = services.split("$services")[0]
    declared = set(re.findall(r"^\s*'(local_cooperare_\w+)'\s*=>\s*\[", functions_block, re.MULTILINE))
    described = {f["name"]: f["type"] for f in recorded["functions"]}
    assert declared == set(described)
    assert described == EXPECTED_FUNCTIONS
    assert [f["name"] for f in recorded["functions"]] == sorted(described)


def test_entries_have_the_recorded_shape(recorded: dict[str, Any]) -> None:
    core = json.loads(gzip.decompress(
        resources.files("cooperare.moodle").joinpath("data", "functions-4.5.json.gz").read_bytes()))
    core_entry_keys = {tuple(k for k in f if k != "deprecated") for f in core["functions"]}
    paramtypes = set()

    def walk(node: dict[str, Any]) -> None:
        assert node["type"] in {"single", "multiple", "value"}
        assert node["required"] in {0, 1, 2}
        assert isinstance(node["allownull"], bool)
        if node["type"] == "value":
            assert list(node) == ["type", "paramtype", "required", "default", "allownull"]
            paramtypes.add(node["paramtype"])
        elif node["type"] == "single":
            assert list(node) == ["type", "keys", "required", "default", "allownull"]
            for child in node["keys"].values():
                walk(child)
        else:
            assert list(node) == ["type", "content", "required", "default", "allownull"]
            walk(node["content"])

    for entry in recorded["functions"]:
        assert tuple(entry) in core_entry_keys
        assert entry["component"] == "local_cooperare"
        assert entry["capabilities"].startswith("local/cooperare:provision")
        # Moodle stores it in external_functions.capabilities, char(255): a longer list fails the install.
        assert len(entry["capabilities"]) <= 255, entry["name"]
        walk(entry["parameters"])
        assert entry["returns"] is not None
        walk(entry["returns"])

    core_paramtypes = set()

    def collect(node: dict[str, Any] | None) -> None:
        if not node:
            return
        if node["type"] == "value":
            core_paramtypes.add(node["paramtype"])
        elif node["type"] == "single":
            for child in node["keys"].values():
                collect(child)
        else:
            collect(node["content"])

    for entry in core["functions"]:
        collect(entry["parameters"])
        collect(entry["returns"])
    assert paramtypes <= core_paramtypes


def test_version_matches_version_php(recorded: dict[str, Any]) -> None:
    version_php = (PLUGIN_DIR / "version.php").read_text(encoding="utf-8")
    assert f"$plugin->version = {recorded['version']};" in version_php
    assert f"$plugin->release = '{recorded['release']}';" in version_php
    assert "$plugin->requires = 2024100700;" in version_php
    assert "$plugin->supported = [405, 502];" in version_php


def test_prebuilt_service_holds_plugin_and_known_core_functions() -> None:
    services = (PLUGIN_DIR / "db" / "services.php").read_text(encoding="utf-8")
    service_block = services.split("$services")[1]
    assert "'shortname' => 'cooperare'" in service_block
    assert "'uploadfiles' => 1" in service_block and "'downloadfiles' => 1" in service_block
    listed = re.findall(r"^\s*'([a-z]+_\w+)',\s*$", service_block, re.MULTILINE)
    assert len(listed) == len(set(listed))
    assert set(EXPECTED_FUNCTIONS) <= set(listed)
    for version in ("4.5", "5.0"):
        core = json.loads(gzip.decompress(
            resources.files("cooperare.moodle").joinpath("data", f"functions-{version}.json.gz").read_bytes()))
        known = {f["name"] for f in core["functions"]}
        missing = [name for name in listed if not name.startswith("local_cooperare_") and name not in known]
        assert missing == [], f"core functions unknown to Moodle {version}: {missing}"


def test_prebuilt_service_holds_every_core_function_the_client_calls() -> None:
    """A real site refuses the pack's token (accessexception) any function missing from the service."""
    package = PLUGIN_DIR.parents[1] / "cooperare" / "moodle"
    named = set()
    for name in ("client.py", "site.py", "probe.py"):
        named |= set(re.findall(r"\"((?:core|mod|enrol|gradereport|message)_[a-z_]+)\"",
                                (package / name).read_text(encoding="utf-8")))
    services = (PLUGIN_DIR / "db" / "services.php").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\s*'([a-z]+_\w+)',\s*$", services.split("$services")[1], re.MULTILINE))
    assert named, "no core function found in the client"
    assert sorted(named - listed) == []
