"""The bench/ scripts stay runnable: each runs once on a tiny workload (figures themselves are never asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
SMALL = {
    "client.py": ["--calls", "20"],
    "provision.py": [],
    "manual.py": ["--repeat", "1"],
    "sync.py": ["--sizes", "20", "--in-process"],
    "certificates.py": ["--certificates", "4", "--people", "50", "--workers", "1", "--completion-people", "20"],
    "diagnostic.py": ["--communes", "30"],
    "verify_site.py": ["--certificates", "5"],
    "events.py": ["--participants", "40"],
    "events_moodle.py": ["--participants", "30", "--people", "12"],
    "consultation.py": ["--contributions", "200", "--parts", "10"],
    "report_publish.py": ["--certificates", "30"],
    "badges.py": ["--credentials", "5"],
}


def test_every_bench_script_has_a_small_run() -> None:
    assert sorted(SMALL) == sorted(p.name for p in BENCH.glob("*.py"))


@pytest.mark.parametrize("script", sorted(SMALL))
def test_bench_script_runs_on_a_small_workload(script: str, tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, str(BENCH / script), *SMALL[script]], capture_output=True, text=True,
                            timeout=600, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert any(char.isdigit() for char in result.stdout), result.stdout


def test_sync_bench_server_model_runs_on_a_small_workload(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, str(BENCH / "sync.py"), "--server-model", "--sizes", "20",
                             "--concurrency", "1", "2", "--time-scale", "0.01"], capture_output=True, text=True,
                            timeout=600, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "concurrency 1:" in result.stdout and "concurrency 2:" in result.stdout, result.stdout
    assert "0 failures" in result.stdout
