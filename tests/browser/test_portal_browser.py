"""A citizen finds its deputy from a phone: the public portal, then the township, then part of the name, the
deputy's page with its QR code and disclosed suggestions, one of them opened. No page scrolls sideways."""

from __future__ import annotations

import pytest

from lvzhi.org.models import Congress
from lvzhi.portal import directory

from .conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FITS = "document.scrollingElement.scrollWidth"


def _deputy_with_disclosures():
    """A serving deputy with disclosed suggestions, and a township whose deputies it is among."""
    townships = list(Congress.objects.filter(level=Congress.Level.TOWNSHIP).select_related("parent"))
    for mandate in directory.public_deputies().order_by("pk"):
        disclosures = directory.disclosed_suggestions_of(mandate)
        if not disclosures:
            continue
        for township in townships:
            if directory.deputy_search(region=township).filter(pk=mandate.pk).exists():
                return mandate, township, disclosures
    raise AssertionError("the demo city has no deputy with a disclosed suggestion in a township's station")


def test_a_citizen_finds_its_deputy_and_its_disclosed_suggestions_on_a_phone(
    new_page, live_server, screenshots
):
    mandate, township, disclosures = _deputy_with_disclosures()
    page = new_page(PHONE)
    page.goto(f"{live_server.url}/public/")
    assert page.evaluate(FITS) <= PHONE["width"]
    page.click("a[href='/public/deputies/']")
    page.wait_for_url("**/public/deputies/")

    page.select_option("#portal-district", str(township.parent_id))  # submits: the townships load
    page.wait_for_selector(f"#portal-township option[value='{township.pk}']", state="attached")
    page.select_option("#portal-township", str(township.pk))
    page.wait_for_url(f"**township={township.pk}**")
    page.fill("#portal-q", mandate.person.name[-2:])
    page.click("form[role=search] button[type=submit]")
    page.wait_for_url("**q=**")
    assert page.evaluate(FITS) <= PHONE["width"]
    page.screenshot(path=str(screenshots / "portal-found.png"), full_page=True)

    page.click(f"a[href='/public/deputies/{mandate.pk}/']")
    page.wait_for_url(f"**/public/deputies/{mandate.pk}/")
    body = page.inner_text("body")
    assert mandate.person.name in body and mandate.congress.name in body
    qr = page.locator("img[alt='反映意见的二维码']")
    assert qr.is_visible() and qr.evaluate("img => img.naturalWidth") > 0  # the QR code is drawn
    assert "/c/" in page.get_attribute("a:text('反映意见')", "href")
    for d in disclosures:
        assert d.title in body
    assert page.evaluate(FITS) <= PHONE["width"]
    page.screenshot(path=str(screenshots / "portal-deputy.png"), full_page=True)

    page.click(f"a[href='/public/suggestions/{disclosures[0].pk}/']")
    page.wait_for_url(f"**/public/suggestions/{disclosures[0].pk}/")
    assert disclosures[0].title in page.inner_text("h1")
    assert page.evaluate(FITS) <= PHONE["width"]
