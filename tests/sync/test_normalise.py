"""Normalisation: diacritics with comma below, capitalisation of names, e-mail, counties, comparison keys."""

from __future__ import annotations

import pytest

from cooperare.sync import normalise
from cooperare.sync.counties import COUNTIES, find_county
from cooperare.sync.text import fix_diacritics, fold


def test_cedilla_becomes_comma_below() -> None:
    assert fix_diacritics("Ştefan Ţăranu, şcoala ţării") == "Ștefan Țăranu, școala țării"
    assert normalise.person_name("  ŞTEFAN  ") == "Ștefan"


@pytest.mark.parametrize(("typed", "expected"), [
    ("POPESCU", "Popescu"),
    ("popescu", "Popescu"),
    ("popescu-tăriceanu", "Popescu-Tăriceanu"),
    ("MARIA-IOANA", "Maria-Ioana"),
    ("ana maria", "Ana Maria"),
    ("maria de la cruz", "Maria de la Cruz"),
    ("ION LUI VASILE", "Ion lui Vasile"),
    ("DE LA CRUZ", "De la Cruz"),
    ("McLean", "McLean"),
    ("o'neil", "O'Neil"),
    ("IONUȚ ȘERBAN-ÎNCEPUT", "Ionuț Șerban-Început"),
    ("  țăranu \u00a0 ion ", "Țăranu Ion"),
])
def test_name_capitalisation(typed: str, expected: str) -> None:
    assert normalise.person_name(typed) == expected


def test_mixed_case_place_names_are_kept_and_shouting_is_calmed() -> None:
    assert normalise.place_name("Primăria Comunei Izvoarele") == "Primăria Comunei Izvoarele"
    assert normalise.place_name("PRIMĂRIA COMUNEI IZVOARELE") == "Primăria Comunei Izvoarele"


def test_email_is_trimmed_and_lower_case() -> None:
    assert normalise.email(" Ion.Pop@Primaria-X.RO ") == "ion.pop@primaria-x.ro"
    assert normalise.email("mailto:a@b.ro") == "a@b.ro"
    assert normalise.is_email("ion.pop@primaria-x.ro")
    for bad in ("ion.pop", "ion@", "@x.ro", "ion pop@x.ro", "ion@x", "io..n@x.ro", "ion@x.r0"):
        assert not normalise.is_email(bad), bad


def test_all_41_counties_and_bucharest() -> None:
    assert len(COUNTIES) == 42 and len({c.code for c in COUNTIES}) == 42
    for county in COUNTIES:
        assert find_county(county.name) == county
        assert find_county(fold(county.name).upper()) == county
        assert find_county(county.code.lower()) == county
        assert find_county(f"Județul {county.name}") == county
    assert find_county("Mun. București").code == "B"
    assert find_county("Sector 4").code == "B"
    assert find_county("jud. Bistrita-Nasaud").code == "BN"
    assert find_county("Atlantida") is None


def test_fold_ignores_case_diacritics_and_punctuation() -> None:
    assert fold("Instituție/Organizație") == fold("INSTITUTIE organizatie") == "institutie organizatie"
    assert fold("Ştefan") == fold("Ștefan") == "stefan"
