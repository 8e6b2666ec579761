"""A member of staff signs in with a real browser and reads the home page, at desktop and at phone width.

Headless Debian chromium through Playwright (see conftest.py). The site is Chinese first: the pages must
show Chinese, rendered with a real CJK font (not empty boxes), and the layout must work on a phone.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from lvzhi.org.roles import Role
from lvzhi.stations.models import StationDeputy
from tests.factories import (
    PASSWORD,
    CongressFactory,
    MandateFactory,
    StationFactory,
    TermFactory,
    UnitFactory,
    UserFactory,
    grant,
)

from .conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CJK = re.compile(r"[\u4e00-\u9fff]")

# Draws a few characters on a canvas in the page's own font and compares them with a code point no font
# has: where no CJK font is installed every character comes out as the same empty box (or nothing).
RENDERS_CHINESE = """() => {
  const font = getComputedStyle(document.body).fontFamily;
  const draw = (text) => {
    const canvas = document.createElement("canvas");
    canvas.width = 48; canvas.height = 48;
    const g = canvas.getContext("2d");
    g.font = `36px ${font}`;
    g.fillText(text, 4, 38);
    return Array.from(g.getImageData(0, 0, 48, 48).data).join(",");
  };
  const missing = draw("\\u{10FFFD}");
  const glyphs = ["人", "大", "代", "表"].map(draw);
  return glyphs.every((g) => g !== missing) && new Set(glyphs).size === glyphs.length;
}"""


@pytest.fixture
def office():
    """A district congress whose deputy-affairs office has 3 sitting deputies (one in a station) and 2 units."""
    congress = CongressFactory(name="浏览区人民代表大会", short_name="浏览区人大", region_name="浏览区")
    today = timezone.localdate()
    term = TermFactory(
        congress=congress,
        number=18,
        start_date=today - dt.timedelta(days=400),
        end_date=today + dt.timedelta(days=1400),
    )
    mandates = [
        MandateFactory(congress=congress, term=term, start_date=term.start_date, person__name=name)
        for name in ("王建国", "李秀英", "张伟")
    ]
    station = StationFactory(congress=congress, name="浏览街道代表联络站")
    StationDeputy.objects.create(station=station, mandate=mandates[0])
    UnitFactory(congress=congress, name="浏览区教育局", short_name="区教育局")
    UnitFactory(congress=congress, name="浏览区住房和城乡建设局", short_name="区住建局")
    staff = UserFactory(username="view_staff", full_name="陈静", congress=congress)
    grant(staff, Role.STAFF, congress)
    return staff


def sign_in(page, base_url: str, username: str, password: str):
    page.goto(f"{base_url}/signin/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("form.stacked button[type=submit]")


def tile_numbers(page) -> dict[str, int | None]:
    """Each tile's label and count (None for a notice tile, which shows "!" instead of a count)."""
    tiles = page.locator("a.tile")
    numbers: dict[str, int | None] = {}
    for i in range(tiles.count()):
        shown = tiles.nth(i).locator(".num").inner_text().strip()
        numbers[tiles.nth(i).locator(".label").inner_text().strip()] = int(shown) if shown.isdigit() else None
    return numbers


def test_staff_reads_the_home_page_in_chinese_at_desktop_width_and_can_switch_to_english(
    new_page, live_server, office, screenshots
):
    # given a member of staff at a desktop browser
    page = new_page(DESKTOP)

    # when she signs in
    sign_in(page, live_server.url, "view_staff", PASSWORD)

    # then the home page greets her in Chinese and shows what waits, as counts that link to the lists
    assert page.url.rstrip("/") == live_server.url
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("h1").inner_text() == "陈静，您好"
    assert page.get_by_role("heading", name="代表工委").is_visible()
    numbers = tile_numbers(page)
    assert numbers["在任代表"] == 3
    assert numbers["未进站代表"] == 2
    assert numbers["承办单位"] == 2
    assert page.locator("a.tile", has_text="未进站代表").get_attribute("href").endswith("?station=none")
    # the navigation is laid out in full, without the phone's menu button
    assert page.locator("nav.mainnav").is_visible()
    assert not page.locator("label.nav-button").is_visible()
    assert page.locator("nav.mainnav a", has_text="代表").first.is_visible()
    # and the Chinese is drawn with a real font, not empty boxes
    assert page.evaluate(RENDERS_CHINESE)
    page.screenshot(path=str(screenshots / "home-desktop.png"), full_page=True)

    # when she follows the tile of deputies in no station, she reaches the deputy list
    page.click("a.tile:has-text('未进站代表')")
    page.wait_for_url(re.compile(r"/org/.*station=none"))

    # when she switches to English (the switch names the other language in its own words)
    page.go_back()
    switch = page.locator("form.lang button")
    assert switch.inner_text() == "English"
    with page.expect_navigation():
        switch.click()

    # then the same page reads in English and offers Chinese by its Chinese name
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Hello, 陈静"
    assert tile_numbers(page)["Sitting deputies"] == 3
    assert not CJK.search(page.locator("nav.mainnav").inner_text())
    assert page.locator("form.lang button").inner_text() == "简体中文"

    # and back again
    with page.expect_navigation():
        page.locator("form.lang button").click()
    assert page.locator("h1").inner_text() == "陈静，您好"


def test_staff_reads_the_home_page_at_phone_width_with_the_menu_behind_a_toggle(
    new_page, live_server, office, screenshots
):
    # given a member of staff on a phone
    page = new_page(PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)

    # when she signs in
    sign_in(page, live_server.url, "view_staff", PASSWORD)

    # then the home page shows the same counts, two to a row, with nothing wider than the screen
    assert page.locator("h1").inner_text() == "陈静，您好"
    assert tile_numbers(page)["在任代表"] == 3
    boxes = [page.locator("a.tile").nth(i).bounding_box() for i in range(page.locator("a.tile").count())]
    assert all(box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] for box in boxes)
    assert len({round(box["x"]) for box in boxes}) == 2  # two columns
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # the navigation is folded behind the 菜单 (menu) button
    toggle = page.get_by_text("菜单", exact=True)
    assert toggle.is_visible()
    assert not page.locator("nav.mainnav").is_visible()
    assert page.evaluate(RENDERS_CHINESE)
    page.screenshot(path=str(screenshots / "home-phone.png"), full_page=True)

    # when she taps the menu button, the navigation opens
    toggle.tap()
    nav = page.locator("nav.mainnav")
    nav.wait_for(state="visible")
    assert nav.get_by_role("link", name="首页").is_visible()
    assert nav.get_by_role("link", name="代表", exact=True).is_visible()
    page.screenshot(path=str(screenshots / "home-phone-menu.png"), full_page=True)

    # and when she taps a link in it, she gets there
    nav.get_by_role("link", name="代表", exact=True).tap()
    page.wait_for_url(re.compile(r"/org/"))
    assert re.fullmatch(r"代表\s*3", page.locator("h1").inner_text())  # the list of her 3 deputies


def test_a_wrong_password_shows_the_chinese_message_and_keeps_the_username(
    new_page, live_server, office, screenshots
):
    # given the sign-in page on a phone
    page = new_page(PHONE, is_mobile=True, has_touch=True)

    # when someone signs in with a wrong password
    sign_in(page, live_server.url, "view_staff", "Wrong-pass-1")

    # then they stay on the sign-in page with the reason in Chinese, the username still typed in
    assert "/signin/" in page.url
    error = page.locator(".errorlist.nonfield")
    assert error.inner_text().strip() == "用户名或手机号与密码不匹配，或账号已停用。"
    assert error.is_visible()
    assert page.input_value("input[name=username]") == "view_staff"
    assert page.input_value("input[name=password]") == ""
    page.screenshot(path=str(screenshots / "signin-wrong-password.png"), full_page=True)

    # and with the right one they are in
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form.stacked button[type=submit]")
    assert page.locator("h1").inner_text() == "陈静，您好"
