"""mod_forum: forums of courses, discussions and posts (``mod/forum/externallib.php`` and its exporters)."""

from __future__ import annotations

from typing import Any

from cooperare.sandbox.courses import completion, forums, groups
from cooperare.sandbox.courses.errors import invalid_param, missing
from cooperare.sandbox.courses.people import picture_url
from cooperare.sandbox.courses.text import external_text, iso_datetime, userdate
from cooperare.sandbox.db import Row
from cooperare.sandbox.exceptions import InvalidParameterException, MoodleException
from cooperare.sandbox.functions.quiz import course_instances, my_courses, validate_courses
from cooperare.sandbox.php import clean_param
from cooperare.sandbox.registry import Call, ws_function
from cooperare.sandbox.site import CONTEXT_MODULE, Site

FORUM_FIELDS = ("id", "course", "type", "name", "intro", "introformat", "duedate", "cutoffdate", "assessed",
                "assesstimestart", "assesstimefinish", "scale", "grade_forum", "grade_forum_notify", "maxbytes",
                "maxattachments", "forcesubscribe", "trackingtype", "rsstype", "rssarticles", "timemodified",
                "warnafter", "blockafter", "blockperiod", "completiondiscussions", "completionreplies",
                "completionposts", "lockdiscussionafter")


def _module_context_id(site: Site, cm: Row) -> int:
    context = site.context(CONTEXT_MODULE, cm["id"])
    assert context is not None
    return int(context["id"])


@ws_function("mod_forum_get_forums_by_courses")
def get_forums_by_courses(call: Call) -> list[dict[str, Any]]:
    site = call.site
    courseids = call.params["courseids"] or [c["id"] for c in my_courses(call)]
    courses, _ = validate_courses(site, courseids)
    result = []
    for cm, forum in course_instances(site, courses, "forum"):
        _module_context_id(site, cm)
        entry = {name: forum.get(name) for name in FORUM_FIELDS}
        entry["intro"], entry["introformat"] = external_text(forum["intro"], forum["introformat"])
        entry.update(introfiles=[], lang=clean_param(cm.get("lang") or "", "PARAM_LANG"), cmid=cm["id"],
                     numdiscussions=forums.count_discussions(site, forum["id"]), cancreatediscussions=True,
                     istracked=False)
        result.append(entry)
    return result


def _forum_and_cm(call: Call, forumid: int) -> tuple[Row, Row]:
    forum = call.db["forum"].get(forumid)
    if forum is None:
        raise missing(call.site, "forum", {"id": forumid})
    return forum, forums.forum_cm(call.site, forum)


@ws_function("mod_forum_add_discussion")
def add_discussion(call: Call) -> dict[str, Any]:
    site = call.site
    forum, cm = _forum_and_cm(call, call.params["forumid"])
    _module_context_id(site, cm)
    options = {"discussionsubscribe": True, "discussionpinned": False}
    for option in call.params["options"] or []:
        name = str(option["name"]).strip()
        if name in ("discussionsubscribe", "discussionpinned"):
            options[name] = bool(clean_param(option["value"], "PARAM_BOOL"))
        elif name not in ("inlineattachmentsid", "attachmentsid"):
            raise invalid_param(name)
    call.require("mod/forum:startdiscussion")
    groupid = -1
    if cm["groupmode"]:
        groupid = call.params["groupid"] or -1
    discussion = forums.add_discussion(site, forum, call.user["id"], call.params["subject"],
                                       call.params["message"], groupid=groupid,
                                       pinned=int(options["discussionpinned"]))
    completion.update_automatic_state(site, cm, call.user["id"])
    return {"discussionid": discussion["id"], "warnings": []}


@ws_function("mod_forum_get_forum_discussions")
def get_forum_discussions(call: Call) -> dict[str, Any]:
    site = call.site
    sortorder = call.params["sortorder"]
    if sortorder == -1:
        sortorder = 1
    if sortorder not in (1, 2, 3, 4, 5, 6):
        raise InvalidParameterException(f"Invalid value for sortorder parameter (value: {sortorder}), "
                                        "allowed values are: 1,2,3,4,5,6")
    forum, cm = _forum_and_cm(call, call.params["forumid"])
    _module_context_id(site, cm)
    call.require("mod/forum:viewdiscussion")
    found = forums.forum_discussions(site, forum["id"])
    page, perpage = call.params["page"], call.params["perpage"]
    if page >= 0 and perpage > 0:
        found = found[page * perpage:(page + 1) * perpage]
    return {"discussions": [_discussion_entry(site, d) for d in found], "warnings": []}


def _discussion_entry(site: Site, discussion: Row) -> dict[str, Any]:
    posts = site.db["forum_posts"]
    first = posts.rows[discussion["firstpost"]]
    users = site.db["user"].rows
    author, modifier = users.get(first["userid"], {}), users.get(discussion["usermodified"], {})
    message, messageformat = external_text(first["message"], first["messageformat"])
    return {
        "id": first["id"], "name": discussion["name"], "groupid": discussion["groupid"],
        "timemodified": discussion["timemodified"], "usermodified": discussion["usermodified"],
        "timestart": discussion["timestart"], "timeend": discussion["timeend"], "discussion": discussion["id"],
        "parent": first["parent"], "userid": first["userid"], "created": first["created"],
        "modified": first["modified"], "mailed": 1 if first["mailed"] else 0, "subject": first["subject"],
        "message": message, "messageformat": messageformat, "messagetrust": 1 if first["messagetrust"] else 0,
        "attachment": bool(first.get("attachment")), "totalscore": first["totalscore"],
        "mailnow": 1 if first["mailnow"] else 0,
        "userfullname": site.fullname(author) if author else None,
        "usermodifiedfullname": site.fullname(modifier) if modifier else None,
        "userpictureurl": picture_url(site, small=True), "usermodifiedpictureurl": picture_url(site, small=True),
        "numreplies": len(posts.where(discussion=discussion["id"])) - 1, "numunread": 0,
        "pinned": bool(discussion["pinned"]), "locked": False, "starred": False, "canreply": True, "canlock": True,
        "canfavourite": True,
    }


def reply_subject(site: Site, post: Row) -> str:
    """Moodle 4.5 prefixes every post's subject with "Re: "; 5.0 no longer does it for the first post."""
    subject = str(post["subject"])
    if subject.startswith("Re:") or (site.version != "4.5" and not post["parent"]):
        return subject
    return f"Re: {subject}"


def export_post(site: Site, viewer: Row, post: Row, discussion: Row) -> dict[str, Any]:
    """``mod_forum\\local\\exporters\\post`` for a viewer who manages the forum."""
    author = site.db["user"].rows[post["userid"]]
    courseid = discussion["course"]
    profile = site.url(f"/user/view.php?id={author['id']}&course={courseid}")
    base = site.url(f"/mod/forum/discuss.php?d={discussion['id']}")
    pid = post["id"]
    has_parent = bool(post["parent"])
    message, messageformat = external_text(post["message"], post["messageformat"])
    author_groups = [{"id": g["id"], "name": g["name"], "urls": {"image": None}}
                     for g in groups.user_groups(site, courseid, author["id"])]
    subheading = (f'by <a href="{profile}">{site.fullname(author)}</a> - <time datetime="'
                  f'{iso_datetime(post["created"])}">{userdate(post["created"])}</time>')
    return {
        "id": pid, "subject": post["subject"], "replysubject": reply_subject(site, post), "message": message,
        "messageformat": messageformat,
        "author": {"id": author["id"], "fullname": site.fullname(author), "isdeleted": bool(author.get("deleted")),
                   "groups": author_groups, "urls": {"profile": profile, "profileimage": picture_url(site)}},
        "discussionid": discussion["id"], "hasparent": has_parent,
        "parentid": post["parent"] if has_parent else None, "timecreated": post["created"],
        "timemodified": post["modified"], "unread": None, "isdeleted": bool(post["deleted"]),
        "isprivatereply": bool(post.get("privatereplyto")), "haswordcount": False, "wordcount": None,
        "charcount": None,
        "capabilities": {"view": True, "edit": True, "delete": True, "split": has_parent, "reply": True,
                         "selfenrol": False, "export": False, "controlreadstatus": False,
                         "canreplyprivately": True},
        "urls": {"view": f"{base}#p{pid}", "viewisolated": f"{base}&parent={pid}",
                 "viewparent": f"{base}#p{post['parent']}" if has_parent else None,
                 "edit": site.url(f"/mod/forum/post.php?edit={pid}"),
                 "delete": site.url(f"/mod/forum/post.php?delete={pid}"),
                 "split": site.url(f"/mod/forum/post.php?prune={pid}") if has_parent else None,
                 "reply": site.url(f"/mod/forum/post.php?reply={pid}#mformforum"), "export": None,
                 "markasread": None, "markasunread": None, "discuss": base},
        "attachments": [], "messageinlinefiles": [], "tags": [],
        "html": {"rating": None, "taglist": None, "authorsubheading": subheading},
    }


@ws_function("mod_forum_add_discussion_post")
def add_discussion_post(call: Call) -> dict[str, Any]:
    site = call.site
    parent = site.db["forum_posts"].get(call.params["postid"])
    if parent is None:
        raise MoodleException("invalidparentpostid", "Parent post ID was incorrect")
    discussion = site.db["forum_discussions"].get(parent["discussion"])
    if discussion is None:
        raise MoodleException("notpartofdiscussion", "This post is not part of a discussion!")
    forum = site.db["forum"].rows[discussion["forum"]]
    cm = forums.forum_cm(site, forum)
    _module_context_id(site, cm)
    private = False
    for option in call.params["options"] or []:
        name = str(option["name"]).strip()
        if name == "private":
            private = bool(clean_param(option["value"], "PARAM_BOOL"))
        elif name not in ("discussionsubscribe", "inlineattachmentsid", "attachmentsid", "topreferredformat"):
            raise invalid_param(name)
    call.require("mod/forum:replypost")
    post = forums.add_post(site, parent, call.user["id"], call.params["subject"], call.params["message"],
                           messageformat=call.params["messageformat"],
                           privatereplyto=parent["userid"] if private else 0)
    completion.update_automatic_state(site, cm, call.user["id"])
    return {
        "postid": post["id"], "warnings": [], "post": export_post(site, call.user, post, discussion),
        "messages": [{"type": "success", "message": "Your post was successfully added."},
                     {"type": "success", "message": "You have 30 mins to edit it if you want to make any changes."}],
    }


@ws_function("mod_forum_get_discussion_posts")
def get_discussion_posts(call: Call) -> dict[str, Any]:
    site = call.site
    discussion = site.db["forum_discussions"].get(call.params["discussionid"])
    if discussion is None:
        raise missing(site, "forum_discussions", {"id": call.params["discussionid"]})
    forum = site.db["forum"].rows[discussion["forum"]]
    cm = forums.forum_cm(site, forum)
    contextid = _module_context_id(site, cm)
    sortby, direction = str(call.params["sortby"]), str(call.params["sortdirection"]).upper()
    if sortby.lower() not in ("id", "created", "modified"):
        raise InvalidParameterException(f"Invalid value for sortby parameter (value: {sortby}),allowed values are: "
                                        "id, created, modified")
    if direction not in ("ASC", "DESC"):
        raise InvalidParameterException(f"Invalid value for sortdirection parameter (value: {direction}),allowed "
                                        "values are: ASC,DESC")
    posts = sorted(forums.discussion_posts(site, discussion["id"]),
                   key=lambda p: (p[sortby.lower()], p["id"]), reverse=direction == "DESC")
    return {
        "posts": [export_post(site, call.user, p, discussion) for p in posts],
        "forumid": forum["id"], "courseid": discussion["course"],
        "ratinginfo": {"contextid": contextid, "component": "mod_forum", "ratingarea": "post", "canviewall": None,
                       "canviewany": None, "scales": [], "ratings": []},
        "warnings": [],
    }
