"""Simulated participants of a consultation on the sandbox Moodle: accounts, cohorts, forum posts through the client.

For the demo and the tests only: it creates NGO, authority-staff and citizen accounts (NGO and staff in the space's
cohorts, citizens enrolled), or puts existing accounts (a pilot city hall's people) in the authority-staff cohort,
gives each a web-service token of its own on the sandbox, and posts their contributions as replies in the parts'
discussions with the real client (``mod_forum_add_discussion_post``). The sandbox's clock is the only thing set by
hand: a post's time is moved to the simulated day (as if sent then), and an edit made in Moodle's web form is
simulated by changing the stored message. This module must not be used against a real Moodle.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cooperare.consultation_bridge.exchange import discussion_posts, locate
from cooperare.consultation_bridge.space import Space, cohort_idnumber
from cooperare.moodle.client import MoodleClient
from cooperare.moodle.transport import Transport
from cooperare.sandbox import Sandbox
from cooperare.secrets import Secret

CAPABILITIES = ("webservice/rest:use", "mod/forum:replypost", "mod/forum:viewdiscussion",
                "mod/forum:startdiscussion", "mod/feedback:view", "mod/feedback:complete")
"""What the simulated participants may do (a site lets a user call REST only with webservice/rest:use)."""


@dataclass(frozen=True)
class Participant:
    username: str
    firstname: str
    lastname: str
    audience: str
    """ngo, authority_staff or citizens."""


@dataclass(frozen=True)
class Sent:
    participant: str
    part_key: str
    text: str
    at: datetime


def participant_clients(box: Sandbox, admin: MoodleClient, space: Space, people: list[Participant]
                        ) -> dict[str, MoodleClient]:
    """Accounts for ``people`` (NGO and staff in the space's cohorts), each with a client on its own token."""
    created = admin.users.create([{"username": p.username, "password": "Parola#2026-sim", "firstname": p.firstname,
                                   "lastname": p.lastname, "email": f"{p.username}@example.ro"} for p in people])
    ids = {str(u["username"]): int(u["id"]) for u in created}
    cohorts = {c.idnumber: c.id for c in admin.cohorts.search(f"{space.prefix}:cohort:consultare")}
    pairs = [(cohorts[cohort_idnumber(space.prefix, p.audience)], ids[p.username]) for p in people
             if p.audience != "citizens"]
    if pairs:
        admin.cohorts.add_members(pairs)
    course = admin.courses.by_field("idnumber", space.course_idnumber)[0]
    citizens = [(course.id, ids[p.username]) for p in people if p.audience == "citizens"]
    if citizens:
        admin.enrol.enrol(citizens)
    clients = {person.username: _own_client(box, ids[person.username], person.username) for person in people}
    box.site.db.commit()
    return clients


def staff_clients(box: Sandbox, admin: MoodleClient, space: Space, accounts: dict[str, int]) -> dict[str, MoodleClient]:
    """Existing accounts (username → Moodle user id; the roster's people, say) added to the space's authority-staff
    cohort, as the space admits authority staff, each with a client on its own token."""
    cohorts = {c.idnumber: c.id for c in admin.cohorts.search(f"{space.prefix}:cohort:consultare")}
    staff = cohorts[cohort_idnumber(space.prefix, "authority_staff")]
    admin.cohorts.add_members([(staff, userid) for userid in accounts.values()])
    clients = {username: _own_client(box, userid, username) for username, userid in accounts.items()}
    box.site.db.commit()
    return clients


def _own_client(box: Sandbox, userid: int, username: str) -> MoodleClient:
    """A client on a token of the user's own (REST use and what a participant may do added to what they may do)."""
    users = box.site.db["user"]
    granted = list((users.get(userid) or {}).get("capabilities") or ())
    users.update(userid, capabilities=granted + [c for c in CAPABILITIES if c not in granted])
    token = f"sim{userid:06d}{username}".replace("-", "").replace(".", "").replace("@", "")[:32].ljust(32, "0")
    box.site.add_token(token, userid=userid)
    transport = Transport(box.url, Secret(token, source="simulation"), session=box.session(sleep=lambda _s: None),
                          contract=box.site.contract, var_budget=1000, sleep=lambda _s: None)
    return MoodleClient(transport)


def post_contributions(box: Sandbox, admin: MoodleClient, clients: dict[str, MoodleClient], space: Space,
                       consultation_id: str, sent: list[Sent]) -> list[int]:
    """Each contribution as a reply to its part's opening post, by its sender; returns the post ids."""
    located = locate(admin, space, space.consultation(consultation_id))
    openers: dict[str, int] = {}
    for discussion_id, part_key in located.discussions.items():
        first = next(p for p in discussion_posts(admin, discussion_id) if not p.get("hasparent"))
        openers[part_key] = int(first["id"])
    ids = []
    for item in sent:
        post_id = clients[item.participant].forums.reply(openers[item.part_key], "Propunere", item.text,
                                                         messageformat=2)
        moment = int(item.at.timestamp())
        box.site.db["forum_posts"].update(post_id, created=moment, modified=moment)
        ids.append(post_id)
    box.site.db.commit()
    return ids


def edit_post(box: Sandbox, post_id: int, text: str, *, at: datetime | None = None) -> None:
    """What the author's edit in Moodle's web form does to the stored post."""
    changes: dict[str, Any] = {"message": text}
    if at is not None:
        changes["modified"] = int(at.timestamp())
    box.site.db["forum_posts"].update(post_id, **changes)
    box.site.db.commit()
