"""Course modules (``course_modules`` + the module's own instance table), as ``add_moduleinfo`` and
``forum_get_course_forum`` create them.

One call creates the instance row, the course module, puts it at the end of its section (sections up to that number
are created when missing), optionally the module context (``add_moduleinfo`` makes it; the auto-created news forum
does not, so its context appears on first read), and the activity's grade item when the module is graded.
"""

from __future__ import annotations

from typing import Any

from cooperare.sandbox.courses import grades, sections
from cooperare.sandbox.courses.defaults import new_row
from cooperare.sandbox.courses.modtypes import module_type
from cooperare.sandbox.courses.schema import table
from cooperare.sandbox.db import Row
from cooperare.sandbox.site import CONTEXT_MODULE, Site

# Course-module fields a caller may set (``course_modules`` columns).
CM_FIELDS = frozenset({
    "idnumber", "indent", "visible", "visibleoncoursepage", "groupmode", "groupingid", "completion",
    "completiongradeitemnumber", "completionview", "completionexpected", "completionpassgrade", "showdescription",
    "availability", "downloadcontent", "lang", "score",
})


def module_id(site: Site, modname: str) -> int:
    row = site.db["modules"].first(name=modname)
    if row is None:
        raise ValueError(f"module {modname!r} is not installed in the sandbox")
    return int(row["id"])


def bump_cacherev(site: Site, courseid: int) -> None:
    """``rebuild_course_cache``: ``cacherev = max(now, cacherev + 1)``."""
    course = site.db["course"].get(courseid)
    if course is not None:
        site.db["course"].update(courseid, cacherev=max(site.now(), int(course.get("cacherev") or 0) + 1))


def add_module(site: Site, courseid: int, modname: str, instance: dict[str, Any], *, section: int = 0,
               cm: dict[str, Any] | None = None, create_context: bool = True,
               form_defaults: bool = True) -> Row:
    """Create an activity in a course; returns the course module row.

    ``instance`` holds the module's own fields (name, intro, options); ``cm`` the course-module fields
    (idnumber, visible, completion rules...). ``form_defaults`` applies the values the activity form would
    preset (the plugin's path); the news forum is created with table defaults only, as Moodle does.
    """
    kind = module_type(modname)
    now = site.now()
    values = {**(kind.form_defaults if form_defaults else {}), **instance, "course": courseid, "timemodified": now}
    if modname == "quiz":
        values.setdefault("timecreated", now)
    instance_table = table(site.db, modname)
    instance_id = instance_table.insert(new_row(modname, values))
    cm_values = {key: value for key, value in (cm or {}).items() if key in CM_FIELDS}
    cm_values.setdefault("idnumber", "")
    if kind.graded and "completiongradeitemnumber" not in cm_values and cm_values.get("completionpassgrade"):
        cm_values["completiongradeitemnumber"] = 0
    cmid = site.db["course_modules"].insert(new_row("course_modules", {
        "course": courseid, "module": module_id(site, modname), "instance": instance_id, "added": now,
        **cm_values}))
    target = sections.ensure_sections(site, courseid, section)
    sections.add_to_sequence(site, target, cmid)
    site.db["course_modules"].update(cmid, section=target["id"])
    if create_context:
        site.context(CONTEXT_MODULE, cmid)
    sync_grade_item(site, cmid)
    bump_cacherev(site, courseid)
    return site.db["course_modules"].rows[cmid]


def update_module(site: Site, cmid: int, *, instance: dict[str, Any] | None = None,
                  cm: dict[str, Any] | None = None, section: int | None = None) -> Row:
    """Change an activity's own fields, its course-module fields, or move it to the end of another section."""
    modules = site.db["course_modules"]
    row = modules.rows[cmid]
    modname = modname_of(site, row)
    if instance:
        table(site.db, modname).update(row["instance"], **instance, timemodified=site.now())
    if cm:
        modules.update(cmid, **{k: v for k, v in cm.items() if k in CM_FIELDS})
    if section is not None and section_number(site, row) != section:
        old = site.db["course_sections"].get(row["section"])
        if old is not None:
            sections.remove_from_sequence(site, old, cmid)
        target = sections.ensure_sections(site, row["course"], section)
        sections.add_to_sequence(site, target, cmid)
        modules.update(cmid, section=target["id"])
    sync_grade_item(site, cmid)
    bump_cacherev(site, row["course"])
    return modules.rows[cmid]


def delete_module(site: Site, cmid: int) -> None:
    """``course_delete_module``: instance, course module, section entry, context, grades and completion data."""
    modules = site.db["course_modules"]
    row = modules.rows[cmid]
    modname = modname_of(site, row)
    section = site.db["course_sections"].get(row["section"])
    if section is not None:
        sections.remove_from_sequence(site, section, cmid)
    grades.delete_module_items(site, row["course"], modname, row["instance"])
    for state in table(site.db, "course_modules_completion").where(coursemoduleid=cmid):
        table(site.db, "course_modules_completion").delete(state["id"])
    for criterion in table(site.db, "course_completion_criteria").where(course=row["course"]):
        if criterion.get("moduleinstance") == cmid:
            table(site.db, "course_completion_criteria").delete(criterion["id"])
    instance_table = table(site.db, modname)
    if row["instance"] in instance_table.rows:
        instance_table.delete(row["instance"])
    modules.delete(cmid)
    site.delete_context(CONTEXT_MODULE, cmid)
    bump_cacherev(site, row["course"])


def sync_grade_item(site: Site, cmid: int) -> None:
    """Keep the activity's grade item in step with the instance (``<mod>_grade_item_update``)."""
    row = site.db["course_modules"].rows[cmid]
    modname = modname_of(site, row)
    if not module_type(modname).graded:
        return
    instance = table(site.db, modname).rows[row["instance"]]
    grademax = float(instance.get("grade") or 0)
    if grademax <= 0:
        grades.delete_module_items(site, row["course"], modname, row["instance"])
        return
    grades.save_module_item(site, row["course"], modname, row["instance"], name=str(instance["name"]),
                            grademax=grademax, idnumber=str(row.get("idnumber") or ""),
                            gradepass=float(instance.get("gradepass") or 0))


def modname_of(site: Site, cm: Row) -> str:
    return str(site.db["modules"].rows[cm["module"]]["name"])


def instance_of(site: Site, cm: Row) -> Row:
    return table(site.db, modname_of(site, cm)).rows[cm["instance"]]


def section_number(site: Site, cm: Row) -> int:
    section = site.db["course_sections"].get(cm["section"])
    return int(section["section"]) if section else 0


def course_cms(site: Site, courseid: int) -> list[Row]:
    """The course's modules in course-page order (section by section, each in its sequence)."""
    modules = site.db["course_modules"]
    ordered: list[Row] = []
    for section in sections.course_sections(site, courseid):
        ordered.extend(modules.rows[c] for c in sections.sequence(section) if c in modules.rows)
    return ordered


def cm_for_instance(site: Site, modname: str, instanceid: int) -> Row | None:
    return site.db["course_modules"].first(module=module_id(site, modname), instance=instanceid)


def view_url(site: Site, cm: Row) -> str | None:
    modname = modname_of(site, cm)
    if module_type(modname).noviewlink:
        return None
    return site.url(f"/mod/{modname}/view.php?id={cm['id']}")
