"""The coordinators' dashboard in a real browser (headless Chromium driven by selenium), opened as a file, as
Moodle's file viewer would show it: the figures read from the page, the hostile registration text shown as text and
never run, every chart an image with a name, contrast at least 4.5:1; a screenshot goes into the test's temporary
folder. Skipped without chromium and chromedriver, except with ``COOPERARE_REQUIRE_BROWSER=1`` (CI), where the
shared ``browser`` fixture fails instead."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from cooperare.courses.catalogue import load_catalogue
from cooperare.reports.certification import build_report
from cooperare.reports.dashboard import render_dashboard
from tests.certificates.test_certificate_verify_page import CONTRAST, _shot, browser  # noqa: F401

from .dashboard_data import HOSTILE, records


@pytest.fixture
def dashboard(tmp_path: Path) -> Path:
    report = build_report(load_catalogue(), records(), generated_at=datetime(2027, 10, 1, 9, 30, tzinfo=UTC))
    path = tmp_path / "panou.html"
    path.write_text(render_dashboard(report), encoding="utf-8")
    return path


def _rows(driver: Any, table: str) -> list[list[str]]:
    from selenium.webdriver.common.by import By

    return [[cell.text for cell in row.find_elements(By.CSS_SELECTOR, "th, td")]
            for row in driver.find_elements(By.CSS_SELECTOR, f"#{table} tbody tr, #{table} tfoot tr")]


def test_dashboard_figures_escaping_and_accessibility_in_chromium(browser: Any, dashboard: Path,  # noqa: F811
                                                                   tmp_path: Path) -> None:
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    browser.set_window_size(1100, 1300)
    browser.get(dashboard.as_uri())
    assert browser.title.startswith("Panou de certificare — Cooperare digitală")
    assert browser.find_element(By.CSS_SELECTOR, '[data-figure="certified"]').text == "8"
    assert browser.find_element(By.CSS_SELECTOR, '[data-figure="target"]').text == "292"
    tracks = _rows(browser, "tabel-trasee")
    assert [row[1:3] for row in tracks] == [["10", "1"], ["200", "5"], ["41", "1"], ["41", "1"], ["292", "8"]]
    assert tracks[-1][0] == "Total" and tracks[1][3] == "2,5 %"
    counties = {row[0]: row[-1] for row in _rows(browser, "tabel-judete")}
    assert counties == {"Argeș (AG)": "3", "Cluj (CJ)": "2", "Iași (IS)": "1", "(necunoscut)": "1", HOSTILE: "1"}
    weeks = _rows(browser, "tabel-saptamani")
    assert [(w[0], w[2], w[3]) for w in weeks] == [("2027-S36", "3", "3"), ("2027-S37", "2", "5"),
                                                   ("2027-S38", "0", "5"), ("2027-S39", "3", "8")]
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018 - the hostile text never ran
    assert browser.execute_script("return document.scripts.length") == 0
    charts = browser.find_elements(By.CSS_SELECTOR, "svg[role=img]")
    assert len(charts) == 3
    for chart in charts:
        names = browser.execute_script(
            "var s = arguments[0]; return [s.querySelector(':scope > title').textContent, "
            "s.querySelector(':scope > desc').textContent, s.getBoundingClientRect().width];", chart)
        assert names[0] and names[1] and names[2] > 300
    assert browser.execute_script(CONTRAST) == []
    _shot(browser, tmp_path / "panou.png")
