"""The roster a coordinator really has: no code column (people identified by e-mail), programme titles and
category words, Windows-1250 CSV or XLSX, changed e-mails confirmed or held, --skip-invalid."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from cooperare.config.roster import RosterConfig
from cooperare.courses.catalogue import Catalogue
from cooperare.errors import InputError
from cooperare.sandbox import Sandbox
from cooperare.store import Store
from cooperare.sync.importer import load_roster, roster_from_bytes
from cooperare.sync.model import email_key
from cooperare.sync.service import apply_roster, plan_roster
from cooperare.sync.validate import RosterInvalid
from tests.sync.conftest import client_for, moodle_view

HEADER = ["Nume", "Prenume", "E-mail", "Instituție", "Localitate", "Județ", "Categorie", "Program"]
ROWS = [
    ["Țăranu", "Ștefan", "stefan.taranu@primaria-izvoarele.example.org", "Primăria Comunei Izvoarele", "Izvoarele",
     "Giurgiu", "personal de execuție", "Alfabetizare digitală"],
    ["Mureșan", "Ioana", "ioana.muresan@example.org", "Asociația Vatra", "Sâncraiu", "Cluj", "reprezentant ONG",
     "Expert în digitalizare"],
    ["Dobre", "Gheorghe", "gheorghe.dobre@example.org", "Primăria Comunei Băneasa", "Băneasa", "Giurgiu",
     "PERSONAL DE CONDUCERE", "expert in digitalizare"],
    ["Păun", "Elena", "elena.paun@example.org", "Consiliul Local Ciolpani", "Ciolpani", "Ilfov", "ales local",
     "Guvernanta participativa"],
]


def cp1250_csv(rows: list[list[str]]) -> bytes:
    """As Excel saves it on a Romanian Windows: Windows-1250, which has only the cedilla ş ţ."""
    text = "\r\n".join(";".join(row) for row in [HEADER, *rows])
    return text.translate(str.maketrans("șțȘȚ", "şţŞŢ")).encode("cp1250")


def xlsx(rows: list[list[str]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [HEADER, *rows]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("make,name", [(cp1250_csv, "inscrieri.csv"), (xlsx, "inscrieri.xlsx")])
def test_a_coordinator_spreadsheet_without_code_column(make, name: str, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                       catalogue: Catalogue) -> None:
    path = tmp_path / name
    path.write_bytes(make(ROWS))
    roster = load_roster(path, config=RosterConfig(), catalogue=catalogue)
    assert roster.identity == "email"
    assert "identified by their e-mail" in roster.notes[0]
    assert [(p.lastname, p.category, p.track) for p in roster.people] == [
        ("Țăranu", "adm-executie", "adm-alfabetizare"), ("Mureșan", "ong", "ong-expert"),
        ("Dobre", "adm-conducere", "adm-expert"), ("Păun", "ales", "alesi-guvernanta")]
    assert [p.key for p in roster.people] == [email_key(row[2]) for row in ROWS]


def test_a_programme_title_that_fits_no_track_of_the_category_names_row_and_column(catalogue: Catalogue) -> None:
    bad = [*ROWS, ["Pop", "Dan", "dan.pop@example.org", "Consiliul Local X", "Sâncraiu", "Cluj", "ales local",
                   "Expert în digitalizare"]]
    with pytest.raises(RosterInvalid) as caught:
        roster_from_bytes(cp1250_csv(bad), source="r.csv", config=RosterConfig(), catalogue=catalogue)
    assert [str(p) for p in caught.value.problems] == [
        "r.csv:6:8: Program: programme 'Expert în digitalizare' has no track for category 'ales' (its tracks: "
        "ong-expert, adm-expert)"]


def test_skip_invalid_keeps_the_valid_rows_and_lists_the_refused(catalogue: Catalogue) -> None:
    bad = [*ROWS, ["Pop", "", "nu-e-email", "Primăria Y", "Sâncraiu", "Cluj", "ales local", ""]]
    with pytest.raises(RosterInvalid):
        roster_from_bytes(cp1250_csv(bad), source="r.csv", config=RosterConfig(), catalogue=catalogue)
    roster = roster_from_bytes(cp1250_csv(bad), source="r.csv", config=RosterConfig(), catalogue=catalogue,
                               skip_invalid=True)
    assert len(roster.people) == 4 and roster.refused_rows == (6,)
    assert any("first name is missing" in str(p) for p in roster.refused)


def load(rows: list[list[str]], catalogue: Catalogue, *, skip_invalid: bool = False):  # type: ignore[no-untyped-def]
    return roster_from_bytes(cp1250_csv(rows), source="r.csv", config=RosterConfig(enrolment="manual"),
                             catalogue=catalogue, skip_invalid=skip_invalid)


def apply(box: Sandbox, roster, catalogue: Catalogue, store: Store, **options):  # type: ignore[no-untyped-def]
    config = RosterConfig(enrolment="manual")
    client = client_for(box)
    rplan = plan_roster(client, roster, catalogue=catalogue, config=config, **options)
    apply_roster(client, rplan, store=store, run_id=store.runs.start("test"), config=config)
    return rplan


def users(box: Sandbox) -> dict[str, tuple[str, bool]]:
    return {u[0]: (u[4], u[7]) for u in moodle_view(box)["users"]}


def test_a_changed_email_is_held_as_probably_the_same_person_then_confirmed(
        sandbox: Sandbox, catalogue: Catalogue, store: Store) -> None:
    apply(sandbox, load(ROWS, catalogue), catalogue, store)
    first = users(sandbox)
    assert len(first) == 4 and not any(suspended for _, suspended in first.values())
    changed = [row.copy() for row in ROWS]
    changed[1][2] = "ioana.muresan@vatra.example.org"
    held = apply(sandbox, load(changed, catalogue), catalogue, store)
    assert [m.account.email for m in held.matches] == ["ioana.muresan@example.org"]
    assert users(sandbox) == first  # nobody created, nobody suspended
    confirmed = apply(sandbox, load(changed, catalogue), catalogue, store,
                      renames={"ioana.muresan@example.org": "ioana.muresan@vatra.example.org"})
    assert not confirmed.matches
    after = users(sandbox)
    old_idnumber = "coop:person:" + email_key("ioana.muresan@example.org")
    assert after[old_idnumber] == ("ioana.muresan@vatra.example.org", False)
    assert len(after) == 4
    # the next run finds her by her new e-mail without being told again
    again = plan_roster(client_for(sandbox), load(changed, catalogue), catalogue=catalogue,
                        config=RosterConfig(enrolment="manual"))
    assert not again.plan.has_changes and not again.matches


def test_a_different_person_is_created_when_the_coordinator_says_so(
        sandbox: Sandbox, catalogue: Catalogue, store: Store) -> None:
    apply(sandbox, load(ROWS, catalogue), catalogue, store)
    changed = [row.copy() for row in ROWS]
    changed[3][2] = "elena.paun2@example.org"
    apply(sandbox, load(changed, catalogue), catalogue, store, distinct={"elena.paun2@example.org"})
    after = users(sandbox)
    assert len(after) == 5
    assert after["coop:person:" + email_key("elena.paun@example.org")] == ("elena.paun@example.org", True)


def test_refused_rows_suspend_nobody(sandbox: Sandbox, catalogue: Catalogue, store: Store) -> None:
    apply(sandbox, load(ROWS, catalogue), catalogue, store)
    broken = [row.copy() for row in ROWS]
    broken[0][5] = "Atlantida"
    rplan = apply(sandbox, load(broken, catalogue, skip_invalid=True), catalogue, store)
    assert rplan.refused and not any(suspended for _, suspended in users(sandbox).values())


def test_rename_options_need_an_email_identified_roster(sandbox: Sandbox, catalogue: Catalogue) -> None:
    keyed = "Cod;" + ";".join(HEADER) + "\n" + "\n".join("K1;" + ";".join(ROWS[0]) for _ in range(1)) + "\n"
    roster = roster_from_bytes(keyed.encode(), source="r.csv", config=RosterConfig(), catalogue=catalogue)
    with pytest.raises(InputError, match="without a registration-code column"):
        plan_roster(client_for(sandbox), roster, catalogue=catalogue, config=RosterConfig(enrolment="manual"),
                    renames={"a@example.org": "b@example.org"})
