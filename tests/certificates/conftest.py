"""Certificate fixtures: a demo key pair made once per session, a fresh store, issued certificates, and a sandbox
Moodle holding one track's course with its final quiz, completion criterion and enrolled trainees."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from cooperare.certificates.eligibility import Grade, Progress, evaluate, requirements_for
from cooperare.certificates.issue import Issuing, issue_track
from cooperare.certificates.keygen import DemoKeys, make_demo_keys
from cooperare.certificates.production import Producer
from cooperare.certificates.settings import CertificatesConfig, Signatory, SigningConfig
from cooperare.certificates.trainees import Trainee
from cooperare.courses.catalogue import Catalogue, load_catalogue
from cooperare.moodle.client import MoodleClient
from cooperare.sandbox import Sandbox
from cooperare.sandbox.fixtures import track_course
from cooperare.secrets import Secret
from cooperare.store import Store
from cooperare.store.certificates import CertificateRecord, CertificateRegistry

PASSWORD = "parola-de-test-1"
TRACK = "adm-expert"
COURSE = "expert-adm"


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """The CLI sets up the ``cooperare`` logger (own handler, no propagation); later tests' caplog needs it back."""
    logger = logging.getLogger("cooperare")
    saved = (list(logger.handlers), logger.propagate, logger.level)
    yield
    logger.handlers[:], logger.propagate, logger.level = saved


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture(scope="session")
def demo_keys(tmp_path_factory: pytest.TempPathFactory) -> DemoKeys:
    return make_demo_keys(tmp_path_factory.mktemp("keys"), password=Secret(PASSWORD),
                          organisation="Asociația Comunelor din România", common_name="Semnătură de test")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "store.sqlite") as opened:
        yield opened


@pytest.fixture
def registry(store: Store) -> CertificateRegistry:
    return CertificateRegistry(store.engine)


def make_config(demo_keys: DemoKeys, folder: Path) -> CertificatesConfig:
    return CertificatesConfig(signatory=Signatory("Maria Ionescu", "Președinte"),
                              verify_url="https://cooperare.example.ro/verificare",
                              signing=SigningConfig(pkcs12=demo_keys.pkcs12, trust_root=demo_keys.root_certificate),
                              output=folder / "certificates", workers=1)


def make_issuing(catalogue: Catalogue, config: CertificatesConfig, demo_keys: DemoKeys) -> Issuing:
    producer = Producer(pkcs12=demo_keys.pkcs12, password=Secret(PASSWORD))
    return Issuing(catalogue=catalogue, config=config, output=config.output, producer=producer, workers=1,
                   today=date(2027, 10, 1))


@pytest.fixture
def config(demo_keys: DemoKeys, tmp_path: Path) -> CertificatesConfig:
    return make_config(demo_keys, tmp_path)


@pytest.fixture
def issuing(catalogue: Catalogue, config: CertificatesConfig, demo_keys: DemoKeys) -> Issuing:
    return make_issuing(catalogue, config, demo_keys)


def trainee(number: int, *, firstname: str = "Ștefan", lastname: str = "Țăranu") -> Trainee:
    return Trainee(f"AG-{number:03d}", 100 + number, firstname, lastname, f"t{number}@example.ro", TRACK, "AG",
                   "Mioveni", "Primăria Mioveni", "adm-executie")


def passing(catalogue: Catalogue, person: Trainee, grade: float = 8.5):  # type: ignore[no-untyped-def]
    requirements = requirements_for(catalogue, TRACK)
    return evaluate(requirements, person, progress=Progress(completed=frozenset({COURSE}),
                                                   grades={requirements.final_quiz: Grade(grade, 10)}))


def issue_two(catalogue: Catalogue, registry: CertificateRegistry, issuing: Issuing) -> list[CertificateRecord]:
    """Certificates for Ștefan Țăranu and Ioana Mândrescu."""
    verdicts = [passing(catalogue, trainee(1)), passing(catalogue, trainee(2, firstname="Ioana",
                                                                          lastname="Mândrescu"))]
    return list(issue_track(verdicts, track=TRACK, registry=registry, issuing=issuing).issued)


@pytest.fixture
def issued(catalogue: Catalogue, registry: CertificateRegistry, issuing: Issuing) -> list[CertificateRecord]:
    return issue_two(catalogue, registry, issuing)


@dataclass
class MoodleTrack:
    """A sandbox Moodle with the course of TRACK, its final quiz and enrolled students."""

    box: Sandbox
    client: MoodleClient
    course_id: int
    quiz_id: int
    users: dict[str, int]
    plugin: bool


@pytest.fixture
def moodle_track(catalogue: Catalogue) -> MoodleTrack:
    return build_track(catalogue, plugin=True)


@pytest.fixture(params=[True, False], ids=["plugin", "core-only"])
def either_track(catalogue: Catalogue, request: pytest.FixtureRequest) -> MoodleTrack:
    """With the plugin, completion is read in bulk (local_cooperare_get_course_completions); without, per person."""
    return build_track(catalogue, plugin=request.param)


def build_track(catalogue: Catalogue, *, plugin: bool, wwwroot: str | None = None) -> MoodleTrack:
    box = Sandbox(plugin=plugin) if wwwroot is None else Sandbox(plugin=plugin, wwwroot=wwwroot)
    client = MoodleClient(box.transport())
    prefix = catalogue.prefix
    people = [("ana", "Ana", "Ilie"), ("dan", "Dănuț", "Popa"), ("eva", "Eva", "Șerban")]
    built = track_course(box, client, prefix=prefix, course_key=COURSE, fullname="Expert în digitalizare",
                         shortname="COOP-EA", people=[
                             {"username": u, "password": "Parola#2026", "firstname": f, "lastname": last,
                              "email": f"{u}@example.ro", "idnumber": f"{prefix}:user:AG-{i}", "city": "Mioveni",
                              "department": "AG", "institution": "Primăria Mioveni"}
                             for i, (u, f, last) in enumerate(people)])
    users = {u: uid for (u, _, _), uid in zip(people, built.user_ids, strict=True)}
    return MoodleTrack(box, client, built.course_id, built.quiz_id, users, plugin)
