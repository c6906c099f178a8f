"""``cooperare consultation deadlines`` and ``check``: offline, each date with its rule and article."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from cooperare.cli.main import cli, main

ENVIRONMENT = ("COOPERARE_MOODLE_URL", "COOPERARE_MOODLE_TOKEN", "COOPERARE_MOODLE_TOKEN_FILE",
               "COOPERARE_VAR_BUDGET", "COOPERARE_STORE_URL")


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_deadlines_json_around_orthodox_easter(workdir: Path) -> None:
    code, output = run("consultation", "deadlines", "--announced", "2026-03-25", "--json")
    assert code == 0, output
    data = json.loads(output)
    dates = {item["key"]: item for item in data["dates"]}
    assert dates["earliest_submission"]["date"] == "2026-05-11"
    assert dates["earliest_submission"]["article"] == "art. 7 alin. (2)"
    assert dates["recommendations_until"]["date"] == "2026-04-04"
    assert all(item["rule"] and item["law"].startswith("Legea nr. 52/2003") for item in data["dates"])
    assert [h["date"] for h in data["holidays_skipped"]] == ["2026-04-10", "2026-04-13", "2026-05-01"]
    assert {rule["key"] for rule in data["rules"]} >= {"debate_request", "debate_held_by", "annual_report"}


def test_deadlines_table_with_a_debate(workdir: Path) -> None:
    code, output = run("consultation", "deadlines", "--announced", "2024-12-20", "--window-days", "14",
                       "--debate-published", "2025-01-03")
    assert code == 0, output
    assert "11.02.2025 (marți)" in output          # Christmas, New Year, 6-7 and 24 January skipped
    assert "03.01.2025 (vineri)" in output         # 20 December + 14 calendar days
    assert "13.01.2025 (luni)" in output           # the debate at most 10 days after its announcement
    assert "art. 7 alin. (10)" in output and "Crăciunul" in output and "Boboteaza" in output


def test_deadlines_refuses_a_short_window(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["consultation", "deadlines", "--announced", "2026-03-02", "--window-days", "7"]) == 1
    assert "legal minimum of 10 calendar days" in capsys.readouterr().err
    assert main(["consultation", "deadlines", "--announced", "2026-02-30"]) == 2


def test_check_the_shipped_consultations(workdir: Path) -> None:
    code, output = run("consultation", "check")
    assert code == 0, output
    assert "manual-consultare-1" in output and "manual-consultare-2" in output
    assert "2 consultation(s) from the shipped consultations, no problems." in output
    code, output = run("consultation", "check", "--json")
    data = json.loads(output)
    second = data["consultations"][1]
    assert second["authority"]["type"] == "ngo_partnership"
    assert second["structure"][4] == {"key": "cap-05", "kind": "chapter",
                                      "title": "Participarea digitală a cetățenilor"}
    assert {d["key"]: d["date"] for d in second["calendar"]["dates"]}["earliest_submission"] == "2026-12-02"


def test_check_reads_cooperare_yaml_and_names_file_and_field_on_bad_input(
        workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "proiect.pdf").write_bytes(b"%PDF-1.7\n")
    consultation = textwrap.dedent("""\
        - id: hcl-pasune
          authority: {name: Holboca, type: commune, county: IS}
          title: Regulamentul pășunii comunale
          kind: normative_draft
          explanatory_note: Referat de aprobare.
          announced: 2026-04-01
          contact: {name: Secretarul general, address: Primăria Holboca}
          documents: [proiect.pdf]
          structure: [{key: art-1, kind: article, title: Articolul 1}]
        """)
    (workdir / "cooperare.yaml").write_text("consultations:\n" + textwrap.indent(consultation, "  "),
                                            encoding="utf-8")
    code, output = run("consultation", "check", "--json")
    assert code == 0, output
    data = json.loads(output)
    assert [c["id"] for c in data["consultations"]] == ["hcl-pasune"]
    assert data["consultations"][0]["authority"]["county_name"] == "Iași"

    broken = consultation.replace("announced: 2026-04-01", "announced: 2026-04-01\n  recommendation_days: 5")
    (workdir / "cooperare.yaml").write_text("consultations:\n" + textwrap.indent(broken, "  "), encoding="utf-8")
    assert main(["consultation", "check"]) == 1
    err = capsys.readouterr().err
    assert "cooperare.yaml:8:" in err and "consultations[0].recommendation_days" in err and "legal minimum" in err

    (workdir / "cooperare.yaml").write_text("consultations: alta/\n", encoding="utf-8")
    assert main(["consultation", "check"]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_check_a_given_path(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "c.yaml").write_text("id: x\n", encoding="utf-8")
    assert main(["consultation", "check", "c.yaml"]) == 1
    err = capsys.readouterr().err
    assert "c.yaml" in err and "missing required key" in err
