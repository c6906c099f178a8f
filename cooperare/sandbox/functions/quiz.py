"""mod_quiz: quizzes of courses, a user's attempts and best grade (``mod/quiz/classes/external.php``)."""

from __future__ import annotations

from typing import Any

from cooperare.sandbox.courses import grades, modules, quizzes
from cooperare.sandbox.courses.errors import missing
from cooperare.sandbox.courses.people import get_user, require_active_user
from cooperare.sandbox.courses.schema import table
from cooperare.sandbox.db import Row
from cooperare.sandbox.exceptions import InvalidParameterException
from cooperare.sandbox.php import clean_param
from cooperare.sandbox.registry import Call, ws_function
from cooperare.sandbox.site import CONTEXT_MODULE, Site

VIEW_FIELDS = ("timeopen", "timeclose", "attempts", "timelimit", "grademethod", "decimalpoints",
               "questiondecimalpoints", "sumgrades", "grade", "preferredbehaviour")
ACCESS_FIELDS = ("attemptonlast", "reviewattempt", "reviewcorrectness", "reviewmaxmarks", "reviewmarks",
                 "reviewspecificfeedback", "reviewgeneralfeedback", "reviewrightanswer", "reviewoverallfeedback",
                 "questionsperpage", "navmethod", "browsersecurity", "delay1", "delay2", "showuserpicture",
                 "showblocks", "completionattemptsexhausted", "overduehandling", "graceperiod", "canredoquestions",
                 "allowofflineattempts")
MANAGER_FIELDS = ("shuffleanswers", "timecreated", "timemodified", "password", "subnet")
AUTOSAVE_PERIOD = 60  # quiz | autosaveperiod


def validate_courses(site: Site, courseids: list[int]) -> tuple[list[Row], list[dict[str, Any]]]:
    """``core_external\\util::validate_courses``: known courses in the order asked, a warning for the others."""
    courses, warnings = [], []
    for courseid in dict.fromkeys(courseids):
        course = site.db["course"].get(courseid)
        if course is None:
            warnings.append({"item": "course", "itemid": courseid, "warningcode": "1",
                             "message": "No access rights in course context"})
        else:
            courses.append(course)
    return courses, warnings


def course_instances(site: Site, courses: list[Row], modname: str) -> list[tuple[Row, Row]]:
    """``get_all_instances_in_courses``: (course module, instance) in course order, then course-page order."""
    found = []
    for course in courses:
        for cm in modules.course_cms(site, course["id"]):
            if modules.modname_of(site, cm) == modname:
                found.append((cm, modules.instance_of(site, cm)))
    return found


def standard_elements(site: Site, cm: Row, instance: Row) -> dict[str, Any]:
    """``helper_for_get_mods_by_courses::standard_coursemodule_element_values`` for a manager."""
    site.context(CONTEXT_MODULE, cm["id"])
    return {"id": instance["id"], "coursemodule": cm["id"], "course": cm["course"], "name": instance["name"],
            "lang": clean_param(cm.get("lang") or "", "PARAM_LANG"), "intro": instance.get("intro") or "",
            "introformat": instance.get("introformat", 1), "introfiles": [],
            "section": modules.section_number(site, cm), "visible": cm["visible"], "groupmode": cm["groupmode"],
            "groupingid": cm["groupingid"]}


@ws_function("mod_quiz_get_quizzes_by_courses")
def get_quizzes_by_courses(call: Call) -> dict[str, Any]:
    site = call.site
    courseids = call.params["courseids"] or [c["id"] for c in my_courses(call)]
    courses, warnings = validate_courses(site, courseids)
    result = []
    for cm, quiz in course_instances(site, courses, "quiz"):
        details = standard_elements(site, cm, quiz)
        details["hasfeedback"] = 0
        details["hasquestions"] = int(bool(table(site.db, "quiz_slots").where(quizid=quiz["id"])))
        details["autosaveperiod"] = AUTOSAVE_PERIOD
        details["completionpass"] = cm["completionpassgrade"]
        for name in VIEW_FIELDS + ACCESS_FIELDS + MANAGER_FIELDS:
            details[name] = quiz.get(name)
        if site.version != "4.5" and quiz.get("precreateattempts") is not None:
            details["precreateattempts"] = quiz["precreateattempts"]
        result.append(details)
    return {"quizzes": result, "warnings": warnings}


def my_courses(call: Call) -> list[Row]:
    """``enrol_get_my_courses``: what an empty ``courseids`` means."""
    from cooperare.sandbox.courses.enrolments import user_courses

    return user_courses(call.site, call.user["id"])


def _validate_quiz(call: Call, quizid: int) -> tuple[Row, Row]:
    quiz = quizzes.get_quiz(call.site, quizid)
    if quiz is None:
        raise missing(call.site, "quiz", {"id": quizid})
    cm = modules.cm_for_instance(call.site, "quiz", quiz["id"])
    if cm is None:
        raise missing(call.site, "course_modules", {"id": quizid})
    call.require("mod/quiz:view")
    return quiz, cm


def _target_user(call: Call, userid: int) -> Row:
    user = get_user(call.site, userid or call.user["id"])
    require_active_user(user)
    if user["id"] != call.user["id"]:
        call.require("mod/quiz:viewreports")
    return user


@ws_function("mod_quiz_get_user_best_grade")
def get_user_best_grade(call: Call) -> dict[str, Any]:
    site = call.site
    quiz, _ = _validate_quiz(call, call.params["quizid"])
    user = _target_user(call, call.params["userid"])
    result: dict[str, Any] = {"hasgrade": False}
    grade = quizzes.best_grade(site, quiz["id"], user["id"]) if quizzes.user_attempts(
        site, quiz["id"], user["id"], "all") else None
    if grade is not None:
        result = {"hasgrade": True, "grade": grade}
    item = grades.item_for(site, quiz["course"], "quiz", quiz["id"])
    if item is not None and float(item["gradepass"] or 0) != 0:
        result["gradetopass"] = float(item["gradepass"])
    result["warnings"] = []
    return result


def _attempts(call: Call) -> dict[str, Any]:
    quiz, _ = _validate_quiz(call, call.params["quizid"])
    status = call.params["status"]
    if status not in ("all", "finished", "unfinished"):
        raise InvalidParameterException("Invalid status value")
    user = _target_user(call, call.params["userid"])
    attempts = quizzes.user_attempts(call.site, quiz["id"], user["id"], status,
                                     include_previews=bool(call.params["includepreviews"]))
    return {"attempts": [dict(a) for a in attempts], "warnings": []}


@ws_function("mod_quiz_get_user_attempts")
def get_user_attempts(call: Call) -> dict[str, Any]:
    return _attempts(call)


@ws_function("mod_quiz_get_user_quiz_attempts")
def get_user_quiz_attempts(call: Call) -> dict[str, Any]:
    return _attempts(call)
