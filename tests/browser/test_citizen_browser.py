"""A citizen scans a deputy's code on a phone: the page fits the screen, a missing consent is explained with
what was typed kept, then the opinion is sent and followed by its secret link. No JavaScript is needed; the
same holds in WeChat's built-in browser (its user agent, phone width, with and without JavaScript)."""

from __future__ import annotations

import pytest

from lvzhi.opinions.models import ContactCode, Opinion
from lvzhi.org.models import Mandate, User

from .conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "东湖小学门口上下学时段车辆乱停，孩子过马路很危险，建议设置临时停车区。"


@pytest.mark.parametrize("javascript", [True, False])
def test_a_citizen_sends_an_opinion_from_a_phone(new_page, live_server, screenshots, javascript):
    deputy = User.objects.get(username="deputy_a")
    mandate = Mandate.objects.current().filter(person_id=deputy.person_id).order_by("pk").first()
    code = ContactCode.objects.get(mandate=mandate, revoked_at=None)
    page = new_page(PHONE, java_script_enabled=javascript)
    page.goto(f"{live_server.url}/c/{code.token}/")
    assert deputy.person.name in page.inner_text("body")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.select_option("#id_category", "traffic")
    page.fill("#id_content", TEXT)
    page.fill("#id_place", "东湖小学门口")
    page.check("#id_wants_callback")
    page.fill("#id_phone", "13812345678")
    page.click("button[type=submit]")
    body = page.inner_text("body")
    assert "请勾选同意" in body
    assert page.input_value("#id_content") == TEXT and page.input_value("#id_phone") == "13812345678"

    page.check("#id_consent")
    page.click("button[type=submit]")
    page.screenshot(path=str(screenshots / f"citizen-thanks-js{int(javascript)}.png"), full_page=True)
    opinion = Opinion.objects.get(content=TEXT)
    assert opinion.number in page.inner_text("body")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # the long link wraps
    page.click("text=查看办理进度")
    body = page.inner_text("body")
    assert opinion.number in body and "新收到" in body and "138****5678" in body and "13812345678" not in body
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


# WeChat's built-in browser on Android (XWEB, a Chromium WebView) as it names itself; citizens mostly scan a
# code from WeChat's scanner, which opens the page in it.
WECHAT = (
    "Mozilla/5.0 (Linux; Android 13; V2227A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MMWEBID/2247 "
    "MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64"
)


def test_a_citizen_writes_from_wechat_s_built_in_browser_with_and_without_javascript(
    new_page, live_server, screenshots, tmp_path
):
    deputy = User.objects.get(username="deputy_a")
    mandate = Mandate.objects.current().filter(person_id=deputy.person_id).order_by("pk").first()
    code = ContactCode.objects.get(mandate=mandate, revoked_at=None)
    photo = tmp_path / "road.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 64)
    for javascript in (True, False):
        text = f"湖滨路人行道的地砖松动了好几块，下雨天一踩就溅水（微信{'含' if javascript else '无'}脚本）。"
        page = new_page(
            PHONE, user_agent=WECHAT, java_script_enabled=javascript, is_mobile=True, has_touch=True
        )
        page.goto(f"{live_server.url}/c/{code.token}/")
        assert "MicroMessenger/8.0" in page.evaluate("navigator.userAgent")
        assert deputy.person.name in page.inner_text("body")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.select_option("#id_category", "city")
        page.fill("#id_content", text)
        page.fill("#id_citizen_name", "周先生")
        page.check("#id_wants_callback")
        page.fill("#id_phone", "139123")  # too short: explained, what was typed kept
        page.check("#id_consent")
        with page.expect_navigation():
            page.locator("button[type=submit]").tap()
        assert "11 位数字" in page.inner_text("body")
        assert page.input_value("#id_content") == text and page.input_value("#id_citizen_name") == "周先生"
        page.fill("#id_phone", "13912340000")
        page.set_input_files("#id_photo1", str(photo))
        if not page.is_checked("#id_consent"):
            page.check("#id_consent")
        with page.expect_navigation():
            page.locator("button[type=submit]").tap()
        page.screenshot(path=str(screenshots / f"wechat-thanks-js{int(javascript)}.png"), full_page=True)
        opinion = Opinion.objects.get(content=text)
        assert opinion.number in page.inner_text("body") and opinion.photos.count() == 1
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.click("text=查看办理进度")
        body = page.inner_text("body")
        assert opinion.number in body and "新收到" in body and "139****0000" in body
