"""core_course_get_contents: a course's sections with their modules, as the course page lists them."""

from __future__ import annotations

from typing import Any

from cooperare.sandbox.courses import completion, modules, sections
from cooperare.sandbox.courses.courses import get_course
from cooperare.sandbox.courses.errors import invalid_param
from cooperare.sandbox.courses.modtypes import module_type
from cooperare.sandbox.courses.people import can
from cooperare.sandbox.courses.text import external_text
from cooperare.sandbox.db import Row
from cooperare.sandbox.php import clean_param, json_encode
from cooperare.sandbox.registry import Call, ws_function
from cooperare.sandbox.site import CONTEXT_MODULE, Site


def _filters(options: list[dict[str, Any]]) -> dict[str, Any]:
    filters: dict[str, Any] = {}
    for option in options or []:
        name = str(option["name"]).strip()
        if name in filters:
            continue
        if name in ("excludemodules", "excludecontents", "includestealthmodules"):
            filters[name] = clean_param(option["value"], "PARAM_BOOL")
        elif name in ("sectionid", "sectionnumber", "cmid", "modid"):
            filters[name] = clean_param(option["value"], "PARAM_INT")
        elif name == "modname":
            value = clean_param(option["value"], "PARAM_PLUGIN")
            if not value:
                raise invalid_param(name)
            filters[name] = value
        else:
            raise invalid_param(name)
    return filters


def module_entry(site: Site, course: Row, cm: Row, userid: int) -> dict[str, Any]:
    """One module of get_contents; its context is created here if this is its first read (as in Moodle)."""
    modname = modules.modname_of(site, cm)
    kind = module_type(modname)
    instance = modules.instance_of(site, cm)
    context = site.context(CONTEXT_MODULE, cm["id"])
    assert context is not None
    entry: dict[str, Any] = {
        "id": cm["id"], "name": instance["name"], "instance": cm["instance"], "contextid": context["id"],
        "modname": modname, "modplural": kind.plural,
        "modicon": site.image_url(modname, "monologo") + "?filtericon=1",
        "purpose": kind.purpose, "branded": False, "indent": cm["indent"], "onclick": "", "afterlink": None,
    }
    if modname == "forum":
        entry["activitybadge"] = {}  # forum's badge (unread posts) exports an empty array when tracking is off
    entry.update(customdata=json_encode(kind.customdata(cm, instance)),
                 completion=cm["completion"], downloadcontent=cm["downloadcontent"], noviewlink=kind.noviewlink,
                 dates=[], groupmode=cm["groupmode"])
    if site.version != "4.5":
        entry["candisplay"] = True
    if cm["completion"] and course.get("enablecompletion"):
        entry["completiondata"] = completion_data(site, cm, userid)
    if cm.get("showdescription") or kind.noviewlink:
        entry["description"] = external_text(instance.get("intro"), instance.get("introformat"))[0]
    url = modules.view_url(site, cm)
    if url:
        entry["url"] = url
    entry.update(visible=cm["visible"], visibleoncoursepage=cm["visibleoncoursepage"], uservisible=True,
                 availability=cm.get("availability"))
    if kind.contents is not None:
        contents = kind.contents(site, cm, instance, context["id"])
        entry["contentsinfo"] = {
            "filescount": len(contents), "filessize": sum(int(c.get("filesize") or 0) for c in contents),
            "lastmodified": max((int(c.get("timemodified") or 0) for c in contents), default=0),
            "mimetypes": sorted({c["mimetype"] for c in contents if c.get("mimetype")}),
        }
        if contents:
            entry["contentsinfo"]["repositorytype"] = ""
        entry["contents"] = contents
    return entry


def completion_data(site: Site, cm: Row, userid: int) -> dict[str, Any]:
    """``completion_info_exporter`` for one user (shared with core_completion_get_activities_completion_status)."""
    return completion.export_state(site, cm, userid)


@ws_function("core_course_get_contents")
def get_contents(call: Call) -> list[dict[str, Any]]:
    filters = _filters(call.params["options"])
    site = call.site
    course = get_course(site, call.params["courseid"])
    if not course.get("visible", 1) and not (can(site, call.user, "moodle/course:update")
                                             or can(site, call.user, "moodle/course:viewhiddencourses")):
        return []
    result = []
    last_number = max((s["section"] for s in sections.course_sections(site, course["id"])), default=0)
    for section in sections.course_sections(site, course["id"]):
        if filters.get("sectionid") and section["id"] != filters["sectionid"]:
            continue
        if "sectionnumber" in filters and section["section"] != filters["sectionnumber"]:
            continue
        summary, summaryformat = external_text(section.get("summary"), section.get("summaryformat"))
        entry: dict[str, Any] = {
            "id": section["id"], "name": sections.section_name(site, course, section), "visible": section["visible"],
            "summary": summary, "summaryformat": summaryformat, "section": section["section"],
            "hiddenbynumsections": 1 if section["section"] > last_number else 0, "uservisible": True,
            "component": section.get("component"), "itemid": section.get("itemid"),
        }
        entry["modules"] = [] if filters.get("excludemodules") else _section_modules(call, course, section, filters)
        result.append(entry)
        if filters.get("sectionid") or "sectionnumber" in filters:
            break
    return result


def _section_modules(call: Call, course: Row, section: Row, filters: dict[str, Any]) -> list[dict[str, Any]]:
    site = call.site
    entries = []
    for cmid in sections.sequence(section):
        cm = site.db["course_modules"].get(cmid)
        if cm is None:
            continue
        if filters.get("cmid") and cmid != filters["cmid"]:
            continue
        if filters.get("modname") and modules.modname_of(site, cm) != filters["modname"]:
            continue
        if filters.get("modname") and filters.get("modid") and cm["instance"] != filters["modid"]:
            continue
        entry = module_entry(site, course, cm, call.user["id"])
        if filters.get("excludecontents") and "contents" in entry:
            entry["contents"] = []
        entries.append(entry)
        if filters.get("cmid") or (filters.get("modname") and filters.get("modid")):
            break
    return entries
