"""Where the configuration comes from (file, working directory, environment) and how the token is read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cooperare.config import load_config, load_token
from cooperare.config.settings import SiteConfig
from cooperare.errors import ConfigError, SecretError

TOKEN = "0123456789abcdef0123456789abcdef"


def write(path: Path, text: str, *, mode: int | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    if mode is not None:
        os.chmod(path, mode)
    return path


def site_yaml(url: str, extra: str = "") -> str:
    return f"site:\n  url: {url}\n{extra}"


def test_an_explicit_file_wins_over_the_working_directory_and_environment(tmp_path: Path) -> None:
    explicit = write(tmp_path / "etc" / "explicit.yaml", site_yaml("https://explicit.example.ro"))
    write(tmp_path / "cooperare.yaml", site_yaml("https://cwd.example.ro"))
    env = {"COOPERARE_MOODLE_URL": "https://env.example.ro", "COOPERARE_VAR_BUDGET": "200"}
    config = load_config(explicit, environ=env, cwd=tmp_path)
    assert config.site.url == "https://explicit.example.ro"
    assert config.site.var_budget == 1000
    assert config.store.url == f"sqlite:///{tmp_path}/etc/cooperare.sqlite"


def test_a_relative_explicit_path_is_taken_from_the_working_directory(tmp_path: Path) -> None:
    write(tmp_path / "conf" / "site.yaml", site_yaml("https://relative.example.ro"))
    assert load_config(Path("conf/site.yaml"), environ={}, cwd=tmp_path).site.url == "https://relative.example.ro"


def test_cooperare_yaml_in_the_working_directory_wins_over_the_environment(tmp_path: Path) -> None:
    write(tmp_path / "cooperare.yaml", site_yaml("https://cwd.example.ro"))
    config = load_config(None, environ={"COOPERARE_MOODLE_URL": "https://env.example.ro"}, cwd=tmp_path)
    assert config.site.url == "https://cwd.example.ro"


def test_the_environment_alone_is_enough(tmp_path: Path) -> None:
    env = {
        "COOPERARE_MOODLE_URL": "https://env.example.ro/",
        "COOPERARE_VAR_BUDGET": "250",
        "COOPERARE_STORE_URL": "postgresql+psycopg://coop@db/coop",
    }
    config = load_config(None, environ=env, cwd=tmp_path)
    assert (config.site.url, config.site.var_budget) == ("https://env.example.ro", 250)
    assert config.store.url == "postgresql+psycopg://coop@db/coop"


def test_from_the_environment_the_default_store_is_in_the_working_directory(tmp_path: Path) -> None:
    config = load_config(None, environ={"COOPERARE_MOODLE_URL": "https://env.example.ro"}, cwd=tmp_path)
    assert config.store.url == f"sqlite:///{tmp_path}/cooperare.sqlite"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"COOPERARE_MOODLE_URL": "http://env.example.ro"}, "COOPERARE_MOODLE_URL: Moodle URL"),
        (
            {"COOPERARE_MOODLE_URL": "https://e.ro", "COOPERARE_VAR_BUDGET": "lots"},
            "COOPERARE_VAR_BUDGET: expected a whole number, got text",
        ),
        (
            {"COOPERARE_MOODLE_URL": "https://e.ro", "COOPERARE_VAR_BUDGET": "3"},
            "COOPERARE_VAR_BUDGET: must be at least 10",
        ),
        (
            {"COOPERARE_MOODLE_URL": "https://e.ro", "COOPERARE_STORE_URL": "oracle://x/y"},
            "COOPERARE_STORE_URL: the store must be SQLite",
        ),
    ],
)
def test_bad_environment_values_name_the_variable(tmp_path: Path, env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(None, environ=env, cwd=tmp_path)
    assert str(caught.value).startswith(message)


def test_no_configuration_anywhere_gives_defaults_and_a_site_is_asked_for_only_when_needed(tmp_path: Path) -> None:
    config = load_config(None, environ={}, cwd=tmp_path)
    assert config.site is None
    assert config.store.url == f"sqlite:///{tmp_path / 'cooperare.sqlite'}"
    with pytest.raises(ConfigError, match=r"no Moodle site configured") as caught:
        config.require_site()
    assert "COOPERARE_MOODLE_URL" in (caught.value.hint or "")


def test_a_file_without_a_site_section_is_valid(tmp_path: Path) -> None:
    (tmp_path / "cooperare.yaml").write_text("roster:\n  username: key\n", encoding="utf-8")
    config = load_config(None, environ={"COOPERARE_MOODLE_TOKEN_FILE": "token"}, cwd=tmp_path)
    assert config.site is None and config.roster.username == "key"


def test_an_explicit_file_that_does_not_exist_is_an_error_not_a_fallback(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"missing\.yaml does not exist"):
        load_config(tmp_path / "missing.yaml", environ={"COOPERARE_MOODLE_URL": "https://e.ro"}, cwd=tmp_path)


def test_the_token_variable_is_read_even_with_a_file(tmp_path: Path) -> None:
    path = write(tmp_path / "cooperare.yaml", site_yaml("https://moodle.example.ro"))
    site = load_config(path, environ={}, cwd=tmp_path).site
    token = load_token(site, environ={"COOPERARE_MOODLE_TOKEN": f" {TOKEN}\n"})
    assert token.reveal() == TOKEN
    assert TOKEN not in repr(token) and TOKEN not in str(token)
    assert token.source == "environment variable COOPERARE_MOODLE_TOKEN"


def test_a_configured_token_variable_name_is_honoured(tmp_path: Path) -> None:
    site = SiteConfig(url="https://moodle.example.ro", token_env="ACOR_TOKEN")
    assert load_token(site, environ={"ACOR_TOKEN": TOKEN}).reveal() == TOKEN
    with pytest.raises(SecretError, match="ACOR_TOKEN is not set"):
        load_token(site, environ={"COOPERARE_MOODLE_TOKEN": TOKEN})


def test_a_private_token_file_is_read(tmp_path: Path) -> None:
    write(tmp_path / "token", f"{TOKEN}\n", mode=0o600)
    path = write(tmp_path / "cooperare.yaml", site_yaml("https://moodle.example.ro", "  token_file: token\n"))
    site = load_config(path, environ={}, cwd=tmp_path).site
    assert load_token(site, environ={}).reveal() == TOKEN


def test_a_token_file_others_can_read_is_refused(tmp_path: Path) -> None:
    write(tmp_path / "token", f"{TOKEN}\n", mode=0o644)
    site = SiteConfig(url="https://moodle.example.ro", token_file=tmp_path / "token")
    with pytest.raises(SecretError, match="has mode 0644; it must be readable by its owner only") as caught:
        load_token(site, environ={})
    assert isinstance(caught.value, ConfigError)
    assert caught.value.hint == f"chmod 600 {tmp_path / 'token'}"
    assert TOKEN not in str(caught.value)


def test_the_token_file_variable_replaces_the_configured_file(tmp_path: Path) -> None:
    write(tmp_path / "from-env", "env-file-token-value\n", mode=0o600)
    write(tmp_path / "from-yaml", "yaml-file-token-value\n", mode=0o600)
    path = write(tmp_path / "cooperare.yaml", site_yaml("https://moodle.example.ro", "  token_file: from-yaml\n"))
    site = load_config(path, environ={"COOPERARE_MOODLE_TOKEN_FILE": "from-env"}, cwd=tmp_path).site
    assert site.token_file == tmp_path / "from-env"
    assert load_token(site, environ={}).reveal() == "env-file-token-value"


def test_the_token_variable_wins_over_the_token_file(tmp_path: Path) -> None:
    write(tmp_path / "token", "file-token-value\n", mode=0o600)
    site = SiteConfig(url="https://moodle.example.ro", token_file=tmp_path / "token")
    assert load_token(site, environ={"COOPERARE_MOODLE_TOKEN": TOKEN}).reveal() == TOKEN


def test_no_token_at_all_says_where_to_put_one() -> None:
    with pytest.raises(SecretError, match="no Moodle token") as caught:
        load_token(SiteConfig(url="https://moodle.example.ro"), environ={"COOPERARE_MOODLE_TOKEN": "  "})
    assert "chmod 600" in (caught.value.hint or "")


def test_the_process_environment_and_working_directory_are_the_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COOPERARE_MOODLE_URL", "https://process.example.ro")
    monkeypatch.setenv("COOPERARE_MOODLE_TOKEN", TOKEN)
    config = load_config()
    assert config.site.url == "https://process.example.ro"
    assert config.store.url == f"sqlite:///{tmp_path}/cooperare.sqlite"
    assert load_token(config.site).reveal() == TOKEN
