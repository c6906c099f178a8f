"""Diagnostic responses survive the store unchanged, repeated answers are all kept, and training links are real."""

from __future__ import annotations

from datetime import UTC, datetime

from cooperare.courses.catalogue import load_catalogue
from cooperare.diagnostic.instrument import load_shipped
from cooperare.diagnostic.responses import DONT_KNOW, Response, latest
from cooperare.store import Store
from cooperare.store.diagnostic import DiagnosticResponses


def test_round_trip_keeps_lists_missing_and_dont_know(tmp_path):
    first = Response(1071, "2026.1", "T0", datetime(2026, 4, 1, tzinfo=UTC),
                     {"s1": "nu", "s2": DONT_KNOW, "s3": ("pnrr", "buget_local"), "r2": (), "r3": True, "s4": 3,
                      "r1": None}, "form:a.xlsx")
    second = Response(1071, "2026.1", "T0", datetime(2026, 4, 9, tzinfo=UTC), {"s1": "da_cu_buget"}, "moodle")
    with Store.open(tmp_path / "s.sqlite") as store:
        DiagnosticResponses(store.engine).add([first, second])
        back = DiagnosticResponses(store.engine).all(version="2026.1")
        assert DiagnosticResponses(store.engine).all(version="1999.1") == []
    assert back == [first, second]
    kept, dropped = latest(back)
    assert kept == [second] and dropped[0].source == "form:a.xlsx"


def test_every_training_link_names_a_programme_of_the_catalogue():
    programmes = {p.key for p in load_catalogue().programmes}
    links = {q.training for s in load_shipped("2026.1").sections for q in s.questions if q.training}
    assert links and links <= programmes
