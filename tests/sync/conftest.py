"""Roster-sync fixtures: the shipped catalogue, a sandbox Moodle with the four track courses, a client bound to it,
a temporary store, and helpers to build roster files and read back what Moodle holds."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from cooperare.config.roster import RosterConfig
from cooperare.courses.catalogue import Catalogue, load_catalogue
from cooperare.courses.identity import course_idnumber
from cooperare.moodle.client import MoodleClient
from cooperare.sandbox import Sandbox
from cooperare.store import Store
from cooperare.sync.generator import Row, csv_bytes, generate
from cooperare.sync.importer import roster_from_bytes
from cooperare.sync.model import Roster
from cooperare.sync.plan import RosterPlan
from cooperare.sync.service import ApplyOutcome, apply_roster, plan_roster

PREFIX = "coop:person:"


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture
def config() -> RosterConfig:
    return RosterConfig(enrolment="manual")


def add_track_courses(box: Sandbox, catalogue: Catalogue) -> dict[str, int]:
    """The four track courses (bare), as `courses apply` would have left them; idnumber → id."""
    created = MoodleClient(box.transport()).courses.create([
        {"fullname": c.fullname, "shortname": c.shortname, "categoryid": 1,
         "idnumber": course_idnumber(catalogue.prefix, c.key)} for _, c in catalogue.courses()])
    ids = [int(c["id"]) for c in created]
    return {course_idnumber(catalogue.prefix, c.key): i for (_, c), i in zip(catalogue.courses(), ids, strict=True)}


@pytest.fixture
def sandbox(catalogue: Catalogue) -> Sandbox:
    box = Sandbox(max_input_vars=1000, plugin=False)
    add_track_courses(box, catalogue)
    return box


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "store.sqlite") as opened:
        yield opened


def client_for(box: Sandbox) -> MoodleClient:
    return MoodleClient(box.transport())


def roster_of(rows: Sequence[Row], catalogue: Catalogue, config: RosterConfig) -> Roster:
    return roster_from_bytes(csv_bytes(rows), source="roster.csv", config=config, catalogue=catalogue)


def rows(catalogue: Catalogue, count: int = 40, seed: int = 7) -> list[Row]:
    return generate(catalogue, count=count, seed=seed)


@dataclass
class Synced:
    plan: RosterPlan
    outcome: ApplyOutcome
    client: MoodleClient


def sync(box: Sandbox, roster: Roster, *, catalogue: Catalogue, config: RosterConfig, store: Store,
         unenrol: bool = False) -> Synced:
    """Plan and apply once with a fresh client (its call counter starts at 0)."""
    client = client_for(box)
    rplan = plan_roster(client, roster, catalogue=catalogue, config=config, unenrol=unenrol)
    outcome = apply_roster(client, rplan, store=store, run_id=store.runs.start("test"), config=config)
    return Synced(rplan, outcome, client)


def moodle_view(box: Sandbox) -> dict[str, Any]:
    """What the sandbox holds for the pack, by idnumber only (ids differ between runs): users, cohort members,
    enrolments (active or not), groups and group members."""
    db = box.site.db
    users = {u["id"]: u for u in db["user"] if str(u.get("idnumber") or "").startswith(PREFIX) and not u["deleted"]}
    idn = {uid: u["idnumber"] for uid, u in users.items()}
    cohorts = {c["id"]: c["idnumber"] for c in db["cohort"] if str(c.get("idnumber") or "").startswith("coop:")}
    courses = {c["id"]: c["idnumber"] for c in db["course"] if str(c.get("idnumber") or "").startswith("coop:")}
    enrol_course = {e["id"]: e["courseid"] for e in db["enrol"] if e["courseid"] in courses}
    groups = {g["id"]: (courses.get(g["courseid"]), g["idnumber"], g["name"]) for g in db["groups"]
              if str(g.get("idnumber") or "").startswith("coop:")}
    return {
        "users": sorted((u["idnumber"], u["username"], u["firstname"], u["lastname"], u["email"], u["city"],
                         u["institution"], bool(u["suspended"])) for u in users.values()),
        "cohorts": sorted(cohorts.values()),
        "cohort_members": sorted((cohorts[m["cohortid"]], idn[m["userid"]]) for m in db["cohort_members"]
                                 if m["cohortid"] in cohorts and m["userid"] in idn),
        "enrolments": sorted((courses[enrol_course[ue["enrolid"]]], idn[ue["userid"]], int(ue["status"]))
                             for ue in db["user_enrolments"] if ue["enrolid"] in enrol_course
                             and ue["userid"] in idn),
        "groups": sorted(groups.values(), key=lambda g: (str(g[0]), g[1])),
        "group_members": sorted((groups[m["groupid"]][1], idn[m["userid"]]) for m in db["groups_members"]
                                if m["groupid"] in groups and m["userid"] in idn),
    }


def edit_row(all_rows: list[Row], key: str, **changes: str) -> list[Row]:
    return [replace(row, **changes) if row.key == key else row for row in all_rows]
