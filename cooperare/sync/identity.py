"""Who is who when a roster has no registration-code column and people are identified by e-mail address.

A row's person is the pack's Moodle account holding that address (found by the idnumber made from it, or by the
address itself when the account was made from another key). A changed address is never a silent leaver +
newcomer: the coordinator confirms it (``renames``: old address → new address, which keeps the account, its
idnumber and its certificates, and changes the e-mail), and a newcomer whose name, institution and county (or
commune) equal those of an account that left is shown as *probably the same person* and held — neither created nor
the other suspended — until the coordinator confirms the rename or says they are different people
(``distinct``). This module reads Moodle only through :func:`cooperare.sync.state.read_accounts` and must not
write to Moodle or decide other changes.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass, replace

from cooperare.errors import InputError
from cooperare.moodle.client import MoodleClient
from cooperare.sync.desired import Desired
from cooperare.sync.model import Person, Roster
from cooperare.sync.state import Account, MoodleState, read_accounts
from cooperare.sync.text import fold


@dataclass(frozen=True)
class ProbableMatch:
    """A new row that is probably an account that left the roster (its e-mail changed)."""

    person: Person
    account: Account

    def __str__(self) -> str:
        return (f"row {self.person.row} ({self.person.fullname}, {self.person.email}) is probably the same person "
                f"as Moodle account {self.account.id} ({self.account.email}): same name, institution and county; "
                f"confirm with --rename {self.account.email}={self.person.email}, or say they are different people "
                f"with --new {self.person.email}")


@dataclass(frozen=True)
class Resolution:
    roster: Roster
    matches: tuple[ProbableMatch, ...]


def resolve(client: MoodleClient, roster: Roster, desired: Desired, state: MoodleState, *,
            renames: Mapping[str, str], distinct: Set[str]) -> Resolution:
    """Give each person of an e-mail-identified ``roster`` the key of the account that is theirs, and find the
    probable matches among the rest; ``state`` gains the accounts adopted (it was read for ``desired``)."""
    if roster.identity != "email":
        if renames or distinct:
            raise InputError("--rename and --new are for rosters without a registration-code column; with a code "
                             "column a changed e-mail is simply updated")
        return Resolution(roster, ())
    prefix = desired.person_prefix
    people_by_email = {p.email: p for p in roster.people}
    for old, new in renames.items():
        if new not in people_by_email:
            raise InputError(f"--rename {old}={new}: no row of the roster has the e-mail {new!r}")
    old_accounts = {a.email.lower(): a for a in read_accounts(client, "email", sorted(renames))} if renames else {}
    keys: dict[str, str] = {}
    for old, new in renames.items():
        account = old_accounts.get(old)
        if account is None or not account.idnumber.startswith(prefix):
            raise InputError(f"--rename {old}={new}: no account of the roster in Moodle has the e-mail {old!r}")
        keys[new] = account.idnumber.removeprefix(prefix)
        state.users.setdefault(account.idnumber, account)
    for person in roster.people:
        idnumber = prefix + person.key
        holder = state.emails.get(person.email)
        if (person.email not in keys and idnumber not in state.users and holder is not None
                and holder.idnumber.startswith(prefix) and holder.idnumber not in desired.users):
            keys[person.email] = holder.idnumber.removeprefix(prefix)
            state.users.setdefault(holder.idnumber, holder)
    taken: dict[str, Person] = {}
    people = []
    for person in roster.people:
        key = keys.get(person.email, person.key)
        if key in taken:
            raise InputError(f"rows {taken[key].row} and {person.row} would both be Moodle account "
                             f"{prefix + key}; check the --rename options")
        taken[key] = person
        people.append(person if key == person.key else replace(person, key=key))
    resolved = replace(roster, people=tuple(people))
    wanted = {prefix + p.key for p in people}
    leavers = [a for i, a in state.users.items() if i not in wanted and i.startswith(prefix)]
    counties = _account_counties(state)
    matches = []
    used: set[int] = set()
    for person in people:
        if prefix + person.key in state.users or person.email in distinct:
            continue
        for account in leavers:
            if account.id not in used and _same_person(person, account, counties.get(account.id, set())):
                matches.append(ProbableMatch(person, account))
                used.add(account.id)
                break
    return Resolution(resolved, tuple(matches))


def _same_person(person: Person, account: Account, counties: set[str]) -> bool:
    if fold(f"{person.firstname} {person.lastname}") != fold(f"{account.firstname} {account.lastname}"):
        return False
    if fold(person.organisation) != fold(account.institution):
        return False
    return person.county.lower() in counties or fold(person.commune) == fold(account.city)


def _account_counties(state: MoodleState) -> dict[int, set[str]]:
    """Moodle user id → the counties of the commune groups they are in (from the groups' idnumbers,
    ``<prefix>:group:<course>:<county>:<commune>``)."""
    counties: dict[int, set[str]] = {}
    for groups in state.groups.values():
        for idnumber, group in groups.items():
            parts = idnumber.split(":")
            if len(parts) < 5:
                continue
            for user_id in state.group_members.get(group.id, set()):
                counties.setdefault(user_id, set()).add(parts[3])
    return counties
