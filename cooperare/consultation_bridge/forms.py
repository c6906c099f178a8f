"""The consultation's two forms read back from Moodle: recommendations into the register, debate requests apart.

``consultation collect`` calls :func:`read_forms` after the forum. The recommendation form (feedback activity
``…:recommendations``: part of the text, proposal, reasons, who is sending, whether the name may be published) gives
one :class:`~cooperare.consultation_bridge.register.ContributionRecord` per response, keyed
``feedback-response:<feedback id>:<response id>``, so the register's guarantees hold as for forum posts: a second
collect adds nothing, a response changed in Moodle shows as changed, the same proposal twice folds, one after the
window is marked late. The debate-request form gives :class:`~cooperare.store.consultation.DebateRequest` values
keyed the same way (the requester's kind from the space's cohorts: NGO or authority, else other). Answers come back
as Moodle stores them (texts without tags, HTML-escaped) and are read as plain text. This module must not talk to
the store or decide what is late or duplicate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from cooperare.consultation_bridge.model import Consultation
from cooperare.consultation_bridge.register import ContributionRecord
from cooperare.consultation_bridge.space import SENDERS, SPACE_KEY, Space, form_idnumber
from cooperare.courses.identity import activity_idnumber
from cooperare.moodle.client import MoodleClient
from cooperare.moodle.records import FeedbackAttempt, FeedbackItem
from cooperare.store.consultation import DebateRequest

SOURCE = "feedback-response:"
CATEGORY_OF_SENDER = dict(zip(SENDERS, ("citizen", "ngo", "authority", "other"), strict=True))


def debate_idnumber(prefix: str, consultation_id: str) -> str:
    return activity_idnumber(prefix, SPACE_KEY, f"{consultation_id}:debate-request")


def form_ids(client: MoodleClient, space: Space, consultation_id: str, *, course_id: int) -> dict[str, int]:
    """The feedback ids of the consultation's forms in Moodle: ``recommendations`` and ``debate`` (those found)."""
    described = client.course_content.describe([space.course_idnumber])
    cmids = {str(a.get("idnumber")): a.get("cmid") for a in (described[0].raw.get("activities", [])
                                                            if described else [])}
    by_cmid = {f.cmid: f.id for f in client.feedback.of_courses([course_id])}
    wanted = {"recommendations": form_idnumber(space.prefix, consultation_id),
              "debate": debate_idnumber(space.prefix, consultation_id)}
    return {kind: by_cmid[cmids[idnumber]] for kind, idnumber in wanted.items()
            if cmids.get(idnumber) in by_cmid}


@dataclass
class FormsRead:
    records: list[ContributionRecord] = field(default_factory=list)
    requests: list[DebateRequest] = field(default_factory=list)
    responses: int = 0
    skipped: list[str] = field(default_factory=list)
    """Responses left out, with why (an unknown part, an empty proposal)."""
    unavailable: bool = False
    """The site does not let the token read feedback responses (plugin older than 2026120320)."""
    senders: dict[str, int] = field(default_factory=dict)
    """Source key → the Moodle user id of the response's sender (0 for an anonymous one), so that collect can hash
    the sender's e-mail address."""


def _answers(items: dict[int, FeedbackItem], attempt: FeedbackAttempt) -> dict[str, str]:
    found: dict[str, str] = {}
    for item_id, raw in attempt.values.items():
        item = items.get(item_id)
        value = item.decode(raw) if item is not None else None
        if item is not None and isinstance(value, str):
            found[item.label] = value.strip()
    return found


def part_key(consultation: Consultation, answer: str) -> str | None:
    """The part a response names: the choice „key – title”, or the key typed (for more than 100 parts)."""
    key = answer.split(" – ", 1)[0].strip()
    return key if consultation.part(key) is not None else None


def read_forms(client: MoodleClient, space: Space, consultation: Consultation, *, course_id: int,
               kinds: dict[int, str]) -> FormsRead:
    """Both forms' responses; ``kinds`` is user id → register category from the space's cohorts."""
    read = FormsRead()
    if not client.feedback.readable(client.site.functions):
        read.unavailable = True
        return read
    for kind, feedback_id in form_ids(client, space, consultation.id, course_id=course_id).items():
        items = {i.id: i for i in client.feedback.items(feedback_id)}
        for attempt in client.feedback.responses(feedback_id):
            read.responses += 1
            answers = _answers(items, attempt)
            source = f"{SOURCE}{feedback_id}:{attempt.id}"
            when = datetime.fromtimestamp(attempt.timemodified, UTC)
            if kind == "debate":
                text = answers.get("cerere", "")
                read.requests.append(DebateRequest(
                    source_key=source, requester=answers.get("solicitant") or attempt.fullname,
                    requester_kind=kinds.get(attempt.userid, "other") if kinds.get(attempt.userid) in (  # type: ignore[arg-type]
                        "ngo", "authority") else "other", submitted_at=when, text=text))
                continue
            part = part_key(consultation, answers.get("parte", ""))
            proposal = answers.get("propunere", "")
            if part is None or not proposal:
                read.skipped.append(f"{source}: " + ("no part of the text named" if part is None
                                                     else "no proposal written"))
                continue
            reasons = answers.get("motivare", "")
            category = CATEGORY_OF_SENDER.get(answers.get("expeditor", ""), kinds.get(attempt.userid, "citizen"))
            read.senders[source] = int(attempt.userid or 0)
            read.records.append(ContributionRecord(
                source_key=source, part_key=part, category=category, author=attempt.fullname, submitted_at=when,
                text=proposal + (f"\n\nMotivare: {reasons}" if reasons else ""),
                publish_name=category != "citizen" or answers.get("nume-public") == "da"))
    return read
