"""``local_cooperare\\local\\questions``: Moodle XML imported into the quiz's own question bank, keyed by question
idnumber; slots and marks of the quiz.

A question whose XML changed (or that was edited in Moodle since the plugin wrote it) gets a new version of the same
entry; slots reference "always the latest version". An unchanged question is left alone. Reordering, adding or
removing slots of a quiz with attempts is refused (``quizhasattempts``); pages that no longer follow
``questionsperpage`` are laid out again (``quiz_repaginate_questions``; kept when the quiz has attempts), which is
never a structure change.
"""

from __future__ import annotations

import hashlib
from typing import Any

from cooperare.sandbox.courses import modules
from cooperare.sandbox.courses.schema import table as course_table
from cooperare.sandbox.db import Row
from cooperare.sandbox.exceptions import InvalidParameterException
from cooperare.sandbox.php_text import php_trim
from cooperare.sandbox.plugin import items, questionbank, util
from cooperare.sandbox.registry import Call
from cooperare.sandbox.site import CONTEXT_MODULE, Site


def source_hash(xml: str, questionid: int) -> str:
    """The XML and the question (version) the plugin made of it: a re-import is due when either changed."""
    return hashlib.sha1((hashlib.sha1(xml.encode()).hexdigest() + ":" + str(questionid)).encode()).hexdigest()


def question_state(questionid: int, slot: dict[str, Any] | None) -> dict[str, Any]:
    """What drift is measured on: the latest version and the slot's mark."""
    return {"questionid": questionid, "maxmark": util.float_string(slot["maxmark"]) if slot else ""}


def quiz_has_attempts(site: Site, quizid: int) -> bool:
    return any(not a.get("preview") for a in course_table(site.db, "quiz_attempts") if a["quiz"] == quizid)


def managed_entries(site: Site, courseid: int, contextid: int) -> dict[str, int]:
    """Idnumber -> entry id of the pack-managed questions that live in this quiz's bank (item order)."""
    result = {}
    for row in items.rows(site).where(courseid=courseid, kind=items.KIND_QUESTION):
        if questionbank.entry_context(site, row["objectid"]) == contextid:
            result[row["idnumber"]] = int(row["objectid"])
    return result


def save(call: Call, course: Row, item: dict[str, Any]) -> dict[str, Any]:
    """Import the questions of one quiz and bring its slots in line."""
    site = call.site
    quiz_idnumber = item["quiz"]
    what = f"quiz '{quiz_idnumber}'"
    cm = util.cm_by_idnumber(call, course["id"], quiz_idnumber)
    if cm is None or util.modname(call, cm) != "quiz":
        raise InvalidParameterException(f"{what}: no quiz with this idnumber in course {course['id']}")
    context = site.context(CONTEXT_MODULE, cm["id"])
    assert context is not None
    contextid = int(context["id"])
    for capability in ("mod/quiz:manage", "moodle/question:add", "moodle/question:editall"):
        util.require_capability(call, capability)
    quiz = modules.instance_of(site, cm)
    category = questionbank.default_category(site, contextid, str(quiz["name"]))

    seen: set[str] = set()
    results: dict[str, dict[str, Any]] = {}
    desired: list[dict[str, Any]] = []
    for question in item["questions"]:
        idnumber = question["idnumber"]
        qwhat = f"question '{idnumber}' of {what}"
        if php_trim(idnumber) == "" or len(idnumber) > 100:
            raise InvalidParameterException(f"{qwhat}: the idnumber must have 1 to 100 characters")
        util.check_unique(seen, idnumber, qwhat)
        spechash = util.check_spechash(question["spechash"], qwhat)
        maxmark = float(question["maxmark"])
        if maxmark < 0 or maxmark > 1000:
            raise InvalidParameterException(f"{qwhat}: maxmark must be between 0 and 1000")
        entryid, questionid, version, action = _import_one(call, course, contextid, category, question, qwhat)
        desired.append({"entryid": entryid, "questionid": questionid, "maxmark": maxmark})
        results[idnumber] = {"idnumber": idnumber, "questionid": questionid, "version": version, "slot": 0,
                             "action": action, "spechash": spechash, "entryid": entryid,
                             "sourcehash": source_hash(question["xml"], questionid)}

    removed: dict[str, int] = {}
    if item["removemissing"]:
        for idnumber, entryid in managed_entries(site, course["id"], contextid).items():
            if idnumber not in results:
                removed[idnumber] = entryid

    structurechanged = _sync_slots(site, quiz, contextid, desired, list(removed.values()), what)

    for idnumber, entryid in removed.items():
        questionbank.delete_entry(site, entryid)
        items.delete(site, course["id"], items.KIND_QUESTION, idnumber)

    slot_by_entry = {s["entryid"]: s for s in questionbank.current_slots(site, quiz["id"], contextid) if s["entryid"]}
    questions = []
    for idnumber, result in results.items():
        slot = slot_by_entry.get(result["entryid"])
        result["slot"] = int(slot["slot"]) if slot else 0
        items.save(site, course["id"], items.KIND_QUESTION, idnumber, result["entryid"], result["spechash"],
                   result["sourcehash"], util.state_hash(question_state(result["questionid"], slot)))
        questions.append({key: result[key] for key in ("idnumber", "questionid", "version", "slot", "action")})
    return {"courseid": course["id"], "quiz": quiz_idnumber, "cmid": cm["id"], "questions": questions,
            "removed": list(removed), "structurechanged": structurechanged}


def _import_one(call: Call, course: Row, contextid: int, category: Row, question: dict[str, Any],
                what: str) -> tuple[int, int, int, str]:
    """Import one question unless nothing changed: (entry id, latest question id, version, action)."""
    site = call.site
    idnumber = question["idnumber"]
    entry = questionbank.find_entry(site, contextid, idnumber)
    row = items.get(site, course["id"], items.KIND_QUESTION, idnumber)
    if (row is not None and (entry is None or row["objectid"] != entry["id"])
            and row["objectid"] in questionbank.table(site, "question_bank_entries").rows):
        raise InvalidParameterException(f"{what}: this idnumber already belongs to a question of another quiz of the "
                                        "course")
    qo = questionbank.parse_question(question["xml"], idnumber, what)
    if entry is not None:
        questionid, version = questionbank.latest_version(site, entry["id"])
        unchanged = (row is not None and row["objectid"] == entry["id"]
                     and row["sourcehash"] == source_hash(question["xml"], questionid))
        if unchanged:
            return int(entry["id"]), questionid, version, "unchanged"
    entryid, questionid, version = questionbank.store(site, qo, category, entry, call.user["id"])
    return entryid, questionid, version, "updated" if entry is not None else "created"


def _sync_slots(site: Site, quiz: Row, contextid: int, desired: list[dict[str, Any]], removed: list[int],
                what: str) -> bool:
    """Listed questions first, in order, with their marks and pages; slots of other questions follow in their
    current order; slots of removed entries go. True when the order or membership of slots changed (pages alone are
    repaginated, not rebuilt)."""
    current = questionbank.current_slots(site, quiz["id"], contextid)
    listed = {entry["entryid"] for entry in desired}
    others = [slot for slot in current
              if not (slot["entryid"] and (slot["entryid"] in listed or slot["entryid"] in removed))]
    wanted: list[dict[str, Any]] = [{"entryid": entry["entryid"], "maxmark": util.float_string(entry["maxmark"]),
                                     "slot": None} for entry in desired]
    wanted += [{"entryid": slot["entryid"], "maxmark": util.float_string(slot["maxmark"]), "slot": slot}
               for slot in others]

    # Same slots in the same order: only marks, pinned versions and pages may need a change.
    same_order = len(wanted) == len(current) and all(
        (want["slot"]["id"] == have["id"]) if want["slot"] else (have["entryid"] == want["entryid"])
        for want, have in zip(wanted, current, strict=False))
    perpage = int(quiz.get("questionsperpage") or 0)
    # Section headings stay when the slots stay: pages break there too, as quiz_repaginate_questions does.
    starts = questionbank.section_starts(site, quiz["id"]) if same_order else []
    for want, page in zip(wanted, questionbank.paginate(len(wanted), perpage, starts), strict=True):
        want["page"] = page
    slots = course_table(site.db, "quiz_slots")
    if same_order:
        changed = False
        for want, have in zip(wanted, current, strict=True):
            if want["slot"] is None and util.float_string(have["maxmark"]) != want["maxmark"]:
                slots.update(have["id"], maxmark=float(want["maxmark"]))
                changed = True
            if want["slot"] is None and have["version"] is not None:
                reference = questionbank.slot_reference(site, slots.rows[have["id"]], contextid)
                if reference is not None:
                    questionbank.table(site, "question_references").update(reference["id"], version=None)
        if changed:
            questionbank.recompute_sumgrades(site, quiz)
        # Pages that no longer follow questionsperpage are laid out again ("Repaginate now"), not a structure change;
        # with attempts the layout is kept, as Moodle does, and pages alone are never refused.
        if any(int(have["page"]) != want["page"] for want, have in zip(wanted, current, strict=True)) \
                and not quiz_has_attempts(site, quiz["id"]):
            questionbank.repaginate(site, quiz["id"], perpage)
        return False

    if quiz_has_attempts(site, quiz["id"]):
        raise util.plugin_exception("quizhasattempts", what)
    if any(not slot["entryid"] for slot in others):
        raise InvalidParameterException(f"{what}: the quiz has random questions; the plugin cannot reorder it")
    sections = questionbank.table(site, "quiz_sections")
    for section in sections.where(quizid=quiz["id"]):
        if section["firstslot"] != 1:
            sections.delete(section["id"])
    questionbank.remove_all_slots(site, quiz)
    for want in wanted:
        questionbank.add_quiz_question(site, quiz, contextid, want["entryid"], want["page"], float(want["maxmark"]))
    questionbank.recompute_sumgrades(site, quiz)
    return True


def describe(call: Call, course: Row) -> list[dict[str, Any]]:
    """The questions (with an idnumber) of the course's quizzes (with an idnumber)."""
    site = call.site
    managed = items.get_all(site, course["id"], items.KIND_QUESTION)
    result = []
    for cm in modules.course_cms(site, course["id"]):
        if util.modname(call, cm) != "quiz" or str(cm.get("idnumber") or "") == "" or cm.get("deletioninprogress"):
            continue
        context = site.context(CONTEXT_MODULE, cm["id"])
        assert context is not None
        slot_by_entry = {s["entryid"]: s for s in questionbank.current_slots(site, cm["instance"], context["id"])
                         if s["entryid"]}
        for entry in questionbank.context_entries(site, context["id"]):
            if not entry.get("idnumber"):
                continue
            questionid, version = questionbank.latest_version(site, entry["id"])
            slot = slot_by_entry.get(entry["id"])
            item = managed.get(entry["idnumber"])
            if item is not None and item["objectid"] != entry["id"]:
                item = None
            result.append({
                "quiz": str(cm["idnumber"]), "idnumber": str(entry["idnumber"]), "questionid": questionid,
                "version": version, "qtype": questionbank.qtype_of(site, questionid),
                "slot": int(slot["slot"]) if slot else 0, "page": int(slot["page"]) if slot else 0,
                "maxmark": float(slot["maxmark"]) if slot else 0.0,
                "managed": item is not None, "spechash": item["spechash"] if item else "",
                "drift": item is not None and item["statehash"] != util.state_hash(question_state(questionid, slot)),
            })
    return result


def delete_orphans(site: Site, courseid: int) -> None:
    """``items::delete_orphan_questions``: question rows whose entry no longer exists (their quiz was deleted)."""
    entries = questionbank.table(site, "question_bank_entries").rows
    store = items.rows(site)
    for row in store.where(courseid=courseid, kind=items.KIND_QUESTION):
        if row["objectid"] not in entries:
            store.delete(row["id"])
