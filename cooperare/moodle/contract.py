"""Moodle's web-service function descriptions, as recorded from a real site, plus the pack's plugin functions.

The data files (``data/functions-<version>.json.gz``) are copies of ``moodle-contract/functions.json``; the plugin's
own description (``data/local_cooperare.json``) has the same shape. The client uses them to know which functions are
reads (safe to retry); the sandbox uses them to validate parameters and clean return values exactly as Moodle does.

Description nodes are plain dicts in the recorded shape:
``{"type": "single", "keys": {...}}``, ``{"type": "multiple", "content": node}``,
``{"type": "value", "paramtype": "PARAM_INT"}``, each with ``required`` (1 required, 2 optional, 0 default),
``default`` and ``allownull``.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

VALUE_REQUIRED = 1
VALUE_OPTIONAL = 2
VALUE_DEFAULT = 0

SUPPORTED_VERSIONS = ("4.5", "5.0")
DEFAULT_VERSION = "4.5"
PLUGIN_COMPONENT = "local_cooperare"

Node = dict[str, Any]


@dataclass(frozen=True)
class FunctionSpec:
    """One external function: name, read/write type, required capabilities, parameter and return descriptions."""

    name: str
    component: str
    type: str
    capabilities: str
    parameters: Node
    returns: Node | None
    deprecated: bool = False
    loginrequired: bool = True

    @property
    def is_read(self) -> bool:
        return self.type == "read"

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FunctionSpec:
        return cls(
            name=data["name"],
            component=data["component"],
            type=data["type"],
            capabilities=data.get("capabilities") or "",
            parameters=data["parameters"],
            returns=data.get("returns"),
            deprecated=bool(data.get("deprecated", False)),
            loginrequired=bool(data.get("loginrequired", True)),
        )


@dataclass(frozen=True)
class Contract:
    """The functions of one Moodle release (and, optionally, of the pack's plugin)."""

    release: str
    version: str
    functions: dict[str, FunctionSpec] = field(repr=False)
    plugin_version: str | None = None

    def get(self, name: str) -> FunctionSpec | None:
        return self.functions.get(name)

    def is_read(self, name: str) -> bool:
        """True only for functions known to be reads; unknown functions count as writes (never retried)."""
        spec = self.functions.get(name)
        return spec is not None and spec.is_read

    def with_plugin(self) -> Contract:
        """This contract plus the functions of ``local_cooperare``."""
        plugin = plugin_description()
        functions = dict(self.functions)
        for data in plugin["functions"]:
            spec = FunctionSpec.from_json(data)
            functions[spec.name] = spec
        return Contract(
            release=self.release,
            version=self.version,
            functions=dict(sorted(functions.items())),
            plugin_version=str(plugin["version"]),
        )


def _read_data(name: str) -> bytes:
    return resources.files("cooperare.moodle").joinpath("data", name).read_bytes()


@cache
def core_contract(version: str = DEFAULT_VERSION) -> Contract:
    """The core functions recorded from Moodle ``version`` ("4.5" or "5.0")."""
    if version not in SUPPORTED_VERSIONS:
        raise ValueError(f"unsupported Moodle version {version!r}; supported: {', '.join(SUPPORTED_VERSIONS)}")
    data = json.loads(gzip.decompress(_read_data(f"functions-{version}.json.gz")))
    functions = {f["name"]: FunctionSpec.from_json(f) for f in data["functions"]}
    return Contract(release=data["moodle_release"], version=data["moodle_version"], functions=functions)


@cache
def plugin_description() -> dict[str, Any]:
    """The description of the pack's plugin functions (``data/local_cooperare.json``)."""
    return json.loads(_read_data("local_cooperare.json"))


@cache
def full_contract(version: str = DEFAULT_VERSION) -> Contract:
    """Core functions of ``version`` plus the plugin's."""
    return core_contract(version).with_plugin()
