"""Simulated town halls answering the diagnostic questionnaire on the sandbox Moodle, for the demo, tests and bench.

Each chosen respondent (a local-authority person of the store's roster, already a Moodle user and enrolled by
``diagnostic apply``) gets a web-service token of its own on the sandbox and answers through the real client
(``mod_feedback_launch_feedback``, ``get_page_items``, ``process_page``) with plausible answers from
:func:`cooperare.diagnostic.generate.generate`. The sandbox's clock is the only thing set by hand: each response's
time is moved to its simulated day. This module must not be used against a real Moodle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from cooperare.diagnostic.generate import generate
from cooperare.diagnostic.moodle import Questionnaire, commune_index, encode_answers, roster_siruta
from cooperare.moodle.client import MoodleClient
from cooperare.moodle.transport import Transport
from cooperare.sandbox import Sandbox
from cooperare.secrets import Secret
from cooperare.store.people import PersonRecord

CAPABILITIES = ("webservice/rest:use", "mod/feedback:view", "mod/feedback:complete")
"""What the simulated respondents may do (a site lets a user call REST only with webservice/rest:use)."""


@dataclass(frozen=True)
class Answered:
    person: str
    siruta: int
    at: datetime
    saved: bool


def respondent_client(box: Sandbox, userid: int) -> MoodleClient:
    """A client on a token of the user's own (the user holds :data:`CAPABILITIES`)."""
    box.site.db["user"].update(userid, capabilities=list(CAPABILITIES))
    token = f"diag{userid:028d}"
    if box.site.db["external_tokens"].first(token=token) is None:
        box.site.add_token(token, userid=userid)
    box.site.db.commit()
    transport = Transport(box.url, Secret(token, source="simulation"), session=box.session(sleep=lambda _s: None),
                          contract=box.site.contract, var_budget=1000, sleep=lambda _s: None)
    return MoodleClient(transport)


def by_commune(people: Sequence[PersonRecord]) -> dict[int, list[PersonRecord]]:
    """The respondents grouped by the SIRUTA code of their roster commune (those that resolve)."""
    index = commune_index()
    grouped: dict[int, list[PersonRecord]] = {}
    for person in people:
        siruta = roster_siruta(person, index)
        if siruta is not None:
            grouped.setdefault(siruta, []).append(person)
    return grouped


def answer(box: Sandbox, admin: MoodleClient, q: Questionnaire, chosen: Sequence[tuple[PersonRecord, int]], *,
           start: datetime, seed: int = 2026) -> list[Answered]:
    """Each ``(person, siruta)`` answers once, an hour after the previous one, with generated answers for its
    commune (the same commune twice: the second answers differently, later)."""
    course = admin.course_content.describe([q.course_idnumber])[0].raw
    cmid = next(a["cmid"] for a in course["activities"] if a.get("idnumber") == q.activity_idnumber)
    feedback = next(f for f in admin.feedback.of_courses([int(course["id"])]) if f.cmid == cmid)
    made = generate(q.instrument, count=len(chosen), seed=seed).responses
    done: list[Answered] = []
    completed = box.site.db.tables.get("feedback_completed")
    for index, (person, siruta) in enumerate(chosen):
        assert person.moodle_user_id is not None
        answers = dict(made[index % len(made)].answers)
        answers.update({"p_siruta": siruta, "p_comuna": person.commune, "p_judet": person.county})
        client = respondent_client(box, person.moodle_user_id)
        saved = client.feedback.respond(feedback.id, encode_answers(q.instrument, answers))
        moment = start + timedelta(hours=index)
        completed = box.site.db.tables.get("feedback_completed")
        if saved and completed is not None:
            row = completed.first(feedback=feedback.id, userid=person.moodle_user_id)
            if row is not None:
                completed.update(row["id"], timemodified=int(moment.timestamp()))
                box.site.db.commit()
        done.append(Answered(person.idnumber, siruta, moment, saved))
    return done
