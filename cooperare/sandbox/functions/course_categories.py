"""core_course: create, read and update course categories (``core_course_external`` category functions)."""

from __future__ import annotations

from typing import Any

from cooperare.sandbox.courses.categories import create_category, get_category, update_category
from cooperare.sandbox.courses.errors import criteria_error
from cooperare.sandbox.courses.text import external_text
from cooperare.sandbox.exceptions import MoodleException
from cooperare.sandbox.php import clean_param
from cooperare.sandbox.registry import Call, ws_function

ALLOWED_FORMATS = (0, 1, 2, 4)


def validate_format(value: Any) -> int:
    """``core_external\\util::validate_format``."""
    if value not in ALLOWED_FORMATS:
        raise MoodleException("formatnotsupported", "webservice/formatnotsupported",
                              debuginfo=f"The format with value={value} is not supported by this Moodle site")
    return int(value)


@ws_function("core_course_create_categories", atomic=True)
def create_categories(call: Call) -> list[dict[str, Any]]:
    created = []
    for item in call.params["categories"]:
        if item["parent"] and call.db["course_categories"].get(item["parent"]) is None:
            raise MoodleException("unknowcategory", "Category not known!")
        call.require("moodle/category:manage")
        validate_format(item["descriptionformat"])
        data = {key: value for key, value in item.items() if key != "theme"}  # allowcategorythemes is off
        category = create_category(call.site, data)
        created.append({"id": category["id"], "name": category["name"]})
    return created


@ws_function("core_course_update_categories", atomic=True)
def update_categories(call: Call) -> None:
    for item in call.params["categories"]:
        get_category(call.site, item["id"])
        call.require("moodle/category:manage")
        validate_format(item["descriptionformat"])
        data = {key: value for key, value in item.items() if key not in ("id", "theme")}
        update_category(call.site, item["id"], data)


def _criteria_conditions(call: Call, criteria: list[dict[str, Any]]) -> list[tuple[str, Any]]:
    """The ``key = value`` conditions of get_categories (first occurrence of each key wins, except ``ids``)."""
    conditions: list[tuple[str, Any]] = []
    seen: set[str] = set()
    for criterion in criteria:
        key = str(criterion["key"]).strip()
        if key in seen:
            continue
        value = criterion["value"]
        if key in ("id", "parent", "visible"):
            if key == "visible":
                call.require("moodle/category:viewhiddencategories")
            conditions.append((key, clean_param(value, "PARAM_INT")))
        elif key == "ids":
            ids = {int(part) for part in str(clean_param(value, "PARAM_SEQUENCE")).split(",") if part}
            conditions.append(("ids", ids))
            continue
        elif key in ("idnumber", "theme"):
            if not call.site.is_siteadmin(call.user):
                raise criteria_error(f'You don\'t have the permissions to search on the "{key}" field.')
            conditions.append((key, value if key == "idnumber" else clean_param(value, "PARAM_THEME")))
        elif key == "name":
            conditions.append((key, clean_param(value, "PARAM_TEXT")))
        else:
            raise criteria_error(f"You can not search on this criteria: {key}")
        seen.add(key)
    return conditions


def _matches(category: dict[str, Any], conditions: list[tuple[str, Any]]) -> bool:
    for key, value in conditions:
        if key == "ids":
            if category["id"] not in value:
                return False
        elif str(category.get(key)) != str(value) or category.get(key) is None:
            return False
    return True


@ws_function("core_course_get_categories")
def get_categories(call: Call) -> list[dict[str, Any]]:
    table = call.db["course_categories"]
    criteria = call.params["criteria"] or []
    if criteria:
        conditions = _criteria_conditions(call, criteria)
        found = {c["id"]: c for c in table if _matches(c, conditions)}
        if found and call.params["addsubcategories"]:
            extra = {key: value for key, value in conditions if key in ("visible", "theme")}
            for category in list(found.values()):
                for other in table:
                    if other["path"].startswith(category["path"] + "/") and all(
                            str(other.get(k)) == str(v) for k, v in extra.items()):
                        found.setdefault(other["id"], other)
        categories = list(found.values())
    else:
        categories = list(table)
    admin = call.site.is_siteadmin(call.user)
    result = []
    for category in categories:
        if not category["visible"] and not admin:
            continue
        description, descriptionformat = external_text(category["description"], category["descriptionformat"])
        info: dict[str, Any] = {"id": category["id"], "name": category["name"], "description": description,
                                "descriptionformat": descriptionformat, "parent": category["parent"],
                                "sortorder": category["sortorder"], "coursecount": category["coursecount"],
                                "depth": category["depth"], "path": category["path"]}
        if admin:
            info.update(idnumber=category["idnumber"], visible=category["visible"],
                        visibleold=category["visibleold"], timemodified=category["timemodified"],
                        theme=clean_param(category.get("theme") or "", "PARAM_THEME"))
        result.append(info)
    # Moodle sorts with strcmp on the sortorder numbers, i.e. as strings.
    return sorted(result, key=lambda c: str(c["sortorder"]))
