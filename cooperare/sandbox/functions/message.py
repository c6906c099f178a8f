"""core_message_send_instant_messages (``message/externallib.php``, ``message/lib.php``, ``lib/messagelib.php``).

Each message goes into the individual conversation of the two users (created on first use, so conversation ids
follow the order of first contact) or into the sender's self-conversation. An unknown or deleted recipient is not an
exception: the item comes back with ``msgid`` -1 and an ``errormessage`` (Moodle 5.0 adds ``cantsendtouser``).

The returned ``text`` is ``message_format_message_text()``: ``format_text`` with ``blanktarget``, whose round trip
through libxml's HTML parser wraps leading character data in ``<p>`` and writes ``<br />`` as ``<br>``; that is why
the recorded plain sentence comes back as ``<p>…</p>``.
"""

from __future__ import annotations

import hashlib
import re
from html import escape
from typing import Any

from cooperare.sandbox.db import Row
from cooperare.sandbox.functions.moodle_strings import get_string, moodle_exception
from cooperare.sandbox.functions.userlib import has_capability, require_capability
from cooperare.sandbox.php import clean_param
from cooperare.sandbox.registry import Call, ws_function
from cooperare.sandbox.site import Site

FORMAT_MOODLE, FORMAT_HTML, FORMAT_PLAIN, FORMAT_MARKDOWN = 0, 1, 2, 4
CONVERSATION_INDIVIDUAL = 1
CONVERSATION_SELF = 3
MESSAGE_MAX_LENGTH = 4096

_BLOCK_TAGS = ("address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "fieldset", "figure",
               "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p",
               "pre", "section", "table", "ul")
_FIRST_BLOCK = re.compile(r"<(?:" + "|".join(_BLOCK_TAGS) + r")\b", re.I)


# -- formatting --------------------------------------------------------------------------------------------------


def _text_to_html(text: str) -> str:
    """``text_to_html($text, null, false, true)``: whitespace around tags tidied, newlines become ``<br />``."""
    text = re.sub(r">(\s+)<", "><", text)
    text = re.sub(r"([\n\r])<", " <", text)
    text = re.sub(r">([\n\r])", "> ", text)
    return re.sub(r"(\r\n|\n\r|\n|\r)", r"<br />\1", text)


_TAG = re.compile(r"(<[A-Za-z/!][^>]*>)")


def _escape_text_nodes(html: str) -> str:
    """libxml writes text nodes with ``&``, ``<`` and ``>`` escaped (entities already present stay as they are)."""
    parts = _TAG.split(html)
    for index in range(0, len(parts), 2):  # even indexes are text between tags
        text = re.sub(r"&(?!#?[A-Za-z0-9]+;)", "&amp;", parts[index])
        parts[index] = text.replace("<", "&lt;").replace(">", "&gt;")
    return "".join(parts)


def _libxml_round_trip(html: str) -> str:
    """What ``DOMDocument::loadHTML`` + ``saveHTML`` do to a fragment (the ``blanktarget`` step of format_text)."""
    html = _escape_text_nodes(re.sub(r"<br\s*/?>", "<br>", html, flags=re.I))
    stripped = html.lstrip()
    if stripped and not stripped.startswith("<"):
        block = _FIRST_BLOCK.search(stripped)
        end = block.start() if block else len(stripped)
        html = f"<p>{stripped[:end]}</p>{stripped[end:]}"
    return html.strip()


def format_message_text(text: str, textformat: int) -> str:
    """``message_format_message_text`` for an instant message (para off, blank targets, not trusted)."""
    if text == "":
        return ""
    if textformat == FORMAT_PLAIN:
        body = escape(text, quote=False).replace("  ", "&nbsp; ")
        body = re.sub(r"(\r\n|\n\r|\n|\r)", r"<br />\1", body)
    elif textformat == FORMAT_HTML:
        body = clean_param(text, "PARAM_CLEANHTML")
    else:
        body = clean_param(_text_to_html(text), "PARAM_CLEANHTML")
    return _libxml_round_trip(body)


# -- conversations -----------------------------------------------------------------------------------------------


def _conversation(site: Site, members: list[int], kind: int) -> int:
    """The conversation of these members (``helper::get_conversation_hash``), created when missing."""
    convhash = hashlib.sha1("-".join(str(m) for m in sorted(members)).encode()).hexdigest()
    table = site.db["message_conversations"]
    existing = next((row for row in table.where(convhash=convhash) if row["type"] == kind), None)
    if existing is not None:
        return existing["id"]
    now = site.now()
    conversationid = table.insert({"type": kind, "name": None, "convhash": convhash, "component": None,
                                   "itemtype": None, "itemid": None, "contextid": None, "enabled": 1,
                                   "timecreated": now, "timemodified": now})
    for userid in sorted(set(members)):
        site.db["message_conversation_members"].insert({"conversationid": conversationid, "userid": userid,
                                                        "timecreated": now})
    return conversationid


def _share_a_course(site: Site, first: int, second: int) -> bool:
    """Both users enrolled in one course (the recipient's default privacy: course members may message)."""
    enrol = site.db["enrol"].rows

    def courses(userid: int) -> set[int]:
        return {enrol[row["enrolid"]]["courseid"] for row in site.db["user_enrolments"].where(userid=userid)
                if row["enrolid"] in enrol}

    return bool(courses(first) & courses(second))


def can_send_message(site: Site, recipient: Row, sender: Row) -> bool:
    """``\\core_message\\api::can_send_message`` (blocked users and contacts are not modelled)."""
    if not has_capability(site, sender, "moodle/site:sendmessage"):
        return False
    if has_capability(site, sender, "moodle/site:readallmessages") or recipient["id"] == sender["id"]:
        return True
    if site.is_siteadmin(recipient):
        return True
    return _share_a_course(site, recipient["id"], sender["id"])


def post_message(site: Site, sender: Row, recipient: Row, text: str, textformat: int) -> int:
    """``message_post_message``: the message row in the conversation of the two users; its id."""
    if sender["id"] == recipient["id"]:
        conversationid = _conversation(site, [sender["id"]], CONVERSATION_SELF)
    else:
        conversationid = _conversation(site, [sender["id"], recipient["id"]], CONVERSATION_INDIVIDUAL)
    html = textformat == FORMAT_HTML
    return site.db["messages"].insert({
        "useridfrom": sender["id"], "conversationid": conversationid, "courseid": 1,
        "subject": f"New message from {site.fullname(sender)}",
        "fullmessage": re.sub(r"<[^>]*>", "", text) if html else text, "fullmessageformat": textformat,
        "fullmessagehtml": text if html else "", "smallmessage": text, "fullmessagetrust": 0,
        "timecreated": site.now(),
    })


# -- the web-service function ------------------------------------------------------------------------------------


@ws_function("core_message_send_instant_messages")
def send_instant_messages(call: Call) -> list[dict[str, Any]]:
    site, sender = call.site, call.user
    if not site.settings.config.get("messaging", 1):
        raise moodle_exception("disabled", "message")
    require_capability(call, "moodle/site:sendmessage")
    can_delete = has_capability(site, sender, "moodle/site:deleteanymessage")
    users = site.db["user"]
    results = []
    for message in call.params["messages"]:
        recipient = users.get(message["touserid"])
        if recipient is not None and recipient.get("deleted"):
            recipient = None
        errormessage = None
        cantsend = False
        if recipient is None:
            errormessage = get_string("touserdoesntexist", "message", message["touserid"])
        elif len(str(message["text"]).encode("utf-8", "surrogateescape")) > MESSAGE_MAX_LENGTH:
            errormessage = get_string("errormessagetoolong", "message")
        elif not can_send_message(site, recipient, sender):
            errormessage = get_string("usercantbemessaged", "message")
            cantsend = True
        result: dict[str, Any] = {}
        if message.get("clientmsgid") is not None:
            result["clientmsgid"] = message["clientmsgid"]
        if errormessage is None:
            assert recipient is not None
            textformat = message["textformat"]
            if textformat not in (FORMAT_MOODLE, FORMAT_HTML, FORMAT_PLAIN, FORMAT_MARKDOWN):
                raise moodle_exception("formatnotsupported", "webservice",
                                       debuginfo=f"The format with value={textformat} is not supported by this "
                                                 "Moodle site")
            msgid = post_message(site, sender, recipient, str(message["text"]), textformat)
            row = site.db["messages"].rows[msgid]
            result.update(msgid=msgid, timecreated=row["timecreated"], candeletemessagesforallusers=can_delete,
                          conversationid=row["conversationid"], useridfrom=sender["id"],
                          text=format_message_text(row["smallmessage"], row["fullmessageformat"]))
        else:
            result.update(msgid=-1, errormessage=errormessage)
            if site.version != "4.5":
                result["cantsendtouser"] = cantsend
        results.append(result)
    return results
