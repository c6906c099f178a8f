"""Consultations as code: the shipped consultations on the manual, and faults named by file, line and key."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import pytest

from cooperare.config import load_config
from cooperare.consultation_bridge.loader import load_configured, load_consultations
from cooperare.errors import ConfigError, InputError
from cooperare.manual.content import load_manual

GOOD = """\
id: hcl-taxe-2027
authority: {name: Ciugud, type: commune, county: Alba}
title: Proiect de hotărâre privind taxele locale pentru anul 2027
kind: normative_draft
explanatory_note: Referatul de aprobare explică nivelul taxelor.
announced: 2026-11-02
recommendation_days: 15
contact: {name: Ana Pop, email: ana.pop@example.org}
audiences: [citizens, ngo]
documents: [proiect.md]
structure:
  - {key: art-1, kind: article, title: Articolul 1, text: Se aprobă taxele locale.}
  - {key: art-2, kind: article, title: Articolul 2}
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "proiect.md").write_text("# Proiect\n", encoding="utf-8")
    return tmp_path


def fault(path: Path) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_consultations(path)
    return caught.value


# --- the shipped consultations ---------------------------------------------------------------------------------


def test_two_participatory_governance_consultations_on_the_manual_are_shipped() -> None:
    shipped = load_consultations()
    assert [c.id for c in shipped] == ["manual-consultare-1", "manual-consultare-2"]
    manual = load_manual()
    chapters = [(chapter.key, chapter.title) for chapter in manual.chapters]
    for consultation in shipped:
        assert consultation.kind == "participatory_governance"
        assert consultation.authority.type == "ngo_partnership"
        assert "Asociația Comunelor din România" in consultation.authority.name
        assert [(part.key, part.title) for part in consultation.structure] == chapters
        assert all(part.kind == "chapter" and part.text for part in consultation.structure)
        assert sorted(p.resolve() for p in consultation.documents) == sorted(c.path.resolve() for c in manual.chapters)
        assert set(consultation.audiences) == {"ngo", "authority_staff", "citizens"}
        assert consultation.recommendation_days >= 10


def test_shipped_consultations_are_written_in_romanian_with_comma_below_diacritics() -> None:
    for path in (Path(__file__).parents[2] / "cooperare" / "consultation_bridge" / "data").glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        assert not set(text) & set("şţŞŢ"), path  # cedilla forms
        assert "ș" in text and "ț" in text and "ă" in text


def test_the_shipped_calendars_end_before_the_manual_edition() -> None:
    first, second = load_consultations()
    assert (first.calendar.recommendations_until, first.calendar.earliest_submission) == \
        (date(2026, 9, 27), date(2026, 10, 19))
    # 19 October 2026 + 30 working days, with 30 November and 1 December off: 2 December, the manual's edition date.
    assert second.calendar.earliest_submission == date(2026, 12, 2) == date.fromisoformat(load_manual().meta.date)
    assert first.calendar.earliest_submission <= second.announced


# --- loading files and folders ---------------------------------------------------------------------------------


def test_a_folder_of_files_each_with_one_or_a_list(folder: Path) -> None:
    write(folder, "a.yaml", GOOD)
    write(folder, "b.yml", "- " + GOOD.replace("hcl-taxe-2027", "hcl-b").replace("\n", "\n  ").rstrip() + "\n")
    loaded = load_consultations(folder)
    assert [c.id for c in loaded] == ["hcl-taxe-2027", "hcl-b"]
    consultation = loaded.get("hcl-taxe-2027")
    assert consultation.authority.county == "AB" and consultation.authority.county_name == "Alba"
    assert consultation.documents == (folder / "proiect.md",)
    assert consultation.part("art-2") is not None and consultation.part("art-9") is None
    assert consultation.calendar.recommendations_until == date(2026, 11, 17)
    assert loaded.files["hcl-b"].endswith("b.yml")
    with pytest.raises(InputError, match="no consultation 'nope'"):
        loaded.get("nope")


@pytest.mark.parametrize(("old", "new", "message", "key"), [
    ("recommendation_days: 15", "recommendation_days: 9", "legal minimum of 10 calendar days", "recommendation_days"),
    ("title: Proiect", "titel: Proiect", "unknown key 'titel'", "titel"),
    ("kind: normative_draft", "kind: draft", "expected one of", "kind"),
    ("documents: [proiect.md]", "documents: [lipsa.pdf]", "does not exist", "documents[0]"),
    ("documents: [proiect.md]", "documents: [proiect.txt]", "PDF, DOCX, ODT or Markdown", "documents"),
    ("county: Alba", "county: Albaa", "no county 'Albaa' (did you mean 'Alba'?)", "authority.county"),
    ("name: Ciugud", "name: Ciugudd", "no commune 'Ciugudd' in county Alba; did you mean 'Ciugud'?", "authority"),
    ("county: Alba}", "county: B}", "has no communes", "authority"),
    ("audiences: [citizens, ngo]", "audiences: [citizens, citizens]", "listed twice", None),
    ("audiences: [citizens, ngo]", "audiences: [public]", "expected one of", "audiences[0]"),
    ("key: art-2,", "key: art-1,", "'art-1' is used twice", None),
    ("email: ana.pop@example.org", "phone: '0258'", "needs an email or an address", "contact"),
    ("id: hcl-taxe-2027", "id: HCL taxe", "lower-case letters", "id"),
    ("announced: 2026-11-02", "announced: 2026-11-31", "cannot read this value", "announced"),
])
def test_faults_name_file_line_and_key(folder: Path, old: str, new: str, message: str, key: str | None) -> None:
    assert old in GOOD
    path = write(folder, "c.yaml", GOOD.replace(old, new))
    error = fault(path)
    assert message in str(error)
    assert error.location is not None and error.location.file == str(path) and error.location.line
    if key is not None:
        assert error.location.key == key


def test_a_town_or_county_council_needs_a_county_but_no_commune_check(folder: Path) -> None:
    town = GOOD.replace("{name: Ciugud, type: commune, county: Alba}", "{name: Abrud, type: town, county: AB}")
    assert load_consultations(write(folder, "t.yaml", town)).items[0].authority.type == "town"
    council = GOOD.replace("{name: Ciugud, type: commune, county: Alba}", "{name: Consiliul Județean Alba, "
                                                                          "type: county_council}")
    assert "county is required" in str(fault(write(folder, "t.yaml", council)))


def test_the_same_id_in_two_files_is_refused(folder: Path) -> None:
    write(folder, "a.yaml", GOOD)
    write(folder, "b.yaml", GOOD)
    error = fault(folder)
    assert "is used twice" in str(error) and error.location.file.endswith("b.yaml") and error.location.key == "id"


def test_empty_and_missing_sources(folder: Path) -> None:
    empty = folder / "gol"
    empty.mkdir()
    assert "holds no consultation" in str(fault(empty))
    assert "does not exist" in str(fault(folder / "nu-exista"))
    assert "is empty" in str(fault(write(folder, "gol.yaml", "# nimic\n")))


# --- from cooperare.yaml ---------------------------------------------------------------------------------------


def test_inline_consultations_in_the_configuration_point_at_their_line(folder: Path) -> None:
    body = textwrap.indent(GOOD, "    ")
    config_file = write(folder, "cooperare.yaml", "store: {url: 'sqlite:///x.sqlite'}\nconsultations:\n  -\n" + body)
    config = load_config(config_file, environ={}, cwd=folder)
    loaded = load_configured(config, config_file=config_file)
    assert [c.id for c in loaded] == ["hcl-taxe-2027"]
    assert loaded.get("hcl-taxe-2027").documents == (folder / "proiect.md",)
    write(folder, "cooperare.yaml", "consultations:\n  -\n" + body.replace("recommendation_days: 15",
                                                                           "recommendation_days: 5"))
    config = load_config(config_file, environ={}, cwd=folder)
    with pytest.raises(ConfigError) as caught:
        load_configured(config, config_file=config_file)
    assert caught.value.location.key == "consultations[0].recommendation_days"
    assert caught.value.location.line == 9


def test_configuration_naming_a_folder_or_nothing(folder: Path) -> None:
    (folder / "consultari").mkdir()
    write(folder / "consultari", "a.yaml", GOOD.replace("proiect.md", "../proiect.md"))
    config_file = write(folder, "cooperare.yaml", "consultations: consultari\n")
    config = load_config(config_file, environ={}, cwd=folder)
    assert [c.id for c in load_configured(config, config_file=config_file)] == ["hcl-taxe-2027"]
    default = load_config(None, environ={}, cwd=folder / "consultari")
    assert len(load_configured(default, config_file=None)) == 2
