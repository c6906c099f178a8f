"""local_cooperare_publish_site and /local/cooperare/verify.php in the sandbox, through the real client."""

from __future__ import annotations

import pytest

from cooperare.errors import InvalidParameter
from cooperare.moodle.client import MoodleClient
from cooperare.sandbox import Sandbox

SITE = [("/", "index.html", b"<!doctype html><title>Verificare</title>"), ("/", "verify.js", b"console.log(1);"),
        ("/", "registry.json", b'{"format":"cooperare-verify/1"}'), ("/registry-ab12/", "3f.json", b'{"entries":{}}')]


def _get(box: Sandbox, path: str) -> tuple[int, bytes, dict[str, str]]:
    answer = box.server.handle("GET", box.url + path, {}, b"")
    return answer.status, answer.body, answer.headers


def test_publish_serve_republish() -> None:
    box = Sandbox(plugin=True)
    client = MoodleClient(box.transport())
    first = client.files.publish_site("verify", client.files.upload_folder(SITE))
    assert (first["created"], first["replaced"], first["unchanged"], first["deleted"]) == (4, 0, 0, 0)
    assert first["url"] == box.url + "/local/cooperare/verify.php/"
    status, body, headers = _get(box, "/local/cooperare/verify.php/")
    assert status == 200 and body == SITE[0][2] and "script-src 'self'" in headers["Content-Security-Policy"]
    assert _get(box, "/local/cooperare/verify.php/registry-ab12/3f.json")[1] == b'{"entries":{}}'
    assert _get(box, "/local/cooperare/verify.php/registry.json")[2]["Cache-Control"] == "no-cache"
    status, _, headers = _get(box, "/local/cooperare/verify.php?serie=ABCD")
    assert status == 301 and headers["Location"] == box.url + "/local/cooperare/verify.php/?serie=ABCD"
    assert _get(box, "/local/cooperare/verify.php/../secret")[0] == 404
    assert _get(box, "/local/cooperare/verify.php/nothing.js")[0] == 404

    same = client.files.publish_site("verify", client.files.upload_folder(SITE))
    assert same["unchanged"] == 4
    changed = [("/", "index.html", SITE[0][2]), ("/", "verify.js", b"console.log(2);")]
    after = client.files.publish_site("verify", client.files.upload_folder(changed))
    assert (after["created"], after["replaced"], after["unchanged"], after["deleted"]) == (0, 1, 1, 2)
    assert _get(box, "/local/cooperare/verify.php/verify.js")[1] == b"console.log(2);"
    assert _get(box, "/local/cooperare/verify.php/registry-ab12/3f.json")[0] == 404


@pytest.mark.parametrize("area, files", [
    ("secret", SITE[:1]),
    ("verify", [*SITE[:1], ("/", "shell.php", b"<?php")]),
])
def test_bad_input_is_refused_and_nothing_is_published(area: str, files: list[tuple[str, str, bytes]]) -> None:
    box = Sandbox(plugin=True)
    client = MoodleClient(box.transport())
    with pytest.raises(InvalidParameter):
        client.files.publish_site(area, client.files.upload_folder(files))
    assert _get(box, "/local/cooperare/verify.php/")[0] == 404


def test_an_empty_draft_area_is_refused_with_the_reason_when_debugging() -> None:
    client = MoodleClient(Sandbox(plugin=True, debug=32767).transport())
    with pytest.raises(InvalidParameter) as error:
        client.files.publish_site("verify", 123456)
    assert "holds no file" in str(error.value.debuginfo)


def test_the_status_list_is_never_cached_and_has_its_media_type() -> None:
    """As verify.php from 2026120420: status-list.jwt is not cached (a revocation shows at once) and is sent as
    application/vc+jwt; the key set is JSON and may be cached with the page."""
    box = Sandbox(plugin=True)
    client = MoodleClient(box.transport())
    files = [*SITE, ("/", "status-list.jwt", b"eyJhbGciOiJSUzI1NiJ9.e30.c2ln"), ("/", "jwks.json", b'{"keys":[]}')]
    client.files.publish_site("verify", client.files.upload_folder(files))
    listed = box.server.handle("GET", box.url + "/local/cooperare/verify.php/status-list.jwt", {}, b"")
    assert (listed.status, listed.body) == (200, files[-2][2])
    assert listed.content_type == "application/vc+jwt" and listed.headers["Cache-Control"] == "no-cache"
    keys = box.server.handle("GET", box.url + "/local/cooperare/verify.php/jwks.json", {}, b"")
    assert keys.content_type == "application/json" and keys.headers["Cache-Control"] == "public, max-age=300"
    page = box.server.handle("GET", box.url + "/local/cooperare/verify.php/", {}, b"")
    assert page.content_type == "text/html" and page.headers["Cache-Control"] == "public, max-age=300"
