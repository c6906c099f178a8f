"""core_course: create, update and read courses (``core_course_external``), core_enrol_get_course_enrolment_methods."""

from __future__ import annotations

from typing import Any

from cooperare.sandbox.courses import enrolments
from cooperare.sandbox.courses.categories import category_name
from cooperare.sandbox.courses.courses import COURSE_DURATION, create_course, external_format_options, update_course
from cooperare.sandbox.courses.defaults import new_row
from cooperare.sandbox.courses.errors import category_context_not_valid, invalid_param, missing
from cooperare.sandbox.courses.people import name_sort_key
from cooperare.sandbox.courses.schema import COURSE_CONTACT_ROLES, table
from cooperare.sandbox.courses.text import external_text
from cooperare.sandbox.db import Row
from cooperare.sandbox.exceptions import InvalidParameterException, MoodleException
from cooperare.sandbox.functions.course_categories import validate_format
from cooperare.sandbox.php import INSTALLED_LANGS, clean_param
from cooperare.sandbox.registry import Call, ws_function
from cooperare.sandbox.site import CONTEXT_COURSE, Site

# filter_get_available_in_context on the recorded site: every course sees the same site-level filters.
COURSE_FILTERS = ("displayh5p", "activitynames", "mathjaxloader", "emoticon", "urltolink", "mediaplugin")


@ws_function("core_course_create_courses", atomic=True)
def create_courses(call: Call) -> list[dict[str, Any]]:
    created = []
    for item in call.params["courses"]:
        course = dict(item)
        if call.db["course_categories"].get(course["categoryid"]) is None:
            raise category_context_not_valid(course["categoryid"])
        call.require("moodle/course:create")
        if str(course["fullname"]).strip() == "":
            raise invalid_param("fullname")
        if str(course["shortname"]).strip() == "":
            raise invalid_param("shortname")
        if "startdate" not in course:
            course["startdate"] = call.site.today_midnight()
        if "enddate" not in course:
            course["enddate"] = course["startdate"] + COURSE_DURATION
        if "lang" in course and course["lang"] not in installed_langs(call.site):
            raise invalid_param("lang")
        course.pop("forcetheme", None)  # allowcoursethemes is off
        course["showactivitydates"] = 1
        course["category"] = course.pop("categoryid")
        course["summaryformat"] = validate_format(course["summaryformat"])
        for option in course.pop("courseformatoptions", None) or []:
            course[option["name"]] = option["value"]
        course.pop("customfields", None)
        row = create_course(call.site, course)
        created.append({"id": row["id"], "shortname": row["shortname"]})
    return created


@ws_function("core_course_update_courses")
def update_courses(call: Call) -> dict[str, Any]:
    """Per-course warnings, as Moodle: each course is tried on its own and a failure becomes a warning."""
    warnings = []
    for item in call.params["courses"]:
        try:
            _update_one(call, dict(item))
        except MoodleException as error:
            warnings.append({"item": "course", "itemid": item["id"], "warningcode": error.errorcode,
                             "message": error.message})
    return {"warnings": warnings}


def _update_one(call: Call, course: dict[str, Any]) -> None:
    if call.db["course"].get(course["id"]) is None:
        raise missing(call.site, "course", {"id": course["id"]})
    old = call.db["course"].rows[course["id"]]
    call.require("moodle/course:update")
    if "categoryid" in course:
        course["category"] = course.pop("categoryid")
    for name in ("fullname", "shortname"):
        if name in course and course[name] != old.get(name) and str(course[name]).strip() == "":
            raise invalid_param(name)
    if "summaryformat" in course and course["summaryformat"] != old.get("summaryformat"):
        course["summaryformat"] = validate_format(course["summaryformat"])
    if "lang" in course and course["lang"] != old.get("lang") and course["lang"] not in installed_langs(call.site):
        raise invalid_param("lang")
    course.pop("forcetheme", None)
    for option in course.pop("courseformatoptions", None) or []:
        if option.get("name") is not None and option.get("value") is not None:
            course[option["name"]] = option["value"]
    course.pop("customfields", None)
    update_course(call.site, course["id"], course)


# -- reads --------------------------------------------------------------------------------------------------------

def course_contacts(site: Site, course: Row) -> list[dict[str, Any]]:
    """Course contacts ($CFG->coursecontact: editing teachers) with an active enrolment."""
    context = site.context(CONTEXT_COURSE, course["id"], create=False)
    if context is None:
        return []
    users = site.db["user"]
    contacts = {}
    for assignment in table(site.db, "role_assignments").where(contextid=context["id"]):
        user = users.get(assignment["userid"])
        if (assignment["roleid"] in COURSE_CONTACT_ROLES and user is not None and not user.get("deleted")
                and enrolments.is_enrolled(site, course["id"], user["id"], onlyactive=True)):
            contacts[user["id"]] = user
    return [{"id": u["id"], "fullname": site.fullname(u)} for u in sorted(contacts.values(), key=name_sort_key)]


def public_information(site: Site, course: Row) -> dict[str, Any]:
    """``get_course_public_information``."""
    context = site.context(CONTEXT_COURSE, course["id"])
    assert context is not None
    summary, summaryformat = external_text(course.get("summary"), course.get("summaryformat"))
    category = course.get("category") or 0
    return {
        "id": course["id"], "fullname": course["fullname"], "displayname": course["fullname"],
        "shortname": course["shortname"], "categoryid": category,
        "categoryname": category_name(site, category),  # the site course's pseudo-category 0 has no name
        "summary": summary, "summaryformat": summaryformat, "summaryfiles": [], "overviewfiles": [],
        "contacts": course_contacts(site, course),
        "enrollmentmethods": [i["enrol"] for i in enrolments.instances(site, course["id"], enabled=True)],
        "sortorder": course["sortorder"], "showactivitydates": course.get("showactivitydates"),
        "showcompletionconditions": course.get("showcompletionconditions"),
        "courseimage": site.url(f"/pluginfile.php/{context['id']}/course/generated/course.svg"),
    }


def installed_langs(site: Site) -> frozenset[str]:
    """The site's language packs: English, plus those a test or the demo installs (config "languages")."""
    configured = site.settings.config.get("languages")
    return frozenset(str(code) for code, _ in configured) if configured else INSTALLED_LANGS


def course_details(site: Site, course: Row, *, manager: bool = True) -> dict[str, Any]:
    """One entry of core_course_get_courses_by_field."""
    course = new_row("course", course)
    data = public_information(site, course)
    data["filters"] = [{"filter": name, "localstate": 0, "inheritedstate": 1} for name in COURSE_FILTERS]
    fields = ["format", "showgrades", "newsitems", "startdate", "enddate", "maxbytes", "showreports", "visible",
              "groupmode", "groupmodeforce", "defaultgroupingid", "enablecompletion", "completionnotify", "lang",
              "theme", "marker"]
    if manager:
        fields += ["idnumber", "legacyfiles", "calendartype", "timecreated", "timemodified", "requested",
                   "cacherev"]
    for name in fields:
        data[name] = course.get(name)
    data["theme"] = clean_param(data["theme"] or "", "PARAM_THEME")
    lang = str(data["lang"] or "")
    data["lang"] = lang if lang in installed_langs(site) else clean_param(lang, "PARAM_LANG")
    if course.get("format") != "site":
        options = external_format_options(site, course)
        if options:
            data["courseformatoptions"] = [{"name": k, "value": v} for k, v in options.items()]
    return data


def _courses_for_field(call: Call, field: str, value: Any) -> tuple[list[Row], list[dict[str, Any]]]:
    courses = call.db["course"]
    if not field:
        return list(courses), []
    if field in ("id", "category", "sectionid"):
        value = clean_param(value, "PARAM_INT")
    elif field == "ids":
        value = clean_param(value, "PARAM_SEQUENCE")
    elif field == "shortname":
        value = clean_param(value, "PARAM_TEXT")
    elif field != "idnumber":
        raise InvalidParameterException("Invalid field name")
    if field == "ids":
        found, warnings = [], []
        for cid in dict.fromkeys(int(part) for part in str(value).split(",") if part):
            if cid in courses.rows:
                found.append(courses.rows[cid])
            else:
                warnings.append({"item": "course", "itemid": cid, "warningcode": "1",
                                 "message": "No access rights in course context"})
        return found, warnings
    if field == "sectionid":
        section = call.db["course_sections"].get(value)
        return ([courses.rows[section["course"]]] if section else []), []
    if field == "id":
        return ([courses.rows[value]] if value in courses.rows else []), []
    return [c for c in courses.where(**{field: value})], []


@ws_function("core_course_get_courses_by_field")
def get_courses_by_field(call: Call) -> dict[str, Any]:
    found, warnings = _courses_for_field(call, call.params["field"], call.params["value"])
    admin = call.site.is_siteadmin(call.user)
    result = [course_details(call.site, course, manager=admin) for course in found
              if course.get("visible", 1) or admin]
    return {"courses": result, "warnings": warnings}


@ws_function("core_enrol_get_course_enrolment_methods")
def get_course_enrolment_methods(call: Call) -> list[dict[str, Any]]:
    """Only self and guest instances describe themselves (``get_enrol_info``); manual and cohort do not."""
    site = call.site
    courseid = call.params["courseid"]
    if site.db["course"].get(courseid) is None:
        raise missing(site, "course", {"id": courseid})
    methods = []
    for instance in enrolments.instances(site, courseid, enabled=True):
        if instance["enrol"] not in ("self", "guest"):
            continue
        info: dict[str, Any] = {"id": instance["id"], "courseid": courseid, "type": instance["enrol"],
                                "name": enrolments.instance_name(site, instance), "status": True}
        if instance["enrol"] == "guest":
            info["wsfunction"] = "enrol_guest_get_instance_info"
        elif instance.get("password"):
            info["wsfunction"] = "enrol_self_get_instance_info"
        methods.append(info)
    return methods
