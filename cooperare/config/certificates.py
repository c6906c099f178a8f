"""The ``certificates`` section of ``cooperare.yaml``: eligibility rules per track, issuer, signatory, key and fonts.

Example::

    certificates:
      issuer: Asociația Comunelor din România
      signatory: {name: Maria Ionescu, role: Președinte, image: semnatura.png}
      verify_url: https://cooperare.acor.ro/verificare/     # the QR code holds this URL plus ?serie=SERIAL
      signing:
        pkcs12: keys/signing.p12                           # mode 0600; its password from $COOPERARE_SIGNING_PASSWORD
        trust_root: keys/root-ca.pem                       # what `verify` trusts
      rules:
        adm-expert:
          final_quiz_percent: 75                           # default: the catalogue's pass mark of the final quiz
          min_course_grade_percent: 60                     # optional
          grade_items: {"coop:expert-adm:m3-date:quiz": 60}   # optional: grade item idnumber → minimum percent
      delivery: {moodle_message: true, moodle_files: true}   # moodle_files needs local_cooperare 0.2.0+

Every key is optional; a command checks what it needs (the key to issue, the trust root to verify) and says what
is missing. Relative paths are relative to the configuration file. This module holds no secret: the key's password
is named (``password_env``), never written. Configuration only: it must not import the certificates domain.
Checks are ``__post_init__`` methods, whose ``ValueError`` the loader reports with the section's file and line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

DEFAULT_PASSWORD_ENV = "COOPERARE_SIGNING_PASSWORD"
DEFAULT_ISSUER = "Asociația Comunelor din România"
DEFAULT_PROJECT = "Proiectul „Cooperare digitală pentru dezvoltare locală”"
PASSWORD_REFUSAL = (
    "the signing key's password must never be written in the configuration file; put it in the environment "
    f"variable named by signing.password_env (default {DEFAULT_PASSWORD_ENV}) or type it at the prompt"
)


def _check_percent(name: str, value: float | None) -> None:
    if value is not None and not 0 <= value <= 100:
        raise ValueError(f"{name} must be a percentage from 0 to 100")


@dataclass(frozen=True)
class Signatory:
    """Who signs, as printed under the signature line; ``image`` is an optional scan of the handwritten signature."""

    name: str
    role: str
    image: Path | None = None


@dataclass(frozen=True)
class SigningConfig:
    """The PKCS#12 key that signs certificates and the root certificate that verification trusts."""

    pkcs12: Path | None = None
    trust_root: Path | None = None
    password_env: str = DEFAULT_PASSWORD_ENV

    REFUSED_KEYS: ClassVar[Mapping[str, str]] = {"password": PASSWORD_REFUSAL, "passphrase": PASSWORD_REFUSAL}

    def __post_init__(self) -> None:
        name = self.password_env
        if not name or not name.replace("_", "a").isalnum() or name[0].isdigit():
            raise ValueError("password_env must be the name of an environment variable, such as "
                             f"{DEFAULT_PASSWORD_ENV}")


@dataclass(frozen=True)
class TrackRule:
    """What a trainee of one track must have done to be certified (see :mod:`cooperare.certificates.eligibility`)."""

    courses: tuple[str, ...] | None = None
    """Catalogue course keys whose Moodle course completion is required (default: the track's course)."""
    final_quiz_percent: float | None = None
    """Minimum final-quiz grade in percent (default: the pass mark in the catalogue's settings.yaml)."""
    min_course_grade_percent: float | None = None
    """Optional minimum course total, in percent of its maximum."""
    grade_items: dict[str, float] = field(default_factory=dict)
    """Optional extra grade conditions: grade item idnumber → minimum percent."""

    def __post_init__(self) -> None:
        _check_percent("final_quiz_percent", self.final_quiz_percent)
        _check_percent("min_course_grade_percent", self.min_course_grade_percent)
        for idnumber, minimum in self.grade_items.items():
            _check_percent(f"grade_items[{idnumber}]", minimum)


@dataclass(frozen=True)
class DeliveryConfig:
    """Optional delivery into Moodle, on top of the files and the ZIP per track."""

    moodle_message: bool = False
    """Send each trainee a Moodle message that their certificate is issued (with its serial and link)."""
    moodle_files: bool = False
    """Put each certificate's PDF into the trainee's Moodle private files (folder ``Certificate``). Core Moodle
    cannot write into another user's files: this needs ``local_cooperare_add_user_files`` (plugin 0.2.0+)."""


@dataclass(frozen=True)
class CertificatesConfig:
    """The ``certificates`` section."""

    issuer: str = DEFAULT_ISSUER
    project: str = DEFAULT_PROJECT
    signatory: Signatory | None = None
    verify_url: str | None = None
    font: Path | None = None
    font_bold: Path | None = None
    signing: SigningConfig = field(default_factory=SigningConfig)
    output: Path = Path("certificates")
    """Folder for the PDFs (one sub-folder per track) and the ZIP files."""
    publish_dir: Path | None = None
    """Folder of the public verification site: when set, ``issue``, ``reissue`` and ``revoke`` publish it again after
    every change, so the page never lags the registry (``certificates publish`` writes there by default)."""
    rules: dict[str, TrackRule] = field(default_factory=dict)
    delivery: DeliveryConfig = field(default_factory=DeliveryConfig)
    workers: int = 2
    """Processes that render and sign in parallel."""

    def __post_init__(self) -> None:
        if self.verify_url is not None:
            parts = urlsplit(self.verify_url)
            if parts.scheme != "https" or not parts.hostname:
                raise ValueError("verify_url must be an https:// URL (it is printed in every certificate's QR code)")
        if self.workers < 1:
            raise ValueError("workers must be at least 1")
