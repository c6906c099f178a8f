"""The transport against a fake host (``responses``): encoding, error decoding, retries, lost answers, secrets."""

from __future__ import annotations

import json
import logging
from urllib.parse import parse_qsl

import pytest
import requests
import responses

from cooperare.errors import (
    AccessDenied,
    ConfigError,
    InvalidParameter,
    InvalidToken,
    LoginFailed,
    MoodleError,
    NotFound,
    ResponseLost,
    TransportError,
)
from cooperare.moodle.contract import core_contract
from cooperare.moodle.transport import Transport, normalise_site_url, request_token
from cooperare.secrets import Secret

URL = "https://moodle.example.ro"
REST = URL + "/webservice/rest/server.php"
TOKEN = "f00dfacef00dfacef00dfacef00dface"


def make(**options: object) -> Transport:
    options.setdefault("contract", core_contract("4.5"))
    options.setdefault("sleep", lambda _s: None)
    return Transport(URL, Secret(TOKEN), **options)  # type: ignore[arg-type]


def sent_pairs(call_index: int = 0) -> list[tuple[str, str]]:
    body = responses.calls[call_index].request.body
    return parse_qsl(body.decode() if isinstance(body, bytes) else body, keep_blank_values=True)


@responses.activate
def test_token_function_and_format_come_first_then_flattened_params() -> None:
    responses.post(REST, json=[{"id": 3, "username": "ana"}])
    result = make().call("core_user_create_users", {"users": [{"username": "ana", "firstname": "Ana"}]})
    assert result == [{"id": 3, "username": "ana"}]
    assert sent_pairs()[:3] == [("wstoken", TOKEN), ("wsfunction", "core_user_create_users"),
                                ("moodlewsrestformat", "json")]
    assert sent_pairs()[3:] == [("users[0][username]", "ana"), ("users[0][firstname]", "Ana")]
    assert TOKEN not in responses.calls[0].request.url


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"exception": "core\\exception\\moodle_exception", "errorcode": "invalidtoken",
          "message": "Invalid token - token not found"}, InvalidToken),
        ({"exception": "core\\exception\\webservice_access_exception", "errorcode": "accessexception",
          "message": "Access control exception"}, AccessDenied),
        ({"exception": "core\\exception\\invalid_parameter_exception", "errorcode": "invalidparameter",
          "message": "Invalid parameter value detected"}, InvalidParameter),
        ({"exception": "dml_missing_record_exception", "errorcode": "invalidrecord",
          "message": "Can't find data record in database table external_functions."}, NotFound),
        ({"exception": "dml_missing_record_exception", "errorcode": "invalidrecordunknown",
          "message": "Can't find data record in database."}, NotFound),
        ({"exception": "core\\exception\\moodle_exception", "errorcode": "shortnametaken",
          "message": "Short name is already used for another course (AM1)"}, MoodleError),
    ],
)
@responses.activate
def test_moodle_error_objects_become_typed_exceptions(body: dict[str, str], error: type[MoodleError]) -> None:
    responses.post(REST, json=body)
    with pytest.raises(error) as raised:
        make().call("core_course_get_contents", {"courseid": 2})
    assert raised.value.errorcode == body["errorcode"]
    assert raised.value.wsfunction == "core_course_get_contents"
    assert body["message"] in str(raised.value)


@responses.activate
def test_debuginfo_is_kept() -> None:
    responses.post(REST, json={"exception": "core\\exception\\invalid_parameter_exception",
                               "errorcode": "invalidparameter", "message": "Invalid parameter value detected",
                               "debuginfo": "Username already exists: ana"})
    with pytest.raises(InvalidParameter) as raised:
        make().call("core_user_create_users", {"users": []})
    assert raised.value.debuginfo == "Username already exists: ana"
    assert raised.value.hint is None


@pytest.mark.parametrize(
    ("body", "shown"),
    [
        (b"", "empty body"),
        (b"<html><body><h1>502 Bad Gateway</h1></body></html>", "502 Bad Gateway"),
        (b"<br />\n<b>Notice</b>: Undefined index in x.php<br />\n[]", "Notice"),
        (b"\xff\xfe garbage", "garbage"),
    ],
)
@responses.activate
def test_unreadable_bodies_raise_a_transport_error_showing_the_first_bytes(body: bytes, shown: str) -> None:
    responses.post(REST, body=body, status=200)
    with pytest.raises(TransportError) as raised:
        make(retries=0).call("core_course_get_contents", {"courseid": 2})
    assert shown in str(raised.value)
    assert not isinstance(raised.value, ResponseLost)  # a read: nothing may have been applied


@responses.activate
def test_unreadable_answer_to_a_write_says_it_may_have_been_applied() -> None:
    responses.post(REST, body=b"<br />\n<b>Warning</b>: something", status=200)
    with pytest.raises(ResponseLost) as raised:
        make().call("core_user_create_users", {"users": [{"username": "x"}]})
    assert "may or may not have been applied" in str(raised.value)
    assert len(responses.calls) == 1


@responses.activate
def test_reads_are_retried_after_503_and_connection_errors() -> None:
    responses.post(REST, status=503, body=b"<html>maintenance</html>")
    responses.post(REST, body=requests.exceptions.ConnectionError("reset by peer"))
    responses.post(REST, json=[])
    transport = make(retries=3)
    assert transport.call("core_course_get_categories", {}) == []
    assert len(responses.calls) == 3
    assert transport.stats.retries == 2
    assert transport.stats.calls == 3


@responses.activate
def test_a_write_whose_answer_is_lost_is_never_resent() -> None:
    responses.post(REST, body=requests.exceptions.ConnectionError("Connection aborted, RemoteDisconnected"))
    responses.post(REST, json=[{"id": 3, "username": "x"}])
    with pytest.raises(ResponseLost):
        make(retries=3).call("core_user_create_users", {"users": [{"username": "x"}]})
    assert len(responses.calls) == 1


@responses.activate
def test_a_write_that_timed_out_is_never_resent() -> None:
    responses.post(REST, body=requests.exceptions.ReadTimeout("read timed out"))
    with pytest.raises(ResponseLost):
        make(retries=3).call("enrol_manual_enrol_users", {"enrolments": [{"roleid": 5, "userid": 3, "courseid": 2}]})
    assert len(responses.calls) == 1


@responses.activate
def test_a_write_is_retried_when_the_connection_was_never_established() -> None:
    refused = requests.exceptions.ConnectionError(
        requests.packages.urllib3.exceptions.NewConnectionError(None, "Connection refused"))  # type: ignore[attr-defined]
    responses.post(REST, body=refused)
    responses.post(REST, json=[{"id": 3, "username": "x"}])
    assert make(retries=2).call("core_user_create_users", {"users": [{"username": "x"}]}) == [
        {"id": 3, "username": "x"}]
    assert len(responses.calls) == 2


@responses.activate
def test_retries_give_up_with_a_transport_error() -> None:
    for _ in range(3):
        responses.post(REST, status=503, body=b"busy")
    with pytest.raises(TransportError) as raised:
        make(retries=2).call("core_course_get_categories", {})
    assert "503" in str(raised.value)
    assert len(responses.calls) == 3


@responses.activate
def test_warnings_are_collected_never_dropped(caplog: pytest.LogCaptureFixture) -> None:
    responses.post(REST, json={"warnings": [{"item": "user", "itemid": 999999, "warningcode": "invaliduserid",
                                             "message": "Invalid user ID"}]})
    transport = make()
    with caplog.at_level(logging.WARNING, logger="cooperare.moodle"):
        answer = transport.call("core_user_update_users", {"users": [{"id": 999999, "lastname": "x"}]})
    assert answer["warnings"][0]["itemid"] == 999999
    assert [w.itemid for w in transport.warnings] == [999999]
    assert "Invalid user ID" in caplog.text
    assert transport.drain_warnings() and transport.warnings == []


def test_https_is_required_except_for_loopback() -> None:
    with pytest.raises(ConfigError):
        normalise_site_url("http://moodle.example.ro")
    assert normalise_site_url("http://127.0.0.1:8085/") == "http://127.0.0.1:8085"
    assert normalise_site_url("http://localhost/moodle") == "http://localhost/moodle"
    assert normalise_site_url("http://[::1]:8080") == "http://[::1]:8080"
    with pytest.raises(ConfigError):
        normalise_site_url("https://user:pw@moodle.example.ro")
    with pytest.raises(ConfigError):
        normalise_site_url("ftp://moodle.example.ro")


@responses.activate
def test_token_never_appears_in_errors_repr_or_debug_log(caplog: pytest.LogCaptureFixture) -> None:
    echo = f"<html>proxy echoes your request: wstoken={TOKEN}</html>".encode()
    responses.post(REST, body=echo, status=502)
    transport = make(retries=0)
    with caplog.at_level(logging.DEBUG, logger="cooperare"), pytest.raises(TransportError) as raised:
        transport.call("core_course_get_categories", {})
    assert TOKEN not in str(raised.value)
    assert TOKEN not in repr(transport)
    assert TOKEN not in caplog.text
    assert "[REDACTED]" in str(raised.value)


@responses.activate
def test_login_token_php_shapes() -> None:
    token_url = URL + "/login/token.php"
    responses.post(token_url, json={"error": "Invalid login, please try again", "errorcode": "invalidlogin",
                                    "stacktrace": None, "debuginfo": None, "reproductionlink": None})
    responses.post(token_url, json={"token": "abcdef0123456789abcdef0123456789", "privatetoken": None})
    with pytest.raises(LoginFailed) as raised:
        request_token(URL, "admin", Secret("wrong-password"), service="cooperare")
    assert raised.value.errorcode == "invalidlogin"
    token = request_token(URL, "admin", Secret("Admin#Pass123"), service="cooperare")
    assert token.reveal() == "abcdef0123456789abcdef0123456789"
    assert "Admin#Pass123" not in repr(token)
    assert json.loads(json.dumps({"t": str(token)}))["t"].startswith("Secret([REDACTED]")


@responses.activate
def test_time_waiting_for_answers_is_counted_per_function() -> None:
    responses.post(REST, json=[])
    transport = make()
    transport.call("core_user_get_users_by_field", {"field": "id", "values": [1]})
    transport.call("core_user_get_users_by_field", {"field": "id", "values": [2]})
    transport.call("core_cohort_get_cohorts", {"cohortids": [1]})
    waited = transport.stats.seconds_by_function
    assert set(waited) == {"core_user_get_users_by_field", "core_cohort_get_cohorts"}
    assert all(seconds >= 0 for seconds in waited.values())
    assert transport.stats.by_function["core_user_get_users_by_field"] == 2
