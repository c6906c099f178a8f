"""mod_feedback in the sandbox through the real client: a respondent answers, a teacher reads the answers back."""

from __future__ import annotations

import json

import pytest

from cooperare.errors import MoodleError
from cooperare.moodle.client import MoodleClient
from cooperare.moodle.transport import Transport
from cooperare.sandbox import Sandbox
from cooperare.secrets import Secret

ITEMS = [
    {"type": "choice", "label": "pop", "text": "Populația comunei", "choices": ["mică", "mare"], "required": True},
    {"type": "text", "label": "siruta", "text": "Codul SIRUTA al comunei"},
    {"type": "rating", "label": "util", "text": "Cât de util vi se pare chestionarul acesta?"},
]
CAPS = ["webservice/rest:use", "mod/feedback:view", "mod/feedback:complete"]


def _respondent(box: Sandbox, userid: int) -> MoodleClient:
    box.site.db["user"].update(userid, capabilities=CAPS)
    token = f"resp{userid:028d}"
    box.site.add_token(token, userid=userid)
    box.site.db.commit()
    return MoodleClient(Transport(box.url, Secret(token, source="test"), session=box.session(sleep=lambda _s: None),
                                  contract=box.site.contract, var_budget=1000, sleep=lambda _s: None))


@pytest.fixture()
def setup() -> tuple[Sandbox, MoodleClient, int, list[MoodleClient]]:
    box = Sandbox()
    admin = MoodleClient(box.transport())
    course = admin.courses.create([{"fullname": "Diagnostic", "shortname": "diag", "categoryid": 1}])[0]["id"]
    users = admin.users.create([{"username": f"r{i}", "password": "Parola#2026", "firstname": first,
                                 "lastname": last, "email": f"r{i}@example.ro"}
                                for i, (first, last) in enumerate([("Ana", "Zamfir"), ("Ion", "Albu"),
                                                                   ("Eva", "Matei")])])
    admin.enrol.enrol([(course, int(u["id"])) for u in users])
    admin.course_content.save_activities([{
        "courseid": course, "idnumber": "diag:fb", "modname": "feedback", "section": 0, "name": "Chestionar",
        "intro": "", "visible": 1, "options": [{"name": "items", "value": json.dumps(ITEMS, ensure_ascii=False)},
                                               {"name": "anonymous", "value": "2"}]}])
    return box, admin, course, [_respondent(box, int(u["id"])) for u in users]


def test_respondents_answer_and_the_teacher_reads_every_page(setup) -> None:
    box, admin, course, (zamfir, albu, matei) = setup
    feedback = admin.feedback.of_courses([course])[0]
    assert not feedback.anonymous
    items = {i.label: i for i in admin.feedback.items(feedback.id)}
    assert items["pop"].choices == ("mică", "mare") and items["util"].choices == ("1", "2", "3", "4", "5")
    assert zamfir.feedback.respond(feedback.id, {"pop": "mare", "siruta": '<b>"1017"</b>', "util": "4"})
    assert albu.feedback.respond(feedback.id, {"pop": "mică"})
    assert not matei.feedback.respond(feedback.id, {"siruta": "26564"}), "the required choice is missing"
    with pytest.raises(MoodleError) as refused:
        zamfir.feedback.respond(feedback.id, {"pop": "mică"})
    assert refused.value.errorcode == "this_feedback_is_already_submitted"
    with pytest.raises(MoodleError) as denied:
        albu.feedback.responses(feedback.id)
    assert denied.value.errorcode == "nopermissions"
    before = admin.transport.stats.calls
    attempts = admin.feedback.responses(feedback.id, per_page=1)
    assert admin.transport.stats.calls - before == 2
    assert [a.fullname for a in attempts] == ["Ion Albu", "Ana Zamfir"]  # by last name, as Moodle pages them
    zamfir_values = attempts[1].values
    assert items["pop"].decode(zamfir_values[items["pop"].id]) == "mare"
    assert zamfir_values[items["siruta"].id] == "&quot;1017&quot;"  # tags stripped, then s(), as Moodle stores it
    assert items["siruta"].decode(zamfir_values[items["siruta"].id]) == '"1017"'
    assert items["util"].decode(zamfir_values[items["util"].id]) == "4"
    assert attempts[0].values[items["siruta"].id] == ""  # sent empty: stored empty, read back as no answer
    assert items["siruta"].decode(attempts[0].values[items["siruta"].id]) is None


def test_an_item_left_out_keeps_the_response_unfinished(setup) -> None:
    """Recorded on 4.5.6: process_page saves only when every item of the page was sent."""
    _box, admin, course, (zamfir, *_rest) = setup
    feedback = admin.feedback.of_courses([course])[0]
    items = {i.label: i for i in admin.feedback.items(feedback.id)}
    send = zamfir.transport.call
    partial = [{"name": items["pop"].field, "value": "1"}, {"name": items["siruta"].field, "value": "1017"}]
    answer = send("mod_feedback_process_page", {"feedbackid": feedback.id, "page": 0, "responses": partial})
    assert (answer["completed"], answer["jumpto"]) == (False, 0)
    assert admin.feedback.responses(feedback.id) == []
    whole = partial + [{"name": items["util"].field, "value": ""}]
    answer = send("mod_feedback_process_page", {"feedbackid": feedback.id, "page": 0, "responses": whole})
    assert answer["completed"] is True
    (attempt,) = admin.feedback.responses(feedback.id)
    assert attempt.values[items["util"].id] == "0" and items["util"].decode("0") is None


def test_an_unknown_choice_is_refused_by_the_client(setup) -> None:
    _box, admin, course, (zamfir, *_rest) = setup
    feedback = admin.feedback.of_courses([course])[0]
    with pytest.raises(ValueError):
        zamfir.feedback.respond(feedback.id, {"pop": "foarte mare"})
