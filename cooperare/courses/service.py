"""The courses workflow in two calls: ``plan_courses`` (read Moodle, compare) and ``apply_courses`` (journal, write).

Used by the CLI and the demo; all I/O with Moodle goes through the given client, all bookkeeping through the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cooperare.courses.apply import ApplyResult, CourseApplier, Progress
from cooperare.courses.catalogue import Catalogue
from cooperare.courses.desired import DesiredState, desired_state
from cooperare.courses.planner import build_plan
from cooperare.courses.state import MoodleState, read_state
from cooperare.moodle.client import SITE_SETUP, MoodleClient
from cooperare.moodle.site import CORE_FUNCTIONS
from cooperare.plan import Plan
from cooperare.store import Store


@dataclass
class CoursesPlan:
    desired: DesiredState
    state: MoodleState
    plan: Plan


COURSE_LANGUAGE = "ro"


def course_language(client: MoodleClient) -> str:
    """"ro" when the site has the Romanian language pack (asked through the plugin: one read), else "" — a course
    cannot be forced into a language the site lacks, so it keeps the user's."""
    site = client.site
    if not site.has_plugin or SITE_SETUP not in site.functions:
        return ""
    return COURSE_LANGUAGE if COURSE_LANGUAGE in client.site_setup().languages else ""


REVIEW_CLOSED_SINCE = 2026120360
"""The plugin version whose quizzes take ``reviewfeedback: closed`` (0.4.0 as merged on 2026-12-03)."""


GRADE_WEIGHTS_SINCE = 2026120500
"""The plugin version whose quizzes take ``gradeweight`` (0.6.0)."""


def grade_weights(client: MoodleClient) -> bool:
    """Whether the site's plugin sets a quiz's weight in the course total."""
    return client.site.plugin_at_least(GRADE_WEIGHTS_SINCE)


def closed_review(client: MoodleClient) -> bool:
    """Whether the site's plugin hides a quiz's answers until it closes."""
    return client.site.plugin_at_least(REVIEW_CLOSED_SINCE)


def plan_courses(client: MoodleClient, catalogue: Catalogue, *, prune: bool = False,
                 only: set[str] | None = None) -> CoursesPlan:
    """Read what Moodle holds of the catalogue and compare it with the catalogue."""
    client.site.require(CORE_FUNCTIONS["courses"], purpose="provisioning courses")
    desired = desired_state(catalogue, only=only, lang=course_language(client), closed_review=closed_review(client),
                            grade_weights=grade_weights(client))
    state = read_state(client, course_idnumbers=[c.idnumber for c in desired.courses])
    plan = build_plan(desired, state, prune=prune)
    plan.ws_calls = client.transport.stats.calls
    return CoursesPlan(desired, state, plan)


def apply_courses(client: MoodleClient, store: Store, planned: CoursesPlan, *, plan: Plan | None = None,
                  progress: Progress | None = None, manual_dir: Path | None = None,
                  command: str = "courses apply") -> ApplyResult:
    """Apply ``plan`` (default: the freshly computed one), journaled as one run in ``store``."""
    plan = plan or planned.plan
    plan.check_fresh(planned.state.fingerprint)
    with store.runs.recording(command, detail={"changes": dict(plan.counts())},
                              ws_calls=lambda: client.transport.stats.calls) as run:
        applier = CourseApplier(client, store, run_id=run.id, desired=planned.desired, state=planned.state,
                                progress=progress, manual_dir=manual_dir)
        applier.reconcile()
        return applier.apply(plan)
