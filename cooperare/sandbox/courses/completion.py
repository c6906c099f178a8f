"""Activity and course completion (``lib/completionlib.php``, ``completion/criteria``).

Activity states live in ``course_modules_completion``; course criteria in ``course_completion_criteria`` with
their aggregation methods; a user's criteria in ``course_completion_crit_compl`` and the course result in
``course_completions``. As Moodle does for single-user changes (``internal_set_data``), a changed activity state
re-reviews that user's activity criteria and re-aggregates their course completion at once; grade criteria are
reviewed at the same moments (Moodle does that in its cron).
"""

from __future__ import annotations

from typing import Any

from cooperare.sandbox.courses import enrolments, grades, modtypes, modules
from cooperare.sandbox.courses.schema import (
    COMPLETION_AGGREGATION_ALL,
    COMPLETION_AGGREGATION_ANY,
    COMPLETION_COMPLETE,
    COMPLETION_COMPLETE_FAIL,
    COMPLETION_COMPLETE_PASS,
    COMPLETION_INCOMPLETE,
    COMPLETION_TRACKING_AUTOMATIC,
    CRITERIA_TYPE_ACTIVITY,
    CRITERIA_TYPE_COURSE,
    CRITERIA_TYPE_GRADE,
    CRITERIA_TYPE_ROLE,
    STUDENT_ROLE_ID,
    table,
)
from cooperare.sandbox.db import Row
from cooperare.sandbox.site import Site

# -- activity completion ------------------------------------------------------------------------------------------


def activity_state(site: Site, cmid: int, userid: int) -> Row | None:
    return table(site.db, "course_modules_completion").first(coursemoduleid=cmid, userid=userid)


def set_activity_state(site: Site, cm: Row, userid: int, state: int, *, overrideby: int | None = None,
                       viewed: bool | None = None, timemodified: int | None = None) -> Row:
    """``completion_info::internal_set_data`` for one user, then their course completion is reviewed."""
    states = table(site.db, "course_modules_completion")
    values = {"completionstate": int(state), "overrideby": overrideby,
              "timemodified": site.now() if timemodified is None else timemodified}
    existing = activity_state(site, cm["id"], userid)
    if existing is None:
        row_id = states.insert({"coursemoduleid": cm["id"], "userid": userid, **values})
    else:
        row_id = existing["id"]
        states.update(row_id, **values)
    if viewed is not None:
        set_viewed(site, cm["id"], userid, viewed)
    review_course(site, cm["course"], userid)
    return states.rows[row_id]


def set_viewed(site: Site, cmid: int, userid: int, viewed: bool) -> None:
    """``course_modules_viewed``: whether the user has opened the activity."""
    views = table(site.db, "course_modules_viewed")
    existing = views.first(coursemoduleid=cmid, userid=userid)
    if viewed and existing is None:
        views.insert({"coursemoduleid": cmid, "userid": userid, "timecreated": site.now()})
    elif not viewed and existing is not None:
        views.delete(existing["id"])


def was_viewed(site: Site, cmid: int, userid: int) -> bool:
    return table(site.db, "course_modules_viewed").first(coursemoduleid=cmid, userid=userid) is not None


def tracked_activities(site: Site, courseid: int) -> list[Row]:
    """``completion_info::get_activities``: the course's modules with completion tracking, in page order."""
    return [cm for cm in modules.course_cms(site, courseid) if cm["completion"]]


def is_tracked_user(site: Site, courseid: int, userid: int) -> bool:
    """``is_tracked_user``: an active enrolment and a role with ``moodle/course:isincompletionreports``."""
    return (enrolments.is_enrolled(site, courseid, userid, onlyactive=True)
            and enrolments.has_role(site, courseid, userid, (STUDENT_ROLE_ID,)))


# -- automatic completion rules -----------------------------------------------------------------------------------

RULE_DESCRIPTIONS = {
    "completionview": "View",
    "completionusegrade": "Receive a grade",
    "completionpassgrade": "Receive a passing grade",
    "completiondiscussions": "Start discussions: {}",
    "completionreplies": "Post replies: {}",
    "completionposts": "Make forum posts: {}",
    "completionminattempts": "Make attempts: {}",
    "completionpassorattemptsexhausted": "Receive a pass grade or complete all available attempts",
    "completionsubmit": "Submit feedback",
}
RULE_ORDER = {
    "forum": ("completionview", "completiondiscussions", "completionreplies", "completionposts",
              "completionusegrade", "completionpassgrade"),
    "quiz": ("completionview", "completionminattempts", "completionusegrade", "completionpassgrade",
             "completionpassorattemptsexhausted"),
    "assign": ("completionview", "completionsubmit", "completionusegrade", "completionpassgrade"),
}
DEFAULT_ORDER = ("completionview", "completionsubmit", "completionusegrade", "completionpassgrade")


def automatic_rules(site: Site, cm: Row) -> list[tuple[str, str]]:
    """The rules of an automatically tracked activity, (name, description), in the module's display order."""
    if cm["completion"] != COMPLETION_TRACKING_AUTOMATIC:
        return []
    modname = modules.modname_of(site, cm)
    instance = modules.instance_of(site, cm)
    active: dict[str, str] = {}
    if cm.get("completionview"):
        active["completionview"] = RULE_DESCRIPTIONS["completionview"]
    if cm.get("completiongradeitemnumber") is not None:
        active["completionusegrade"] = RULE_DESCRIPTIONS["completionusegrade"]
        if cm.get("completionpassgrade"):
            active["completionpassgrade"] = RULE_DESCRIPTIONS["completionpassgrade"]
    for rule in modtypes.module_type(modname).custom_rules:
        value = instance.get(rule) if rule != "completionpassorattemptsexhausted" else \
            instance.get("completionattemptsexhausted")
        if value:
            text = RULE_DESCRIPTIONS[rule]
            if modname == "assign" and rule == "completionsubmit":
                text = "Make a submission"
            active[rule] = text.format(value)
    order = RULE_ORDER.get(modname, DEFAULT_ORDER)
    return [(rule, active[rule]) for rule in order if rule in active]


def _grade_state(site: Site, cm: Row, userid: int) -> int:
    modname = modules.modname_of(site, cm)
    item = grades.item_for(site, cm["course"], modname, cm["instance"], int(cm.get("completiongradeitemnumber") or 0))
    grade = grades.grade_of(site, item["id"], userid) if item else None
    if item is None or grade is None or grade["finalgrade"] is None:
        return COMPLETION_INCOMPLETE
    if float(item["gradepass"] or 0) > 0:
        passed = float(grade["finalgrade"]) >= float(item["gradepass"])
        return COMPLETION_COMPLETE_PASS if passed else COMPLETION_COMPLETE_FAIL
    return COMPLETION_COMPLETE


def rule_status(site: Site, cm: Row, rule: str, userid: int) -> int:
    """The state of one rule for a user (what ``cm_completion_details`` shows per rule)."""
    if rule == "completionview":
        return COMPLETION_COMPLETE if was_viewed(site, cm["id"], userid) else COMPLETION_INCOMPLETE
    if rule in ("completionusegrade", "completionpassgrade"):
        return _grade_state(site, cm, userid)
    instance = modules.instance_of(site, cm)
    needed = int(instance.get(rule) or 0)
    if rule in ("completiondiscussions", "completionreplies", "completionposts"):
        posts = [p for d in site.db["forum_discussions"].where(forum=instance["id"])
                 for p in site.db["forum_posts"].where(discussion=d["id"]) if p["userid"] == userid]
        count = {"completiondiscussions": sum(1 for p in posts if not p["parent"]),
                 "completionreplies": sum(1 for p in posts if p["parent"]), "completionposts": len(posts)}[rule]
        return COMPLETION_COMPLETE if count >= needed else COMPLETION_INCOMPLETE
    if rule == "completionminattempts":
        attempts = [a for a in table(site.db, "quiz_attempts").where(quiz=instance["id"], userid=userid)
                    if a["state"] == "finished"]
        return COMPLETION_COMPLETE if len(attempts) >= needed else COMPLETION_INCOMPLETE
    if rule == "completionpassorattemptsexhausted":
        state = _grade_state(site, cm, userid)
        return COMPLETION_COMPLETE if state == COMPLETION_COMPLETE_PASS else COMPLETION_INCOMPLETE
    return COMPLETION_INCOMPLETE  # submissions are not modelled


def evaluate_state(site: Site, cm: Row, userid: int) -> int:
    """``completion_info::internal_get_state`` for an automatically tracked activity."""
    rules = automatic_rules(site, cm)
    if not rules:
        return COMPLETION_INCOMPLETE
    statuses = {rule: rule_status(site, cm, rule, userid) for rule, _ in rules}
    if any(value == COMPLETION_INCOMPLETE for value in statuses.values()):
        return COMPLETION_INCOMPLETE
    grade_state = statuses.get("completionpassgrade", statuses.get("completionusegrade"))
    if grade_state in (COMPLETION_COMPLETE_PASS, COMPLETION_COMPLETE_FAIL):
        return grade_state
    return COMPLETION_COMPLETE


def update_automatic_state(site: Site, cm: Row, userid: int) -> None:
    """``completion_info::update_state`` after a view, a grade or a post (automatic tracking only)."""
    course = site.db["course"].get(cm["course"])
    if cm["completion"] != COMPLETION_TRACKING_AUTOMATIC or not course or not course.get("enablecompletion"):
        return
    current = activity_state(site, cm["id"], userid)
    if current is not None and current.get("overrideby"):
        return
    state = evaluate_state(site, cm, userid)
    if current is None and state == COMPLETION_INCOMPLETE:
        return
    if current is None or current["completionstate"] != state:
        set_activity_state(site, cm, userid, state)


def export_state(site: Site, cm: Row, userid: int) -> dict[str, Any]:
    """``completion_info_exporter``: the user's state of one activity and, for automatic tracking, its rules."""
    row = activity_state(site, cm["id"], userid)
    state = int(row["completionstate"]) if row else COMPLETION_INCOMPLETE
    overrideby = row.get("overrideby") if row else None
    rules = automatic_rules(site, cm)
    details = [{"rulename": rule, "rulevalue": {
        "status": state if overrideby else rule_status(site, cm, rule, userid), "description": text}}
        for rule, text in rules]
    done: tuple[int, ...] = (COMPLETION_COMPLETE,)
    if cm["completion"] == COMPLETION_TRACKING_AUTOMATIC:
        custom = any(rule not in ("completionview", "completionusegrade", "completionpassgrade") for rule, _ in rules)
        strict = custom or any(rule == "completionpassgrade" for rule, _ in rules)
        done = (COMPLETION_COMPLETE, COMPLETION_COMPLETE_PASS) if strict else \
            (COMPLETION_COMPLETE, COMPLETION_COMPLETE_PASS, COMPLETION_COMPLETE_FAIL)
    course = site.db["course"].rows[cm["course"]]
    return {
        "state": state, "timecompleted": int(row["timemodified"]) if row else 0, "overrideby": overrideby,
        "valueused": False, "hascompletion": bool(cm["completion"] and course.get("enablecompletion")),
        "isautomatic": cm["completion"] == COMPLETION_TRACKING_AUTOMATIC,
        "istrackeduser": is_tracked_user(site, cm["course"], userid), "uservisible": True, "details": details,
        "isoverallcomplete": state in done,
    }


# -- criteria -----------------------------------------------------------------------------------------------------

def add_criterion(site: Site, courseid: int, criteriatype: int, **fields: Any) -> Row:
    """One ``course_completion_criteria`` row (``module``/``moduleinstance`` for activities, ``gradepass``...)."""
    criteria = table(site.db, "course_completion_criteria")
    values = {"course": courseid, "criteriatype": criteriatype, "module": None, "moduleinstance": None,
              "courseinstance": None, "enrolperiod": None, "timeend": None, "gradepass": None, "role": None}
    values.update(fields)
    return criteria.rows[criteria.insert(values)]


def add_activity_criterion(site: Site, cm: Row) -> Row:
    return add_criterion(site, cm["course"], CRITERIA_TYPE_ACTIVITY, module=modules.modname_of(site, cm),
                         moduleinstance=cm["id"])


def set_aggregation(site: Site, courseid: int, method: int, criteriatype: int | None = None) -> None:
    """``completion_aggregation``: overall (criteriatype None) or per criteria type; default is ALL."""
    methods = table(site.db, "course_completion_aggr_methd")
    existing = next((m for m in methods.where(course=courseid) if m["criteriatype"] == criteriatype), None)
    if existing is None:
        methods.insert({"course": courseid, "criteriatype": criteriatype, "method": method, "value": None})
    else:
        methods.update(existing["id"], method=method)


def aggregation(site: Site, courseid: int, criteriatype: int | None = None) -> int:
    for method in table(site.db, "course_completion_aggr_methd").where(course=courseid):
        if method["criteriatype"] == criteriatype:
            return int(method["method"])
    return COMPLETION_AGGREGATION_ALL


def clear_criteria(site: Site, courseid: int) -> None:
    """``completion_info::clear_criteria``: criteria, aggregation methods and users' criteria completions."""
    for name in ("course_completion_criteria", "course_completion_aggr_methd"):
        for row in table(site.db, name).where(course=courseid):
            table(site.db, name).delete(row["id"])
    crit = table(site.db, "course_completion_crit_compl")
    for row in list(crit):
        if row["course"] == courseid:
            crit.delete(row["id"])


def criteria(site: Site, courseid: int) -> list[Row]:
    """``completion_info::get_criteria``: by id, activity criteria in course-page order among themselves."""
    rows = sorted(table(site.db, "course_completion_criteria").where(course=courseid), key=lambda c: c["id"])
    order = {cm["id"]: index for index, cm in enumerate(modules.course_cms(site, courseid))}
    slots = [i for i, c in enumerate(rows) if c["criteriatype"] == CRITERIA_TYPE_ACTIVITY]
    activities = sorted((rows[i] for i in slots), key=lambda c: order.get(c["moduleinstance"], len(order)))
    for slot, criterion in zip(slots, activities, strict=False):
        rows[slot] = criterion
    return rows


def criterion_completion(site: Site, criterion: Row, userid: int) -> Row | None:
    return table(site.db, "course_completion_crit_compl").first(criteriaid=criterion["id"], userid=userid)


def mark_criterion(site: Site, criterion: Row, userid: int, *, timecompleted: int | None = None,
                   gradefinal: float | None = None) -> Row:
    completions = table(site.db, "course_completion_crit_compl")
    existing = criterion_completion(site, criterion, userid)
    if existing is not None and existing["timecompleted"]:
        return existing
    values = {"timecompleted": timecompleted or site.now(), "gradefinal": gradefinal}
    if existing is None:
        row_id = completions.insert({"userid": userid, "course": criterion["course"], "criteriaid": criterion["id"],
                                     "unenroled": None, **values})
    else:
        row_id = existing["id"]
        completions.update(row_id, **values)
    return completions.rows[row_id]


def _activity_done(site: Site, criterion: Row, userid: int) -> bool:
    cm = site.db["course_modules"].get(criterion["moduleinstance"])
    state = activity_state(site, criterion["moduleinstance"], userid) if cm else None
    if cm is None or state is None:
        return False
    value = state["completionstate"]
    if cm.get("completionpassgrade"):
        return value in (COMPLETION_COMPLETE, COMPLETION_COMPLETE_PASS)
    return value in (COMPLETION_COMPLETE, COMPLETION_COMPLETE_PASS, COMPLETION_COMPLETE_FAIL)


def review_course(site: Site, courseid: int, userid: int) -> bool:
    """Review the user's activity and grade criteria, then aggregate; True when the course is complete."""
    found = criteria(site, courseid)
    course = site.db["course"].get(courseid)
    if not found or course is None or not course.get("enablecompletion"):
        return is_course_complete(site, courseid, userid)
    for criterion in found:
        if criterion["criteriatype"] == CRITERIA_TYPE_ACTIVITY and _activity_done(site, criterion, userid):
            state = activity_state(site, criterion["moduleinstance"], userid)
            mark_criterion(site, criterion, userid, timecompleted=state["timemodified"] if state else None)
        elif criterion["criteriatype"] == CRITERIA_TYPE_GRADE:
            grade = grades.course_grade(site, courseid, userid)
            if criterion["gradepass"] and grade is not None and float(criterion["gradepass"]) <= grade:
                mark_criterion(site, criterion, userid, gradefinal=grade)
    return aggregate(site, courseid, userid)


def aggregate(site: Site, courseid: int, userid: int) -> bool:
    """``aggregate_completions`` for one user: per-type methods folded into the overall method."""
    if is_course_complete(site, courseid, userid):
        return True
    overall = aggregation(site, courseid)
    by_type = {kind: aggregation(site, courseid, kind)
               for kind in (CRITERIA_TYPE_ACTIVITY, CRITERIA_TYPE_COURSE, CRITERIA_TYPE_ROLE)}
    partial: dict[int | None, bool | None] = {None: None, **{kind: None for kind in by_type}}
    latest = 0
    for criterion in criteria(site, courseid):
        done_row = criterion_completion(site, criterion, userid)
        done = bool(done_row and done_row["timecompleted"])
        if done_row and done_row["timecompleted"]:
            latest = max(latest, int(done_row["timecompleted"]))
        kind = criterion["criteriatype"] if criterion["criteriatype"] in by_type else None
        partial[kind] = _fold(by_type.get(kind, overall) if kind else overall, done, partial[kind])
    status = partial[None]
    for kind in (CRITERIA_TYPE_ROLE, CRITERIA_TYPE_ACTIVITY, CRITERIA_TYPE_COURSE):
        if partial[kind] is not None:
            status = _fold(overall, bool(partial[kind]), status)
    if status:
        mark_course_complete(site, courseid, userid, timecompleted=latest or site.now())
        return True
    return False


def _fold(method: int, done: bool, status: bool | None) -> bool:
    """``completion_cron_aggregate``."""
    if method == COMPLETION_AGGREGATION_ANY:
        return bool(status) or done
    return done if status is None else (status and done)


def course_completion(site: Site, courseid: int, userid: int) -> Row | None:
    return table(site.db, "course_completions").first(course=courseid, userid=userid)


def is_course_complete(site: Site, courseid: int, userid: int) -> bool:
    row = course_completion(site, courseid, userid)
    return bool(row and row["timecompleted"])


def mark_course_complete(site: Site, courseid: int, userid: int, *, timecompleted: int | None = None) -> Row:
    """``completion_completion::mark_complete`` (kept as is when already complete)."""
    completions = table(site.db, "course_completions")
    existing = course_completion(site, courseid, userid)
    when = timecompleted or site.now()
    if existing is None:
        row_id = completions.insert({"userid": userid, "course": courseid, "timeenrolled": 0, "timestarted": 0,
                                     "timecompleted": when, "reaggregate": 0})
    else:
        row_id = existing["id"]
        if not existing["timecompleted"]:
            completions.update(row_id, timecompleted=when, reaggregate=0)
    return completions.rows[row_id]

