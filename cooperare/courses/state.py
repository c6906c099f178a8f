"""What Moodle holds of the catalogue, read in as few calls as possible.

With the plugin: site info, all categories, ``local_cooperare_describe_courses`` for every catalogue course, and the
core fields of the courses found (one ``core_course_get_courses_by_field`` call) — four reads for the whole
catalogue. Without it: categories and one course lookup per course (activities are out of reach of core web
services). The snapshot has a fingerprint so a saved plan can be refused when Moodle changed since.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from cooperare.moodle.client import DESCRIBE_COURSES, MoodleClient
from cooperare.moodle.records import Category, Course
from cooperare.moodle.site import SiteInfo
from cooperare.plan import fingerprint

VOLATILE_KEYS = frozenset({"timemodified", "timecreated", "cacherev", "sortorder", "coursecount", "raw"})


@dataclass
class CourseState:
    """One catalogue course as Moodle holds it (``described`` is the plugin's view, when available)."""

    course: Course
    described: dict[str, Any] | None = None

    @property
    def id(self) -> int:
        return self.course.id

    def sections(self) -> dict[int, dict[str, Any]]:
        return {int(s["number"]): s for s in (self.described or {}).get("sections", [])}

    def activities(self) -> dict[str, dict[str, Any]]:
        return {a["idnumber"]: a for a in (self.described or {}).get("activities", []) if a.get("idnumber")}

    def questions(self, quiz_idnumber: str) -> dict[str, dict[str, Any]]:
        return {q["idnumber"]: q for q in (self.described or {}).get("questions", [])
                if q.get("quiz") == quiz_idnumber and q.get("idnumber")}

    def completion(self) -> dict[str, Any] | None:
        return (self.described or {}).get("completion")


@dataclass
class MoodleState:
    site: SiteInfo
    categories: dict[str, Category]
    courses: dict[str, CourseState]
    plugin: bool
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def fingerprint(self) -> str:
        return fingerprint(_stable(self.raw))

    def category_id(self, idnumber: str) -> int | None:
        found = self.categories.get(idnumber)
        return found.id if found else None


def _stable(value: Any) -> Any:
    """Drop clock readings and caches so the fingerprint changes only when content does."""
    if isinstance(value, dict):
        return {k: _stable(v) for k, v in sorted(value.items()) if k not in VOLATILE_KEYS}
    if isinstance(value, list):
        return [_stable(v) for v in value]
    return value


def read_state(client: MoodleClient, *, course_idnumbers: Iterable[str], use_plugin: bool | None = None
               ) -> MoodleState:
    """Read the categories and catalogue courses from Moodle (site info is read once per client)."""
    site = client.site
    plugin = site.has_plugin and DESCRIBE_COURSES in site.functions if use_plugin is None else use_plugin
    wanted = list(course_idnumbers)
    categories = {c.idnumber: c for c in client.categories.all() if c.idnumber}
    raw: dict[str, Any] = {"categories": sorted((c.raw for c in categories.values()), key=lambda c: c["id"])}
    courses: dict[str, CourseState] = {}
    if plugin:
        described = {c.idnumber: c.raw for c in client.course_content.describe(wanted)}
        core = {c.id: c for c in client.courses.by_ids(c["id"] for c in described.values())}
        for idnumber, data in described.items():
            if data["id"] in core:
                courses[idnumber] = CourseState(core[data["id"]], data)
        raw["described"] = [described[k] for k in sorted(described)]
    else:
        for idnumber in wanted:
            found = client.courses.by_field("idnumber", idnumber)
            if found:
                courses[idnumber] = CourseState(found[0])
    raw["courses"] = [_core_fields(courses[k].course) for k in sorted(courses)]
    return MoodleState(site, categories, courses, plugin, raw)


def _core_fields(course: Course) -> dict[str, Any]:
    return {"id": course.id, "idnumber": course.idnumber, "shortname": course.shortname, "fullname": course.fullname,
            "summary": course.summary, "format": course.format, "visible": course.visible,
            "startdate": course.startdate, "enddate": course.enddate, "category": course.categoryid,
            "enablecompletion": course.enablecompletion}
