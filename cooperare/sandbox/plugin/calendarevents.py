"""``local_cooperare\\local\\calendarevents``: site and course calendar events keyed by the client's key (items of
kind ``calendarevent``; course id 0 in the web service is a site event, booked under the site course). The owner is
the given user or the main administrator. Only events the plugin wrote are found, updated or deleted."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cooperare.sandbox.courses.schema import FORMAT_HTML, table
from cooperare.sandbox.db import Row
from cooperare.sandbox.exceptions import InvalidParameterException
from cooperare.sandbox.plugin import items, util
from cooperare.sandbox.registry import Call
from cooperare.sandbox.site import ADMIN_ID, SITE_COURSE_ID

CAPABILITY = "moodle/calendar:manageentries"


def context_for(call: Call, courseid: int) -> int:
    """Check the capabilities for a site (0) or course event; returns the course the item is booked under."""
    if courseid == 0:
        util.require_capability(call, util.PROVISION)
        util.require_capability(call, CAPABILITY)
        return SITE_COURSE_ID
    course, _ = util.course_and_context(call, courseid, (CAPABILITY,))
    return int(course["id"])


def each(call: Call, fn: Callable[[Call, int, dict[str, Any]], dict[str, Any]]) -> list[dict[str, Any]]:
    """``calendarevents::each``: ``fn`` on every item of the call's ``events`` after its context and duplicate checks."""
    result: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in call.params["events"]:
        itemcourseid = context_for(call, item["courseid"])
        util.check_unique(seen, f"{itemcourseid}/{item['key']}", what(item))
        result.append(fn(call, itemcourseid, item))
    return result


def what(item: dict[str, Any]) -> str:
    where = "the site" if item["courseid"] == 0 else f"course {item['courseid']}"
    return f"calendar event '{item['key']}' of {where}"


def _event(call: Call, itemcourseid: int, key: str) -> Row | None:
    row = items.get(call.site, itemcourseid, items.KIND_CALENDAREVENT, key)
    return table(call.db, "event").get(row["objectid"]) if row is not None else None


def state(event: Row) -> dict[str, str]:
    return {"name": str(event["name"]), "description": str(event.get("description") or ""),
            "timestart": str(int(event["timestart"])), "timeduration": str(int(event.get("timeduration") or 0)),
            "visible": str(int(event.get("visible", 1))), "userid": str(int(event.get("userid") or 0)),
            "eventtype": str(event["eventtype"]), "courseid": str(int(event["courseid"]))}


def save(call: Call, itemcourseid: int, item: dict[str, Any]) -> dict[str, Any]:
    site = call.site
    label = what(item)
    key = item["key"]
    if key.strip() == "" or len(key) > 255:
        raise InvalidParameterException(f"{label}: the key must have 1 to 255 characters")
    if item["name"].strip() == "" or len(item["name"]) > 255:
        raise InvalidParameterException(f"{label}: the name must have 1 to 255 characters")
    if item["timestart"] <= 0:
        raise InvalidParameterException(f"{label}: timestart must be a time")
    if item["timeduration"] < 0:
        raise InvalidParameterException(f"{label}: timeduration must not be negative")
    if item["visible"] not in (0, 1):
        raise InvalidParameterException(f"{label}: visible must be 0 or 1")
    userid = item["userid"] or ADMIN_ID
    user = call.db["user"].get(userid)
    if user is None or user.get("deleted"):
        raise InvalidParameterException(f"{label}: no user {userid}")
    spechash = util.check_spechash(item["spechash"], label)
    desired = {"name": item["name"], "description": item["description"], "timestart": str(item["timestart"]),
               "timeduration": str(item["timeduration"]), "visible": str(item["visible"]), "userid": str(userid),
               "eventtype": "site" if itemcourseid == SITE_COURSE_ID else "course", "courseid": str(itemcourseid)}
    fields = {"name": item["name"], "description": item["description"], "format": FORMAT_HTML,
              "courseid": itemcourseid, "groupid": 0, "userid": userid, "modulename": "", "instance": 0,
              "eventtype": desired["eventtype"], "type": 0, "timestart": item["timestart"],
              "timeduration": item["timeduration"], "visible": item["visible"], "timemodified": site.now()}
    events = table(call.db, "event")
    event = _event(call, itemcourseid, key)
    if event is None:
        eventid = events.insert({**fields, "repeatid": 0, "uuid": "", "sequence": 1, "categoryid": 0,
                                 "component": None, "subscriptionid": None, "priority": None, "location": ""})
        action, changed = "created", list(desired)
    else:
        eventid = int(event["id"])
        current = state(event)
        changed = [name for name, value in desired.items() if current[name] != value]
        action = "updated" if changed else "unchanged"
        if changed:
            events.update(eventid, **fields)
    items.save(site, itemcourseid, items.KIND_CALENDAREVENT, key, eventid, spechash, "",
               util.state_hash(state(events.rows[eventid])))
    return {"key": key, "courseid": item["courseid"], "eventid": eventid, "action": action, "changed": changed}


def delete(call: Call, itemcourseid: int, item: dict[str, Any]) -> dict[str, Any]:
    event = _event(call, itemcourseid, item["key"])
    if event is not None:
        table(call.db, "event").delete(event["id"])
    items.delete(call.site, itemcourseid, items.KIND_CALENDAREVENT, item["key"])
    return {"key": item["key"], "courseid": item["courseid"], "eventid": int(event["id"]) if event else 0,
            "action": "deleted" if event is not None else "notfound"}


def describe(call: Call, itemcourseid: int, courseid: int) -> list[dict[str, Any]]:
    result = []
    for key, row in items.get_all(call.site, itemcourseid, items.KIND_CALENDAREVENT).items():
        event = table(call.db, "event").get(row["objectid"])
        if event is None:
            continue
        result.append({"key": key, "courseid": courseid, "eventid": event["id"], "name": event["name"],
                       "description": str(event.get("description") or ""), "timestart": int(event["timestart"]),
                       "timeduration": int(event.get("timeduration") or 0), "visible": int(event.get("visible", 1)),
                       "userid": int(event.get("userid") or 0), "eventtype": event["eventtype"],
                       "spechash": row["spechash"], "drift": row["statehash"] != util.state_hash(state(event))})
    return result
