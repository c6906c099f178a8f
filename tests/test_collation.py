"""Romanian collation: ă after a, â after ă, î after i, ș after s, ț after t; case and cedilla forms ignored."""

from __future__ import annotations

from cooperare.collation import person_key, romanian_key


def test_the_romanian_alphabet_order() -> None:
    words = ["Țăranu", "Tudose", "Știrbu", "Surdu", "Îndrei", "Iordache", "Âmbru", "Ăstan", "Albu", "Zamfir"]
    assert sorted(words, key=romanian_key) == ["Albu", "Ăstan", "Âmbru", "Iordache", "Îndrei", "Surdu", "Știrbu",
                                               "Tudose", "Țăranu", "Zamfir"]
    assert sorted(["sat", "șa", "ţară", "tot"], key=romanian_key) == ["sat", "șa", "tot", "ţară"]
    # plain code-point order would put every accented letter after z
    assert sorted(["Țăranu", "Zamfir"]) == ["Zamfir", "Țăranu"]


def test_case_and_prefixes() -> None:
    assert sorted(["popa", "Pop", "POPESCU", "Pop Ana"], key=romanian_key) == ["Pop", "Pop Ana", "popa", "POPESCU"]
    assert romanian_key("Şerban") == romanian_key("Șerban")


def test_people_sort_by_last_then_first_name() -> None:
    people = [("Pop", "Ștefan"), ("Pop", "Sorin"), ("Păun", "Ana"), ("Pop", "Ana")]
    assert sorted(people, key=lambda p: person_key(*p)) == [("Păun", "Ana"), ("Pop", "Ana"), ("Pop", "Sorin"),
                                                           ("Pop", "Ștefan")]
