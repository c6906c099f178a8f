"""An in-process Moodle for tests and the demo, speaking Moodle's REST protocol (like moto for AWS).

Typical use::

    sandbox = Sandbox()                      # a fresh site, as recorded from Moodle 4.5.6
    transport = sandbox.transport()          # the real client, wired to the sandbox through requests
    transport.call("core_webservice_get_site_info")

Production code paths never import this package, except ``cooperare sandbox`` and ``cooperare demo``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests

from cooperare.moodle.transport import Transport
from cooperare.sandbox.adapter import SandboxAdapter
from cooperare.sandbox.faults import FaultKind, Faults
from cooperare.sandbox.httpd import SandboxHTTPServer
from cooperare.sandbox.server import SandboxServer
from cooperare.sandbox.site import RECORDED_WWWROOT, Site, SiteSettings
from cooperare.secrets import Secret

__all__ = ["FaultKind", "Sandbox", "SiteSettings"]


class Sandbox:
    """A sandbox Moodle site with its server, fault injector and helpers to build clients bound to it."""

    def __init__(
        self,
        *,
        version: str = "4.5",
        plugin: bool = True,
        max_input_vars: int = 1000,
        token: str | None = None,
        wwwroot: str = RECORDED_WWWROOT,
        debug: int = 0,
    ) -> None:
        settings = SiteSettings(version=version, wwwroot=wwwroot.rstrip("/"), max_input_vars=max_input_vars,
                                plugin=plugin, config={"debug": debug, "debugdisplay": 0})
        if token:
            settings.token = token
        self.server = SandboxServer(Site(settings), faults=Faults())

    @property
    def site(self) -> Site:
        return self.server.site

    @property
    def faults(self) -> Faults:
        return self.server.faults

    @property
    def url(self) -> str:
        return self.site.wwwroot

    @property
    def token(self) -> Secret:
        return Secret(self.site.settings.token, source="sandbox")

    def reset(self) -> None:
        """Back to the fresh baseline: the settings the site started with (same token), no faults."""
        self.server.reset()

    def session(self, *, sleep: Any = None) -> requests.Session:
        """A ``requests.Session`` whose requests to this site are answered in-process."""
        session = requests.Session()
        adapter = SandboxAdapter(self.server) if sleep is None else SandboxAdapter(self.server, sleep=sleep)
        session.mount(self.url + "/", adapter)
        return session

    def transport(self, **options: Any) -> Transport:
        """The real client transport, bound to this sandbox."""
        options.setdefault("contract", self.site.contract)
        options.setdefault("var_budget", 1000)
        options.setdefault("sleep", lambda _seconds: None)
        return Transport(self.url, self.token, session=self.session(sleep=lambda _seconds: None), **options)

    def serve(self, *, port: int = 0, control: bool = False) -> SandboxHTTPServer:
        """Start answering on ``127.0.0.1:port`` in a background thread; returns the server (``.port``)."""
        httpd = SandboxHTTPServer(self.server, port=port, control=control)
        httpd.start_background()
        return httpd

    @contextmanager
    def served(self, *, port: int = 0, control: bool = False, own_wwwroot: bool = True) -> Iterator[str]:
        """``with box.served() as url:`` — answering on a loopback port for the block, then stopped and closed.
        With ``own_wwwroot`` the site's wwwroot becomes ``url`` for the block, so the links it returns (files,
        verification page) point where it is served."""
        httpd = self.serve(port=port, control=control)
        url = f"http://127.0.0.1:{httpd.port}"
        before = self.site.settings.wwwroot
        if own_wwwroot:
            self.site.settings.wwwroot = url
        try:
            yield url
        finally:
            httpd.shutdown()
            httpd.server_close()
            self.site.settings.wwwroot = before  # no link to a stopped server
