"""The table of web-service functions the sandbox implements, and what a handler receives.

A handler is a plain function taking a :class:`Call` and returning the Python value Moodle would return (before
``clean_returnvalue``). ``atomic=True`` marks functions that Moodle runs inside one delegated transaction (one bad
item rolls back the whole call); the others keep the writes made before an error, as Moodle does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cooperare.sandbox.db import Row
from cooperare.sandbox.request import UploadedFile
from cooperare.sandbox.site import Site


@dataclass
class Call:
    """One web-service call as a handler sees it: the site, the token's user, validated parameters."""

    site: Site
    user: Row
    wsfunction: str
    params: dict[str, Any]
    files: tuple[UploadedFile, ...] = ()

    @property
    def db(self) -> Any:
        return self.site.db

    def require(self, capability: str) -> None:
        self.site.require_capability(self.user, capability)


Handler = Callable[[Call], Any]


@dataclass(frozen=True)
class Registered:
    name: str
    handler: Handler
    atomic: bool


HANDLERS: dict[str, Registered] = {}


def ws_function(name: str, *, atomic: bool = False) -> Callable[[Handler], Handler]:
    """Register ``handler`` as the sandbox implementation of web-service function ``name``."""

    def register(handler: Handler) -> Handler:
        if name in HANDLERS:
            raise RuntimeError(f"{name} registered twice")
        HANDLERS[name] = Registered(name, handler, atomic)
        return handler

    return register


def load_all() -> dict[str, Registered]:
    """Import every handler module (they register themselves) and return the table."""
    from cooperare.sandbox import functions  # noqa: F401  (import side effect: registration)

    return HANDLERS
