"""Course sections (``course_sections``): creation, names, and the sequence of course modules in each."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from cooperare.sandbox.courses.defaults import new_row
from cooperare.sandbox.courses.schema import FORMAT_HTML, table
from cooperare.sandbox.db import Row
from cooperare.sandbox.site import SITE_TIMEZONE, Site


def get_section(site: Site, courseid: int, number: int) -> Row | None:
    return table(site.db, "course_sections").first(course=courseid, section=number)


def course_sections(site: Site, courseid: int) -> list[Row]:
    """The sections of a course by section number."""
    return sorted(table(site.db, "course_sections").where(course=courseid), key=lambda s: s["section"])


def create_section(site: Site, courseid: int, number: int, **fields: object) -> Row:
    """``course_create_section`` at position ``number`` (which must be free): an empty visible section."""
    sections = table(site.db, "course_sections")
    values = {"course": courseid, "section": number, "name": None, "summary": "", "summaryformat": FORMAT_HTML,
              "sequence": "", "visible": 1, "timemodified": site.now(), **fields}
    section_id = sections.insert(new_row("course_sections", values))
    return sections.rows[section_id]


def ensure_sections(site: Site, courseid: int, last: int) -> Row:
    """Create the missing sections 0..``last`` (``course_create_sections_if_missing``); returns section ``last``."""
    existing = {s["section"]: s for s in course_sections(site, courseid)}
    for number in range(last + 1):
        if number not in existing:
            existing[number] = create_section(site, courseid, number)
    return existing[last]


def sequence(section: Row) -> list[int]:
    return [int(part) for part in str(section.get("sequence") or "").split(",") if part.strip()]


def add_to_sequence(site: Site, section: Row, cmid: int, *, before: int | None = None) -> None:
    """``course_add_cm_to_section``: append the module (or insert it before ``before``)."""
    current = sequence(section)
    if before is not None and before in current:
        current.insert(current.index(before), cmid)
    else:
        current.append(cmid)
    table(site.db, "course_sections").update(section["id"], sequence=",".join(map(str, current)))


def remove_from_sequence(site: Site, section: Row, cmid: int) -> None:
    current = [c for c in sequence(section) if c != cmid]
    table(site.db, "course_sections").update(section["id"], sequence=",".join(map(str, current)))


def section_name(site: Site, course: Row, section: Row) -> str:
    """``get_section_name``: the section's own name, else the format's default ("General", "New section", dates)."""
    if section.get("name"):
        return str(section["name"])
    number = section["section"]
    if course.get("format") == "weeks" and number > 0:
        return _week_name(course, number)
    return "General" if number == 0 else "New section"


def _week_name(course: Row, number: int) -> str:
    """format_weeks: "26 November - 2 December" (the start date shifted by 2 hours, as Moodle does for DST)."""
    zone = ZoneInfo(SITE_TIMEZONE)
    start = datetime.fromtimestamp(int(course.get("startdate") or 0) + 7200, zone) + timedelta(weeks=number - 1)
    end = start + timedelta(days=6)
    return f"{start.day} {start:%B} - {end.day} {end:%B}"
