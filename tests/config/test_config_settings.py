"""The site and store model: defaults, checks, and the refusal of tokens written in the file."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from cooperare.config import Config, PluginExpectation, SiteConfig, StoreConfig, load_config
from cooperare.errors import ConfigError
from cooperare.secrets import redact

EMPTY_ENV: dict[str, str] = {}


def config_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "cooperare.yaml"
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def load(path: Path) -> Config:
    return load_config(path, environ=EMPTY_ENV, cwd=path.parent)


def fault(path: Path) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load(path)
    return caught.value


def test_a_minimal_file_gets_the_documented_defaults(tmp_path: Path) -> None:
    config = load(config_file(tmp_path, "site:\n  url: https://moodle.example.ro/\n"))
    assert config.site == SiteConfig(url="https://moodle.example.ro")
    assert config.site.token_env == "COOPERARE_MOODLE_TOKEN"
    assert config.site.token_file is None
    assert (config.site.var_budget, config.site.retries, config.site.plugin) == (1000, 3, None)
    assert config.site.timeout == (10.0, 120.0)
    assert config.store == StoreConfig(url=f"sqlite:///{tmp_path}/cooperare.sqlite")


def test_every_site_setting_can_be_given(tmp_path: Path) -> None:
    path = config_file(
        tmp_path,
        """
        site:
          url: https://moodle.example.ro/moodle/
          token_env: ACOR_MOODLE_TOKEN
          token_file: secrets/token
          var_budget: 500
          timeout_connect: 5
          timeout_read: 300.5
          retries: 0
          plugin: {required: false, min_version: 2025060100}
        store:
          url: postgresql+psycopg://cooperare@db.example.ro/cooperare
        """,
    )
    site = load(path).site
    assert site.url == "https://moodle.example.ro/moodle"
    assert site.token_env == "ACOR_MOODLE_TOKEN"
    assert site.token_file == tmp_path / "secrets" / "token"
    assert (site.var_budget, site.timeout, site.retries) == (500, (5.0, 300.5), 0)
    assert site.plugin == PluginExpectation(required=False, min_version=2025060100)
    assert load(path).store.url == "postgresql+psycopg://cooperare@db.example.ro/cooperare"


@pytest.mark.parametrize("key", ["token", "wstoken"])
def test_a_token_in_the_file_is_refused_with_what_to_do_instead(tmp_path: Path, key: str) -> None:
    token = "5f4dcc3b5aa765d61d8327deb882cf99"
    error = fault(config_file(tmp_path, f"site:\n  url: https://moodle.example.ro\n  {key}: {token}\n"))
    assert error.location is not None
    assert (error.location.line, error.location.key) == (3, f"site.{key}")
    assert "must never be written in the configuration file" in error.reason
    assert "COOPERARE_MOODLE_TOKEN" in error.reason and "chmod 600" in error.reason
    assert token not in str(error)


def test_a_token_given_as_the_variable_name_is_refused_without_echoing_it(tmp_path: Path) -> None:
    token = "0123456789abcdef0123456789abcdef"
    error = fault(config_file(tmp_path, f"site:\n  url: https://moodle.example.ro\n  token_env: {token}\n"))
    assert error.location is not None and error.location.key == "site.token_env"
    assert "looks like a token" in error.reason
    assert token not in str(error)


@pytest.mark.parametrize(
    ("line", "key", "reason"),
    [
        ("  url: http://moodle.example.ro", "site.url", "uses plain http"),
        ("  url: moodle.example.ro", "site.url", "is not an http(s) URL"),
        ("  url: https://moodle.example.ro/?lang=ro", "site.url", "must not have a query"),
        ("  url: https://moodle.example.ro\n  var_budget: 5", "site.var_budget", "must be at least 10"),
        ("  url: https://moodle.example.ro\n  retries: -1", "site.retries", "must be at least 0"),
        ("  url: https://moodle.example.ro\n  timeout_read: 0", "site.timeout_read", "must be at least 1"),
        ("  url: https://moodle.example.ro\n  token_env: MY-TOKEN", "site.token_env", "name of an environment"),
        ("  url: https://moodle.example.ro\n  plugin: {min_versoin: 3}", "site.plugin.min_versoin", "unknown key"),
    ],
)
def test_site_checks_name_the_setting(tmp_path: Path, line: str, key: str, reason: str) -> None:
    error = fault(config_file(tmp_path, f"site:\n{line}\n"))
    assert error.location is not None
    assert error.location.file == str(tmp_path / "cooperare.yaml")
    assert error.location.key == key
    assert reason in error.reason


def test_loopback_http_is_allowed(tmp_path: Path) -> None:
    assert load(config_file(tmp_path, "site:\n  url: http://127.0.0.1:8080/\n")).site.url == "http://127.0.0.1:8080"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:///state/coop.sqlite", "sqlite:///{dir}/state/coop.sqlite"),
        ("sqlite:////var/lib/cooperare/state.sqlite", "sqlite:////var/lib/cooperare/state.sqlite"),
        ("sqlite://", "sqlite://"),
    ],
)
def test_relative_sqlite_stores_live_next_to_the_config_file(tmp_path: Path, url: str, expected: str) -> None:
    config = load(config_file(tmp_path, f"site:\n  url: https://moodle.example.ro\nstore:\n  url: '{url}'\n"))
    assert config.store.url == expected.format(dir=tmp_path)


@pytest.mark.parametrize(
    ("url", "reason"),
    [("mysql://u@h/db", "must be SQLite"), ("a store", "is not a database URL")],
)
def test_bad_store_urls_are_refused(tmp_path: Path, url: str, reason: str) -> None:
    error = fault(config_file(tmp_path, f"site:\n  url: https://moodle.example.ro\nstore:\n  url: {url}\n"))
    assert error.location is not None and (error.location.line, error.location.key) == (4, "store.url")
    assert reason in error.reason


def test_a_store_password_is_registered_for_redaction(tmp_path: Path) -> None:
    path = config_file(
        tmp_path, "site:\n  url: https://moodle.example.ro\nstore:\n  url: postgresql://coop:S3cret-pw-77@db/coop\n"
    )
    load(path)
    assert redact("password S3cret-pw-77 leaked") == "password [REDACTED] leaked"


def test_a_missing_site_section_is_allowed_until_a_command_needs_moodle(tmp_path: Path) -> None:
    config = load(config_file(tmp_path, "store: {}\n"))
    assert config.site is None
    with pytest.raises(ConfigError, match="no Moodle site configured"):
        config.require_site()
