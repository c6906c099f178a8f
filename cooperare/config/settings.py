"""The configuration model: which Moodle site, how to reach it, and where the state store lives.

Frozen dataclasses read by :func:`cooperare.config.loader.build`; each field says its type, default and check, so the
YAML file and this module document each other. A section is one field of :class:`Config`; adding one (``courses``,
``roster``, ``certificates``) is a one-line change here plus its own dataclass. This module must not hold secrets: a
token written in the file is refused (it belongs in the environment or in a private token file), and it never reads
files or the environment — :mod:`cooperare.config` does that.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from cooperare.config.certificates import CertificatesConfig
from cooperare.config.events import EventsConfig
from cooperare.config.loader import at_least, checked
from cooperare.config.pilot import PilotConfig
from cooperare.config.reports import ReportsConfig
from cooperare.config.roster import RosterConfig
from cooperare.config.staff import StaffConfig
from cooperare.errors import ConfigError
from cooperare.moodle.transport import normalise_site_url
from cooperare.secrets import register

DEFAULT_TOKEN_ENV = "COOPERARE_MOODLE_TOKEN"
DEFAULT_STORE_FILE = "cooperare.sqlite"
MIN_VAR_BUDGET = 10

TOKEN_REFUSAL = (
    "a Moodle token must never be written in the configuration file; put it in the environment variable "
    f"{DEFAULT_TOKEN_ENV} (or the one named by site.token_env), or in a file only you can read (chmod 600) "
    "named by site.token_file"
)

_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_LOOKS_LIKE_TOKEN = re.compile(r"[0-9a-fA-F]{32}\Z")
_STORE_BACKENDS = ("sqlite", "postgresql")


def check_env_name(value: str) -> str:
    """A check for ``token_env``: the name of a variable, not the token itself."""
    if _LOOKS_LIKE_TOKEN.match(value):
        raise ValueError("this looks like a token; give the NAME of the environment variable that holds it")
    if not _ENV_NAME.match(value):
        raise ValueError("must be the name of an environment variable, such as COOPERARE_MOODLE_TOKEN")
    return value


def parse_store_url(value: str) -> URL:
    """Parse a database URL (SQLite or PostgreSQL); its password, if any, is registered for redaction."""
    try:
        url = make_url(value)
    except (ArgumentError, ValueError):
        raise ValueError("is not a database URL (sqlite:///FILE or postgresql+psycopg://USER@HOST/DB)") from None
    if url.password:
        register(str(url.password))
    if url.get_backend_name() not in _STORE_BACKENDS:
        raise ValueError("the store must be SQLite (sqlite:///FILE) or PostgreSQL (postgresql+psycopg://…)")
    return url


def check_store_url(value: str) -> str:
    """A check for ``store.url``."""
    parse_store_url(value)
    return value


@dataclass(frozen=True)
class PluginExpectation:
    """What the site must offer of the pack's Moodle plugin, local_cooperare."""

    required: bool = True
    min_version: int | None = None
    """A version.php number such as 2025060100; older installations are refused."""


@dataclass(frozen=True)
class SiteConfig:
    """The Moodle site: its URL, where its token comes from, and how to talk to it."""

    url: str = checked(normalise_site_url)
    token_env: str = checked(check_env_name, default=DEFAULT_TOKEN_ENV)
    token_file: Path | None = None
    var_budget: int = checked(at_least(MIN_VAR_BUDGET), default=1000)
    """POST variables per request; keep it under the server's PHP max_input_vars."""
    timeout_connect: float = checked(at_least(1), default=10.0)
    timeout_read: float = checked(at_least(1), default=120.0)
    retries: int = checked(at_least(0), default=3)
    concurrency: int = checked(at_least(1), default=2)
    """Batches of one step sent at once (roster apply). A real Moodle answers as many calls at once as it has PHP
    workers and cores; 2 suits the 2-core sites the project measured (see docs/roster.md), 1 sends one at a time."""
    plugin: PluginExpectation | None = None

    REFUSED_KEYS: ClassVar[Mapping[str, str]] = {"token": TOKEN_REFUSAL, "wstoken": TOKEN_REFUSAL}

    @property
    def timeout(self) -> tuple[float, float]:
        """(connect, read) seconds, as ``requests`` and the transport take them."""
        return self.timeout_connect, self.timeout_read


@dataclass(frozen=True)
class StoreConfig:
    """The state store (journal, runs, certificate registry): a SQLite file by default, or PostgreSQL."""

    url: str = checked(check_store_url, default=f"sqlite:///{DEFAULT_STORE_FILE}")

    def anchored(self, base_dir: Path) -> StoreConfig:
        """The same store, with a relative SQLite file placed under ``base_dir`` (the config file's folder)."""
        url = parse_store_url(self.url)
        database = url.database
        if url.get_backend_name() != "sqlite" or not database or database == ":memory:" or database.startswith("file:"):
            return self
        path = Path(database).expanduser()
        if path.is_absolute():
            return self
        return replace(self, url=url.set(database=str(base_dir / path)).render_as_string(hide_password=False))


@dataclass(frozen=True)
class Config:
    """The whole configuration; each field is one top-level section of ``cooperare.yaml``."""

    site: SiteConfig | None = None
    """The Moodle site; only commands that talk to Moodle need it (see :meth:`require_site`)."""
    store: StoreConfig = field(default_factory=StoreConfig)
    catalogue: Path | None = None
    """The training catalogue (catalogue.yaml or its folder) every command uses; default: the ACoR catalogue
    shipped in the package."""
    roster: RosterConfig = field(default_factory=RosterConfig)
    certificates: CertificatesConfig = field(default_factory=CertificatesConfig)
    consultations: Path | list[dict[str, Any]] | None = None
    """Public consultations (docs/consultation.md): a list written inline, or a YAML file or folder of them;
    default: the two consultations on the digitalisation manual shipped in the package. Read and checked by
    :mod:`cooperare.consultation_bridge.loader`."""
    events: EventsConfig = field(default_factory=EventsConfig)
    staff: StaffConfig = field(default_factory=StaffConfig)
    """Trainers and tutors per catalogue course (cooperare.config.staff)."""
    reports: ReportsConfig = field(default_factory=ReportsConfig)
    """Where ``report publish`` puts the report in Moodle and who may see it (cooperare.config.reports)."""
    pilot: PilotConfig = field(default_factory=PilotConfig)
    """The pilot city halls (docs/pilot.md)."""

    def require_site(self) -> SiteConfig:
        """The ``site:`` section, or a ConfigError saying how to give one (for commands that talk to Moodle)."""
        if self.site is None:
            raise ConfigError(
                "no Moodle site configured: this command talks to Moodle, and there is no site: section in the "
                "configuration (nor COOPERARE_MOODLE_URL in the environment)",
                hint="add site: {url: …, token_file: …} to cooperare.yaml, pass --config FILE, or set "
                     "COOPERARE_MOODLE_URL and COOPERARE_MOODLE_TOKEN")
        return self.site
