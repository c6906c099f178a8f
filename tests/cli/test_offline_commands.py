"""Commands that do not talk to Moodle run with no site: in cooperare.yaml and no environment variables."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cooperare.cli.main import cli, main

ENVIRONMENT = ("COOPERARE_MOODLE_URL", "COOPERARE_MOODLE_TOKEN", "COOPERARE_MOODLE_TOKEN_FILE",
               "COOPERARE_VAR_BUDGET", "COOPERARE_STORE_URL", "COOPERARE_SIGNING_PASSWORD")


@pytest.fixture(params=["no file", "file without site"])
def workdir(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    if request.param == "file without site":
        (tmp_path / "cooperare.yaml").write_text("roster:\n  username: email\n", encoding="utf-8")
    return tmp_path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_roster_check_and_generate(workdir: Path) -> None:
    assert run("roster", "generate", "--count", "12", "--seed", "3", "--out", "r.csv")[0] == 0
    code, output = run("roster", "check", "r.csv")
    assert code == 0, output
    assert "12 people, no problems" in output


def test_catalogue_check(workdir: Path) -> None:
    code, output = run("catalogue", "check")
    assert code == 0, output
    assert "4 courses" in output


def test_report_certification(workdir: Path) -> None:
    code, output = run("report", "certification", "--format", "csv", "--out", "raport.csv")
    assert code == 0, output
    assert (workdir / "raport.csv").stat().st_size > 0


def test_certificates_verify_reads_only_the_store(workdir: Path) -> None:
    code, output = run("certificates", "verify", "--serial", "7K2M-9QXD-4TBW-H0RC")
    assert "no Moodle site" not in output and "configuration" not in output
    assert code == 1 and "7K2M-9QXD-4TBW-H0RC" in output


def test_a_command_that_talks_to_moodle_says_the_site_is_missing(workdir: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["moodle", "check"]) == 1
    assert "no Moodle site configured" in capsys.readouterr().err


@pytest.mark.parametrize("args, said", [
    (("consultation", "deadlines", "--announced", "2026-12-01"), "art. 7"),
    (("consultation", "check"), "no problems"),
    (("diagnostic", "check"), "Instrument"),
    (("events", "check"), "planned"),
    (("manual", "check"), "finding"),
    (("certificates", "list"), "0 certificates"),
    (("plugin", "package", "--out", "local_cooperare.zip"), "local_cooperare"),
])
def test_the_newer_offline_commands(workdir: Path, args: tuple[str, ...], said: str) -> None:
    code, output = run(*args)
    assert code == 0, output
    assert said in output and "no Moodle site" not in output
