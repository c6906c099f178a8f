"""Answers: the workbook the authority fills (drop-down, templates), read back with places, applied all or none."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cooperare.consultation_bridge.answers import (
    ANSWERS_SHEET,
    DEFAULT_TEMPLATES,
    apply_answers,
    read_answer_sheet,
    write_answer_sheet,
)
from cooperare.consultation_bridge.model import Consultation
from cooperare.consultation_bridge.register import ContributionRecord, record_contributions
from cooperare.errors import InputError
from cooperare.store import Store
from cooperare.store.consultation import ContributionRegister

AT = datetime(2026, 9, 10, 8, 0, tzinfo=UTC)


@pytest.fixture
def recorded(consultation: Consultation, store: Store) -> Store:
    record_contributions(store, consultation=consultation, records=[
        ContributionRecord("forum-post:1", "cap-01", "citizen", "Ana", AT, "=HYPERLINK(\"http://x\")"),
        ContributionRecord("forum-post:2", "cap-02", "ngo", "Asociația Ș", AT, "Propun un glosar."),
        ContributionRecord("forum-post:3", "cap-02", "ngo", "Asociația Ș", AT, "propun un glosar"),
        ContributionRecord("feedback-response:4", "cap-03", "authority", "Primăria X", AT, "Mai multe exemple 😀."),
    ])
    return store


def fill(path: Path, answers: dict[str, tuple[str | None, str | None, str | None]]) -> None:
    book = load_workbook(path)
    sheet = book[ANSWERS_SHEET]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value in answers:
            row[9].value, row[10].value, row[11].value = answers[row[0].value]
    book.save(path)


def test_the_sheet_lists_originals_with_a_drop_down_and_the_templates(consultation: Consultation,
                                                                     recorded: Store, tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    listed = write_answer_sheet(path, consultation=consultation,
                                contributions=ContributionRegister(recorded.engine).all(consultation.id))
    assert listed == 3  # the duplicate follows its original
    book = load_workbook(path)
    sheet = book[ANSWERS_SHEET]
    texts = {row[0]: row[8] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert texts["forum-post:1"] == "'=HYPERLINK(\"http://x\")"  # shown, never evaluated
    assert sheet["I2"].data_type == "s"
    assert "acceptată parțial" in sheet.data_validations.dataValidation[0].formula1
    assert [r[0] for r in book["Șabloane"].iter_rows(min_row=2, values_only=True)] == \
        [t.code for t in DEFAULT_TEMPLATES]


def test_answers_are_applied_with_templates_and_given_to_duplicates(consultation: Consultation, recorded: Store,
                                                                    tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    register = ContributionRegister(recorded.engine)
    write_answer_sheet(path, consultation=consultation, contributions=register.all(consultation.id))
    fill(path, {"forum-post:1": ("respinsă", None, "RES-OBIECT"),
                "forum-post:2": ("Acceptată", "Am adăugat glosarul.", None)})
    assert apply_answers(recorded, consultation=consultation, path=path) == (2, 3)
    rows = {c.source_key: c for c in register.all(consultation.id)}
    assert rows["forum-post:1"].reason == DEFAULT_TEMPLATES[2].text and rows["forum-post:1"].template == "RES-OBIECT"
    assert rows["forum-post:3"].answer == "accepted" and rows["forum-post:3"].reason == "Am adăugat glosarul."
    assert rows["feedback-response:4"].answer == "pending"
    assert apply_answers(recorded, consultation=consultation, path=path) == (2, 0)  # again: nothing changes


@pytest.mark.parametrize(("answers", "message", "column"), [
    ({"forum-post:1": ("respinsă", None, None)}, "needs a reason", "J"),
    ({"forum-post:1": ("poate", None, None)}, "decision 'poate' is not one of", "J"),
    ({"forum-post:1": ("acceptată", None, "NU-EXISTA")}, "no answer template 'NU-EXISTA'", "J"),
])
def test_faults_name_file_sheet_row_and_column(consultation: Consultation, recorded: Store, tmp_path: Path,
                                               answers: dict[str, tuple[str | None, str | None, str | None]],
                                               message: str, column: str) -> None:
    path = tmp_path / "r.xlsx"
    register = ContributionRegister(recorded.engine)
    write_answer_sheet(path, consultation=consultation, contributions=register.all(consultation.id))
    fill(path, {**answers, "forum-post:2": ("acceptată", None, None)})
    with pytest.raises(InputError, match=message) as caught:
        apply_answers(recorded, consultation=consultation, path=path)
    assert f"{path} [Răspunsuri]:2:10: column {column} (Decizie)" in str(caught.value)
    assert {c.answer for c in register.all(consultation.id)} == {"pending"}  # all or none


def test_yaml_answers_and_their_faults(consultation: Consultation, recorded: Store, tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text("templates:\n  PROPRIU: {decision: partly, text: Preluat în capitolul 3.}\nanswers:\n"
                    "  - {source: forum-post:2, decision: acceptată parțial, template: PROPRIU}\n"
                    "  - {source: feedback-response:4, decision: rejected, reason: În afara obiectului.}\n",
                    encoding="utf-8")
    assert apply_answers(recorded, consultation=consultation, path=path)[0] == 2
    rows = {c.source_key: c for c in ContributionRegister(recorded.engine).all(consultation.id)}
    assert (rows["forum-post:2"].answer, rows["forum-post:2"].reason) == ("partly", "Preluat în capitolul 3.")
    path.write_text("answers:\n  - {source: forum-post:1, decision: accepted}\n"
                    "  - {source: forum-post:3, decision: accepted}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"r.yaml:3.*duplicate of 'forum-post:2'"):
        apply_answers(recorded, consultation=consultation, path=path)
    path.write_text("answers:\n  - {source: forum-post:1, decision: rejected}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"r.yaml:2.*needs a reason"):
        apply_answers(recorded, consultation=consultation, path=path)


def test_a_file_that_is_not_a_workbook_is_named(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_text("no", encoding="utf-8")
    with pytest.raises(InputError, match="cannot read the answers workbook"):
        read_answer_sheet(path)


def test_a_decision_on_a_text_edited_since_the_sheet_was_written_is_refused(consultation: Consultation,
                                                                           recorded: Store, tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    register = ContributionRegister(recorded.engine)
    write_answer_sheet(path, consultation=consultation, contributions=register.all(consultation.id))
    fill(path, {"forum-post:2": ("acceptată", "Da.", None)})
    record_contributions(recorded, consultation=consultation, records=[
        ContributionRecord("forum-post:2", "cap-02", "ngo", "Asociația Ș", AT, "Propun un glosar și un index.")])
    with pytest.raises(InputError, match=r"edited after this sheet was written \(version 1, now 2\)"):
        apply_answers(recorded, consultation=consultation, path=path)
    assert {c.answer for c in register.all(consultation.id)} == {"pending"}


def test_an_unchanged_sheet_written_again_changes_nothing(consultation: Consultation, recorded: Store,
                                                          tmp_path: Path) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text('answers:\n  - source: forum-post:1\n    decision: rejected\n    reason: "- nu se aplică"\n'
                       '  - source: forum-post:2\n    decision: partly\n    reason: "=doar art. 2"\n',
                       encoding="utf-8")
    assert apply_answers(recorded, consultation=consultation, path=answers) == (2, 3)  # forum-post:3 folds into 2
    register = ContributionRegister(recorded.engine)
    path = tmp_path / "again.xlsx"
    write_answer_sheet(path, consultation=consultation, contributions=register.all(consultation.id))
    cells = {row[0].value: row[10].value for row in load_workbook(path)[ANSWERS_SHEET].iter_rows(min_row=2)}
    assert cells["forum-post:1"] == "'- nu se aplică" and cells["forum-post:2"] == "'=doar art. 2"  # inert in a sheet
    assert apply_answers(recorded, consultation=consultation, path=path) == (2, 0)
    reasons = {c.source_key: c.reason for c in register.all(consultation.id)}
    assert reasons["forum-post:1"] == "- nu se aplică" and reasons["forum-post:2"] == "=doar art. 2"
