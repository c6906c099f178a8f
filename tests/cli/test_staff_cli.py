"""``cooperare staff plan|apply`` through the real entry point, against a sandbox Moodle with the roster synced."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cooperare.cli.context import AppContext
from cooperare.cli.main import cli, main
from cooperare.courses.catalogue import load_catalogue
from cooperare.sandbox import Sandbox
from tests.sync.conftest import add_track_courses

STAFF = """staff:
  people:
    - key: F01
      firstname: Ioana
      lastname: Țăranu
      email: ioana.taranu@example.org
      courses:
        - {course: expert-adm, kind: trainer, groups: [all]}
        - {course: alfabetizare, kind: tutor}
"""


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    box = Sandbox(plugin=False)
    add_track_courses(box, load_catalogue())
    (tmp_path / "cooperare.yaml").write_text(f"site:\n  url: {box.url}\nroster:\n  enrolment: manual\n{STAFF}",
                                             encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COOPERARE_MOODLE_TOKEN", box.token.reveal())
    monkeypatch.setattr(AppContext, "transport", lambda self: self.adopt(box.transport()))
    return tmp_path


def test_every_staff_command_has_help() -> None:
    for name, command in cli.commands["staff"].commands.items():  # type: ignore[attr-defined]
        assert command.help and len(command.help) > 20, name


def test_plan_apply_and_a_held_trainee(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    roster = workdir / "roster.csv"
    assert main(["roster", "generate", "--count", "30", "--seed", "5", "--out", str(roster)]) == 0
    assert main(["roster", "apply", str(roster), "--yes"]) == 0
    capsys.readouterr()
    assert main(["staff", "plan", "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    addresses = {c["address"]: c["action"] for c in plan["changes"] if c["action"] != "noop"}
    assert addresses["course[coop:course:expert-adm].staff[F01]"] == "create" and plan["holds"] == []
    assert main(["staff", "apply", "--yes"]) == 0
    assert "Done: 1 create user, 2 enrol" in capsys.readouterr().err
    assert main(["staff", "plan"]) == 0
    assert "0 to create, 0 to update" in capsys.readouterr().err
    trainee = next(line for line in roster.read_text(encoding="utf-8-sig").splitlines()
                   if "alfabetizare digitală" in line)  # a trainee of a course F01 is named to tutor
    email = next(cell for cell in trainee.split(";") if "@" in cell)
    config = workdir / "cooperare.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("ioana.taranu@example.org", email)
                      .replace("key: F01", "key: F02"), encoding="utf-8")
    assert main(["staff", "plan", "--roster", str(roster)]) == 0
    err = capsys.readouterr().err
    assert "held:" in err and email in err and "never a trainee" in err
