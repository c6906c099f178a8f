"""Answering recommendations: the workbook round trip, the YAML alternative, every fault located, all or none."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cooperare.consultation_bridge.answers import (
    SHEET,
    TEMPLATES_SHEET,
    answer,
    read_answers,
    write_answer_workbook,
)
from cooperare.consultation_bridge.register import record_contributions
from cooperare.errors import InputError
from cooperare.store import Store
from cooperare.store.consultation import ConsultationRegister
from tests.consultation_bridge.records_data import CID, FORMULA, OUTLINE, UNTIL, items


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "store.sqlite") as opened:
        record_contributions(opened, consultation_id=CID, items=items(), recommendations_until=UNTIL,
                             outline=OUTLINE)
        yield opened


def workbook(store: Store, path: Path) -> Path:
    write_answer_workbook(OUTLINE, ConsultationRegister(store.engine).contributions(CID), path)
    return path


def rows_by_source(path: Path) -> dict[str, int]:
    sheet = load_workbook(path)[SHEET]
    return {str(sheet.cell(row=r, column=1).value): r for r in range(6, sheet.max_row + 1)}


def by_source(store: Store) -> dict:  # type: ignore[type-arg]
    return {c.source_key: c for c in ConsultationRegister(store.engine).contributions(CID)}


def test_workbook_lists_originals_with_text_neutralised_and_reads_back_empty(store: Store, tmp_path: Path) -> None:
    path = workbook(store, tmp_path / "r.xlsx")
    book = load_workbook(path)
    sheet = book[SHEET]
    sources = rows_by_source(path)
    assert sorted(sources) == sorted(i.source_key for i in items() if i.source_key != "forum-post:6")
    cell = sheet.cell(row=sources["forum-post:2"], column=7)
    assert cell.data_type == "s" and cell.value == "'" + FORMULA
    assert [dv.sqref for dv in sheet.data_validations.dataValidation]
    assert book[TEMPLATES_SHEET]["A2"].value == "A1"
    read = read_answers(path)
    assert read.consultation_id == CID and read.decisions == () and len(read.templates) == 5


def test_filled_workbook_applies_answers_and_templates(store: Store, tmp_path: Path) -> None:
    path = workbook(store, tmp_path / "r.xlsx")
    book = load_workbook(path)
    sheet = book[SHEET]
    rows = rows_by_source(path)
    sheet.cell(row=rows["forum-post:1"], column=8, value="Respinsă")
    sheet.cell(row=rows["forum-post:1"], column=9, value="=nu se aplică")  # a reason that looks like a formula
    sheet.cell(row=rows["forum-post:2"], column=10, value="R1")
    sheet.cell(row=rows["forum-post:5"], column=8, value="acceptata")
    book.save(path)
    done = answer(store, consultation_id=CID, sheet=read_answers(path))
    assert (done.changed, done.answered, done.pending) == (3, 3, 3)
    rows_now = by_source(store)
    assert (rows_now["forum-post:1"].status, rows_now["forum-post:1"].reason) == ("rejected", "=nu se aplică")
    assert rows_now["forum-post:6"].status == "rejected"  # the folded duplicate follows its original
    assert rows_now["forum-post:2"].status == "rejected" and rows_now["forum-post:2"].template_id == "R1"
    assert rows_now["forum-post:2"].reason.startswith("Recomandarea nu ține de competența")
    assert rows_now["forum-post:5"].status == "accepted"
    # written again, the answers come back pre-filled, and applying that workbook again changes nothing
    again = workbook(store, tmp_path / "again.xlsx")
    assert answer(store, consultation_id=CID, sheet=read_answers(again)).changed == 0


@pytest.mark.parametrize(("column", "value", "message", "key"), [
    (8, "poate", "the decision must be one of", "Decizia"),
    (8, "respinsă", "needs a reason", "Motivarea"),
    (10, "Z9", "there is no template 'Z9'", "Șablon"),
])
def test_workbook_faults_name_file_sheet_row_and_column(store: Store, tmp_path: Path, column: int, value: str,
                                                        message: str, key: str) -> None:
    path = workbook(store, tmp_path / "r.xlsx")
    book = load_workbook(path)
    row = rows_by_source(path)["forum-post:5"]
    book[SHEET].cell(row=row, column=column, value=value)
    book.save(path)
    with pytest.raises(InputError, match=message) as caught:
        read_answers(path)
    assert caught.value.location is not None
    assert caught.value.location.file == f"{path} [{SHEET}]" and caught.value.location.line == row
    assert caught.value.location.key == key


def test_applying_is_all_or_none(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(f"consultation: {CID}\nanswers:\n  - source: forum-post:1\n    decision: accepted\n"
                    "  - source: forum-post:6\n    decision: accepted\n", encoding="utf-8")
    with pytest.raises(InputError, match="forum-post:6 is a folded duplicate") as caught:
        answer(store, consultation_id=CID, sheet=read_answers(path))
    assert caught.value.location is not None and caught.value.location.line == 6
    assert all(c.status == "pending" for c in by_source(store).values())


def test_yaml_answers_with_templates_and_their_faults(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(f"consultation: {CID}\ntemplates:\n  - id: P\n    decision: acceptată parțial\n"
                    "    text: Preluăm doar prima parte.\nanswers:\n  - source: forum-post:2\n    template: P\n"
                    "  - source: feedback-response:3\n    decision: accepted\n", encoding="utf-8")
    done = answer(store, consultation_id=CID, sheet=read_answers(path))
    assert done.changed == 2
    assert by_source(store)["forum-post:2"].status == "partly"
    path.write_text(f"consultation: {CID}\nanswers:\n  - source: forum-post:2\n    decision: rejected\n",
                    encoding="utf-8")
    with pytest.raises(InputError, match="needs a reason") as caught:
        read_answers(path)
    assert str(caught.value).startswith(f"{path}:")
    path.write_text(f"consultation: {CID}\nanswers:\n  - source: forum-post:99\n    decision: accepted\n",
                    encoding="utf-8")
    with pytest.raises(InputError, match="no contribution forum-post:99"):
        answer(store, consultation_id=CID, sheet=read_answers(path))
    with pytest.raises(InputError, match="for consultation"):
        answer(store, consultation_id="alta", sheet=read_answers(path))
