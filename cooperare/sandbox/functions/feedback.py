"""mod_feedback: feedback activities of courses, their items, a respondent answering, a teacher reading the answers
(``mod/feedback/classes/external.php``, ``completion.php``, ``responses_table.php`` and the item types the plugin
writes: ``multichoice`` radio buttons, ``multichoicerated``, ``textarea``).

Pinned to tests/contract/4.5/plugin/plugin_feedback_responses.json and its 5.0 twin (recorded on real 4.5.6 and
5.0.6+ sites). Single-page feedbacks only (the plugin writes no page breaks), course feedbacks only (no site
feedback mapped to courses), no groups, no dependent items; capabilities as the sandbox models them (a flat list per
user, administrators holding all except where 5.0 asks without doanything).
"""

from __future__ import annotations

import re
import time
from typing import Any

from cooperare.sandbox.courses import completion, modules
from cooperare.sandbox.courses.errors import missing
from cooperare.sandbox.courses.schema import table
from cooperare.sandbox.courses.text import external_text
from cooperare.sandbox.db import Row
from cooperare.sandbox.exceptions import MoodleException, required_capability
from cooperare.sandbox.functions.quiz import course_instances, my_courses, validate_courses
from cooperare.sandbox.php import clean_param, htmlspecialchars
from cooperare.sandbox.php_text import fix_utf8, strip_tags
from cooperare.sandbox.registry import Call, ws_function
from cooperare.sandbox.site import CONTEXT_MODULE, Site

ANONYMOUS_NO = 2
SUMMARY_FIELDS = ("id", "course", "name", "intro", "introformat", "lang", "anonymous", "email_notification",
                  "multiple_submit", "autonumbering", "site_after_submit", "page_after_submit",
                  "page_after_submitformat", "publish_stats", "timeopen", "timeclose", "timemodified",
                  "completionsubmit", "coursemodule", "introfiles")
MANAGER_ONLY = ("email_notification", "site_after_submit", "page_after_submit", "timeopen", "timeclose",
                "timemodified")
ITEM_FIELDS = ("id", "feedback", "template", "name", "label", "presentation", "typ", "hasvalue", "position",
               "required", "dependitem", "dependvalue", "options")
SHORTEN = 30


def _manages(call: Call) -> bool:
    return call.site.is_siteadmin(call.user) or "mod/feedback:edititems" in (call.user.get("capabilities") or ())


def _has(call: Call, capability: str) -> bool:
    return call.site.is_siteadmin(call.user) or capability in (call.user.get("capabilities") or ())


@ws_function("mod_feedback_get_feedbacks_by_courses")
def get_feedbacks_by_courses(call: Call) -> dict[str, Any]:
    site = call.site
    courseids = call.params["courseids"] or [c["id"] for c in my_courses(call)]
    courses, warnings = validate_courses(site, courseids)
    found = []
    for cm, feedback in course_instances(site, courses, "feedback"):
        site.context(CONTEXT_MODULE, cm["id"])
        entry = {name: feedback.get(name) for name in SUMMARY_FIELDS}
        entry["intro"], entry["introformat"] = external_text(feedback["intro"], feedback["introformat"])
        entry.update(lang=clean_param(cm.get("lang") or "", "PARAM_LANG") or None, coursemodule=cm["id"],
                     introfiles=[], multiple_submit=bool(feedback["multiple_submit"]),
                     autonumbering=bool(feedback["autonumbering"]), publish_stats=bool(feedback["publish_stats"]),
                     completionsubmit=bool(feedback["completionsubmit"]),
                     email_notification=bool(feedback["email_notification"]))
        if not _manages(call):
            entry = {k: v for k, v in entry.items() if k not in MANAGER_ONLY}
        found.append(entry)
    return {"feedbacks": found, "warnings": warnings}


def _validate_feedback(call: Call, feedbackid: int) -> tuple[Row, Row]:
    feedback = table(call.db, "feedback").get(feedbackid)
    if feedback is None:
        raise missing(call.site, "feedback", {"id": feedbackid})
    cm = modules.cm_for_instance(call.site, "feedback", feedback["id"])
    if cm is None:
        raise missing(call.site, "course_modules", {"id": feedbackid})
    call.site.context(CONTEXT_MODULE, cm["id"])
    return feedback, cm


def items_of(site: Site, feedbackid: int) -> list[Row]:
    return sorted(table(site.db, "feedback_item").where(feedback=feedbackid), key=lambda r: (r["position"], r["id"]))


def _completed_by(site: Site, feedback: Row, userid: int) -> Row | None:
    return table(site.db, "feedback_completed").first(feedback=feedback["id"], userid=userid,
                                                      anonymous_response=ANONYMOUS_NO)


def _access_error(call: Call, feedback: Row, *, checksubmit: bool) -> MoodleException | None:
    """``validate_feedback_access``: the error a respondent gets, or None."""
    # Moodle 5.0 asks has_capability(..., doanything=false): an administrator answers only with a role that allows it.
    may = _has(call, "mod/feedback:complete") if call.site.version == "4.5" else \
        "mod/feedback:complete" in (call.user.get("capabilities") or ())
    if not may:
        # required_capability_exception($context, 'mod/feedback:complete', 'nopermission', ''): no such string in
        # error.php, so Moodle's message is the string's path.
        error = required_capability("mod/feedback:complete", "Complete a feedback")
        error.errorcode, error.message = "nopermission", "error/nopermission"
        return error
    now = int(time.time())
    if (feedback["timeopen"] and feedback["timeopen"] > now) or (feedback["timeclose"] and feedback["timeclose"] < now):
        return MoodleException("feedback_is_not_open", "The feedback is not open")
    if not items_of(call.site, feedback["id"]):
        return MoodleException("no_items_available_yet", "No questions have been set up yet")
    if checksubmit and not feedback["multiple_submit"] and feedback["anonymous"] == ANONYMOUS_NO \
            and _completed_by(call.site, feedback, call.user["id"]) is not None:
        # The language string changed in 5.0 (both recorded).
        return MoodleException("this_feedback_is_already_submitted", "You've already completed this activity."
                               if call.site.version == "4.5" else "You have already submitted this feedback.")
    return None


def _export_item(item: Row, number: int | None) -> dict[str, Any]:
    entry = {name: item.get(name) for name in ITEM_FIELDS}
    entry.update(nameformat=1, presentationformat=1, required=bool(item["required"]), itemfiles=[],
                 itemnumber=number, otherdata=_otherdata(item))
    order = ("id", "feedback", "template", "name", "nameformat", "label", "presentation", "presentationformat",
             "typ", "hasvalue", "position", "required", "dependitem", "dependvalue", "options", "itemfiles",
             "itemnumber", "otherdata")
    return {name: entry[name] for name in order}


def _otherdata(item: Row) -> str | None:
    return None  # get_data_for_external of the multichoice, multichoicerated and textarea items


def _exported_items(site: Site, feedback: Row) -> list[dict[str, Any]]:
    found, number = [], 0
    for item in items_of(site, feedback["id"]):
        if item["hasvalue"]:
            number += 1
        found.append(_export_item(item, number if item["hasvalue"] else None))
    return found


@ws_function("mod_feedback_get_items")
def get_items(call: Call) -> dict[str, Any]:
    feedback, _cm = _validate_feedback(call, call.params["feedbackid"])
    error = _access_error(call, feedback, checksubmit=True)
    warnings = [] if error is None else [{"item": feedback["id"], "warningcode": re.sub(r"[^A-Za-z0-9]", "",
                                                                                        error.errorcode),
                                          "message": error.message}]
    if error is None or _has(call, "mod/feedback:edititems") or _has(call, "mod/feedback:viewreports"):
        return {"items": _exported_items(call.site, feedback), "warnings": []}
    return {"items": [], "warnings": warnings}


@ws_function("mod_feedback_launch_feedback")
def launch_feedback(call: Call) -> dict[str, Any]:
    feedback, _cm = _validate_feedback(call, call.params["feedbackid"])
    error = _access_error(call, feedback, checksubmit=True)
    if error is not None:
        raise error
    items = [item for item in items_of(call.site, feedback["id"]) if item["hasvalue"]]
    kept = _tmp_values(call.site, _tmp_record(call.site, feedback, call.user["id"]))
    # get_resume_page: the page after the last one fully answered (-1: none, the only page is answered).
    return {"gopage": -1 if items and all(i["id"] in kept for i in items) else 0, "warnings": []}


@ws_function("mod_feedback_get_page_items")
def get_page_items(call: Call) -> dict[str, Any]:
    feedback, _cm = _validate_feedback(call, call.params["feedbackid"])
    error = _access_error(call, feedback, checksubmit=True)
    if error is not None and not (_has(call, "mod/feedback:edititems") or _has(call, "mod/feedback:viewreports")):
        return {"items": [], "hasprevpage": False, "hasnextpage": False, "warnings": [
            {"item": feedback["id"], "warningcode": error.errorcode.replace("_", ""), "message": error.message}]}
    page = call.params["page"]
    if page != 0:  # $pages[$page] of a one-page feedback is undefined: no items (PHP warns), page 0 before it
        return {"items": [], "hasprevpage": page > 0, "hasnextpage": False, "warnings": []}
    return {"items": _exported_items(call.site, feedback), "hasprevpage": False, "hasnextpage": False,
            "warnings": []}


def _choices(item: Row) -> list[str]:
    return str(item["presentation"]).split(">>>>>", 1)[-1].split("|")


def _valid(item: Row, value: str | None) -> bool:
    """Whether the complete form validates this item's answer (required items need one; a choice must exist)."""
    if value is None or value.strip() == "":
        return not item["required"]
    if item["typ"] == "textarea":
        return True
    return all(v.isdigit() and 1 <= int(v) <= len(_choices(item)) for v in value.split("|"))


def _create_value(item: Row, value: str) -> str:
    """What Moodle stores for an answer sent: a text cleaned as PARAM_NOTAGS by the form, then ``s()`` by
    ``create_value``; a rating cleaned as PARAM_INT (empty: "0"); a choice as given, an empty one dropped."""
    if item["typ"] == "textarea":
        return moodle_s(strip_tags(fix_utf8(value)))
    if item["typ"] == "multichoicerated":
        return str(int(value)) if value.strip().isdigit() else "0"
    return "|".join(dict.fromkeys(v for v in [value.strip()] if v not in ("", "0")))


def moodle_s(text: str) -> str:
    """Moodle's ``s()``: htmlspecialchars with ENT_QUOTES, numeric entities kept."""
    return re.sub(r"&amp;#(\d+|x[0-9a-fA-F]+);", r"&#\1;", htmlspecialchars(text, quotes=True))


def _tmp_record(site: Site, feedback: Row, userid: int) -> Row | None:
    return table(site.db, "feedback_completedtmp").first(feedback=feedback["id"], userid=userid)


def _tmp_values(site: Site, tmp: Row | None) -> dict[int, Row]:
    if tmp is None:
        return {}
    return {v["item"]: v for v in table(site.db, "feedback_valuetmp").where(completed=tmp["id"])}


@ws_function("mod_feedback_process_page")
def process_page(call: Call) -> dict[str, Any]:
    """One page sent: the form validates (required items answered, choices that exist) or nothing is kept (jumpto
    null); the answers sent are kept aside (``feedback_valuetmp``); the response is saved only when every item of the
    page holds a kept answer — an item not sent at all leaves the page incomplete (jumpto 0), as get_next_page's
    strict check does — and then the kept answers become the response (``feedback_save_tmp_values``)."""
    site = call.site
    feedback, cm = _validate_feedback(call, call.params["feedbackid"])
    error = _access_error(call, feedback, checksubmit=True)
    if error is not None:
        raise error
    posted: dict[str, str] = {}
    for response in call.params["responses"] or []:
        posted[str(response["name"])] = str(response["value"])
    result: dict[str, Any] = {"jumpto": None, "completed": False, "completionpagecontents": "", "siteaftersubmit": "",
                              "warnings": []}
    items = [item for item in items_of(site, feedback["id"]) if item["hasvalue"]]
    if not call.params["goprevious"] and not all(_valid(i, posted.get(f"{i['typ']}_{i['id']}")) for i in items):
        return result
    now = int(time.time())
    tmp = _tmp_record(site, feedback, call.user["id"])
    if tmp is None:
        tmp_id = table(site.db, "feedback_completedtmp").insert({
            "feedback": feedback["id"], "userid": call.user["id"], "guestid": "", "timemodified": now,
            "random_response": 0, "anonymous_response": feedback["anonymous"], "courseid": 0})
        tmp = table(site.db, "feedback_completedtmp").get(tmp_id)
    else:
        table(site.db, "feedback_completedtmp").update(tmp["id"], timemodified=now)
    assert tmp is not None
    kept = _tmp_values(site, tmp)
    valuetmp = table(site.db, "feedback_valuetmp")
    for item in items:
        name = f"{item['typ']}_{item['id']}"
        if name not in posted:
            continue
        value = _create_value(item, posted[name])
        if item["id"] in kept:
            valuetmp.update(kept[item["id"]]["id"], value=value)
        else:
            valuetmp.insert({"course_id": 0, "item": item["id"], "completed": tmp["id"], "tmp_completed": 0,
                             "value": value})
    result["jumpto"] = 0
    if call.params["goprevious"]:
        return result
    kept = _tmp_values(site, tmp)
    if any(item["id"] not in kept for item in items):
        return result  # the page is incomplete: Moodle shows it again
    completed = table(site.db, "feedback_completed").insert({
        "feedback": feedback["id"], "userid": call.user["id"], "guestid": "", "timemodified": now,
        "random_response": 0, "anonymous_response": feedback["anonymous"], "courseid": 0})
    stored_values = table(site.db, "feedback_value")
    for row in sorted(kept.values(), key=lambda r: r["id"]):
        stored_values.insert({"course_id": 0, "item": row["item"], "completed": completed, "tmp_completed": 0,
                              "value": row["value"]})
        valuetmp.delete(row["id"])
    table(site.db, "feedback_completedtmp").delete(tmp["id"])
    if cm.get("completion") and feedback["completionsubmit"]:
        completion.update_automatic_state(site, cm, call.user["id"])
    result["completed"] = True
    return result


def _printval(item: Row, value: str | None) -> str:
    if not value:
        return ""
    if item["typ"] == "textarea":
        return value
    choices = _choices(item)
    if item["typ"] == "multichoicerated":
        index = int(value) if value.isdigit() else 0  # "0": the rating was sent empty
        return choices[index - 1].split("####", 1)[-1] if 1 <= index <= len(choices) else ""
    picked = [choices[int(v) - 1].strip() for v in value.split("|") if v.isdigit() and 1 <= int(v) <= len(choices)]
    return "\n".join(picked).strip()


def shorten_text(text: str, ideal: int = SHORTEN) -> str:
    """``shorten_text`` on plain text: cut after the last space before ``ideal`` characters (the space kept), then
    "..." — as recorded: "Cât de util vi se pare ..."."""
    if len(text) <= ideal:
        return text
    cut = text.rfind(" ", 0, ideal)
    return (text[:cut + 1] if cut > 0 else text[:ideal]) + "..."


def _header(item: Row) -> str:
    name = shorten_text(str(item["name"]))
    return f"({item['label']}) {name}" if str(item["label"]) != "" else name


@ws_function("mod_feedback_get_responses_analysis")
def get_responses_analysis(call: Call) -> dict[str, Any]:
    site = call.site
    feedback, _cm = _validate_feedback(call, call.params["feedbackid"])
    if not _has(call, "mod/feedback:viewreports"):
        raise required_capability("mod/feedback:viewreports", "View reports")
    items = [item for item in items_of(site, feedback["id"]) if item["hasvalue"]]
    completed = table(site.db, "feedback_completed").where(feedback=feedback["id"])
    users = site.db["user"].rows
    named = [c for c in completed if c["anonymous_response"] == ANONYMOUS_NO and c["userid"] in users
             and not users[c["userid"]].get("deleted")]
    anonymous = sorted((c for c in completed if c["anonymous_response"] != ANONYMOUS_NO), key=lambda c: c["id"])
    named.sort(key=lambda c: (str(users[c["userid"]]["lastname"]), c["id"]))
    page, perpage = call.params["page"], call.params["perpage"]

    def window(rows: list[Row]) -> list[Row]:
        return rows[page * perpage:(page + 1) * perpage] if perpage > 0 else rows

    values = table(site.db, "feedback_value")

    def responses(entry: Row) -> list[dict[str, Any]]:
        answered = {v["item"]: v["value"] for v in values.where(completed=entry["id"])}
        return [{"id": item["id"], "name": _header(item), "printval": _printval(item, answered.get(item["id"])),
                 "rawval": answered.get(item["id"])} for item in items]

    attempts = [{"id": c["id"], "courseid": c["courseid"], "userid": c["userid"],
                 "timemodified": c["timemodified"], "fullname": site.fullname(users[c["userid"]]),
                 "responses": responses(c)} for c in window(named)]
    anonattempts = [{"id": c["id"], "courseid": c["courseid"], "number": number, "responses": responses(c)}
                    for number, c in enumerate(window(anonymous), start=page * perpage + 1 if perpage > 0 else 1)]
    return {"attempts": attempts, "totalattempts": len(named), "anonattempts": anonattempts,
            "totalanonattempts": len(anonymous), "warnings": []}
