"""Apply a courses plan: the only code here that changes Moodle.

Steps in dependency order, each one batched across courses: categories (parents before children) → courses →
sections → activities → questions (one item per affected quiz, its questions in slot order) → deletions (``--prune``)
→ completion. Every change is written to the journal before its call and closed after it, so an interrupted apply
leaves "begun" entries; the next run reads Moodle back, closes them as reconciled, and carries on from what exists —
nothing is ever re-sent blindly, and since every object is found again by its idnumber nothing is duplicated.
Without the plugin, only categories and courses are applied; questions are written as Moodle XML files with a
checklist for a manual import.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cooperare.courses.desired import DesiredQuestionSet, DesiredState
from cooperare.courses.moodlexml import quiz_document
from cooperare.courses.planner import SCOPE, activity_address, question_address
from cooperare.courses.state import MoodleState
from cooperare.errors import MoodleError, PlanError, ResponseLost
from cooperare.moodle.client import MoodleClient
from cooperare.plan import Change, Plan
from cooperare.store import Store

Progress = Callable[[int, int, str], None]


@dataclass
class ApplyResult:
    applied: Counter[str] = field(default_factory=Counter)
    reconciled: int = 0
    manual_files: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _kind(address: str) -> str:
    if address.startswith("category["):
        return "category"
    if ".question[" in address:
        return "question"
    if ".activity[" in address:
        return "activity"
    if ".section[" in address:
        return "section"
    if address.endswith(".completion"):
        return "completion"
    return "course"


def _course_of(address: str) -> str:
    return address[len("course["):address.index("]")]


class CourseApplier:
    """Executes one plan against one Moodle, journaling every step in ``store``."""

    def __init__(self, client: MoodleClient, store: Store, *, run_id: int, desired: DesiredState,
                 state: MoodleState, progress: Progress | None = None, manual_dir: Path | None = None) -> None:
        self.client = client
        self.store = store
        self.run_id = run_id
        self.desired = desired
        self.state = state
        self.progress = progress or (lambda done, total, label: None)
        self.manual_dir = manual_dir
        self.result = ApplyResult()
        self.category_ids = {idnumber: c.id for idnumber, c in state.categories.items()}
        self.course_ids = {idnumber: c.id for idnumber, c in state.courses.items()}
        self._done = 0
        self._total = 0

    # -- journal ------------------------------------------------------------------------------------------------

    def reconcile(self) -> int:
        """Close the entries an interrupted apply left open: Moodle has been read back, the new plan goes on."""
        unfinished = self.store.journal.unfinished(SCOPE)
        for entry in unfinished:
            self.store.journal.done(entry.id, {"reconciled": True, "by_run": self.run_id})
        self.result.reconciled = len(unfinished)
        return len(unfinished)

    def _batch(self, changes: Sequence[Change], label: str, call: Callable[[], list[Any]], *,
               counted: Sequence[Change] | None = None) -> list[Any]:
        """Journal ``changes``, run ``call`` (one batched web-service operation), close the entries.

        ``counted`` are the plan changes this batch carries out, when they differ from the journaled items (a quiz
        item carries all its question changes).
        """
        entries = [self.store.journal.begin(self.run_id, scope=SCOPE, address=c.address, action=c.action,
                                            payload=_journal_payload(c)) for c in changes]
        try:
            results = call()
        except ResponseLost:
            raise  # the entries stay "begun": the next run reads Moodle back and reconciles them
        except MoodleError as error:
            for entry in entries:
                self.store.journal.failed(entry, error)
            raise
        for index, entry in enumerate(entries):
            self.store.journal.done(entry, results[index] if index < len(results) else None)
        counted = changes if counted is None else counted
        for change in counted:
            self.result.applied[f"{_kind(change.address)} {change.action}"] += 1
        self._done += len(counted)
        self.progress(self._done, self._total, label)
        return results

    # -- the steps ----------------------------------------------------------------------------------------------

    def apply(self, plan: Plan) -> ApplyResult:
        pending = list(plan.pending())
        supported = pending if self.state.plugin else [c for c in pending if _kind(c.address) in ("category",
                                                                                                    "course")]
        self._total = len(supported)
        self.progress(0, self._total, "starting")
        by_kind: dict[str, list[Change]] = {}
        for change in supported:
            by_kind.setdefault(_kind(change.address), []).append(change)
        self._categories(by_kind.get("category", []))
        self._courses(by_kind.get("course", []))
        if self.state.plugin:
            self._sections(by_kind.get("section", []))
            self._activities([c for c in by_kind.get("activity", []) if c.action != "delete"])
            self._questions(by_kind.get("question", []))
            self._delete_activities([c for c in by_kind.get("activity", []) if c.action == "delete"])
            self._completion(by_kind.get("completion", []))
        elif self.manual_dir is not None:
            self._write_manual_import(self.manual_dir)
        return self.result

    def _categories(self, changes: list[Change]) -> None:
        creates = [c for c in changes if c.action == "create"]
        while creates:
            ready = [c for c in creates if c.after["parent"] is None or c.after["parent"] in self.category_ids]
            if not ready:
                raise PlanError("categories wait for parents that neither exist nor are planned: "
                                + ", ".join(c.address for c in creates))
            items = [{"name": c.after["name"], "description": c.after["description"], "descriptionformat": 1,
                      "idnumber": _idnumber(c.address),
                      "parent": self.category_ids.get(c.after["parent"], 0) if c.after["parent"] else 0}
                     for c in ready]
            results = self._batch(ready, "categories", lambda items=items: self.client.categories.create(items))
            for change, created in zip(ready, results, strict=True):
                self.category_ids[_idnumber(change.address)] = int(created["id"])
            creates = [c for c in creates if c not in ready]
        updates = [c for c in changes if c.action == "update"]
        if updates:
            items = [{"id": self.category_ids[_idnumber(c.address)], "name": c.after["name"],
                      "description": c.after["description"], "descriptionformat": 1,
                      "parent": self.category_ids.get(c.after["parent"], 0) if c.after["parent"] else 0}
                     for c in updates]
            self._batch(updates, "categories", lambda: [self.client.categories.update(items)] * len(items))

    def _course_fields(self, after: dict[str, Any]) -> dict[str, Any]:
        fields = {k: after[k] for k in ("fullname", "shortname", "summary", "format", "visible", "startdate",
                                        "enddate", "enablecompletion")}
        if after.get("lang"):
            fields["lang"] = after["lang"]
        category = self.category_ids.get(after["category"])
        if category is None:
            raise PlanError(f"category {after['category']} does not exist in Moodle")
        return {**fields, "categoryid": category, "summaryformat": 1}

    def _courses(self, changes: list[Change]) -> None:
        creates = [c for c in changes if c.action == "create"]
        if creates:
            items = [{**self._course_fields(c.after), "idnumber": _idnumber(c.address),
                      "numsections": c.after.get("numsections", 0)} for c in creates]
            results = self._batch(creates, "courses", lambda: self.client.courses.create(items))
            for change, created in zip(creates, results, strict=True):
                self.course_ids[_idnumber(change.address)] = int(created["id"])
        updates = [c for c in changes if c.action == "update"]
        if updates:
            items = [{"id": self.course_ids[_idnumber(c.address)], **self._course_fields(c.after)} for c in updates]

            def update() -> list[Any]:
                warnings = self.client.courses.update(items)
                if warnings:
                    raise MoodleError("; ".join(str(w.get("message")) for w in warnings),
                                      wsfunction="core_course_update_courses")
                return [None] * len(items)

            self._batch(updates, "courses", update)

    def _plugin_batch(self, changes: list[Change], label: str, save: Callable[[list[Any]], list[Any]],
                      items: list[Any], *, counted: Sequence[Change] | None = None) -> list[Any]:
        """One plugin save through the client's typed method (batched there, answers counted against items)."""
        return self._batch(changes, label, lambda: save(items), counted=counted)

    def _course_id(self, change: Change) -> int:
        idnumber = _course_of(change.address)
        if idnumber not in self.course_ids:
            raise PlanError(f"{change.address}: course {idnumber} does not exist in Moodle")
        return self.course_ids[idnumber]

    def _sections(self, changes: list[Change]) -> None:
        if not changes:
            return
        items = [{"courseid": self._course_id(c), "number": int(c.address.rsplit("[", 1)[1].rstrip("]")),
                  "name": c.after["name"], "summary": c.after["summary"], "summaryformat": 1,
                  "visible": c.after["visible"], "spechash": c.after["spechash"]} for c in changes]
        self._plugin_batch(changes, "sections", self.client.course_content.save_sections, items)

    def _activities(self, changes: list[Change]) -> None:
        if not changes:
            return
        items = []
        for change in changes:
            after = dict(change.after)
            options = [{"name": k[len("options."):], "value": str(after.pop(k))} for k in sorted(after)
                       if k.startswith("options.")]
            items.append({"courseid": self._course_id(change), **after, "options": options})
        self._plugin_batch(changes, "activities", self.client.course_content.save_activities, items)

    def _questions(self, changes: list[Change]) -> None:
        by_quiz: dict[tuple[str, str], list[Change]] = {}
        for change in changes:
            course = _course_of(change.address)
            quiz = change.address.split(".quiz[", 1)[1].split("]", 1)[0]
            by_quiz.setdefault((course, quiz), []).append(change)
        if not by_quiz:
            return
        items = []
        journaled: list[Change] = []
        for (course_idnumber, quiz_idnumber), quiz_changes in by_quiz.items():
            course = self.desired.course(course_idnumber)
            question_set = next(q for q in course.question_sets if q.quiz_idnumber == quiz_idnumber)
            items.append({
                "courseid": self._course_id(quiz_changes[0]),
                "quiz": quiz_idnumber,
                "questions": [{"idnumber": q.idnumber, "xml": q.xml, "maxmark": q.mark, "spechash": q.spechash}
                              for q in question_set.questions],
                "removemissing": any(c.action == "delete" for c in quiz_changes),
            })
            journaled.append(Change(f"course[{course_idnumber}].quiz[{quiz_idnumber}]", "update",
                                    None, {"changes": [c.address for c in quiz_changes]}))
        self._plugin_batch(journaled, "questions", self.client.course_content.save_questions, items,
                           counted=changes)

    def _delete_activities(self, changes: list[Change]) -> None:
        if not changes:
            return
        pairs = [(self._course_id(c), c.address.split(".activity[", 1)[1][:-1]) for c in changes]
        self._plugin_batch(changes, "deletions", self.client.course_content.delete_activities, pairs)

    def _completion(self, changes: list[Change]) -> None:
        if not changes:
            return
        items = [{"courseid": self._course_id(c), "aggregation": c.after["aggregation"],
                  "activities": c.after["activities"], "spechash": c.after["spechash"]} for c in changes]
        self._plugin_batch(changes, "completion", self.client.course_content.set_completion, items)

    # -- without the plugin ---------------------------------------------------------------------------------------

    def _write_manual_import(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        lines = ["# Import manual în Moodle (fără pluginul local_cooperare)", "",
                 "Site-ul nu oferă pluginul local_cooperare, așa că aplicația a creat doar categoriile și "
                 "cursurile. Pentru fiecare curs de mai jos:", ""]
        for course in self.desired.courses:
            course_dir = folder / course.shortname
            course_dir.mkdir(exist_ok=True)
            lines.append(f"## {course.shortname} — {course.fullname}")
            lines.append("")
            lines.append(f"1. Creați secțiunile: {', '.join(s.name for s in course.sections[1:])}.")
            lines.append("2. Adăugați activitățile (pagini, teste, forum, chestionar) cu numerele de identificare:")
            for activity in course.activities:
                lines.append(f"   - `{activity.idnumber}` ({activity.modname}): {activity.name}")
            lines.append("3. Pentru fiecare test, importați întrebările (Banca de întrebări › Import › Moodle XML):")
            for question_set in course.question_sets:
                name = question_set.quiz_idnumber.split(":", 2)[-1].replace(":", "-")
                path = course_dir / f"intrebari-{name}.xml"
                path.write_text(_quiz_xml(question_set), encoding="utf-8")
                self.result.manual_files.append(path)
                lines.append(f"   - `{question_set.quiz_idnumber}` ← `{path.relative_to(folder)}`")
            lines.append("4. Setați finalizarea cursului: toate activitățile de mai sus, cu promovarea evaluării "
                         "finale.")
            lines.append("")
        checklist = folder / "LISTA-DE-VERIFICARE.md"
        checklist.write_text("\n".join(lines), encoding="utf-8")
        self.result.manual_files.append(checklist)


def _quiz_xml(question_set: DesiredQuestionSet) -> str:
    """One Moodle XML file for a quiz: its questions (already rendered one by one) under a category of its own."""
    body = "".join(q.xml.split("<quiz>\n", 1)[1].rsplit("</quiz>", 1)[0] for q in question_set.questions)
    return quiz_document((), category=question_set.quiz_idnumber.split(":", 1)[1]).replace("</quiz>\n", body
                                                                                            + "</quiz>\n")


def _idnumber(address: str) -> str:
    return address[address.index("[") + 1:address.index("]")]


def _journal_payload(change: Change) -> Any:
    """What the journal keeps of a change: its target, without bulky HTML or XML bodies."""
    if not isinstance(change.after, dict):
        return change.after
    return {k: (v if not isinstance(v, str) or len(v) <= 200 else f"<{len(v)} characters>")
            for k, v in change.after.items()}


__all__ = ["ApplyResult", "CourseApplier", "activity_address", "question_address"]
