"""The demo's staff stage: a trainer and a tutor per course enrolled after the roster (cohort-sync enrolment, as in
the demo), the coordinator in every course, and a trainee named as trainer of their own course held."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from cooperare.cli.commands.demo import STAGES
from cooperare.cli.commands.demo_staff import stage_staff
from cooperare.config.roster import RosterConfig
from cooperare.courses.catalogue import Catalogue
from cooperare.sandbox import Sandbox
from cooperare.store import Store

from .conftest import add_track_courses, client_for, roster_of, rows, sync


def test_staff_stage_enrols_trainers_and_tutors_and_holds_a_trainee(catalogue: Catalogue, store: Store,
                                                                    tmp_path: Path) -> None:
    box = Sandbox(plugin=True)
    add_track_courses(box, catalogue)
    config = RosterConfig()
    sync(box, roster_of(rows(catalogue, count=40), catalogue, config), catalogue=catalogue, config=config, store=store)
    said: list[str] = []
    run = SimpleNamespace(out=tmp_path, client=client_for(box), store=store, summary={}, catalogue=catalogue,
                          app=SimpleNamespace(say=lambda text, **_: said.append(text)))
    stage_staff(run)  # type: ignore[arg-type]
    staff = run.summary["staff"]
    courses = len(list(catalogue.courses()))
    assert staff["people"] == 2 * courses + 1 and staff["done"]["create user"] == 2 * courses + 1
    assert staff["done"]["enrol"] == 3 * courses  # a trainer, a tutor and the coordinator in each course
    coordinator = next(u for u in box.site.db["user"] if u["email"] == "coordonator@acor.example.ro")
    course_ids = {c["id"] for c in box.site.db["course"] if str(c.get("idnumber", "")).startswith("coop:course:")}
    client = client_for(box)
    for course_id in course_ids:
        roles = {u.id: u.roles for u in client.enrol.enrolled_users(course_id, userfields=["roles"])}
        assert roles[coordinator["id"]] == ("teacher",)
    assert staff["done"]["add group member"] > 8
    held, = staff["held"]
    assert "never a trainee" in held and any(text.startswith("held: ") for text in said)
    assert stage_staff in [stage for _, stage in STAGES]
