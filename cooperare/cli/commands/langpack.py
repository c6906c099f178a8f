"""``cooperare langpack comma-below``: a ro_local customisation pack that spells Moodle's own Romanian strings with
the comma below (ș ț) where the installed pack uses cedillas (ş ţ)."""

from __future__ import annotations

from pathlib import Path

import click

from cooperare.cli.context import AppContext, pass_app
from cooperare.errors import ConfigError
from cooperare.langpack import FIXES, comma_below_overrides, with_fixes, write_overrides


@click.group()
def langpack() -> None:
    """Moodle language packs: fixes the pack's Romanian needs (docs/walk-2026-12-03.md)."""


@langpack.command("comma-below")
@click.argument("pack", type=click.Path(file_okay=False, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="The customisation folder to write, e.g. MOODLEDATA/lang/ro_local.")
@click.option("--fixes/--no-fixes", default=True, show_default=True,
              help="Also the project's corrections of the pack's words (English left, a typo, 'tu', the alphabet).")
@pass_app
def comma_below(app: AppContext, pack: Path, out: Path, fixes: bool) -> None:
    """Write into OUT the strings of PACK (e.g. MOODLEDATA/lang/ro) spelled with ş ţ, with ș ț instead, and the
    project's corrections of the pack's words; then purge Moodle's caches (admin/cli/purge_caches.php --lang)."""
    if not (pack / "langconfig.php").is_file():
        raise ConfigError(f"{pack} is not a Moodle language pack (no langconfig.php)")
    if out.resolve() == pack.resolve():
        raise ConfigError("--out must be the customisation folder (ro_local), not the pack itself")
    overrides = comma_below_overrides(pack)
    rewritten = sum(len(o.strings) for o in overrides)
    if fixes:
        overrides = with_fixes(overrides)
    count = write_overrides(overrides, out)
    corrected = f" and {len(FIXES)} corrections of the pack's words" if fixes else ""
    app.say(f"{count} strings in {len(overrides)} components into {out}: {rewritten} rewritten with ș ț{corrected}")
    app.say("Then, as the web server's user: php admin/cli/purge_caches.php --lang", style="dim")
