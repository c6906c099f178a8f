"""DIR/cooperare.yaml, which the demo's stages fill section by section so that commands run in DIR use the demo's
store, keys, calendar and people. Each stage adds or replaces its own sections; the others, and the file's leading
comment lines, are kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from cooperare.config import CONFIG_FILE_NAME

DEFAULTS: dict[str, Any] = {"site": {"url": "http://127.0.0.1:8085"}, "store": {"url": "sqlite:///cooperare.sqlite"}}
"""Written when the file has none yet: the sandbox's address (``cooperare sandbox serve``) and the demo's store."""


def update_demo_config(out: Path, sections: dict[str, Any], *, header: str | None = None) -> Path:
    """Set ``sections`` in DIR/cooperare.yaml (see the module docstring); ``header`` replaces the leading comments."""
    path = out / CONFIG_FILE_NAME
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    data: dict[str, Any] = yaml.safe_load(text) or {}
    for key, value in DEFAULTS.items():
        data.setdefault(key, value)
    data.update(sections)
    if header is None:
        header = "".join(line + "\n" for line in text.splitlines() if line.startswith("#"))
    path.write_text(header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
