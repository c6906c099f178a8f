"""The ``certificates`` section of cooperare.yaml: defaults, relative paths, and what is refused where."""

from __future__ import annotations

from pathlib import Path

import pytest

from cooperare.config import load_config
from cooperare.errors import ConfigError


def write(tmp_path: Path, section: str) -> Path:
    path = tmp_path / "cooperare.yaml"
    path.write_text("site:\n  url: http://127.0.0.1:8085\ncertificates:\n" + section, encoding="utf-8")
    return path


def test_a_full_section_is_read_with_paths_relative_to_the_file(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, """
  issuer: Asociația Comunelor din România
  signatory: {name: Maria Ionescu, role: Președinte, image: semnatura.png}
  verify_url: https://cooperare.acor.ro/verificare
  signing: {pkcs12: keys/signing.p12, trust_root: keys/root-ca.pem, password_env: PAROLA_CHEIE}
  rules:
    adm-expert: {final_quiz_percent: 80, min_course_grade_percent: 60, grade_items: {"coop:x": 50}}
  delivery: {moodle_message: true, moodle_files: true}
"""), environ={}).certificates
    assert config.delivery.moodle_files
    assert config.signing.pkcs12 == tmp_path / "keys" / "signing.p12"
    assert config.signatory is not None and config.signatory.image == tmp_path / "semnatura.png"
    assert config.signing.password_env == "PAROLA_CHEIE" and config.delivery.moodle_message
    assert config.rules["adm-expert"].final_quiz_percent == 80.0


def test_without_the_section_everything_has_a_default(tmp_path: Path) -> None:
    path = tmp_path / "cooperare.yaml"
    path.write_text("site:\n  url: http://127.0.0.1:8085\n", encoding="utf-8")
    config = load_config(path, environ={}).certificates
    assert config.issuer == "Asociația Comunelor din România" and config.signatory is None
    assert config.issuer_url == "https://www.acor.ro/"
    assert config.signing.password_env == "COOPERARE_SIGNING_PASSWORD" and config.rules == {}
    assert not config.delivery.moodle_message and not config.delivery.moodle_files


@pytest.mark.parametrize(("section", "message"), [
    ("  signing: {password: secret123}\n", "must never be written in the configuration file"),
    ("  delivery: {moodle_files: yes please}\n", "moodle_files"),
    ("  verify_url: http://cooperare.acor.ro/v\n", "must be an https:// URL"),
    ("  issuer_url: acor.ro\n", "issuer_url must be an https:// URL"),
    ("  rules: {adm-expert: {final_quiz_percent: 120}}\n", "percentage from 0 to 100"),
    ("  signing: {password_env: 'not a name'}\n", "name of an environment variable"),
    ("  signatory: {name: X}\n", "missing required key"),
    ("  sign: {}\n", "unknown key 'sign'"),
])
def test_faults_are_refused_with_their_line(tmp_path: Path, section: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        load_config(write(tmp_path, section), environ={})
    assert "cooperare.yaml:" in str(caught.value)
