"""The performance issue's "done" in a real browser: in the demo city, city_staff applies Chongqing's
"341 311" preset, sees who falls short of which rule and by how many, opens one of those deputies' archive
from the deputy's page, and downloads that deputy's draft report to the electors as Word and as PDF, which
open and read in Chinese (the PDF with its Chinese font embedded).

Headless Debian chromium through Playwright (see conftest.py); the assertions read the pages' own words.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import timezone
from docx import Document
from pypdf import PdfReader

from lvzhi.org.models import Mandate
from lvzhi.performance.models import RuleSet

from .conftest import DESKTOP
from .test_suggestion_loop_browser import message, sign_in, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def embedded_fonts(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target.get("/FontDescriptor")
            if descriptor is not None and "/FontFile2" in descriptor.get_object():
                names.add(str(font["/BaseFont"]))
    return names


def test_staff_apply_341311_find_who_falls_short_and_download_a_deputys_report(
    new_page, live_server, screenshots, tmp_path
):
    base = live_server.url
    year = timezone.localdate().year
    page = new_page(DESKTOP, accept_downloads=True)
    sign_in(page, base, "city_staff")

    # --- the office applies the 341 311 preset to the city -----------------------------------------------
    page.locator("nav.mainnav").get_by_role("link", name="履职管理").click()
    page.wait_for_load_state()
    page.locator("nav.toolbar").get_by_role("link", name="履职规则").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "履职规则"
    page.get_by_label("模板").select_option(label="重庆“341 311”")
    submit(page, page.get_by_role("button", name="套用", exact=True))
    assert message(page) == "已套用，下一次评价将按此规则。"
    assert page.locator("h1").inner_text() == "“341 311”履职量化标准"
    for rule in (
        "大会审议发言",
        "闭会期间活动",
        "提出议案建议",
        "参加培训",
        "办实事",
        "向选区选民或原选举单位述职",
    ):
        assert page.get_by_text(rule, exact=True).count() >= 1
    applied = RuleSet.objects.get(congress__name="示范市人民代表大会", kind="minimums", is_active=True)
    assert applied.preset == "cq341311"
    page.screenshot(path=str(screenshots / "performance-rules.png"), full_page=True)

    # --- who falls short, and why -----------------------------------------------------------------------------
    page.locator("nav.toolbar").get_by_role("link", name="未达标名单").click()
    page.wait_for_load_state()
    summary = page.locator("main p").first.inner_text()
    short = re.search(r"(\d+) 位代表未达到“341 311”履职量化标准", summary)
    assert short and int(short.group(1)) > 0, summary
    row = page.locator("table tbody tr").first
    name = row.locator("td").first.inner_text().strip()
    reason = row.inner_text()
    assert re.search(r"差 \d+ 次", reason), reason
    page.screenshot(path=str(screenshots / "performance-shortfall.png"), full_page=True)

    # --- the deputy's page leads to the archive ------------------------------------------------------------
    with page.expect_navigation():
        row.get_by_role("link", name=name).click()
    assert page.locator("h1").inner_text().startswith(name)
    with page.expect_navigation():
        page.get_by_role("link", name="履职档案").click()
    assert page.locator("h1").inner_text().startswith(f"{name}的履职档案")
    mandate = Mandate.objects.get(pk=int(re.search(r"/performance/archive/(\d+)/", page.url).group(1)))
    assert mandate.person.name == name
    body = page.inner_text("main")
    assert f"{year}年度履职量化情况" in body and "差" in body
    assert "“341 311”" in body or "大会审议发言" in body
    page.screenshot(path=str(screenshots / "performance-archive.png"), full_page=True)

    # --- the draft report to the electors, as Word and as PDF --------------------------------------------
    title = f"{name}代表{year}年度履职情况报告"
    with page.expect_download() as word:
        page.get_by_role("link", name="述职报告草稿（Word）").click()
    assert word.value.suggested_filename.endswith(".docx")
    docx_path = tmp_path / "report.docx"
    word.value.save_as(docx_path)
    doc = Document(str(docx_path))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert doc.paragraphs[0].text == title
    assert (
        "各位选民：" in text and "一、依法出席会议，认真审议" in text and "以上报告，请各位选民评议。" in text
    )
    assert mandate.congress.name in text

    with page.expect_download() as pdf:
        page.get_by_role("link", name="述职报告草稿（PDF）").click()
    assert pdf.value.suggested_filename.endswith(".pdf")
    pdf_path = Path(tmp_path / "report.pdf")
    pdf.value.save_as(pdf_path)
    reader = PdfReader(str(pdf_path))
    pdf_text = "".join(p.extract_text() for p in reader.pages)
    assert title in pdf_text and "各位选民" in pdf_text and "以上报告，请各位选民评议。" in pdf_text
    assert any("WenQuanYiMicroHei" in f for f in embedded_fonts(reader))
