"""Contributions in from Moodle and answers back out: ``consultation collect`` and ``consultation publish``.

``collect`` finds the consultation's forum in the space (:mod:`cooperare.consultation_bridge.space`), reads every
discussion of a part (``mod_forum_get_discussion_posts``, one call per discussion, the discussion list paged by
100) and the recommendation and debate-request forms (:mod:`cooperare.consultation_bridge.forms`), and hands each
reply and each form response to the register as a :class:`~cooperare.consultation_bridge.register.ContributionRecord`
keyed ``forum-post:<id>``, so a second collect adds nothing and a post edited in Moodle shows as changed. The
sender's category comes from the cohorts of the space (NGO, authority staff; everybody else is a citizen); the
sender's e-mail address (``core_user_get_users_by_field``, one call per batch of senders) goes to the register only
to be hashed, never kept. Forum text is untrusted: it is reduced to plain text here (tags dropped, entities decoded)
and never executed.

``publish`` posts each answered contribution's answer as a reply to its post (``mod_forum_add_discussion_post``)
carrying a marker ``cooperare:raspuns:<source key>`` so a second publish finds it and posts nothing, and writes a
results page into the consultation's section. Everything written back is escaped; a citizen's name appears only
when they agreed. This module must not compute answers or reports.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

from cooperare.consultation_bridge.answers import DECISIONS_RO
from cooperare.consultation_bridge.forms import read_forms
from cooperare.consultation_bridge.model import Consultation
from cooperare.consultation_bridge.register import (
    CATEGORIES_RO,
    ContributionRecord,
    record_contributions,
    record_debate_requests,
)
from cooperare.consultation_bridge.space import (
    COHORTS,
    SPACE_KEY,
    Space,
    cohort_idnumber,
    esc,
    forum_idnumber,
    forum_ids,
    read_discussions,
    results_idnumber,
)
from cooperare.errors import InputError
from cooperare.moodle.client import FORUM_POSTS, MoodleClient
from cooperare.plan import fingerprint
from cooperare.store import Store
from cooperare.store.consultation import Contribution, ContributionRegister, RecordCounts

MARKER = "cooperare:raspuns:"
FORUM_SOURCE = "forum-post:"
_MARKER_RE = re.compile(re.escape(MARKER) + r"(forum-post:\d+)(?:#([0-9a-f]{8}))?")
"""The marker of a posted answer: the contribution and, since answers are re-posted when they change, the answer's
version (replies posted before carry none and count as the current answer)."""
CATEGORY_OF_AUDIENCE = {"ngo": "ngo", "authority_staff": "authority"}


class _Text(HTMLParser):
    """Plain text of an HTML fragment: tags dropped (script and style with their content), blocks as new lines."""

    BLOCKS = frozenset({"p", "br", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def plain_text(fragment: str) -> str:
    """The text a reader sees in a forum post, as plain text (never markup)."""
    parser = _Text()
    parser.feed(fragment)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


@dataclass
class Located:
    """Where the consultation lives in Moodle, as read once."""

    course_id: int
    forum_id: int
    discussions: dict[int, str]
    """Discussion id → part key."""


def locate(client: MoodleClient, space: Space, consultation: Consultation) -> Located:
    course_id, forums = forum_ids(client, space.course_idnumber)
    if course_id is None:
        raise InputError(f"the consultation space {space.course_idnumber} is not in Moodle",
                         hint="run cooperare consultation apply first")
    forum_id = forums.get(forum_idnumber(space.prefix, consultation.id))
    if forum_id is None:
        raise InputError(f"the consultation {consultation.id} has no forum in Moodle",
                         hint=f"run cooperare consultation apply {consultation.id} first")
    return Located(course_id, forum_id, read_discussions(client, forum_id))


def discussion_posts(client: MoodleClient, discussion_id: int) -> list[dict[str, Any]]:
    return client.forums.discussion_posts(discussion_id)


def _forum_posts(client: MoodleClient, located: Located) -> list[tuple[int, dict[str, Any]]]:
    """(discussion id, post) for every post of the parts' discussions: with local_cooperare 0.4.0+ the whole forum in
    pages of 1,000 (one call per 1,000 posts), else one mod_forum_get_discussion_posts per discussion."""
    if client.site.has_plugin and FORUM_POSTS in client.site.functions:
        cmid = next((f.cmid for f in client.forums.of_courses([located.course_id]) if f.id == located.forum_id), None)
        if cmid is not None:
            return [(int(p["discussionid"]), p) for p in client.forums.all_posts(cmid)
                    if int(p["discussionid"]) in located.discussions]
    return [(discussion_id, post) for discussion_id in sorted(located.discussions)
            for post in discussion_posts(client, discussion_id)]


def categories_by_user(client: MoodleClient, space: Space) -> dict[int, str]:
    """User id → register category, from the NGO and authority cohorts of the space."""
    wanted = {cohort_idnumber(space.prefix, audience): CATEGORY_OF_AUDIENCE[audience] for audience in COHORTS}
    cohorts = {c.id: wanted[c.idnumber] for c in client.cohorts.search(f"{space.prefix}:cohort:consultare")
               if c.idnumber in wanted}
    found: dict[int, str] = {}
    if cohorts:
        for cohort_id, members in client.cohorts.members(sorted(cohorts)).items():
            for user_id in members:
                found.setdefault(user_id, cohorts[cohort_id])
    return found


def emails_by_user(client: MoodleClient, user_ids: Iterable[int]) -> dict[int, str]:
    """User id → e-mail address, as Moodle shows it to the tool's account (``core_user_get_users_by_field``, one call
    per batch of ids): only handed to the register, which keeps its salted hash and never the address."""
    ids = sorted({int(i) for i in user_ids if int(i) > 0})
    if not ids:
        return {}
    return {user.id: user.email for user in client.users.by_field("id", ids) if user.email}


@dataclass
class CollectResult:
    counts: RecordCounts
    posts_read: int
    discussions: int
    ws_calls: int
    form_responses: int = 0
    """Responses read from the recommendation and debate-request forms."""
    debate_requests: int = 0
    """Debate requests recorded by this collect (not recorded before)."""
    forms_skipped: list[str] = field(default_factory=list)
    forms_unavailable: bool = False


def collect(client: MoodleClient, store: Store, *, space: Space, consultation_id: str) -> CollectResult:
    """Read the consultation's forum into the register (journaled, repeatable)."""
    consultation = space.consultation(consultation_id)
    start = client.transport.stats.calls
    located = locate(client, space, consultation)
    categories = categories_by_user(client, space)
    publisher = client.site.userid
    records: list[ContributionRecord] = []
    senders: dict[str, int] = {}
    read = 0
    for discussion_id, post in _forum_posts(client, located):
        part_key = located.discussions[discussion_id]
        if consultation.part(part_key) is None:
            continue
        read += 1
        record = _record(post, part_key=part_key, categories=categories, publisher=publisher)
        if record is not None:
            records.append(record)
            senders[record.source_key] = int((post.get("author") or {}).get("id") or 0)
    forms = read_forms(client, space, consultation, course_id=located.course_id, kinds=categories)
    records += forms.records
    senders.update(forms.senders)
    # the senders' e-mail addresses, hashed by the register (never kept): one person's posts fold as duplicates
    # whatever name they show, and the pilot report finds the roster person who wrote a contribution
    emails = emails_by_user(client, senders.values())
    records = [replace(r, email=emails.get(senders.get(r.source_key, 0))) for r in records]
    counts = record_contributions(store, consultation=consultation, records=records, command="consultation collect",
                                  ws_calls=lambda: client.transport.stats.calls)
    requests = record_debate_requests(store, consultation=consultation, requests=forms.requests)
    return CollectResult(counts, read, len(located.discussions), client.transport.stats.calls - start,
                         form_responses=forms.responses, debate_requests=requests, forms_skipped=forms.skipped,
                         forms_unavailable=forms.unavailable)


def _record(post: dict[str, Any], *, part_key: str, categories: dict[int, str], publisher: int
            ) -> ContributionRecord | None:
    if not post.get("hasparent") or post.get("isdeleted"):
        return None  # the opening post of a part's discussion is the authority's, not a contribution
    author = post.get("author") or {}
    user_id = int(author.get("id") or 0)
    message = str(post.get("message") or "")
    if user_id == publisher and MARKER in message:
        return None  # an answer this tool published
    text = plain_text(message)
    if not text:
        return None
    category = categories.get(user_id, "citizen")
    return ContributionRecord(
        source_key=f"{FORUM_SOURCE}{int(post['id'])}", part_key=part_key, category=category,
        author=str(author.get("fullname") or ""),
        submitted_at=datetime.fromtimestamp(int(post.get("timecreated") or 0), UTC), text=text,
        publish_name=category != "citizen")


# -- publish ------------------------------------------------------------------------------------------------------

@dataclass
class PublishResult:
    posted: int = 0
    """Replies posted by this run, the updated answers included."""
    updated: int = 0
    """Of those, answers posted again because the authority changed its decision or reason."""
    already: int = 0
    not_in_forum: int = 0
    results_page: str = ""
    ws_calls: int = 0
    reply_ids: dict[str, int] = field(default_factory=dict)


def public_name(item: Contribution) -> str:
    """The sender as published: the name for organisations, authorities and consenting citizens, else the
    category."""
    if item.category != "citizen" or item.publish_name:
        return item.author
    return CATEGORIES_RO["citizen"]


def answer_version(item: Contribution) -> str:
    """Eight hex digits that change when the authority's decision or reason changes."""
    return hashlib.sha256(f"{item.answer}\n{item.reason or ''}".encode()).hexdigest()[:8]


def answer_message(item: Contribution, *, updated: bool = False) -> str:
    reason = f"<p>Motivare: {esc(item.reason)}</p>" if item.reason else ""
    lead = "Răspunsul actualizat al autorității" if updated else "Răspunsul autorității"
    return (f"<p>{lead} la propunerea transmisă de {esc(public_name(item))}: "
            f"<strong>{esc(DECISIONS_RO[item.answer])}</strong>.</p>{reason}"
            f"<p><small>{MARKER}{esc(item.source_key)}#{answer_version(item)}</small></p>")


def results_page(consultation: Consultation, items: Iterable[Contribution]) -> str:
    rows: dict[str, list[Contribution]] = {}
    for item in items:
        rows.setdefault(item.part_key, []).append(item)
    out = [f"<h3>Rezultatele consultării: {esc(consultation.title)}</h3>",
           "<p>Fiecare propunere primită, cu răspunsul autorității și motivarea lui. Numele cetățenilor apar numai "
           "cu acordul lor.</p>"]
    for part in consultation.structure:
        found = rows.get(part.key, [])
        if not found:
            continue
        out.append(f"<h4>{esc(part.title)} ({len(found)} propuneri)</h4><table><thead><tr><th>Propunere</th>"
                   "<th>Transmisă de</th><th>Răspuns</th><th>Motivare</th></tr></thead><tbody>")
        for item in found:
            text = item.text if len(item.text) <= 600 else item.text[:599] + "…"
            out.append(f"<tr><td>{esc(text)}</td><td>{esc(public_name(item))}</td>"
                       f"<td>{esc(DECISIONS_RO[item.answer])}</td><td>{esc(item.reason or '')}</td></tr>")
        out.append("</tbody></table>")
    return "".join(out)


def publish(client: MoodleClient, store: Store, *, space: Space, consultation_id: str) -> PublishResult:
    """Post each answered contribution's answer once, and (re)write the results page (journaled)."""
    consultation = space.consultation(consultation_id)
    start = client.transport.stats.calls
    answered = [c for c in ContributionRegister(store.engine).all(consultation.id)
                if c.duplicate_of is None and c.answer != "pending"]
    result = PublishResult()
    with store.runs.recording("consultation publish", detail={"consultation": consultation.id},
                              ws_calls=lambda: client.transport.stats.calls) as run:
        located = locate(client, space, consultation)
        publisher = client.site.userid
        posts: dict[int, dict[str, Any]] = {}
        posted: dict[str, set[str]] = {}
        """Contribution → the versions of its answer already posted ("" for a reply without a version)."""
        for discussion_id in sorted(located.discussions):
            for post in discussion_posts(client, discussion_id):
                posts[int(post["id"])] = post
                author = int((post.get("author") or {}).get("id") or 0)
                if author == publisher:
                    for key, version in _MARKER_RE.findall(str(post.get("message") or "")):
                        posted.setdefault(key, set()).add(version)
        for item in answered:
            versions = posted.get(item.source_key, set())
            if versions and (answer_version(item) in versions or versions == {""}):
                result.already += 1
                continue
            updated = bool(versions)
            post_id = int(item.source_key[len(FORUM_SOURCE):]) if item.source_key.startswith(FORUM_SOURCE) else 0
            if post_id not in posts:
                result.not_in_forum += 1
                continue
            entry = store.journal.begin(run.id, scope="consultation", address=f"reply[{item.source_key}]",
                                        action="update" if updated else "create", payload={"post": post_id})
            reply_id = client.forums.reply(post_id, str(posts[post_id].get("replysubject") or "Răspuns")[:255],
                                           answer_message(item, updated=updated))
            store.journal.done(entry, {"postid": reply_id})
            result.reply_ids[item.source_key] = reply_id
            result.posted += 1
            result.updated += int(updated)
        content = results_page(consultation, answered)
        item = {"courseid": located.course_id, "idnumber": results_idnumber(space.prefix, consultation.id),
                "modname": "page", "section": space.section(consultation.id), "name": "Rezultatele consultării",
                "intro": "", "visible": 1, "completion": 0, "completionview": 0, "completionusegrade": 0,
                "completionpassgrade": 0, "options": [{"name": "content", "value": content}]}
        item["spechash"] = fingerprint({k: v for k, v in item.items() if k != "courseid"})
        saved = client.course_content.save_activities([item])
        result.results_page = str((saved or [{}])[0].get("action", ""))
        run.detail = {"consultation": consultation.id, "posted": result.posted, "already": result.already,
                      "results_page": result.results_page}
    result.ws_calls = client.transport.stats.calls - start
    return result


__all__ = ["SPACE_KEY", "CollectResult", "PublishResult", "collect", "plain_text", "publish"]
