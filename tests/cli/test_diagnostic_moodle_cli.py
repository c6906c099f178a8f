"""``cooperare diagnostic plan|apply|collect`` through the real entry point, against a sandbox Moodle."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cooperare.cli.context import AppContext
from cooperare.cli.main import main
from cooperare.diagnostic.instrument import load_shipped
from cooperare.diagnostic.moodle import Questionnaire
from cooperare.diagnostic.simulation import answer
from cooperare.moodle.client import MoodleClient
from cooperare.moodle.transport import Transport
from cooperare.sandbox import Sandbox
from cooperare.store import Store
from tests.diagnostic.test_moodle_collection import _people


@pytest.fixture
def box() -> Sandbox:
    return Sandbox()


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, box: Sandbox) -> Path:
    (tmp_path / "cooperare.yaml").write_text(f"site:\n  url: {box.url}\nstore:\n  url: sqlite:///{tmp_path}/c.sqlite\n",
                                            encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COOPERARE_MOODLE_TOKEN", box.token.reveal())

    def transport(self: AppContext) -> Transport:
        return self.adopt(box.transport())

    monkeypatch.setattr(AppContext, "transport", transport)
    return tmp_path


def test_plan_apply_collect_score(workdir: Path, box: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    admin = MoodleClient(box.transport())
    with Store.open(f"sqlite:///{workdir}/c.sqlite") as store:
        people = _people(admin, store)
    assert main(["diagnostic", "collect"]) != 0
    assert "diagnostic apply" in capsys.readouterr().err
    saved = workdir / "plan.json"
    assert main(["diagnostic", "plan", "--json", "--out", str(saved)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert sum(".enrol[" in c["address"] for c in data["changes"]) == 3
    assert main(["diagnostic", "apply", "--yes", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["applied"]["enrolment"] == 3
    assert main(["diagnostic", "apply", "--yes", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["changes"] == []
    assert main(["diagnostic", "apply", "--yes", "--plan", str(saved)]) != 0
    assert "stale" in capsys.readouterr().err

    q = Questionnaire("coop", load_shipped())
    siruta = 1071  # Ciugud (AB): the roster commune of the first two people
    answer(box, admin, q, [(people[0], siruta), (people[1], siruta)], start=datetime(2026, 11, 2, 9, tzinfo=UTC))
    assert main(["diagnostic", "collect"]) == 0
    said = capsys.readouterr()
    out = said.out + said.err
    assert "2 stored" in out and "answered more than once" in out
    assert main(["diagnostic", "collect", "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert (again["stored"], again["already"], len(again["superseded"])) == (0, 2, 1)
    assert main(["diagnostic", "score", "--json"]) == 0
    scored = json.loads(capsys.readouterr().out)
    assert [r["siruta"] for r in scored["results"]] == [siruta] and len(scored["superseded"]) == 1
