"""What every command shares: the configuration (read lazily), the Moodle client, the store, and output helpers.

The CLI is the only layer that prints. Messages go to stderr through ``rich``; data (``--json``) goes to stdout as
one JSON document. Every command that talks to Moodle ends with the number of web-service calls it made.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from cooperare.config import Config, load_config, load_token
from cooperare.courses.catalogue import Catalogue, load_catalogue
from cooperare.moodle.client import MoodleClient
from cooperare.moodle.transport import Transport
from cooperare.secrets import redact
from cooperare.store import Store


@dataclass
class AppContext:
    """Created once per invocation by the root command; commands reach it with ``click.pass_obj``."""

    config_path: Path | None = None
    debug: bool = False
    console: Console = field(default_factory=lambda: Console(stderr=True, highlight=False, soft_wrap=True))
    _config: Config | None = None
    _transports: list[Transport] = field(default_factory=list)
    _stores: list[Store] = field(default_factory=list)

    # -- configuration and connections ----------------------------------------------------------------------------

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_path)
        return self._config

    def optional_config(self) -> Config | None:
        """The configuration if there is one (commands that need no Moodle also work without any)."""
        return self.config

    def catalogue(self, path: Path | None = None) -> Catalogue:
        """The catalogue: ``path`` if given, else the configured one, else the ACoR catalogue shipped."""
        if path is None:
            config = self.optional_config()
            path = config.catalogue if config is not None else None
        return load_catalogue(path)

    def transport(self) -> Transport:
        """A transport to the configured Moodle (token from the environment or the 0600 token file)."""
        site = self.config.require_site()
        transport = Transport(site.url, load_token(site), timeout=site.timeout, retries=site.retries,
                              var_budget=site.var_budget)
        self._transports.append(transport)
        return transport

    def client(self) -> MoodleClient:
        return MoodleClient(self.transport())

    def adopt(self, transport: Transport) -> Transport:
        """Count calls of a transport built elsewhere (the in-process sandbox of ``demo``)."""
        self._transports.append(transport)
        return transport

    def store(self) -> Store:
        store = Store.open(self.config.store.url)
        self._stores.append(store)
        return store

    @property
    def ws_calls(self) -> int:
        return sum(t.stats.calls for t in self._transports)

    def close(self) -> None:
        for store in self._stores:
            store.close()
        self._stores.clear()

    # -- output ---------------------------------------------------------------------------------------------------

    def say(self, text: str = "", *, style: str | None = None) -> None:
        self.console.print(redact(text), style=style, markup=False, highlight=False, emoji=False)

    def note(self, text: str) -> None:
        self.say(text, style="yellow")

    def ws_summary(self) -> None:
        """The closing line of every command that talked to Moodle."""
        calls = self.ws_calls
        self.say(f"{calls} web-service call{'s' if calls != 1 else ''}", style="dim")

    def emit_json(self, data: dict[str, Any]) -> None:
        """Print one JSON document on stdout (with ``ws_calls`` when Moodle was called)."""
        data = dict(data)
        if self._transports and "ws_calls" not in data:
            data["ws_calls"] = self.ws_calls
        text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write(redact(text) + "\n")
        sys.stdout.flush()


pass_app = click.make_pass_decorator(AppContext)
