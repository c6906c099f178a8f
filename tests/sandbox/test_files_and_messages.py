"""upload.php, private files, core_files_get_files and instant messages, driven through the real client."""

from __future__ import annotations

import pytest

from cooperare.errors import InvalidToken, MoodleError
from cooperare.moodle.transport import Transport
from cooperare.sandbox import Sandbox
from cooperare.secrets import Secret

PDF = b"%PDF-1.4\n% sandbox test\n"


@pytest.fixture
def sandbox() -> Sandbox:
    return Sandbox()


@pytest.fixture
def client(sandbox: Sandbox) -> Transport:
    return sandbox.transport()


def listing(client: Transport, filepath: str = "/", filearea: str = "private", itemid: int = 0,
            filename: str = "") -> dict:
    return client.call("core_files_get_files", {"contextid": 5, "component": "user", "filearea": filearea,
                                                "itemid": itemid, "filepath": filepath, "filename": filename})


def test_upload_then_private_files_round_trip(sandbox: Sandbox, client: Transport) -> None:
    [first] = client.upload("fișă disciplină.pdf", PDF, content_type="application/pdf")
    assert first["userid"] == "2" and first["contextid"] == 5 and first["filesize"] == len(PDF)
    assert first["source"] == 'O:8:"stdClass":1:{s:6:"source";s:22:"fișă disciplină.pdf";}'
    [second] = client.upload("plan.txt", b"plan", itemid=first["itemid"], filepath="/anexe/")
    assert second["itemid"] == first["itemid"] and second["filepath"] == "/anexe/"
    assert client.call("core_user_add_user_private_files", {"draftid": first["itemid"]}) is None

    root = listing(client)
    assert [p["filename"] for p in root["parents"]] == ["System", "Admin User"]
    assert [(f["filename"], f["isdir"]) for f in root["files"]] == [("anexe", True), ("fișă disciplină.pdf", False)]
    pdf = root["files"][1]
    assert pdf["url"] == "http://127.0.0.1:8085/pluginfile.php/5/user/private/fi%C8%99%C4%83%20disciplin%C4%83.pdf"
    assert (pdf["author"], pdf["license"], pdf["filesize"]) == ("Admin User", "unknown", len(PDF))
    assert root["files"][0]["url"] is None and root["files"][0]["filepath"] == "/anexe/"

    sub = listing(client, "/anexe/")
    assert [p["filename"] for p in sub["parents"]] == ["System", "Admin User", "Private files"]
    assert [f["filename"] for f in sub["files"]] == ["plan.txt"]
    stored = sandbox.site.db["files"].first(filearea="private", filename="plan.txt")
    assert stored is not None and stored["content"] == b"plan"


def test_merging_a_second_draft_replaces_same_names_and_keeps_others(client: Transport) -> None:
    [one] = client.upload("a.txt", b"one")
    client.call("core_user_add_user_private_files", {"draftid": one["itemid"]})
    [two] = client.upload("a.txt", b"two, longer")
    client.upload("b.txt", b"b", itemid=two["itemid"])
    client.call("core_user_add_user_private_files", {"draftid": two["itemid"]})
    files = {f["filename"]: f["filesize"] for f in listing(client)["files"]}
    assert files == {"a.txt": len(b"two, longer"), "b.txt": 1}


def test_same_name_twice_in_a_draft_is_reported_per_file(client: Transport) -> None:
    [first] = client.upload("x.pdf", PDF)
    [again] = client.upload("x.pdf", PDF, itemid=first["itemid"])
    assert again["errortype"] == "filenameexist" and again["error"] == "File name already exists: x.pdf"


def test_draft_area_listing_has_no_context_parents_and_draftfile_urls(client: Transport) -> None:
    [uploaded] = client.upload("d.txt", b"d")
    draft = listing(client, filearea="draft", itemid=uploaded["itemid"])
    assert draft["parents"] == []
    assert draft["files"][0]["url"] == f"http://127.0.0.1:8085/draftfile.php/5/user/draft/{uploaded['itemid']}/d.txt"
    assert listing(client, filearea="draft", itemid=0) == {"parents": [], "files": []}


def test_other_users_private_area_is_not_browsable(client: Transport) -> None:
    client.call("core_user_create_users", {"users": [{"username": "u", "password": "Parola#2026", "firstname": "U",
                                                      "lastname": "U", "email": "u@example.com"}]})
    answer = client.call("core_files_get_files", {"contextid": 11, "component": "user", "filearea": "private",
                                                  "itemid": 0, "filepath": "/", "filename": ""})
    assert answer == {"parents": [], "files": []}


def test_upload_with_a_bad_token_answers_the_ajax_error_object(sandbox: Sandbox) -> None:
    bad = Transport(sandbox.url, Secret("0" * 32), session=sandbox.session(), sleep=lambda _s: None)
    with pytest.raises(InvalidToken):
        bad.upload("x.txt", b"x")
    response = sandbox.session().post(sandbox.url + "/webservice/upload.php", data={"itemid": "0"})
    assert response.json() == {"error": "A required parameter (token) was missing", "errorcode": "missingparam",
                               "stacktrace": None, "debuginfo": None, "reproductionlink": None}


def test_instant_message_formats_and_conversations(client: Transport) -> None:
    client.call("core_user_create_users", {"users": [
        {"username": u, "password": "Parola#2026", "firstname": u.title(), "lastname": "X", "email": f"{u}@ex.com"}
        for u in ("ion", "maria")]})
    sent = client.call("core_message_send_instant_messages", {"messages": [
        {"touserid": 3, "text": "Salut\nce faci? <b>tu</b> & eu", "textformat": 0, "clientmsgid": "a-1"},
        {"touserid": 4, "text": "<p>Gata</p>", "textformat": 1},
        {"touserid": 3, "text": "x < y", "textformat": 2},
        {"touserid": 2, "text": "notă", "textformat": 1},
    ]})
    assert [m["msgid"] for m in sent] == [1, 2, 3, 4]
    assert [m["conversationid"] for m in sent] == [1, 2, 1, 3]
    assert sent[0]["text"] == "<p>Salut<br>\nce faci? <b>tu</b> &amp; eu</p>"
    assert sent[0]["clientmsgid"] == "a-1" and "clientmsgid" not in sent[1]
    assert sent[1]["text"] == "<p>Gata</p>"
    assert sent[2]["text"] == "<p>x &lt; y</p>"
    assert all(m["useridfrom"] == 2 and m["candeletemessagesforallusers"] is True for m in sent)


def test_unknown_recipient_is_a_result_not_an_error_in_both_versions() -> None:
    for version, extra in (("4.5", {}), ("5.0", {"cantsendtouser": ""})):
        client = Sandbox(version=version).transport()
        [result] = client.call("core_message_send_instant_messages", {"messages": [
            {"touserid": 77, "text": "?", "clientmsgid": "c"}]})
        assert result == {"msgid": -1, "clientmsgid": "c",
                          "errormessage": "You cannot send a message to a user ID (77) that doesn't exist.",
                          **extra, "candeletemessagesforallusers": False}


def test_messaging_disabled_is_an_exception(sandbox: Sandbox, client: Transport) -> None:
    sandbox.site.settings.config["messaging"] = 0
    with pytest.raises(MoodleError) as caught:
        client.call("core_message_send_instant_messages", {"messages": [{"touserid": 2, "text": "x"}]})
    assert caught.value.errorcode == "disabled"
