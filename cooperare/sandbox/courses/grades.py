"""The gradebook (``lib/gradelib.php``) as far as the pack reads it: course category and total, activity items,
grades, and the rows of the user report.

As in Moodle, a course gets its grade category and course-total item lazily, on first gradebook use (an activity
grade item, a grade, a report read), so their ids follow that order. Aggregation is Moodle's default "Natural"
with "aggregate only non-empty grades": the course total of a user is the sum of their grades, out of the sum of the
maxima of the graded items, and each graded item weighs ``grademax / that sum``.
"""

from __future__ import annotations

from typing import Any

from cooperare.sandbox.courses.defaults import new_row
from cooperare.sandbox.courses.schema import table
from cooperare.sandbox.courses.text import format_float
from cooperare.sandbox.db import Row
from cooperare.sandbox.site import Site

GRADE_AGGREGATE_SUM = 13
GRADE_TYPE_VALUE = 1
DEFAULT_DECIMALS = 2


def course_category(site: Site, courseid: int) -> Row:
    """``grade_category::fetch_course_category``: the course's top grade category, created with its total item."""
    categories = table(site.db, "grade_categories")
    found = categories.first(courseid=courseid, parent=None)
    if found is not None:
        return found
    now = site.now()
    category_id = categories.insert(new_row("grade_categories", {
        "courseid": courseid, "parent": None, "depth": 1, "fullname": "?", "aggregation": GRADE_AGGREGATE_SUM,
        "aggregateonlygraded": 1, "timecreated": now, "timemodified": now}))
    categories.update(category_id, path=f"/{category_id}/")
    items = table(site.db, "grade_items")
    items.insert(new_row("grade_items", {
        "courseid": courseid, "itemtype": "course", "iteminstance": category_id, "grademax": 0.0,
        "sortorder": 1, "timecreated": now, "timemodified": now}))
    return categories.rows[category_id]


def course_item(site: Site, courseid: int) -> Row:
    category = course_category(site, courseid)
    item = table(site.db, "grade_items").first(courseid=courseid, itemtype="course", iteminstance=category["id"])
    assert item is not None
    return item


def activity_items(site: Site, courseid: int) -> list[Row]:
    """The course's non-total items in gradebook order."""
    items = [i for i in table(site.db, "grade_items").where(courseid=courseid) if i["itemtype"] != "course"]
    return sorted(items, key=lambda i: (i["sortorder"], i["id"]))


def item_for(site: Site, courseid: int, modname: str, instance: int, itemnumber: int = 0) -> Row | None:
    return table(site.db, "grade_items").first(courseid=courseid, itemtype="mod", itemmodule=modname,
                                               iteminstance=instance, itemnumber=itemnumber)


def save_module_item(site: Site, courseid: int, modname: str, instance: int, *, name: str, grademax: float,
                     idnumber: str = "", gradepass: float = 0.0, itemnumber: int = 0) -> Row:
    """``grade_update`` for an activity: create or update its item (under the course category)."""
    items = table(site.db, "grade_items")
    existing = item_for(site, courseid, modname, instance, itemnumber)
    now = site.now()
    values = {"itemname": name, "grademax": float(grademax), "idnumber": idnumber, "gradepass": float(gradepass),
              "timemodified": now}
    if existing is not None:
        items.update(existing["id"], **values)
        _refresh_course_max(site, courseid)
        return items.rows[existing["id"]]
    category = course_category(site, courseid)
    sortorder = max((i["sortorder"] for i in items.where(courseid=courseid)), default=0) + 1
    item_id = items.insert(new_row("grade_items", {
        "courseid": courseid, "categoryid": category["id"], "itemtype": "mod", "itemmodule": modname,
        "iteminstance": instance, "itemnumber": itemnumber, "gradetype": GRADE_TYPE_VALUE, "grademin": 0.0,
        "sortorder": sortorder, "timecreated": now, **values}))
    _refresh_course_max(site, courseid)
    return items.rows[item_id]


def delete_module_items(site: Site, courseid: int, modname: str, instance: int) -> None:
    items = table(site.db, "grade_items")
    grades = table(site.db, "grade_grades")
    for item in items.where(courseid=courseid, itemmodule=modname, iteminstance=instance):
        for grade in grades.where(itemid=item["id"]):
            grades.delete(grade["id"])
        items.delete(item["id"])
    _refresh_course_max(site, courseid)


def _refresh_course_max(site: Site, courseid: int) -> None:
    total = course_item(site, courseid)
    maximum = sum(float(i["grademax"]) for i in activity_items(site, courseid) if not i.get("hidden"))
    if float(total["grademax"]) != maximum:
        table(site.db, "grade_items").update(total["id"], grademax=maximum)


def grade_of(site: Site, itemid: int, userid: int) -> Row | None:
    return table(site.db, "grade_grades").first(itemid=itemid, userid=userid)


def set_grade(site: Site, item: Row, userid: int, grade: float | None, *, usermodified: int | None = None,
              feedback: str | None = None) -> Row:
    """Store a user's grade on an item (clamped to its range) and re-aggregate their course total."""
    grades = table(site.db, "grade_grades")
    now = site.now()
    final = None if grade is None else min(max(float(grade), float(item["grademin"])), float(item["grademax"]))
    values: dict[str, Any] = {"rawgrade": None if grade is None else float(grade), "finalgrade": final,
              "rawgrademax": float(item["grademax"]), "rawgrademin": float(item["grademin"]),
              "usermodified": usermodified, "timemodified": now}
    if feedback is not None:
        values["feedback"] = feedback
    existing = grade_of(site, item["id"], userid)
    if existing is None:
        grade_id = grades.insert(new_row("grade_grades", {"itemid": item["id"], "userid": userid,
                                                          "timecreated": now, **values}))
    else:
        grade_id = existing["id"]
        grades.update(grade_id, **values)
    regrade_user(site, item["courseid"], userid)
    return grades.rows[grade_id]


def regrade_course(site: Site, courseid: int) -> None:
    """Every graded user's course total again (after a weight changed)."""
    users = {g["userid"] for item in activity_items(site, courseid)
             for g in table(site.db, "grade_grades").where(itemid=item["id"])}
    for userid in sorted(users):
        regrade_user(site, courseid, userid)


def _weights(graded: list[tuple[Row, Row]]) -> list[float]:
    """Natural aggregation's weights of the graded items: an overridden weight (``weightoverride``) as set, the rest
    of 1 shared by the others in proportion to their maxima; normalised to 1 when the overrides exceed it."""
    overridden = sum(float(item["aggregationcoef2"] or 0) for item, _ in graded if item.get("weightoverride"))
    free_max = sum(float(item["grademax"]) for item, _ in graded if not item.get("weightoverride"))
    left = max(0.0, 1.0 - overridden)
    weights = [float(item["aggregationcoef2"] or 0) if item.get("weightoverride")
               else (left * float(item["grademax"]) / free_max if free_max else 0.0) for item, _ in graded]
    total = sum(weights)
    return [w / total for w in weights] if total > 1 else weights


def regrade_user(site: Site, courseid: int, userid: int) -> None:
    """Natural aggregation of one user's course total (only non-empty grades count). With no weight overridden,
    the total is the sum of the grades; with overrides, the weighted fractions times the graded maxima."""
    grades = table(site.db, "grade_grades")
    total_item = course_item(site, courseid)
    graded: list[tuple[Row, Row]] = []
    for item in activity_items(site, courseid):
        row = grade_of(site, item["id"], userid)
        if row is not None and row["finalgrade"] is not None and not item.get("hidden"):
            graded.append((item, row))
    maximum = sum(float(item["grademax"]) for item, _ in graded)
    weights = _weights(graded)
    for (_, row), weight in zip(graded, weights, strict=True):
        grades.update(row["id"], aggregationstatus="used", aggregationweight=weight)
    total_row = grade_of(site, total_item["id"], userid)
    if not graded:
        if total_row is not None:
            grades.update(total_row["id"], finalgrade=None, rawgrademax=float(total_item["grademax"]))
        return
    if any(item.get("weightoverride") for item, _ in graded):
        final = maximum * sum(w * float(row["finalgrade"]) / float(item["grademax"])
                              for (item, row), w in zip(graded, weights, strict=True) if float(item["grademax"]))
    else:
        final = sum(float(row["finalgrade"]) for _, row in graded)
    values = {"finalgrade": final, "rawgrademax": maximum,
              "rawgrademin": 0.0, "timemodified": site.now()}
    if total_row is None:
        grades.insert(new_row("grade_grades", {"itemid": total_item["id"], "userid": userid,
                                               "timecreated": site.now(), **values}))
    else:
        grades.update(total_row["id"], **values)


def course_grade(site: Site, courseid: int, userid: int) -> float | None:
    """The user's course total (None when nothing is graded)."""
    row = grade_of(site, course_item(site, courseid)["id"], userid)
    return None if row is None or row["finalgrade"] is None else float(row["finalgrade"])


def report_rows(site: Site, courseid: int, userid: int, cmids: dict[tuple[str, int], int]) -> list[dict[str, Any]]:
    """The ``gradeitems`` of gradereport_user for one user: activity items in order, then the course total.

    ``cmids`` maps (modname, instance) to the course module id shown with activity items.
    """
    rows = [_report_row(site, item, userid, cmids.get((item["itemmodule"], item["iteminstance"])))
            for item in activity_items(site, courseid)]
    rows.append(_report_row(site, course_item(site, courseid), userid, None))
    return rows


def _report_row(site: Site, item: Row, userid: int, cmid: int | None) -> dict[str, Any]:
    grade = grade_of(site, item["id"], userid)
    value = None if grade is None or grade["finalgrade"] is None else float(grade["finalgrade"])
    grademin, grademax = float(item["grademin"]), float(item["grademax"])
    if value is not None and grade is not None:
        grademin, grademax = float(grade["rawgrademin"]), float(grade["rawgrademax"])
    row: dict[str, Any] = {
        "id": item["id"], "itemname": item["itemname"], "itemtype": item["itemtype"],
        "itemmodule": item["itemmodule"], "iteminstance": item["iteminstance"], "itemnumber": item["itemnumber"],
        "idnumber": item["idnumber"], "categoryid": item["categoryid"], "outcomeid": item["outcomeid"],
        "scaleid": item["outcomeid"], "locked": bool(item["locked"]),
    }
    if cmid is not None:
        row["cmid"] = cmid
    weight = None if grade is None else grade.get("aggregationweight")
    status = "unknown" if grade is None else grade.get("aggregationstatus", "unknown")
    if weight is not None:
        row["weightraw"] = weight
        row["weightformatted"] = format_float(float(weight) * 100.0, 2) + " %"
    if status not in ("used", "unknown"):
        row["status"] = status
    row.update({
        "graderaw": value,
        "gradedatesubmitted": None if grade is None else grade["timecreated"],
        "gradedategraded": None if grade is None or value is None else grade["timemodified"],
        "gradehiddenbydate": False,
        "gradeneedsupdate": bool(item["needsupdate"]),
        "gradeishidden": bool(item["hidden"]) or bool(grade and grade["hidden"]),
        "gradeislocked": bool(grade and grade["locked"]) or bool(item["locked"]),
        "gradeisoverridden": bool(grade and grade["overridden"]),
        "gradeformatted": "-" if value is None else format_float(value, DEFAULT_DECIMALS),
        "grademin": grademin,
        "grademax": grademax,
        "rangeformatted": f"{format_float(grademin, 0)}&ndash;{format_float(grademax, 0)}",
        "percentageformatted": _percentage(value, grademin, grademax),
        "feedback": (grade or {}).get("feedback") or "",
        "feedbackformat": (grade or {}).get("feedbackformat", 0),
    })
    return row


def _percentage(value: float | None, grademin: float, grademax: float) -> str:
    if value is None:
        return "-"
    span = grademax - grademin
    percent = 0.0 if span == 0 else 100.0 * (value - grademin) / span
    return format_float(percent, 2) + " %"
