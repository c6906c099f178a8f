"""``cooperare consultation plan|apply|collect|publish`` through the real entry point, against a sandbox Moodle."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cooperare.cli.context import AppContext
from cooperare.cli.main import main
from cooperare.moodle.transport import Transport
from cooperare.sandbox import Sandbox

ID = "manual-consultare-1"


@pytest.fixture
def box() -> Sandbox:
    return Sandbox()


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, box: Sandbox) -> Path:
    (tmp_path / "cooperare.yaml").write_text(f"site:\n  url: {box.url}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COOPERARE_MOODLE_TOKEN", box.token.reveal())

    def transport(self: AppContext) -> Transport:
        return self.adopt(box.transport())

    monkeypatch.setattr(AppContext, "transport", transport)
    return tmp_path


def test_plan_apply_then_nothing_to_do_and_a_stale_saved_plan_is_refused(
        workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    saved = workdir / "plan.json"
    assert main(["consultation", "plan", ID, "--json", "--out", str(saved)]) == 0
    data = json.loads(capsys.readouterr().out)
    addresses = [c["address"] for c in data["changes"]]
    assert {c["action"] for c in data["changes"]} == {"create"}
    assert any(".discussion[manual-consultare-1:cap-01]" in a for a in addresses)
    assert any(".enrol[self]" in a for a in addresses) and any(".event[" in a for a in addresses)
    assert main(["consultation", "apply", ID, "--yes", "--json"]) == 0
    applied = json.loads(capsys.readouterr().out)["applied"]
    assert applied["forum discussion"] == 11 and applied["activity create"] >= 4
    assert main(["consultation", "apply", ID, "--yes", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["changes"] == []
    assert main(["consultation", "apply", ID, "--yes", "--plan", str(saved)]) != 0
    assert "stale" in capsys.readouterr().err


def test_collect_and_publish_on_an_empty_forum(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["consultation", "collect", ID]) != 0  # nothing provisioned yet
    assert "consultation apply" in capsys.readouterr().err
    assert main(["consultation", "apply", "--yes"]) == 0
    capsys.readouterr()
    assert main(["consultation", "collect", ID, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["new"] == 0 and data["discussions"] == 11 and data["ws_calls"] > 0
    assert main(["consultation", "publish", ID, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["posted"] == 0
