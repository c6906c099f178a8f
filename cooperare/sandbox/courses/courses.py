"""Courses (``course/lib.php`` ``create_course`` / ``update_course``) and their format options.

``create_course`` does what Moodle does, in Moodle's order (that order fixes the ids of every table): the course
row at sortorder 0, its context, format options, ``fix_course_sortorder`` (the new course comes first in its
category), the news forum of the ``course_created`` observer (forum, course module, section 0), the remaining
sections up to ``numsections``, then the default enrolment instances.
"""

from __future__ import annotations

from typing import Any

from cooperare.sandbox.courses import enrolments, forums, sections
from cooperare.sandbox.courses.categories import fix_course_sortorder
from cooperare.sandbox.courses.defaults import new_row
from cooperare.sandbox.courses.errors import missing
from cooperare.sandbox.courses.modules import bump_cacherev
from cooperare.sandbox.courses.schema import table
from cooperare.sandbox.db import Row
from cooperare.sandbox.exceptions import MoodleException
from cooperare.sandbox.php import php_int
from cooperare.sandbox.site import CONTEXT_COURSE, SITE_COURSE_ID, Site

COURSE_DURATION = 365 * 24 * 3600  # moodlecourse | courseduration
COURSE_CONFIG = {"enablecompletion": 1, "showcompletionconditions": 1, "showactivitydates": 1}

# Course format options: name -> default (all PARAM_INT), per format; "indentation" is a format setting.
FORMAT_OPTIONS: dict[str, dict[str, int]] = {
    "topics": {"hiddensections": 1, "coursedisplay": 0},
    "weeks": {"hiddensections": 1, "coursedisplay": 0, "automaticenddate": 1},
    "social": {"numdiscussions": 10},
    "singleactivity": {"activitytype": 0},
}
NEWS_FORMATS = frozenset({"topics", "weeks"})


def get_course(site: Site, courseid: int) -> Row:
    """``get_course`` / ``$DB->get_record('course', ..., MUST_EXIST)``."""
    course = site.db["course"].get(courseid)
    if course is None:
        raise missing(site, "course", {"id": courseid})
    return course


def course_format(course: Row) -> str:
    """``course_get_format``: unknown formats fall back to the site default (topics)."""
    name = str(course.get("format") or "topics")
    return name if name in FORMAT_OPTIONS or name == "site" else "topics"


def format_options(site: Site, course: Row) -> dict[str, Any]:
    """The course's format options (stored values over defaults), as ``get_format_options`` returns them."""
    name = course_format(course)
    options: dict[str, Any] = dict(FORMAT_OPTIONS.get(name, {}))
    for row in table(site.db, "course_format_options").where(courseid=course["id"]):
        if row["format"] == name and row["sectionid"] == 0 and row["name"] in options:
            options[row["name"]] = php_int(row["value"])
    return options


def external_format_options(site: Site, course: Row) -> dict[str, Any]:
    """``get_config_for_external``: topics and weeks add their "indentation" setting (a string)."""
    options = format_options(site, course)
    if course_format(course) in ("topics", "weeks"):
        options["indentation"] = "1"
    return options


def _save_format_options(site: Site, course: Row, data: dict[str, Any]) -> None:
    name = course_format(course)
    store = table(site.db, "course_format_options")
    current = {row["name"]: row for row in store.where(courseid=course["id"]) if row["format"] == name}
    for option in FORMAT_OPTIONS.get(name, {}):
        if option not in data or data[option] is None:
            continue
        value = str(php_int(data[option]))
        if option in current:
            if current[option]["value"] != value:
                store.update(current[option]["id"], value=value)
        else:
            store.insert({"courseid": course["id"], "format": name, "sectionid": 0, "name": option, "value": value})


def _validate_dates(data: dict[str, Any]) -> None:
    start, end = data.get("startdate"), data.get("enddate")
    if start and end and end < start:
        raise MoodleException("enddatebeforestartdate", "The course end date must be after the start date.")
    if not start and end:
        raise MoodleException("nostartdatenoenddate",
                              "A course end date can only be set if a start date is also set.")


def shortname_taken(shortname: str) -> MoodleException:
    return MoodleException("shortnametaken", f"Short name is already used for another course ({shortname})")


def create_course(site: Site, data: dict[str, Any]) -> Row:
    """``create_course($data)``; ``data`` uses the course table's names (``category``, not ``categoryid``)."""
    courses = site.db["course"]
    category = site.db["course_categories"].get(data.get("category"))
    if category is None:
        raise missing(site, "course_categories", {"id": data.get("category")})
    if data.get("shortname") and courses.first(shortname=data["shortname"]) is not None:
        raise shortname_taken(data["shortname"])
    if data.get("idnumber") and courses.first(idnumber=data["idnumber"]) is not None:
        raise MoodleException("courseidnumbertaken",
                              f"ID number is already used for another course ({data['idnumber']})")
    _validate_dates(data)
    now = site.now()
    record = {key: value for key, value in data.items() if key in _COURSE_COLUMNS and value is not None}
    record["timecreated"] = data.get("timecreated") or now
    record["timemodified"] = record["timecreated"]
    record["sortorder"] = 0
    enablecompletion = data.get("enablecompletion")
    if enablecompletion is None:
        enablecompletion = COURSE_CONFIG["enablecompletion"]
    record["enablecompletion"] = enablecompletion
    if enablecompletion:
        record.setdefault("showcompletionconditions", COURSE_CONFIG["showcompletionconditions"])
    else:
        record.pop("showcompletionconditions", None)
    record.setdefault("showactivitydates", COURSE_CONFIG["showactivitydates"])
    if data.get("visible") is None:
        record["visible"] = category["visible"]
    record["visibleold"] = record["visible"]
    course_id = courses.insert(new_row("course", record))
    site.context(CONTEXT_COURSE, course_id)
    course = courses.rows[course_id]
    _save_format_options(site, course, data)
    bump_cacherev(site, course_id)
    fix_course_sortorder(site)
    _course_created(site, course)
    numsections = php_int(data.get("numsections") or 0)
    existing = {s["section"] for s in sections.course_sections(site, course_id)}
    for number in range(numsections + 1):
        if number not in existing:
            sections.create_section(site, course_id, number)
    enrolments.add_default_instances(site, course_id)
    return courses.rows[course_id]


def _course_created(site: Site, course: Row) -> None:
    """mod_forum's ``course_created`` observer: the news forum (or the social forum of a social course)."""
    name = course_format(course)
    if name in NEWS_FORMATS and course.get("newsitems"):
        forums.course_forum(site, course["id"], "news")
    elif name == "social":
        forums.course_forum(site, course["id"], "social")


def update_course(site: Site, courseid: int, data: dict[str, Any]) -> Row:
    """``update_course($data)``: duplicate checks, dates, category move (re-sorted), format options."""
    courses = site.db["course"]
    if courseid == SITE_COURSE_ID:
        raise MoodleException("invalidcourse", "Invalid course ID")
    old = get_course(site, courseid)
    shortname, idnumber = data.get("shortname"), data.get("idnumber")
    if shortname and shortname != old["shortname"] and any(
            c["id"] != courseid for c in courses.where(shortname=shortname)):
        raise shortname_taken(shortname)
    if idnumber and idnumber != old["idnumber"] and any(c["id"] != courseid for c in courses.where(idnumber=idnumber)):
        raise MoodleException("courseidnumbertaken", f"ID number is already used for another course ({idnumber})")
    _validate_dates({"startdate": data.get("startdate", old["startdate"]),
                     "enddate": data.get("enddate", old["enddate"])})
    changes = {key: value for key, value in data.items() if key in _COURSE_COLUMNS and key != "id"}
    if not changes.get("category"):
        changes.pop("category", None)
    moved = "category" in changes and changes["category"] != old["category"]
    if moved and site.db["course_categories"].get(changes["category"]) is None:
        raise missing(site, "course_categories", {"id": changes["category"]})
    visible = changes.get("visible", old["visible"])
    if visible != old["visible"]:
        changes["visibleold"] = visible
    elif moved and not site.db["course_categories"].rows[changes["category"]]["visible"]:
        changes["visible"] = 0
    if changes.get("enablecompletion") == 0:
        changes["showcompletionconditions"] = None
    changes["timemodified"] = site.now()
    courses.update(courseid, **changes)
    bump_cacherev(site, courseid)
    course = courses.rows[courseid]
    _save_format_options(site, course, data)
    if moved:
        _move_course_context(site, course)
        fix_course_sortorder(site)
    _course_created(site, course)  # the course_updated observer creates a missing news forum the same way
    return courses.rows[courseid]


def _move_course_context(site: Site, course: Row) -> None:
    from cooperare.sandbox.site import CONTEXT_COURSECAT

    context = site.context(CONTEXT_COURSE, course["id"])
    parent = site.context(CONTEXT_COURSECAT, course["category"])
    if context is None or parent is None:
        return
    old_path, new_path = context["path"], f"{parent['path']}/{context['id']}"
    table_ = site.db["context"]
    for row in list(table_):
        if row["path"] == old_path or row["path"].startswith(old_path + "/"):
            path = new_path + row["path"][len(old_path):]
            table_.update(row["id"], path=path, depth=path.count("/"))


_COURSE_COLUMNS = frozenset({
    "category", "sortorder", "fullname", "shortname", "idnumber", "summary", "summaryformat", "format",
    "showgrades", "newsitems", "startdate", "enddate", "relativedatesmode", "marker", "maxbytes", "legacyfiles",
    "showreports", "visible", "visibleold", "downloadcontent", "groupmode", "groupmodeforce", "defaultgroupingid",
    "lang", "calendartype", "theme", "timecreated", "timemodified", "requested", "enablecompletion",
    "completionnotify", "cacherev", "originalcourseid", "showactivitydates", "showcompletionconditions",
    "pdfexportfont",
})
