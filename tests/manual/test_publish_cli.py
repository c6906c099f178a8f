"""``cooperare manual plan|apply`` through click's CliRunner against a sandbox Moodle served on a loopback port:
plan writes nothing, apply --yes publishes, a re-run has nothing to change; a site without the plugin is an error
that says what is missing (exit 3 or 1, never a traceback)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from cooperare.cli.main import cli
from cooperare.sandbox import Sandbox

COURSE = "coop:course:manual"


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def _served(plugin: bool) -> Iterator[tuple[Sandbox, str]]:
    sandbox = Sandbox(plugin=plugin)
    httpd = sandbox.serve()
    try:
        yield sandbox, f"http://127.0.0.1:{httpd.port}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def box() -> Iterator[tuple[Sandbox, str]]:
    yield from _served(plugin=True)


def _workdir(tmp_path: Path, box: tuple[Sandbox, str], monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "cooperare.yaml").write_text(yaml.safe_dump({
        "site": {"url": box[1]}, "store": {"url": "sqlite:///store.sqlite"}}), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COOPERARE_MOODLE_TOKEN", box[0].token.reveal())
    return tmp_path


def test_plan_then_apply_then_nothing_to_change(tmp_path: Path, box: tuple[Sandbox, str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    _workdir(tmp_path, box, monkeypatch)
    shown = invoke("manual", "plan")
    assert shown.exit_code == 0, shown.output
    assert f"course[{COURSE}]" in shown.output and "Plan only: nothing was written." in shown.output
    applied = invoke("manual", "apply", "--yes", "--json")
    assert applied.exit_code == 0, applied.output
    answer = json.loads(applied.stdout)
    assert answer["uploaded"] == 2 and answer["chapters"]["created"] > 10
    assert answer["url"].endswith(f"/course/view.php?id={answer['course_id']}")
    again = invoke("manual", "apply", "--yes", "--json")
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["applied"] == {}
    assert all(c["action"] == "noop" for c in json.loads(again.stdout)["changes"])


def test_without_the_plugin_the_error_names_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    from cooperare.cli.main import main

    for served in _served(plugin=False):
        _workdir(tmp_path, served, monkeypatch)
        code = main(["manual", "plan"])
        err = capsys.readouterr().err
        assert code in (1, 3), err
        assert "local_cooperare" in err and "Traceback" not in err
