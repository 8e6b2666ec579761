"""The loop the issue's "Done means" asks for, on phones, through the pages: a citizen scans deputy_a's printed
poster (a real QR decoder reads it), leaves an opinion (bad input first: explained, what was typed kept),
deputy_a signs in on a phone, finds it from the home page in the inbox, answers it (an empty answer first),
and the citizen opens the follow-up link, reads the answer and rates it.

Headless Debian chromium through Playwright (see conftest.py); each person in their own browser context.
"""

from __future__ import annotations

import re

import pytest

from lvzhi.demo.city import DEMO_PASSWORD
from lvzhi.opinions.models import CitizenRating, ContactCode, Opinion
from lvzhi.org.models import Mandate, User

from .conftest import PHONE
from .test_code_poster_browser import scan
from .test_home_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "东湖大道公交站的候车亭顶棚破了，下雨天老人孩子只能淋雨等车，希望尽快修好。"
ANSWER = "您好，已请区交通运输局核实，候车亭顶棚本周内修复。谢谢您的反映。"


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_citizen_scans_writes_the_deputy_answers_in_the_inbox_and_the_citizen_rates_it(
    new_page, live_server, screenshots, settings, tmp_path
):
    settings.LVZHI_PUBLIC_URL = ""  # the poster points at the site the browser uses
    base = live_server.url
    deputy_a = User.objects.get(username="deputy_a")
    mandate = Mandate.objects.current().filter(person_id=deputy_a.person_id).order_by("pk").first()
    code = ContactCode.objects.get(mandate=mandate, revoked_at=None)

    # given deputy_a's printed poster, scanned by the citizen's phone
    deputy = new_page(PHONE, is_mobile=True, has_touch=True)
    sign_in(deputy, base, "deputy_a", DEMO_PASSWORD)
    poster = tmp_path / "poster.pdf"
    poster.write_bytes(deputy.request.get(f"{base}/opinions/codes/{code.pk}/poster.pdf").body())
    address = scan(poster)
    assert address == f"{base}/c/{code.token}/"

    # when the citizen writes, first with a wrong mobile and no consent
    citizen = new_page(PHONE, is_mobile=True, has_touch=True)
    citizen.goto(address)
    assert deputy_a.person.name in citizen.inner_text("body") and fits(citizen)
    citizen.select_option("#id_category", "traffic")
    citizen.fill("#id_content", TEXT)
    citizen.fill("#id_place", "东湖大道公交站")
    citizen.fill("#id_citizen_name", "孙女士")
    citizen.check("#id_wants_callback")
    citizen.fill("#id_phone", "1391234")
    with citizen.expect_navigation():
        citizen.locator("button[type=submit]").tap()
    body = citizen.inner_text("body")
    assert "11 位数字" in body and "请勾选同意" in body  # the mobile's format and the consent are explained
    assert citizen.input_value("#id_content") == TEXT and citizen.input_value("#id_citizen_name") == "孙女士"
    assert citizen.input_value("#id_phone") == "1391234" and not Opinion.objects.filter(content=TEXT).exists()
    citizen.fill("#id_phone", "13912345678")
    citizen.check("#id_consent")
    with citizen.expect_navigation():
        citizen.locator("button[type=submit]").tap()
    opinion = Opinion.objects.get(content=TEXT)
    assert opinion.number in citizen.inner_text("body")
    follow = citizen.locator("p.secret a").get_attribute("href")

    # then deputy_a, on the phone, finds it from the home page in the inbox
    deputy.goto(f"{base}/")
    tile = deputy.locator("a.tile", has_text="新的群众意见")
    assert int(tile.locator(".num").inner_text()) >= 1
    tile.tap()
    deputy.wait_for_url(re.compile(r"/opinions/inbox/\?state=new"))
    assert fits(deputy)
    deputy.screenshot(path=str(screenshots / "inbox-list-phone.png"), full_page=True)
    deputy.locator("a.item", has_text=opinion.number).tap()
    deputy.wait_for_url(re.compile(rf"/opinions/inbox/{opinion.pk}/$"))
    body = deputy.inner_text("body")
    assert TEXT in body and "孙女士" in body and "13912345678" in body and "群众希望回电" in body
    assert deputy.locator("a.tel").get_attribute("href") == "tel:13912345678"
    assert fits(deputy)

    # an empty answer is explained, the signature typed is kept
    deputy.fill("#id_reply_signed_as", "区人大代表 " + deputy_a.person.name)
    with deputy.expect_navigation():
        deputy.locator("#reply button[type=submit]").tap()
    assert deputy.locator("#reply .errorlist").first.is_visible()
    assert deputy.input_value("#id_reply_signed_as") == "区人大代表 " + deputy_a.person.name
    deputy.fill("#id_reply_body", ANSWER)
    with deputy.expect_navigation():
        deputy.locator("#reply button[type=submit]").tap()
    assert "答复已发送" in deputy.locator("ul.messages").inner_text()
    assert ANSWER in deputy.inner_text("body") and fits(deputy)
    deputy.screenshot(path=str(screenshots / "inbox-item-answered-phone.png"), full_page=True)

    # and the citizen reads the answer and rates it
    citizen.goto(follow)
    body = citizen.inner_text("body")
    assert ANSWER in body and "区人大代表 " + deputy_a.person.name in body and "13912345678" not in body
    citizen.check("input[name=score][value=satisfied]")
    citizen.fill("#id_comment", "回复很快，谢谢代表！")
    with citizen.expect_navigation():
        citizen.locator("form.stacked button[type=submit]").tap()
    assert "感谢您的评价" in citizen.inner_text("body") and fits(citizen)
    citizen.screenshot(path=str(screenshots / "citizen-rated-phone.png"), full_page=True)
    rating = CitizenRating.objects.get(opinion=opinion)
    assert rating.score == "satisfied" and rating.comment == "回复很快，谢谢代表！"
    assert Opinion.objects.get(pk=opinion.pk).state == "rated"
