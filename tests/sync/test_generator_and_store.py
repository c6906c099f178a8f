"""The roster generator (seeded, realistic, the catalogue's split, malformed rows on demand) and the people
snapshot kept in the store."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import inspect

from cooperare.config.roster import RosterConfig
from cooperare.courses.catalogue import Catalogue
from cooperare.store import Store
from cooperare.store.people import People, PersonRecord
from cooperare.sync.counties import COUNTIES
from cooperare.sync.generator import csv_bytes, generate, split
from cooperare.sync.importer import roster_from_bytes
from cooperare.sync.validate import RosterInvalid


def test_the_same_seed_gives_the_same_roster(catalogue: Catalogue) -> None:
    assert generate(catalogue, count=50, seed=4) == generate(catalogue, count=50, seed=4)
    assert generate(catalogue, count=50, seed=4) != generate(catalogue, count=50, seed=5)


def test_split_follows_the_targets(catalogue: Catalogue) -> None:
    assert split(292, [10, 200, 41, 41]) == [10, 200, 41, 41]
    assert sum(split(30_000, [10, 200, 41, 41])) == 30_000
    roster = roster_from_bytes(csv_bytes(generate(catalogue, count=292, seed=9)), source="g.csv",
                               config=RosterConfig(), catalogue=catalogue)
    assert Counter(p.track for p in roster.people) == {"ong-expert": 10, "adm-alfabetizare": 200, "adm-expert": 41,
                                                       "alesi-guvernanta": 41}
    assert Counter(p.category for p in roster.people)["ong"] == 10
    text = " ".join(p.fullname + p.commune + p.organisation for p in roster.people)
    assert set("ăâîșț") <= set(text.lower())
    assert {p.county for p in roster.people} <= {c.code for c in COUNTIES}
    assert len({p.county for p in roster.people}) > 30


def test_malformed_rows_are_each_reported(catalogue: Catalogue) -> None:
    with pytest.raises(RosterInvalid) as caught:
        roster_from_bytes(csv_bytes(generate(catalogue, count=100, seed=2, malformed=6)), source="g.csv",
                          config=RosterConfig(), catalogue=catalogue)
    assert len(caught.value.problems) == 6


def test_people_snapshot_upsert_status_and_no_cnp_column(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.sqlite") as store:
        people = People(store.engine)
        record = PersonRecord("A1", "coop:person:A1", 7, "Ion", "Pop", "ion@x.ro", "SB", "Sibiu", "ONG X", "ong",
                              "ong-expert")
        people.upsert([record, PersonRecord("A2", "coop:person:A2", None, "Ana", "Pop", "ana@x.ro", "SB", "Sibiu",
                                            "ONG X", "ong", "ong-expert")])
        people.upsert([PersonRecord(**{**record.__dict__, "lastname": "Popa"})])
        people.set_status(["A2"], "suspended")
        assert [(p.key, p.lastname, p.status) for p in people.all()] == [("A1", "Popa", "active"),
                                                                          ("A2", "Pop", "suspended")]
        assert [p.key for p in people.all(status="active", track="ong-expert")] == ["A1"]
        columns = {c["name"] for c in inspect(store.engine).get_columns("roster_people")}
        assert not {"cnp", "phone", "password"} & columns
        people.forget(["A1"])
        assert people.get("A1") is None


def test_generated_people_live_in_real_communes_and_have_example_e_mails(catalogue: Catalogue) -> None:
    from cooperare import territory
    real = {(c.county_name, c.name) for c in territory.communes()}
    people = generate(catalogue, count=300, seed=11)
    assert all((row.county, row.commune) in real for row in people)
    assert not any(row.county == "București" for row in people)
    domains = {row.email.rsplit("@", 1)[1] for row in people}
    assert all(d in ("example.org", "example.com", "example.net") or d.endswith((".example", ".test"))
               for d in domains)
