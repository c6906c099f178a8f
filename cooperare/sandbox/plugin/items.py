"""The table ``local_cooperare_item`` (``local\\items``): which objects the plugin wrote, with the client's spec hash,
the hash of the content it applied (``sourcehash``) and the hash of the managed fields right after the write
(``statehash``, compared by describe to report drift). One row per (course, kind, idnumber)."""

from __future__ import annotations

from cooperare.sandbox.db import Row, Table
from cooperare.sandbox.site import Site

TABLE = "local_cooperare_item"

KIND_SECTION = "section"
KIND_ACTIVITY = "activity"
KIND_QUESTION = "question"
KIND_COMPLETION = "completion"
KIND_COHORTSYNC = "cohortsync"
KIND_ENROLMETHOD = "enrolmethod"
KIND_CALENDAREVENT = "calendarevent"


def rows(site: Site) -> Table:
    return site.db.table(TABLE, indexes=[("courseid", "kind", "idnumber"), ("courseid", "kind"), ("courseid",)])


def get(site: Site, courseid: int, kind: str, idnumber: str) -> Row | None:
    return rows(site).first(courseid=courseid, kind=kind, idnumber=idnumber)


def get_all(site: Site, courseid: int, kind: str) -> dict[str, Row]:
    """The rows of one kind in a course by idnumber (in id order)."""
    return {row["idnumber"]: row for row in rows(site).where(courseid=courseid, kind=kind)}


def save(site: Site, courseid: int, kind: str, idnumber: str, objectid: int, spechash: str, sourcehash: str,
         statehash: str) -> None:
    """Insert or update a row; writes nothing when nothing changed."""
    values = {"objectid": int(objectid), "spechash": spechash, "sourcehash": sourcehash, "statehash": statehash}
    record = get(site, courseid, kind, idnumber)
    if record is None:
        rows(site).insert({"courseid": courseid, "kind": kind, "idnumber": idnumber, **values,
                           "timemodified": site.now()})
        return
    if any(str(record[field]) != str(value) for field, value in values.items()):
        rows(site).update(record["id"], **values, timemodified=site.now())


def managed_or_first(site: Site, courseid: int, kind: str, idnumber: str, candidates: list[Row]) -> Row | None:
    """Of ``candidates`` (in id order), the object this row points at, else the first one, else None."""
    if not candidates:
        return None
    row = get(site, courseid, kind, idnumber)
    if row is not None:
        managed = next((c for c in candidates if c["id"] == row["objectid"]), None)
        if managed is not None:
            return managed
    return candidates[0]


def delete(site: Site, courseid: int, kind: str, idnumber: str) -> None:
    for row in rows(site).where(courseid=courseid, kind=kind, idnumber=idnumber):
        rows(site).delete(row["id"])

