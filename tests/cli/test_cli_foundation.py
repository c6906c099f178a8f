"""The CLI's foundation: help everywhere, exit codes, `moodle check` against a served sandbox, secrets never shown."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
import requests
import responses
from click.testing import CliRunner

from cooperare import __version__
from cooperare.cli.main import cli, main
from cooperare.moodle.contract import plugin_description
from cooperare.sandbox import Sandbox

README = Path(__file__).resolve().parents[2] / "README.md"
TOKEN = "c0ffee00c0ffee00c0ffee00c0ffee00"


def all_commands(group: click.Group, prefix: str = "") -> Iterator[tuple[str, click.Command]]:
    for name, command in sorted(group.commands.items()):
        full = f"{prefix} {name}".strip()
        yield full, command
        if isinstance(command, click.Group):
            yield from all_commands(command, full)


def test_every_command_has_help_and_is_in_the_readme() -> None:
    readme = README.read_text(encoding="utf-8")
    for name, command in all_commands(cli):
        assert (command.help or "").strip(), f"{name} has no help text"
        result = CliRunner().invoke(cli, [*name.split(), "--help"])
        assert result.exit_code == 0, name
        if not isinstance(command, click.Group):
            assert f"cooperare {name}" in readme, f"`cooperare {name}` is not documented in README.md"


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"cooperare {__version__}"


def test_exit_codes_for_usage_and_missing_configuration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("COOPERARE_MOODLE_URL", "COOPERARE_MOODLE_TOKEN", "COOPERARE_MOODLE_TOKEN_FILE"):
        monkeypatch.delenv(name, raising=False)
    assert main(["moodle", "chek"]) == 2
    assert main(["moodle", "check"]) == 1
    assert "no Moodle site configured" in capsys.readouterr().err


@pytest.fixture
def served() -> Iterator[tuple[str, Sandbox]]:
    box = Sandbox(token=TOKEN)
    with box.served() as url:
        yield url, box


def test_moodle_check_against_a_served_sandbox(served: tuple[str, Sandbox], monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    url, box = served
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COOPERARE_MOODLE_URL", url)
    monkeypatch.setenv("COOPERARE_MOODLE_TOKEN", TOKEN)
    assert main(["moodle", "check", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["release"] == box.site.release
    assert report["missing_core_functions"] == []
    shipped = plugin_description()["version"]  # the sandbox installs the plugin version the pack ships
    assert report["plugin"]["installed"] and report["plugin"]["version"] == shipped
    assert report["max_input_vars"] == {"budget": 1000, "accepted": True, "probed": True}
    # A fresh site: English only and the recorded site's London timezone; both are said, with what to do.
    assert report["romanian"]["langpack"] is False and report["romanian"]["timezone"] == "Europe/London"
    assert any("Romanian language pack is not installed" in w and "Language packs" in w for w in report["warnings"])
    assert any("Europe/London" in w and "Europe/Bucharest" in w for w in report["warnings"])
    assert report["ws_calls"] == 3
    assert main(["moodle", "check"]) == 0
    text = capsys.readouterr().err
    assert f"Plugin local_cooperare: version {shipped}" in text and "3 web-service calls" in text
    assert "Romanian language pack: NOT installed; site timezone Europe/London" in text
    assert report["romanian"]["hint"] == "" and "comma-below" not in text

    box.site.settings.config.update(languages=[["en", "English"], ["ro", "Română"]], timezone="Europe/Bucharest")
    assert main(["moodle", "check", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["romanian"]["langpack"] is True and report["romanian"]["languages"] == ["en", "ro"]
    assert not any("Romanian" in w or "timezone" in w for w in report["warnings"])
    # The pack Moodle ships spells its own strings with cedillas (walk of 2026-12-03): the check says how to fix it.
    assert "langpack comma-below" in report["romanian"]["hint"]
    assert main(["moodle", "check"]) == 0
    text = capsys.readouterr().err
    assert "Romanian language pack: installed" in text and "ro_local" in text


def test_low_max_input_vars_is_reported(served: tuple[str, Sandbox], monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    url, box = served
    box.site.settings.max_input_vars = 500
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COOPERARE_MOODLE_URL", url)
    monkeypatch.setenv("COOPERARE_MOODLE_TOKEN", TOKEN)
    assert main(["moodle", "check", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["max_input_vars"]["accepted"] is False
    assert any("max_input_vars" in warning for warning in report["warnings"])


def test_wrong_token_exits_3_with_a_clear_message(served: tuple[str, Sandbox], monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    url, _ = served
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COOPERARE_MOODLE_URL", url)
    wrong = "deadbeefdeadbeefdeadbeefdeadbeef"
    monkeypatch.setenv("COOPERARE_MOODLE_TOKEN", wrong)
    assert main(["--debug", "moodle", "check"]) == 3
    err = capsys.readouterr().err
    assert "Invalid token" in err and "invalidtoken" in err
    assert wrong not in err


@responses.activate
def test_the_token_never_appears_in_output_logs_or_debug_tracebacks(monkeypatch: pytest.MonkeyPatch,
                                                                    capsys: pytest.CaptureFixture[str],
                                                                    tmp_path: Path) -> None:
    """A proxy that echoes the request (token included) in its error page: the CLI must still never show it."""
    url = "https://moodle.example.ro"

    def echo(request):  # type: ignore[no-untyped-def]
        return 502, {}, f"<html><body>Bad gateway for request {request.body}</body></html>"

    responses.add_callback(responses.POST, url + "/webservice/rest/server.php", callback=echo)
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    token_file.chmod(0o600)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COOPERARE_MOODLE_URL", url)
    monkeypatch.delenv("COOPERARE_MOODLE_TOKEN", raising=False)
    monkeypatch.setenv("COOPERARE_MOODLE_TOKEN_FILE", str(token_file))
    code = main(["--debug", "moodle", "check", "--json"])
    captured = capsys.readouterr()
    assert code == 3
    assert "Bad gateway" in captured.err and "Traceback" in captured.err and "[REDACTED]" in captured.err
    assert TOKEN not in captured.err + captured.out
    assert all(TOKEN not in call.request.url for call in responses.calls)


def test_token_file_readable_by_others_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN)
    token_file.chmod(0o644)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COOPERARE_MOODLE_URL", "https://moodle.example.ro")
    monkeypatch.delenv("COOPERARE_MOODLE_TOKEN", raising=False)
    monkeypatch.setenv("COOPERARE_MOODLE_TOKEN_FILE", str(token_file))
    assert main(["moodle", "check"]) == 1
    err = capsys.readouterr().err
    assert "0644" in err and "chmod 600" in err and TOKEN not in err


def test_sandbox_serve_prints_url_and_token_and_answers(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "cooperare.cli.main", "sandbox", "serve", "--port", "0", "--token", TOKEN,
         "--max-input-vars", "1000", "--control"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = [process.stdout.readline() for _ in range(3)]  # type: ignore[union-attr]
        url = re.search(r"url: (\S+)", lines[0]).group(1)  # type: ignore[union-attr]
        assert lines[1].strip() == f"token: {TOKEN}"
        answer = requests.post(url + "/webservice/rest/server.php", timeout=10, data={
            "wstoken": TOKEN, "wsfunction": "core_webservice_get_site_info", "moodlewsrestformat": "json"}).json()
        assert answer["siteurl"] == url and answer["release"].startswith("4.5.6")
        assert requests.post(url + "/_sandbox/config", data={"max_input_vars": "10"}, timeout=10).ok
        assert requests.post(url + "/_sandbox/reset", timeout=10).json() == {"reset": True}
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_configured_catalogue_is_the_one_every_command_uses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    from cooperare.courses.catalogue import default_catalogue_path

    own = tmp_path / "catalogul-nostru"
    shutil.copytree(default_catalogue_path().parent, own)
    settings = own / "settings.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("pass_percent: 70", "pass_percent: 170"),
                        encoding="utf-8")
    (tmp_path / "cooperare.yaml").write_text("site:\n  url: https://moodle.example.ro\ncatalogue: catalogul-nostru\n",
                                             encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["catalogue", "check"]) == 1
    assert "catalogul-nostru/settings.yaml" in capsys.readouterr().err
    assert main(["catalogue", "check", str(default_catalogue_path())]) == 0


def test_debug_log_of_urllib3_child_loggers_is_redacted(capsys: pytest.CaptureFixture[str]) -> None:
    """urllib3 logs through child loggers (urllib3.connectionpool): their records are redacted too."""
    from cooperare.cli.main import _setup_logging
    from cooperare.secrets import REDACTED, register

    secret = "f00dfeedcafe0123456789abcdef4242"
    register(secret)
    _setup_logging(True)
    try:
        logging.getLogger("urllib3.connectionpool").debug("POST /webservice/rest/server.php?wstoken=%s", secret)
        logging.getLogger("urllib3").warning("retrying with token %s", secret)
    finally:
        _setup_logging(False)
    err = capsys.readouterr().err
    assert "urllib3.connectionpool: POST /webservice/rest/server.php?wstoken=" + REDACTED in err
    assert "retrying with token " + REDACTED in err
    assert secret not in err
    assert logging.getLogger("urllib3").handlers == []
    assert logging.getLogger("urllib3").propagate
