"""``cooperare plugin package``: the installable ZIP of the pack's Moodle plugin, local_cooperare."""

from __future__ import annotations

from pathlib import Path

import click

from cooperare.cli.context import AppContext, pass_app
from cooperare.moodle.plugin_package import build_plugin_zip, read_plugin_info


@click.group()
def plugin() -> None:
    """The pack's Moodle plugin (local_cooperare): the web services core Moodle lacks."""


@plugin.command("package")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=Path("local_cooperare.zip"),
              show_default=True, help="Where to write the ZIP.")
@pass_app
def package(app: AppContext, out: Path) -> None:
    """Build the ZIP that Site administration > Plugins > Install plugins accepts (or unzip it into local/)."""
    info = read_plugin_info()
    path = build_plugin_zip(out)
    app.say(f"{path}: {info.component} {info.release} (version {info.version}), {path.stat().st_size:,} bytes")
    app.say("Install it in Moodle (Site administration > Plugins > Install plugins), or unzip it into local/ and "
            "run admin/cli/upgrade.php. Then run local/cooperare/cli/setup.php --user=USERNAME --token-file=FILE.",
            style="dim")
