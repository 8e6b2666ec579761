"""Issue 7's "done" for the chair, in a real browser: the demo's city chair opens the dashboard (its charts
drawn by ECharts, installed by npm and served locally), clicks the city's satisfaction rate, then one lead
unit's count of dissatisfied replies, and lands on that unit's dissatisfied suggestions — three clicks — then
opens one. The list holds as many suggestions as the count clicked. The breakdown's columns all fit a 1280 px
screen; on a phone's width the tables scroll sideways and say so.

Headless Debian chromium through Playwright (see conftest.py); the assertions read the pages' own words.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders

from lvzhi.core import frontend

from .conftest import DESKTOP, PHONE
from .test_suggestion_loop_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def echarts():
    """The charting library, as `lvzhi demo` gets it (npm ci when missing); served at once (FrontendFinder)."""
    if not frontend.ensure_frontend_packages(quiet=True):
        pytest.fail(
            "ECharts could not be installed with npm ci (is Node.js/npm installed and the registry reachable?)"
        )
    assert finders.find(frontend.ECHARTS_STATIC_PATH)


def drawn_charts(page) -> int:
    page.wait_for_selector(".chart[data-drawn] svg")
    return page.locator(".chart[data-drawn] svg").count()


def test_the_chair_goes_from_the_citys_satisfaction_to_a_units_dissatisfied_replies(
    echarts, new_page, live_server, screenshots
):
    base = live_server.url
    page = new_page(DESKTOP)
    sign_in(page, base, "city_chair")
    page.goto(f"{base}/")
    page.locator("nav.mainnav").get_by_role("link", name="数据看板").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "示范市人民代表大会 · 数据看板"
    assert drawn_charts(page) >= 3  # trend, children, units
    assert page.get_by_text("图表未能显示").first.is_hidden()
    # Activities (thousands) get their own axis beside opinions and suggestions (tens)
    assert page.locator("#t-trend .chart").get_attribute("data-axes") == "2"
    # At 1280 px the breakdown's every column is in view, no inner scroll hiding the last ones
    children = page.locator("#t-children .table-wrap")
    scroll, client = children.evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert scroll <= client + 1, (scroll, client)
    for header in ("满意率", "履职达标率"):
        assert page.locator("#t-children th", has_text=header).is_visible()
    page.screenshot(path=str(screenshots / "dashboard.png"), full_page=True)

    # Click 1: the city's satisfaction rate
    card = page.locator('a[data-figure="satisfied_first"]')
    rate = card.locator(".num").inner_text()
    assert re.fullmatch(r"\d+\.\d%", rate), rate
    with page.expect_navigation():
        card.click()
    assert "满意率" in page.locator("h1").inner_text()
    assert page.locator(".bignum").inner_text() == rate
    drawn_charts(page)

    # Click 2: one lead unit's dissatisfied count
    units = page.locator("#t-unit")
    headers = units.locator("thead th").all_inner_texts()
    column = headers.index("不满意")
    row = units.locator("tbody tr").filter(has=page.locator(f"td:nth-child({column + 1}) a")).first
    unit = row.locator("td").first.inner_text().strip()
    link = row.locator(f"td:nth-child({column + 1}) a")
    count = int(link.inner_text())
    assert count > 0
    with page.expect_navigation():
        link.click()
    page.wait_for_load_state()

    # Lands on the unit's dissatisfied suggestions: as many as the count clicked, each lead by the unit
    heading = page.locator("h1").inner_text()
    assert "满意率" in heading and unit in heading and "不满意" in heading, heading
    rows = page.locator("table tbody tr")
    assert rows.count() == count
    assert page.locator("h1 .muted").inner_text().strip() == str(count)
    for text in rows.all_inner_texts():
        assert unit in text
    page.screenshot(path=str(screenshots / "dashboard-dissatisfied.png"), full_page=True)

    # Click 3 opens one
    title = rows.first.locator("td a").first
    name = title.inner_text().strip()
    with page.expect_navigation():
        title.click()
    assert name in page.locator("h1").inner_text()

    # On a phone: the dashboard reads, its tables scroll sideways inside their frame (not the page)
    phone = new_page(PHONE)
    sign_in(phone, base, "city_chair")
    phone.goto(f"{base}/dashboards/")
    drawn_charts(phone)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, width
    # … and the wide ones say so
    assert phone.locator("#t-children .scroll-cue").is_visible()
    phone.screenshot(path=str(screenshots / "dashboard-phone.png"), full_page=True)
