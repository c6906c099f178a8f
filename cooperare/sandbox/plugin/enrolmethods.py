"""``local_cooperare\\local\\enrolmethods``: the self enrolment and guest access instances of a course, one of each
keyed by the method, plus keyed self enrolment instances (one per event, item idnumber ``self:KEY``). The managed
instance is the one the plugin wrote, else the course's first of that method not managed under a key (the disabled
default Moodle adds to every new course), else a new one; a keyed instance is only ever the one written under its key,
else a new one. With a group name, the course group whose idnumber is the key is created or renamed, the instance's
users are put into it, and the ``user_enrolment_created`` observer puts later ones there. Must not touch manual or
cohort instances."""

from __future__ import annotations

from typing import Any

from cooperare.sandbox import events
from cooperare.sandbox.courses import enrolments, groups
from cooperare.sandbox.courses.schema import ENROL_INSTANCE_DISABLED, ENROL_INSTANCE_ENABLED, table
from cooperare.sandbox.db import Row
from cooperare.sandbox.exceptions import InvalidParameterException
from cooperare.sandbox.plugin import cohortsync, enrol_cohort, items, util
from cooperare.sandbox.registry import Call
from cooperare.sandbox.site import COURSE_ASSIGNABLE_ROLES

METHODS = ("self", "guest")
# What add_instance() leaves in the fields the plugin does not manage (Moodle's defaults for a new self instance).
SELF_DEFAULTS = {"customint1": 0, "customint2": 0, "customint3": 0, "customint4": 0, "enrolperiod": 0,
                 "expirynotify": 0, "notifyall": 0, "expirythreshold": 86400}


def idnumber(method: str, key: str) -> str:
    return method if key == "" else f"{method}:{key}"


def key_of(item_idnumber: str) -> str:
    return item_idnumber.split(":", 1)[1] if ":" in item_idnumber else ""


def _instance(call: Call, courseid: int, method: str, key: str) -> Row | None:
    found = sorted(table(call.db, "enrol").where(courseid=courseid, enrol=method), key=lambda i: i["id"])
    if key:
        row = items.get(call.site, courseid, items.KIND_ENROLMETHOD, idnumber(method, key))
        return next((i for i in found if row is not None and i["id"] == row["objectid"]), None)
    keyed = {row["objectid"] for name, row in items.get_all(call.site, courseid, items.KIND_ENROLMETHOD).items()
             if name != method}
    return items.managed_or_first(call.site, courseid, items.KIND_ENROLMETHOD, method,
                                  [i for i in found if i["id"] not in keyed])


def group_of(site: Any, courseid: int, key: str) -> Row | None:
    """The course's group whose idnumber is the key (the first by id), or None."""
    if key == "":
        return None
    found = sorted(table(site.db, "groups").where(courseid=courseid, idnumber=key), key=lambda g: g["id"])
    return found[0] if found else None


def state(instance: Row, key: str = "", site: Any = None) -> dict[str, str]:
    result = {"status": str(int(instance.get("status") or 0)), "name": str(instance.get("name") or "")}
    if instance["enrol"] == "self":
        result.update({
            "enrolstartdate": str(int(instance.get("enrolstartdate") or 0)),
            "enrolenddate": str(int(instance.get("enrolenddate") or 0)),
            "roleid": str(int(instance.get("roleid") or 0)),
            "cohortid": str(int(instance.get("customint5") or 0)),
            "newenrols": str(int(instance.get("customint6") or 0)),
            "maxenrolled": str(int(instance.get("customint3") or 0)),
        })
        if key:
            group = group_of(site, instance["courseid"], key)
            result["groupname"] = str(group["name"]) if group else ""
    return result


def _desired(call: Call, contextid: int, item: dict[str, Any], what: str) -> dict[str, str]:
    if item["status"] not in (ENROL_INSTANCE_ENABLED, ENROL_INSTANCE_DISABLED):
        raise InvalidParameterException(f"{what}: status must be 0 (enabled) or 1 (disabled)")
    if len(item["name"]) > 255:
        raise InvalidParameterException(f"{what}: the name is longer than 255 characters")
    desired = {"status": str(item["status"]), "name": item["name"]}
    if item["method"] == "guest":
        if item["enrolstartdate"] or item["enrolenddate"] or item["cohortidnumber"] != "":
            raise InvalidParameterException(f"{what}: guest access has no enrolment dates and no cohort")
        if item["key"] != "" or item["groupname"] != "" or item["maxenrolled"]:
            raise InvalidParameterException(f"{what}: guest access has one instance per course, no key, no group and "
                                            "no capacity")
        return desired
    if item["enrolstartdate"] < 0 or item["enrolenddate"] < 0:
        raise InvalidParameterException(f"{what}: enrolment dates must be 0 (none) or a time")
    if item["enrolenddate"] and item["enrolenddate"] < item["enrolstartdate"]:
        raise InvalidParameterException(f"{what}: the enrolment end date is before the start date")
    if item["newenrols"] not in (0, 1):
        raise InvalidParameterException(f"{what}: newenrols must be 0 or 1")
    if item["maxenrolled"] < 0:
        raise InvalidParameterException(f"{what}: maxenrolled must be 0 (no limit) or more")
    role = call.db["role"].first(shortname=item["role"])
    if role is None or role["id"] not in COURSE_ASSIGNABLE_ROLES:
        raise InvalidParameterException(f"{what}: role '{item['role']}' cannot be assigned in this course")
    cohortid = 0
    if item["cohortidnumber"] != "":
        cohortid = int(cohortsync.find_cohort(call, item["cohortidnumber"], contextid, what)["id"])
    if len(item["key"]) > 100:
        raise InvalidParameterException(f"{what}: the key is longer than 100 characters")
    if item["groupname"] != "" and item["key"] == "":
        raise InvalidParameterException(f"{what}: only a keyed instance puts its users into a group")
    if len(item["groupname"]) > 254:
        raise InvalidParameterException(f"{what}: the group name is longer than 254 characters")
    desired.update({"enrolstartdate": str(item["enrolstartdate"]), "enrolenddate": str(item["enrolenddate"]),
                    "roleid": str(role["id"]), "cohortid": str(cohortid), "newenrols": str(item["newenrols"]),
                    "maxenrolled": str(item["maxenrolled"])})
    if item["groupname"] != "":
        desired["groupname"] = item["groupname"]
    return desired


def _fields(desired: dict[str, str]) -> dict[str, Any]:
    fields: dict[str, Any] = {"status": int(desired["status"]), "name": desired["name"]}
    if "roleid" in desired:
        fields.update({"enrolstartdate": int(desired["enrolstartdate"]), "enrolenddate": int(desired["enrolenddate"]),
                       "roleid": int(desired["roleid"]), "customint5": int(desired["cohortid"]),
                       "customint6": int(desired["newenrols"]), "customint3": int(desired["maxenrolled"])})
    return fields


def save(call: Call, course: Row, contextid: int, item: dict[str, Any]) -> dict[str, Any]:
    """Create or update the self or guest instance of one course."""
    site = call.site
    method, key = item["method"], str(item["key"])
    what = f"{method} enrolment{f' {key!r}' if key else ''} of course {course['id']}"
    if method not in METHODS:
        raise InvalidParameterException(f"{what}: method must be one of {', '.join(METHODS)}")
    util.require_capability(call, f"enrol/{method}:config")
    if not enrol_cohort.enabled(site, method):
        raise util.plugin_exception("enrolmethoddisabled", what)
    spechash = util.check_spechash(item["spechash"], what)
    desired = _desired(call, contextid, item, what)
    instance = _instance(call, course["id"], method, key)
    if instance is None:
        extra = dict(SELF_DEFAULTS) if method == "self" else {"password": ""}
        instance = enrolments.add_instance(site, course["id"], method, {**extra, **_fields(desired)})
        action, changed = "created", list(desired)
    else:
        current = state(instance, key, site)
        changed = [name for name, value in desired.items() if current[name] != value]
        action = "updated" if changed else "unchanged"
        if set(changed) - {"groupname"}:
            table(call.db, "enrol").update(instance["id"], **_fields(desired), timemodified=site.now())
    enrolid = int(instance["id"])
    instance = call.db["enrol"].rows[enrolid]
    if "groupname" in desired:
        _save_group(site, instance, key, desired["groupname"])
    items.save(site, course["id"], items.KIND_ENROLMETHOD, idnumber(method, key), enrolid, spechash, "",
               util.state_hash(state(instance, key, site)))
    return {"courseid": course["id"], "method": method, "key": key, "enrolid": enrolid, "action": action,
            "changed": changed}


def _save_group(site: Any, instance: Row, key: str, name: str) -> None:
    """The keyed instance's group: created or renamed, every user of the instance in it."""
    group = group_of(site, instance["courseid"], key)
    if group is None:
        group = groups.create_group(site, instance["courseid"], {"idnumber": key, "name": name, "description": ""})
    elif group["name"] != name:
        table(site.db, "groups").update(group["id"], name=name, timemodified=site.now())
        group = table(site.db, "groups").rows[group["id"]]
    for ue in sorted(site.db["user_enrolments"].where(enrolid=instance["id"]), key=lambda ue: ue["userid"]):
        groups.add_member(site, group, ue["userid"])


def user_enrolled(site: Any, *, enrolid: int, userid: int) -> None:
    """Observer of ``user_enrolment_created``: through a keyed self instance with a group, into the group."""
    instance = table(site.db, "enrol").get(enrolid)
    if instance is None or instance["enrol"] != "self":
        return
    for row in items.get_all(site, instance["courseid"], items.KIND_ENROLMETHOD).values():
        if row["objectid"] != enrolid:
            continue
        group = group_of(site, instance["courseid"], key_of(str(row["idnumber"])))
        if group is not None:
            groups.add_member(site, group, userid)


events.observe(events.USER_ENROLMENT_CREATED, user_enrolled)


def describe(call: Call, course: Row) -> list[dict[str, Any]]:
    managed = {row["objectid"]: row for row in items.get_all(call.site, course["id"], items.KIND_ENROLMETHOD).values()}
    result = []
    for instance in sorted(table(call.db, "enrol").where(courseid=course["id"]), key=lambda i: i["id"]):
        if instance["enrol"] not in METHODS:
            continue
        is_self = instance["enrol"] == "self"
        role = call.db["role"].get(instance.get("roleid")) if instance.get("roleid") else None
        cohort = call.db["cohort"].get(instance.get("customint5")) if is_self and instance.get("customint5") else None
        row = managed.get(instance["id"])
        key = key_of(str(row["idnumber"])) if row else ""
        group = group_of(call.site, course["id"], key) if is_self else None
        result.append({
            "enrolid": instance["id"], "method": instance["enrol"], "status": int(instance["status"]),
            "name": str(instance.get("name") or ""),
            "enrolstartdate": int(instance.get("enrolstartdate") or 0) if is_self else 0,
            "enrolenddate": int(instance.get("enrolenddate") or 0) if is_self else 0,
            "role": str(role["shortname"]) if is_self and role else "",
            "cohortidnumber": str(cohort.get("idnumber") or "") if cohort else "",
            "newenrols": int(instance.get("customint6") or 0) if is_self else 0,
            "maxenrolled": int(instance.get("customint3") or 0) if is_self else 0,
            "key": key, "groupname": str(group["name"]) if group else "",
            "haspassword": str(instance.get("password") or "") != "",
            "managed": row is not None, "spechash": row["spechash"] if row else "",
            "drift": row is not None and row["statehash"] != util.state_hash(state(instance, key, call.site)),
        })
    return result
