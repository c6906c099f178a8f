"""Where consultations come from: ``consultations:`` in cooperare.yaml, a YAML file or folder, or the shipped data.

``consultations:`` in the configuration either lists consultations inline or names a YAML file or a folder of
YAML files (each file holds one consultation, or a list of them). Without it, the two participatory-governance
consultations on the digitalisation manual shipped in ``data/`` are used. Everything is built with the strict
config loader (unknown keys refused, types checked) and then checked as a whole: the draft documents exist, and no
two consultations share an id. Every fault is a :class:`~cooperare.errors.ConfigError` naming file, line and key
path (``consultations[1].documents[0]``). This module reads YAML and checks that files exist; it must not open
the documents, talk to Moodle or print.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from cooperare.config import CONFIG_FILE_NAME, Config
from cooperare.config.loader import KeyPath, Locator, build, load_yaml
from cooperare.consultation_bridge.model import Consultation
from cooperare.errors import ConfigError, InputError

YAML_SUFFIXES = (".yaml", ".yml")


def shipped_folder() -> Path:
    """The folder of the consultations the pack ships (the two on the digitalisation manual)."""
    return Path(str(resources.files("cooperare.consultation_bridge").joinpath("data")))


@dataclass(frozen=True)
class ConsultationSet:
    """The consultations loaded, in order, and the file each came from."""

    items: tuple[Consultation, ...]
    source: str
    files: Mapping[str, str] = field(default_factory=dict)

    def __iter__(self) -> Iterator[Consultation]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def get(self, consultation_id: str) -> Consultation:
        for item in self.items:
            if item.id == consultation_id:
                return item
        known = ", ".join(item.id for item in self.items) or "none"
        raise InputError(f"no consultation {consultation_id!r} in {self.source}", hint=f"known: {known}")


class _Collector:
    """Builds consultations one document at a time and checks them as a whole."""

    def __init__(self) -> None:
        self.items: list[Consultation] = []
        self.files: dict[str, str] = {}

    def add(self, data: Any, locator: Locator, path: KeyPath) -> None:
        entries = list(enumerate(data)) if isinstance(data, list) else [(None, data)]
        for index, entry in entries:
            where = path if index is None else (*path, index)
            consultation = build(Consultation, entry, locator=locator, path=where)
            self._documents_exist(consultation, locator, where)
            if consultation.id in self.files:
                raise ConfigError(f"the consultation id {consultation.id!r} is used twice (first in "
                                  f"{self.files[consultation.id]})", location=locator.locate((*where, "id")))
            self.files[consultation.id] = locator.file or "the environment"
            self.items.append(consultation)

    @staticmethod
    def _documents_exist(consultation: Consultation, locator: Locator, where: KeyPath) -> None:
        for index, document in enumerate(consultation.documents):
            if not document.is_file():
                raise ConfigError(f"the draft document {document} does not exist",
                                  location=locator.locate((*where, "documents", index)),
                                  hint="relative paths are relative to the YAML file that names them")

    def result(self, source: str) -> ConsultationSet:
        return ConsultationSet(items=tuple(self.items), source=source, files=dict(self.files))


def _yaml_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in YAML_SUFFIXES)


def load_consultations(path: Path | None = None) -> ConsultationSet:
    """Consultations from a YAML file or a folder of them; the shipped ones when ``path`` is None."""
    folder_or_file = shipped_folder() if path is None else path
    collector = _Collector()
    if folder_or_file.is_dir():
        files = _yaml_files(folder_or_file)
        if not files:
            raise ConfigError(f"the folder {folder_or_file} holds no consultation (no .yaml or .yml file)")
    elif folder_or_file.exists():
        files = [folder_or_file]
    else:
        raise ConfigError(f"{folder_or_file} does not exist (expected a YAML file or a folder of them)")
    for file in files:
        data, locator = load_yaml(file)
        if data is None:
            raise ConfigError(f"file {file} is empty: expected a consultation or a list of consultations")
        collector.add(data, locator, ())
    return collector.result("the shipped consultations" if path is None else str(folder_or_file))


def load_configured(config: Config, *, config_file: Path | None) -> ConsultationSet:
    """The consultations ``config`` names (inline, a file or a folder), else the shipped ones.

    Inline consultations are read again from ``config_file`` so that faults point at their line.
    """
    configured = config.consultations
    if configured is None:
        return load_consultations()
    if isinstance(configured, Path):
        return load_consultations(configured)
    if config_file is None:
        raise ConfigError("inline consultations need a configuration file")  # the environment cannot hold a list
    data, locator = load_yaml(config_file)
    collector = _Collector()
    collector.add(data["consultations"], locator, ("consultations",))
    return collector.result(str(config_file))


def config_file_in_use(explicit: Path | None, *, cwd: Path | None = None) -> Path | None:
    """The configuration file a command reads: ``--config FILE``, else ./cooperare.yaml if present, else None."""
    here = Path.cwd() if cwd is None else cwd
    if explicit is not None:
        return here / explicit
    default = here / CONFIG_FILE_NAME
    return default if default.is_file() else None
