"""Forums (``mod/forum/lib.php``): the per-course special forums, discussions and posts."""

from __future__ import annotations

from cooperare.sandbox.courses import modules
from cooperare.sandbox.courses.defaults import new_row
from cooperare.sandbox.courses.schema import FORMAT_HTML
from cooperare.sandbox.db import Row
from cooperare.sandbox.site import Site

SPECIAL_FORUMS = {
    "news": {"name": "Announcements", "intro": "General news and announcements", "introformat": FORMAT_HTML,
             "forcesubscribe": 1, "maxattachments": 1, "assessed": 0},
    "social": {"name": "Social forum", "intro": "An open forum for chatting about anything you want to",
               "introformat": FORMAT_HTML, "assessed": 0, "forcesubscribe": 0},
}


def course_forum(site: Site, courseid: int, forumtype: str) -> Row:
    """``forum_get_course_forum``: the oldest forum of that type, else a new one in section 0.

    Its course module gets no context here: Moodle creates it on first read (so do we, see ``Site.context``).
    """
    existing = [f for f in site.db["forum"].where(course=courseid) if f["type"] == forumtype]
    if existing:
        return existing[0]
    cm = modules.add_module(site, courseid, "forum", {"type": forumtype, **SPECIAL_FORUMS[forumtype]}, section=0,
                            create_context=False, form_defaults=False)
    return site.db["forum"].rows[cm["instance"]]


def add_discussion(site: Site, forum: Row, userid: int, subject: str, message: str, *, groupid: int = -1,
                   messageformat: int = FORMAT_HTML, pinned: int = 0, timestart: int = 0, timeend: int = 0) -> Row:
    """``forum_add_discussion``: the first post, then the discussion pointing at it."""
    posts = site.db["forum_posts"]
    discussions = site.db["forum_discussions"]
    now = site.now()
    post_id = posts.insert(new_row("forum_posts", {
        "discussion": 0, "parent": 0, "userid": userid, "created": now, "modified": now, "subject": subject,
        "message": message, "messageformat": messageformat, "messagetrust": 0, "mailnow": 0}))
    discussion_id = discussions.insert(new_row("forum_discussions", {
        "course": forum["course"], "forum": forum["id"], "name": subject, "firstpost": post_id, "userid": userid,
        "groupid": groupid, "assessed": 0, "timemodified": now, "usermodified": userid, "timestart": timestart,
        "timeend": timeend, "pinned": pinned}))
    posts.update(post_id, discussion=discussion_id)
    return discussions.rows[discussion_id]


def add_post(site: Site, parent: Row, userid: int, subject: str, message: str, *,
             messageformat: int = FORMAT_HTML, privatereplyto: int = 0) -> Row:
    """``forum_add_new_post``: a reply; the discussion's last-post time and author move to it."""
    posts = site.db["forum_posts"]
    now = site.now()
    post_id = posts.insert(new_row("forum_posts", {
        "discussion": parent["discussion"], "parent": parent["id"], "userid": userid, "created": now,
        "modified": now, "subject": subject, "message": message, "messageformat": messageformat,
        "messagetrust": 0, "privatereplyto": privatereplyto}))
    site.db["forum_discussions"].update(parent["discussion"], timemodified=now, usermodified=userid)
    return posts.rows[post_id]


def discussion_posts(site: Site, discussionid: int) -> list[Row]:
    return site.db["forum_posts"].where(discussion=discussionid)


def forum_discussions(site: Site, forumid: int) -> list[Row]:
    """Discussions by last post, newest first (pinned ones on top), as the default listing sorts them."""
    found = site.db["forum_discussions"].where(forum=forumid)
    return sorted(found, key=lambda d: (-int(d.get("pinned") or 0), -int(d["timemodified"]), -d["id"]))


def count_discussions(site: Site, forumid: int) -> int:
    return len(site.db["forum_discussions"].where(forum=forumid))


def forum_cm(site: Site, forum: Row) -> Row:
    cm = modules.cm_for_instance(site, "forum", forum["id"])
    assert cm is not None
    return cm
