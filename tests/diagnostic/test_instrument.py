from pathlib import Path

import pytest

from cooperare.diagnostic.instrument import (
    CURRENT_VERSION,
    DMA_DIMENSIONS,
    KNOWN_VERSIONS,
    load_instrument,
    load_shipped,
    shipped_path,
    shipped_versions,
)
from cooperare.errors import ConfigError


@pytest.mark.parametrize("version", shipped_versions())
def test_shipped_instrument_has_profile_six_dimensions_and_commune_module(version: str):
    instrument = load_shipped(version)
    assert instrument.version == version
    assert tuple(d.key for d in instrument.dimensions) == DMA_DIMENSIONS
    assert [m.key for m in instrument.modules] == ["comuna"]
    assert {q.id for q in instrument.profile} >= {"p_comuna", "p_siruta", "p_judet", "p_populatie", "p_personal"}
    for section in instrument.sections:
        assert all(q.scored and q.action for q in section.questions)


def _copy(tmp_path: Path, old: str, new: str, *, version: str = "test.1") -> Path:
    text = shipped_path("2026.1").read_text(encoding="utf-8").replace('version: "2026.1"', f'version: "{version}"')
    assert old in text
    path = tmp_path / "instrument.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_a_changed_instrument_needs_a_new_version(tmp_path):
    path = _copy(tmp_path, "weight: 2", "weight: 3", version="2026.1")
    with pytest.raises(ConfigError, match="new version"):
        load_instrument(path)
    load_instrument(_copy(tmp_path, "weight: 2", "weight: 3", version="2026.2"))


@pytest.mark.parametrize(("old", "new", "message", "line"), [
    ("{key: nu, text: \"Nu\", score: 0}", "{key: nu, text: \"Nu\"}", "needs a score", None),
    ("type: yes_no", "type: yesno", "expected one of", None),
    ("id: s2", "id: s1", "duplicate question id", None),
    ("weight: 2", "weight: 0", "weight above 0", None),
    ("scale: {min: 0, max: 4, low: \"niciodată\"", "scale: {min: 4, max: 4, low: \"niciodată\"", "max above min",
     None),
    ("Există un plan", "Exişte un plan", "cedilla", None),
])
def test_faults_name_file_and_line(tmp_path, old, new, message, line):
    path = _copy(tmp_path, old, new)
    with pytest.raises(ConfigError, match=message) as caught:
        load_instrument(path)
    assert f"{path}:" in str(caught.value)
    assert str(caught.value).split(f"{path}:")[1].split(":")[0].isdigit()


def test_the_current_version_is_the_newest_shipped_and_every_shipped_version_is_pinned():
    assert CURRENT_VERSION == shipped_versions()[-1]
    assert set(shipped_versions()) <= set(KNOWN_VERSIONS)
    assert load_shipped() is load_shipped(CURRENT_VERSION)
    with pytest.raises(ConfigError, match="no shipped instrument has version '1999.1'"):
        load_shipped("1999.1")
