"""The typed methods for local_cooperare's functions, driven through the real client against the sandbox: batched
within the variable budget, answers counted, records typed; and no domain module calls a wsfunction by name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cooperare.errors import NotImplementedBySite
from cooperare.moodle.client import MoodleClient
from cooperare.moodle.contract import full_contract
from cooperare.moodle.records import DescribedCourse
from cooperare.sandbox import Sandbox

PACKAGE = Path(__file__).resolve().parents[2] / "cooperare"


def courses(client: MoodleClient, count: int) -> dict[str, int]:
    created = client.courses.create([{"fullname": f"Curs {i}", "shortname": f"C{i}", "categoryid": 1,
                                      "idnumber": f"coop:course:c{i}"} for i in range(count)])
    return {f"coop:course:c{i}": int(c["id"]) for i, c in enumerate(created)}


def test_describe_is_batched_within_the_budget_and_leaves_out_unknown_idnumbers() -> None:
    box = Sandbox(plugin=True)
    ids = courses(MoodleClient(box.transport()), 5)
    client = MoodleClient(box.transport(var_budget=3 + 3))  # the header and three idnumbers per request
    described = client.course_content.describe([*ids, "coop:course:nowhere"])
    assert client.transport.stats.by_function["local_cooperare_describe_courses"] == 2
    assert all(isinstance(d, DescribedCourse) for d in described)
    assert {d.idnumber: d.id for d in described} == ids
    assert client.course_content.describe([]) == [] and client.transport.stats.calls == 2


def test_sections_are_saved_in_budget_sized_requests_and_counted() -> None:
    box = Sandbox(plugin=True)
    client = MoodleClient(box.transport())
    course_id = courses(client, 1)["coop:course:c0"]
    sections = [{"courseid": course_id, "number": n, "name": f"Modulul {n}", "summary": "<p>Despre modul</p>",
                 "visible": 1} for n in range(1, 7)]
    small = MoodleClient(box.transport(var_budget=3 + 2 * 5))  # two sections (5 variables each) per request
    answers = small.course_content.save_sections(sections)
    assert small.transport.stats.by_function["local_cooperare_save_sections"] == 3
    assert [(a["number"], a["action"]) for a in answers] == [(n, "created") for n in range(1, 7)]
    described = client.course_content.describe(["coop:course:c0"])[0]
    assert [s["name"] for s in described.raw["sections"] if s["managed"]] == [f"Modulul {n}" for n in range(1, 7)]


def test_cohort_sync_instances_are_saved_read_typed_and_deleted() -> None:
    box = Sandbox(plugin=True)
    client = MoodleClient(box.transport())
    course_id = courses(client, 1)["coop:course:c0"]
    cohort = client.cohorts.create([{"name": "Alfabetizare digitală", "idnumber": "coop:cohort:alfa"}])[0]
    saved = client.cohort_sync.save([{"courseid": course_id, "cohortidnumber": "coop:cohort:alfa",
                                      "role": "student"}])
    assert [(s["cohortid"], s["action"]) for s in saved] == [(cohort.id, "created")]
    instance, = client.course_content.describe(["coop:course:c0"])[0].cohortsync
    assert (instance.cohortid, instance.cohortidnumber, instance.role, instance.status) == \
        (cohort.id, "coop:cohort:alfa", "student", 0)
    assert instance.roleid > 0 and instance.enrolid == saved[0]["enrolid"]
    deleted = client.cohort_sync.delete([(course_id, "coop:cohort:alfa")])
    assert [d["action"] for d in deleted] == ["deleted"]
    assert client.course_content.describe(["coop:course:c0"])[0].cohortsync == ()


def test_a_function_the_sandbox_lacks_is_its_own_error() -> None:
    box = Sandbox(plugin=True)
    box.server.handlers = {k: v for k, v in box.server.handlers.items() if k != "core_group_create_groups"}
    client = MoodleClient(box.transport())
    course_id = courses(client, 1)["coop:course:c0"]
    with pytest.raises(NotImplementedBySite, match="does not implement core_group_create_groups"):
        client.groups.create([{"courseid": course_id, "name": "Comuna Ciugud", "idnumber": "coop:group:x"}])


def test_no_domain_module_calls_a_web_service_function_by_name() -> None:
    names = set(full_contract().functions)
    raw = re.compile(r"\.call\(|call_batched\(|\.call_pairs\(")
    quoted = re.compile(r"\"([a-z]+_\w+)\"")
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith(("moodle/", "sandbox/")):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            named = any(name in names for name in quoted.findall(line))
            if (raw.search(line) or named) and "wsfunction=" not in line:
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == []
