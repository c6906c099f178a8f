"""The sandbox's local_cooperare: the nine plugin functions through the real client, checked against what the PHP
plugin (moodle-plugin/local_cooperare) does and against what core web services read back."""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable
from typing import Any

import pytest

from cooperare.errors import AccessDenied, InvalidParameter, MoodleError
from cooperare.moodle.client import MoodleClient
from cooperare.moodle.plugin_package import plugin_source_dir
from cooperare.moodle.transport import Transport
from cooperare.sandbox import Sandbox, simulate
from cooperare.sandbox.courses import modules
from cooperare.sandbox.plugin import enrol_cohort, util
from cooperare.secrets import Secret

DEBUG_DEVELOPER = 32767
COURSE = "coop:course:test"


# -- helpers ------------------------------------------------------------------------------------------------------


def new_site(version: str = "4.5") -> tuple[Sandbox, MoodleClient, int]:
    """A site with debugging on (so errors carry their debuginfo) and a course with completion and 3 sections."""
    box = Sandbox(version=version, debug=DEBUG_DEVELOPER)
    client = MoodleClient(box.transport())
    courseid = client.courses.create([{"fullname": "Curs de test", "shortname": "TEST", "categoryid": 1,
                                       "idnumber": COURSE, "enablecompletion": 1, "numsections": 3,
                                       "format": "topics"}])[0]["id"]
    return box, client, int(courseid)


def activity(courseid: int, idnumber: str, modname: str, **fields: Any) -> dict[str, Any]:
    return {"courseid": courseid, "idnumber": idnumber, "modname": modname, "section": 1,
            "name": f"Activitate {idnumber}", "intro": "<p>Descriere</p>", "visible": 1, "completion": 0,
            "completionview": 0, "completionusegrade": 0, "completionpassgrade": 0, "options": [],
            "spechash": f"spec-{idnumber}", **fields}


def options(**values: str) -> list[dict[str, str]]:
    return [{"name": name, "value": value} for name, value in values.items()]


def save_activities(client: MoodleClient, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return client.call("local_cooperare_save_activities", {"activities": items})["activities"]


def describe(client: MoodleClient, idnumber: str = COURSE) -> dict[str, Any]:
    return client.call("local_cooperare_describe_courses", {"idnumbers": [idnumber]})["courses"][0]


def described_activity(client: MoodleClient, idnumber: str) -> dict[str, Any]:
    return next(a for a in describe(client)["activities"] if a["idnumber"] == idnumber)


def create_quiz(client: MoodleClient, courseid: int, idnumber: str = "coop:test:quiz", **fields: Any) -> int:
    item = activity(courseid, idnumber, "quiz", options=options(grade="10", gradepass="6", questionsperpage="1",
                                                                 reviewfeedback="1"), **fields)
    return int(save_activities(client, [item])[0]["cmid"])


def multichoice_xml(idnumber: str, text: str = "Care este capitala României?") -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?><quiz><question type="multichoice">'
            f"<name><text>{idnumber}</text></name>"
            f'<questiontext format="html"><text><![CDATA[<p>{text}</p>]]></text></questiontext>'
            '<generalfeedback format="html"><text></text></generalfeedback>'
            "<defaultgrade>1</defaultgrade><penalty>0.3333333</penalty><hidden>0</hidden>"
            f"<idnumber>{idnumber}</idnumber><single>true</single>"
            '<answer fraction="100" format="html"><text>București</text>'
            '<feedback format="html"><text>Corect: București.</text></feedback></answer>'
            '<answer fraction="0" format="html"><text>Cluj-Napoca</text>'
            '<feedback format="html"><text>Nu: Cluj-Napoca nu este capitala.</text></feedback></answer>'
            '<answer fraction="0" format="html"><text>Iași</text>'
            '<feedback format="html"><text>Nu: Iași nu este capitala.</text></feedback></answer>'
            "</question></quiz>")


def truefalse_xml(idnumber: str, feedback: str = "Corect.") -> str:
    return ('<quiz><question type="truefalse">'
            f"<name><text>{idnumber}</text></name>"
            '<questiontext format="html"><text>Ghișeul.ro permite plata taxelor locale.</text></questiontext>'
            f"<defaultgrade>1</defaultgrade><idnumber>{idnumber}</idnumber>"
            '<answer fraction="100" format="moodle_auto_format"><text>true</text>'
            f'<feedback format="html"><text>{feedback}</text></feedback></answer>'
            '<answer fraction="0" format="moodle_auto_format"><text>false</text>'
            '<feedback format="html"><text>Ba da, se poate.</text></feedback></answer>'
            "</question></quiz>")


def shortanswer_xml(idnumber: str) -> str:
    return ('<quiz><question type="shortanswer">'
            f"<name><text>{idnumber}</text></name>"
            '<questiontext format="html"><text>Scrieți adresa portalului de plăți.</text></questiontext>'
            f"<defaultgrade>1</defaultgrade><idnumber>{idnumber}</idnumber><usecase>0</usecase>"
            '<answer fraction="100" format="moodle_auto_format"><text>ghiseul.ro</text>'
            '<feedback format="html"><text>Corect.</text></feedback></answer>'
            '<answer fraction="0" format="moodle_auto_format"><text>*</text>'
            '<feedback format="html"><text>Răspunsul corect este ghiseul.ro.</text></feedback></answer>'
            "</question></quiz>")


def matching_xml(idnumber: str) -> str:
    pairs = {"Primar": "Executiv", "Consiliul local": "Deliberativ", "Secretarul general": "Legalitate"}
    body = "".join(f'<subquestion format="html"><text>{q}</text><answer><text>{a}</text></answer></subquestion>'
                   for q, a in pairs.items())
    return ('<quiz><question type="matching">'
            f"<name><text>{idnumber}</text></name>"
            '<questiontext format="html"><text>Asociați fiecare funcție cu rolul ei.</text></questiontext>'
            f"<defaultgrade>1</defaultgrade><idnumber>{idnumber}</idnumber><shuffleanswers>true</shuffleanswers>"
            f"{body}</question></quiz>")


def quiz_item(courseid: int, quiz: str = "coop:test:quiz") -> dict[str, Any]:
    return {"courseid": courseid, "quiz": quiz, "removemissing": False, "questions": [
        {"idnumber": f"{quiz}:q01", "xml": multichoice_xml(f"{quiz}:q01"), "maxmark": 2.0, "spechash": "s1"},
        {"idnumber": f"{quiz}:q02", "xml": truefalse_xml(f"{quiz}:q02")},
        {"idnumber": f"{quiz}:q03", "xml": shortanswer_xml(f"{quiz}:q03")},
        {"idnumber": f"{quiz}:q04", "xml": matching_xml(f"{quiz}:q04")},
    ]}


def save_questions(client: MoodleClient, *items: dict[str, Any]) -> list[dict[str, Any]]:
    return client.call("local_cooperare_save_questions", {"quizzes": list(items)})["quizzes"]


def slots(box: Sandbox, cmid: int) -> list[tuple[str, float, int]]:
    """(question idnumber, mark, page) of a quiz's slots in slot order, read from the sandbox tables."""
    db = box.site.db
    cm = db["course_modules"].rows[cmid]
    result = []
    for slot in sorted(db["quiz_slots"].where(quizid=cm["instance"]), key=lambda s: s["slot"]):
        reference = db["question_references"].first(component="mod_quiz", questionarea="slot", itemid=slot["id"])
        entry = db["question_bank_entries"].rows[reference["questionbankentryid"]]
        result.append((entry["idnumber"], float(slot["maxmark"]), int(slot["page"])))
    return result


def create_users(client: MoodleClient, *names: str) -> dict[str, int]:
    created = client.users.create([{"username": name, "password": "Parola#2026", "firstname": name.title(),
                                    "lastname": "Test", "email": f"{name}@example.ro"} for name in names])
    return {u["username"]: int(u["id"]) for u in created}


def token_user(box: Sandbox, client: MoodleClient, name: str, capabilities: tuple[str, ...] = ()) -> MoodleClient:
    """A client whose token belongs to a new user holding only ``capabilities``, besides the two every web-service
    account of the pack needs to get as far as the plugin's own checks: the REST protocol, and entering any course
    (a manager's moodle/course:view; without them Moodle refuses earlier, see plugin_permission_denied.json)."""
    userid = create_users(client, name)[name]
    box.site.db["user"].update(userid, capabilities=["webservice/rest:use", "moodle/course:view", *capabilities])
    token = f"{name}token0123456789abcdef"  # alphanumeric, as upload.php cleans it with PARAM_ALPHANUM
    box.site.add_token(token, userid=userid)
    box.site.db.commit()
    transport = Transport(box.url, Secret(token, source="test"), session=box.session(sleep=lambda _s: None),
                          contract=box.site.contract, var_budget=1000, sleep=lambda _s: None)
    return MoodleClient(transport)


def fails(call: Callable[[], Any], errorcode: str = "invalidparameter") -> MoodleError:
    with pytest.raises(MoodleError) as raised:
        call()
    assert raised.value.errorcode == errorcode, raised.value
    return raised.value


def count(box: Sandbox, table: str, **conditions: Any) -> int:
    found = box.site.db.tables.get(table)
    return 0 if found is None else len(found.where(**conditions))


def enrolled(client: MoodleClient, courseid: int, *, active: bool = False) -> set[int]:
    return {u.id for u in client.enrol.enrolled_users(courseid, only_active=active, userfields=["id"])}


# -- sections -----------------------------------------------------------------------------------------------------


def test_sections_create_update_rerun_and_hide() -> None:
    box, client, courseid = new_site()
    items = [{"courseid": courseid, "number": 5, "name": "Modulul 5. Securitate", "summary": "<p>Rezumat</p>",
              "visible": 1, "spechash": "h5"},
             {"courseid": courseid, "number": 1, "name": "Modulul 1. Informații și date"}]
    result = client.call("local_cooperare_save_sections", {"sections": items})["sections"]
    assert [s["action"] for s in result] == ["created", "updated"]
    contents = client.courses.contents(courseid)
    assert [s.section for s in contents] == [0, 1, 2, 3, 4, 5]
    assert (contents[5].name, contents[1].name) == ("Modulul 5. Securitate", "Modulul 1. Informații și date")

    again = client.call("local_cooperare_save_sections", {"sections": items})["sections"]
    assert [s["action"] for s in again] == ["unchanged", "unchanged"]
    assert [s["id"] for s in again] == [s["id"] for s in result]
    assert count(box, "course_sections", course=courseid) == 6

    # Hiding: the name left out is kept; the activities of the section are hidden with it.
    page = save_activities(client, [activity(courseid, "coop:test:p5", "page", section=5)])[0]["cmid"]
    hide = client.call("local_cooperare_save_sections", {"sections": [
        {"courseid": courseid, "number": 5, "visible": 0}]})["sections"]
    assert hide[0]["action"] == "updated"
    section = client.courses.contents(courseid)[5]
    assert (section.name, section.visible) == ("Modulul 5. Securitate", 0)
    assert box.site.db["course_modules"].rows[page]["visible"] == 0

    five = next(s for s in describe(client)["sections"] if s["number"] == 5)
    assert (five["managed"], five["spechash"], five["drift"]) == (True, "", False)
    assert not next(s for s in describe(client)["sections"] if s["number"] == 0)["managed"]


def test_sections_bad_input_rolls_back_the_whole_call() -> None:
    box, client, courseid = new_site()
    before = count(box, "course_sections", course=courseid)
    error = fails(lambda: client.call("local_cooperare_save_sections", {"sections": [
        {"courseid": courseid, "number": 8, "name": "Nou"},
        {"courseid": courseid, "number": -1, "name": "Greșit"}]}))
    assert error.exception == "core\\exception\\invalid_parameter_exception"
    assert error.debuginfo == f"section -1 of course {courseid}: the section number must be between 0 and 52"
    assert count(box, "course_sections", course=courseid) == before

    error = fails(lambda: client.call("local_cooperare_save_sections", {"sections": [
        {"courseid": 999999, "number": 1, "name": "X"}]}))
    assert error.debuginfo == "course 999999: no such course"
    error = fails(lambda: client.call("local_cooperare_save_sections", {"sections": [
        {"courseid": courseid, "number": 1, "name": "A"}, {"courseid": courseid, "number": 1, "name": "B"}]}))
    assert error.debuginfo == f"section 1 of course {courseid}: listed twice in the same call"
    error = fails(lambda: client.call("local_cooperare_save_sections", {"sections": [
        {"courseid": courseid, "number": 1, "visible": 2}]}))
    assert error.debuginfo.endswith("visible must be 0 or 1")


def test_section_hand_edit_is_drift_and_saving_repairs_it() -> None:
    box, client, courseid = new_site()
    item = {"courseid": courseid, "number": 1, "name": "Modulul 1", "spechash": "s1"}
    client.call("local_cooperare_save_sections", {"sections": [item]})
    assert describe(client)["sections"][1]["drift"] is False
    section = box.site.db["course_sections"].first(course=courseid, section=1)
    box.site.db["course_sections"].update(section["id"], name="Redenumit")
    box.site.db.commit()
    described = describe(client)["sections"][1]
    assert (described["name"], described["drift"], described["spechash"]) == ("Redenumit", True, "s1")
    assert client.call("local_cooperare_save_sections", {"sections": [item]})["sections"][0]["action"] == "updated"
    assert describe(client)["sections"][1]["drift"] is False


# -- activities ---------------------------------------------------------------------------------------------------


def catalogue_items(client: MoodleClient, courseid: int) -> list[dict[str, Any]]:
    items = ('[{"type":"rating","label":"f1","text":"Cât de utile vi s-au părut lecțiile?"},'
             '{"type":"text","label":"f2","text":"Ce ați schimba?"}]')
    draft = client.files.upload_draft("ghid.txt", b"Ghid").itemid
    return [
        activity(courseid, "coop:test:m1:lesson", "page", name="Lecția 1. Căutarea informațiilor", completion=2,
                 completionview=1, options=options(content="<h3>Conținut</h3><p>Text în română: ș ț.</p>")),
        activity(courseid, "coop:test:link", "url", options=options(externalurl="https://ghiseul.ro/", display="5")),
        activity(courseid, "coop:test:label", "label", name="", intro="<p>Etichetă</p>"),
        activity(courseid, "coop:test:forum", "forum", section=0, name="Forumul cursului",
                 options=options(type="general", forcesubscribe="1")),
        activity(courseid, "coop:test:m1:quiz", "quiz", name="Test de verificare – Modulul 1", completion=2,
                 completionusegrade=1, completionpassgrade=1,
                 options=options(attempts="0", grade="10", gradepass="6", timelimit="0", shuffleanswers="1",
                                 preferredbehaviour="deferredfeedback", navmethod="free", reviewfeedback="1")),
        activity(courseid, "coop:test:feedback", "feedback", name="Chestionar de satisfacție", section=3,
                 completion=2, options=options(items=items, completionsubmit="1")),
        activity(courseid, "coop:test:resource", "resource", options=options(draftitemid=str(draft))),
    ]


def test_grade_weights_make_the_course_total_follow_the_final() -> None:
    """As save_activities_test::test_grade_weights_make_the_course_total_follow_the_final on a real Moodle."""
    from cooperare.sandbox.courses import grades

    box, client, courseid = new_site()
    module = catalogue_items(client, courseid)[4]
    module["options"].append({"name": "gradeweight", "value": "0"})
    final = {**module, "idnumber": "coop:test:final:quiz", "name": "Evaluare finală", "spechash": "spec-final",
             "options": [*module["options"][:-1], {"name": "gradeweight", "value": "1"}]}
    created = save_activities(client, [module, final])
    assert [a["action"] for a in created] == ["created", "created"]
    items = [grades.item_for(box.site, courseid, "quiz", a["instance"]) for a in created]
    assert [(i["weightoverride"], i["aggregationcoef2"]) for i in items] == [(1, 0.0), (1, 1.0)]
    read = {o["name"]: o["value"] for o in described_activity(client, "coop:test:final:quiz")["options"]}
    assert read["gradeweight"] == "1" and not described_activity(client, "coop:test:final:quiz")["drift"]
    assert [a["action"] for a in save_activities(client, [module, final])] == ["unchanged", "unchanged"]

    trainee = create_users(client, "trainee")["trainee"]
    grades.set_grade(box.site, items[0], trainee, 10)
    grades.set_grade(box.site, items[1], trainee, 3)
    total = grades.course_item(box.site, courseid)
    assert grades.course_grade(box.site, courseid, trainee) / total["grademax"] == pytest.approx(0.3)

    final["options"] = [*final["options"][:-1], {"name": "gradeweight", "value": ""}]
    assert save_activities(client, [final])[0]["action"] == "updated"
    assert grades.item_for(box.site, courseid, "quiz", created[1]["instance"])["weightoverride"] == 0
    assert "gradeweight" not in {o["name"] for o in described_activity(client, "coop:test:final:quiz")["options"]}
    # The module test still weighs 0, so the final, given back to Moodle, takes the rest: 3/10 of the 20 points.
    assert grades.course_grade(box.site, courseid, trainee) == pytest.approx(6)
    assert save_activities(client, [final])[0]["action"] == "unchanged"
    final["options"][-1]["value"] = "1.5"
    assert "gradeweight" in str(fails(lambda: save_activities(client, [final])))


def test_a_link_restricted_to_dates() -> None:
    """As save_activities_test::test_a_link_restricted_to_dates on a real Moodle."""
    box, client, courseid = new_site()
    start, end = 1780000000, 1781000000
    link = activity(courseid, "coop:test:form", "url", options=options(
        externalurl="https://forms.example.ro/inscriere", availability=json.dumps({"from": start, "until": end})))
    created = save_activities(client, [link])
    cm = box.site.db["course_modules"].get(created[0]["cmid"])
    assert json.loads(cm["availability"])["c"] == [{"type": "date", "d": ">=", "t": start},
                                                   {"type": "date", "d": "<", "t": end}]
    read = {o["name"]: o["value"] for o in described_activity(client, "coop:test:form")["options"]}
    assert read["availability"] == json.dumps({"from": start, "until": end}, separators=(",", ":"))
    assert not described_activity(client, "coop:test:form")["drift"]
    assert save_activities(client, [link])[0]["action"] == "unchanged"
    plain = activity(courseid, "coop:test:plain", "url", options=options(externalurl="https://www.ghiseul.ro/"))
    save_activities(client, [plain])
    assert "availability" not in {o["name"] for o in described_activity(client, "coop:test:plain")["options"]}
    link["options"][1]["value"] = "[]"
    assert save_activities(client, [link])[0]["action"] == "updated"
    assert not box.site.db["course_modules"].get(created[0]["cmid"])["availability"]
    assert save_activities(client, [link])[0]["action"] == "unchanged"
    link["options"][1]["value"] = json.dumps({"from": end, "until": start})
    assert "availability" in str(fails(lambda: save_activities(client, [link])))


def test_activities_of_every_type_are_real_course_modules_and_a_rerun_is_a_no_op() -> None:
    box, client, courseid = new_site()
    items = catalogue_items(client, courseid)
    result = save_activities(client, items)
    assert [a["action"] for a in result] == ["created"] * 7

    contents = client.courses.contents(courseid)
    placed = {m.id: (s.section, m.modname) for s in contents for m in s.modules}
    assert [placed[a["cmid"]] for a in result] == [(1, "page"), (1, "url"), (1, "label"), (0, "forum"),
                                                   (1, "quiz"), (3, "feedback"), (1, "resource")]
    quiz = next(q for q in client.quizzes.of_courses([courseid]) if q.coursemodule == result[4]["cmid"])
    assert (quiz.name, quiz.grade) == ("Test de verificare – Modulul 1", 10.0)
    assert "Forumul cursului" in {f.name for f in client.forums.of_courses([courseid])}
    item = box.site.db["grade_items"].first(courseid=courseid, itemmodule="quiz", iteminstance=result[4]["instance"])
    assert (item["grademax"], item["gradepass"]) == (10.0, 6.0)
    cm = box.site.db["course_modules"].rows[result[4]["cmid"]]
    assert (cm["completion"], cm["completiongradeitemnumber"], cm["completionpassgrade"]) == (2, 0, 1)
    page = box.site.db["page"].rows[result[0]["instance"]]
    assert "ș ț" in page["content"]
    assert box.site.db["label"].rows[result[2]["instance"]]["name"] == "Etichetă"
    feedback_types = [r["typ"] for r in sorted(box.site.db["feedback_item"].where(feedback=result[5]["instance"]),
                                               key=lambda r: r["position"])]
    assert feedback_types == ["multichoicerated", "textarea"]
    resource = next(m for s in contents for m in s.modules if m.modname == "resource")
    assert [f["filename"] for f in resource.raw["contents"]] == ["ghid.txt"]

    # Re-run with a fresh draft of the same file: nothing changes.
    items[6]["options"] = options(draftitemid=str(client.files.upload_draft("ghid.txt", b"Ghid").itemid))
    calls_before = len(box.server.calls)
    again = save_activities(client, items)
    assert [a["action"] for a in again] == ["unchanged"] * 7
    assert [a["cmid"] for a in again] == [a["cmid"] for a in result]
    assert len(box.server.calls) == calls_before + 1

    quiz_described = described_activity(client, "coop:test:m1:quiz")
    assert (quiz_described["managed"], quiz_described["spechash"], quiz_described["drift"]) == (
        True, "spec-coop:test:m1:quiz", False)
    values = {o["name"]: o["value"] for o in quiz_described["options"]}
    assert values == {"attempts": "0", "grade": "10", "gradepass": "6", "timelimit": "0", "shuffleanswers": "1",
                      "preferredbehaviour": "deferredfeedback", "navmethod": "free", "reviewfeedback": "1",
                      "questionsperpage": "1", "availability": "[]"}
    feedback = {o["name"]: o["value"] for o in described_activity(client, "coop:test:feedback")["options"]}
    # Exactly the text cooperare.courses.desired sends for {type, label, text} items ("required" only when set).
    assert feedback["items"] == ('[{"type":"rating","label":"f1","text":"Cât de utile vi s-au părut lecțiile?"},'
                                 '{"type":"text","label":"f2","text":"Ce ați schimba?"}]')
    resource_options = {o["name"]: o["value"] for o in described_activity(client, "coop:test:resource")["options"]}
    assert resource_options == {"display": "0", "filename": "ghid.txt",
                                "contenthash": hashlib.sha1(b"Ghid").hexdigest()}
    assert all(not a["drift"] and a["managed"] for a in describe(client)["activities"])


def test_activity_updates_and_drift() -> None:
    box, client, courseid = new_site()
    items = catalogue_items(client, courseid)
    created = save_activities(client, items)

    items[0].update(name="Lecția 1 (revizuită)", section=2, options=options(content="<p>Conținut nou</p>"))
    items[4]["options"] = options(grade="20", gradepass="14", navmethod="seq", reviewfeedback="0")
    items[5]["options"] = options(items='[{"type":"rating","label":"f1","text":"Cât de clare au fost lecțiile?",'
                                        '"required":true}]')
    items[6]["options"] = options(draftitemid=str(client.files.upload_draft("ghid.txt", b"Ghid v2").itemid))
    result = save_activities(client, items)
    assert [a["action"] for a in result] == ["updated", "unchanged", "unchanged", "unchanged", "updated", "updated",
                                             "updated"]
    assert [a["cmid"] for a in result] == [a["cmid"] for a in created]

    contents = client.courses.contents(courseid)
    assert [m.name for m in contents[2].modules] == ["Lecția 1 (revizuită)"]
    assert box.site.db["page"].rows[result[0]["instance"]]["content"] == "<p>Conținut nou</p>"
    quiz = box.site.db["quiz"].rows[result[4]["instance"]]
    assert (quiz["grade"], quiz["navmethod"], quiz["reviewspecificfeedback"]) == (20.0, "sequential", 0)
    item = box.site.db["grade_items"].first(courseid=courseid, itemmodule="quiz", iteminstance=quiz["id"])
    assert (item["grademax"], item["gradepass"]) == (20.0, 14.0)
    assert count(box, "feedback_item", feedback=result[5]["instance"]) == 1
    feedback = {o["name"]: o["value"] for o in described_activity(client, "coop:test:feedback")["options"]}
    assert feedback["items"] == ('[{"type":"rating","label":"f1","text":"Cât de clare au fost lecțiile?",'
                                 '"required":true}]')
    resource_options = {o["name"]: o["value"] for o in described_activity(client, "coop:test:resource")["options"]}
    assert resource_options["contenthash"] == hashlib.sha1(b"Ghid v2").hexdigest()

    # A change made in Moodle is drift; saving again repairs it.
    box.site.db["page"].update(result[0]["instance"], content="<p>Editat manual</p>")
    box.site.db.commit()
    assert described_activity(client, "coop:test:m1:lesson")["drift"] is True
    assert described_activity(client, "coop:test:link")["drift"] is False
    assert save_activities(client, [items[0]])[0]["action"] == "updated"
    assert described_activity(client, "coop:test:m1:lesson")["drift"] is False

    # The quiz's pass grade lives on its gradebook item: an edit there is drift too.
    box.site.db["grade_items"].update(item["id"], gradepass=5.0)
    box.site.db.commit()
    drifted = described_activity(client, "coop:test:m1:quiz")
    assert drifted["drift"] is True and {o["name"]: o["value"] for o in drifted["options"]}["gradepass"] == "5"


def test_a_content_update_keeps_completion_and_only_a_completion_change_resets_it() -> None:
    box, client, courseid = new_site()
    manual = activity(courseid, "coop:test:manual", "page", completion=1, options=options(content="<p>Text</p>"))
    viewed = activity(courseid, "coop:test:viewed", "page", completion=2, completionview=1)
    created = save_activities(client, [manual, viewed])
    client.call("local_cooperare_set_completion", {"courses": [
        {"courseid": courseid, "activities": ["coop:test:manual", "coop:test:viewed"]}]})
    ana = create_users(client, "ana")["ana"]
    client.enrol.enrol([(courseid, ana)])
    simulate.complete_activity(box.site, created[0]["cmid"], ana)
    simulate.view_activity(box.site, created[1]["cmid"], ana)
    assert client.completion.course_status(courseid, ana).completed is True

    def states() -> dict[int, int]:
        return {a.cmid: a.state for a in client.completion.activities(courseid, ana)}

    assert states() == {created[0]["cmid"]: 1, created[1]["cmid"]: 1}
    completed_at = box.site.db["course_completions"].first(course=courseid, userid=ana)["timecompleted"]

    # A typo fixed in the names, a new intro and content, a hidden activity: the completion data stays.
    manual.update(name="Lecția 1 (corectată)", intro="<p>Descriere corectată</p>",
                  options=options(content="<p>Text corectat</p>"))
    viewed.update(name="Lecția 2 (corectată)", visible=0)
    assert [a["action"] for a in save_activities(client, [manual, viewed])] == ["updated", "updated"]
    assert box.site.db["page"].rows[created[0]["instance"]]["name"] == "Lecția 1 (corectată)"
    assert states() == {created[0]["cmid"]: 1, created[1]["cmid"]: 1}
    assert box.site.db["course_completions"].first(course=courseid, userid=ana)["timecompleted"] == completed_at
    assert described_activity(client, "coop:test:manual")["drift"] is False

    # A change of the completion settings resets them, as Moodle does: the manual tick is gone, and the course
    # completion with it; the viewed page keeps its state.
    manual.update(completion=2, completionview=1)
    assert save_activities(client, [manual])[0]["action"] == "updated"
    assert states()[created[0]["cmid"]] == 0 and states()[created[1]["cmid"]] == 1
    assert client.completion.course_status(courseid, ana).completed is False


BAD_ACTIVITIES = {
    "unknown option": ({"modname": "page", "options": options(colour="red")},
                       "unknown option 'colour' for page (known: content)"),
    "bad modname": ({"modname": "assign"}, "unsupported modname 'assign'"),
    "url without address": ({"modname": "url"}, "option 'externalurl' is required for a new url"),
    "bad url": ({"modname": "url", "options": options(externalurl="ftp://example.org/")}, "must be an http(s) URL"),
    "rule without automatic": ({"modname": "page", "completionview": 1}, "completion rules need completion = 2"),
    "automatic without rule": ({"modname": "page", "completion": 2}, "automatic completion needs at least one rule"),
    "pass grade without gradepass": ({"modname": "quiz", "completion": 2, "completionusegrade": 1,
                                      "completionpassgrade": 1}, "completionpassgrade needs a gradepass above 0"),
    "gradepass above grade": ({"modname": "quiz", "options": options(grade="5", gradepass="6")},
                              "gradepass is higher than grade"),
    "grade on a page": ({"modname": "page", "completion": 2, "completionusegrade": 1},
                        "page has no grade to use for completion"),
    "bad feedback items": ({"modname": "feedback", "options": options(items='[{"type":"stars","label":"a",'
                                                                             '"text":"b"}]')},
                           "feedback item 1: type must be 'rating', 'text' or 'choice'"),
    "choice without choices": ({"modname": "feedback", "options": options(
        items='[{"type":"choice","label":"a","text":"b"}]')}, "choices must be a list of 2 to 100 strings"),
    "choice with a bar": ({"modname": "feedback", "options": options(
        items='[{"type":"choice","label":"a","text":"b","choices":["x|y","z"]}]')}, "without '|'"),
    "choices on a text item": ({"modname": "feedback", "options": options(
        items='[{"type":"text","label":"a","text":"b","choices":["x","z"]}]')}, "only a 'choice' item has choices"),
    "empty name": ({"modname": "page", "name": " "}, "the name is empty"),
    "bad behaviour": ({"modname": "quiz", "options": options(preferredbehaviour="nosuch")},
                      "must be one of adaptive, adaptivenopenalty, deferredfeedback"),
    "negative float": ({"modname": "quiz", "options": options(grade="-1")}, "option 'grade' must be a number >= 0"),
    "section out of range": ({"modname": "page", "section": 53}, "section 53 is out of range"),
    "resource without a file": ({"modname": "resource", "options": options(draftitemid="12345")},
                                "draft area 12345 of the current user must hold exactly one file (it holds 0)"),
}


@pytest.mark.parametrize("case", list(BAD_ACTIVITIES))
def test_bad_activity_fails_the_whole_batch(case: str) -> None:
    box, client, courseid = new_site()
    fields, message = BAD_ACTIVITIES[case]
    before = count(box, "course_modules", course=courseid)
    error = fails(lambda: save_activities(client, [activity(courseid, "coop:test:good", "page"),
                                                   activity(courseid, "coop:test:bad", **fields)]))
    assert error.debuginfo.startswith("activity 'coop:test:bad': "), error.debuginfo
    assert message in error.debuginfo
    assert count(box, "course_modules", course=courseid) == before
    assert count(box, "local_cooperare_item") == 0


def test_an_activity_cannot_change_type_and_completion_needs_the_course_to_track_it() -> None:
    _, client, courseid = new_site()
    save_activities(client, [activity(courseid, "coop:test:typed", "page")])
    error = fails(lambda: save_activities(client, [activity(courseid, "coop:test:typed", "url",
                                                            options=options(externalurl="https://example.org/"))]))
    assert "an activity of type 'page' already has this idnumber, cannot turn it into 'url'" in error.debuginfo
    other = client.courses.create([{"fullname": "Fără urmărire", "shortname": "NOCOMP", "categoryid": 1,
                                    "enablecompletion": 0}])[0]["id"]
    error = fails(lambda: save_activities(client, [activity(other, "coop:x:page", "page", completion=2,
                                                            completionview=1)]))
    assert "completion tracking is not enabled in course" in error.debuginfo


# -- delete_activities --------------------------------------------------------------------------------------------


def test_delete_activities_and_rerun() -> None:
    box, client, courseid = new_site()
    cmid = create_quiz(client, courseid)
    save_questions(client, {"courseid": courseid, "quiz": "coop:test:quiz", "questions": [
        {"idnumber": "coop:test:quiz:q1", "xml": truefalse_xml("coop:test:quiz:q1")}]})
    save_activities(client, [activity(courseid, "coop:test:page", "page")])
    items = [{"courseid": courseid, "idnumber": "coop:test:quiz"}, {"courseid": courseid, "idnumber": "coop:test:page"}]
    result = client.call("local_cooperare_delete_activities", {"activities": items})["activities"]
    assert [a["action"] for a in result] == ["deleted", "deleted"] and result[0]["cmid"] == cmid
    assert cmid not in box.site.db["course_modules"].rows
    assert count(box, "local_cooperare_item", courseid=courseid) == 0
    assert count(box, "question_bank_entries") == 0 and count(box, "quiz_slots") == 0
    assert {m.modname for s in client.courses.contents(courseid) for m in s.modules} == {"forum"}  # announcements
    again = client.call("local_cooperare_delete_activities", {"activities": items})["activities"]
    assert [(a["action"], a["cmid"]) for a in again] == [("notfound", 0), ("notfound", 0)]


def test_delete_refuses_activities_the_plugin_did_not_create() -> None:
    box, client, courseid = new_site()
    save_activities(client, [activity(courseid, "coop:test:page", "page")])
    manual = modules.add_module(box.site, courseid, "page", {"name": "Manual", "content": ""},
                                cm={"idnumber": "coop:test:manual"})
    box.site.db.commit()
    error = fails(lambda: client.call("local_cooperare_delete_activities", {"activities": [
        {"courseid": courseid, "idnumber": "coop:test:page"}, {"courseid": courseid, "idnumber": "coop:test:manual"}]}),
        "notmanaged")
    assert error.moodle_message == "coop:test:manual was not created by the Cooperare plugin, so the plugin does not " \
                                   "delete it."
    assert error.exception == "core\\exception\\moodle_exception"
    assert manual["id"] in box.site.db["course_modules"].rows
    assert any(a["idnumber"] == "coop:test:page" for a in describe(client)["activities"])  # rolled back
    unmanaged = described_activity(client, "coop:test:manual")
    assert (unmanaged["managed"], unmanaged["drift"], unmanaged["spechash"]) == (False, False, "")


# -- questions ----------------------------------------------------------------------------------------------------


def test_questions_import_into_the_quiz_and_a_rerun_is_a_no_op() -> None:
    box, client, courseid = new_site()
    cmid = create_quiz(client, courseid)
    quiz = save_questions(client, quiz_item(courseid))[0]
    assert (quiz["cmid"], quiz["structurechanged"], quiz["removed"]) == (cmid, True, [])
    assert [(q["action"], q["slot"], q["version"]) for q in quiz["questions"]] == [
        ("created", n, 1) for n in (1, 2, 3, 4)]
    assert slots(box, cmid) == [("coop:test:quiz:q01", 2.0, 1), ("coop:test:quiz:q02", 1.0, 2),
                                ("coop:test:quiz:q03", 1.0, 3), ("coop:test:quiz:q04", 1.0, 4)]
    # The questions live in the quiz's own context, with their per-answer feedback.
    entry = box.site.db["question_bank_entries"].first(idnumber="coop:test:quiz:q01")
    category = box.site.db["question_categories"].rows[entry["questioncategoryid"]]
    assert category["contextid"] == box.site.context(70, cmid)["id"]
    answers = box.site.db["question_answers"].where(question=quiz["questions"][0]["questionid"])
    assert [a["feedback"] for a in answers] == ["Corect: București.", "Nu: Cluj-Napoca nu este capitala.",
                                                "Nu: Iași nu este capitala."]
    described_quiz = next(q for q in client.quizzes.of_courses([courseid]) if q.coursemodule == cmid)
    assert described_quiz.raw["sumgrades"] == 5 and described_quiz.raw["hasquestions"] == 1

    questions_before = count(box, "question")
    again = save_questions(client, quiz_item(courseid))[0]
    assert again["structurechanged"] is False
    assert [q["action"] for q in again["questions"]] == ["unchanged"] * 4
    assert count(box, "question") == questions_before

    described = describe(client)["questions"]
    assert [(q["quiz"], q["idnumber"], q["qtype"], q["slot"], q["page"], q["maxmark"]) for q in described] == [
        ("coop:test:quiz", "coop:test:quiz:q01", "multichoice", 1, 1, 2),
        ("coop:test:quiz", "coop:test:quiz:q02", "truefalse", 2, 2, 1),
        ("coop:test:quiz", "coop:test:quiz:q03", "shortanswer", 3, 3, 1),
        ("coop:test:quiz", "coop:test:quiz:q04", "match", 4, 4, 1),  # Moodle's name of the "matching" type
    ]
    assert [(q["spechash"], q["managed"], q["drift"]) for q in described][:2] == [("s1", True, False),
                                                                                 ("", True, False)]


def test_question_versions_order_marks_and_removal() -> None:
    box, client, courseid = new_site()
    cmid = create_quiz(client, courseid)
    item = quiz_item(courseid)
    first = save_questions(client, item)[0]

    item["questions"][0]["xml"] = multichoice_xml("coop:test:quiz:q01", "Care oraș este capitala?")
    result = save_questions(client, item)[0]
    q01 = result["questions"][0]
    assert (q01["action"], q01["version"], result["structurechanged"]) == ("updated", 2, False)
    assert q01["questionid"] != first["questions"][0]["questionid"]
    assert count(box, "question_bank_entries", idnumber="coop:test:quiz:q01") == 1

    item["questions"][1]["maxmark"] = 3.0  # only a mark: no rebuild
    result = save_questions(client, item)[0]
    assert result["structurechanged"] is False and slots(box, cmid)[1][1] == 3.0
    assert next(q for q in client.quizzes.of_courses([courseid])).raw["sumgrades"] == 7

    item["questions"] = [item["questions"][3], item["questions"][0], item["questions"][1]]
    item["removemissing"] = True
    result = save_questions(client, item)[0]
    assert (result["structurechanged"], result["removed"]) == (True, ["coop:test:quiz:q03"])
    assert [s[0] for s in slots(box, cmid)] == ["coop:test:quiz:q04", "coop:test:quiz:q01", "coop:test:quiz:q02"]
    assert count(box, "question_bank_entries", idnumber="coop:test:quiz:q03") == 0
    assert [q["idnumber"] for q in describe(client)["questions"]] == [
        "coop:test:quiz:q01", "coop:test:quiz:q02", "coop:test:quiz:q04"]


def test_question_edited_in_moodle_is_drift_and_saving_makes_a_new_version() -> None:
    box, client, courseid = new_site()
    create_quiz(client, courseid)
    item = quiz_item(courseid)
    save_questions(client, item)
    db = box.site.db
    entry = db["question_bank_entries"].first(idnumber="coop:test:quiz:q02")
    latest = db["question_versions"].first(questionbankentryid=entry["id"], version=1)
    question = dict(db["question"].rows[latest["questionid"]])
    question.pop("id")
    newid = db["question"].insert({**question, "questiontext": "Editat manual"})
    db["question_versions"].insert({"questionbankentryid": entry["id"], "questionid": newid, "version": 2,
                                    "status": "ready"})
    db.commit()
    drift = {q["idnumber"]: q["drift"] for q in describe(client)["questions"]}
    assert drift["coop:test:quiz:q02"] is True and drift["coop:test:quiz:q01"] is False
    q02 = next(q for q in save_questions(client, item)[0]["questions"] if q["idnumber"] == "coop:test:quiz:q02")
    assert (q02["action"], q02["version"]) == ("updated", 3)
    assert not any(q["drift"] for q in describe(client)["questions"])


def test_quiz_with_attempts_refuses_structure_changes_but_takes_new_versions() -> None:
    box, client, courseid = new_site()
    cmid = create_quiz(client, courseid)
    item = quiz_item(courseid)
    save_questions(client, item)
    student = create_users(client, "ana")["ana"]
    client.enrol.enrol([(courseid, student)])
    simulate.record_quiz_attempt(box.site, box.site.db["course_modules"].rows[cmid]["instance"], student, 8.0)

    item["questions"][1]["xml"] = truefalse_xml("coop:test:quiz:q02", "Corect, se poate.")
    assert save_questions(client, item)[0]["questions"][1]["action"] == "updated"
    item["questions"] = list(reversed(item["questions"]))
    error = fails(lambda: save_questions(client, item), "quizhasattempts")
    assert error.moodle_message.startswith("The questions of quiz 'coop:test:quiz' cannot be reordered, added or "
                                           "removed because the quiz already has attempts.")
    assert [s[0] for s in slots(box, cmid)] == [f"coop:test:quiz:q0{n}" for n in (1, 2, 3, 4)]


def test_a_questionsperpage_change_repaginates_and_pages_alone_are_never_refused() -> None:
    box, client, courseid = new_site()
    cmid = create_quiz(client, courseid)
    item = quiz_item(courseid)
    save_questions(client, item)
    assert [s[2] for s in slots(box, cmid)] == [1, 2, 3, 4]

    def quiz_with(perpage: str) -> dict[str, Any]:
        return activity(courseid, "coop:test:quiz", "quiz", options=options(
            grade="10", gradepass="6", questionsperpage=perpage, reviewfeedback="1"))

    assert save_activities(client, [quiz_with("2")])[0]["action"] == "updated"
    assert [s[2] for s in slots(box, cmid)] == [1, 1, 2, 2]
    again = save_questions(client, item)[0]
    assert again["structurechanged"] is False and [q["action"] for q in again["questions"]] == ["unchanged"] * 4

    # Pages laid out differently (by hand, or before the plugin repaginated) are laid out again.
    quizid = box.site.db["course_modules"].rows[cmid]["instance"]
    for slot in box.site.db["quiz_slots"].where(quizid=quizid):
        box.site.db["quiz_slots"].update(slot["id"], page=1)
    box.site.db.commit()
    assert save_questions(client, item)[0]["structurechanged"] is False
    assert [s[2] for s in slots(box, cmid)] == [1, 1, 2, 2]

    # With an attempt the layout stays, and neither call is refused.
    student = create_users(client, "ana")["ana"]
    client.enrol.enrol([(courseid, student)])
    simulate.record_quiz_attempt(box.site, quizid, student, 8.0)
    assert save_activities(client, [quiz_with("0")])[0]["action"] == "updated"
    assert save_questions(client, item)[0]["structurechanged"] is False
    assert [s[2] for s in slots(box, cmid)] == [1, 1, 2, 2]


BAD_XML = {
    "empty": ("  ", "the XML is empty"),
    "not xml": ('<quiz><question type="multichoice">', "the XML cannot be read"),
    "no question": ("<quiz></quiz>", "the XML must hold exactly one question (found 0)"),
    "category": ('<quiz><question type="category"><category><text>$course$/X</text></category></question></quiz>',
                 "nothing else (found <question>)"),
    "two questions": ("<quiz>" + truefalse_xml("a")[6:-7] + truefalse_xml("b")[6:-7] + "</quiz>",
                      "the XML must hold exactly one question (found 2)"),
    "other idnumber": (truefalse_xml("coop:other"), "the XML has idnumber 'coop:other'"),
    "bad fraction": (multichoice_xml("coop:test:quiz:bad").replace('fraction="0" format="html"',
                                                                   'fraction="37" format="html"'),
                     "answer grade 0.37 is not one Moodle accepts"),
    "random": ('<quiz><question type="randomsamatch"><name><text>R</text></name></question></quiz>',
               "question type 'randomsamatch' is not supported here"),
    "unknown type": ('<quiz><question type="stars"><name><text>S</text></name></question></quiz>',
                     "the XML cannot be imported"),
    "no name": ('<quiz><question type="truefalse"><questiontext><text>T</text></questiontext></question></quiz>',
                "Missing question name"),
}


@pytest.mark.parametrize("case", list(BAD_XML))
def test_bad_question_fails_the_whole_batch(case: str) -> None:
    box, client, courseid = new_site()
    create_quiz(client, courseid)
    xml, message = BAD_XML[case]
    before = count(box, "question")
    error = fails(lambda: save_questions(client, {"courseid": courseid, "quiz": "coop:test:quiz", "questions": [
        {"idnumber": "coop:test:quiz:good", "xml": truefalse_xml("coop:test:quiz:good")},
        {"idnumber": "coop:test:quiz:bad", "xml": xml}]}))
    assert error.debuginfo.startswith("question 'coop:test:quiz:bad' of quiz 'coop:test:quiz': "), error.debuginfo
    assert message in error.debuginfo
    assert count(box, "question") == before


def test_questions_need_an_existing_quiz() -> None:
    _, client, courseid = new_site()
    save_activities(client, [activity(courseid, "coop:test:page", "page")])
    for quiz in ("coop:test:none", "coop:test:page"):
        error = fails(lambda q=quiz: save_questions(client, {**quiz_item(courseid), "quiz": q}))
        assert error.debuginfo == f"quiz '{quiz}': no quiz with this idnumber in course {courseid}"


# -- completion ---------------------------------------------------------------------------------------------------


def completion_activities(client: MoodleClient, courseid: int) -> list[dict[str, Any]]:
    return save_activities(client, [
        activity(courseid, "coop:test:lesson", "page", completion=2, completionview=1),
        activity(courseid, "coop:test:m1quiz", "quiz", completion=2, completionusegrade=1),
        activity(courseid, "coop:test:final", "quiz", section=2, completion=2, completionusegrade=1,
                 completionpassgrade=1, options=options(grade="10", gradepass="7")),
    ])


def test_set_completion_rerun_and_change() -> None:
    box, client, courseid = new_site()
    completion_activities(client, courseid)
    item = {"courseid": courseid, "aggregation": 1, "activityaggregation": 1, "grade": 0.0, "spechash": "c1",
            "activities": ["coop:test:lesson", "coop:test:m1quiz", "coop:test:final"]}
    assert client.call("local_cooperare_set_completion", {"courses": [item]})["courses"][0]["action"] == "updated"
    assert count(box, "course_completion_criteria", course=courseid) == 3
    ids = [c["id"] for c in box.site.db["course_completion_criteria"].where(course=courseid)]
    assert client.call("local_cooperare_set_completion", {"courses": [item]})["courses"][0]["action"] == "unchanged"
    assert [c["id"] for c in box.site.db["course_completion_criteria"].where(course=courseid)] == ids

    described = describe(client)["completion"]
    assert described == {"enabled": 1, "aggregation": 1, "activityaggregation": 1,
                         "activities": ["coop:test:final", "coop:test:lesson", "coop:test:m1quiz"], "grade": 0,
                         "othercriteria": 0, "managed": True, "spechash": "c1", "drift": False}

    item.update(activities=["coop:test:final"], grade=60.0, aggregation=2)
    assert client.call("local_cooperare_set_completion", {"courses": [item]})["courses"][0]["action"] == "updated"
    described = describe(client)["completion"]
    assert (described["activities"], described["grade"], described["aggregation"]) == (["coop:test:final"], 60, 2)
    ana = create_users(client, "ana")["ana"]
    client.enrol.enrol([(courseid, ana)])
    status = client.call("core_completion_get_course_completion_status", {"courseid": courseid, "userid": ana})
    assert status["completionstatus"]["aggregation"] == 2
    assert sorted(c["type"] for c in status["completionstatus"]["completions"]) == [4, 6]


def test_a_trainee_who_completes_every_required_activity_and_passes_the_final_quiz_completes_the_course() -> None:
    box, client, courseid = new_site()
    cms = {a["idnumber"]: a for a in completion_activities(client, courseid)}
    client.call("local_cooperare_set_completion", {"courses": [
        {"courseid": courseid, "activities": ["coop:test:lesson", "coop:test:m1quiz", "coop:test:final"]}]})
    people = create_users(client, "ana", "dan")
    client.enrol.enrol([(courseid, people["ana"]), (courseid, people["dan"])])
    site = box.site
    for userid in people.values():
        simulate.view_activity(site, cms["coop:test:lesson"]["cmid"], userid)
        simulate.record_quiz_attempt(site, cms["coop:test:m1quiz"]["instance"], userid, 4.0)
    simulate.record_quiz_attempt(site, cms["coop:test:final"]["instance"], people["ana"], 8.0)
    simulate.record_quiz_attempt(site, cms["coop:test:final"]["instance"], people["dan"], 5.0)  # below 7

    ana = client.completion.course_status(courseid, people["ana"])
    dan = client.completion.course_status(courseid, people["dan"])
    assert ana.completed is True and dan.completed is False
    states = {a.cmid: a.state for a in client.completion.activities(courseid, people["dan"])}
    assert states[cms["coop:test:final"]["cmid"]] == simulate.COMPLETION_COMPLETE_FAIL
    simulate.record_quiz_attempt(site, cms["coop:test:final"]["instance"], people["dan"], 9.0)
    assert client.completion.course_status(courseid, people["dan"]).completed is True
    grades = client.grades.user_grades(courseid, people["dan"])[0]
    assert [g.raw["itemmodule"] for g in grades.items][:2] == ["quiz", "quiz"]


def test_completion_is_locked_once_users_completed_and_unlock_recalculates() -> None:
    box, client, courseid = new_site()
    cms = {a["idnumber"]: a for a in completion_activities(client, courseid)}
    item = {"courseid": courseid, "activities": ["coop:test:lesson"]}
    client.call("local_cooperare_set_completion", {"courses": [item]})
    ana = create_users(client, "ana")["ana"]
    client.enrol.enrol([(courseid, ana)])
    simulate.view_activity(box.site, cms["coop:test:lesson"]["cmid"], ana)
    assert client.completion.course_status(courseid, ana).completed is True

    item["activities"] = ["coop:test:lesson", "coop:test:m1quiz"]
    error = fails(lambda: client.call("local_cooperare_set_completion", {"courses": [item]}), "completionlocked")
    assert error.moodle_message.startswith(f"The completion criteria of course {courseid} cannot be changed")
    item["unlock"] = True
    assert client.call("local_cooperare_set_completion", {"courses": [item]})["courses"][0]["action"] == "updated"
    assert client.completion.course_status(courseid, ana).completed is False  # the quiz is required now
    simulate.record_quiz_attempt(box.site, cms["coop:test:m1quiz"]["instance"], ana, 3.0)
    assert client.completion.course_status(courseid, ana).completed is True


BAD_COMPLETION = [
    ({"activities": ["coop:test:none"]}, "no activity with idnumber 'coop:test:none'"),
    ({"activities": ["coop:test:untracked"]}, "activity 'coop:test:untracked' has no completion tracking"),
    ({"activities": ["coop:test:lesson"], "aggregation": 3}, "aggregation must be 1 (all) or 2 (any)"),
    ({"activities": ["coop:test:lesson", "coop:test:lesson"]}, "activity 'coop:test:lesson' listed twice"),
    ({"activities": []}, "give at least one activity or a grade"),
    ({"activities": [], "grade": -1.0}, "grade must be 0 (none) or more"),
]


@pytest.mark.parametrize(("fields", "message"), BAD_COMPLETION)
def test_bad_completion(fields: dict[str, Any], message: str) -> None:
    box, client, courseid = new_site()
    completion_activities(client, courseid)
    save_activities(client, [activity(courseid, "coop:test:untracked", "page")])
    error = fails(lambda: client.call("local_cooperare_set_completion",
                                      {"courses": [{**fields, "courseid": courseid}]}))
    assert error.debuginfo == f"completion of course {courseid}: {message}"
    assert count(box, "course_completion_criteria", course=courseid) == 0


def test_completion_drift_after_a_change_through_core_functions() -> None:
    _, client, courseid = new_site()
    completion_activities(client, courseid)
    client.call("local_cooperare_set_completion", {"courses": [{"courseid": courseid,
                                                                "activities": ["coop:test:lesson"]}]})
    assert describe(client)["completion"]["drift"] is False
    client.courses.update([{"id": courseid, "enablecompletion": 0}])
    described = describe(client)["completion"]
    assert (described["enabled"], described["drift"]) == (0, True)
    error = fails(lambda: client.call("local_cooperare_set_completion", {"courses": [
        {"courseid": courseid, "activities": ["coop:test:lesson"]}]}))
    assert "completion tracking is not enabled in the course" in error.debuginfo


# -- cohort sync --------------------------------------------------------------------------------------------------


def cohort_site(members: int = 2) -> tuple[Sandbox, MoodleClient, int, int, list[int], int]:
    box, client, courseid = new_site()
    cohort = client.cohorts.create([{"name": "Primării 2027", "idnumber": "coop:cohort:primarii-2027",
                                     "categorytype": {"type": "system", "value": ""}}])[0].id
    users = list(create_users(client, *[f"membru{i}" for i in range(members)]).values())
    client.cohorts.add_members((cohort, u) for u in users)
    group = client.groups.create([{"courseid": courseid, "name": "Grupa 1", "idnumber": "coop:group:g1"}])[0].id
    return box, client, courseid, cohort, users, group


def save_sync(client: MoodleClient, *items: dict[str, Any]) -> list[dict[str, Any]]:
    return client.call("local_cooperare_save_cohort_sync", {"instances": list(items)})["instances"]


def test_cohort_sync_enrols_members_into_course_and_group_then_rerun_and_update() -> None:
    box, client, courseid, cohort, users, group = cohort_site()
    item = {"courseid": courseid, "cohortidnumber": "coop:cohort:primarii-2027", "groupidnumber": "coop:group:g1",
            "spechash": "e1"}
    instance = save_sync(client, item)[0]
    assert (instance["action"], instance["cohortid"], instance["groupid"]) == ("created", cohort, group)
    assert enrolled(client, courseid, active=True) == set(users)
    assert set(client.groups.members([group])[group]) == set(users)
    roles = {u.id: [r["shortname"] for r in u.raw["roles"]] for u in client.enrol.enrolled_users(courseid)}
    assert roles == {u: ["student"] for u in users}
    row = box.site.db["enrol"].rows[instance["enrolid"]]
    assert (row["enrol"], row["customint1"], row["customint2"], row["roleid"]) == ("cohort", cohort, group, 5)

    again = save_sync(client, item)[0]
    assert (again["action"], again["enrolid"]) == ("unchanged", instance["enrolid"])
    assert count(box, "enrol", courseid=courseid, enrol="cohort") == 1

    updated = save_sync(client, {**item, "role": "teacher"})[0]
    assert updated["action"] == "updated"
    roles = {u.id: [r["shortname"] for r in u.raw["roles"]] for u in client.enrol.enrolled_users(courseid)}
    assert roles == {u: ["teacher"] for u in users}
    described = describe(client)["cohortsync"]
    assert [(d["cohortidnumber"], d["role"], d["groupidnumber"], d["status"], d["managed"], d["drift"])
            for d in described] == [("coop:cohort:primarii-2027", "teacher", "coop:group:g1", 0, True, False)]


def test_cohort_sync_follows_membership_changes_made_afterwards() -> None:
    box, client, courseid, cohort, users, group = cohort_site()
    save_sync(client, {"courseid": courseid, "cohortidnumber": "coop:cohort:primarii-2027",
                       "groupidnumber": "coop:group:g1"})
    newcomer = create_users(client, "nou")["nou"]
    client.cohorts.add_members([(cohort, newcomer)])
    assert enrolled(client, courseid, active=True) == {*users, newcomer}
    assert newcomer in client.groups.members([group])[group]

    client.cohorts.remove_members([(cohort, users[0])])
    assert enrolled(client, courseid) == {users[1], newcomer}
    assert users[0] not in client.groups.members([group])[group]
    assert not box.site.db["role_assignments"].where(userid=users[0])

    # A member also enrolled by hand keeps the manual enrolment when leaving the cohort.
    client.enrol.enrol([(courseid, users[1])])
    client.cohorts.remove_members([(cohort, users[1])])
    assert users[1] in enrolled(client, courseid)
    assert users[1] not in client.groups.members([group])[group]

    # Deleting the cohort removes its sync instances (and their enrolments).
    client.call("core_cohort_delete_cohorts", {"cohortids": [cohort]})
    assert count(box, "enrol", courseid=courseid, enrol="cohort") == 0
    assert enrolled(client, courseid) == {users[1]}
    assert describe(client)["cohortsync"] == []


def test_a_disabled_instance_keeps_enrolments_inactive_and_enabling_it_again_restores_them() -> None:
    _, client, courseid, cohort, users, _ = cohort_site()
    item = {"courseid": courseid, "cohortidnumber": "coop:cohort:primarii-2027"}
    save_sync(client, item)
    assert save_sync(client, {**item, "status": 1})[0]["action"] == "updated"
    assert enrolled(client, courseid) == set(users) and enrolled(client, courseid, active=True) == set()
    late = create_users(client, "tarziu")["tarziu"]
    client.cohorts.add_members([(cohort, late)])
    assert late not in enrolled(client, courseid)  # a disabled instance enrols nobody
    assert save_sync(client, item)[0]["action"] == "updated"
    assert enrolled(client, courseid, active=True) == {*users, late}


BAD_SYNC = [
    ({"cohortidnumber": "coop:cohort:none"}, "no cohort has this idnumber"),
    ({"cohortidnumber": " "}, "the cohort idnumber is empty"),
    ({"role": "nosuchrole"}, "role 'nosuchrole' cannot be assigned in this course"),
    ({"role": "guest"}, "role 'guest' cannot be assigned in this course"),
    ({"groupidnumber": "coop:group:none"}, "no group with idnumber 'coop:group:none' in the course"),
    ({"status": 5}, "status must be 0 (enabled) or 1 (disabled)"),
]


@pytest.mark.parametrize(("fields", "message"), BAD_SYNC)
def test_bad_cohort_sync(fields: dict[str, Any], message: str) -> None:
    box, client, courseid, _, _, _ = cohort_site()
    other = client.courses.create([{"fullname": "Alt curs", "shortname": "ALT", "categoryid": 1}])[0]["id"]
    good = {"courseid": courseid, "cohortidnumber": "coop:cohort:primarii-2027"}
    error = fails(lambda: save_sync(client, {"courseid": other, "cohortidnumber": "coop:cohort:primarii-2027"},
                                    {**good, **fields}))
    assert message in error.debuginfo and "in course" in error.debuginfo
    assert count(box, "enrol", enrol="cohort") == 0 and count(box, "user_enrolments") == 0


def test_cohort_sync_refused_when_the_enrolment_method_is_disabled() -> None:
    box, client, courseid, _, _, _ = cohort_site()
    box.site.settings.config["enrol_plugins_enabled"] = "manual,guest,self"
    error = fails(lambda: save_sync(client, {"courseid": courseid, "cohortidnumber": "coop:cohort:primarii-2027"}),
                  "cohortsyncdisabled")
    assert error.moodle_message.startswith(f"Cannot set up cohort sync of 'coop:cohort:primarii-2027' in course "
                                           f"{courseid}: the \"Cohort sync\" enrolment method is disabled")


def test_delete_cohort_sync_and_rerun_and_refusal_of_instances_made_elsewhere() -> None:
    box, client, courseid, cohort, users, _ = cohort_site()
    item = {"courseid": courseid, "cohortidnumber": "coop:cohort:primarii-2027"}
    saved = save_sync(client, item)[0]
    result = client.call("local_cooperare_delete_cohort_sync", {"instances": [item]})["instances"][0]
    assert (result["action"], result["enrolid"]) == ("deleted", saved["enrolid"])
    assert enrolled(client, courseid) == set() and count(box, "enrol", enrol="cohort") == 0
    again = client.call("local_cooperare_delete_cohort_sync", {"instances": [item]})["instances"][0]
    assert (again["action"], again["enrolid"]) == ("notfound", 0)
    error = fails(lambda: client.call("local_cooperare_delete_cohort_sync", {"instances": [item, item]}))
    assert "listed twice in the same call" in error.debuginfo

    manual = enrol_cohort.add_instance(box.site, courseid, {"customint1": cohort, "roleid": 5})
    box.site.db.commit()
    error = fails(lambda: client.call("local_cooperare_delete_cohort_sync", {"instances": [item]}), "notmanaged")
    assert error.moodle_message.startswith(f"cohort sync of 'coop:cohort:primarii-2027' in course {courseid} was not")
    assert manual["id"] in box.site.db["enrol"].rows and enrolled(client, courseid) == set(users)
    assert describe(client)["cohortsync"][0]["managed"] is False


def test_cohort_sync_hand_edit_is_drift() -> None:
    box, client, courseid, _, _, _ = cohort_site()
    instance = save_sync(client, {"courseid": courseid, "cohortidnumber": "coop:cohort:primarii-2027"})[0]
    box.site.db["enrol"].update(instance["enrolid"], roleid=3)
    box.site.db.commit()
    assert describe(client)["cohortsync"][0]["drift"] is True


def test_large_cohorts_sync_in_linear_time() -> None:
    """Members enrolled when the instance is made, then joining and leaving afterwards, through indexes only."""
    _, client, courseid = new_site()
    cohort = client.cohorts.create([{"name": "Mare", "idnumber": "coop:cohort:mare",
                                     "categorytype": {"type": "system", "value": ""}}])[0].id
    people = [{"username": f"u{i:05d}", "password": "Parola#2026", "firstname": "U", "lastname": f"{i:05d}",
               "email": f"u{i:05d}@example.ro"} for i in range(3000)]
    ids = [u["id"] for u in client.users.create(people)]
    client.cohorts.add_members((cohort, u) for u in ids[:2000])
    started = time.perf_counter()
    save_sync(client, {"courseid": courseid, "cohortidnumber": "coop:cohort:mare"})
    client.cohorts.add_members((cohort, u) for u in ids[2000:])
    client.cohorts.remove_members((cohort, u) for u in ids[:500])
    elapsed = time.perf_counter() - started
    assert enrolled(client, courseid, active=True) == set(ids[500:])
    assert elapsed < 20, elapsed


# -- add_user_files -----------------------------------------------------------------------------------------------


def add_files(client: MoodleClient, *items: dict[str, Any]) -> list[dict[str, Any]]:
    return client.call("local_cooperare_add_user_files", {"files": list(items)})["files"]


def private_files(box: Sandbox, userid: int) -> dict[str, bytes]:
    """Path -> content of the files (not folders) of a user's private area."""
    context = box.site.context(30, userid)
    rows = box.site.db["files"].where(contextid=context["id"], component="user", filearea="private")
    return {r["filepath"] + r["filename"]: r["content"] for r in rows if r["filename"] != "."}


def test_add_user_files_rerun_and_overwrite() -> None:
    box, client, _ = new_site()
    people = create_users(client, "ana", "dan")
    name = "Certificat-Țăranu-Ștefan.pdf"
    items = [{"userid": people["ana"], "draftitemid": client.files.upload_draft(name, b"PDF Ana").itemid,
              "filepath": "/certificate/"},
             {"userid": people["dan"], "draftitemid": client.files.upload_draft(name, b"PDF Dan").itemid}]
    result = add_files(client, *items)
    assert result == [
        {"userid": people["ana"], "filepath": "/certificate/", "filename": name,
         "contenthash": hashlib.sha1(b"PDF Ana").hexdigest(), "action": "created"},
        {"userid": people["dan"], "filepath": "/", "filename": name,
         "contenthash": hashlib.sha1(b"PDF Dan").hexdigest(), "action": "created"},
    ]
    assert private_files(box, people["ana"]) == {f"/certificate/{name}": b"PDF Ana"}
    assert private_files(box, people["dan"]) == {f"/{name}": b"PDF Dan"}
    stored = box.site.db["files"].first(filearea="private", filename=name, filepath="/certificate/")
    assert stored["userid"] == people["ana"]

    # A fresh upload of the same files: unchanged, nothing written.
    items[0]["draftitemid"] = client.files.upload_draft(name, b"PDF Ana").itemid
    items[1]["draftitemid"] = client.files.upload_draft(name, b"PDF Dan").itemid
    rows = len(box.site.db["files"].where())
    assert [f["action"] for f in add_files(client, *items)] == ["unchanged", "unchanged"]
    assert len(box.site.db["files"].where()) == rows

    # Different content without overwrite: refused, naming the item; the whole call is undone.
    items[0]["draftitemid"] = client.files.upload_draft(name, b"PDF Ana v2").itemid
    items[1].update(draftitemid=client.files.upload_draft(name, b"PDF Dan v2").itemid, overwrite=True)
    error = fails(lambda: add_files(client, items[1], items[0]), "userfileexists")
    assert error.moodle_message == (f"file '/certificate/{name}' of user {people['ana']}: the user's private files "
                                    "already hold a different file with this name. Send overwrite = 1 to replace it.")
    assert private_files(box, people["dan"]) == {f"/{name}": b"PDF Dan"}

    items[0]["overwrite"] = True
    replaced = add_files(client, *items)
    assert [f["action"] for f in replaced] == ["replaced", "replaced"]
    assert private_files(box, people["ana"]) == {f"/certificate/{name}": b"PDF Ana v2"}
    assert private_files(box, people["dan"]) == {f"/{name}": b"PDF Dan v2"}


def test_add_user_files_bad_input_fails_the_whole_batch() -> None:
    box, client, _ = new_site()
    ana = create_users(client, "ana")["ana"]
    good = {"userid": ana, "draftitemid": client.files.upload_draft("c.pdf", b"PDF").itemid}
    two = client.files.upload_draft("a.pdf", b"A").itemid
    client.transport.upload("b.pdf", b"B", itemid=two)

    def draft() -> int:
        return client.files.upload_draft("x.pdf", b"X").itemid

    cases = [
        ({"userid": ana, "draftitemid": 987654321},
         f"file for user {ana} from draft area 987654321: draft area 987654321 of the current user must hold exactly "
         "one file (it holds 0)"),
        ({"userid": ana, "draftitemid": two}, "must hold exactly one file (it holds 2)"),
        ({"userid": 999999, "draftitemid": draft()}, "no such user"),
        ({"userid": 1, "draftitemid": draft()}, "the guest user has no private files"),
        ({"userid": ana, "draftitemid": draft(), "filepath": "certificate/"}, "filepath must be a folder"),
        ({"userid": ana, "draftitemid": draft(), "filepath": "/../"}, "filepath must be a folder"),
        (good, f"file '/c.pdf' of user {ana}: listed twice in the same call"),
    ]
    for item, message in cases:
        error = fails(lambda i=item: add_files(client, good, i))
        assert message in error.debuginfo, error.debuginfo
        assert private_files(box, ana) == {}


def test_add_user_files_needs_both_capabilities_and_admin_files_need_an_admin() -> None:
    box, client, _ = new_site()
    ana = create_users(client, "ana")["ana"]
    nobody = token_user(box, client, "nobody")
    item = {"userid": ana, "draftitemid": nobody.files.upload_draft("c.pdf", b"PDF").itemid}
    assert fails(lambda: add_files(nobody, item), "nopermissions").debuginfo == "local/cooperare:provision"
    provisioner = token_user(box, client, "prov", ("local/cooperare:provision",))
    item = {"userid": ana, "draftitemid": provisioner.files.upload_draft("c.pdf", b"PDF").itemid}
    error = fails(lambda: add_files(provisioner, item), "nopermissions")
    assert error.debuginfo == "moodle/user:editprofile"
    assert error.moodle_message == "Sorry, but you do not currently have permissions to do that (Edit user profile)."

    manager = token_user(box, client, "manager", ("local/cooperare:provision", "moodle/user:editprofile"))
    item = {"userid": ana, "draftitemid": manager.files.upload_draft("c.pdf", b"PDF").itemid}
    assert add_files(manager, item)[0]["action"] == "created"
    item = {"userid": 2, "draftitemid": manager.files.upload_draft("c.pdf", b"PDF").itemid}
    error = fails(lambda: add_files(manager, item), "useradmineditadmin")
    assert error.moodle_message == "Only administrators are allowed to modify other administrator accounts"
    assert private_files(box, 2) == {}


def test_add_user_files_respects_the_owners_quota() -> None:
    box, client, _ = new_site()
    ana = create_users(client, "ana")["ana"]
    box.site.settings.config["userquota"] = 10
    item = {"userid": ana, "draftitemid": client.files.upload_draft("c.pdf", b"0123456789").itemid, "overwrite": True}
    assert add_files(client, item)[0]["action"] == "created"
    item["draftitemid"] = client.files.upload_draft("c.pdf", b"9876543210").itemid
    assert add_files(client, item)[0]["action"] == "replaced"  # the replaced file's space counts as free
    error = fails(lambda: add_files(client, {"userid": ana, "draftitemid": client.files.upload_draft(
        "alt.pdf", b"x").itemid}), "maxareabytes")
    assert error.moodle_message == "The file is larger than the space remaining in this area."


# -- capabilities -------------------------------------------------------------------------------------------------


def minimal_calls(courseid: int) -> dict[str, dict[str, Any]]:
    return {
        "local_cooperare_describe_courses": {"idnumbers": [COURSE]},
        "local_cooperare_save_sections": {"sections": [{"courseid": courseid, "number": 1, "name": "X"}]},
        "local_cooperare_save_activities": {"activities": [activity(courseid, "coop:test:page", "page")]},
        "local_cooperare_delete_activities": {"activities": [{"courseid": courseid, "idnumber": "coop:test:page"}]},
        "local_cooperare_save_questions": {"quizzes": [quiz_item(courseid)]},
        "local_cooperare_set_completion": {"courses": [{"courseid": courseid, "activities": ["coop:test:page"]}]},
        "local_cooperare_save_cohort_sync": {"instances": [{"courseid": courseid, "cohortidnumber": "c"}]},
        "local_cooperare_delete_cohort_sync": {"instances": [{"courseid": courseid, "cohortidnumber": "c"}]},
        "local_cooperare_add_user_files": {"files": [{"userid": 2, "draftitemid": 1}]},
        "local_cooperare_save_news_forum_staff": {"staff": [{"courseid": courseid, "userid": 2}]},
    }


@pytest.mark.parametrize("wsfunction", list(minimal_calls(0)))
def test_a_user_without_capabilities_is_refused(wsfunction: str) -> None:
    box, client, courseid = new_site()
    nobody = token_user(box, client, "nobody")
    with pytest.raises(AccessDenied) as raised:
        nobody.call(wsfunction, minimal_calls(courseid)[wsfunction])
    error = raised.value
    assert (error.errorcode, error.exception) == ("nopermissions", "core\\exception\\required_capability_exception")
    assert error.debuginfo == "local/cooperare:provision"
    assert error.moodle_message == ("Sorry, but you do not currently have permissions to do that (Provision courses "
                                    "through the Cooperare web services (sections, activities, quiz questions, "
                                    "completion, cohort sync) and put files into users' private files).")


def test_core_capabilities_are_checked_after_the_plugin_capability() -> None:
    box, client, courseid = new_site()
    create_quiz(client, courseid)
    provisioner = token_user(box, client, "prov", ("local/cooperare:provision",))
    calls = minimal_calls(courseid)
    expected = {
        "local_cooperare_save_sections": "moodle/course:update",
        "local_cooperare_save_activities": "moodle/course:manageactivities",
        "local_cooperare_set_completion": "moodle/course:update",
        "local_cooperare_save_cohort_sync": "moodle/course:enrolconfig",
        "local_cooperare_add_user_files": "moodle/user:editprofile",
    }
    for wsfunction, capability in expected.items():
        error = fails(lambda f=wsfunction: provisioner.call(f, calls[f]), "nopermissions")
        assert error.debuginfo == capability, wsfunction
    assert provisioner.call("local_cooperare_describe_courses", calls["local_cooperare_describe_courses"])["courses"]

    editor = token_user(box, client, "editor", ("local/cooperare:provision", "moodle/course:update",
                                                "moodle/course:manageactivities", "moodle/course:activityvisibility"))
    renamed = editor.call("local_cooperare_save_sections", calls["local_cooperare_save_sections"])
    assert renamed["sections"][0]["action"] == "updated"
    hide = {"sections": [{"courseid": courseid, "number": 1, "visible": 0}]}
    assert fails(lambda: editor.call("local_cooperare_save_sections", hide), "nopermissions").debuginfo == \
        "moodle/course:sectionvisibility"
    error = fails(lambda: editor.call("local_cooperare_save_activities", calls["local_cooperare_save_activities"]),
                  "moduledisable")
    assert error.moodle_message == "This module ({$a}) has been disabled for this particular course."
    error = fails(lambda: editor.call("local_cooperare_save_questions", {"quizzes": [quiz_item(courseid)]}),
                  "nopermissions")
    assert error.debuginfo == "mod/quiz:manage"
    assert count(box, "course_modules", idnumber="coop:test:page") == 0


# -- versions, contract and strings -------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["4.5", "5.0"])
def test_every_function_answers_on_both_moodle_versions(version: str) -> None:
    _, client, courseid = new_site(version)
    client.call("local_cooperare_save_sections", {"sections": [{"courseid": courseid, "number": 1, "name": "M1"}]})
    create_quiz(client, courseid, completion=2, completionusegrade=1)
    assert [q["action"] for q in save_questions(client, quiz_item(courseid))[0]["questions"]] == ["created"] * 4
    client.call("local_cooperare_set_completion", {"courses": [{"courseid": courseid,
                                                                "activities": ["coop:test:quiz"]}]})
    client.cohorts.create([{"name": "C", "idnumber": "coop:c", "categorytype": {"type": "system", "value": ""}}])
    save_sync(client, {"courseid": courseid, "cohortidnumber": "coop:c"})
    described = client.call("local_cooperare_describe_courses", {"idnumbers": [COURSE, "coop:course:missing"]})
    assert described["missing"] == ["coop:course:missing"]
    course = described["courses"][0]
    assert (len(course["sections"]), len(course["activities"]), len(course["questions"]),
            len(course["cohortsync"])) == (4, 1, 4, 1)
    assert course["completion"]["activities"] == ["coop:test:quiz"]
    client.call("local_cooperare_delete_cohort_sync", {"instances": [{"courseid": courseid,
                                                                       "cohortidnumber": "coop:c"}]})
    client.call("local_cooperare_delete_activities", {"activities": [{"courseid": courseid,
                                                                      "idnumber": "coop:test:quiz"}]})
    assert describe(client)["questions"] == [] and describe(client)["activities"] == []


def test_describe_rejects_duplicates_and_reports_missing_courses() -> None:
    _, client, _ = new_site()
    # Moodle's REST encoding cannot send an empty list: the key is missing (the PHP answers [] when called directly).
    error = fails(lambda: client.call("local_cooperare_describe_courses", {"idnumbers": []}))
    assert error.debuginfo == "Missing required key in single structure: idnumbers"
    assert client.call("local_cooperare_describe_courses", {"idnumbers": ["", "moodletest"]})["missing"] == [
        "", "moodletest"]
    error = fails(lambda: client.call("local_cooperare_describe_courses", {"idnumbers": [COURSE, COURSE]}))
    assert error.debuginfo == f"course '{COURSE}': listed twice in the same call"
    with pytest.raises(InvalidParameter):
        client.call("local_cooperare_save_activities", {"activities": [{"courseid": 1}]})  # contract validation


def test_plugin_strings_match_the_php_language_file() -> None:
    text = (plugin_source_dir() / "lang" / "en" / "local_cooperare.php").read_text(encoding="utf-8")
    php = {key: value.replace("\\'", "'") for key, value in re.findall(r"\$string\['([^']+)'\] = '((?:[^'\\]|\\.)*)';",
                                                                       text)}
    for key, value in util.STRINGS.items():
        assert php[key] == value, key


# -- bulk course completion ---------------------------------------------------------------------------------------

def test_course_completions_in_pages_agree_with_core_one_user_at_a_time() -> None:
    box, client, courseid = new_site()
    cms = {a["idnumber"]: a for a in completion_activities(client, courseid)}
    assert client.completion.course_completions(courseid).has_criteria is False
    client.call("local_cooperare_set_completion", {"courses": [
        {"courseid": courseid, "activities": ["coop:test:lesson"]}]})
    people = create_users(client, *(f"u{i:02d}" for i in range(23)))
    client.enrol.enrol([(courseid, uid) for uid in people.values()])
    done = sorted(people.values())[::3]
    for userid in done:
        simulate.view_activity(box.site, cms["coop:test:lesson"]["cmid"], userid)
    before = client.transport.stats.by_function.get("local_cooperare_get_course_completions", 0)
    found = client.completion.course_completions(courseid, page_size=10)
    assert client.transport.stats.by_function["local_cooperare_get_course_completions"] - before == 3
    assert found.has_criteria and found.tracked == frozenset(people.values())
    assert sorted(found.completed) == done and all(t > 0 for t in found.completed.values())
    assert {uid for uid in people.values() if client.completion.course_status(courseid, uid).completed} == set(done)
    page = client.call("local_cooperare_get_course_completions", {"courseid": courseid, "offset": 20, "limit": 10})
    assert page["total"] == 23 and page["offset"] == 20 and len(page["users"]) == 3


def test_course_completions_refuse_bad_paging_and_callers_without_the_capabilities() -> None:
    box, client, courseid = new_site()
    for params in ({"offset": -1, "limit": 10}, {"offset": 0, "limit": 0}, {"offset": 0, "limit": 1001}):
        fails(lambda p=params: client.call("local_cooperare_get_course_completions", {"courseid": courseid, **p}))
    fails(lambda: client.call("local_cooperare_get_course_completions", {"courseid": courseid + 99}))
    teacher = token_user(box, client, "teacher", ("moodle/course:update",))
    with pytest.raises(AccessDenied):
        teacher.completion.course_completions(courseid)


def test_availability_waits_for_completion_reads_back_and_shows_moodle_edits_as_drift() -> None:
    """The twin of PHPUnit save_activities_test::test_availability_after_completion."""
    box, client, courseid = new_site()
    graded = {"completion": 2, "completionusegrade": 1, "completionpassgrade": 1}
    quiz_options = {"grade": "10", "gradepass": "6"}
    items = [
        activity(courseid, "coop:test:m1:quiz", "quiz", options=options(**quiz_options), **graded),
        activity(courseid, "coop:test:final", "quiz",
                 options=options(**quiz_options, availability='["coop:test:m1:quiz"]'), **graded),
        activity(courseid, "coop:test:feedback", "feedback", completion=2,
                 options=options(completionsubmit="1", availability='["coop:test:final"]')),
    ]
    m1, final, feedback = (a["cmid"] for a in save_activities(client, items))
    cms = box.site.db["course_modules"]
    # The module quiz completes on a pass: the final waits for it as complete and passed (e = 2).
    assert json.loads(cms.rows[final]["availability"]) == {
        "op": "&", "c": [{"type": "completion", "cm": m1, "e": 2}], "showc": [True]}
    assert json.loads(cms.rows[feedback]["availability"])["c"][0] == {"type": "completion", "cm": final, "e": 2}
    assert cms.rows[m1]["availability"] is None
    values = {o["name"]: o["value"] for o in described_activity(client, "coop:test:final")["options"]}
    assert values["availability"] == '["coop:test:m1:quiz"]'
    assert [a["action"] for a in save_activities(client, items)] == ["unchanged"] * 3

    cms.update(final, availability=json.dumps({"op": "&", "c": [{"type": "group", "id": 1}], "showc": [True]}))
    described = described_activity(client, "coop:test:final")
    assert described["drift"] and {o["name"]: o["value"] for o in described["options"]}["availability"] == "custom"
    assert save_activities(client, [items[1]])[0]["action"] == "updated"
    assert not described_activity(client, "coop:test:final")["drift"]

    # Waited for as merely complete (plugin versions before 2026120450) although the quiz completes on a pass:
    # drift, and saving again asks for the pass.
    cms.update(final, availability=json.dumps({"op": "&", "c": [{"type": "completion", "cm": m1, "e": 1}],
                                                   "showc": [True]}))
    assert {o["name"]: o["value"] for o in described_activity(client, "coop:test:final")["options"]}[
        "availability"] == "custom"
    assert save_activities(client, [items[1]])[0]["action"] == "updated"
    assert json.loads(cms.rows[final]["availability"])["c"][0]["e"] == 2

    # An activity that completes on view is waited for as complete (e = 1).
    page = activity(courseid, "coop:test:m1:lesson", "page", completion=2, completionview=1,
                    options=options(content="<p>Lecția</p>"))
    after = dict(items[2], options=options(completionsubmit="1", availability='["coop:test:m1:lesson"]'))
    save_activities(client, [page, after])
    assert json.loads(cms.rows[feedback]["availability"])["c"][0]["e"] == 1
    assert {o["name"]: o["value"] for o in described_activity(client, "coop:test:feedback")["options"]}[
        "availability"] == '["coop:test:m1:lesson"]'

    items[2]["options"] = options(completionsubmit="1", availability="[]")
    save_activities(client, [items[2]])
    assert cms.rows[feedback]["availability"] is None

    for value, message in (('["coop:test:missing"]', "needs activity 'coop:test:missing'"),
                           ('["coop:test:final"]', "its own completion"), ('{"a":1}', "JSON list"),
                           ('["coop:test:m1:quiz","coop:test:m1:quiz"]', "twice")):
        bad = dict(items[1], options=options(**quiz_options, availability=value))
        error = fails(lambda bad=bad: save_activities(client, [bad]))
        assert message in str(error), value


def test_a_news_forum_takes_over_the_courses_own_announcements_instead_of_adding_one() -> None:
    box, client, courseid = new_site()
    announcements = [f for f in box.site.db["forum"].where(course=courseid) if f["type"] == "news"]
    assert [f["name"] for f in announcements] == ["Announcements"]
    item = activity(courseid, "coop:test:news", "forum", section=0, name="Anunțuri",
                    intro="<p>Anunțurile formatorilor.</p>", options=options(type="news"))
    result = save_activities(client, [item])[0]
    assert result["action"] == "updated" and result["instance"] == announcements[0]["id"]
    forums = [f for f in box.site.db["forum"].where(course=courseid) if f["type"] == "news"]
    assert [(f["name"], f["intro"]) for f in forums] == [("Anunțuri", "<p>Anunțurile formatorilor.</p>")]
    assert save_activities(client, [item])[0]["action"] == "unchanged"
    assert not described_activity(client, "coop:test:news")["drift"]


def test_choice_items_are_radio_multiple_choices_read_back_as_sent() -> None:
    box, client, courseid = new_site()
    items = ('[{"type":"choice","label":"expeditor","text":"Cine trimite?",'
             '"choices":["cetățean","ONG","autoritate","altul"],"required":true},'
             '{"type":"text","label":"propunere","text":"Propunerea"}]')
    result = save_activities(client, [activity(courseid, "coop:test:form", "feedback", options=options(items=items))])
    rows = sorted(box.site.db["feedback_item"].where(feedback=result[0]["instance"]), key=lambda r: r["position"])
    assert [r["typ"] for r in rows] == ["multichoice", "textarea"]
    assert rows[0]["presentation"] == "r>>>>>cetățean|ONG|autoritate|altul" and rows[0]["required"] == 1
    described = {o["name"]: o["value"] for o in described_activity(client, "coop:test:form")["options"]}
    assert described["items"] == items
    more = items.replace('"altul"', '"altul","nu spun"')
    again = save_activities(client, [activity(courseid, "coop:test:form", "feedback", options=options(items=more))])
    after = sorted(box.site.db["feedback_item"].where(feedback=again[0]["instance"]), key=lambda r: r["position"])
    assert after[0]["id"] == rows[0]["id"] and after[0]["presentation"].endswith("|altul|nu spun")


def _participants(client: MoodleClient, courseid: int, roles: dict[str, str]) -> dict[str, int]:
    """Users created and enrolled in the course, by username → id, with the role shortname given."""
    created = client.users.create([{"username": name, "firstname": name, "lastname": "Test", "auth": "manual",
                                    "email": f"{name}@example.org", "password": "Parola-1234"} for name in roles])
    ids = {name: int(answer["id"]) for name, answer in zip(roles, created, strict=True)}
    for name, role in roles.items():
        client.enrol.enrol([(courseid, ids[name])], role=role)
    return ids


def test_news_forum_staff_subscribed_and_allowed_to_post_only_where_their_role_lacks_it() -> None:
    box, client, courseid = new_site()
    ids = _participants(client, courseid, {"formator": "editingteacher", "tutore": "teacher", "cursant": "student"})
    forum, = [f for f in box.site.db["forum"].where(course=courseid) if f["type"] == "news"]
    box.site.db["forum"].update(forum["id"], forcesubscribe=0)  # optional subscription: rows get written
    staff = [{"courseid": courseid, "userid": ids[name]} for name in ("formator", "tutore", "cursant")]
    result = client.call("local_cooperare_save_news_forum_staff", {"staff": staff})["staff"]
    assert [(r["userid"], r["forumid"], r["subscribed"], r["overridden"]) for r in result] == [
        (ids["formator"], forum["id"], "subscribed", ""), (ids["tutore"], forum["id"], "subscribed", ""),
        (ids["cursant"], forum["id"], "subscribed", "student")]
    subscribed = {r["userid"] for r in box.site.db["forum_subscriptions"].where(forum=forum["id"])}
    assert subscribed == set(ids.values())
    overrides = list(box.site.db["role_capabilities"].where(capability="mod/forum:addnews"))
    assert len(overrides) == 1 and overrides[0]["contextid"] != box.site.context(50, courseid)["id"]
    again = client.call("local_cooperare_save_news_forum_staff", {"staff": staff})["staff"]
    assert [(r["subscribed"], r["overridden"]) for r in again] == [("unchanged", "")] * 3
    assert len(list(box.site.db["forum_subscriptions"].where(forum=forum["id"]))) == 3


def test_news_forum_staff_in_a_forced_subscription_forum_writes_no_subscription() -> None:
    """Moodle's news forum forces subscription: the trainer is subscribed already (as recorded on real sites)."""
    box, client, courseid = new_site()
    ids = _participants(client, courseid, {"formator": "editingteacher"})
    forum, = [f for f in box.site.db["forum"].where(course=courseid) if f["type"] == "news"]
    assert forum["forcesubscribe"] == 1
    result = client.call("local_cooperare_save_news_forum_staff",
                         {"staff": [{"courseid": courseid, "userid": ids["formator"]}]})["staff"]
    assert [(r["subscribed"], r["overridden"]) for r in result] == [("unchanged", "")]
    assert list(box.site.db["forum_subscriptions"].where(forum=forum["id"])) == []


def test_news_forum_staff_refuses_a_non_participant_and_writes_nothing() -> None:
    box, client, courseid = new_site()
    ids = _participants(client, courseid, {"formator": "editingteacher"})
    stranger = int(client.users.create([{"username": "strain", "firstname": "S", "lastname": "T", "auth": "manual",
                                         "email": "strain@example.org", "password": "Parola-1234"}])[0]["id"])
    staff = [{"courseid": courseid, "userid": ids["formator"]}, {"courseid": courseid, "userid": stranger}]
    error = fails(lambda: client.call("local_cooperare_save_news_forum_staff", {"staff": staff}))
    assert "not an active participant" in str(error)
    assert not list(box.site.db["forum_subscriptions"].where(userid=ids["formator"]))
    error = fails(lambda: client.call("local_cooperare_save_news_forum_staff", {"staff": staff[:1] * 2}))
    assert "twice" in str(error) or "more than once" in str(error)
