"""The dashboard page: figures from the report, weeks by ISO 8601, Romanian text, escaping, accessibility markup."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from html.parser import HTMLParser

import pytest

from cooperare.courses.catalogue import Catalogue, load_catalogue
from cooperare.reports.certification import build_report
from cooperare.reports.dashboard import render_dashboard, weekly_trend

from .dashboard_data import HOSTILE, records


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture
def page(catalogue: Catalogue) -> str:
    report = build_report(catalogue, records(), generated_at=datetime(2027, 10, 1, 9, 30, tzinfo=UTC))
    return render_dashboard(report)


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_weekly_trend_counts_iso_weeks_with_empty_weeks_between(catalogue: Catalogue) -> None:
    report = build_report(catalogue, records(), generated_at=datetime.now(UTC))
    weeks = weekly_trend(report)
    assert [(w.label, w.issued, w.cumulative) for w in weeks] == [
        ("2027-S36", 3, 3), ("2027-S37", 2, 5), ("2027-S38", 0, 5), ("2027-S39", 3, 8)]
    assert weeks[0].monday == date(2027, 9, 6)


def test_figures_targets_and_generated_date(page: str) -> None:
    assert 'data-figure="certified">8<' in page and 'data-figure="target">292<' in page
    assert "2,7 %" in page  # 8 / 292
    for name, target, done in (("Reprezentanți ONG – experți în digitalizare", 10, 1),
                               ("Personal al administrației publice locale – alfabetizare digitală", 200, 5),
                               ("Aleși locali – digitalizare în guvernanța participativă", 41, 1)):
        row = re.search(rf'<th scope="row">{re.escape(name)}</th><td class="n">(\d+)</td><td class="n">(\d+)</td>',
                        page)
        assert row is not None and (int(row[1]), int(row[2])) == (target, done)
    assert "1 octombrie 2027, ora 12:30" in page  # 09:30 UTC is 12:30 in Bucharest (summer time)
    assert "Argeș (AG)" in page and "Cluj (CJ)" in page


def test_untrusted_text_is_escaped_everywhere(page: str) -> None:
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    parser = _Collect()
    parser.feed(page)
    assert not any(tag == "script" for tag, _ in parser.tags)
    assert HOSTILE in "".join(parser.text)  # shown as text, in the table and the chart


def test_self_contained_and_accessible(page: str) -> None:
    parser = _Collect()
    parser.feed(page)
    tags = [tag for tag, _ in parser.tags]
    assert ("html", {"lang": "ro"}) in parser.tags
    assert not re.search(r'(src|href)="(https?:)?//', page)  # nothing fetched from elsewhere
    assert tags.count("svg") == 3 and tags.count("title") == 1 + 3 + 4  # the page, 3 charts, 4 weekly bars
    for attrs in (a for t, a in parser.tags if t == "svg"):
        assert attrs["role"] == "img" and len((attrs["aria-labelledby"] or "").split()) == 2
    assert tags.count("desc") == 3 and tags.count("caption") == tags.count("table") == 3
    assert all(a.get("scope") in ("col", "row") for t, a in parser.tags if t == "th")
    assert "ş" not in page and "ţ" not in page  # comma-below ș ț only
    assert "județe" in page and "săptămâni" in page


def test_empty_report_says_so(catalogue: Catalogue) -> None:
    page = render_dashboard(build_report(catalogue, [], generated_at=datetime.now(UTC)))
    assert 'data-figure="certified">0<' in page and "Niciun certificat eliberat încă." in page
