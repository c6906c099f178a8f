"""The consultation space on the sandbox Moodle through the real client: create, idempotence, drift, stale plans."""

from __future__ import annotations

from dataclasses import replace

import pytest

from cooperare.consultation_bridge.loader import load_consultations
from cooperare.consultation_bridge.model import Consultation
from cooperare.consultation_bridge.space import Space, apply_space, plan_space
from cooperare.courses.catalogue import load_catalogue
from cooperare.courses.planner import DRIFT
from cooperare.errors import StalePlanError
from cooperare.moodle.client import MoodleClient
from cooperare.sandbox import Sandbox
from cooperare.store import Store


def make_space(*consultations: Consultation) -> Space:
    return Space(load_catalogue().prefix, consultations or tuple(load_consultations().items))


def client_for(box: Sandbox) -> MoodleClient:
    return MoodleClient(box.transport())


def test_first_apply_creates_the_whole_space_and_the_second_plan_is_empty(store: Store) -> None:
    box = Sandbox()
    space = make_space()
    first = plan_space(client_for(box), space)
    assert first.plan.counts()["create"] == len(first.plan.changes)
    result = apply_space(client_for(box), store, first)
    parts = sum(len(c.structure) for c in space.consultations)
    assert result.applied["forum discussion"] == parts
    assert result.applied["calendar event"] == sum(len(c.calendar.dates) for c in space.consultations)
    assert result.applied["cohort sync"] == 2 and result.applied["enrolment method"] == 2
    second = plan_space(client_for(box), space)
    assert not second.plan.has_changes, [c.address for c in second.plan.pending()]
    # What Moodle holds: one discussion per part, subjects keyed, self enrolment and guest access enabled.
    subjects = {row["name"] for row in box.site.db["forum_discussions"]}
    assert {f"[{p.key}] {p.title}" for c in space.consultations for p in c.structure} <= subjects
    methods = {row["enrol"]: row["status"] for row in box.site.db["enrol"]
               if row["courseid"] == second.state.course_id}
    # The recommendation form: the part and the sender as radio-button choices, proposal and reasons as text.
    items = {row["label"]: row for row in box.site.db["feedback_item"]}
    assert items["expeditor"]["typ"] == "multichoice"
    assert items["expeditor"]["presentation"] == "r>>>>>cetățean|ONG|autoritate|altul"
    assert items["parte"]["typ"] == "multichoice" and "cap-01 – " in items["parte"]["presentation"]
    assert items["propunere"]["typ"] == "textarea" and items["motivare"]["typ"] == "textarea"
    assert methods.get("self") == 0 and methods.get("guest") == 0 and "cohort" in methods


def test_an_announcement_edited_in_moodle_shows_as_drift_and_is_put_back(store: Store) -> None:
    box = Sandbox()
    space = make_space()
    apply_space(client_for(box), store, plan_space(client_for(box), space))
    idnumber = f"{space.prefix}:consultari-publice:{space.consultations[0].id}:announcement"
    cm = next(row for row in box.site.db["course_modules"] if row.get("idnumber") == idnumber)
    box.site.db["page"].update(cm["instance"], content="<p>Editat de mână.</p>")
    planned = plan_space(client_for(box), space)
    pending = list(planned.plan.pending())
    assert [c.address for c in pending] == [
        f"course[{space.course_idnumber}].activity[{idnumber}]"] and pending[0].note == DRIFT
    apply_space(client_for(box), store, planned)
    assert not plan_space(client_for(box), space).plan.has_changes


def test_a_saved_plan_is_refused_once_moodle_changed(store: Store) -> None:
    box = Sandbox()
    space = make_space()
    saved = plan_space(client_for(box), space)
    apply_space(client_for(box), store, plan_space(client_for(box), space))
    with pytest.raises(StalePlanError):
        apply_space(client_for(box), store, plan_space(client_for(box), space), plan=saved.plan)


def test_consultation_text_is_escaped_and_guest_access_follows_the_setting(store: Store) -> None:
    box = Sandbox()
    base = load_consultations().items[0]
    hostile = replace(base, explanatory_note="Nota <script>alert(1)</script> „ș ț”",
                      structure=(replace(base.structure[0], title="<b>Capitol</b>"), *base.structure[1:]))
    space = make_space(hostile)
    apply_space(client_for(box), store, plan_space(client_for(box), space, guest=False))
    pages = " ".join(str(row["content"]) for row in box.site.db["page"])
    assert "<script>" not in pages and "&lt;script&gt;alert(1)&lt;/script&gt; „ș ț”" in pages
    messages = " ".join(str(row["message"]) for row in box.site.db["forum_posts"])
    assert "<b>Capitol</b>" not in messages and "&lt;b&gt;Capitol&lt;/b&gt;" in messages
    methods = {row["enrol"]: row["status"] for row in box.site.db["enrol"] if row["enrol"] == "guest"}
    assert methods == {"guest": 1}
    assert not plan_space(client_for(box), space, guest=False).plan.has_changes


def test_a_calendar_event_edited_in_moodle_shows_as_drift_and_is_put_back(store: Store) -> None:
    box = Sandbox()
    consultation = load_consultations().items[0]
    space = make_space(consultation)
    apply_space(client_for(box), store, plan_space(client_for(box), space))
    target = next(row for row in box.site.db["event"] if row.get("courseid"))  # moved by hand in Moodle
    box.site.db["event"].update(target["id"], timestart=int(target["timestart"]) + 86400)
    pending = list(plan_space(client_for(box), space).plan.pending())
    assert len(pending) == 1 and ".event[" in pending[0].address and pending[0].note == DRIFT
    apply_space(client_for(box), store, plan_space(client_for(box), space))
    assert not plan_space(client_for(box), space).plan.has_changes
    assert box.site.db["event"].get(target["id"])["timestart"] == target["timestart"]
