"""Ready-made sandbox content for tests and bench scripts: a certification track's course with its final quiz
(completion on a passing grade, the course's completion criterion) and enrolled people.

One place for what the certificate tests and ``bench/certificates.py`` both need, built through the real client
where a web service exists and directly on the site where only the plugin or a learner could do it. Not used by the
pack's commands (the demo provisions from the catalogue instead).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cooperare.moodle.client import MoodleClient
from cooperare.sandbox import Sandbox
from cooperare.sandbox.courses import completion, modules
from cooperare.sandbox.courses.schema import COMPLETION_TRACKING_AUTOMATIC


@dataclass(frozen=True)
class TrackCourse:
    course_id: int
    quiz_id: int
    user_ids: tuple[int, ...]
    """In the order the people were given."""


def track_course(box: Sandbox, client: MoodleClient, *, prefix: str, course_key: str, fullname: str,
                 shortname: str, people: Sequence[Mapping[str, Any]]) -> TrackCourse:
    """The course ``{prefix}:course:{course_key}`` with completion on, a final quiz ``{prefix}:{course_key}:final``
    (grade to pass 7.5 of 10, completion on a passing grade, the course's only criterion), and ``people`` (user
    fields for core_user_create_users) created and enrolled as students. The enrolment goes through a second client,
    so ``client`` has made only the calls a test counts on."""
    course_id = int(client.courses.create([{"fullname": fullname, "shortname": shortname, "categoryid": 1,
                                            "idnumber": f"{prefix}:course:{course_key}",
                                            "enablecompletion": 1}])[0]["id"])
    with box.site.db.transaction():
        cm = modules.add_module(box.site, course_id, "quiz", {"name": "Evaluare finală", "grade": 10,
                                                             "gradepass": 7.5, "sumgrades": 10},
                                cm={"idnumber": f"{prefix}:{course_key}:final",
                                    "completion": COMPLETION_TRACKING_AUTOMATIC, "completionpassgrade": 1})
        completion.add_activity_criterion(box.site, cm)
    user_ids = tuple(int(u["id"]) for u in client.users.create(list(people)))
    MoodleClient(box.transport()).enrol.enrol([(course_id, uid) for uid in user_ids])
    return TrackCourse(course_id, int(cm["instance"]), user_ids)
