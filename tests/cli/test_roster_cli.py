"""``cooperare roster check|plan|apply|generate`` through the real entry point, against a sandbox Moodle."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cooperare.cli.context import AppContext
from cooperare.cli.main import cli, main
from cooperare.courses.catalogue import load_catalogue
from cooperare.moodle.transport import Transport
from cooperare.sandbox import Sandbox
from tests.sync.conftest import add_track_courses


@pytest.fixture
def box() -> Sandbox:
    sandbox = Sandbox(plugin=False)
    add_track_courses(sandbox, load_catalogue())
    return sandbox


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, box: Sandbox) -> Path:
    """A folder with cooperare.yaml (store inside it) whose Moodle is the sandbox."""
    (tmp_path / "cooperare.yaml").write_text(f"site:\n  url: {box.url}\nroster:\n  enrolment: manual\n",
                                             encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COOPERARE_MOODLE_TOKEN", box.token.reveal())

    def transport(self: AppContext) -> Transport:
        return self.adopt(box.transport())

    monkeypatch.setattr(AppContext, "transport", transport)
    return tmp_path


def generate(workdir: Path, *args: str) -> Path:
    out = workdir / "roster.csv"
    assert main(["roster", "generate", "--count", "40", "--seed", "5", "--out", str(out), *args]) == 0
    return out


def test_every_roster_command_has_help() -> None:
    group = cli.commands["roster"]
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        assert command.help and len(command.help) > 20, name


def test_generate_then_check(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = generate(workdir, "--encoding", "cp1250", "--separator", ",")
    assert main(["roster", "check", str(path)]) == 0
    err = capsys.readouterr().err
    assert "40 people, no problems" in err and "adm-alfabetizare 27" in err


def test_check_lists_every_problem_and_exits_1(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = generate(workdir, "--malformed", "6")
    capsys.readouterr()
    assert main(["roster", "check", str(path)]) == 1
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith(str(path) + ":")]
    assert len(lines) == 6
    assert all(line.split(":")[1].isdigit() and line.split(":")[2].isdigit() for line in lines)
    assert "Hint: run `cooperare roster check FILE`" in err


def test_apply_refuses_an_invalid_file_before_any_call(workdir: Path, box: Sandbox) -> None:
    path = generate(workdir, "--malformed", "1")
    calls_before = len(box.server.calls)
    assert main(["roster", "apply", str(path), "--yes"]) == 1
    assert len(box.server.calls) == calls_before


def test_plan_json_then_apply_then_nothing_to_do(workdir: Path, box: Sandbox,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = generate(workdir)
    capsys.readouterr()
    assert main(["roster", "plan", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ws_calls"] >= 10 and data["mode"] == "manual"
    assert {c["action"] for c in data["changes"]} == {"create"}
    assert all(set(c) >= {"address", "action", "before", "after"} for c in data["changes"])
    assert sum(1 for c in data["changes"] if c["address"].startswith("user[")) == 40
    assert main(["roster", "apply", str(path), "--yes"]) == 0
    err = capsys.readouterr().err
    assert "Roster sync" in err and "create user" in err and "web-service calls" in err
    assert main(["roster", "apply", str(path), "--yes", "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["changes"] == [] and again["done"] == {} and again["ws_calls"] > 0


def test_apply_asks_first_and_a_no_changes_nothing(workdir: Path, box: Sandbox,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    path = generate(workdir)
    monkeypatch.setattr("click.confirm", lambda *a, **k: False)
    assert main(["roster", "apply", str(path)]) == 1
    assert not box.site.db["user"].first(idnumber="coop:person:ACOR-00001")


def test_moodle_errors_exit_3(workdir: Path, box: Sandbox) -> None:
    path = generate(workdir)
    box.faults.add("fail_before_commit", function="core_user_create_users")
    assert main(["roster", "apply", str(path), "--yes"]) == 3
    assert main(["roster", "apply", str(path), "--yes"]) == 0  # resumes


def test_plan_text_prints_addresses_verbatim(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Idnumbers such as ``coop:group:alfabetizare:b:…`` (București) or ``…:ab:…`` (Alba) must not turn into emoji
    (rich reads ``:b:`` and ``:ab:`` as emoji codes)."""
    path = workdir / "roster.csv"
    path.write_text("Cod;Nume;Prenume;E-mail;Instituție;Localitate;Județ;Categorie;Program\n"
                    "B1;Pop;Ana;ana@x.ro;Primăria Sector 1;Sector 1;București;execuție;adm-alfabetizare\n"
                    "B2;Pop;Ion;ion@x.ro;Primăria Blaj;Blaj;Alba;execuție;adm-alfabetizare\n", encoding="utf-8")
    assert main(["roster", "plan", str(path), "--json"]) == 0
    addresses = [c["address"] for c in json.loads(capsys.readouterr().out)["changes"]]
    assert any(":b:" in a for a in addresses) and any(":ab:" in a for a in addresses)
    assert main(["roster", "plan", str(path)]) == 0
    err = capsys.readouterr().err
    for address in addresses:
        assert address in err
