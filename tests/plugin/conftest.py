"""Shared helpers of the plugin tests: where the plugin lives and how to run PHP.

PHP (Debian's php-cli) is installed by .ci/run, so in CI a missing ``php`` is a failure, never a skip; on a
developer machine without PHP the PHP-based tests are skipped with a hint.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PLUGIN_DIR = REPO / "moodle-plugin" / "local_cooperare"
DUMP_TOOL = REPO / "tools" / "dump_plugin_contract.php"
CONTRACT_JSON = REPO / "cooperare" / "moodle" / "data" / "local_cooperare.json"


@pytest.fixture(scope="session")
def php() -> str:
    """Path of the php binary (fails in CI when missing, skips elsewhere)."""
    binary = shutil.which("php")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("php is not installed, but CI must run the plugin tests (.ci/run installs php-cli)")
        pytest.skip("php is not installed (apt-get install php-cli)")
    return binary


def run_php(php: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run php with arguments, capturing output."""
    return subprocess.run([php, *args], capture_output=True, text=True, timeout=120, check=False)
