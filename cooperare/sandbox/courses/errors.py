"""Moodle exceptions of the course side, worded as Moodle words them (strings from the 4.5 language packs)."""

from __future__ import annotations

from typing import Any

from cooperare.sandbox.exceptions import InvalidParameterException, MoodleException, missing_record
from cooperare.sandbox.site import Site


def _php_export(value: Any) -> str:
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def missing(site: Site, table: str, conditions: dict[str, Any], *, errorcode: str = "invalidrecord",
            message: str | None = None, fields: str = "*") -> MoodleException:
    """``dml_missing_record_exception`` for ``get_record($table, $conditions, MUST_EXIST)`` (any number of fields)."""
    first, value = next(iter(conditions.items()))
    error = missing_record(site, table, field=first, value=value, errorcode=errorcode, message=message)
    where = " AND ".join(f"{name} = ?" for name in conditions)
    params = "".join(f"  {i} => {_php_export(v)},\n" for i, v in enumerate(conditions.values()))
    error.debuginfo = f"SELECT {fields} FROM {{{table}}} WHERE {where}\n[array (\n{params})]"
    return error


def context_missing() -> InvalidParameterException:
    """``validate_context(false)``: what a context of a missing course or category gives."""
    return InvalidParameterException("Context does not exist")


def course_context_not_valid(courseid: int, message: str = "Invalid parameter value detected") -> MoodleException:
    return MoodleException(
        "errorcoursecontextnotvalid",
        f"You cannot execute functions in the course context (course id:{courseid}). "
        f"The context error message was: {message}")


def category_context_not_valid(categoryid: int, message: str = "Invalid parameter value detected") -> MoodleException:
    return MoodleException(
        "errorcatcontextnotvalid",
        f"You cannot execute functions in the category context (category id:{categoryid}). "
        f"The context error message was: {message}")


def invalid_param(name: str) -> MoodleException:
    return MoodleException("errorinvalidparam", f'The param "{name}" is invalid.')


def criteria_error(debuginfo: str) -> MoodleException:
    return MoodleException("criteriaerror", "Missing permissions to search on a criterion.", debuginfo=debuginfo)
