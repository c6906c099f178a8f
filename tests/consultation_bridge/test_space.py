"""The consultation space on the sandbox Moodle through the real client: create, idempotence, drift, stale plans."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

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


def test_pdf_and_docx_drafts_are_files_to_download_and_uploaded_only_when_changed(
        store: Store, consultation: Consultation, tmp_path: Path) -> None:
    pdf, docx = tmp_path / "proiect-hotarare.pdf", tmp_path / "nota-de-fundamentare.docx"
    pdf.write_bytes(b"%PDF-1.7\n% proiect de hotarare\n")
    docx.write_bytes(b"PK\x03\x04 nota de fundamentare")
    draft = replace(consultation, documents=(pdf, docx, *consultation.documents))
    box = Sandbox()
    space = make_space(draft)
    first = plan_space(client_for(box), space)
    files = {c.address: c for c in first.plan.changes if ".file[" in c.address}
    assert len(files) == 2 and {c.action for c in files.values()} == {"create"}
    pages = [c for c in first.plan.changes if ".activity[" in c.address]
    assert not any("Document: proiect-hotarare" in str(c.after) for c in pages)
    result = apply_space(client_for(box), store, first)
    assert result.applied["document file"] == 2
    stored = {row["filename"]: row["content"] for row in box.site.db["files"]
              if row["component"] == "mod_resource" and row["filename"] != "."}
    assert stored == {"proiect-hotarare.pdf": pdf.read_bytes(), "nota-de-fundamentare.docx": docx.read_bytes()}
    uploads = client_for(box).transport.stats.uploads
    again = plan_space(client_for(box), space)
    assert not again.plan.has_changes, [c.address for c in again.plan.pending()]
    pdf.write_bytes(b"%PDF-1.7\n% proiect de hotarare, versiunea a doua\n")
    changed = plan_space(client_for(box), space)
    pending = [(c.address, c.action) for c in changed.plan.pending()]
    assert len(pending) == 1 and pending[0][0].endswith(f":{draft.id}:file-01]") and pending[0][1] == "update"
    client = client_for(box)
    apply_space(client, store, changed)
    assert client.transport.stats.uploads == uploads + 1


def test_a_missing_draft_file_is_an_error_naming_it(store: Store, consultation: Consultation, tmp_path: Path) -> None:
    from cooperare.errors import InputError

    gone = tmp_path / "lipsa.pdf"
    with pytest.raises(InputError, match="cannot read the draft document") as raised:
        plan_space(client_for(Sandbox()), make_space(replace(consultation, documents=(gone,))))
    assert str(gone) in str(raised.value.location)


def test_the_news_forum_is_romanian_and_documents_are_named_by_their_heading(store: Store) -> None:
    box = Sandbox()
    apply_space(client_for(box), store, plan_space(client_for(box), make_space()))
    forums = {row["name"]: row["type"] for row in box.site.db["forum"]}
    assert forums.get("Anunțuri") == "news" and "Announcements" not in forums
    pages = {row["name"] for row in box.site.db["page"]}
    assert "Document: Capitolul 2. Cadrul legal al digitalizării locale" in pages
    assert not any(name.startswith("Document: cap-") for name in pages)
