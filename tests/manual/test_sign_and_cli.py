"""The signed manual PDF validates with pyHanko; the CLI's manual commands."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from cooperare.certificates.keygen import make_demo_keys
from cooperare.certificates.signing import PdfSigner
from cooperare.certificates.verify import load_trust_root
from cooperare.cli.main import cli
from cooperare.manual.build import build_manual
from cooperare.manual.content import shipped_content
from cooperare.secrets import Secret

EXAMPLE = str(shipped_content() / "exemplu-recomandari.yaml")


def test_signed_pdf_validates_and_signing_is_the_only_difference(tmp_path: Path) -> None:
    keys = make_demo_keys(tmp_path / "keys", password=Secret("parola-test"), organisation="ACoR",
                          common_name="Semnătură de test")
    signer = PdfSigner(keys.pkcs12, password=Secret("parola-test"))
    unsigned = build_manual(tmp_path / "u", formats=("pdf",)).files["pdf"].read_bytes()
    signed = build_manual(tmp_path / "s", formats=("pdf",), signer=signer)
    data = signed.files["pdf"].read_bytes()
    assert signed.signed and data.startswith(unsigned)  # an incremental update of the same bytes
    signature = PdfFileReader(io.BytesIO(data)).embedded_signatures[0]
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[load_trust_root(keys.root_certificate)]))
    assert status.intact and status.valid and status.trusted


def test_cli_build_changes_and_check(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["manual", "build", "--format", "epub", "--format", "html", "--out",
                                 str(tmp_path), "--recommendations", EXAMPLE, "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    files = json.loads(result.output)["files"]
    assert set(files) == {"epub", "html"} and Path(files["epub"]).exists()
    result = runner.invoke(cli, ["manual", "changes", "--recommendations", EXAMPLE, "--json"])
    chapters = json.loads(result.output)["chapters"]
    assert [c["chapter"] for c in chapters] == ["cap-03", "cap-04", "cap-06", "cap-09"]
    assert chapters[1]["recommendations"][0]["change"].startswith("A fost adăugată")
    assert runner.invoke(cli, ["manual", "check"]).exit_code == 0
    plain = runner.invoke(cli, ["manual", "build", "--format", "html", "--out", str(tmp_path / "plain")])
    annex = (tmp_path / "plain" / "html" / "anexa-consultare.html").read_text(encoding="utf-8")
    assert plain.exit_code == 0 and "nu a fost acceptată nicio recomandare" in annex
    bad = tmp_path / "bad.yaml"
    bad.write_text("- reference: X\n  chapter: cap-01\n", encoding="utf-8")
    result = runner.invoke(cli, ["manual", "changes", "--recommendations", str(bad)])
    assert result.exit_code != 0 and "bad.yaml" in str(result.exception)


def _config(folder: Path, monkeypatch: pytest.MonkeyPatch, *, signing: dict[str, str] | None) -> None:
    data: dict[str, object] = {"store": {"url": "sqlite:///store.sqlite"}}
    if signing is not None:
        data["certificates"] = {"signing": signing}
    (folder / "cooperare.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    monkeypatch.chdir(folder)


def test_cli_build_signs_the_pdf_with_the_configured_key_by_default(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    keys = make_demo_keys(tmp_path / "keys", password=Secret("parola-test"), organisation="ACoR",
                          common_name="Semnătură de test")
    _config(tmp_path, monkeypatch, signing={"pkcs12": str(keys.pkcs12), "password_env": "MANUAL_KEY_PASSWORD"})
    monkeypatch.setenv("MANUAL_KEY_PASSWORD", "parola-test")
    runner = CliRunner()
    built = runner.invoke(cli, ["manual", "build", "--format", "pdf", "--out", "s", "--json"])
    assert built.exit_code == 0, built.output
    answer = json.loads(built.stdout)
    assert answer["signed"] is True and answer["unsigned_reason"] is None
    assert "parola-test" not in built.output and "NOT signed" not in built.output
    data = Path(answer["files"]["pdf"]).read_bytes()
    signature = PdfFileReader(io.BytesIO(data)).embedded_signatures[0]
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[load_trust_root(keys.root_certificate)]))
    assert status.intact and status.valid and status.trusted
    # reproducible apart from the signature: the signed file is the unsigned build plus an incremental update
    unsigned = runner.invoke(cli, ["manual", "build", "--format", "pdf", "--out", "u", "--no-sign", "--json"])
    assert unsigned.exit_code == 0, unsigned.output
    assert json.loads(unsigned.stdout)["unsigned_reason"] == "--no-sign was given"
    plain = Path(json.loads(unsigned.stdout)["files"]["pdf"]).read_bytes()
    assert data.startswith(plain) and len(data) > len(plain)
    again = runner.invoke(cli, ["manual", "build", "--format", "pdf", "--out", "s2", "--json"])
    data2 = Path(json.loads(again.stdout)["files"]["pdf"]).read_bytes()
    assert data2.startswith(plain) and data2[:len(plain)] == data[:len(plain)]


def test_cli_build_without_a_key_builds_unsigned_and_says_so(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    _config(tmp_path, monkeypatch, signing=None)
    runner = CliRunner()
    built = runner.invoke(cli, ["manual", "build", "--format", "pdf", "--out", "o", "--json"])
    assert built.exit_code == 0, built.output
    answer = json.loads(built.stdout)
    assert answer["signed"] is False and "certificates.signing.pkcs12" in answer["unsigned_reason"]
    assert "NOT signed" in built.stderr
    data = Path(answer["files"]["pdf"]).read_bytes()
    assert PdfFileReader(io.BytesIO(data)).embedded_signatures == []
    text = runner.invoke(cli, ["manual", "build", "--format", "pdf", "--out", "o"])
    assert text.exit_code == 0 and "NOT signed" in text.output and "(PDF signed)" not in text.output
    insisted = runner.invoke(cli, ["manual", "build", "--format", "pdf", "--out", "o", "--sign"])
    assert insisted.exit_code != 0 and "no signing key configured" in str(insisted.exception)
    html = runner.invoke(cli, ["manual", "build", "--format", "html", "--out", "o", "--json"])
    assert json.loads(html.stdout)["unsigned_reason"] is None and "NOT signed" not in html.output
