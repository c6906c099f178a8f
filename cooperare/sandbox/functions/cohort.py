"""core_cohort web-service functions (``cohort/externallib.php``, ``cohort/lib.php`` of Moodle 4.5).

Cohorts live in the system context or in a category context. ``add_cohort_members`` reports unknown users or cohorts
(warning code ``"2"``) and existing memberships (``"3"``) as warnings without undoing the other members;
``delete_cohort_members`` is silent for non-members; member lists are ordered by last name then first name in code
point order (PostgreSQL with the C.UTF-8 collation), so ``Ș`` and ``Ț`` sort after ``Z``.
"""

from __future__ import annotations

import re
from typing import Any

from cooperare.sandbox import events
from cooperare.sandbox import exceptions as mx
from cooperare.sandbox.db import Row
from cooperare.sandbox.functions.moodle_strings import coding_exception, moodle_exception
from cooperare.sandbox.functions.userlib import (
    format_text_external,
    has_capability,
    live_user,
    require_capability,
)
from cooperare.sandbox.php import php_str
from cooperare.sandbox.registry import Call, ws_function
from cooperare.sandbox.site import (
    CONTEXT_BLOCK,
    CONTEXT_COURSE,
    CONTEXT_COURSECAT,
    CONTEXT_MODULE,
    CONTEXT_SYSTEM,
    CONTEXT_USER,
    Site,
)

FORMAT_HTML = 1
ALLOWED_FORMATS = (0, 1, 2, 4)
CONTEXT_LEVEL_NAMES = {"system": CONTEXT_SYSTEM, "user": CONTEXT_USER, "coursecat": CONTEXT_COURSECAT,
                       "course": CONTEXT_COURSE, "module": CONTEXT_MODULE, "block": CONTEXT_BLOCK}
_PG_INTEGER = re.compile(r"^\s*[+-]?\d+\s*$")


# -- database-like helpers ---------------------------------------------------------------------------------------


def _var_export(value: Any) -> str:
    return f"'{value}'" if isinstance(value, str) else str(value)


def missing_row(site: Site, table: str, conditions: dict[str, Any]) -> mx.MoodleException:
    """``dml_missing_record_exception`` of ``$DB->get_record($table, $conditions, MUST_EXIST)``."""
    first, value = next(iter(conditions.items()))
    error = mx.missing_record(site, table, field=first, value=value)
    where = " AND ".join(f"{column} = ?" for column in conditions)
    values = "".join(f"  {i} => {_var_export(v)},\n" for i, v in enumerate(conditions.values()))
    error.debuginfo = f"SELECT * FROM {{{table}}} WHERE {where}\n[array (\n{values})]"
    return error


def pg_integer(value: Any) -> int:
    """A request string compared with a bigint column: PostgreSQL casts it or fails the query."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = php_str(value)
    if not _PG_INTEGER.match(text):
        raise mx.MoodleException("dmlreadexception", "Error reading from database", exception="dml_read_exception",
                                 debuginfo=f'ERROR:  invalid input syntax for type bigint: "{text}"')
    return int(text)


def cohort_by(site: Site, column: str, value: Any) -> Row | None:
    """``$DB->get_field('cohort', 'id', [$column => $value])`` as a row (the lowest id when several match)."""
    table = site.db["cohort"]
    if column == "id":
        return table.get(pg_integer(value))
    rows = table.where(**{column: value})
    return rows[0] if rows else None


def category_context_id(site: Site, categorytype: dict[str, Any], *, create: bool) -> int | None:
    """The context of the category a ``categorytype`` {type, value} names, or None when there is none."""
    column, value = categorytype["type"], categorytype["value"]
    categories = site.db["course_categories"]
    if column == "id":
        category = categories.get(pg_integer(value))
    else:
        found = categories.where(idnumber=value)
        category = found[0] if found else None
    if category is None:
        return None
    context = site.context(CONTEXT_COURSECAT, category["id"], create=create)
    return context["id"] if context else None


def context_from_params(site: Site, params: dict[str, Any]) -> Row | None:
    """``external_api::get_context_from_params`` (IGNORE_MISSING: None when the context does not exist)."""
    if params.get("contextid"):
        return site.db["context"].get(params["contextid"])
    level_name = params.get("contextlevel")
    if level_name and params.get("instanceid") is not None:
        level = int(level_name) if str(level_name).isdigit() else CONTEXT_LEVEL_NAMES.get(str(level_name))
        if level is None or level not in CONTEXT_LEVEL_NAMES.values():
            raise mx.InvalidParameterException(f"Invalid context level = {level_name}")
        instanceid = params["instanceid"]
        if level == CONTEXT_SYSTEM:
            return site.db["context"].get(1)
        owner_table = {CONTEXT_USER: "user", CONTEXT_COURSECAT: "course_categories", CONTEXT_COURSE: "course",
                       CONTEXT_MODULE: "course_modules"}.get(level)
        if owner_table is None:
            return site.context(level, instanceid, create=False)
        if site.db[owner_table].get(instanceid) is None:
            return None
        return site.context(level, instanceid)
    raise mx.InvalidParameterException(
        "Missing parameters, please provide either context level with instance id or contextid")


def _validate_format(value: Any) -> int:
    if value not in ALLOWED_FORMATS:
        raise moodle_exception("formatnotsupported", "webservice",
                               debuginfo=f"The format with value={value} is not supported by this Moodle site")
    return int(value)


def _check_cohort_context(site: Site, contextid: int) -> Row:
    context = site.db["context"].get(contextid)
    if context is None:
        raise missing_row(site, "context", {"id": contextid})
    if context["contextlevel"] not in (CONTEXT_COURSECAT, CONTEXT_SYSTEM):
        raise mx.InvalidParameterException("Invalid context")
    return context


def cohort_record(cohort: Row, *, with_customfields: bool = True) -> dict[str, Any]:
    """A cohort as the read functions return it (description formatted, theme hidden: allowcohortthemes is off)."""
    description, descriptionformat = format_text_external(cohort.get("description"),
                                                          int(cohort.get("descriptionformat", FORMAT_HTML)))
    record: dict[str, Any] = {
        "id": cohort["id"], "name": cohort["name"], "idnumber": cohort.get("idnumber"),
        "description": description, "descriptionformat": descriptionformat, "visible": bool(cohort["visible"]),
        "theme": None if cohort.get("theme") else "",
    }
    if with_customfields:
        record["customfields"] = []
    return record


# -- create / update / delete ------------------------------------------------------------------------------------


@ws_function("core_cohort_create_cohorts", atomic=True)
def create_cohorts(call: Call) -> list[dict[str, Any]]:
    site = call.site
    created = []
    for cohort in call.params["cohorts"]:
        categorytype = cohort["categorytype"]
        if categorytype["type"] not in ("idnumber", "id", "system"):
            raise mx.InvalidParameterException(f"category type must be id, idnumber or system:{categorytype['type']}")
        if categorytype["type"] == "system":
            contextid = 1
        else:
            found = category_context_id(site, categorytype, create=True)
            if found is None:
                raise mx.InvalidParameterException(
                    f"category not exists: category {categorytype['type']} = {php_str(categorytype['value'])}")
            contextid = found
        if site.db["cohort"].first(idnumber=cohort["idnumber"]) is not None:
            raise mx.InvalidParameterException(f"record already exists: idnumber={php_str(cohort['idnumber'])}")
        _check_cohort_context(site, contextid)
        require_capability(call, "moodle/cohort:manage")
        descriptionformat = _validate_format(cohort["descriptionformat"])
        now = site.now()
        row = {
            "contextid": contextid, "name": cohort["name"], "idnumber": cohort["idnumber"],
            "description": cohort.get("description") if cohort.get("description") is not None else "",
            "descriptionformat": descriptionformat,
            "visible": int(bool(cohort["visible"])) if cohort.get("visible") is not None else 1,
            "component": "", "timecreated": now, "timemodified": now, "theme": "",
        }
        cohortid = site.db["cohort"].insert(row)
        description, descriptionformat = format_text_external(row["description"], descriptionformat)
        created.append({"id": cohortid, "name": row["name"], "idnumber": row["idnumber"],
                        "description": description, "descriptionformat": descriptionformat,
                        "visible": bool(row["visible"]), "theme": ""})
    return created


@ws_function("core_cohort_update_cohorts", atomic=True)
def update_cohorts(call: Call) -> None:
    site = call.site
    for cohort in call.params["cohorts"]:
        if str(cohort["name"]).strip() == "":
            raise mx.InvalidParameterException("Invalid cohort name")
        old = site.db["cohort"].get(cohort["id"])
        if old is None:
            raise missing_row(site, "cohort", {"id": cohort["id"]})
        require_capability(call, "moodle/cohort:manage")
        categorytype = cohort["categorytype"]
        if categorytype["type"] not in ("idnumber", "id", "system"):
            raise mx.InvalidParameterException(f"category type must be id, idnumber or system:{categorytype['type']}")
        if categorytype["type"] == "system":
            contextid = 1
        else:
            found = category_context_id(site, categorytype, create=False)
            if found is None:
                raise mx.InvalidParameterException(f"category not exists: category={php_str(categorytype['value'])}")
            contextid = found
        if contextid != old["contextid"]:
            _check_cohort_context(site, contextid)
        changes: dict[str, Any] = {"name": cohort["name"], "idnumber": cohort["idnumber"], "contextid": contextid,
                                   "descriptionformat": cohort["descriptionformat"], "timemodified": site.now()}
        if cohort.get("description"):
            changes["descriptionformat"] = _validate_format(cohort["descriptionformat"])
        if "description" in cohort and cohort["description"] is not None:
            changes["description"] = cohort["description"]
        if cohort.get("visible") is not None:
            changes["visible"] = int(bool(cohort["visible"]))
        site.db["cohort"].update(old["id"], **changes)
    return None


@ws_function("core_cohort_delete_cohorts", atomic=True)
def delete_cohorts(call: Call) -> None:
    site = call.site
    for cohortid in call.params["cohortids"]:
        cohort = site.db["cohort"].get(cohortid)
        if cohort is None:
            raise missing_row(site, "cohort", {"id": cohortid})
        _check_cohort_context(site, cohort["contextid"])
        require_capability(call, "moodle/cohort:manage")
        site.db["cohort_members"].delete_where(cohortid=cohort["id"])
        site.db["cohort"].delete(cohort["id"])
        events.trigger(site, events.COHORT_DELETED, cohortid=cohort["id"])
    return None


# -- reads -------------------------------------------------------------------------------------------------------


def _require_view(call: Call) -> None:
    if not (has_capability(call.site, call.user, "moodle/cohort:manage")
            or has_capability(call.site, call.user, "moodle/cohort:view")):
        raise mx.required_capability("moodle/cohort:view", "View site-wide cohorts")


@ws_function("core_cohort_get_cohorts")
def get_cohorts(call: Call) -> list[dict[str, Any]]:
    site = call.site
    ids = call.params["cohortids"]
    table = site.db["cohort"]
    cohorts = list(table) if not ids else [table.rows[i] for i in sorted(set(ids)) if i in table.rows]
    result = []
    for cohort in cohorts:
        _check_cohort_context(site, cohort["contextid"])
        _require_view(call)
        result.append(cohort_record(cohort))
    return result


def _search_key(cohort: Row) -> tuple[Any, ...]:
    """ORDER BY name ASC, idnumber ASC (PostgreSQL puts NULLs last)."""
    idnumber = cohort.get("idnumber")
    return (cohort["name"], idnumber is None, idnumber or "")


def _matches(cohort: Row, query: str) -> bool:
    """``cohort_get_search_query``: ILIKE '%query%' on name, idnumber or description."""
    needle = query.lower()
    return any(needle in str(cohort.get(column) or "").lower() for column in ("name", "idnumber", "description"))


def _page(rows: list[Row], offset: int, limit: int) -> list[Row]:
    return rows[offset:offset + limit] if limit > 0 else rows[offset:]


@ws_function("core_cohort_search_cohorts")
def search_cohorts(call: Call) -> dict[str, Any]:
    site = call.site
    params = call.params
    query, includes = params["query"], params["includes"]
    limitfrom, limitnum = params["limitfrom"], params["limitnum"]
    context = context_from_params(site, params["context"])
    if context is None:
        raise mx.InvalidParameterException("Context does not exist")
    if not has_capability(site, call.user, "moodle/cohort:manage"):
        require_capability(call, "moodle/cohort:view")
    table = site.db["cohort"]

    def in_contexts(contextids: set[int], visible_only: bool = False) -> list[Row]:
        rows = [row for contextid in contextids for row in table.where(contextid=contextid)]
        rows = [row for row in rows if (not query or _matches(row, query)) and (row["visible"] or not visible_only)]
        return sorted(rows, key=_search_key)

    # cohort_get_cohorts() and cohort_get_all_cohorts() take limitfrom as a *page* number (offset = page * perpage).
    if includes == "self":
        results = _page(in_contexts({context["id"]}), limitfrom * limitnum, limitnum)
    elif includes == "parents":
        results = _page(in_contexts({context["id"]}), limitfrom * limitnum, limitnum)
        if context["contextlevel"] != CONTEXT_SYSTEM:
            parents = {int(part) for part in context["path"].split("/")[1:-1] if part}
            seen = {row["id"] for row in results}
            results += [row for row in _page(in_contexts(parents), limitfrom, limitnum) if row["id"] not in seen]
    elif includes == "all":
        everything = sorted((row for row in table if not query or _matches(row, query)), key=_search_key)
        results = _page(everything, limitfrom * limitnum, limitnum)
    else:
        raise coding_exception("Invalid parameter value for 'includes'.")
    return {"cohorts": [cohort_record(row) for row in results]}


# -- members -----------------------------------------------------------------------------------------------------


def _member_warning(code: str, message: str) -> dict[str, str]:
    return {"warningcode": code, "message": message}


def _add_member(call: Call, member: dict[str, Any]) -> dict[str, str] | None:
    """One item of ``add_cohort_members``: None when added, else the warning."""
    site = call.site
    cohorttype, usertype = member["cohorttype"], member["usertype"]
    ctype, cvalue = cohorttype["type"], php_str(cohorttype["value"])
    utype, uvalue = usertype["type"], php_str(usertype["value"])
    try:
        if ctype not in ("id", "idnumber"):
            return _member_warning("1", f"invalid parameter: cohortype={ctype}")
        if utype not in ("id", "username"):
            return _member_warning("1", f"invalid parameter: usertype={utype}")
        cohort = cohort_by(site, ctype, cohorttype["value"])
        if cohort is None:
            return _member_warning("2", f"cohort {ctype}={cvalue} not exists")
        user = live_user(site, "id", pg_integer(usertype["value"])) if utype == "id" else \
            live_user(site, "username", usertype["value"])
        if user is None:
            return _member_warning("2", f"user {utype}={uvalue} not exists")
        if site.db["cohort_members"].first(cohortid=cohort["id"], userid=user["id"]) is not None:
            return _member_warning("3", f"record already exists: cohort({ctype}={cvalue} {utype}={uvalue})")
        context = site.db["context"].get(cohort["contextid"])
        if context is None or context["contextlevel"] not in (CONTEXT_COURSECAT, CONTEXT_SYSTEM):
            level = context["contextlevel"] if context else ""
            return _member_warning("1", f"Invalid context: {level}")
    except mx.MoodleException as error:
        raise moodle_exception("Error", "cohort", error.message) from None
    if not (has_capability(site, call.user, "moodle/cohort:manage")
            or has_capability(site, call.user, "moodle/cohort:assign")):
        raise mx.required_capability("moodle/cohort:assign", "Add and remove cohort members")
    site.db["cohort_members"].insert({"cohortid": cohort["id"], "userid": user["id"], "timeadded": site.now()})
    events.trigger(site, events.COHORT_MEMBER_ADDED, cohortid=cohort["id"], userid=user["id"])
    return None


@ws_function("core_cohort_add_cohort_members", atomic=True)
def add_cohort_members(call: Call) -> dict[str, Any]:
    warnings = [warning for member in call.params["members"] if (warning := _add_member(call, member))]
    return {"warnings": warnings}


@ws_function("core_cohort_delete_cohort_members", atomic=True)
def delete_cohort_members(call: Call) -> None:
    site = call.site
    for member in call.params["members"]:
        cohort = site.db["cohort"].get(member["cohortid"])
        if cohort is None:
            raise missing_row(site, "cohort", {"id": member["cohortid"]})
        user = live_user(site, "id", member["userid"])
        if user is None:
            raise missing_row(site, "user", {"id": member["userid"], "deleted": 0, "mnethostid": "1"})
        _check_cohort_context(site, cohort["contextid"])
        if not (has_capability(site, call.user, "moodle/cohort:manage")
                or has_capability(site, call.user, "moodle/cohort:assign")):
            raise mx.required_capability("moodle/cohort:assign", "Add and remove cohort members")
        site.db["cohort_members"].delete_where(cohortid=cohort["id"], userid=user["id"])
        events.trigger(site, events.COHORT_MEMBER_REMOVED, cohortid=cohort["id"], userid=user["id"])
    return None


@ws_function("core_cohort_get_cohort_members")
def get_cohort_members(call: Call) -> list[dict[str, Any]]:
    site = call.site
    users = site.db["user"].rows
    result = []
    for cohortid in call.params["cohortids"]:
        cohort = site.db["cohort"].get(cohortid)
        if cohort is None:
            raise missing_row(site, "cohort", {"id": cohortid})
        _check_cohort_context(site, cohort["contextid"])
        _require_view(call)
        members = [users[row["userid"]] for row in site.db["cohort_members"].where(cohortid=cohort["id"])
                   if row["userid"] in users]
        members.sort(key=lambda user: (user["lastname"], user["firstname"], user["id"]))
        result.append({"cohortid": cohortid, "userids": [user["id"] for user in members]})
    return result
