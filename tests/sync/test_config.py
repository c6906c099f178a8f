"""The ``roster:`` section of cooperare.yaml, and the county cohorts it can turn on."""

from __future__ import annotations

from pathlib import Path

import pytest

from cooperare.config import load_config
from cooperare.config.roster import RosterConfig
from cooperare.courses.catalogue import Catalogue
from cooperare.errors import ConfigError
from cooperare.sandbox import Sandbox
from cooperare.store import Store

from .conftest import PREFIX, edit_row, moodle_view, roster_of, rows, sync

SITE = "site:\n  url: https://moodle.example.ro\n"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "cooperare.yaml"
    path.write_text(SITE + text, encoding="utf-8")
    return path


def test_defaults_without_a_roster_section(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, ""), environ={}).roster == RosterConfig()


def test_roster_section_is_read_strictly(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "roster:\n  username: key\n  auth: oauth2\n  cohort_per_county: true\n"
                                         "  columns:\n    email: [Adresă personală]\n"), environ={})
    assert (config.roster.username, config.roster.auth, config.roster.cohort_per_county) == ("key", "oauth2", True)
    assert config.roster.columns == {"email": ["Adresă personală"]}
    with pytest.raises(ConfigError, match=r"cooperare.yaml:4:3: roster.usernme: unknown key 'usernme'"):
        load_config(write(tmp_path, "roster:\n  usernme: key\n"), environ={})
    with pytest.raises(ConfigError, match="expected one of 'email', 'firstname.lastname', 'key'"):
        load_config(write(tmp_path, "roster:\n  username: cnp\n"), environ={})
    with pytest.raises(ConfigError, match="cooperare.yaml:3:1: roster: columns: unknown roster field 'cnp'"):
        load_config(write(tmp_path, "roster:\n  columns:\n    cnp: [CNP]\n"), environ={})


def test_county_cohorts(sandbox: Sandbox, catalogue: Catalogue, store: Store) -> None:
    config = RosterConfig(enrolment="manual", cohort_per_county=True)
    people = rows(catalogue, count=30)
    sync(sandbox, roster_of(people, catalogue, config), catalogue=catalogue, config=config, store=store)
    view = moodle_view(sandbox)
    county = [c for c in view["cohorts"] if c.startswith("coop:cohort:county:")]
    assert len(view["cohort_members"]) == 60 and county
    person = people[0]
    moved = edit_row(people, person.key, county="Tulcea")
    sync(sandbox, roster_of(moved, catalogue, config), catalogue=catalogue, config=config, store=store)
    mine = sorted(c for c, u in moodle_view(sandbox)["cohort_members"] if u == f"{PREFIX}{person.key}")
    assert len(mine) == 2 and "coop:cohort:county:tl" in mine
    assert sandbox.site.db["cohort"].first(idnumber="coop:cohort:county:tl")["name"] == "Județul Tulcea"
