"""The ``cooperare certificates`` and ``cooperare report`` commands through click's CliRunner, against a sandbox
Moodle served on a loopback port."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from cooperare.certificates.keygen import DemoKeys
from cooperare.cli.main import cli
from cooperare.errors import CertificateError, MoodleError, SecretError
from cooperare.sandbox import simulate
from cooperare.store.certificates import CertificateRegistry

from .conftest import PASSWORD, MoodleTrack


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


@pytest.fixture
def served(moodle_track: MoodleTrack) -> Iterator[str]:
    with moodle_track.box.served(own_wwwroot=False) as url:
        yield url


@pytest.fixture
def workdir(tmp_path: Path, demo_keys: DemoKeys, served: str, moodle_track: MoodleTrack,
            monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "cooperare.yaml").write_text(yaml.safe_dump({
        "site": {"url": served},
        "store": {"url": "sqlite:///store.sqlite"},
        "certificates": {
            "verify_url": "https://cooperare.example.ro/verificare",
            "signatory": {"name": "Maria Ionescu", "role": "Președinte"},
            "signing": {"pkcs12": str(demo_keys.pkcs12), "trust_root": str(demo_keys.root_certificate)},
            "workers": 1,
        },
    }, allow_unicode=True), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COOPERARE_MOODLE_TOKEN", moodle_track.box.token.reveal())
    monkeypatch.delenv("COOPERARE_SIGNING_PASSWORD", raising=False)
    return tmp_path


def test_every_command_has_help() -> None:
    for group in ("certificates", "report"):
        result = invoke(group, "--help")
        assert result.exit_code == 0
        for line in result.output.split("Commands:")[1].strip().splitlines():
            name = line.split()[0]
            sub = invoke(group, name, "--help")
            assert sub.exit_code == 0 and len(sub.output.splitlines()) > 3, name


def test_keygen_writes_private_keys_and_takes_the_password_from_the_environment(tmp_path: Path) -> None:
    result = invoke("certificates", "keygen", "--out", str(tmp_path / "k"),
                    env={"COOPERARE_SIGNING_PASSWORD": PASSWORD})
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE((tmp_path / "k" / "signing.p12").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "k" / "root-ca.key").stat().st_mode) == 0o600
    assert PASSWORD not in result.output


def test_keygen_without_a_password_and_without_a_terminal_refuses(tmp_path: Path) -> None:
    result = invoke("certificates", "keygen", "--out", str(tmp_path / "k"), env={"COOPERARE_SIGNING_PASSWORD": ""})
    assert isinstance(result.exception, CertificateError) and "no password" in str(result.exception)
    assert not (tmp_path / "k").exists()


def test_a_password_option_does_not_exist() -> None:
    assert "--password " not in invoke("certificates", "issue", "--help").output
    assert invoke("certificates", "issue", "--password", "x").exit_code == 2


def test_status_issue_verify_revoke_list_and_report(workdir: Path, moodle_track: MoodleTrack) -> None:
    site, users = moodle_track.box.site, moodle_track.users
    with moodle_track.box.server.lock:
        simulate.record_quiz_attempt(site, moodle_track.quiz_id, users["ana"], 9.5)
        simulate.record_quiz_attempt(site, moodle_track.quiz_id, users["dan"], 5.0)

    status = invoke("certificates", "status", "--json")
    assert status.exit_code == 0, status.output
    tracks = {t["track"]: t for t in json.loads(status.stdout)["tracks"]}
    people = {p["name"]: p for p in tracks["adm-expert"]["people"]}
    assert people["Ana Ilie"]["state"] == "eligible"
    assert people["Dănuț Popa"]["missing"] == ["course expert-adm not completed",
                                               "final quiz 50% below the pass mark 75%"]
    assert tracks["adm-alfabetizare"]["people"] == []

    no_password = invoke("certificates", "issue", "--track", "adm-expert")
    assert isinstance(no_password.exception, CertificateError) and "no password" in str(no_password.exception)

    dry = invoke("certificates", "issue", "--track", "adm-expert", "--dry-run", "--json")
    assert json.loads(dry.stdout)["tracks"][0]["would_issue"] == 1 and not (workdir / "certificates").exists()

    issued = invoke("certificates", "issue", "--track", "adm-expert", "--json",
                    env={"COOPERARE_SIGNING_PASSWORD": PASSWORD})
    assert issued.exit_code == 0, issued.output
    [summary] = json.loads(issued.stdout)["tracks"]
    assert summary["issued"] == 1 and Path(summary["zip"]).is_file()
    [serial] = summary["serials"]
    [pdf] = (workdir / "certificates" / "adm-expert").glob("*.pdf")
    assert PASSWORD not in issued.output

    again = invoke("certificates", "issue", "--track", "adm-expert", "--json",
                   env={"COOPERARE_SIGNING_PASSWORD": PASSWORD})
    assert json.loads(again.stdout)["tracks"][0]["issued"] == 0  # frozen

    ok = invoke("certificates", "verify", str(pdf))
    assert ok.exit_code == 0 and "VALID" in ok.output
    assert invoke("certificates", "verify", "--serial", serial.lower()).exit_code == 0

    listed = json.loads(invoke("certificates", "list", "--json").stdout)["certificates"]
    assert [(c["serial"], c["name"], c["status"]) for c in listed] == [(serial, "Ana Ilie", "valid")]

    report = invoke("report", "certification", "--out", "reports/r.csv")
    assert report.exit_code == 0 and "1 certified of 292" in report.output
    assert "Ana Ilie" in (workdir / "reports" / "r.csv").read_text(encoding="utf-8-sig")

    badge = pdf.with_suffix(".json")
    for credential in (badge, pdf.with_suffix(".jwt")):
        checked = invoke("certificates", "verify", str(credential), "--json")
        assert checked.exit_code == 0, checked.output
        assert {c["check"] for c in json.loads(checked.stdout)["checks"]} == {"signature", "validity",
                                                                            "status list", "status"}
    tampered = workdir / "tampered.json"
    tampered.write_text(badge.read_text().replace("eyJ", "eyK", 2))
    assert isinstance(invoke("certificates", "verify", str(tampered)).exception, CertificateError)

    no_key = invoke("certificates", "revoke", serial, "--reason", "eroare de evaluare")
    assert isinstance(no_key.exception, CertificateError) and "no password" in str(no_key.exception)
    assert json.loads(invoke("certificates", "list", "--json").stdout)["certificates"][0]["status"] == "valid"
    revoking = invoke("certificates", "revoke", serial, "--reason", "eroare de evaluare",
                      env={"COOPERARE_SIGNING_PASSWORD": PASSWORD})
    assert revoking.exit_code == 0, revoking.output
    assert "status list rewritten" in revoking.output
    revoked = invoke("certificates", "verify", str(pdf), "--json")
    assert isinstance(revoked.exception, CertificateError)
    checks = {c["check"]: c for c in json.loads(revoked.stdout)["checks"]}
    assert not checks["status"]["ok"] and "eroare de evaluare" in checks["status"]["detail"]
    revoked_badge = invoke("certificates", "verify", str(badge), "--json")
    assert isinstance(revoked_badge.exception, CertificateError)
    checks = {c["check"]: c for c in json.loads(revoked_badge.stdout)["checks"]}
    assert checks["signature"]["ok"] and not checks["status list"]["ok"]
    assert "revoked" in checks["status list"]["detail"]

    published = invoke("certificates", "publish", "--out", "site")
    assert published.exit_code == 0, published.output
    status_list = (workdir / "certificates" / "status-list.jwt").read_text()
    assert (workdir / "site" / "status-list.jwt").read_text() == status_list
    assert (workdir / "site" / "jwks.json").is_file()


def test_issue_and_deliver_put_the_pdf_into_the_trainees_moodle_files_once(workdir: Path,
                                                                             moodle_track: MoodleTrack) -> None:
    config = yaml.safe_load((workdir / "cooperare.yaml").read_text(encoding="utf-8"))
    config["certificates"]["delivery"] = {"moodle_files": True}
    (workdir / "cooperare.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    site, ana = moodle_track.box.site, moodle_track.users["ana"]
    with moodle_track.box.server.lock:
        simulate.record_quiz_attempt(site, moodle_track.quiz_id, ana, 9.5)

    issued = invoke("certificates", "issue", "--track", "adm-expert", env={"COOPERARE_SIGNING_PASSWORD": PASSWORD})
    assert issued.exit_code == 0, issued.output
    assert "Moodle private files: 1 put, 0 delivered before" in issued.output
    [pdf] = (workdir / "certificates" / "adm-expert").glob("*.pdf")
    context = site.context(30, ana)
    placed = [r for r in site.db["files"].where(contextid=context["id"], filearea="private") if r["filename"] != "."]
    badge = pdf.with_suffix(".json")
    assert sorted((r["filepath"], r["filename"], r["content"]) for r in placed) == sorted([
        ("/Certificate/", pdf.name, pdf.read_bytes()), ("/Certificate/", badge.name, badge.read_bytes())])

    dry = invoke("certificates", "deliver", "--track", "adm-expert", "--message", "--dry-run", "--json")
    assert dry.exit_code == 0, dry.output
    plan = json.loads(dry.output)["plan"]
    assert plan["scope"] == "certificates deliver" and plan["summary"] == {"create": 1, "noop": 1}  # message; file
    assert site.db["messages"].where() == []  # a dry run sends nothing
    again = invoke("certificates", "deliver", "--track", "adm-expert")
    assert again.exit_code == 0, again.output
    assert "Moodle private files: 0 put, 1 delivered before" in again.output
    assert invoke("certificates", "deliver", "--track", "adm-expert", "--no-files").exit_code == 0


def test_verify_needs_a_file_or_a_serial(workdir: Path) -> None:
    assert invoke("certificates", "verify").exit_code == 2


def test_a_key_readable_by_others_is_refused(workdir: Path, demo_keys: DemoKeys, moodle_track: MoodleTrack) -> None:
    loose = workdir / "loose.p12"
    loose.write_bytes(demo_keys.pkcs12.read_bytes())
    loose.chmod(0o644)
    config = yaml.safe_load((workdir / "cooperare.yaml").read_text(encoding="utf-8"))
    config["certificates"]["signing"]["pkcs12"] = str(loose)
    (workdir / "cooperare.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    with moodle_track.box.server.lock:
        simulate.record_quiz_attempt(moodle_track.box.site, moodle_track.quiz_id, moodle_track.users["eva"], 9.0)
    result = invoke("certificates", "issue", env={"COOPERARE_SIGNING_PASSWORD": PASSWORD})
    assert isinstance(result.exception, SecretError) and "chmod 600" in (result.exception.hint or "")


@pytest.mark.parametrize("case", ["no-verify-url", "no-key", "no-password", "wrong-password"])
def test_issue_checks_its_own_settings_before_calling_moodle(tmp_path: Path, demo_keys: DemoKeys, case: str,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing listens at the configured site: reaching Moodle would fail with a network error (exit 3), so a
    certificate error here means the settings were checked first."""
    certificates: dict[str, Any] = {
        "verify_url": "https://cooperare.example.ro/verificare",
        "signatory": {"name": "Maria Ionescu", "role": "Președinte"},
        "signing": {"pkcs12": str(demo_keys.pkcs12), "trust_root": str(demo_keys.root_certificate)},
    }
    if case == "no-verify-url":
        del certificates["verify_url"]
    if case == "no-key":
        del certificates["signing"]["pkcs12"]
    (tmp_path / "cooperare.yaml").write_text(yaml.safe_dump({
        "site": {"url": "http://127.0.0.1:9"}, "store": {"url": "sqlite:///store.sqlite"},
        "certificates": certificates}, allow_unicode=True), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COOPERARE_MOODLE_TOKEN", "0123456789abcdef0123456789abcdef")
    env = {"COOPERARE_SIGNING_PASSWORD": "" if case == "no-password" else
           "not-the-password" if case == "wrong-password" else PASSWORD}
    result = invoke("certificates", "issue", env=env)
    assert result.exit_code == 1, result.output
    assert not isinstance(result.exception, MoodleError), result.exception
    expected = {"no-verify-url": "verification URL", "no-key": "signing key", "no-password": "no password",
                "wrong-password": "password"}[case]
    assert expected in str(result.exception) + str(getattr(result.exception, "hint", "")), result.exception


def test_publish_into_moodle_serves_the_page_without_login(workdir: Path, moodle_track: MoodleTrack,
                                                           served: str) -> None:
    import requests

    from cooperare.certificates.publish import read_published

    with moodle_track.box.server.lock:
        simulate.record_quiz_attempt(moodle_track.box.site, moodle_track.quiz_id, moodle_track.users["ana"], 9.5)
    issued = invoke("certificates", "issue", "--track", "adm-expert", "--json",
                    env={"COOPERARE_SIGNING_PASSWORD": PASSWORD})
    [serial] = json.loads(issued.stdout)["tracks"][0]["serials"]

    published = invoke("certificates", "publish", "--out", "verify", "--moodle")
    assert published.exit_code == 0, published.output
    assert "Published into Moodle at" in published.output and "/local/cooperare/verify.php/" in published.output
    base = f"{served}/local/cooperare/verify.php/"
    page = requests.get(base, timeout=10)  # no token, no session: what a phone that scanned the QR code sends
    assert page.status_code == 200 and "<html" in page.text.lower()
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    registry = requests.get(base + "registry.json", timeout=10)
    assert registry.headers["Cache-Control"] == "no-cache"
    assert registry.content == (workdir / "verify" / "registry.json").read_bytes()
    record = read_published(workdir / "verify", serial)
    assert record is not None and record["holder"] == "Ana Ilie"
    bare = requests.get(f"{served}/local/cooperare/verify.php?serie={serial}", timeout=10, allow_redirects=False)
    assert bare.status_code == 301 and bare.headers["Location"].endswith(f"/local/cooperare/verify.php/?serie={serial}")
    assert requests.get(base + "../../../config.php", timeout=10).status_code == 404

    revoked = invoke("certificates", "revoke", serial, "--reason", "eroare de evaluare",
                     env={"COOPERARE_SIGNING_PASSWORD": PASSWORD})  # the Open Badges status list is re-signed
    assert revoked.exit_code == 0, revoked.output
    assert requests.get(base + "status-list.jwt", timeout=10).status_code == 200  # published with the page
    again = invoke("certificates", "publish", "--out", "verify", "--moodle")
    assert again.exit_code == 0 and "replaced" in again.output
    assert requests.get(base + "registry.json", timeout=10).content == \
        (workdir / "verify" / "registry.json").read_bytes()


def test_publish_into_moodle_needs_the_plugin_function(workdir: Path, moodle_track: MoodleTrack) -> None:
    site = moodle_track.box.site
    with moodle_track.box.server.lock:  # a site whose plugin predates 0.4.0: its service lacks the function
        for service in site.db["external_services"]:
            names = service["functions"] if service["functions"] is not None else list(site.contract.functions)
            service["functions"] = [name for name in names if name != "local_cooperare_publish_site"]
    result = invoke("certificates", "publish", "--out", "verify", "--moodle")
    assert isinstance(result.exception, CertificateError)
    assert "local_cooperare_publish_site" in str(result.exception)
    assert (workdir / "verify" / "index.html").is_file()  # the local site is still written
def test_badges_backfills_credentials_of_certificates_issued_without_them(workdir: Path, catalogue: Any,
                                                                          demo_keys: DemoKeys) -> None:
    from cooperare.certificates.badges import credential_paths
    from cooperare.config import load_config
    from cooperare.store import Store

    from .conftest import issue_two, make_issuing

    config = load_config(workdir / "cooperare.yaml", environ={}).certificates
    with Store.open(workdir / "store.sqlite") as store:
        registry = CertificateRegistry(store.engine)
        records = issue_two(catalogue, registry, make_issuing(catalogue, config, demo_keys))  # no badges
    assert not any(credential_paths(r, config.output)[1].exists() for r in records)
    assert isinstance(invoke("certificates", "badges").exception, CertificateError)  # no password
    done = invoke("certificates", "badges", env={"COOPERARE_SIGNING_PASSWORD": PASSWORD})
    assert done.exit_code == 0, done.output
    assert "2 written" in done.output
    for record in records:
        assert invoke("certificates", "verify", str(credential_paths(record, config.output)[1])).exit_code == 0
    again = invoke("certificates", "badges", env={"COOPERARE_SIGNING_PASSWORD": PASSWORD})
    assert "0 written" in again.output


def test_verify_a_credential_against_the_published_site(workdir: Path, moodle_track: MoodleTrack,
                                                        served: str) -> None:
    """--site reads jwks.json and status-list.jwt where outside verifiers do: a revocation not yet published is not
    seen there (the local check sees it), and is once published."""
    with moodle_track.box.server.lock:
        simulate.record_quiz_attempt(moodle_track.box.site, moodle_track.quiz_id, moodle_track.users["ana"], 9.5)
    issued = invoke("certificates", "issue", "--track", "adm-expert", "--json",
                    env={"COOPERARE_SIGNING_PASSWORD": PASSWORD})
    [serial] = json.loads(issued.stdout)["tracks"][0]["serials"]
    [badge] = (workdir / "certificates").glob("adm-expert/*.json")
    assert invoke("certificates", "publish", "--out", "verify", "--moodle").exit_code == 0
    in_moodle = f"{served}/local/cooperare/verify.php/"

    def status_list_ok(*site: str) -> bool:
        result = invoke("certificates", "verify", str(badge), "--json", *site)
        return {c["check"]: c["ok"] for c in json.loads(result.stdout)["checks"]}["status list"]

    assert status_list_ok("--site", in_moodle) and status_list_ok("--site", "verify")
    revoked = invoke("certificates", "revoke", serial, "--reason", "eroare de evaluare",
                     env={"COOPERARE_SIGNING_PASSWORD": PASSWORD})
    assert revoked.exit_code == 0, revoked.output
    assert not status_list_ok()  # certificates.output holds the new list
    assert status_list_ok("--site", in_moodle)  # not published yet: the world still sees the old one
    assert invoke("certificates", "publish", "--out", "verify", "--moodle").exit_code == 0
    assert not status_list_ok("--site", in_moodle) and not status_list_ok("--site", "verify")
    missing = invoke("certificates", "verify", str(badge), "--site", str(workdir / "nowhere"))
    assert isinstance(missing.exception, CertificateError) and "publishes no jwks.json" in str(missing.exception)
    pdf_with_site = invoke("certificates", "verify", str(badge.with_suffix(".pdf")), "--site", "verify")
    assert pdf_with_site.exit_code == 2 and "--site goes with" in pdf_with_site.output


@pytest.mark.parametrize(("site_url", "verify_url", "expected"), [
    ("https://moodle.example.ro", None, True),  # left unset on an https site: defaults to the plugin's page
    ("https://moodle.example.ro/", "https://moodle.example.ro/local/cooperare/verify.php/", True),
    ("https://moodle.example.ro", "https://cooperare.acor.ro/verificare/", False),
    ("http://127.0.0.1:8085", None, False),  # no https: no default, nothing to publish into automatically
])
def test_which_sites_publish_into_moodle_by_default(tmp_path: Path, demo_keys: DemoKeys, site_url: str,
                                                    verify_url: str | None, expected: bool,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from cooperare.cli.commands.certificates import Session
    from cooperare.cli.context import AppContext

    certificates: dict[str, Any] = {"signatory": {"name": "Maria Ionescu", "role": "Președinte"}}
    if verify_url is not None:
        certificates["verify_url"] = verify_url
    (tmp_path / "cooperare.yaml").write_text(yaml.safe_dump({
        "site": {"url": site_url}, "store": {"url": "sqlite:///store.sqlite"}, "certificates": certificates,
    }, allow_unicode=True), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    app = AppContext(config_path=tmp_path / "cooperare.yaml")
    try:
        assert Session.open(app).on_moodle_page is expected
    finally:
        app.close()
