"""Build the installable ZIP of the Moodle plugin ``local_cooperare`` from the sources shipped with this package.

The plugin's sources live in ``moodle-plugin/local_cooperare`` of the repository; the package reaches them as
``cooperare/moodle/plugin_src`` (a link in a checkout, real files in an installed wheel: setup.cfg ships them as
package data), so a ZIP can be built both from a checkout and after ``pip install``.

Moodle's installer (Site administration → Plugins → Install plugins, ``core\\update\\validator``) wants exactly one
root folder named after the plugin without its type (``cooperare/``), ``version.php`` and ``lang/en/`` with the
English strings inside it, and directory entries in the archive. Entries are sorted and carry fixed timestamps and
permissions, so the same sources always give the same bytes. This module builds files only: it never talks to
Moodle and never prints.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from cooperare.errors import CooperareError

PLUGIN_COMPONENT = "local_cooperare"
ROOT_FOLDER = "cooperare"  # the plugin name: Moodle installs the ZIP's root folder into local/<name>

# Fixed metadata so repeated builds are byte-identical.
_DATE_TIME = (2026, 1, 1, 0, 0, 0)
_FILE_MODE = 0o100644 << 16
_DIR_MODE = (0o40755 << 16) | 0x10

# Development leftovers never shipped: hidden files and folders, editor backups, Python caches, patch rejects.
_EXCLUDED_NAMES = re.compile(r"^(\..*|__pycache__|.*\.py[cod]|.*~|.*\.orig|.*\.rej|.*\.swp|Thumbs\.db|phpunit\.xml)$")


@dataclass(frozen=True)
class PluginInfo:
    """What version.php declares."""

    component: str
    version: int
    release: str


class PluginPackageError(CooperareError):
    """The plugin sources are missing or malformed."""


def plugin_source_dir() -> Path:
    """The folder holding the plugin's sources (``version.php`` at its top)."""
    candidate = Path(str(resources.files("cooperare.moodle").joinpath("plugin_src")))
    if not (candidate / "version.php").is_file():
        raise PluginPackageError(
            f"the sources of {PLUGIN_COMPONENT} are not installed with this package (looked in {candidate})"
        )
    return candidate


def read_plugin_info(source: Path | None = None) -> PluginInfo:
    """Component, version and release from the plugin's version.php (read as text, never executed)."""
    path = (source or plugin_source_dir()) / "version.php"
    if not path.is_file():
        raise PluginPackageError(f"no version.php in {path.parent}")
    text = path.read_text(encoding="utf-8")

    def field(name: str, pattern: str) -> str:
        match = re.search(r"\$plugin->" + name + r"\s*=\s*" + pattern + r"\s*;", text)
        if not match:
            raise PluginPackageError(f"version.php does not set $plugin->{name}")
        return match.group(1)

    return PluginInfo(
        component=field("component", r"'([a-z0-9_]+)'"),
        version=int(field("version", r"(\d{10})")),
        release=field("release", r"'([^']*)'"),
    )


def plugin_files(source: Path | None = None) -> list[str]:
    """Paths (relative to the plugin folder, ``/``-separated, sorted) of the files that go into the ZIP."""
    source = source or plugin_source_dir()
    files: list[str] = []
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if any(_EXCLUDED_NAMES.match(part) for part in relative.parts):
            continue
        if path.is_file():
            files.append(relative.as_posix())
    return files


def build_plugin_zip(out: Path, *, source: Path | None = None) -> Path:
    """Write the installable ZIP of the plugin to ``out`` and return ``out``.

    The archive holds ``cooperare/`` and below it every plugin file (tests included: Moodle runs a plugin's
    PHPUnit tests from its own ``tests/`` folder), with a directory entry for each folder.
    """
    source = source or plugin_source_dir()
    info = read_plugin_info(source)
    if info.component != PLUGIN_COMPONENT:
        raise PluginPackageError(f"version.php declares {info.component!r}, expected {PLUGIN_COMPONENT!r}")
    files = plugin_files(source)
    if "lang/en/local_cooperare.php" not in files:
        raise PluginPackageError("the English language file lang/en/local_cooperare.php is missing")

    folders = {ROOT_FOLDER + "/"}
    for relative in files:
        parts = relative.split("/")[:-1]
        for depth in range(1, len(parts) + 1):
            folders.add(ROOT_FOLDER + "/" + "/".join(parts[:depth]) + "/")
    entries = sorted(folders | {f"{ROOT_FOLDER}/{relative}" for relative in files})

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in entries:
            entry = zipfile.ZipInfo(name, date_time=_DATE_TIME)
            entry.create_system = 3  # Unix, so the permission bits below are honoured
            if name.endswith("/"):
                entry.external_attr = _DIR_MODE
                archive.writestr(entry, b"", compress_type=zipfile.ZIP_STORED)
            else:
                entry.external_attr = _FILE_MODE
                entry.compress_type = zipfile.ZIP_DEFLATED
                data = (source / name[len(ROOT_FOLDER) + 1 :]).read_bytes()
                archive.writestr(entry, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return out
