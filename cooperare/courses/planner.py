"""Desired state + Moodle state → a Plan of changes, in apply order.

Order: categories (parents first) → courses → sections → activities → questions → completion → (with ``prune``)
deletions of pack-managed activities and questions no longer in the catalogue. An object is updated when the
catalogue changed (its spec hash differs from the one the plugin stored) or when someone edited it in Moodle
(``drift``); the change says which. Nothing here writes to Moodle.
"""

from __future__ import annotations

from typing import Any

from cooperare.courses.desired import (
    DesiredActivity,
    DesiredCourse,
    DesiredQuestionSet,
    DesiredSection,
    DesiredState,
)
from cooperare.courses.identity import is_managed
from cooperare.courses.state import CourseState, MoodleState
from cooperare.plan import Change, Plan, fingerprint

SCOPE = "courses"
NEEDS_PLUGIN = "needs the local_cooperare plugin"
DRIFT = "changed in Moodle since the last apply"


def category_address(idnumber: str) -> str:
    return f"category[{idnumber}]"


def course_address(idnumber: str) -> str:
    return f"course[{idnumber}]"


def section_address(course: str, number: int) -> str:
    return f"{course_address(course)}.section[{number}]"


def activity_address(course: str, idnumber: str) -> str:
    return f"{course_address(course)}.activity[{idnumber}]"


def question_address(course: str, quiz: str, idnumber: str) -> str:
    return f"{course_address(course)}.quiz[{quiz}].question[{idnumber}]"


def completion_address(course: str) -> str:
    return f"{course_address(course)}.completion"


def section_hash(section: DesiredSection) -> str:
    return fingerprint(section.fields())


def flat_activity(activity: DesiredActivity) -> dict[str, Any]:
    """An activity as one flat dict (options as ``options.<name>``), for readable field-by-field diffs."""
    payload = activity.payload()
    options = {f"options.{o['name']}": o["value"] for o in payload.pop("options")}
    return {**payload, **options}


def flat_described(activity: dict[str, Any]) -> dict[str, Any]:
    keys = ("idnumber", "modname", "section", "name", "intro", "visible", "completion", "completionview",
            "completionusegrade", "completionpassgrade")
    flat = {k: activity.get(k) for k in keys}
    flat.update({f"options.{o['name']}": o["value"] for o in activity.get("options", [])})
    return flat


class _Planner:
    def __init__(self, desired: DesiredState, state: MoodleState, *, prune: bool) -> None:
        self.desired = desired
        self.state = state
        self.prune = prune
        self.plan = Plan(scope=SCOPE, state_fingerprint=state.fingerprint)

    def add(self, address: str, action: str, before: Any, after: Any, *, group: str, note: str = "") -> None:
        self.plan.add(Change(address, action, before, after, group, note))  # type: ignore[arg-type]

    def compare(self, address: str, before: Any, after: Any, *, group: str, drift: bool, changed: bool,
                note: str = "") -> None:
        """An object that exists: updated when edited in Moodle (drift) or changed in the catalogue, else no-op."""
        if note or drift or changed:
            self.add(address, "update", before, after, group=group, note=note or (DRIFT if drift else ""))
        else:
            self.add(address, "noop", before, after, group=group)

    def run(self) -> Plan:
        self.categories()
        for course in self.desired.courses:
            self.course(course)
        for course in self.desired.courses:
            current = self.state.courses.get(course.idnumber)
            self.sections(course, current)
        for course in self.desired.courses:
            self.activities(course, self.state.courses.get(course.idnumber))
        for course in self.desired.courses:
            current = self.state.courses.get(course.idnumber)
            for question_set in course.question_sets:
                self.questions(course, current, question_set)
        for course in self.desired.courses:
            self.completion(course, self.state.courses.get(course.idnumber))
        if not self.state.plugin:
            self.plan.notes.append(
                "The site does not offer the local_cooperare plugin: categories and courses can be applied; "
                "sections, activities, questions and completion rules need the plugin (apply writes Moodle XML "
                "files and a checklist for a manual import instead).")
        return self.plan

    # -- categories and courses ---------------------------------------------------------------------------------

    def categories(self) -> None:
        for category in self.desired.categories:
            current = self.state.categories.get(category.idnumber)
            after = category.fields()
            if current is None:
                self.add(category_address(category.idnumber), "create", None, after, group="categories")
                continue
            parent = next((c.idnumber for c in self.state.categories.values() if c.id == current.parent), None)
            before = {"name": current.name, "description": current.description, "parent": parent}
            self.compare(category_address(category.idnumber), before, after, group="categories", drift=False,
                         changed=before != after)

    def course(self, course: DesiredCourse) -> None:
        current = self.state.courses.get(course.idnumber)
        after = course.fields()
        group = _group(course)
        if current is None:
            self.add(course_address(course.idnumber), "create", None,
                     {**after, "numsections": len(course.sections) - 1}, group=group)
            return
        category = next((c.idnumber for c in self.state.categories.values() if c.id == current.course.categoryid),
                        current.course.categoryid)
        live = current.course
        before: dict[str, Any] = {"shortname": live.shortname, "fullname": live.fullname, "summary": live.summary,
                  "format": live.format, "visible": int(live.visible), "startdate": live.startdate,
                  "enddate": live.enddate, "enablecompletion": int(live.enablecompletion), "category": category}
        if "lang" in after:
            before["lang"] = live.lang
        self.compare(course_address(course.idnumber), before, after, group=group, drift=False,
                     changed=before != after)

    # -- plugin-managed structure -------------------------------------------------------------------------------

    def sections(self, course: DesiredCourse, current: CourseState | None) -> None:
        live = current.sections() if current and self.state.plugin else {}
        for section in course.sections:
            address = section_address(course.idnumber, section.number)
            after = {**section.fields(), "spechash": section_hash(section)}
            found = live.get(section.number)
            if not self.state.plugin:
                self.add(address, "create" if current is None else "update", None, after, group=_group(course),
                         note=NEEDS_PLUGIN)
                continue
            if found is None:
                self.add(address, "create", None, after, group=_group(course))
                continue
            before = {"name": found.get("name"), "summary": found.get("summary"), "visible": found.get("visible"),
                      "spechash": found.get("spechash")}
            self.compare(address, before, after, group=_group(course), drift=bool(found.get("drift")),
                         changed=found.get("spechash") != after["spechash"])

    def activities(self, course: DesiredCourse, current: CourseState | None) -> None:
        live = current.activities() if current and self.state.plugin else {}
        wanted = set()
        for activity in course.activities:
            wanted.add(activity.idnumber)
            address = activity_address(course.idnumber, activity.idnumber)
            after = {**flat_activity(activity), "spechash": activity.spechash}
            if not self.state.plugin:
                self.add(address, "create", None, after, group=_group(course), note=NEEDS_PLUGIN)
                continue
            found = live.get(activity.idnumber)
            if found is None:
                self.add(address, "create", None, after, group=_group(course))
                continue
            before = {**flat_described(found), "spechash": found.get("spechash")}
            replaced = found.get("modname") != activity.modname
            note = f"is a {found.get('modname')} in Moodle; it will be replaced by a {activity.modname}" \
                if replaced else ""
            self.compare(address, before, after, group=_group(course), drift=bool(found.get("drift")),
                         changed=found.get("spechash") != after["spechash"], note=note)
        if self.prune:
            for idnumber, found in sorted(live.items()):
                if idnumber not in wanted and found.get("managed") and is_managed(idnumber, self.desired.prefix):
                    self.add(activity_address(course.idnumber, idnumber), "delete", flat_described(found), None,
                             group=_group(course))

    def questions(self, course: DesiredCourse, current: CourseState | None, question_set: DesiredQuestionSet) -> None:
        live = current.questions(question_set.quiz_idnumber) if current and self.state.plugin else {}
        wanted = set()
        for slot, question in enumerate(question_set.questions, start=1):
            wanted.add(question.idnumber)
            address = question_address(course.idnumber, question_set.quiz_idnumber, question.idnumber)
            after = {"qtype": question.qtype, "slot": slot, "maxmark": question.mark, "spechash": question.spechash,
                     "xml": question.xml}
            if not self.state.plugin:
                self.add(address, "create", None, after, group=_group(course), note=NEEDS_PLUGIN)
                continue
            found = live.get(question.idnumber)
            if found is None:
                self.add(address, "create", None, after, group=_group(course))
                continue
            before = {"qtype": found.get("qtype"), "slot": found.get("slot"), "maxmark": found.get("maxmark"),
                      "spechash": found.get("spechash"), "version": found.get("version")}
            compared = ("qtype", "slot", "maxmark", "spechash")
            self.compare(address, before, after, group=_group(course), drift=bool(found.get("drift")),
                         changed=any(before[k] != after[k] for k in compared))
        if self.prune:
            for idnumber, found in sorted(live.items()):
                if idnumber not in wanted and found.get("managed") and is_managed(idnumber, self.desired.prefix):
                    self.add(question_address(course.idnumber, question_set.quiz_idnumber, idnumber), "delete",
                             {"qtype": found.get("qtype"), "slot": found.get("slot")}, None, group=_group(course))

    def completion(self, course: DesiredCourse, current: CourseState | None) -> None:
        address = completion_address(course.idnumber)
        after = {**course.completion.payload(), "spechash": course.completion.spechash}
        if not self.state.plugin:
            self.add(address, "update", None, after, group=_group(course), note=NEEDS_PLUGIN)
            return
        found = current.completion() if current else None
        if not found or not found.get("activities"):
            self.add(address, "create" if current is None else "update", found and _completion_view(found), after,
                     group=_group(course))
            return
        before = _completion_view(found)
        changed = found.get("spechash") != after["spechash"] or sorted(before["activities"]) != sorted(
            after["activities"])
        self.compare(address, before, after, group=_group(course), drift=bool(found.get("drift")), changed=changed)


def _completion_view(found: dict[str, Any]) -> dict[str, Any]:
    return {"aggregation": found.get("aggregation"), "activities": list(found.get("activities") or []),
            "spechash": found.get("spechash")}


def _group(course: DesiredCourse) -> str:
    return f"{course.shortname} — {course.fullname}"


def build_plan(desired: DesiredState, state: MoodleState, *, prune: bool = False) -> Plan:
    """Compare and return the plan (no Moodle calls)."""
    return _Planner(desired, state, prune=prune).run()

