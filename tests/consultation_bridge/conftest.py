"""Shared fixtures: the first shipped consultation and a fresh SQLite store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cooperare.consultation_bridge.loader import load_consultations
from cooperare.consultation_bridge.model import Consultation
from cooperare.store import Store


@pytest.fixture
def consultation() -> Consultation:
    return load_consultations().items[0]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(f"sqlite:///{tmp_path}/store.sqlite") as opened:
        yield opened
