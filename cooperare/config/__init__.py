"""Where the configuration comes from, and the Moodle token.

:func:`load_config` takes, in this order: an explicit file (``--config FILE``); else ``cooperare.yaml`` in the
working directory; else environment variables (``COOPERARE_MOODLE_URL``, ``COOPERARE_VAR_BUDGET``,
``COOPERARE_STORE_URL``); else the defaults, with no Moodle site (commands that do not talk to Moodle need none;
:meth:`Config.require_site` tells the others what to do). The token variables apply in every case:
``COOPERARE_MOODLE_TOKEN_FILE`` replaces ``site.token_file``, and :func:`load_token` prefers the variable named by
``site.token_env`` (default ``COOPERARE_MOODLE_TOKEN``) to the token file. A relative SQLite store lives next to
the config file, or in the working directory. This module reads files and the environment but must not print,
prompt, or keep the token in the :class:`Config`: the token is read only when asked for, as a
:class:`~cooperare.secrets.Secret`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from cooperare.config.loader import KeyPath, Locator, build, load_yaml
from cooperare.config.settings import DEFAULT_TOKEN_ENV, Config, PluginExpectation, SiteConfig, StoreConfig
from cooperare.errors import SecretError
from cooperare.secrets import Secret, read_secret_file

__all__ = [
    "CONFIG_FILE_NAME",
    "Config",
    "PluginExpectation",
    "SiteConfig",
    "StoreConfig",
    "load_config",
    "load_token",
]

CONFIG_FILE_NAME = "cooperare.yaml"
ENV_URL = "COOPERARE_MOODLE_URL"
ENV_TOKEN = DEFAULT_TOKEN_ENV
ENV_TOKEN_FILE = "COOPERARE_MOODLE_TOKEN_FILE"
ENV_VAR_BUDGET = "COOPERARE_VAR_BUDGET"
ENV_STORE_URL = "COOPERARE_STORE_URL"


def load_config(
    path: Path | None = None, *, environ: Mapping[str, str] | None = None, cwd: Path | None = None
) -> Config:
    """Resolve and validate the configuration (see the module docstring for the order)."""
    env = os.environ if environ is None else environ
    here = Path.cwd() if cwd is None else cwd
    if path is not None:
        path = here / path
    elif (here / CONFIG_FILE_NAME).is_file():
        path = here / CONFIG_FILE_NAME
    data, locator = load_yaml(path) if path is not None else _from_environment(env, here)
    config = build(Config, data, locator=locator)
    config = replace(config, store=config.store.anchored(locator.base_dir or here))
    token_file = env.get(ENV_TOKEN_FILE, "").strip()
    if token_file and config.site is not None:
        config = replace(config, site=replace(config.site, token_file=here / Path(token_file).expanduser()))
    return config


def load_token(site: SiteConfig, *, environ: Mapping[str, str] | None = None) -> Secret:
    """The Moodle token: from the variable ``site.token_env`` if set, else from ``site.token_file`` (mode 0600)."""
    env = os.environ if environ is None else environ
    value = env.get(site.token_env, "").strip()
    if value:
        return Secret(value, source=f"environment variable {site.token_env}")
    if site.token_file is not None:
        return read_secret_file(site.token_file, what="Moodle token")
    raise SecretError(
        f"no Moodle token: {site.token_env} is not set and no token file is configured",
        hint=f"export {site.token_env}=…, or put the token in a file only you can read (chmod 600) and name it "
        f"in site.token_file or {ENV_TOKEN_FILE}",
    )


def _from_environment(env: Mapping[str, str], here: Path) -> tuple[dict[str, Any], Locator]:
    url = env.get(ENV_URL, "").strip()
    data: dict[str, Any] = {}
    if url:
        site: dict[str, Any] = {"url": url}
        if ENV_VAR_BUDGET in env:
            site["var_budget"] = _whole_number_or_text(env[ENV_VAR_BUDGET])
        data["site"] = site
    if env.get(ENV_STORE_URL, "").strip():
        data["store"] = {"url": env[ENV_STORE_URL].strip()}
    aliases: dict[KeyPath, str] = {
        ("site", "url"): ENV_URL,
        ("site", "var_budget"): ENV_VAR_BUDGET,
        ("store", "url"): ENV_STORE_URL,
    }
    return data, Locator(base_dir=here, aliases=aliases)


def _whole_number_or_text(text: str) -> int | str:
    """Environment values are text; a whole number becomes an int, anything else is left for the checks to refuse."""
    try:
        return int(text.strip())
    except ValueError:
        return text
