"""Quiz attempts and grades (``mod/quiz/lib.php``, ``quiz_save_best_grade``).

The sandbox does not run questions: an attempt is recorded with its final mark, out of the quiz's maximum grade
(scaled to the quiz's ``sumgrades`` when questions carry marks). The user's quiz grade follows the quiz's grading
method over finished attempts, and goes to the gradebook like ``quiz_update_grades`` does, which then updates the
activity's automatic completion.
"""

from __future__ import annotations

from cooperare.sandbox.courses import completion, grades, modules
from cooperare.sandbox.courses.schema import table
from cooperare.sandbox.db import Row
from cooperare.sandbox.site import Site

QUIZ_GRADEHIGHEST, QUIZ_GRADEAVERAGE, QUIZ_ATTEMPTFIRST, QUIZ_ATTEMPTLAST = 1, 2, 3, 4


def get_quiz(site: Site, quizid: int) -> Row | None:
    return table(site.db, "quiz").get(quizid)


def user_attempts(site: Site, quizid: int, userid: int, status: str = "finished", *,
                  include_previews: bool = False) -> list[Row]:
    """``quiz_get_user_attempts``: by attempt number; status ``all``, ``finished`` or ``unfinished``."""
    found = table(site.db, "quiz_attempts").where(quiz=quizid, userid=userid)
    if not include_previews:
        found = [a for a in found if not a["preview"]]
    if status == "finished":
        found = [a for a in found if a["state"] in ("finished", "abandoned")]
    elif status == "unfinished":
        found = [a for a in found if a["state"] in ("inprogress", "overdue")]
    return sorted(found, key=lambda a: a["attempt"])


def _question_usage_id(site: Site) -> int:
    """Attempts point at a question usage; its id comes from its own sequence."""
    return table(site.db, "question_usages").insert({"component": "mod_quiz", "contextid": 0,
                                                     "preferredbehaviour": "deferredfeedback"})


def record_attempt(site: Site, quiz: Row, userid: int, grade: float, *, when: int | None = None) -> Row:
    """A finished attempt whose quiz grade is ``grade`` (out of ``quiz.grade``); grades and completion follow."""
    attempts = table(site.db, "quiz_attempts")
    now = site.now() if when is None else when
    number = len(user_attempts(site, quiz["id"], userid, "all")) + 1
    maximum = float(quiz["grade"] or 0)
    sumgrades = float(quiz["sumgrades"] or 0)
    marks = grade * sumgrades / maximum if sumgrades and maximum else float(grade)
    attempt_id = attempts.insert({
        "quiz": quiz["id"], "userid": userid, "attempt": number, "uniqueid": _question_usage_id(site),
        "layout": "1,0", "currentpage": 0, "preview": 0, "state": "finished", "timestart": now,
        "timefinish": now, "timemodified": now, "timemodifiedoffline": 0, "timecheckstate": None,
        "sumgrades": marks, "gradednotificationsenttime": None,
    })
    save_best_grade(site, quiz, userid)
    return attempts.rows[attempt_id]


def attempt_grade(quiz: Row, attempt: Row) -> float:
    """An attempt's mark rescaled to the quiz grade (``quiz_rescale_grade``)."""
    maximum = float(quiz["grade"] or 0)
    sumgrades = float(quiz["sumgrades"] or 0)
    marks = float(attempt["sumgrades"] or 0)
    return round(marks * maximum / sumgrades, 5) if sumgrades else marks


def calculate_best_grade(quiz: Row, attempts: list[Row]) -> float | None:
    """``quiz_calculate_best_grade`` by the quiz's grading method."""
    finished = [a for a in attempts if a["state"] == "finished" and a["sumgrades"] is not None]
    if not finished:
        return None
    values = [attempt_grade(quiz, a) for a in finished]
    method = int(quiz.get("grademethod") or QUIZ_GRADEHIGHEST)
    if method == QUIZ_GRADEAVERAGE:
        return sum(values) / len(values)
    if method == QUIZ_ATTEMPTFIRST:
        return values[0]
    if method == QUIZ_ATTEMPTLAST:
        return values[-1]
    return max(values)


def save_best_grade(site: Site, quiz: Row, userid: int) -> float | None:
    """``quiz_save_best_grade`` then ``quiz_update_grades``: quiz_grades, the gradebook, activity completion."""
    best = calculate_best_grade(quiz, user_attempts(site, quiz["id"], userid, "all"))
    quiz_grades = table(site.db, "quiz_grades")
    existing = quiz_grades.first(quiz=quiz["id"], userid=userid)
    if best is None:
        if existing is not None:
            quiz_grades.delete(existing["id"])
    elif existing is None:
        quiz_grades.insert({"quiz": quiz["id"], "userid": userid, "grade": best, "timemodified": site.now()})
    else:
        quiz_grades.update(existing["id"], grade=best, timemodified=site.now())
    item = grades.item_for(site, quiz["course"], "quiz", quiz["id"])
    if item is not None:
        grades.set_grade(site, item, userid, best, usermodified=userid)
    cm = modules.cm_for_instance(site, "quiz", quiz["id"])
    if cm is not None:
        completion.update_automatic_state(site, cm, userid)
        completion.review_course(site, quiz["course"], userid)
    return best


def best_grade(site: Site, quizid: int, userid: int) -> float | None:
    row = table(site.db, "quiz_grades").first(quiz=quizid, userid=userid)
    return None if row is None else float(row["grade"])
