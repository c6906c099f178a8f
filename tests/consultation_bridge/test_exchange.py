"""Collect and publish on the sandbox Moodle through the real client: no duplicates, edits as changes, one reply."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from cooperare.consultation_bridge.exchange import MARKER, collect, plain_text, publish
from cooperare.consultation_bridge.loader import load_consultations
from cooperare.consultation_bridge.register import LOCAL_TIME
from cooperare.consultation_bridge.simulation import (
    Participant,
    Sent,
    edit_post,
    participant_clients,
    post_contributions,
)
from cooperare.consultation_bridge.space import Space, apply_space, plan_space
from cooperare.courses.catalogue import load_catalogue
from cooperare.moodle.client import MoodleClient
from cooperare.sandbox import Sandbox
from cooperare.store import Store
from cooperare.store.consultation import AnswerRow, ContributionRegister

World = tuple[Sandbox, MoodleClient, Space, list[int]]
PEOPLE = [Participant("ong-valcea", "Asociația", "Satul Digital", "ngo"),
          Participant("primaria-stefanesti", "Elena", "Ștefănescu", "authority_staff"),
          Participant("cetatean-ioana", "Ioana", "Mărginean", "citizens")]


@pytest.fixture
def world(store: Store) -> World:
    box = Sandbox()
    admin = MoodleClient(box.transport())
    consultation = load_consultations().items[0]
    space = Space(load_catalogue().prefix, (consultation,))
    apply_space(admin, store, plan_space(admin, space))
    clients = participant_clients(box, admin, space, PEOPLE)
    day = datetime.combine(consultation.announced, time(10), tzinfo=LOCAL_TIME)
    until = datetime.combine(consultation.calendar.recommendations_until, time(12), tzinfo=LOCAL_TIME)
    sent = [Sent("ong-valcea", "cap-01", "<p>Propunem un capitol despre drepturile cetățenilor.</p>", day),
            Sent("primaria-stefanesti", "cap-02", "<p>Arhivarea electronică să fie inclusă.</p>", day),
            Sent("cetatean-ioana", "cap-02", "<script>alert(1)</script> Explicați semnătura calificată.", day),
            Sent("cetatean-ioana", "cap-02", "explicați semnătura calificată", day),
            Sent("cetatean-ioana", "cap-02", "Explicați semnătura calificată", day + timedelta(hours=1)),
            Sent("ong-valcea", "cap-03", "O propunere târzie, după termen.", until + timedelta(days=1))]
    ids = post_contributions(box, admin, clients, space, consultation.id, sent)
    return box, admin, space, ids


def test_plain_text_drops_markup_and_scripts() -> None:
    assert plain_text("<p>Bună <b>ziua</b></p><script>alert(1)</script>&lt;script&gt;") == "Bună ziua\n<script>"


def test_collect_twice_records_once_and_an_edit_shows_as_changed(world: World, store: Store) -> None:
    box, admin, space, ids = world
    consultation = space.consultations[0]
    first = collect(admin, store, space=space, consultation_id=consultation.id)
    assert first.counts.new == 6 and first.counts.duplicates == 1 and first.counts.late == 1
    rows = {r.source_key: r for r in ContributionRegister(store.engine).all(consultation.id)}
    assert rows[f"forum-post:{ids[0]}"].category == "ngo" and rows[f"forum-post:{ids[1]}"].category == "authority"
    assert rows[f"forum-post:{ids[2]}"].category == "citizen"
    assert rows[f"forum-post:{ids[2]}"].text == "<script>alert(1)</script> Explicați semnătura calificată."
    assert rows[f"forum-post:{ids[5]}"].late and not rows[f"forum-post:{ids[0]}"].late
    again = collect(admin, store, space=space, consultation_id=consultation.id)
    assert again.counts.new == 0 and again.counts.changed == 0
    edit_post(box, ids[1], "<p>Arhivarea electronică și semnătura să fie incluse.</p>")
    edited = collect(admin, store, space=space, consultation_id=consultation.id)
    assert edited.counts.new == 0 and edited.counts.changed == 1
    assert len(ContributionRegister(store.engine).all(consultation.id)) == 6


def test_collect_keeps_the_hash_of_each_senders_email_never_the_address(world: World, store: Store,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from cooperare.consultation_bridge import exchange
    from cooperare.consultation_bridge.register import author_hash

    box, admin, space, ids = world
    consultation = space.consultations[0]
    # a register collected before collect read the senders' addresses: no hash, the rows filled in by the next one
    with monkeypatch.context() as patched:
        patched.setattr(exchange, "emails_by_user", lambda client, user_ids: {})
        collect(admin, store, space=space, consultation_id=consultation.id)
    assert all(r.author_hash is None for r in ContributionRegister(store.engine).all(consultation.id))
    box.site.db["user"].update(box.site.db["user"].first(username="primaria-stefanesti")["id"],
                               email="Elena.Stefanescu@Primaria.example.ro")
    box.site.db.commit()
    calls = admin.transport.stats.calls
    again = collect(admin, store, space=space, consultation_id=consultation.id)
    assert again.counts.new == 0 and again.counts.changed == 0 and again.counts.updated == 6
    assert admin.transport.stats.calls - calls == again.ws_calls
    rows = {r.source_key: r for r in ContributionRegister(store.engine).all(consultation.id)}
    assert rows[f"forum-post:{ids[1]}"].author_hash == author_hash("elena.stefanescu@primaria.example.ro",
                                                                  consultation_id=consultation.id)
    assert rows[f"forum-post:{ids[0]}"].author_hash == rows[f"forum-post:{ids[5]}"].author_hash  # the same NGO
    assert rows[f"forum-post:{ids[4]}"].duplicate_of == f"forum-post:{ids[3]}"  # still folded, now by the hash
    with store.engine.connect() as conn:
        dump = str([tuple(r) for r in conn.exec_driver_sql("SELECT * FROM consultation_contributions")])
    assert "@" not in dump and "example.ro" not in dump
    assert rows[f"forum-post:{ids[1]}"].author == "Elena Ștefănescu"


def test_publish_twice_posts_one_escaped_reply_each_and_a_results_page(world: World, store: Store) -> None:
    box, admin, space, ids = world
    consultation = space.consultations[0]
    collect(admin, store, space=space, consultation_id=consultation.id)
    register = ContributionRegister(store.engine)
    register.answer(consultation.id, [
        AnswerRow(f"forum-post:{ids[0]}", "accepted", "Adăugat <b>în</b> manual.", None),
        AnswerRow(f"forum-post:{ids[2]}", "rejected", "Acoperit deja în glosar.", None)])
    first = publish(admin, store, space=space, consultation_id=consultation.id)
    assert first.posted == 2 and first.results_page == "created"
    second = publish(admin, store, space=space, consultation_id=consultation.id)
    assert second.posted == 0 and second.already == 2 and second.results_page in ("unchanged", "noop", "updated")
    replies = [p for p in box.site.db["forum_posts"] if MARKER in str(p["message"])]
    assert sorted(p["parent"] for p in replies) == sorted([ids[0], ids[2]])
    texts = " ".join(str(p["message"]) for p in replies)
    assert "<b>în</b>" not in texts and "&lt;b&gt;în&lt;/b&gt;" in texts
    assert "Mărginean" not in texts  # a citizen who did not agree is not named
    page = " ".join(str(row["content"]) for row in box.site.db["page"])
    assert "Rezultatele consultării" in page and "<script>" not in page and "&lt;script&gt;" in page
    # the replies are not collected back as contributions
    assert collect(admin, store, space=space, consultation_id=consultation.id).counts.new == 0


def test_collect_reads_the_recommendation_and_debate_forms_once(world: World, store: Store) -> None:
    from cooperare.consultation_bridge.forms import debate_idnumber
    from cooperare.consultation_bridge.space import form_idnumber

    box, admin, space, _ids = world
    consultation = space.consultations[0]
    before = collect(admin, store, space=space, consultation_id=consultation.id)
    assert before.form_responses == 0
    course = admin.course_content.describe([space.course_idnumber])[0].raw
    cmids = {a["idnumber"]: a["cmid"] for a in course["activities"]}
    forms = {f.cmid: f.id for f in admin.feedback.of_courses([int(course["id"])])}
    recommendations = forms[cmids[form_idnumber(space.prefix, consultation.id)]]
    debate = forms[cmids[debate_idnumber(space.prefix, consultation.id)]]
    part = next(c for c in next(i for i in admin.feedback.items(recommendations) if i.label == "parte").choices
                if c.startswith("cap-01 "))
    users = {u["username"]: u["id"] for u in box.site.db["user"].rows.values()}
    from cooperare.diagnostic.simulation import respondent_client  # a client on the user's own token

    ngo, citizen = (respondent_client(box, users[name]) for name in ("ong-valcea", "cetatean-ioana"))
    assert ngo.feedback.respond(recommendations, {
        "parte": part, "propunere": "Un glosar <b>de termeni</b> = util", "motivare": "Pentru cititori.",
        "expeditor": "ONG", "nume-public": "da"})
    assert citizen.feedback.respond(recommendations, {
        "parte": part, "propunere": "Exemple din primării mici.", "motivare": "", "expeditor": "cetățean",
        "nume-public": "nu"}) is False, "every item of the form is required"
    assert citizen.feedback.respond(recommendations, {
        "parte": part, "propunere": "Exemple din primării mici.", "motivare": "Sunt mai aproape de noi.",
        "expeditor": "cetățean", "nume-public": "nu"})
    late = datetime.combine(consultation.calendar.recommendations_until, time(12), tzinfo=LOCAL_TIME) \
        + timedelta(days=2)
    completed = box.site.db["feedback_completed"]
    row = completed.first(feedback=recommendations, userid=users["cetatean-ioana"])
    completed.update(row["id"], timemodified=int(late.timestamp()))
    in_time = datetime.combine(consultation.announced, time(11), tzinfo=LOCAL_TIME)
    row = completed.first(feedback=recommendations, userid=users["ong-valcea"])
    completed.update(row["id"], timemodified=int(in_time.timestamp()))
    box.site.db.commit()
    assert ngo.feedback.respond(debate, {"solicitant": "Asociația Satul Digital",
                                         "cerere": "Cerem o dezbatere publică a capitolului 1."})

    first = collect(admin, store, space=space, consultation_id=consultation.id)
    assert (first.form_responses, first.counts.new, first.debate_requests) == (3, 2, 1)
    rows = [r for r in ContributionRegister(store.engine).all(consultation.id) if r.source_key.startswith("feedback")]
    by_category = {r.category: r for r in rows}
    assert by_category["ngo"].text == "Un glosar de termeni = util\n\nMotivare: Pentru cititori."
    assert by_category["ngo"].publish_name and not by_category["citizen"].publish_name
    assert by_category["citizen"].late and not by_category["ngo"].late
    assert by_category["citizen"].part_key == "cap-01"
    from cooperare.consultation_bridge.register import author_hash  # the sender's address hashed, as for the forum

    assert by_category["ngo"].author_hash == author_hash("ong-valcea@example.ro", consultation_id=consultation.id)
    (request,) = ContributionRegister(store.engine).debate_requests(consultation.id)
    assert (request.requester, request.requester_kind) == ("Asociația Satul Digital", "ngo")
    again = collect(admin, store, space=space, consultation_id=consultation.id)
    assert (again.counts.new, again.counts.changed, again.debate_requests) == (0, 0, 0)


def test_a_changed_answer_is_posted_again_once_marked_as_updated(world: World, store: Store) -> None:
    box, admin, space, ids = world
    consultation = space.consultations[0]
    collect(admin, store, space=space, consultation_id=consultation.id)
    register = ContributionRegister(store.engine)
    register.answer(consultation.id, [AnswerRow(f"forum-post:{ids[0]}", "rejected", "Nu intră în manual.", None)])
    assert publish(admin, store, space=space, consultation_id=consultation.id).posted == 1
    register.answer(consultation.id, [AnswerRow(f"forum-post:{ids[0]}", "partly", "Un paragraf în capitolul 5.",
                                                None)])
    changed = publish(admin, store, space=space, consultation_id=consultation.id)
    assert changed.posted == 1 and changed.updated == 1 and changed.already == 0
    again = publish(admin, store, space=space, consultation_id=consultation.id)
    assert again.posted == 0 and again.already == 1
    replies = sorted((p for p in box.site.db["forum_posts"] if MARKER in str(p["message"])), key=lambda p: p["id"])
    assert len(replies) == 2 and all(p["parent"] == ids[0] for p in replies)
    assert "Răspunsul actualizat" in replies[1]["message"] and "Un paragraf în capitolul 5." in replies[1]["message"]
    assert "Răspunsul actualizat" not in replies[0]["message"]
