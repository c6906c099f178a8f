"""``cooperare demo``'s stages end to end on a fresh sandbox (courses, roster, then certificates), and what the
certificates stage leaves under DIR (certificates, reports, keys, the verification site, a cooperare.yaml that
commands run in DIR can use)."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from cooperare.certificates.publish import open_record
from cooperare.cli.commands.demo import STAGES, DemoRun
from cooperare.cli.commands.demo_certificates import PASSWORD_FILE
from cooperare.cli.context import AppContext
from cooperare.cli.main import cli
from cooperare.config import load_config
from cooperare.moodle.client import MoodleClient
from cooperare.sandbox import Sandbox
from cooperare.store import Store
from cooperare.store.certificates import CertificateRegistry


def test_the_stage_issues_verifies_reports_and_leaves_a_usable_folder(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    box = Sandbox()
    app = AppContext()
    client = MoodleClient(app.adopt(box.transport()))
    with Store.open(tmp_path / "cooperare.sqlite") as store:
        run = DemoRun(app, tmp_path, client, store, store.runs.start("demo"), box)
        for _title, stage in STAGES:
            stage(run)
        valid = CertificateRegistry(store.engine).all(status="valid")
    assert run.summary["courses"]["replan_changes"] == 0
    assert run.summary["reports"]["replan_changes"] == 0 and run.summary["reports"]["course_id"]
    summary = run.summary["certificates"]
    assert summary["issued"] == summary["verified"] == summary["messages"] == len(valid)
    assert 250 < len(valid) <= 300
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == ["certificare.csv", "certificare.pdf",
                                                                         "certificare.xlsx",
                                                                         "panou-certificare.html"]
    assert {p.name for p in (tmp_path / "certificates").glob("*.zip")} == {
        "ong-expert.zip", "adm-alfabetizare.zip", "adm-expert.zip", "alesi-guvernanta.zip"}
    assert stat.S_IMODE((tmp_path / "keys" / PASSWORD_FILE).stat().st_mode) == 0o600
    published = json.loads((tmp_path / "verify" / "registry.json").read_text(encoding="utf-8"))
    assert summary["verify_site"] == str(tmp_path / "verify") and len(published["entries"]) >= len(valid)
    shown = open_record(published, valid[-1].serial)
    assert shown is not None and shown["status"] == "valid" and shown["holder"] == valid[-1].name

    config = load_config(tmp_path / "cooperare.yaml", environ={})
    assert config.certificates.signing.trust_root == tmp_path / "keys" / "root-ca.pem"
    assert config.store.url.endswith(str(tmp_path / "cooperare.sqlite"))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["certificates", "verify", f"certificates/{valid[0].file}"])
    assert result.exit_code == 0 and "VALID" in result.output

    assert summary["badges_verified"] == len(valid)
    credential = Path("certificates", valid[0].file or "").with_suffix(".json")
    badge = CliRunner().invoke(cli, ["certificates", "verify", str(credential)])
    assert badge.exit_code == 0 and "VALID" in badge.output, badge.output
    for name in ("status-list.jwt", "jwks.json"):
        assert (tmp_path / "verify" / name).read_bytes() == (tmp_path / "certificates" / name).read_bytes()

