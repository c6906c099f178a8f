"""core_cohort functions of the sandbox, driven through the real client, beyond what the recordings show."""

from __future__ import annotations

from typing import Any

import pytest

from cooperare.errors import InvalidParameter, MoodleError, NotFound
from cooperare.moodle.transport import Transport
from cooperare.sandbox import Sandbox


def cohort(name: str, idnumber: str, *, kind: str = "system", value: str = "", **extra: Any) -> dict[str, Any]:
    return {"categorytype": {"type": kind, "value": value}, "name": name, "idnumber": idnumber, **extra}


def member(cohortid: int, userid: int) -> dict[str, Any]:
    return {"cohorttype": {"type": "id", "value": str(cohortid)}, "usertype": {"type": "id", "value": str(userid)}}


@pytest.fixture
def client() -> Transport:
    transport = Sandbox().transport()
    people = [("ana", "Ana", "Zamfir"), ("bogdan", "Bogdan", "Știrbu"), ("carmen", "Carmen", "Țăranu"),
              ("dan", "Dan", "Albu"), ("elena", "Elena", "Albu")]
    transport.call("core_user_create_users", {"users": [
        {"username": u, "password": "Parola#2026", "firstname": f, "lastname": last, "email": f"{u}@example.com"}
        for u, f, last in people]})
    return transport


def test_category_cohorts_live_in_the_category_context(client: Transport) -> None:
    [category] = client.call("core_course_create_categories", {"categories": [{"name": "Facultate", "idnumber": "F"}]})
    created = client.call("core_cohort_create_cohorts", {"cohorts": [
        cohort("Prin id", "C-ID", kind="id", value=str(category["id"])),
        cohort("Prin idnumber", "C-IDN", kind="idnumber", value="F", description="<b>Desc</b>", visible=0),
    ]})
    assert [c["id"] for c in created] == [1, 2]
    assert created[1]["description"] == "<b>Desc</b>" and created[1]["visible"] is False
    found = client.call("core_cohort_search_cohorts", {"query": "", "context": {"contextlevel": "coursecat",
                                                                                "instanceid": category["id"]},
                                                       "includes": "self"})
    assert [c["idnumber"] for c in found["cohorts"]] == ["C-ID", "C-IDN"]  # ordered by name
    system = client.call("core_cohort_search_cohorts", {"query": "", "context": {"contextid": 1}, "includes": "self"})
    assert system["cohorts"] == []


def test_unknown_category_is_refused_with_the_reason() -> None:
    client = Sandbox(debug=32767).transport()
    with pytest.raises(InvalidParameter) as caught:
        client.call("core_cohort_create_cohorts", {"cohorts": [cohort("X", "X", kind="idnumber", value="NOPE")]})
    assert caught.value.debuginfo == "category not exists: category idnumber = NOPE"


def test_duplicate_idnumber_in_a_batch_rolls_back_the_batch(client: Transport) -> None:
    with pytest.raises(InvalidParameter):
        client.call("core_cohort_create_cohorts", {"cohorts": [cohort("A", "DUP"), cohort("B", "DUP")]})
    assert client.call("core_cohort_get_cohorts", {}) == []
    [created] = client.call("core_cohort_create_cohorts", {"cohorts": [cohort("C", "C")]})
    assert created["id"] == 2  # the rolled-back insert used id 1


def test_search_matches_name_idnumber_description_case_insensitively(client: Transport) -> None:
    client.call("core_cohort_create_cohorts", {"cohorts": [
        cohort("Aleși locali", "COH-ALESI"), cohort("Experți", "COH-EXP", description="Grup de EXPERȚI ONG"),
        cohort("Voluntari", "VOL-2026"),
    ]})

    def search(query: str, **extra: Any) -> list[str]:
        answer = client.call("core_cohort_search_cohorts", {"query": query, "context": {"contextid": 1},
                                                            "includes": "all", **extra})
        return [c["name"] for c in answer["cohorts"]]

    assert search("coh-") == ["Aleși locali", "Experți"]
    assert search("ong") == ["Experți"]
    assert search("2026") == ["Voluntari"]
    assert search("") == ["Aleși locali", "Experți", "Voluntari"]
    # limitfrom is a page number for cohort_get_all_cohorts (offset = limitfrom * limitnum)
    assert search("", limitfrom=1, limitnum=2) == ["Voluntari"]


def test_search_with_an_unknown_context_is_refused(client: Transport) -> None:
    with pytest.raises(InvalidParameter):
        client.call("core_cohort_search_cohorts", {"query": "", "context": {"contextid": 9999}})


def test_members_ordered_by_lastname_firstname_in_code_point_order(client: Transport) -> None:
    [created] = client.call("core_cohort_create_cohorts", {"cohorts": [cohort("Toți", "ALL")]})
    members = [member(created["id"], u) for u in (3, 4, 5, 6, 7)]
    answer = client.call("core_cohort_add_cohort_members", {"members": members})
    assert answer == {"warnings": []}
    [members] = client.call("core_cohort_get_cohort_members", {"cohortids": [created["id"]]})
    # Albu Dan, Albu Elena, Zamfir, then Știrbu and Țăranu after Z
    assert members["userids"] == [6, 7, 3, 4, 5]


def test_add_members_warnings_keep_the_other_members(client: Transport) -> None:
    [created] = client.call("core_cohort_create_cohorts", {"cohorts": [cohort("Grup", "G")]})
    answer = client.call("core_cohort_add_cohort_members", {"members": [
        member(created["id"], 3),
        {"cohorttype": {"type": "name", "value": "Grup"}, "usertype": {"type": "id", "value": "4"}},
        {"cohorttype": {"type": "idnumber", "value": "G"}, "usertype": {"type": "email", "value": "x"}},
        {"cohorttype": {"type": "idnumber", "value": "G"}, "usertype": {"type": "username", "value": "bogdan"}},
        member(created["id"], 3),
    ]})
    assert answer["warnings"] == [
        {"warningcode": "1", "message": "invalid parameter: cohortype=name"},
        {"warningcode": "1", "message": "invalid parameter: usertype=email"},
        {"warningcode": "3", "message": f"record already exists: cohort(id={created['id']} id=3)"},
    ]
    [members] = client.call("core_cohort_get_cohort_members", {"cohortids": [created["id"]]})
    assert sorted(members["userids"]) == [3, 4]


def test_non_numeric_cohort_id_fails_the_whole_call(client: Transport) -> None:
    [created] = client.call("core_cohort_create_cohorts", {"cohorts": [cohort("Grup", "G")]})
    with pytest.raises(MoodleError) as caught:
        client.call("core_cohort_add_cohort_members", {"members": [
            member(created["id"], 3),
            {"cohorttype": {"type": "id", "value": "abc"}, "usertype": {"type": "id", "value": "4"}}]})
    assert (caught.value.errorcode, caught.value.moodle_message) == ("Error", "cohort/Error")
    [members] = client.call("core_cohort_get_cohort_members", {"cohortids": [created["id"]]})
    assert members["userids"] == []  # the delegated transaction rolled the first member back


def test_delete_members_is_silent_for_non_members_but_not_for_unknown_users(client: Transport) -> None:
    [created] = client.call("core_cohort_create_cohorts", {"cohorts": [cohort("Grup", "G")]})
    client.call("core_cohort_add_cohort_members", {"members": [member(created["id"], 3)]})
    assert client.call("core_cohort_delete_cohort_members", {"members": [
        {"cohortid": created["id"], "userid": 3}, {"cohortid": created["id"], "userid": 4}]}) is None
    with pytest.raises(NotFound):
        client.call("core_cohort_delete_cohort_members", {"members": [{"cohortid": created["id"], "userid": 999}]})
    with pytest.raises(NotFound):
        client.call("core_cohort_get_cohort_members", {"cohortids": [999]})


def test_get_update_and_delete_cohorts(client: Transport) -> None:
    created = client.call("core_cohort_create_cohorts", {"cohorts": [cohort("Unu", "U1"), cohort("Doi", "D2")]})
    client.call("core_cohort_add_cohort_members", {"members": [member(created[0]["id"], 3)]})
    assert client.call("core_cohort_update_cohorts", {"cohorts": [
        {"id": created[0]["id"], "categorytype": {"type": "system", "value": ""}, "name": "Unu nou",
         "idnumber": "U1-NOU", "description": "Text", "visible": 0}]}) is None
    listed = client.call("core_cohort_get_cohorts", {"cohortids": [created[0]["id"]]})
    assert listed == [{"id": created[0]["id"], "name": "Unu nou", "idnumber": "U1-NOU",
                       "description": "Text", "descriptionformat": 1,
                       "visible": False, "theme": "", "customfields": []}]
    assert client.call("core_cohort_delete_cohorts", {"cohortids": [created[0]["id"]]}) is None
    assert [c["id"] for c in client.call("core_cohort_get_cohorts", {})] == [created[1]["id"]]
    with pytest.raises(NotFound):
        client.call("core_cohort_delete_cohorts", {"cohortids": [created[0]["id"]]})


def test_thirty_thousand_members_in_batches(client: Transport) -> None:
    total = 30_000
    for start in range(0, total, 120):
        client.call("core_user_create_users", {"users": [
            {"username": f"m{n:05d}", "password": "Parola#2026", "firstname": "M", "lastname": f"N{n:05d}",
             "email": f"m{n:05d}@example.com"} for n in range(start, start + 120)]})
    [created] = client.call("core_cohort_create_cohorts", {"cohorts": [cohort("Mare", "BIG")]})
    user_ids = list(range(8, 8 + total))
    for start in range(0, total, 240):
        answer = client.call("core_cohort_add_cohort_members", {"members": [
            member(created["id"], u) for u in user_ids[start:start + 240]]})
        assert answer == {"warnings": []}
    [members] = client.call("core_cohort_get_cohort_members", {"cohortids": [created["id"]]})
    assert members["userids"] == user_ids  # lastnames N00000..N29999 sort like the ids
