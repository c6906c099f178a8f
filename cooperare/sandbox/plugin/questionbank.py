"""Core's question bank as the plugin uses it (``lib/questionlib.php``, ``question/format/xml``): categories of a
context, entries with versions, questions with their answers, quiz slots referencing entries.

The Moodle XML import reads what the sandbox needs (type, name, text, marks, answers with their grades, matching
pairs) with :mod:`xml.etree.ElementTree`, and reports what ``qformat_xml`` would refuse (a missing name, a type it
does not know) the way the plugin relays ``qformat_xml``'s errors. Questions are not run: attempts in the sandbox
carry their final mark only (:mod:`..courses.quizzes`).
"""

from __future__ import annotations

import secrets
import xml.etree.ElementTree as ET
from collections.abc import Collection
from typing import Any

from cooperare.sandbox.courses.schema import table as course_table
from cooperare.sandbox.db import Row, Table
from cooperare.sandbox.exceptions import InvalidParameterException
from cooperare.sandbox.php import php_float, php_str
from cooperare.sandbox.php_text import php_trim
from cooperare.sandbox.site import Site

QUESTION_TABLES: dict[str, list[tuple[str, ...]]] = {
    "question_categories": [("contextid",), ("parent",)],
    "question": [],
    "question_bank_entries": [("questioncategoryid", "idnumber"), ("questioncategoryid",)],
    "question_versions": [("questionbankentryid",), ("questionid",)],
    "question_answers": [("question",)],
    "qtype_match_subquestions": [("questionid",)],
    "question_references": [("component", "questionarea", "itemid"), ("questionbankentryid",)],
    "quiz_sections": [("quizid",)],
}

STATUS_READY = "ready"
FORMATS = {"moodle_auto_format": 0, "html": 1, "plain_text": 2, "markdown": 4}

# question_bank::fraction_options_full() (grades as fractions).
_POSITIVE = (1.0, 0.9, 0.8333333, 0.8, 0.75, 0.7, 0.6666667, 0.6, 0.5, 0.4, 0.3333333, 0.3, 0.25, 0.2, 0.1666667,
             0.1428571, 0.125, 0.1111111, 0.1, 0.05)
FRACTION_OPTIONS = _POSITIVE + (0.0,) + tuple(-value for value in _POSITIVE)

# Question types of a standard Moodle 4.5 / 5.0 site; qformat_xml names two of them differently.
INSTALLED_QTYPES = frozenset({
    "calculated", "calculatedmulti", "calculatedsimple", "ddimageortext", "ddmarker", "ddwtos", "description",
    "essay", "gapselect", "match", "multianswer", "multichoice", "numerical", "ordering", "random", "randomsamatch",
    "shortanswer", "truefalse",
})
XML_TYPES = {"matching": "match", "cloze": "multianswer"}
# Types qformat_xml reads itself; the others are read by their question type's import_from_xml (random has none).
XML_OWN_TYPES = frozenset({"multichoice", "truefalse", "shortanswer", "numerical", "description", "match",
                           "multianswer", "essay", "calculated", "calculatedsimple", "calculatedmulti"})
WITH_FRACTIONS = frozenset({"multichoice", "shortanswer", "numerical", "calculated", "calculatedsimple",
                            "calculatedmulti"})


def table(site: Site, name: str) -> Table:
    """A question-bank table (created with its indexes on first use)."""
    if name in QUESTION_TABLES:
        return site.db.table(name, indexes=QUESTION_TABLES[name])
    return course_table(site.db, name)


# -- Moodle XML ---------------------------------------------------------------------------------------------------

def _bad(what: str, message: str) -> InvalidParameterException:
    return InvalidParameterException(f"{what}: {message}")


def _text(element: ET.Element | None, *, trim: bool = True) -> str | None:
    """``<x><text>…</text></x>``: the text (None when there is no ``<text>``)."""
    if element is None:
        return None
    inner = element.find("text")
    if inner is None:
        return None
    value = inner.text or ""
    return php_trim(value) if trim else value


def _format(element: ET.Element | None, default: str = "html") -> int:
    name = element.get("format", default) if element is not None else default
    return FORMATS.get(name, 1)


def _child_text(question: ET.Element, tag: str, default: str | None = None) -> str | None:
    found = question.find(tag)
    return default if found is None else (found.text or "")


def parse_question(xml: str, idnumber: str, what: str) -> dict[str, Any]:
    """Check the envelope, then read the one question as ``qformat_xml`` would: the question object (``qo``)."""
    if php_trim(xml) == "":
        raise _bad(what, "the XML is empty")
    try:
        root = ET.fromstring(xml)
    except (ET.ParseError, ValueError):
        root = None
    if root is None or root.tag != "quiz":
        raise _bad(what, "the XML cannot be read: it must be a well-formed <quiz> document")
    questions = []
    for child in root:
        if not isinstance(child.tag, str):
            continue
        if child.tag != "question" or child.get("type") == "category":
            raise _bad(what, f"the XML must hold exactly one question and nothing else (found <{child.tag}>)")
        questions.append(child)
    if len(questions) != 1:
        raise _bad(what, f"the XML must hold exactly one question (found {len(questions)})")
    question = questions[0]

    errors: list[str] = []
    xmltype = question.get("type") or ""
    qtype = XML_TYPES.get(xmltype, xmltype)
    if qtype not in XML_OWN_TYPES and (qtype not in INSTALLED_QTYPES or qtype == "random"):
        errors.append(f"Question type {xmltype} is not supported by qformat_xml import")
    name = _text(question.find("name"))
    if name is None:
        errors.append("Missing question name in xml file")
    if errors:
        raise _bad(what, "the XML cannot be imported: " + " ".join(f"Error importing question {e}" for e in errors))
    if qtype in ("random", "randomsamatch"):
        raise _bad(what, f"question type '{qtype}' is not supported here")

    questiontext = question.find("questiontext")
    generalfeedback = question.find("generalfeedback")
    xml_idnumber = _child_text(question, "idnumber")
    if xml_idnumber is not None and xml_idnumber != "" and xml_idnumber != idnumber:
        raise _bad(what, f"the XML has idnumber '{xml_idnumber}'")
    penalty = php_float(_child_text(question, "penalty", "0.3333333"))
    qo: dict[str, Any] = {
        "qtype": qtype, "name": (name or "")[:255], "idnumber": idnumber,
        "questiontext": _text(questiontext, trim=False) or "", "questiontextformat": _format(questiontext),
        "generalfeedback": _text(generalfeedback, trim=False) or "", "generalfeedbackformat": _format(generalfeedback),
        "defaultmark": php_float(_child_text(question, "defaultgrade", "1")),
        "penalty": 0.3333333 if abs(penalty - 0.3333333) < 0.005 else penalty,
        "length": 0 if qtype == "description" else 1,
        "answers": [], "subquestions": [],
    }
    for answer in question.findall("answer"):
        feedback = answer.find("feedback")
        qo["answers"].append({
            "answer": _text(answer, trim=False) or "", "answerformat": _format(answer, "moodle_auto_format"),
            "fraction": php_float(answer.get("fraction", "0")) / 100,
            "feedback": _text(feedback, trim=False) or "", "feedbackformat": _format(feedback),
        })
    for sub in question.findall("subquestion"):
        qo["subquestions"].append({"questiontext": _text(sub, trim=False) or "",
                                   "questiontextformat": _format(sub),
                                   "answertext": _text(sub.find("answer"), trim=False) or ""})
    if qtype in WITH_FRACTIONS:
        for answer in qo["answers"]:
            matched = next((option for option in FRACTION_OPTIONS if abs(answer["fraction"] - option) < 0.00001), None)
            if matched is None:
                raise _bad(what, f"answer grade {php_str(answer['fraction'])} is not one Moodle accepts")
            answer["fraction"] = matched
    return qo


# -- categories, entries, versions --------------------------------------------------------------------------------

def default_category(site: Site, contextid: int, name: str) -> Row:
    """The default category of a context's question bank, with its "top" parent, created on first use.

    Moodle 4.5 makes them with ``question_make_default_categories([$context])``; 5.0 with
    ``question_get_default_category($contextid, true)``: the same two rows either way.
    """
    categories = table(site, "question_categories")
    found = [c for c in categories.where(contextid=contextid) if c["parent"]]
    if found:
        return found[0]
    top = next((c for c in categories.where(contextid=contextid) if not c["parent"]), None)
    if top is None:
        top_id = categories.insert({"name": "top", "contextid": contextid, "info": "", "infoformat": 0,
                                    "stamp": _stamp(site), "parent": 0, "sortorder": 0, "idnumber": None})
        top = categories.rows[top_id]
    category_id = categories.insert({
        "name": f"Default for {name}", "contextid": contextid,
        "info": f"The default category for questions shared in context '{name}'.", "infoformat": 0,
        "stamp": _stamp(site), "parent": top["id"], "sortorder": 999, "idnumber": None})
    return categories.rows[category_id]


def _stamp(site: Site) -> str:
    """``make_unique_id_code``: host name, time, random."""
    return f"127.0.0.1+{site.now()}+{secrets.token_hex(3)}"


def context_entries(site: Site, contextid: int) -> list[Row]:
    """The question bank entries of a context's categories, by id."""
    entries = table(site, "question_bank_entries")
    found = [entry for category in table(site, "question_categories").where(contextid=contextid)
             for entry in entries.where(questioncategoryid=category["id"])]
    return sorted(found, key=lambda e: e["id"])


def find_entry(site: Site, contextid: int, idnumber: str) -> Row | None:
    entries = table(site, "question_bank_entries")
    found = [entry for category in table(site, "question_categories").where(contextid=contextid)
             for entry in entries.where(questioncategoryid=category["id"], idnumber=idnumber)]
    return min(found, key=lambda e: e["id"]) if found else None


def entry_context(site: Site, entryid: int) -> int | None:
    entry = table(site, "question_bank_entries").get(entryid)
    if entry is None:
        return None
    category = table(site, "question_categories").get(entry["questioncategoryid"])
    return int(category["contextid"]) if category else None


def latest_version(site: Site, entryid: int) -> tuple[int, int]:
    """(question id, version) of an entry's latest version; (0, 0) when it has none."""
    versions = table(site, "question_versions").where(questionbankentryid=entryid)
    if not versions:
        return 0, 0
    latest = max(versions, key=lambda v: v["version"])
    return int(latest["questionid"]), int(latest["version"])


def qtype_of(site: Site, questionid: int) -> str:
    question = table(site, "question").get(questionid)
    return str(question["qtype"]) if question else ""


def store(site: Site, qo: dict[str, Any], category: Row, entry: Row | None, userid: int) -> tuple[int, int, int]:
    """A parsed question as a new entry, or as a new version of ``entry``: (entry id, question id, version)."""
    now = site.now()
    question_id = table(site, "question").insert({
        "parent": 0, "name": qo["name"], "questiontext": qo["questiontext"],
        "questiontextformat": qo["questiontextformat"], "generalfeedback": qo["generalfeedback"],
        "generalfeedbackformat": qo["generalfeedbackformat"], "defaultmark": qo["defaultmark"],
        "penalty": qo["penalty"], "qtype": qo["qtype"], "length": qo["length"], "stamp": _stamp(site),
        "timecreated": now, "timemodified": now, "createdby": userid, "modifiedby": userid,
    })
    entries = table(site, "question_bank_entries")
    versions = table(site, "question_versions")
    if entry is None:
        entry_id = entries.insert({"questioncategoryid": category["id"], "idnumber": qo["idnumber"],
                                   "ownerid": userid})
        version = 1
    else:
        entry_id = entry["id"]
        version = max((v["version"] for v in versions.where(questionbankentryid=entry_id)), default=0) + 1
    versions.insert({"questionbankentryid": entry_id, "questionid": question_id, "version": version,
                     "status": STATUS_READY})
    for answer in qo["answers"]:
        table(site, "question_answers").insert({"question": question_id, **answer})
    for sub in qo["subquestions"]:
        table(site, "qtype_match_subquestions").insert({"questionid": question_id, **sub})
    return int(entry_id), int(question_id), version


def delete_question(site: Site, questionid: int) -> None:
    """``question_delete_question`` (the sandbox's attempts use no questions, so a version is never kept hidden)."""
    for name, column in (("question_answers", "question"), ("qtype_match_subquestions", "questionid")):
        for row in table(site, name).where(**{column: questionid}):
            table(site, name).delete(row["id"])
    versions = table(site, "question_versions")
    for version in versions.where(questionid=questionid):
        versions.delete(version["id"])
        if not versions.where(questionbankentryid=version["questionbankentryid"]):
            entries = table(site, "question_bank_entries")
            if version["questionbankentryid"] in entries.rows:
                entries.delete(version["questionbankentryid"])
    if questionid in table(site, "question").rows:
        table(site, "question").delete(questionid)


def delete_entry(site: Site, entryid: int) -> None:
    """Every version of an entry (the entry goes with its last version)."""
    for version in table(site, "question_versions").where(questionbankentryid=entryid):
        delete_question(site, int(version["questionid"]))


def delete_context(site: Site, contextid: int) -> None:
    """``question_delete_context``: the questions and categories of a context (a deleted quiz's own bank)."""
    for entry in context_entries(site, contextid):
        delete_entry(site, entry["id"])
    categories = table(site, "question_categories")
    for category in sorted(categories.where(contextid=contextid), key=lambda c: -c["id"]):
        categories.delete(category["id"])


# -- quiz slots ---------------------------------------------------------------------------------------------------

def slot_reference(site: Site, slot: Row, contextid: int) -> Row | None:
    for reference in table(site, "question_references").where(component="mod_quiz", questionarea="slot",
                                                               itemid=slot["id"]):
        if reference["usingcontextid"] == contextid:
            return reference
    return None


def current_slots(site: Site, quizid: int, contextid: int) -> list[dict[str, Any]]:
    """The slots of a quiz in order: id, slot, page, maxmark, the referenced entry (0 for none) and pinned version."""
    result = []
    for slot in sorted(course_table(site.db, "quiz_slots").where(quizid=quizid), key=lambda s: s["slot"]):
        reference = slot_reference(site, slot, contextid)
        result.append({"id": slot["id"], "slot": slot["slot"], "page": slot["page"], "maxmark": slot["maxmark"],
                       "entryid": int(reference["questionbankentryid"]) if reference else 0,
                       "version": reference["version"] if reference else None})
    return result


def add_quiz_question(site: Site, quiz: Row, contextid: int, entryid: int, page: int, maxmark: float) -> Row:
    """``quiz_add_quiz_question`` at the end of ``page``, referencing "always the latest version" of the entry."""
    slots = course_table(site.db, "quiz_slots")
    existing = sorted(slots.where(quizid=quiz["id"]), key=lambda s: s["slot"])
    maxpage = max((s["page"] for s in existing), default=0)
    last_before = 0
    for other in reversed(existing):
        if other["page"] > page:
            slots.update(other["id"], slot=other["slot"] + 1)
        else:
            last_before = other["slot"]
            break
    slot_id = slots.insert({"slot": last_before + 1, "quizid": quiz["id"], "page": min(page, maxpage + 1),
                            "displaynumber": None, "requireprevious": 0, "maxmark": float(maxmark),
                            "quizgradeitemid": None})
    table(site, "question_references").insert({"usingcontextid": contextid, "component": "mod_quiz",
                                               "questionarea": "slot", "itemid": slot_id,
                                               "questionbankentryid": entryid, "version": None})
    return slots.rows[slot_id]


def paginate(count: int, perpage: int, section_starts: Collection[int] = ()) -> list[int]:
    """The page of each slot as ``quiz_repaginate_questions`` lays them out: a new page after ``perpage`` slots (0:
    all on one page) and at the first slot of every section heading (``questions::paginate``)."""
    pages: list[int] = []
    page, on_page = 1, 0
    for slot in range(1, count + 1):
        if slot in section_starts or (on_page and on_page == perpage):
            page, on_page = page + 1, 0
        pages.append(page)
        on_page += 1
    return pages


def section_starts(site: Site, quizid: int) -> list[int]:
    """First slots of the quiz's section headings other than the first."""
    return [int(s["firstslot"]) for s in table(site, "quiz_sections").where(quizid=quizid) if s["firstslot"] != 1]


def repaginate(site: Site, quizid: int, perpage: int) -> None:
    """``quiz_repaginate_questions``: pages laid out again from ``perpage`` and the section headings."""
    slots = course_table(site.db, "quiz_slots")
    ordered = sorted(slots.where(quizid=quizid), key=lambda s: s["slot"])
    for slot, page in zip(ordered, paginate(len(ordered), perpage, section_starts(site, quizid)), strict=True):
        if slot["page"] != page:
            slots.update(slot["id"], page=page)


def remove_all_slots(site: Site, quiz: Row) -> None:
    slots = course_table(site.db, "quiz_slots")
    references = table(site, "question_references")
    for slot in slots.where(quizid=quiz["id"]):
        for reference in references.where(component="mod_quiz", questionarea="slot", itemid=slot["id"]):
            references.delete(reference["id"])
        slots.delete(slot["id"])


def recompute_sumgrades(site: Site, quiz: Row) -> None:
    """``grade_calculator::recompute_quiz_sumgrades``."""
    total = sum(float(s["maxmark"]) for s in course_table(site.db, "quiz_slots").where(quizid=quiz["id"]))
    course_table(site.db, "quiz").update(quiz["id"], sumgrades=total)


def delete_quiz_data(site: Site, quiz: Row, contextid: int) -> None:
    """``quiz_delete_instance`` and the quiz context's question bank (``question_delete_activity``)."""
    remove_all_slots(site, quiz)
    for name, column in (("quiz_sections", "quizid"), ("quiz_attempts", "quiz"), ("quiz_grades", "quiz")):
        rows = table(site, name)
        for row in [r for r in rows if r[column] == quiz["id"]]:
            rows.delete(row["id"])
    delete_context(site, contextid)
