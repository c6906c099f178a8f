"""Certificate records for the dashboard and publishing tests: a few counties, weeks and tracks, and one hostile
organisation and commune (``<script>``, a formula) as registration forms may carry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cooperare.store.certificates import CertificateRecord

HOSTILE = '<script>alert("x")</script>'
START = datetime(2027, 9, 6, 10, 0, tzinfo=UTC)  # a Monday: ISO week 2027-W36

PLAN = [  # (track, county, days after START)
    ("adm-alfabetizare", "AG", 0), ("adm-alfabetizare", "AG", 1), ("adm-alfabetizare", "CJ", 2),
    ("adm-expert", "AG", 8), ("ong-expert", "IS", 9), ("alesi-guvernanta", "CJ", 22),
    ("adm-alfabetizare", None, 23), ("adm-alfabetizare", HOSTILE, 23),
]


def records(plan: list[tuple[str, str | None, int]] = PLAN) -> list[CertificateRecord]:
    return [CertificateRecord(serial=f"S{i:09d}", sha256=f"{i:064x}", person_key=f"P{i}", moodle_user_id=100 + i,
                              name=f"Ștefan Țăranu {i}", email=f"p{i}@example.ro", track=track, county=county,
                              commune=HOSTILE if i == 0 else "Mioveni", organisation="=HYPERLINK(1)",
                              category=None, grade_percent=90.0, file=None, issued_at=START + timedelta(days=days))
            for i, (track, county, days) in enumerate(plan)]
