"""Course categories (``core_course_category``) and ``fix_course_sortorder``.

Category sortorders are 10000 apart in depth-first order (siblings by sortorder then id; a new category starts at
sortorder 0 and is moved to the end); courses of a category sit just above it, the newest first, as Moodle's
``fix_course_sortorder`` leaves them.
"""

from __future__ import annotations

from typing import Any

from cooperare.sandbox.courses.schema import MAX_COURSE_CATEGORIES, MAX_COURSES_IN_CATEGORY
from cooperare.sandbox.db import Row
from cooperare.sandbox.exceptions import MoodleException
from cooperare.sandbox.site import CONTEXT_COURSECAT, Site


def get_category(site: Site, categoryid: int) -> Row:
    """``core_course_category::get($id, MUST_EXIST)``."""
    category = site.db["course_categories"].get(categoryid)
    if category is None:
        raise MoodleException("unknowncategory", f'Unknown category with category ID number "{categoryid}"')
    return category


def _check_idnumber(site: Site, idnumber: Any, *, own_id: int | None = None) -> None:
    if len(str(idnumber)) > 100:
        raise MoodleException("idnumbertoolong", "The ID number is too long")
    if str(idnumber) == "":
        return
    for other in site.db["course_categories"].where(idnumber=idnumber):
        if other["id"] != own_id:
            raise MoodleException("categoryidnumbertaken", "ID number is already used for another category")


def _check_name(name: Any) -> None:
    if not name:
        raise MoodleException("categorynamerequired", "Category name is required")
    if len(str(name)) > 255:
        raise MoodleException("categorytoolong", "Category name too long")


def create_category(site: Site, data: dict[str, Any]) -> Row:
    """``core_course_category::create``: insert at sortorder 0, set the path, re-sort, create the context."""
    table = site.db["course_categories"]
    _check_name(data.get("name"))
    record: dict[str, Any] = {"name": data["name"], "idnumber": None, "description": "", "descriptionformat": 0}
    for key, value in data.items():
        if key.startswith("description"):
            record[key] = value
    if data.get("idnumber") is not None:
        _check_idnumber(site, data["idnumber"])
        record["idnumber"] = data["idnumber"]
    parent = get_category(site, data["parent"]) if data.get("parent") else None
    record["parent"] = parent["id"] if parent else 0
    record["depth"] = (parent["depth"] if parent else 0) + 1
    hidden = "visible" in data and not data["visible"]
    record["visible"] = 0 if hidden else (parent["visible"] if parent else 1)
    record["visibleold"] = 0 if hidden else 1
    record.update(sortorder=0, coursecount=0, timemodified=site.now(), path="", theme="")
    new_id = table.insert(record)
    table.update(new_id, path=f"{parent['path'] if parent else ''}/{new_id}")
    fix_course_sortorder(site)
    site.context(CONTEXT_COURSECAT, new_id)
    return table.rows[new_id]


def update_category(site: Site, categoryid: int, data: dict[str, Any]) -> Row:
    """``core_course_category::update``: name, idnumber, description*, parent (re-sorted afterwards)."""
    table = site.db["course_categories"]
    category = get_category(site, categoryid)
    changes: dict[str, Any] = {key: value for key, value in data.items() if key.startswith("description")}
    if data.get("name") is not None:
        _check_name(data["name"])
        changes["name"] = data["name"]
    if data.get("idnumber") is not None and data["idnumber"] != category["idnumber"]:
        _check_idnumber(site, data["idnumber"], own_id=categoryid)
        changes["idnumber"] = data["idnumber"]
    if data.get("parent") is not None and data["parent"] != category["parent"]:
        _change_parent(site, category, int(data["parent"]))
    changes["timemodified"] = site.now()
    table.update(categoryid, **changes)
    fix_course_sortorder(site)
    return table.rows[categoryid]


def _change_parent(site: Site, category: Row, parentid: int) -> None:
    parent = get_category(site, parentid) if parentid else None
    if parent is not None and (parent["id"] == category["id"]
                               or parent["path"].startswith(category["path"] + "/")):
        raise MoodleException("cannotmovecategory", "Cannot move category")
    site.db["course_categories"].update(category["id"], parent=parentid, sortorder=0)
    # Paths, depths and the contexts below are rebuilt by fix_course_sortorder.


def fix_course_sortorder(site: Site) -> None:
    """Moodle's ``fix_course_sortorder``: category tree numbering, course counts, course sortorder ranges."""
    categories = site.db["course_categories"]
    courses = site.db["course"]
    for category in list(categories):
        if category["sortorder"] == 0:
            categories.update(category["id"], sortorder=MAX_COURSES_IN_CATEGORY * MAX_COURSE_CATEGORIES)
    children: dict[int, list[Row]] = {}
    for category in sorted(categories, key=lambda c: (c["sortorder"], c["id"])):
        parent = category["parent"] if category["parent"] in categories.rows else 0
        children.setdefault(parent, []).append(category)
    counter = [0]

    def walk(parentid: int, depth: int, path: str) -> None:
        for category in children.get(parentid, []):
            counter[0] += MAX_COURSES_IN_CATEGORY
            own_path = f"{path}/{category['id']}"
            wanted: dict[str, Any] = {"parent": parentid, "depth": depth, "path": own_path, "sortorder": counter[0]}
            changed = {k: v for k, v in wanted.items() if category[k] != v}
            if changed:
                categories.update(category["id"], **changed)
                if "path" in changed:
                    _move_context(site, category["id"])
            walk(category["id"], depth + 1, own_path)

    walk(0, 1, "")
    by_category: dict[int, list[Row]] = {}
    for course in courses:
        if course["category"]:
            by_category.setdefault(course["category"], []).append(course)
    site_course = courses.get(1)
    if site_course is not None and site_course.get("sortorder") != 1:
        courses.update(1, sortorder=1)
    for category in categories:
        members = by_category.get(category["id"], [])
        if category["coursecount"] != len(members):
            categories.update(category["id"], coursecount=len(members))
        if members:
            _fix_courses_of(site, category, members)


def _fix_courses_of(site: Site, category: Row, members: list[Row]) -> None:
    courses = site.db["course"]
    base = category["sortorder"]
    if any(c["sortorder"] < base or c["sortorder"] > base + MAX_COURSES_IN_CATEGORY for c in members):
        for course in members:
            courses.update(course["id"], sortorder=course["sortorder"] % MAX_COURSES_IN_CATEGORY + base)
    orders = [c["sortorder"] for c in members]
    count = len(members)
    duplicates = len(set(orders)) != count
    if not duplicates and max(orders) == base + count and min(orders) == base + 1:
        return
    if not duplicates and min(orders) == base and max(orders) == base + count - 1:
        for course in members:  # a new course inserted at sortorder 0: shift the others up by one
            courses.update(course["id"], sortorder=course["sortorder"] + 1)
        return
    for position, course in enumerate(sorted(members, key=lambda c: (c["sortorder"], -c["id"])), start=1):
        if course["sortorder"] != base + position:
            courses.update(course["id"], sortorder=base + position)


def _move_context(site: Site, categoryid: int) -> None:
    """Re-path the context of a moved category and every context below it."""
    context = site.context(CONTEXT_COURSECAT, categoryid, create=False)
    if context is None:
        return
    old_path = context["path"]
    category = site.db["course_categories"].rows[categoryid]
    parent_path = "/1"
    if category["parent"]:
        parent_context = site.context(CONTEXT_COURSECAT, category["parent"])
        parent_path = parent_context["path"] if parent_context else "/1"
    new_path = f"{parent_path}/{context['id']}"
    if new_path == old_path:
        return
    table = site.db["context"]
    for row in list(table):
        if row["path"] == old_path or row["path"].startswith(old_path + "/"):
            path = new_path + row["path"][len(old_path):]
            table.update(row["id"], path=path, depth=path.count("/"))


def category_name(site: Site, categoryid: int) -> str:
    category = site.db["course_categories"].get(categoryid)
    return category["name"] if category else ""
