"""``local_cooperare\\local\\sections``: name, summary and visibility of sections by number; missing ones created."""

from __future__ import annotations

from typing import Any

from cooperare.sandbox.courses import modules
from cooperare.sandbox.courses import sections as core_sections
from cooperare.sandbox.courses.schema import table
from cooperare.sandbox.db import Row
from cooperare.sandbox.exceptions import InvalidParameterException
from cooperare.sandbox.plugin import items, util
from cooperare.sandbox.registry import Call


def state(section: Row) -> dict[str, Any]:
    """The managed fields of a section, as they are now."""
    return {
        "name": str(section.get("name") or ""),
        "summary": str(section.get("summary") or ""),
        "summaryformat": int(section.get("summaryformat") or 0),
        "visible": int(section.get("visible") or 0),
    }


def _regular_section(call: Call, courseid: int, number: int) -> Row | None:
    """``get_fast_modinfo()->get_section_info($number)`` (None for a missing or delegated section)."""
    section = core_sections.get_section(call.site, courseid, number)
    return section if section is not None and not section.get("component") else None


def set_section_visible(call: Call, section: Row, visible: int) -> None:
    """``set_section_visible``: hiding a section hides its modules, keeping their visibility in ``visibleold``;
    showing it gives them back their ``visibleold``."""
    cms = table(call.db, "course_modules")
    for cmid in core_sections.sequence(section):
        cm = cms.get(cmid)
        if cm is None:
            continue
        if visible:
            cms.update(cmid, visible=cm.get("visibleold", 1))
        else:
            cms.update(cmid, visible=0, visibleold=cm["visible"])


def save(call: Call, course: Row, item: dict[str, Any]) -> tuple[int, str]:
    """Create the section if missing and bring name, summary and visibility to the requested values."""
    number = int(item["number"])
    what = f"section {number} of course {course['id']}"
    if number < 0 or number > util.MAXSECTIONS:
        raise InvalidParameterException(f"{what}: the section number must be between 0 and {util.MAXSECTIONS}")
    if item.get("name") is not None and len(item["name"]) > 255:
        raise InvalidParameterException(f"{what}: the name is longer than 255 characters")
    if item.get("visible") is not None and int(item["visible"]) not in (0, 1):
        raise InvalidParameterException(f"{what}: visible must be 0 or 1")
    spechash = util.check_spechash(item["spechash"], what)

    created = False
    section = _regular_section(call, course["id"], number)
    if section is None:
        existing = {s["section"] for s in core_sections.course_sections(call.site, course["id"])}
        created = any(n not in existing for n in range(number + 1))
        core_sections.ensure_sections(call.site, course["id"], number)
        section = _regular_section(call, course["id"], number)
    if section is None:
        raise InvalidParameterException(f"{what}: the section could not be created")

    current = state(section)
    changes: dict[str, Any] = {}
    if item.get("name") is not None and item["name"] != current["name"]:
        changes["name"] = item["name"]
    if item.get("summary") is not None and (item["summary"] != current["summary"]
                                            or int(item["summaryformat"]) != current["summaryformat"]):
        changes["summary"] = item["summary"]
        changes["summaryformat"] = int(item["summaryformat"])
    if item.get("visible") is not None and int(item["visible"]) != current["visible"]:
        util.require_capability(call, "moodle/course:sectionvisibility")
        changes["visible"] = int(item["visible"])
    if changes:
        if "visible" in changes:
            set_section_visible(call, section, changes["visible"])
        section = table(call.db, "course_sections").update(section["id"], **changes, timemodified=call.site.now())
        modules.bump_cacherev(call.site, course["id"])

    items.save(call.site, course["id"], items.KIND_SECTION, str(number), section["id"], spechash, "",
               util.state_hash(state(section)))
    action = "created" if created else ("updated" if changes else "unchanged")
    return int(section["id"]), action


def describe(call: Call, course: Row) -> list[dict[str, Any]]:
    managed = items.get_all(call.site, course["id"], items.KIND_SECTION)
    result = []
    for section in core_sections.course_sections(call.site, course["id"]):
        if section.get("component"):
            continue
        item = managed.get(str(section["section"]))
        current = state(section)
        result.append({
            "id": section["id"], "number": section["section"], **current,
            "managed": item is not None, "spechash": item["spechash"] if item else "",
            "drift": item is not None and item["statehash"] != util.state_hash(current),
        })
    return result
