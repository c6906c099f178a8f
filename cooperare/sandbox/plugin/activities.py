"""``local_cooperare\\local\\activities``: page, url, label, forum, quiz, feedback and resource activities keyed by
course module idnumber, created and updated through the sandbox's course internals (:mod:`..courses.modules`).

Common fields (name, intro, section, visibility, activity completion) and module options given as name/value
strings; options not sent keep their value on update and the site default on create. The same readers serve the
comparison before an update, the state hash and describe.
"""

from __future__ import annotations

import copy
import html
import json
import re
import secrets
from typing import Any

from cooperare.sandbox.courses import completion as core_completion
from cooperare.sandbox.courses import enrolments, forums, grades, modules, quizzes
from cooperare.sandbox.courses.schema import (
    COMPLETION_TRACKING_AUTOMATIC,
    COMPLETION_TRACKING_MANUAL,
    COMPLETION_TRACKING_NONE,
    CRITERIA_TYPE_ACTIVITY,
    FORMAT_HTML,
    STUDENT_ROLE_ID,
    table,
)
from cooperare.sandbox.db import Row
from cooperare.sandbox.exceptions import InvalidParameterException, MoodleException
from cooperare.sandbox.functions.filestorage import USER_DRAFT, area_files, create_file
from cooperare.sandbox.php import php_float, php_is_numeric, php_str
from cooperare.sandbox.php_text import php_trim
from cooperare.sandbox.plugin import feedback_items, items, questionbank, questions, util
from cooperare.sandbox.registry import Call
from cooperare.sandbox.site import CONTEXT_MODULE, CONTEXT_USER

MODNAMES = ("page", "url", "label", "forum", "quiz", "feedback", "resource", "bigbluebuttonbn", "book")

# Writable options per module: name -> (type, allowed values).
OPTIONS: dict[str, dict[str, tuple[str, tuple[str, ...]]]] = {
    "page": {"content": ("html", ())},
    "url": {"availability": ("availability", ()), "externalurl": ("url", ()),
            "display": ("enum", ("0", "1", "2", "3", "5", "6"))},
    "label": {},
    "forum": {"type": ("enum", ("general", "eachuser", "qanda", "blog", "single", "news")),
              "forcesubscribe": ("enum", ("0", "1", "2", "3"))},
    "quiz": {"attempts": ("int", ()), "grade": ("float", ()), "gradepass": ("float", ()), "timelimit": ("int", ()),
             "shuffleanswers": ("enum", ("0", "1")), "preferredbehaviour": ("behaviour", ()),
             "navmethod": ("enum", ("free", "seq")), "reviewfeedback": ("enum", ("0", "1", "closed")),
             "questionsperpage": ("int", ()), "availability": ("availability", ()), "gradeweight": ("weight", ())},
    "feedback": {"items": ("feedbackitems", ()), "anonymous": ("enum", ("1", "2")),
                 "completionsubmit": ("enum", ("0", "1")), "availability": ("availability", ())},
    "resource": {"draftitemid": ("int", ()), "display": ("enum", ("0", "1", "2", "3", "4", "5", "6"))},
    "bigbluebuttonbn": {"openingtime": ("int", ()), "closingtime": ("int", ()), "welcome": ("html", ()),
                        "wait": ("enum", ("0", "1")), "record": ("enum", ("0", "1"))},
    # Chapters are written by local_cooperare_save_book_chapters (plugin/bookchapters.py); here only the book.
    "book": {"numbering": ("enum", ("0", "1", "2", "3")), "navstyle": ("enum", ("0", "1", "2"))},
}

# question_engine::get_behaviour_options(null): the archetypal behaviours, sorted by their English names.
BEHAVIOURS = ("adaptive", "adaptivenopenalty", "deferredfeedback", "deferredcbm", "immediatefeedback",
              "immediatecbm", "interactive")

# plugin_supports(): FEATURE_COMPLETION_TRACKS_VIEWS and FEATURE_GRADE_HAS_GRADE of the managed modules.
TRACKS_VIEWS = frozenset({"page", "url", "forum", "quiz", "feedback", "resource", "bigbluebuttonbn", "book"})
HAS_GRADE = frozenset({"quiz", "forum"})

# mod_quiz\question\display_options review times.
DURING, IMMEDIATELY_AFTER, LATER_WHILE_OPEN, AFTER_CLOSE = 0x10000, 0x01000, 0x00100, 0x00010
REVIEW_AFTER = IMMEDIATELY_AFTER | LATER_WHILE_OPEN | AFTER_CLOSE
REVIEW_ALL = DURING | REVIEW_AFTER


def review_fields(show: str) -> dict[str, int]:
    """``quiz_set_reviewfeedback``: '1' feedback at every time, '0' never, 'closed' feedback and right answers only
    after the quiz closes ('0' and '1' leave the right answers alone)."""
    if show == "closed":
        return dict.fromkeys(("reviewspecificfeedback", "reviewgeneralfeedback", "reviewrightanswer"), AFTER_CLOSE)
    return dict.fromkeys(("reviewspecificfeedback", "reviewgeneralfeedback"), REVIEW_ALL if show == "1" else 0)

QUIZ_NAVMETHOD_SEQ = "sequential"
QUIZ_NAVMETHOD_FREE = "free"
QUIZ_MAXIMUMGRADE = 10.0  # quiz | maximumgrade
LABEL_MAX_NAME_LENGTH = 50
RESOURCELIB_DISPLAY_AUTO, RESOURCELIB_DISPLAY_EMBED, RESOURCELIB_DISPLAY_FRAME = 0, 1, 2
RESOURCELIB_DISPLAY_POPUP = 6


# -- PHP helpers --------------------------------------------------------------------------------------------------

def php_serialize(values: dict[str, int]) -> str:
    """``serialize()`` of an array of integers keyed by strings."""
    body = "".join(f's:{len(key.encode())}:"{key}";i:{int(value)};' for key, value in values.items())
    return f"a:{len(values)}:{{{body}}}"


def label_name(intro: str) -> str:
    """``get_label_name``: the intro as plain text, whitespace collapsed, cut at 50 characters."""
    text = html.unescape(re.sub(r"<[^>]*>", " ", intro or ""))
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) > LABEL_MAX_NAME_LENGTH:
        text = text[:LABEL_MAX_NAME_LENGTH] + "..."
    return text or "Text and media area"


def _display_options(display: int, *, printintro: int = 1) -> str:
    """``url_add_instance`` / ``resource_set_display_options`` with the site defaults (no popup sizes shown)."""
    options: dict[str, int] = {}
    if display == RESOURCELIB_DISPLAY_POPUP:
        options.update(popupwidth=620, popupheight=450)
    if display in (RESOURCELIB_DISPLAY_AUTO, RESOURCELIB_DISPLAY_EMBED, RESOURCELIB_DISPLAY_FRAME):
        options["printintro"] = printintro
    return php_serialize(options)


# -- validation ---------------------------------------------------------------------------------------------------

def validate_options(modname: str, options: list[dict[str, Any]], what: str) -> dict[str, str]:
    """Check option names and values; returns name -> normalised value."""
    specs = OPTIONS[modname]
    result: dict[str, str] = {}
    for option in options:
        name, value = option["name"], php_str(option["value"])
        if name not in specs:
            known = ", ".join(specs) if specs else "none"
            raise InvalidParameterException(f"{what}: unknown option '{name}' for {modname} (known: {known})")
        if name in result:
            raise InvalidParameterException(f"{what}: option '{name}' given twice")
        kind, allowed = specs[name]
        if kind == "url":
            from cooperare.sandbox.php import clean_param

            if clean_param(value, "PARAM_URL") != value or not re.match(r"^https?://", value, re.IGNORECASE):
                raise InvalidParameterException(f"{what}: option '{name}' must be an http(s) URL")
        elif kind == "enum":
            if value not in allowed:
                raise InvalidParameterException(f"{what}: option '{name}' must be one of {', '.join(allowed)}")
        elif kind == "int":
            if not re.fullmatch(r"\d+", value):
                raise InvalidParameterException(f"{what}: option '{name}' must be a whole number >= 0")
            value = str(int(value))
        elif kind == "float":
            if not php_is_numeric(value) or php_float(value.strip()) < 0:
                raise InvalidParameterException(f"{what}: option '{name}' must be a number >= 0")
            value = util.float_string(php_float(value.strip()))
        elif kind == "weight":
            # The grade item's weight in its category (natural aggregation), 0 to 1; '' = Moodle's own.
            if value != "" and (not php_is_numeric(value) or not 0 <= php_float(value.strip()) <= 1):
                raise InvalidParameterException(f"{what}: option '{name}' must be a number from 0 to 1, or empty "
                                                "for Moodle's own weight")
            value = "" if value == "" else util.float_string(php_float(value.strip()))
        elif kind == "behaviour":
            if value not in BEHAVIOURS:
                raise InvalidParameterException(f"{what}: option '{name}' must be one of {', '.join(BEHAVIOURS)}")
        elif kind == "feedbackitems":
            value = feedback_items.canonical_json(feedback_items.parse(value, what))
        elif kind == "availability":
            value = availability_canonical(value, what)
        result[name] = value
    return result


COMPLETION_COMPLETE = 1
COMPLETION_COMPLETE_PASS = 2
ENABLEAVAILABILITY = True  # Moodle's default for "Enable restricted access"


def _php_json(value: Any) -> str:
    """``json_encode($value, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE)``."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def availability_canonical(value: str, what: str) -> str:
    """The 'availability' option: a JSON list of idnumbers whose completion the activity waits for, or (0.6.1) an
    object {"after": [...], "from": unix time, "until": unix time}."""
    try:
        found = json.loads(value)
    except ValueError:
        found = None
    dates: dict[str, int] = {}
    if isinstance(found, dict) and found:
        unknown = [k for k in found if k not in ("after", "from", "until")]
        if unknown:
            raise InvalidParameterException(f"{what}: option 'availability' must be a JSON list of activity "
                                            "idnumbers, or an object with after, from and until (not '"
                                            + "', '".join(unknown) + "')")
        for key in ("from", "until"):
            if key in found:
                if isinstance(found[key], bool) or not isinstance(found[key], int) or found[key] <= 0:
                    raise InvalidParameterException(f"{what}: option 'availability' needs '{key}' as a Unix time "
                                                    "above 0")
                dates[key] = found[key]
        if "from" in dates and "until" in dates and dates["from"] >= dates["until"]:
            raise InvalidParameterException(f"{what}: option 'availability' opens ('from') after it closes "
                                            "('until')")
        found = found.get("after", [])
    if not isinstance(found, list):
        raise InvalidParameterException(f"{what}: option 'availability' must be a JSON list of activity idnumbers, "
                                        "or an object with after, from and until")
    if any(not isinstance(i, str) or php_trim(i) == "" for i in found):
        raise InvalidParameterException(f"{what}: option 'availability' must list non-empty idnumbers")
    if len(set(found)) != len(found):
        raise InvalidParameterException(f"{what}: option 'availability' lists an activity twice")
    return availability_json(found, dates)


def availability_json(idnumbers: list[str], dates: dict[str, int]) -> str:
    """The plain list without dates (as before 0.6.1), else the object with only what is set."""
    if not dates:
        return _php_json(idnumbers)
    data: dict[str, object] = {"after": idnumbers} if idnumbers else {}
    data.update({k: dates[k] for k in ("from", "until") if k in dates})
    return _php_json(data)


def _parse_canonical(canonical: str) -> tuple[list[str], dict[str, int]]:
    data = json.loads(canonical)
    if isinstance(data, dict):
        return list(data.get("after", [])), {k: int(data[k]) for k in ("from", "until") if k in data}
    return list(data), {}


def expected_completion(cm: Row) -> int:
    """The state a restriction waits for: passed for an activity that completes on a passing grade, else complete."""
    return COMPLETION_COMPLETE_PASS if int(cm.get("completionpassgrade") or 0) else COMPLETION_COMPLETE


def availability_tree(call: Call, course: Row, canonical: str, selfidnumber: str, what: str) -> str | None:
    """The core_availability JSON the plugin writes: an AND of completion conditions, each shown while unmet; an
    activity that completes on a passing grade is waited for as complete and passed (e = 2), any other as complete."""
    wanted, dates = _parse_canonical(canonical)
    if not wanted and not dates:
        return None
    if not ENABLEAVAILABILITY:
        raise InvalidParameterException(f"{what}: restricting access needs 'Enable restricted access' "
                                        "(enableavailability) turned on in the site administration")
    conditions = []
    for idnumber in wanted:
        if idnumber == selfidnumber:
            raise InvalidParameterException(f"{what}: an activity cannot wait for its own completion")
        cm = util.cm_by_idnumber(call, course["id"], idnumber)
        if cm is None:
            raise InvalidParameterException(f"{what}: availability needs activity '{idnumber}', which is not in "
                                            f"course {course['id']} (save it first, earlier in the list)")
        if int(cm["completion"]) == 0:
            raise InvalidParameterException(f"{what}: availability needs the completion of '{idnumber}', which does "
                                            "not track completion")
        conditions.append({"type": "completion", "cm": int(cm["id"]), "e": expected_completion(cm)})
    if "from" in dates:
        conditions.append({"type": "date", "d": ">=", "t": dates["from"]})
    if "until" in dates:
        conditions.append({"type": "date", "d": "<", "t": dates["until"]})
    return json.dumps({"op": "&", "c": conditions, "showc": [True] * len(conditions)}, separators=(",", ":"))


def availability_read(call: Call, cm: Row) -> str:
    """The idnumbers a restriction written by the plugin waits for; 'custom' for any other restriction."""
    raw = cm.get("availability")
    if not raw:
        return "[]"
    try:
        tree = json.loads(raw)
    except ValueError:
        return "custom"
    if not isinstance(tree, dict) or tree.get("op") != "&" or not isinstance(tree.get("c"), list):
        return "custom"
    if tree.get("showc") != [True] * len(tree["c"]):
        return "custom"
    idnumbers = []
    dates: dict[str, int] = {}
    for condition in tree["c"]:
        if isinstance(condition, dict) and condition.get("type") == "date" and "t" in condition \
                and condition.get("d") in (">=", "<"):
            key = "from" if condition["d"] == ">=" else "until"
            if key in dates:
                return "custom"
            dates[key] = int(condition["t"])
            continue
        if not isinstance(condition, dict) or condition.get("type") != "completion" or "cm" not in condition:
            return "custom"
        found = table(call.db, "course_modules").get(int(condition["cm"]))
        if found is None or found["course"] != cm["course"] or not found.get("idnumber") \
                or condition.get("e") != expected_completion(found):
            # Waited for as merely complete although it completes on a pass (plugin versions before 2026120450, or
            # by hand): drift, and saving again asks for the pass.
            return "custom"
        idnumbers.append(str(found["idnumber"]))
    return availability_json(idnumbers, dates)


def _completion_enabled(call: Call, course: Row) -> bool:
    return bool(call.site.settings.config.get("enablecompletion", 1)) and bool(course.get("enablecompletion"))


def validate_common(call: Call, course: Row, modname: str, item: dict[str, Any], options: dict[str, str],
                    what: str) -> None:
    if modname != "label" and php_trim(item["name"]) == "":
        raise InvalidParameterException(f"{what}: the name is empty")
    if len(item["name"]) > 1333:
        raise InvalidParameterException(f"{what}: the name is too long")
    if item["section"] < 0 or item["section"] > util.MAXSECTIONS:
        raise InvalidParameterException(f"{what}: section {item['section']} is out of range")
    for field in ("visible", "completionview", "completionusegrade", "completionpassgrade"):
        if item[field] not in (0, 1):
            raise InvalidParameterException(f"{what}: {field} must be 0 or 1")
    if item["completion"] not in (COMPLETION_TRACKING_NONE, COMPLETION_TRACKING_MANUAL, COMPLETION_TRACKING_AUTOMATIC):
        raise InvalidParameterException(f"{what}: completion must be 0 (none), 1 (manual) or 2 (automatic)")
    automatic = item["completion"] == COMPLETION_TRACKING_AUTOMATIC
    rules = bool(item["completionview"] or item["completionusegrade"] or item["completionpassgrade"]
                 or options.get("completionsubmit", "0") not in ("", "0"))
    if rules and not automatic:
        raise InvalidParameterException(f"{what}: completion rules need completion = 2 (automatic)")
    rules_unknown = modname == "feedback" and "completionsubmit" not in options
    if automatic and not rules and not rules_unknown:
        raise InvalidParameterException(f"{what}: automatic completion needs at least one rule")
    if item["completion"] != COMPLETION_TRACKING_NONE:
        if not _completion_enabled(call, course):
            raise InvalidParameterException(f"{what}: completion tracking is not enabled in course {course['id']} "
                                            "(or on the site)")
        if modname not in TRACKS_VIEWS and item["completionview"]:
            raise InvalidParameterException(f"{what}: {modname} cannot require a view for completion")
    if item["completionusegrade"] and modname not in HAS_GRADE:
        raise InvalidParameterException(f"{what}: {modname} has no grade to use for completion")
    if item["completionpassgrade"] and not item["completionusegrade"]:
        raise InvalidParameterException(f"{what}: completionpassgrade needs completionusegrade")


def check_quiz_grades(options: dict[str, str], needspass: bool, what: str) -> None:
    gradepass = php_float(options.get("gradepass", 0))
    if "grade" in options and gradepass > php_float(options["grade"]):
        raise InvalidParameterException(f"{what}: gradepass is higher than grade")
    if needspass and gradepass <= 0:
        raise InvalidParameterException(f"{what}: completionpassgrade needs a gradepass above 0")


def check_bbb_times(options: dict[str, str], what: str) -> None:
    """A BigBlueButton room cannot close before it opens (``activities::check_bbb_times``)."""
    opening, closing = int(options.get("openingtime", 0)), int(options.get("closingtime", 0))
    if opening and closing and closing <= opening:
        raise InvalidParameterException(f"{what}: closingtime must be after openingtime")


def bbb_participants(call: Call) -> str:
    """Everybody joins a new room as a viewer, the course's teachers (editing or not) as moderators."""
    rules: list[dict[str, str]] = [{"selectiontype": "all", "selectionid": "all", "role": "viewer"}]
    for shortname in ("editingteacher", "teacher"):
        role = call.db["role"].first(shortname=shortname)
        if role is not None:
            rules.append({"selectiontype": "role", "selectionid": str(role["id"]), "role": "moderator"})
    return json.dumps(rules, separators=(",", ":"))


def bbb_opening_event(call: Call, cm: Row) -> None:
    """``mod_helper::process_post_save_event``: the room's opening in the course calendar (an action event of type
    ``meeting_start``), removed when the room has no opening time."""
    instance = modules.instance_of(call.site, cm)
    events = table(call.db, "event")
    found = next((e for e in events.where(courseid=cm["course"]) if e.get("modulename") == "bigbluebuttonbn"
                  and e.get("instance") == instance["id"] and e.get("eventtype") == "meeting_start"), None)
    if not instance.get("openingtime"):
        if found is not None:
            events.delete(found["id"])
        return
    fields = {"name": f"{instance['name']} is scheduled for", "description": str(instance.get("intro") or ""),
              "format": 1, "courseid": cm["course"], "groupid": 0, "userid": 0, "modulename": "bigbluebuttonbn",
              "instance": instance["id"], "eventtype": "meeting_start", "type": 1,
              "timestart": int(instance["openingtime"]), "timeduration": 0, "timesort": int(instance["openingtime"]),
              "visible": int(cm["visible"]), "timemodified": call.site.now()}
    if found is None:
        events.insert(fields)
    else:
        events.update(found["id"], **fields)


def check_draft_area(call: Call, draftitemid: int, what: str) -> tuple[str, str]:
    """The only file of a draft area of the calling user: (filename, contenthash)."""
    context = call.site.context(CONTEXT_USER, call.user["id"])
    assert context is not None
    files = area_files(call.site, context["id"], *USER_DRAFT, draftitemid, include_dirs=False)
    if len(files) != 1:
        raise InvalidParameterException(f"{what}: draft area {draftitemid} of the current user must hold exactly one "
                                        f"file (it holds {len(files)})")
    return str(files[0]["filename"]), str(files[0]["contenthash"])


# -- save ---------------------------------------------------------------------------------------------------------

def save(call: Call, course: Row, item: dict[str, Any]) -> tuple[int, int, str]:
    """Create or update one activity: (cmid, instance id, created|updated|unchanged)."""
    idnumber = item["idnumber"]
    what = f"activity '{idnumber}'"
    if php_trim(idnumber) == "" or len(idnumber) > 100:
        raise InvalidParameterException(f"{what}: the idnumber must have 1 to 100 characters")
    modname = item["modname"]
    if modname not in MODNAMES:
        raise InvalidParameterException(f"{what}: unsupported modname '{modname}' (supported: {', '.join(MODNAMES)})")
    module = call.db["modules"].first(name=modname)
    if module is None:
        raise InvalidParameterException(f"{what}: module '{modname}' is not installed")
    if not module.get("visible"):
        raise InvalidParameterException(f"{what}: module '{modname}' is disabled on this site (Site administration > "
                                        "Plugins > Activity modules > Manage activities)")
    spechash = util.check_spechash(item["spechash"], what)
    options = validate_options(modname, item["options"], what)
    validate_common(call, course, modname, item, options, what)

    cm = util.cm_by_idnumber(call, course["id"], idnumber)
    if cm is None and modname == "forum" and options.get("type") == "news":
        cm = adopt_news_forum(call, course, idnumber)
    if cm is not None and util.modname(call, cm) != modname:
        raise InvalidParameterException(f"{what}: an activity of type '{util.modname(call, cm)}' already has this "
                                        f"idnumber, cannot turn it into '{modname}'")
    if cm is None:
        cmid = create(call, course, item, options)["id"]
        action = "created"
    else:
        cmid = cm["id"]
        action = "updated" if update(call, course, cm, item, options) else "unchanged"

    cm = util.cm_by_idnumber(call, course["id"], idnumber)
    assert cm is not None
    items.save(call.site, course["id"], items.KIND_ACTIVITY, idnumber, cmid, spechash, "",
               util.state_hash(state(call, course, cm)))
    return int(cmid), int(cm["instance"]), action


def adopt_news_forum(call: Call, course: Row, idnumber: str) -> Row | None:
    """The course's own news forum (the oldest of type news) takes the idnumber when it has none."""
    forums = sorted((f for f in call.db["forum"].where(course=course["id"]) if f["type"] == "news"),
                    key=lambda f: f["id"])
    if not forums:
        return None
    module = call.db["modules"].first(name="forum")
    cm = next((c for c in table(call.db, "course_modules").where(course=course["id"], instance=forums[0]["id"])
               if module is not None and c["module"] == module["id"]), None)
    if cm is None or cm.get("idnumber"):
        return None
    table(call.db, "course_modules").update(cm["id"], idnumber=idnumber)
    modules.bump_cacherev(call.site, course["id"])
    return util.cm_by_idnumber(call, course["id"], idnumber)


def _completion_fields(item: dict[str, Any]) -> dict[str, Any]:
    return {"completion": item["completion"], "completionview": item["completionview"],
            "completionpassgrade": item["completionpassgrade"],
            "completiongradeitemnumber": 0 if item["completionusegrade"] else None, "completionexpected": 0}


def _quiz_create_fields(options: dict[str, str]) -> dict[str, Any]:
    """The fields of a new quiz: the site defaults (the quiz form defaults), then the options."""
    defaults = modules.module_type("quiz").form_defaults
    values: dict[str, Any] = {
        "timeopen": 0, "timeclose": 0, "timelimit": int(options.get("timelimit", 0)),
        "preferredbehaviour": options.get("preferredbehaviour", defaults["preferredbehaviour"]),
        "attempts": int(options.get("attempts", 0)), "grademethod": quizzes.QUIZ_GRADEHIGHEST,
        "questionsperpage": int(options.get("questionsperpage", defaults["questionsperpage"])),
        "navmethod": QUIZ_NAVMETHOD_SEQ if options.get("navmethod") == "seq" else QUIZ_NAVMETHOD_FREE,
        "shuffleanswers": int(options.get("shuffleanswers", defaults["shuffleanswers"])), "sumgrades": 0.0,
        "grade": php_float(options.get("grade", QUIZ_MAXIMUMGRADE)), "password": "", "subnet": "",
        "browsersecurity": "-", "delay1": 0, "delay2": 0,
    }
    if "gradepass" in options:
        values["gradepass"] = php_float(options["gradepass"])
    if "reviewfeedback" in options:
        values.update(review_fields(options["reviewfeedback"]))
    return values


def _instance_fields(call: Call, course: Row, item: dict[str, Any], options: dict[str, str], what: str
                     ) -> dict[str, Any]:
    """The module's own fields of a new activity (``create()``'s switch), with its checks."""
    modname = item["modname"]
    fields: dict[str, Any] = {"name": item["name"], "intro": item["intro"], "introformat": FORMAT_HTML}
    if modname == "page":
        fields.update(content=options.get("content", ""), contentformat=FORMAT_HTML)
    elif modname == "url":
        if "externalurl" not in options:
            raise InvalidParameterException(f"{what}: option 'externalurl' is required for a new url")
        display = int(options.get("display", RESOURCELIB_DISPLAY_AUTO))
        fields.update(externalurl=options["externalurl"], display=display, displayoptions=_display_options(display),
                      parameters=php_serialize({}))
    elif modname == "label":
        fields["name"] = label_name(item["intro"])
    elif modname == "forum":
        fields.update(type=options.get("type", "general"), forcesubscribe=int(options.get("forcesubscribe", 0)),
                      assessed=0, scale=0, grade_forum=0, trackingtype=1)
    elif modname == "quiz":
        check_quiz_grades({"grade": util.float_string(QUIZ_MAXIMUMGRADE), **options},
                          bool(item["completionpassgrade"]), what)
        fields.update(_quiz_create_fields(options))
    elif modname == "feedback":
        fields.update(anonymous=int(options.get("anonymous", 1)), email_notification=0, multiple_submit=0,
                      autonumbering=0, site_after_submit="", page_after_submit="", page_after_submitformat=FORMAT_HTML,
                      publish_stats=0, timeopen=0, timeclose=0,
                      completionsubmit=int(options.get("completionsubmit", 0)))
    elif modname == "resource":
        if options.get("draftitemid", "0") in ("", "0"):
            raise InvalidParameterException(f"{what}: option 'draftitemid' is required for a new resource")
        check_draft_area(call, int(options["draftitemid"]), what)
        display = int(options.get("display", RESOURCELIB_DISPLAY_AUTO))
        fields.update(display=display, displayoptions=_display_options(display), filterfiles=0)
    elif modname == "bigbluebuttonbn":
        check_bbb_times(options, what)
        fields.update(type=0, openingtime=int(options.get("openingtime", 0)),
                      closingtime=int(options.get("closingtime", 0)), welcome=options.get("welcome", ""),
                      wait=int(options.get("wait", 0)), record=int(options.get("record", 1)), recordings_deleted=1,
                      participants=bbb_participants(call), meetingid=secrets.token_hex(20), presentation="",
                      moderatorpass=secrets.token_hex(6), viewerpass=secrets.token_hex(6), timecreated=call.site.now())
    elif modname == "book":
        fields.update(numbering=int(options.get("numbering", 0)), navstyle=int(options.get("navstyle", 1)),
                      customtitles=0, revision=0)
    return fields


def _require_addinstance(call: Call, modname: str) -> None:
    """``can_add_moduleinfo``: ``course_allowed_module`` wants ``mod/<module>:addinstance``."""
    util.require_capability(call, "moodle/course:manageactivities")
    if not util.has_capability(call, f"mod/{modname}:addinstance"):
        raise MoodleException("moduledisable", "This module ({$a}) has been disabled for this particular course.")


def _store_resource_file(call: Call, cm: Row, draftitemid: int) -> None:
    """``resource_set_mainfile``: the draft area replaces the module's content area."""
    usercontext = call.site.context(CONTEXT_USER, call.user["id"])
    modcontext = call.site.context(CONTEXT_MODULE, cm["id"])
    assert usercontext is not None and modcontext is not None
    files = call.db["files"]
    for row in area_files(call.site, modcontext["id"], "mod_resource", "content", 0):
        files.delete(row["id"])
    for row in area_files(call.site, usercontext["id"], *USER_DRAFT, draftitemid, include_dirs=False):
        copied = {key: value for key, value in row.items()
                  if key not in ("id", "pathnamehash", "content", "filesize", "contenthash")}
        copied.update(contextid=modcontext["id"], component="mod_resource", filearea="content", itemid=0,
                      sortorder=1, timemodified=call.site.now())
        create_file(call.site, copied, row["content"])


def create(call: Call, course: Row, item: dict[str, Any], options: dict[str, str]) -> Row:
    modname = item["modname"]
    what = f"activity '{item['idnumber']}'"
    fields = _instance_fields(call, course, item, options, what)
    _require_addinstance(call, modname)
    cm_fields = {"idnumber": item["idnumber"], "visible": item["visible"], "visibleoncoursepage": 1,
                 "showdescription": 1 if modname == "label" else 0, "groupmode": 0, "groupingid": 0,
                 **_completion_fields(item)}
    if "availability" in options:
        cm_fields["availability"] = availability_tree(call, course, options["availability"], item["idnumber"], what)
    cm = modules.add_module(call.site, course["id"], modname, fields, section=item["section"], cm=cm_fields)
    table(call.db, "course_modules").update(cm["id"], visibleold=item["visible"])
    instance = modules.instance_of(call.site, cm)
    if modname == "quiz":
        table(call.db, "quiz_sections").insert({"quizid": instance["id"], "firstslot": 1, "heading": "",
                                                "shufflequestions": 0})
        if options.get("gradeweight", ""):
            set_grade_weight(call, course, instance["id"], options["gradeweight"])
    elif modname == "forum" and instance["type"] == "single":
        forums.add_discussion(call.site, instance, call.user["id"], instance["name"], instance["intro"])
    elif modname == "feedback" and "items" in options:
        feedback_items.save(call.site, instance, feedback_items.parse(options["items"], what))
    elif modname == "resource":
        _store_resource_file(call, cm, int(options["draftitemid"]))
    elif modname == "bigbluebuttonbn":
        bbb_opening_event(call, cm)
    return cm


# -- update -------------------------------------------------------------------------------------------------------

def update(call: Call, course: Row, cm: Row, item: dict[str, Any], options: dict[str, str]) -> bool:
    """Update an existing activity when a managed field differs; True when anything changed."""
    modname = util.modname(call, cm)
    what = f"activity '{item['idnumber']}'"
    current = state(call, course, cm)
    desired = copy.deepcopy(current)
    desired["name"] = current["name"] if modname == "label" else item["name"]
    desired["intro"] = item["intro"]
    desired["section"] = str(int(item["section"]))
    desired["visible"] = str(int(item["visible"]))
    for field in ("completion", "completionview", "completionusegrade", "completionpassgrade"):
        desired[field] = str(int(item[field]))
    newfiles: int | None = None
    for name, value in options.items():
        if name == "draftitemid":
            newfiles = int(value)
            draft = check_draft_area(call, newfiles, what)
            if draft == (current["options"]["filename"], current["options"]["contenthash"]):
                newfiles = None
            continue
        desired["options"][name] = value
    if modname == "quiz":
        check_quiz_grades(desired["options"], bool(item["completionpassgrade"]), what)
        if desired["options"].get("gradeweight") == "" and "gradeweight" not in current["options"]:
            del desired["options"]["gradeweight"]  # Moodle's own weight already: nothing to give back.
    if modname == "bigbluebuttonbn":
        check_bbb_times(desired["options"], what)
    if modname == "url" and desired["options"].get("availability") == "[]" \
            and "availability" not in current["options"]:
        del desired["options"]["availability"]  # No restriction already: nothing to remove.
    if desired == current and newfiles is None:
        return False

    site = call.site
    if desired["section"] != current["section"]:
        modules.update_module(site, cm["id"], section=int(desired["section"]))
    instance = modules.instance_of(site, cm)
    if modname == "quiz" and desired["options"]["grade"] != current["options"]["grade"]:
        _update_quiz_maximum_grade(call, instance, php_float(desired["options"]["grade"]))

    def without(data: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
        return {k: v for k, v in data.items() if k not in keys}

    fields_differ = without(desired, ("section", "options")) != without(current, ("section", "options"))
    apart = ("grade", "items", "gradeweight")
    options_differ = without(desired["options"], apart) != without(current["options"], apart)
    if fields_differ or options_differ or newfiles is not None:
        changes = _instance_changes(modname, desired, instance)
        changes["intro"], changes["introformat"] = desired["intro"], FORMAT_HTML
        if modname != "label":
            changes["name"] = desired["name"]
        cm_changes: dict[str, Any] = {"visible": int(desired["visible"]), "visibleoncoursepage": 1}
        if "availability" in options:
            cm_changes["availability"] = availability_tree(call, course, options["availability"], item["idnumber"],
                                                           what)
        # Completion is unlocked — and reset_all_state run — only when the completion settings change, as in
        # Moodle's form; content changes keep every user's completion. completionexpected is kept either way.
        unlock = completion_changed(modname, current, desired)
        if unlock:
            cm_changes.update({k: v for k, v in _completion_fields(item).items() if k != "completionexpected"})
        modules.update_module(site, cm["id"], instance=changes, cm=cm_changes)
        table(call.db, "course_modules").update(cm["id"], visibleold=int(desired["visible"]))
        if modname == "resource" and newfiles is not None:
            _store_resource_file(call, cm, newfiles)
        if modname == "bigbluebuttonbn":
            bbb_opening_event(call, table(call.db, "course_modules").rows[cm["id"]])
        if modname == "quiz" and desired["options"]["questionsperpage"] != current["options"]["questionsperpage"] \
                and not questions.quiz_has_attempts(site, instance["id"]):
            # The form's "Repaginate now" (quiz_update_instance does it only without attempts).
            questionbank.repaginate(site, instance["id"], int(desired["options"]["questionsperpage"]))
        if unlock:
            reset_all_state(call, course, table(call.db, "course_modules").rows[cm["id"]])

    weight = desired["options"].get("gradeweight", "")
    if modname == "quiz" and weight != current["options"].get("gradeweight", ""):
        set_grade_weight(call, course, instance["id"], weight)
    if modname == "feedback" and "items" in options and options["items"] != current["options"]["items"]:
        feedback_items.save(site, modules.instance_of(site, cm), feedback_items.parse(options["items"], what))
    return True


def completion_changed(modname: str, current: dict[str, Any], desired: dict[str, Any]) -> bool:
    """Whether the completion settings differ (``activities::completion_changed``): completion, completionview,
    completionusegrade, completionpassgrade, and a feedback's completionsubmit. Anything else is content."""
    fields = ("completion", "completionview", "completionusegrade", "completionpassgrade")
    if any(desired[field] != current[field] for field in fields):
        return True
    return modname == "feedback" and desired["options"]["completionsubmit"] != current["options"]["completionsubmit"]


def _instance_changes(modname: str, desired: dict[str, Any], instance: Row) -> dict[str, Any]:
    """The module fields ``prepare_update_fields`` sets from the desired options."""
    options = desired["options"]
    if modname == "page":
        return {"content": options["content"], "contentformat": FORMAT_HTML,
                "revision": int(instance.get("revision") or 0) + 1}
    if modname == "url":
        return {"externalurl": options["externalurl"], "display": int(options["display"]),
                "displayoptions": _display_options(int(options["display"]))}
    if modname == "forum":
        return {"type": options["type"], "forcesubscribe": int(options["forcesubscribe"])}
    if modname == "quiz":
        changes: dict[str, Any] = {
            "attempts": int(options["attempts"]), "timelimit": int(options["timelimit"]),
            "shuffleanswers": int(options["shuffleanswers"]), "preferredbehaviour": options["preferredbehaviour"],
            "navmethod": QUIZ_NAVMETHOD_SEQ if options["navmethod"] == "seq" else QUIZ_NAVMETHOD_FREE,
            "questionsperpage": int(options["questionsperpage"]), "gradepass": php_float(options["gradepass"]),
        }
        if options["reviewfeedback"] in ("0", "1", "closed"):
            changes.update(review_fields(options["reviewfeedback"]))
        return changes
    if modname == "feedback":
        return {"anonymous": int(options["anonymous"]), "completionsubmit": int(options["completionsubmit"])}
    if modname == "resource":
        return {"display": int(options["display"]), "displayoptions": _display_options(int(options["display"])),
                "revision": int(instance.get("revision") or 0) + 1}
    if modname == "bigbluebuttonbn":
        return {"openingtime": int(options["openingtime"]), "closingtime": int(options["closingtime"]),
                "welcome": options["welcome"], "wait": int(options["wait"]), "record": int(options["record"])}
    if modname == "book":
        return {"numbering": int(options["numbering"]), "navstyle": int(options["navstyle"])}
    return {}


def set_grade_weight(call: Call, course: Row, quizid: int, weight: str) -> None:
    """``activities::set_grade_weight``: the quiz item's weight override ('' gives it back to Moodle), then the
    course's users are regraded (Moodle marks the course for regrading)."""
    item = grades.item_for(call.site, course["id"], "quiz", quizid, 0)
    if item is None:
        return
    values: dict[str, Any] = {"weightoverride": 0 if weight == "" else 1}
    if weight != "":
        values["aggregationcoef2"] = php_float(weight)
    table(call.db, "grade_items").update(item["id"], **values)
    grades.regrade_course(call.site, course["id"])


def _update_quiz_maximum_grade(call: Call, quiz: Row, newgrade: float) -> None:
    """``grade_calculator::update_quiz_maximum_grade``: the quiz grade, its gradebook item, users' grades."""
    if abs(float(quiz["grade"] or 0) - newgrade) < 1e-7:
        return
    table(call.db, "quiz").update(quiz["id"], grade=newgrade)
    cm = modules.cm_for_instance(call.site, "quiz", quiz["id"])
    if cm is not None:
        modules.sync_grade_item(call.site, cm["id"])
    quiz = table(call.db, "quiz").rows[quiz["id"]]
    for userid in sorted({a["userid"] for a in table(call.db, "quiz_attempts").where(quiz=quiz["id"])}):
        quizzes.save_best_grade(call.site, quiz, userid)


def reset_all_state(call: Call, course: Row, cm: Row) -> None:
    """``completion_info::reset_all_state`` (``update_moduleinfo`` with ``completionunlocked``): the activity's
    completion data is deleted — with the course completions when it is a course completion criterion — and
    recalculated from the automatic rules for its users (manual ticks are lost), as Moodle does."""
    site = call.site
    if not _completion_enabled(call, course):
        return
    states = table(call.db, "course_modules_completion")
    keep = set()
    for row in states.where(coursemoduleid=cm["id"]):
        keep.add(row["userid"])
        states.delete(row["id"])
    criterion = next((c for c in table(call.db, "course_completion_criteria").where(course=course["id"])
                      if c["criteriatype"] == CRITERIA_TYPE_ACTIVITY and c["moduleinstance"] == cm["id"]), None)
    completed: set[int] = set()
    if criterion is not None:
        compl = table(call.db, "course_completion_crit_compl")
        for row in [r for r in compl if r["criteriaid"] == criterion["id"]]:
            compl.delete(row["id"])
        completions = table(call.db, "course_completions")
        for row in [r for r in completions if r["course"] == course["id"]]:
            completed.add(row["userid"])
            completions.delete(row["id"])
    if cm["completion"] == COMPLETION_TRACKING_MANUAL:
        users = keep | completed
    else:
        tracked = {u for u in enrolments.enrolled_user_ids(site, course["id"], onlyactive=True)
                   if enrolments.has_role(site, course["id"], u, (STUDENT_ROLE_ID,))}
        users = keep | tracked | completed
        for userid in sorted(keep | tracked):
            core_completion.update_automatic_state(site, cm, userid)
    for userid in sorted(users):  # what the completion cron would then aggregate
        core_completion.review_course(site, course["id"], userid)


# -- state and describe -------------------------------------------------------------------------------------------

def state(call: Call, course: Row, cm: Row) -> dict[str, Any]:
    """The managed fields of an activity as they are now: common fields and every readable option."""
    instance = modules.instance_of(call.site, cm)
    return {
        "name": str(instance.get("name") or ""),
        "intro": str(instance.get("intro") or ""),
        "section": str(modules.section_number(call.site, cm)),
        "visible": str(int(cm["visible"])),
        "completion": str(int(cm["completion"])),
        "completionview": str(int(cm["completionview"])),
        "completionusegrade": "0" if cm.get("completiongradeitemnumber") is None else "1",
        "completionpassgrade": str(int(cm.get("completionpassgrade") or 0)),
        "options": read_options(call, course, cm, instance),
    }


def read_options(call: Call, course: Row, cm: Row, instance: Row) -> dict[str, str]:
    modname = util.modname(call, cm)
    if modname == "page":
        return {"content": str(instance.get("content") or "")}
    if modname == "url":
        # A restriction is read back only when there is one (0.6.1), so links without any show no drift.
        restriction = availability_read(call, cm)
        return {"externalurl": str(instance.get("externalurl") or ""),
                "display": str(int(instance.get("display") or 0)),
                **({} if restriction == "[]" else {"availability": restriction})}
    if modname == "forum":
        return {"type": str(instance.get("type") or ""),
                "forcesubscribe": str(int(instance.get("forcesubscribe") or 0))}
    if modname == "quiz":
        item = grades.item_for(call.site, course["id"], "quiz", instance["id"], 0)
        specific = int(instance.get("reviewspecificfeedback") or 0) & REVIEW_AFTER
        general = int(instance.get("reviewgeneralfeedback") or 0) & REVIEW_AFTER
        right = int(instance.get("reviewrightanswer") or 0) & REVIEW_AFTER
        review = "1" if specific == general == REVIEW_AFTER else "0" if specific == general == 0 else \
            "closed" if specific == general == right == AFTER_CLOSE else "custom"
        return {
            "attempts": str(int(instance.get("attempts") or 0)),
            "grade": util.float_string(instance.get("grade") or 0),
            "gradepass": util.float_string(item["gradepass"] if item else 0),
            "timelimit": str(int(instance.get("timelimit") or 0)),
            "shuffleanswers": str(int(instance.get("shuffleanswers") or 0)),
            "preferredbehaviour": str(instance.get("preferredbehaviour") or ""),
            "navmethod": "seq" if instance.get("navmethod") == QUIZ_NAVMETHOD_SEQ else "free",
            "reviewfeedback": review,
            "questionsperpage": str(int(instance.get("questionsperpage") or 0)),
            "availability": availability_read(call, cm),
            **({"gradeweight": util.float_string(item["aggregationcoef2"] or 0)}
               if item and item.get("weightoverride") else {}),
        }
    if modname == "feedback":
        return {
            "items": feedback_items.canonical_json(feedback_items.read(call.site, instance)),
            "anonymous": str(int(instance.get("anonymous") or 0)),
            "completionsubmit": str(int(instance.get("completionsubmit") or 0)),
            "availability": availability_read(call, cm),
        }
    if modname == "resource":
        context = call.site.context(CONTEXT_MODULE, cm["id"])
        assert context is not None
        found = area_files(call.site, context["id"], "mod_resource", "content", 0, include_dirs=False)
        found.sort(key=lambda f: (-int(f.get("sortorder") or 0), f["id"]))
        first = found[0] if found else None
        return {"display": str(int(instance.get("display") or 0)),
                "filename": str(first["filename"]) if first else "",
                "contenthash": str(first["contenthash"]) if first else ""}
    if modname == "bigbluebuttonbn":
        return {"openingtime": str(int(instance.get("openingtime") or 0)),
                "closingtime": str(int(instance.get("closingtime") or 0)),
                "welcome": str(instance.get("welcome") or ""), "wait": str(int(instance.get("wait") or 0)),
                "record": str(int(instance.get("record") or 0))}
    if modname == "book":
        return {"numbering": str(int(instance.get("numbering") or 0)),
                "navstyle": str(int(instance.get("navstyle") or 0))}
    return {}


def describe(call: Call, course: Row) -> list[dict[str, Any]]:
    """The course's activities that have an idnumber, in course-page order."""
    managed = items.get_all(call.site, course["id"], items.KIND_ACTIVITY)
    result = []
    for cm in modules.course_cms(call.site, course["id"]):
        if str(cm.get("idnumber") or "") == "" or cm.get("deletioninprogress"):
            continue
        modname = util.modname(call, cm)
        current = state(call, course, cm) if modname in MODNAMES else None
        item = managed.get(cm["idnumber"])
        result.append({
            "cmid": cm["id"], "idnumber": str(cm["idnumber"]), "modname": modname, "instance": cm["instance"],
            "name": current["name"] if current else str(modules.instance_of(call.site, cm).get("name") or ""),
            "intro": current["intro"] if current else "",
            "section": modules.section_number(call.site, cm), "visible": int(cm["visible"]),
            "completion": int(cm["completion"]), "completionview": int(cm["completionview"]),
            "completionusegrade": 0 if cm.get("completiongradeitemnumber") is None else 1,
            "completionpassgrade": int(cm.get("completionpassgrade") or 0),
            "options": [{"name": name, "value": value} for name, value in (current or {}).get("options", {}).items()],
            "managed": item is not None, "spechash": item["spechash"] if item else "",
            "drift": item is not None and current is not None and item["statehash"] != util.state_hash(current),
        })
    return result
