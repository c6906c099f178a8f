"""``cooperare report publish`` through click's CliRunner against a sandbox Moodle served on a loopback port:
``--plan`` writes nothing, ``--yes`` publishes (and ``--out`` keeps the files), a re-run is a no-op plan."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from cooperare.cli.main import cli
from cooperare.moodle.client import MoodleClient
from cooperare.sandbox import Sandbox
from cooperare.store import Store
from cooperare.store.certificates import CertificateRegistry

from .dashboard_data import records

COURSE = "coop:course:coordonare"


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def box() -> Iterator[tuple[Sandbox, str]]:
    sandbox = Sandbox()
    MoodleClient(sandbox.transport()).users.create([{"username": "ana.coord", "password": "Parola#2026",
                                                     "firstname": "Ana", "lastname": "Ionescu",
                                                     "email": "ana@acor.ro"}])
    with sandbox.served(own_wwwroot=False) as url:
        yield sandbox, url


@pytest.fixture
def workdir(tmp_path: Path, box: tuple[Sandbox, str], monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "cooperare.yaml").write_text(yaml.safe_dump({
        "site": {"url": box[1]}, "store": {"url": "sqlite:///store.sqlite"},
        "reports": {"coordinators": ["ana@acor.ro"]},
    }), encoding="utf-8")
    with Store.open(tmp_path / "store.sqlite") as store:
        CertificateRegistry(store.engine).add_many(records())
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COOPERARE_MOODLE_TOKEN", box[0].token.reveal())
    return tmp_path


def test_plan_then_publish_then_nothing_to_change(workdir: Path, box: tuple[Sandbox, str]) -> None:
    sandbox = box[0]
    shown = invoke("report", "publish", "--plan")
    assert shown.exit_code == 0, shown.output
    assert f"+ create course[{COURSE}]" in shown.output and "Plan only: nothing was written." in shown.output
    with sandbox.server.lock:
        assert sandbox.site.db["course"].first(idnumber=COURSE) is None

    done = invoke("report", "publish", "--yes", "--out", "raport")
    assert done.exit_code == 0, done.output
    assert "Published:" in done.output and "6 resource create" in done.output
    with sandbox.server.lock:
        assert sandbox.site.db["course"].first(idnumber=COURSE) is not None
    written = sorted(p.suffix for p in (workdir / "raport").iterdir())
    assert written == [".html", ".pdf", ".xlsx"]

    again = invoke("report", "publish", "--plan", "--json")
    assert again.exit_code == 0, again.output
    data = json.loads(again.output)
    assert set(data["summary"]) == {"noop"} and data["ws_calls"] > 0


def test_unknown_config_key_is_refused(workdir: Path) -> None:
    (workdir / "cooperare.yaml").write_text("reports:\n  coordinator: [ana@acor.ro]\n", encoding="utf-8")
    result = invoke("report", "publish", "--plan")
    assert result.exit_code == 1 and "reports.coordinator: unknown key" in str(result.exception)


def test_a_role_that_cannot_enter_the_hidden_course_is_refused(workdir: Path) -> None:
    (workdir / "cooperare.yaml").write_text("reports:\n  coordinators: [ana@acor.ro]\n  role: student\n",
                                            encoding="utf-8")
    result = invoke("report", "publish", "--plan")
    assert result.exit_code == 1 and "cannot enter a hidden course" in str(result.exception)
    assert "cooperare.yaml" in str(result.exception)
    (workdir / "cooperare.yaml").write_text("reports:\n  coordinators: [ana@acor.ro]\n  role: student\n"
                                            "  visible: true\n", encoding="utf-8")
    assert "cannot enter" not in str(invoke("report", "publish", "--plan").exception)
