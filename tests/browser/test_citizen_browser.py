"""A citizen scans a deputy's code on a phone: the page fits the screen, a missing consent is explained with
what was typed kept, then the opinion is sent and followed by its secret link. No JavaScript is needed."""

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
