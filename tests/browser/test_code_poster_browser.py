"""A deputy prints their poster from a phone, a citizen scans it (a real QR decoder reads the printed page) and
reaches the deputy's page; staff replace the code with a reason and the old poster then leads to the new code."""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2
import pytest
import zxingcpp

from lvzhi.demo.city import DEMO_PASSWORD
from lvzhi.opinions.models import ContactCode
from lvzhi.org.models import User

from .conftest import DESKTOP, PHONE
from .test_home_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def scan(pdf: Path) -> str:
    """What a phone's camera reads off the first page of the printed poster."""
    image = pypdfium2.PdfDocument(str(pdf))[0].render(scale=2).to_pil()
    [found] = [r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]
    return found


def test_a_deputy_prints_a_poster_a_citizen_scans_it_and_staff_replace_the_code(
    new_page, live_server, screenshots, settings
):
    settings.LVZHI_PUBLIC_URL = ""  # the codes point at the site the browser uses
    deputy = User.objects.get(username="deputy_a")
    name = deputy.person.name

    # given deputy_a on a phone, signed in: the menu leads to their codes, one per mandate
    page = new_page(PHONE, is_mobile=True, has_touch=True, accept_downloads=True)
    sign_in(page, live_server.url, "deputy_a", DEMO_PASSWORD)
    page.get_by_text("菜单", exact=True).tap()
    page.locator("nav.mainnav").get_by_role("link", name="二维码").tap()
    page.wait_for_url(re.compile(r"/opinions/codes/"))
    assert page.locator("h1").inner_text() == "我的二维码"
    assert page.locator(".card img").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(screenshots / "codes-deputy-phone.png"), full_page=True)

    # when they download the first poster, and a citizen scans it
    with page.expect_download() as download:
        page.locator(".card").first.get_by_role("link", name="海报（PDF）").tap()
    poster = Path(download.value.path())
    address = scan(poster)
    token = re.fullmatch(re.escape(live_server.url) + r"/c/([\w-]+)/", address).group(1)
    code = ContactCode.objects.get(token=token)
    assert code.mandate.person_id == deputy.person_id and code.revoked_at is None

    # then the citizen's phone opens the deputy's page with the form
    citizen = new_page(PHONE, is_mobile=True, has_touch=True)
    citizen.goto(address)
    assert name in citizen.inner_text("body") and citizen.locator("#id_content").is_visible()

    # when the district's staff replace that code, first forgetting the reason
    staff = new_page(DESKTOP)
    sign_in(
        staff, live_server.url, "staff_a" if code.congress.level != "city" else "city_staff", DEMO_PASSWORD
    )
    staff.goto(f"{live_server.url}/opinions/codes/?q={name}")
    staff.locator(f"a[href='/opinions/codes/{code.pk}/reissue/']").click()
    staff.click("main form.stacked button[type=submit]")  # the browser itself asks for the reason
    assert staff.eval_on_selector("#id_reason", "e => e.validity.valueMissing")
    staff.fill("#id_reason", "   ")  # blanks get past the browser, not past the page
    staff.click("main form.stacked button[type=submit]")
    assert staff.locator(".errorlist").first.is_visible()
    assert ContactCode.objects.get(pk=code.pk).revoked_at is None
    staff.fill("#id_reason", "菜市场的海报被涂改")
    staff.click("main form.stacked button[type=submit]")
    assert "已更换" in staff.locator(".messages").inner_text()
    staff.screenshot(path=str(screenshots / "codes-staff-replaced.png"), full_page=True)

    # then the old poster leads the citizen to a polite "moved" page, and on to the new code
    citizen.goto(address)
    assert "联系码已更换" in citizen.inner_text("body")
    new = ContactCode.objects.get(pk=code.pk).replaced_by
    citizen.locator(f"a[href$='/c/{new.token}/']").first.tap()
    assert name in citizen.inner_text("body") and citizen.locator("#id_content").is_visible()
