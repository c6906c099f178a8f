"""The people a track may certify, as certificates and reports need them (name, e-mail, place, organisation).

A :class:`Trainee` is built from the roster's people snapshot in the store when there is one, or else from the
users enrolled as students in the track's Moodle course (then county, commune and organisation are what Moodle
holds in the profile fields ``department``, ``city`` and ``institution``, often empty). This module must not call
Moodle itself: it converts records its caller read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cooperare.collation import person_key
from cooperare.moodle.records import EnrolledUser
from cooperare.store.people import PersonRecord

STUDENT = "student"


@dataclass(frozen=True)
class Trainee:
    key: str
    """The roster key (registration code), or ``moodle:<id>`` for a user not in the roster."""
    moodle_user_id: int
    firstname: str
    lastname: str
    email: str
    track: str
    county: str = ""
    commune: str = ""
    organisation: str = ""
    category: str = ""

    @property
    def fullname(self) -> str:
        return f"{self.firstname} {self.lastname}".strip()


def from_people(records: Iterable[PersonRecord], *, track: str) -> list[Trainee]:
    """Trainees from the roster snapshot: the active people of ``track`` that have a Moodle account."""
    trainees = [
        Trainee(key=r.key, moodle_user_id=r.moodle_user_id, firstname=r.firstname, lastname=r.lastname,
                email=r.email, track=r.track, county=r.county, commune=r.commune, organisation=r.organisation,
                category=r.category)
        for r in records
        if r.track == track and r.status == "active" and r.moodle_user_id is not None
    ]
    return sorted(trainees, key=_in_romanian_order)


def from_enrolled(users: Iterable[EnrolledUser], *, track: str, idnumber_prefix: str) -> list[Trainee]:
    """Trainees from ``core_enrol_get_enrolled_users``: students only; the roster key is the idnumber less the
    pack's prefix (``coop:user:AB-001`` → ``AB-001``), else ``moodle:<id>``."""
    trainees = []
    for user in users:
        if STUDENT not in user.roles:
            continue
        raw = user.raw
        trainees.append(Trainee(
            key=_roster_key(user, idnumber_prefix),
            moodle_user_id=user.id,
            firstname=str(raw.get("firstname") or ""),
            lastname=str(raw.get("lastname") or ""),
            email=str(raw.get("email") or ""),
            track=track,
            county=str(raw.get("department") or ""),
            commune=str(raw.get("city") or ""),
            organisation=str(raw.get("institution") or ""),
        ))
    return sorted(trainees, key=_in_romanian_order)


def _in_romanian_order(trainee: Trainee) -> tuple[object, ...]:
    """Last name, first name in Romanian order (Căpraru before Ciobanu), then the key for namesakes."""
    return (*person_key(trainee.lastname, trainee.firstname), trainee.key)


def _roster_key(user: EnrolledUser, prefix: str) -> str:
    idnumber = user.idnumber.strip()
    if not idnumber:
        return f"moodle:{user.id}"
    return idnumber.removeprefix(f"{prefix}:user:")
