"""Fixtures for the courses tests: a writable copy of the shipped catalogue."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cooperare.courses.catalogue import default_catalogue_path


@pytest.fixture
def catalogue_dir(tmp_path: Path) -> Path:
    """A copy of the shipped catalogue folder that a test may edit."""
    target = tmp_path / "catalogue"
    shutil.copytree(default_catalogue_path().parent, target)
    return target


def edit(path: Path, old: str, new: str, *, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
