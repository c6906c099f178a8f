"""``report publish`` on the sandbox Moodle through the real client: the coordinators' course, cohort and cohort-sync
enrolment, the latest report replaced by a changed one and kept, dated, in the archive; an unchanged re-run is a
no-op; only coordinators are enrolled."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cooperare.certificates.fonts import load_fonts
from cooperare.config.reports import ReportsConfig
from cooperare.courses.catalogue import Catalogue, load_catalogue
from cooperare.moodle.client import MoodleClient
from cooperare.reports.certification import CertificationReport
from cooperare.reports.pdf import write_pdf
from cooperare.reports.publish import PublishPlan, apply_publish, plan_report
from cooperare.sandbox import Sandbox
from cooperare.store import Store
from cooperare.store.certificates import CertificateRecord

from .dashboard_data import PLAN, records

COURSE = "coop:course:coordonare"
COHORT = "coop:echipa:coordonatori"
FIRST = datetime(2027, 10, 1, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


@dataclass
class Site:
    box: Sandbox
    client: MoodleClient
    store: Store
    users: dict[str, int]
    catalogue: Catalogue

    def plan(self, certificates: list[CertificateRecord], *, at: datetime = FIRST,
             coordinators: tuple[str, ...] = ("ana.coord", "mihai@acor.ro")) -> PublishPlan:
        fonts = load_fonts()

        def pdf(report: CertificationReport, path: Path) -> None:
            write_pdf(report, path, fonts=fonts)

        return plan_report(self.client, catalogue=self.catalogue, records=certificates,
                           config=ReportsConfig(coordinators=list(coordinators)), write_pdf=pdf, generated_at=at)

    def publish(self, certificates: list[CertificateRecord], **options: Any) -> PublishPlan:
        planned = self.plan(certificates, **options)
        apply_publish(self.client, self.store, planned)
        return planned

    def course_id(self) -> int:
        return self.client.courses.by_field("idnumber", COURSE)[0].id

    def described(self) -> dict[str, Any]:
        return self.client.call("local_cooperare_describe_courses", {"idnumbers": [COURSE]})["courses"][0]

    def resources(self) -> dict[str, tuple[int, str, str, bytes]]:
        """idnumber → (section, name, file name, file content) of every resource of the course."""
        found = {}
        ids = {a["cmid"]: a["idnumber"] for a in self.described()["activities"]}
        for section in self.client.courses.contents(self.course_id()):
            for module in section.modules:
                if module.modname == "resource":
                    (entry,) = module.raw["contents"]
                    contextid = int(entry["fileurl"].split("/pluginfile.php/", 1)[1].split("/", 1)[0])
                    row = self.box.site.db["files"].first(contextid=contextid, component="mod_resource",
                                                          filearea="content", filename=entry["filename"])
                    found[ids[module.id]] = (section.section, module.name, entry["filename"], row["content"])
        return found


@pytest.fixture
def site(catalogue: Catalogue, tmp_path: Path) -> Iterator[Site]:
    box = Sandbox()
    client = MoodleClient(box.transport())
    people = [("ana.coord", "Ana", "Ionescu", "ana@acor.ro"), ("mihai.coord", "Mihai", "Stan", "mihai@acor.ro"),
              ("ion.cursant", "Ion", "Popa", "ion@primaria.ro")]
    created = client.users.create([{"username": u, "password": "Parola#2026", "firstname": f, "lastname": last,
                                    "email": mail} for u, f, last, mail in people])
    with Store.open(tmp_path / "store.sqlite") as store:
        yield Site(box, client, store, {c["username"]: int(c["id"]) for c in created}, catalogue)


def test_first_publish_creates_course_cohort_sync_sections_and_resources(site: Site) -> None:
    planned = site.publish(records())
    assert planned.plan.counts()["create"] == 1 + 1 + 2 + 1 + 3 + 3 + 3
    course = site.client.courses.by_field("idnumber", COURSE)[0]
    assert course.fullname == "Coordonare — Cooperare digitală" and not course.visible
    (cohort,) = [c for c in site.client.cohorts.search(COHORT) if c.idnumber == COHORT]
    assert set(site.client.cohorts.members([cohort.id])[cohort.id]) == {site.users["ana.coord"],
                                                                        site.users["mihai.coord"]}
    described = site.described()
    assert [(i["cohortidnumber"], i["role"], i["status"]) for i in described["cohortsync"]] == [(COHORT, "teacher", 0)]
    assert [s["name"] for s in described["sections"]][1:3] == ["Raport curent", "Arhivă"]
    resources = site.resources()
    assert sorted(resources) == sorted([f"coop:coordonare:curent:{k}" for k in ("dashboard", "pdf", "xlsx")]
                                       + [f"coop:coordonare:arhiva:20271001-1230:{k}" for k in
                                          ("dashboard", "pdf", "xlsx")])
    section, name, filename, content = resources["coop:coordonare:curent:dashboard"]
    assert (section, filename) == (1, "panou-certificare-20271001-1230.html")
    assert name == "Panou de certificare (HTML) — cel mai recent (2027-10-01 12:30)"
    assert content == planned.bundle.files[0].content and b'data-figure="certified">8<' in content
    assert resources["coop:coordonare:curent:pdf"][3].startswith(b"%PDF")
    assert resources["coop:coordonare:arhiva:20271001-1230:xlsx"][0] == 2


def test_only_the_cohort_members_are_enrolled(site: Site) -> None:
    site.publish(records())
    enrolled = {u.id for u in site.client.enrol.enrolled_users(site.course_id())}
    assert enrolled == {site.users["ana.coord"], site.users["mihai.coord"]}
    assert site.users["ion.cursant"] not in enrolled
    site.publish(records(), coordinators=("ana.coord",))  # Mihai leaves the coordinators: he loses access
    assert {u.id for u in site.client.enrol.enrolled_users(site.course_id())} == {site.users["ana.coord"]}


def test_unchanged_rerun_is_a_noop_plan_and_writes_nothing(site: Site) -> None:
    site.publish(records())
    later = site.plan(records(), at=FIRST + timedelta(days=3))  # generated later, same content
    assert not later.plan.has_changes, [c.address for c in later.plan.pending()]
    before = site.box.site.db["course_modules"].rows.copy()
    calls = site.client.transport.stats.calls
    result = apply_publish(site.client, site.store, later)
    assert result.applied == {} and site.client.transport.stats.calls == calls
    assert site.box.site.db["course_modules"].rows == before


def test_changed_report_replaces_latest_and_adds_a_dated_archive_version(site: Site) -> None:
    first = site.publish(records())
    more = records([*PLAN, ("adm-expert", "BV", 30)])
    second = site.plan(more, at=FIRST + timedelta(days=7))
    actions = {c.address.rsplit("[", 1)[1].rstrip("]"): c.action for c in second.plan.pending()}
    assert actions == {**{f"coop:coordonare:curent:{k}": "update" for k in ("dashboard", "pdf", "xlsx")},
                       **{f"coop:coordonare:arhiva:20271008-1230:{k}": "create" for k in ("dashboard", "pdf", "xlsx")}}
    apply_publish(site.client, site.store, second)
    resources = site.resources()
    assert len(resources) == 9
    latest = resources["coop:coordonare:curent:dashboard"]
    assert latest[2] == "panou-certificare-20271008-1230.html" and b'data-figure="certified">9<' in latest[3]
    assert latest[3] == second.bundle.files[0].content
    old = resources["coop:coordonare:arhiva:20271001-1230:dashboard"]  # the previous version stays, dated
    assert old[3] == first.bundle.files[0].content and old[1].endswith("2027-10-01 12:30")
    assert resources["coop:coordonare:arhiva:20271008-1230:pdf"][0] == 2
    assert not site.plan(more, at=FIRST + timedelta(days=8)).plan.has_changes


def test_unknown_coordinator_is_a_note_not_a_member(site: Site) -> None:
    planned = site.plan(records(), coordinators=("ana.coord", "nimeni@acor.ro"))
    assert any("nimeni@acor.ro" in note for note in planned.plan.notes)
    members = [c for c in planned.plan.changes if ".member[" in c.address]
    assert [c.address.rsplit("[", 1)[1] for c in members] == ["ana.coord]"]


def test_apply_is_journaled(site: Site) -> None:
    site.publish(records())
    entries = site.store.journal.by_address("report publish")
    assert f"course[{COURSE}]" in entries and all(e.phase == "done" for es in entries.values() for e in es)


def test_an_interrupted_publish_is_finished_by_the_next_run(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    from cooperare.errors import ResponseLost

    planned = site.plan(records())
    real_send = site.client.transport.call_pairs

    def lost(wsfunction: str, pairs: Any) -> Any:
        answer = real_send(wsfunction, pairs)
        if wsfunction == "local_cooperare_save_activities":
            raise ResponseLost("the answer never came", wsfunction=wsfunction)  # written, but unheard
        return answer

    monkeypatch.setattr(site.client.transport, "call_pairs", lost)
    with pytest.raises(ResponseLost):
        apply_publish(site.client, site.store, planned)
    monkeypatch.undo()
    assert site.store.journal.unfinished("report publish")  # the resources' entries stay open
    again = site.plan(records())
    assert not again.plan.has_changes  # read back: everything was in fact written, nothing is sent twice
    result = apply_publish(site.client, site.store, again)
    assert result.reconciled == 6 and not site.store.journal.unfinished("report publish")
    assert len(site.resources()) == 6


def test_a_site_without_the_plugin_is_told_what_is_missing(catalogue: Catalogue, tmp_path: Path) -> None:
    from cooperare.errors import CooperareError

    box = Sandbox(plugin=False)
    bare = Site(box, MoodleClient(box.transport()), None, {}, catalogue)  # type: ignore[arg-type]
    with pytest.raises(CooperareError) as raised:
        bare.plan(records())
    assert "local_cooperare_save_activities" in str(raised.value) + str(getattr(raised.value, "hint", ""))
    assert box.site.db["course"].first(idnumber=COURSE) is None


def test_two_versions_in_the_same_minute_are_both_archived(site: Site) -> None:
    site.publish(records())
    second = site.publish(records([*PLAN, ("adm-expert", "BV", 30)]))  # the same FIRST minute
    archive = sorted(i for i in site.resources() if ":arhiva:" in i)
    assert archive == sorted([f"coop:coordonare:arhiva:20271001-1230:{k}" for k in ("dashboard", "pdf", "xlsx")]
                             + [f"coop:coordonare:arhiva:20271001-1230-2:{k}" for k in ("dashboard", "pdf", "xlsx")])
    assert site.resources()["coop:coordonare:arhiva:20271001-1230-2:dashboard"][3] == second.bundle.files[0].content


def test_a_member_no_longer_listed_is_named_in_the_plan(site: Site) -> None:
    site.publish(records())
    planned = site.plan(records(), coordinators=("ana.coord",))
    assert [c.address.rsplit("[", 1)[1] for c in planned.plan.pending()] == ["mihai.coord]"]
    assert next(planned.plan.pending()).action == "delete"


def test_the_coordinators_course_has_no_english_announcements_and_speaks_romanian(catalogue: Catalogue,
                                                                                 tmp_path: Path) -> None:
    # Walk of 2026-12-03: the coordinators' course opened with an empty forum called "Announcements" (made by
    # Moodle from the course's news items, in the site's English) and followed the coordinator's language.
    box = Sandbox()
    box.site.settings.config["languages"] = [["en", "English"], ["ro", "Română"]]
    client = MoodleClient(box.transport())
    client.users.create([{"username": "ana.coord", "password": "Parola#2026", "firstname": "Ana",
                          "lastname": "Ionescu", "email": "ana@acor.ro"}])
    with Store.open(tmp_path / "store.sqlite") as store:
        Site(box, client, store, {}, catalogue).publish(records(), coordinators=("ana.coord",))
    course, = [c for c in box.site.db["course"] if c.get("idnumber") == COURSE]
    assert course["lang"] == "ro" and course["newsitems"] == 0
    assert not list(box.site.db["forum"].where(course=course["id"]))


def test_without_the_romanian_pack_the_course_language_is_left_alone(site: Site) -> None:
    planned = site.publish(records())
    course, = [c for c in site.box.site.db["course"] if c.get("idnumber") == COURSE]
    assert planned.lang == "" and course["lang"] == ""
