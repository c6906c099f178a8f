"""Load a roster file: read it (:mod:`~cooperare.sync.readers`), then validate and normalise it
(:mod:`~cooperare.sync.validate`). The one entry point commands use; it never talks to Moodle, so nothing is sent
before the whole file is known to be valid.
"""

from __future__ import annotations

from pathlib import Path

from cooperare.config.roster import RosterConfig
from cooperare.courses.catalogue import Catalogue
from cooperare.sync.model import Roster
from cooperare.sync.readers import parse_bytes, read_table
from cooperare.sync.validate import validate_table


def load_roster(path: Path, *, config: RosterConfig, catalogue: Catalogue, skip_invalid: bool = False) -> Roster:
    """Read and validate a roster file; raises InputError (RosterInvalid for row-level problems; with
    ``skip_invalid`` invalid rows are left out and listed in ``Roster.refused`` instead)."""
    table = read_table(path, encoding=config.encoding, sheet=config.sheet)
    return validate_table(table, catalogue=catalogue, config=config, skip_invalid=skip_invalid)


def roster_from_bytes(data: bytes, *, source: str, config: RosterConfig, catalogue: Catalogue,
                      skip_invalid: bool = False) -> Roster:
    """Like :func:`load_roster` for bytes already in memory (uploads, tests)."""
    table = parse_bytes(data, source=source, encoding=config.encoding, sheet=config.sheet)
    return validate_table(table, catalogue=catalogue, config=config, skip_invalid=skip_invalid)
