"""What Moodle should hold for a roster: users, cohorts, cohort memberships, course access and commune groups.

Identity: every object the roster sync creates carries an idnumber starting with the configured prefix —
users ``<prefix>:person:<key>``, track cohorts ``<prefix>:cohort:<track>``, county cohorts
``<prefix>:cohort:county:<code>``, groups ``<prefix>:group:<course>:<county>:<commune>`` — so a later run finds
them again and never touches anything else. Courses are the catalogue's (``<catalogue prefix>:course:<key>``).
Usernames follow the configured policy and are only used when a user is created. This module computes data only:
it must not read files or talk to Moodle.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from cooperare.config.roster import RosterConfig
from cooperare.courses.catalogue import Catalogue
from cooperare.courses.identity import course_idnumber
from cooperare.sync.counties import COUNTIES
from cooperare.sync.model import Person, Roster
from cooperare.sync.text import slug

MAX_IDNUMBER = 100
_USERNAME_BAD = re.compile(r"[^a-z0-9_.@-]")
_COUNTY_NAMES = {county.code: county.name for county in COUNTIES}

# The user fields the sync keeps equal to the roster (Moodle field → Person attribute).
USER_FIELDS: Mapping[str, str] = {"firstname": "firstname", "lastname": "lastname", "email": "email",
                                  "institution": "organisation", "city": "commune"}


@dataclass(frozen=True, slots=True)
class DesiredUser:
    idnumber: str
    username: str
    person: Person

    def fields(self) -> dict[str, str]:
        return {name: getattr(self.person, attribute) for name, attribute in USER_FIELDS.items()}


@dataclass(frozen=True, slots=True)
class DesiredGroup:
    course: str
    """Course idnumber."""
    idnumber: str
    name: str


@dataclass
class Desired:
    """The desired state, keyed by idnumbers; sets of pairs for the relations."""

    prefix: str
    users: dict[str, DesiredUser] = field(default_factory=dict)
    cohorts: dict[str, str] = field(default_factory=dict)
    """Cohort idnumber → name."""
    track_cohorts: dict[str, str] = field(default_factory=dict)
    """Track key → cohort idnumber."""
    track_courses: dict[str, str] = field(default_factory=dict)
    """Track key → course idnumber."""
    cohort_members: dict[str, set[str]] = field(default_factory=dict)
    """Cohort idnumber → user idnumbers."""
    enrolments: dict[str, set[str]] = field(default_factory=dict)
    """Course idnumber → user idnumbers."""
    groups: dict[str, dict[str, DesiredGroup]] = field(default_factory=dict)
    """Course idnumber → group idnumber → group."""
    group_members: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    """(course idnumber, group idnumber) → user idnumbers."""

    @property
    def person_prefix(self) -> str:
        return f"{self.prefix}:person:"

    @property
    def cohort_prefix(self) -> str:
        return f"{self.prefix}:cohort:"

    def group_prefix(self, course: str) -> str:
        return f"{self.prefix}:group:{course.rsplit(':', 1)[-1]}:"


def user_idnumber(prefix: str, key: str) -> str:
    return f"{prefix}:person:{key}"


def fit_idnumber(text: str) -> str:
    """Idnumbers longer than Moodle's 100 characters keep their start and gain a hash of the whole."""
    if len(text) <= MAX_IDNUMBER:
        return text
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    return f"{text[:MAX_IDNUMBER - 13]}~{digest}"


def group_idnumber(prefix: str, course_key: str, county: str, commune: str) -> str:
    return fit_idnumber(f"{prefix}:group:{course_key}:{county.lower()}:{slug(commune)}")


def group_name(county: str, commune: str) -> str:
    return f"{commune} ({_COUNTY_NAMES.get(county, county)})"


def county_cohort(prefix: str, county: str) -> tuple[str, str]:
    name = "Municipiul București" if county == "B" else f"Județul {_COUNTY_NAMES.get(county, county)}"
    return f"{prefix}:cohort:county:{county.lower()}", name


def _username(person: Person, policy: str) -> str:
    if policy == "email":
        base = person.email
    elif policy == "key":
        base = person.key.lower()
    else:
        base = f"{slug(person.firstname).replace('-', '')}.{slug(person.lastname).replace('-', '')}"
    return _USERNAME_BAD.sub("_", base.lower())[:100]


def desired_state(roster: Roster, *, catalogue: Catalogue, config: RosterConfig) -> Desired:
    """Everything Moodle should hold for ``roster``."""
    prefix = config.idnumber_prefix
    desired = Desired(prefix=prefix)
    for track in catalogue.tracks:
        cohort = f"{prefix}:cohort:{track.key}"
        desired.track_cohorts[track.key] = cohort
        desired.track_courses[track.key] = course_idnumber(catalogue.prefix, track.course)
    tracks = {track.key: track for track in catalogue.tracks}
    used_tracks = {person.track for person in roster.people}
    for track_key in sorted(used_tracks, key=list(tracks).index):
        desired.cohorts[desired.track_cohorts[track_key]] = tracks[track_key].name
        desired.cohort_members[desired.track_cohorts[track_key]] = set()
        desired.enrolments[desired.track_courses[track_key]] = set()
        desired.groups[desired.track_courses[track_key]] = {}
    taken: set[str] = set()
    for person in roster.people:
        idnumber = user_idnumber(prefix, person.key)
        username = base = _username(person, config.username)
        number = 1
        while username in taken:
            number += 1
            username = f"{base}{number}"
        taken.add(username)
        desired.users[idnumber] = DesiredUser(idnumber, username, person)
        desired.cohort_members[desired.track_cohorts[person.track]].add(idnumber)
        if config.cohort_per_county:
            cohort, name = county_cohort(prefix, person.county)
            desired.cohorts.setdefault(cohort, name)
            desired.cohort_members.setdefault(cohort, set()).add(idnumber)
        course = desired.track_courses[person.track]
        desired.enrolments[course].add(idnumber)
        course_key = tracks[person.track].course
        group = group_idnumber(prefix, course_key, person.county, person.commune)
        desired.groups[course].setdefault(group, DesiredGroup(course, group, group_name(person.county,
                                                                                        person.commune)))
        desired.group_members.setdefault((course, group), set()).add(idnumber)
    return desired
