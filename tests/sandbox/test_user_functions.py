"""core_user functions of the sandbox, driven through the real client, beyond what the recordings show."""

from __future__ import annotations

from typing import Any

import pytest

from cooperare.errors import InvalidParameter, MoodleError
from cooperare.moodle.transport import Transport, request_token
from cooperare.sandbox import Sandbox
from cooperare.sandbox.site import CONTEXT_USER
from cooperare.secrets import Secret

PASSWORD = "Parola#2026"


def person(number: int, **extra: Any) -> dict[str, Any]:
    return {"username": f"p{number:05d}", "password": PASSWORD, "firstname": "Ana", "lastname": f"Pop {number:05d}",
            "email": f"p{number:05d}@example.com", "idnumber": f"P{number:05d}", **extra}


@pytest.fixture
def sandbox() -> Sandbox:
    return Sandbox()


@pytest.fixture
def client(sandbox: Sandbox) -> Transport:
    return sandbox.transport()


def by_field(client: Transport, field: str, values: list[Any]) -> list[dict[str, Any]]:
    return client.call("core_user_get_users_by_field", {"field": field, "values": values})


def test_create_applies_moodle_defaults_and_creates_user_contexts(sandbox: Sandbox, client: Transport) -> None:
    created = client.call("core_user_create_users", {"users": [
        {"username": "minimal", "password": PASSWORD, "firstname": "Mini", "lastname": "Mal",
         "email": "minimal@example.com"}]})
    assert created == [{"id": 3, "username": "minimal"}]
    [user] = by_field(client, "id", [3])
    assert (user["auth"], user["lang"], user["timezone"], user["mailformat"]) == ("manual", "en", "99", 1)
    assert "idnumber" not in user  # an empty idnumber is not returned
    assert user["suspended"] is False and user["confirmed"] is True
    context = sandbox.site.db["context"].first(contextlevel=CONTEXT_USER, instanceid=3)
    assert context is not None and context["id"] == 11 and context["path"] == "/1/11"


def test_created_user_can_log_in_with_the_password_given(sandbox: Sandbox, client: Transport) -> None:
    client.call("core_user_create_users", {"users": [person(1)]})
    session = sandbox.session()
    token = request_token(sandbox.url, "p00001", Secret(PASSWORD), service="python_tool_all", session=session)
    assert len(token.reveal()) == 32


def test_createpassword_sets_a_hidden_policy_compliant_password(sandbox: Sandbox, client: Transport) -> None:
    user = person(2)
    del user["password"]
    [created] = client.call("core_user_create_users", {"users": [{**user, "createpassword": 1}]})
    stored = sandbox.site.db["user"].get(created["id"])
    assert stored["password"] not in ("", PASSWORD)
    prefs = sandbox.site.db["user_preferences"].where(userid=created["id"])
    assert [(p["name"], p["value"]) for p in prefs] == [("auth_forcepasswordchange", "1")]


def test_missing_password_without_createpassword_is_refused_with_the_reason() -> None:
    client = Sandbox(debug=32767).transport()
    user = person(3)
    del user["password"]
    with pytest.raises(InvalidParameter) as caught:
        client.call("core_user_create_users", {"users": [user]})
    assert caught.value.debuginfo == "Invalid password: you must provide a password, or set createpassword."


def test_email_uniqueness_is_case_insensitive_and_includes_the_admin() -> None:
    client = Sandbox(debug=32767).transport()
    with pytest.raises(InvalidParameter) as caught:
        client.call("core_user_create_users", {"users": [person(4, email="ADMIN@Example.com")]})
    assert caught.value.debuginfo == "Email address already exists: ADMIN@Example.com"


def test_failed_batch_rolls_back_but_uses_up_ids(sandbox: Sandbox, client: Transport) -> None:
    client.call("core_user_create_users", {"users": [person(1)]})
    with pytest.raises(InvalidParameter):
        client.call("core_user_create_users", {"users": [person(2), person(3), person(1)]})
    assert by_field(client, "username", ["p00002", "p00003"]) == []
    [created] = client.call("core_user_create_users", {"users": [person(4)]})
    assert created["id"] == 6  # ids 4 and 5 went to the rolled-back inserts
    contexts = sandbox.site.db["context"].where(contextlevel=CONTEXT_USER)
    assert [c["instanceid"] for c in contexts] == [1, 2, 3, 6]


def test_weak_password_error_keeps_the_policy_text() -> None:
    client = Sandbox().transport()
    with pytest.raises(MoodleError) as caught:
        client.call("core_user_create_users", {"users": [person(5, password="short")]})
    assert caught.value.errorcode is not None and caught.value.errorcode.startswith("<div>Passwords must be at least")
    assert "1 digit(s)" in caught.value.errorcode and "upper case" in caught.value.errorcode


def test_update_email_and_names(client: Transport) -> None:
    [created] = client.call("core_user_create_users", {"users": [person(6)]})
    answer = client.call("core_user_update_users", {"users": [
        {"id": created["id"], "email": "nou@example.com", "firstname": "Ioana", "lastname": "Ionescu"}]})
    assert answer == {"warnings": []}
    [user] = by_field(client, "email", ["nou@example.com"])
    assert (user["id"], user["fullname"], user["email"]) == (created["id"], "Ioana Ionescu", "nou@example.com")
    assert by_field(client, "email", ["p00006@example.com"]) == []


def test_update_warnings_per_item_and_the_valid_items_applied(client: Transport) -> None:
    client.call("core_user_create_users", {"users": [person(7), person(8)]})
    answer = client.call("core_user_update_users", {"users": [
        {"id": 3, "email": "P00008@EXAMPLE.COM"},
        {"id": 999, "lastname": "X"},
        {"id": 1, "lastname": "Guest"},
        {"id": 4, "suspended": 1, "city": "Iași"},
    ]})
    assert answer["warnings"] == [
        {"item": "user", "itemid": 3, "warningcode": "useremailduplicate", "message": "Duplicate address"},
        {"item": "user", "itemid": 999, "warningcode": "invaliduserid", "message": "Invalid user ID"},
        {"item": "user", "itemid": 1, "warningcode": "usernotupdatedguest", "message": "error/usernotupdatedguest"},
    ]
    [user] = by_field(client, "id", [4])
    assert user["suspended"] is True and user["city"] == "Iași"


def test_update_to_a_taken_username_is_a_database_error_warning(client: Transport) -> None:
    client.call("core_user_create_users", {"users": [person(9), person(10)]})
    answer = client.call("core_user_update_users", {"users": [{"id": 3, "username": "p00010"}]})
    assert [w["warningcode"] for w in answer["warnings"]] == ["dmlwriteexception"]
    assert by_field(client, "id", [3])[0]["username"] == "p00009"


def test_suspended_user_token_is_refused(sandbox: Sandbox, client: Transport) -> None:
    client.call("core_user_create_users", {"users": [person(11)]})
    token = request_token(sandbox.url, "p00011", Secret(PASSWORD), service="python_tool_all",
                          session=sandbox.session())
    client.call("core_user_update_users", {"users": [{"id": 3, "suspended": 1}]})
    assert sandbox.site.user_for_token(token.reveal()) is None


def test_get_by_many_idnumbers_in_id_order_unknown_values_absent(client: Transport) -> None:
    client.call("core_user_create_users", {"users": [person(n) for n in range(20, 60)]})
    asked = [f"P{n:05d}" for n in (59, 20, 33, 33, 99)] + [""]
    found = by_field(client, "idnumber", asked)
    assert [u["idnumber"] for u in found] == ["P00020", "P00033", "P00059"]
    assert [u["id"] for u in found] == sorted(u["id"] for u in found)


def test_get_by_field_refuses_values_cleaning_would_change() -> None:
    client = Sandbox(debug=32767).transport()
    with pytest.raises(InvalidParameter) as caught:
        by_field(client, "username", ["Admin"])
    assert caught.value.debuginfo == "The field 'username' value is invalid: Admin(cleaned value: admin)"
    with pytest.raises(MoodleError) as unsupported:
        by_field(client, "lastname", ["User"])
    assert unsupported.value.errorcode == "codingerror"


def test_get_by_id_accepts_php_numeric_strings(client: Transport) -> None:
    found = client.call_pairs("core_user_get_users_by_field",
                              [("field", "id"), ("values[0]", "2 "), ("values[1]", "1e0")])
    assert [u["id"] for u in found] == [1, 2]


def test_own_record_has_preferences_others_do_not(client: Transport) -> None:
    client.call("core_user_create_users", {"users": [person(12)]})
    admin, other = by_field(client, "id", [2, 3])
    assert admin["preferences"] == [] and "preferences" not in other


def test_thirty_thousand_users_created_in_batches_and_found_again(client: Transport) -> None:
    total, batch = 30_000, 120
    ids: list[int] = []
    for start in range(0, total, batch):
        created = client.call("core_user_create_users", {"users": [person(n) for n in range(start, start + batch)]})
        ids += [user["id"] for user in created]
    assert ids == list(range(3, 3 + total))
    found: dict[str, int] = {}
    for start in range(0, total, 500):
        rows = by_field(client, "idnumber", [f"P{n:05d}" for n in range(start, start + 500)])
        found.update((row["idnumber"], row["id"]) for row in rows)
    assert len(found) == total and found["P29999"] == 3 + 29_999
    last = by_field(client, "username", ["p29999", "p00000", "nobody"])
    assert [row["id"] for row in last] == [3, 3 + 29_999]


def test_get_users_by_criteria(client: Transport) -> None:
    """core_user_get_users: exact keys, case-insensitive LIKE on names and e-mail, every criterion must hold,
    unsupported keys come back as warnings, a key twice is refused."""
    client.call("core_user_create_users", {"users": [
        person(1, firstname="Ștefan", lastname="Țăranu"), person(2, firstname="Ioana", lastname="Mândrescu"),
        person(3, firstname="Ioan", lastname="Țăranu", auth="nologin")]})

    def get(*criteria: tuple[str, str]) -> dict[str, Any]:
        return client.call("core_user_get_users", {"criteria": [{"key": k, "value": v} for k, v in criteria]})

    def usernames(answer: dict[str, Any]) -> list[str]:
        return [u["username"] for u in answer["users"]]

    assert usernames(get(("lastname", "țăranu"))) == ["p00001", "p00003"]
    assert usernames(get(("lastname", "Țăranu"), ("firstname", "Ioan"))) == ["p00003"]
    assert usernames(get(("firstname", "Ioan%"))) == ["p00002", "p00003"]
    assert usernames(get(("email", "P0000_@EXAMPLE.com"))) == ["p00001", "p00002", "p00003"]
    assert usernames(get(("username", "p00002"))) == ["p00002"]
    assert usernames(get(("auth", "nologin"))) == ["p00003"]
    assert usernames(get(("idnumber", "P00001"))) == ["p00001"]
    assert usernames(get(("id", "4"))) == ["p00002"]
    assert get(("username", "nobody")) == {"users": [], "warnings": []}
    everyone = get(("city", "Alba Iulia"))
    assert usernames(everyone) == ["guest", "admin", "p00001", "p00002", "p00003"]  # no usable criterion: everyone
    assert everyone["warnings"] == [{"item": "city", "warningcode": "invalidfieldparameter",
                                     "message": "The search key 'city' is not supported, look at the web service "
                                                "documentation"}]
    [user] = get(("username", "p00001"))["users"]
    assert user == by_field(client, "username", ["p00001"])[0]
    with pytest.raises(MoodleError) as raised:
        get(("lastname", "a"), ("lastname", "b"))
    assert raised.value.errorcode == "keyalreadyset"
