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
    with sandbox.served(own_wwwroot=False) as url:
        yield sandbox, url


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
    assert answer["signed"] is False and "certificates.signing.pkcs12" in answer["unsigned_reason"]
    assert "NOT signed" in applied.stderr
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


def test_with_a_key_plan_needs_no_password_and_apply_publishes_the_signed_pdf(
        tmp_path: Path, box: tuple[Sandbox, str], monkeypatch: pytest.MonkeyPatch) -> None:
    from cooperare.certificates.keygen import make_demo_keys
    from cooperare.secrets import Secret

    keys = make_demo_keys(tmp_path / "keys", password=Secret("parola-manual"), organisation="ACoR",
                          common_name="Semnătură de test")
    _workdir(tmp_path, box, monkeypatch)
    config = yaml.safe_load((tmp_path / "cooperare.yaml").read_text(encoding="utf-8"))
    config["certificates"] = {"signing": {"pkcs12": str(keys.pkcs12), "password_env": "MANUAL_KEY_PASSWORD"}}
    (tmp_path / "cooperare.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    monkeypatch.delenv("MANUAL_KEY_PASSWORD", raising=False)
    planned = invoke("manual", "plan", "--json")  # no password anywhere, no terminal: the plan still runs
    assert planned.exit_code == 0, planned.output
    shown = json.loads(planned.stdout)
    assert shown["signed"] is True and shown["unsigned_reason"] is None
    pdf = next(c for c in shown["changes"] if c["address"].endswith("[coop:manual:pdf]"))
    assert pdf["after"]["spechash"].endswith(":semnat")
    refused = invoke("manual", "apply", "--yes")  # apply signs, so it needs the password
    assert refused.exit_code != 0 and "MANUAL_KEY_PASSWORD" in str(refused.exception)
    monkeypatch.setenv("MANUAL_KEY_PASSWORD", "parola-manual")
    applied = invoke("manual", "apply", "--yes", "--json")
    assert applied.exit_code == 0, applied.output
    assert json.loads(applied.stdout)["signed"] is True and "parola-manual" not in applied.output
    monkeypatch.delenv("MANUAL_KEY_PASSWORD")
    again = invoke("manual", "plan", "--json")  # the plan's spec hash is the one apply wrote
    assert all(c["action"] == "noop" for c in json.loads(again.stdout)["changes"])
    files = [r for r in box[0].site.db["files"] if r["component"] == "mod_resource" and r["filename"].endswith(".pdf")]
    assert len(files) == 1 and b"/ByteRange" in files[0]["content"]
