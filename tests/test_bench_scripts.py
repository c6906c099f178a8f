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
# Scripts made for a real Moodle; their small run is on a served sandbox (below).
REAL_SITE = {"real_sync.py"}


def test_every_bench_script_has_a_small_run() -> None:
    assert sorted([*SMALL, *REAL_SITE]) == sorted(p.name for p in BENCH.glob("*.py"))


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


FAKE_UPLOADUSER = """
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
assert rows and all(r["username"] and r["cohort1"] and r["course1"] and r["email"] for r in rows), rows[:2]
print(f"Users created: {len(rows)}")
"""


def test_real_sync_bench_runs_against_a_served_sandbox(tmp_path: Path) -> None:
    """bench/real_sync.py on a sandbox served over HTTP: reset between runs, the pack's sync, and an uploaduser
    stand-in that checks the CSV it is given (every person with cohort, course and e-mail)."""
    import re

    server = subprocess.Popen([sys.executable, "-m", "cooperare.cli.main", "sandbox", "serve", "--port", "0",
                               "--control"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = re.search(r"url: (\S+)", server.stdout.readline()).group(1)  # type: ignore[union-attr]
        token = re.search(r"token: (\S+)", server.stdout.readline()).group(1)  # type: ignore[union-attr]
        token_file = tmp_path / "token.txt"
        token_file.write_text(token, encoding="utf-8")
        fake = tmp_path / "fake_uploaduser.py"
        fake.write_text(FAKE_UPLOADUSER, encoding="utf-8")
        reset = f"{sys.executable} -c \"import requests; requests.post('{url}/_sandbox/reset', timeout=10)\""
        result = subprocess.run([sys.executable, str(BENCH / "real_sync.py"), "--url", url, "--token-file",
                                 str(token_file), "--restore", reset, "--uploaduser",
                                 f"{sys.executable} {fake} {{csv}}", "--size", "20", "--concurrency", "1", "2",
                                 "--runs", "1"], capture_output=True, text=True, timeout=600, cwd=tmp_path)
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Users created: 20" in result.stdout, result.stdout
    assert "pack, concurrency 1:" in result.stdout and "pack, concurrency 2:" in result.stdout, result.stdout
    assert " 0 failures" in result.stdout and "x uploaduser" in result.stdout, result.stdout
    assert token not in result.stdout + result.stderr
