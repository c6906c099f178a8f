"""Trainees come in Romanian alphabetical order (status lists, certificates, reports), whatever their source."""

from __future__ import annotations

from cooperare.certificates.trainees import from_enrolled, from_people
from cooperare.moodle.records import EnrolledUser
from cooperare.store.people import PersonRecord

# As `roster apply` + `certificates status` listed them on a real Moodle 4.5 before the fix (code-point order).
NAMES = [("Ciobanu", "Ana"), ("Coman", "Maria"), ("Căpraru", "Viorica"), ("Căpraru", "Alexandru"), ("Șerban", "Ion"),
         ("Sârbu", "Ana"), ("Stan", "Ilie"), ("Ţurcanu", "Elena"), ("Tudor", "Dan")]
EXPECTED = ["Alexandru Căpraru", "Viorica Căpraru", "Ana Ciobanu", "Maria Coman", "Ana Sârbu", "Ilie Stan",
            "Ion Șerban", "Dan Tudor", "Elena Ţurcanu"]


def test_people_from_the_roster_snapshot_are_in_romanian_order() -> None:
    records = [PersonRecord(key=f"K{i}", idnumber=f"coop:user:K{i}", moodle_user_id=10 + i, firstname=first,
                            lastname=last, email=f"p{i}@example.org", county="Alba", commune="Aiud",
                            organisation="", category="", track="t") for i, (last, first) in enumerate(NAMES)]
    assert [t.fullname for t in from_people(records, track="t")] == EXPECTED


def test_students_read_from_moodle_are_in_romanian_order() -> None:
    users = [EnrolledUser.from_ws({"id": 10 + i, "username": f"u{i}", "firstname": first, "lastname": last,
                                   "idnumber": f"coop:user:K{i}", "roles": [{"shortname": "student"}]})
             for i, (last, first) in enumerate(NAMES)]
    assert [t.fullname for t in from_enrolled(users, track="t", idnumber_prefix="coop:user:")] == EXPECTED
