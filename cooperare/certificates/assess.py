"""Where each trainee of a track stands: certified already, eligible, or what is still missing.

:func:`assess_track` puts the pieces together for one track: the trainees (from the roster snapshot in the store,
or from the students of the track's Moodle course when there is no snapshot), who already holds a valid
certificate (from the registry: those are not asked about again, their certificates are frozen), the progress of
the others (read from Moodle, see :mod:`cooperare.certificates.progress`) and the verdicts. This module must not
print or write.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from cooperare.certificates.eligibility import Progress, Requirements, Verdict, evaluate, requirements_for
from cooperare.certificates.progress import enrolled_trainees, read_progress
from cooperare.certificates.settings import CertificatesConfig
from cooperare.certificates.trainees import Trainee, from_people
from cooperare.courses.catalogue import Catalogue
from cooperare.moodle.client import MoodleClient
from cooperare.store.certificates import CertificateRecord, CertificateRegistry
from cooperare.store.people import People

Source = Literal["roster", "moodle"]


@dataclass(frozen=True)
class TrackAssessment:
    track: str
    requirements: Requirements
    source: Source
    """Where the trainees came from: the roster snapshot, or the course's enrolled students in Moodle."""
    holders: dict[str, CertificateRecord]
    """Person key → their valid certificate."""
    verdicts: tuple[Verdict, ...]
    """For everyone without a valid certificate."""

    @property
    def eligible(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.eligible]


def track_trainees(client: MoodleClient, *, people: People, catalogue: Catalogue, track: str
                   ) -> tuple[list[Trainee], Source]:
    snapshot = from_people(people.all(track=track), track=track)
    if snapshot:
        return snapshot, "roster"
    course = catalogue.track(track).course
    return enrolled_trainees(client, prefix=catalogue.prefix, track=track, course_key=course), "moodle"


def assess_track(client: MoodleClient, *, people: People, registry: CertificateRegistry, catalogue: Catalogue,
                 config: CertificatesConfig, track: str) -> TrackAssessment:
    requirements = requirements_for(catalogue, track, rule=config.rules.get(track))
    trainees, source = track_trainees(client, people=people, catalogue=catalogue, track=track)
    holders = registry.valid_for((t.key for t in trainees), track=track)
    pending = [t for t in trainees if t.key not in holders]
    progress = read_progress(client, prefix=catalogue.prefix, requirements=requirements, trainees=pending)
    verdicts = tuple(evaluate(requirements, t, progress=progress.get(t.moodle_user_id, Progress())) for t in pending)
    return TrackAssessment(track, requirements, source, holders, verdicts)
