"""The shipped territorial data: counts, coverage, spelling, and the rebuild from a SIRUTA extract."""

from __future__ import annotations

import csv
import gzip
from collections import Counter
from pathlib import Path

import pytest

from cooperare import territory
from cooperare.territory import build


def test_romania_has_2862_communes_with_unique_siruta_codes() -> None:
    communes = territory.communes()
    assert len(communes) == 2862
    assert len({c.siruta for c in communes}) == 2862
    assert all(c.kind == "comună" and c.population is None for c in communes)


def test_41_counties_and_bucuresti_every_county_has_communes_bucuresti_none() -> None:
    counties = territory.counties()
    assert len(counties) == 42
    assert len({c.code for c in counties}) == 42
    per_county = Counter(c.county_code for c in territory.communes())
    for county in counties:
        if county.code == territory.BUCURESTI:
            assert per_county[county.code] == 0
            assert territory.communes("B") == ()
            assert not county.has_communes and len(county.sectors) == 6
        else:
            assert per_county[county.code] > 0, county
            assert county.has_communes and county.sectors == ()
    assert set(per_county) == {c.code for c in counties} - {"B"}


def test_names_have_comma_below_diacritics_and_usual_capitalisation() -> None:
    for item in (*territory.counties(), *territory.communes()):
        assert not set(item.name) & set("şţŞŢ"), item
        assert item.name[0].isupper() or item.name[0].isdigit(), item
        assert item.name != item.name.upper() or len(item.name) <= 3 or item.name[0].isdigit(), item
    names = {(c.county_code, c.name) for c in territory.communes()}
    assert ("AB", "Cetatea de Baltă") in names
    assert ("CT", "Valu lui Traian") in names
    assert ("BZ", "C.A. Rosetti") in names
    assert territory.county("ab").name == "Alba"
    assert territory.county("IS").name == "Iași"
    assert territory.county("CS").name == "Caraș-Severin"


def test_communes_of_a_county_carry_its_name() -> None:
    cluj = territory.communes("CJ")
    assert cluj and all(c.county_code == "CJ" and c.county_name == "Cluj" for c in cluj)
    with pytest.raises(KeyError):
        territory.communes("XX")


def test_place_case() -> None:
    assert build.place_case("CERU-BĂCĂINȚI") == "Ceru-Băcăinți"
    assert build.place_case("ALEXANDRU I.CUZA") == "Alexandru I. Cuza"
    assert build.place_case("DE JOS") == "De Jos"
    assert build.place_case("GURA LUI ŞERB") == "Gura lui Șerb"


def test_build_converts_a_siruta_extract(tmp_path: Path) -> None:
    source = tmp_path / "siruta.csv"
    source.write_text(
        "SIRUTA;DENLOC;CODP;JUD;SIRSUP;TIP;NIV;MED;REGIUNE;FSJ;FSL;NUTS\n"
        "10;JUDEȚUL ALBA;0;1;1;40;1;0;7;1;0100000000000;RO121\n"
        "1017;MUNICIPIUL ALBA IULIA;0;1;10;1;2;1;7;1;0111673000000;RO121\n"
        "2130;ALBAC;0;1;10;3;2;3;7;1;0150001000000;RO121\n"
        "2149;ALBAC;517005;1;2130;22;3;3;7;1;0150024;RO121\n"
        "403;MUNICIPIUL BUCUREȘTI;0;40;1;40;1;0;8;42;4200000000000;RO321\n"
        "179141;SECTORUL 1;0;40;179132;6;2;1;8;42;4200000000000;RO321\n", encoding="utf-8")
    counties, communes = build.convert(source)
    assert counties == [(10, "AB", "Alba", 1), (403, "B", "București", 40)]
    assert communes == [(2130, "Albac", "AB")]
    build.write(counties, communes, target=tmp_path / "out")
    with gzip.open(tmp_path / "out" / "communes.csv.gz", "rt", encoding="utf-8") as handle:
        assert list(csv.reader(handle)) == [["siruta", "name", "county_code"], ["2130", "Albac", "AB"]]
