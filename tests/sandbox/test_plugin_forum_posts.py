"""local_cooperare_get_forum_posts in the sandbox through the real client: a whole forum in pages."""

from __future__ import annotations

import pytest

from cooperare.errors import InvalidParameter, MoodleError
from cooperare.moodle.client import MoodleClient
from cooperare.sandbox import Sandbox
from cooperare.sandbox.courses import forums


def _forum_with_posts(box: Sandbox, client: MoodleClient) -> tuple[int, list[int]]:
    course = client.courses.create([{"fullname": "Consultări", "shortname": "C", "categoryid": 1}])[0]["id"]
    saved = client.course_content.save_activities([{
        "courseid": course, "idnumber": "coop:forum:1", "modname": "forum", "section": 0, "name": "Forum",
        "intro": "", "visible": 1, "completion": 0, "completionview": 0, "completionusegrade": 0,
        "completionpassgrade": 0, "options": [{"name": "type", "value": "general"}]}])
    cmid = int(saved[0]["cmid"])
    forum = box.site.db["forum"].rows[int(saved[0]["instance"])]
    ids = []
    with box.site.db.transaction():
        for part in range(3):
            discussion = forums.add_discussion(box.site, forum, 2, f"[cap-0{part}]", "Deschidere")
            opener = box.site.db["forum_posts"].rows[discussion["firstpost"]]
            ids.append(opener["id"])
            for i in range(4):
                ids.append(forums.add_post(box.site, opener, 2, "Re", f"<p>Propunere {part}.{i}</p>")["id"])
        forums.add_post(box.site, opener, 2, "Privat", "doar pentru autor", privatereplyto=2)
    return cmid, ids


def test_every_post_of_the_forum_in_pages_of_the_asked_size() -> None:
    box = Sandbox(plugin=True)
    client = MoodleClient(box.transport())
    cmid, ids = _forum_with_posts(box, client)
    before = client.transport.stats.calls
    posts = client.forums.all_posts(cmid, page_size=4)
    assert [p["id"] for p in posts] == sorted(ids)  # private reply left out, post id order
    assert client.transport.stats.calls - before == 4  # 15 posts in pages of 4
    assert sum(p["hasparent"] for p in posts) == 12 and posts[1]["message"] == "<p>Propunere 0.0</p>"
    assert {p["discussionid"] for p in posts} == {d["id"] for d in box.site.db["forum_discussions"]}


def test_not_a_forum_and_bad_pages_are_refused() -> None:
    box = Sandbox(plugin=True)
    client = MoodleClient(box.transport())
    cmid, _ = _forum_with_posts(box, client)
    for args in ({"cmid": 0}, {"cmid": cmid, "limit": 1001}, {"cmid": cmid, "offset": -1}):
        with pytest.raises(InvalidParameter):
            client.call("local_cooperare_get_forum_posts", args)


def test_a_plain_text_post_is_escaped_like_core_does() -> None:
    box = Sandbox(plugin=True)
    client = MoodleClient(box.transport())
    cmid, ids = _forum_with_posts(box, client)
    box.site.db["forum_posts"].update(ids[1], message="<script>alert(1)</script>", messageformat=2)
    box.site.db.commit()
    post = next(p for p in client.forums.all_posts(cmid) if p["id"] == ids[1])
    assert post["message"] == "&lt;script&gt;alert(1)&lt;/script&gt;"
    with pytest.raises(MoodleError):
        MoodleClient(Sandbox(plugin=False).transport()).forums.all_posts(cmid)
