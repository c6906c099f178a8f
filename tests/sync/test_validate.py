"""Validation: every message names row and column; CNPs refused; duplicates; categories, tracks, counties."""

from __future__ import annotations

import pytest

from cooperare.config.roster import RosterConfig
from cooperare.courses.catalogue import Catalogue
from cooperare.errors import InputError
from cooperare.sync.importer import roster_from_bytes
from cooperare.sync.model import Roster
from cooperare.sync.validate import RosterInvalid, looks_like_cnp

HEADER = "Cod;Nume;Prenume;E-mail;Telefon;Instituție/Organizație;Localitate/Comună;Județ;Categorie;Program"
GOOD = "A1;Popescu;Ion;ion.popescu@gmail.com;0722123456;Primăria Comunei Izvoarele;Izvoarele;Giurgiu;" \
       "Personal de execuție;adm-alfabetizare"
VALID_CNP = "1800101221144"


def load(text: str, catalogue: Catalogue, config: RosterConfig | None = None) -> Roster:
    return roster_from_bytes(text.encode("utf-8"), source="r.csv", config=config or RosterConfig(),
                             catalogue=catalogue)


def problems(text: str, catalogue: Catalogue, config: RosterConfig | None = None) -> list[str]:
    with pytest.raises(RosterInvalid) as caught:
        load(text, catalogue, config)
    assert "nothing was sent to Moodle" in str(caught.value)
    return [str(p) for p in caught.value.problems]


def test_a_good_row_becomes_a_normalised_person(catalogue: Catalogue) -> None:
    row = "a-7;POPESCU-TĂRICEANU; ştefan ;Stefan.Pop@Gmail.com;;Primăria Comunei Izvoarele;IZVOARELE;" \
          "jud. Giurgiu;Conducere;Alfabetizare digitală pentru personalul administrației publice locale"
    person = load(f"{HEADER}\n{row}\n", catalogue).people[0]
    assert (person.key, person.firstname, person.lastname, person.email, person.commune, person.county,
            person.category, person.track, person.row) == (
        "a-7", "Ștefan", "Popescu-Tăriceanu", "stefan.pop@gmail.com", "Izvoarele", "GR", "adm-conducere",
        "adm-alfabetizare", 2)


def test_every_message_has_row_column_and_header(catalogue: Catalogue) -> None:
    rows = [
        GOOD,
        "A2;Ionescu;;ana@x;;Asociația X;Sibiu;Atlantida;Observator;",
        "A3;Pop;Ana;ana.pop@x.ro;;Asociația X;Sibiu;Sibiu;ONG;Curs de pilotaj",
        "A4;Pop;Maria;maria.pop@x.ro;;;Sibiu;Sibiu;Ales local;adm-expert",
    ]
    found = problems(HEADER + "\n" + "\n".join(rows) + "\n", catalogue)
    assert found == [
        "r.csv:3:3: Prenume: the first name is missing",
        "r.csv:3:4: E-mail: 'ana@x' is not an e-mail address",
        "r.csv:3:8: Județ: 'Atlantida' is not one of the 41 counties or București",
        ("r.csv:3:9: Categorie: unknown participant category 'Observator' (known: adm-conducere, adm-executie, "
        "ales, ong)"),
        ("r.csv:4:10: Program: unknown programme 'Curs de pilotaj' (known: programmes Alfabetizare digitală; "
         "Digitalizarea în guvernanța participativă; Expert în digitalizare; tracks ong-expert, adm-alfabetizare, "
         "adm-expert, alesi-guvernanta)"),
        "r.csv:5:6: Instituție/Organizație: the institution/organisation is missing",
        ("r.csv:5:10: Program: programme 'adm-expert' does not admit category 'ales' (it admits adm-conducere, "
        "adm-executie)"),
    ]


def test_track_may_be_omitted_when_the_category_has_one_track(catalogue: Catalogue) -> None:
    text = HEADER + "\nB1;Pop;Ana;ana@x.ro;;Asociația X;Sibiu;SB;Reprezentant ONG;\n" \
                    "B2;Pop;Ion;ion@x.ro;;Consiliul Local;Sibiu;SB;ales;\n"
    assert [p.track for p in load(text, catalogue).people] == ["ong-expert", "alesi-guvernanta"]
    text = HEADER + "\nB3;Pop;Dan;dan@x.ro;;Primăria;Sibiu;SB;execuție;\n"
    assert problems(text, catalogue) == [
        ("r.csv:2:10: Program: the programme is missing; category 'adm-executie' may follow adm-alfabetizare or "
        "adm-expert")]


def test_duplicates_by_code_email_and_name_in_organisation(catalogue: Catalogue) -> None:
    rows = [
        GOOD,
        GOOD.replace("ion.popescu@gmail.com", "alt@gmail.com").replace("Ion;", "Ioan;"),  # same code A1
        GOOD.replace("A1;", "A3;").replace("Popescu;Ion", "Marin;Dan"),  # same e-mail
        GOOD.replace("A1;", "A4;").replace("ion.popescu@gmail.com", "ip2@gmail.com")
        .replace("Popescu;Ion", "POPESCU;ion"),  # same person, same organisation, other e-mail
    ]
    found = problems(HEADER + "\n" + "\n".join(rows) + "\n", catalogue)
    assert found == [
        "r.csv:3:1: Cod: registration code 'A1' is also on row 2",
        "r.csv:4:4: E-mail: e-mail 'ion.popescu@gmail.com' is also on row 2",
        "r.csv:5:2: Nume: Ion Popescu of Primăria Comunei Izvoarele is also on row 2",
    ]


@pytest.mark.parametrize("header", ["CNP", "Cod numeric personal", "cnp participant", "C.N.P."])
def test_a_cnp_column_is_refused_with_an_explanation(catalogue: Catalogue, header: str) -> None:
    found = problems(f"{HEADER};{header}\n{GOOD};\n", catalogue)
    assert len(found) == 1
    assert found[0].startswith(f"r.csv:1:11: {header}: column {header!r} holds CNPs")
    assert "never reads or stores personal numeric codes" in found[0]


def test_a_cnp_in_any_cell_is_refused_and_not_echoed(catalogue: Catalogue) -> None:
    row = GOOD.replace("0722123456", VALID_CNP)
    found = problems(f"{HEADER}\n{row}\n", catalogue)
    assert found == [("r.csv:2:5: Telefon: this value looks like a personal numeric code (CNP); the pack never reads "
                     "or stores CNPs: delete it from the file (it is not shown here on purpose)")]
    assert VALID_CNP not in " ".join(found)


def test_cnp_detection_uses_the_check_digit() -> None:
    assert looks_like_cnp(VALID_CNP)
    assert looks_like_cnp("1 800101 221144")
    assert not looks_like_cnp("1800101221145")  # wrong check digit
    assert not looks_like_cnp("0722123456")
    assert not looks_like_cnp("1801301221144")  # month 13


def test_missing_and_doubled_columns(catalogue: Catalogue) -> None:
    found = problems("Nume;Prenume;Comuna;Localitate\nPop;Ion;X;Y\n", catalogue)
    assert "r.csv:1:4: Localitate: column 'Localitate' gives the commune a second time (column 3, 'Comuna', " \
           "gives it already)" in found
    assert "r.csv:1: no column for the email (expected a header such as 'email', 'e mail', 'adresa de email')" \
        in found
    assert not any("no column for the key" in problem for problem in found)  # identified by e-mail instead


def test_english_headers_and_extra_columns_from_configuration(catalogue: Catalogue) -> None:
    text = "ID,Last name,First name,Email,Organisation,Locality,County,Category,Track,Notes\n" \
           "X1,Pop,Ana,ana@x.ro,NGO X,Sibiu,SB,ngo,ong-expert,ok\n"
    roster = load(text, catalogue)
    assert roster.people[0].category == "ong" and roster.notes == ("column 'Notes' is not used",)
    config = RosterConfig(columns={"email": ["Adresă personală"]}, category_aliases={"societate civilă": "ong"})
    text = "Cod;Nume;Prenume;Adresă personală;Instituție;Comună;Județ;Categorie\n" \
           "X2;Pop;Ana;ana@x.ro;NGO X;Sibiu;SB;Societate civilă\n"
    assert load(text, catalogue, config).people[0].email == "ana@x.ro"


def test_extra_cells_usually_mean_an_unquoted_separator(catalogue: Catalogue) -> None:
    text = HEADER.replace(";", ",") + "\n" + GOOD.replace(";", ",").replace("Izvoarele,Izvoarele",
                                                                            "Izvoarele, jud GR,Izvoarele") + "\n"
    found = problems(text, catalogue)
    assert "r.csv:2:11: the row has more cells (11) than the header (10); a value probably holds the separator " \
           "without quotes" in found


def test_a_roster_without_people_is_refused(catalogue: Catalogue) -> None:
    assert problems(HEADER + "\n\n", catalogue) == ["r.csv: the roster has a header but no people"]


def test_the_error_is_an_input_error_with_exit_code_1(catalogue: Catalogue) -> None:
    with pytest.raises(InputError) as caught:
        load(HEADER + "\nA1;;;;;;;;;\n", catalogue)
    assert caught.value.exit_code == 1
