"""The whole suggestions loop in a real browser, across three accounts of the demo city, through the pages.

deputy_a writes and submits a suggestion to the city congress; city_staff finds it in the review queue,
accepts it and assigns it to 示范市教育局 as lead unit; handler_a acknowledges it, records a face-to-face
consultation and replies with class A and the signed letter (a small PDF); deputy_a, on a phone, sees the
reply waiting on the home page, rates it 满意, and the suggestion reads closed, its history told in words;
city_staff finds it by its title, prepares the redacted copy and publishes it (refused while a mobile number
is left in it), and a signed-out phone finds it on the public pages.

Each account browses in its own fresh browser context. The assertions read the page's own Chinese words.
Headless Debian chromium through Playwright (see conftest.py).
"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from lvzhi.demo.city import DEMO_PASSWORD

from .conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "关于规范中小学课后延时服务收费的建议"
BODY = "部分学校课后延时服务收费标准不一，家长反映较多。建议市教育局统一收费标准并公开收支情况。"
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
STAMP = re.compile(r"^\s*\d{4}-\d{2}-\d{2} \d{2}:\d{2}")


def sign_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/signin/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("form.stacked button[type=submit]")
    assert "/signin/" not in page.url, f"{username} could not sign in"


def submit(page, button) -> None:
    """Press a form's button and wait for the page the POST redirects to."""
    with page.expect_navigation():
        button.click()
    page.wait_for_load_state()


def message(page) -> str:
    return page.locator("ul.messages").inner_text().strip()


def tile_count(page, label: str) -> int:
    return int(page.locator("a.tile", has_text=label).locator(".num").inner_text().strip())


def fact(page, term: str) -> str:
    """The value next to a term in the suggestion's facts (状态, 编号 …)."""
    return page.locator(f"dl.facts dt:text-is('{term}') + dd").first.inner_text().strip()


def test_a_suggestion_goes_from_draft_to_a_rated_reply_across_deputy_office_and_unit(
    new_page, live_server, screenshots, tmp_path
):
    base = live_server.url
    letter = tmp_path / "答复函.pdf"
    letter.write_bytes(PDF)

    # --- the deputy writes and submits -----------------------------------------------------------------
    deputy = new_page(DESKTOP)
    sign_in(deputy, base, "deputy_a")
    waiting_before = tile_count(deputy, "待评价的答复")
    deputy.goto(f"{base}/suggestions/new/")
    assert deputy.locator("h1").inner_text() == "提出建议"
    # deputy_a sits in two congresses: the form asks which one it goes to
    deputy.get_by_label("提交至").select_option(label="示范市人民代表大会")
    deputy.get_by_label("标题").fill(TITLE)
    deputy.get_by_label("领域").select_option(label="教育科技")
    deputy.get_by_label("正文").fill(BODY)
    submit(deputy, deputy.get_by_role("button", name="保存草稿"))
    assert deputy.locator("h1").inner_text() == TITLE
    assert "草稿已保存" in message(deputy)
    assert fact(deputy, "状态") == "草稿"
    submit(deputy, deputy.locator("#deputy-panel").get_by_role("button", name="提交", exact=True))
    assert message(deputy) == "已提交，等待代表工作机构审核。"
    assert fact(deputy, "状态") == "已提交"
    deputy.context.close()

    # --- the office accepts it from the review queue and assigns the lead unit ----------------------
    office = new_page(DESKTOP)
    sign_in(office, base, "city_staff")
    office.goto(f"{base}/suggestions/office/queue/")
    assert office.locator("h1").inner_text().startswith("待审查")
    row = office.locator("tr", has=office.get_by_role("link", name=TITLE))
    assert row.count() == 1
    with office.expect_navigation():
        row.get_by_role("link", name=TITLE).click()
    panel = office.locator("section:has(#office-panel)")
    submit(office, panel.get_by_role("button", name="立案", exact=True))
    accepted = re.fullmatch(r"已立案，编为第(\d+)号。", message(office))
    assert accepted, message(office)
    assert fact(office, "状态") == "已立案"
    assert fact(office, "编号") == accepted.group(1)
    with office.expect_navigation():
        office.get_by_role("link", name="交办承办单位").click()
    office.get_by_label("主办单位").select_option(label="示范市教育局")
    submit(office, office.locator("form.stacked").get_by_role("button", name="交办", exact=True))
    assert message(office) == "已交办：示范市教育局。"
    assert fact(office, "状态") == "办理中"
    office.context.close()

    # --- the unit acknowledges, meets the deputy, and replies --------------------------------------
    unit = new_page(DESKTOP)
    sign_in(unit, base, "handler_a")
    unit.locator("nav.mainnav").get_by_role("link", name="我的交办件").click()
    unit.wait_for_url(re.compile(r"/suggestions/unit/assignments/"))
    row = unit.locator("tr", has=unit.get_by_role("link", name=TITLE))
    # the unit's own assignment, lead role, the reply clock running, not yet acknowledged
    assert "市教育局 · 主办单位" in row.inner_text()
    assert "还剩" in row.inner_text()
    assert "未签收" in row.inner_text()
    with unit.expect_navigation():
        row.get_by_role("link", name=TITLE).click()
    panel = unit.locator("section#unit")
    assert "本单位：" in panel.inner_text()
    submit(unit, panel.get_by_role("button", name="签收", exact=True))
    assert message(unit) == "已签收交办件。"

    with unit.expect_navigation():
        unit.locator("section#unit").get_by_role("link", name="登记面商情况").click()
    unit.get_by_label("面商日期").fill(timezone.localdate().isoformat())
    unit.get_by_label("面商方式").select_option(label="上门走访")
    unit.get_by_label("参加人员").fill("分管副局长、基础教育科科长、领衔代表")
    unit.get_by_label("代表意见").fill("同意先统一收费标准，再公开收支。")
    submit(unit, unit.get_by_role("button", name="登记面商", exact=True))
    assert message(unit) == "面商情况已登记。"
    assert "同意先统一收费标准" in unit.locator("section#unit").inner_text()

    with unit.expect_navigation():
        unit.locator("section#unit").get_by_role("link", name="答复", exact=True).click()
    unit.get_by_label("答复内容").fill("我局已制定全市统一的课后延时服务收费标准，并按学期公开收支情况。")
    unit.get_by_label("办理结果类别").select_option(label="A · 已解决或基本解决")
    unit.get_by_label("签发人（单位主要负责人）").fill("局长 王建国")
    unit.get_by_label("签章答复函").set_input_files(str(letter))
    submit(unit, unit.get_by_role("button", name="发出答复", exact=True))
    assert message(unit) == "答复已发出，已请代表评价。"
    assert fact(unit, "状态") == "已答复"
    assert unit.get_by_role("heading", name=re.compile(r"A 已解决或基本解决")).is_visible()
    unit.context.close()

    # --- the deputy, on a phone, finds the reply waiting and rates it --------------------------------
    phone = new_page(PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    sign_in(phone, base, "deputy_a")
    assert tile_count(phone, "待评价的答复") == waiting_before + 1
    with phone.expect_navigation():
        phone.locator("a.tile", has_text="待评价的答复").click()
    with phone.expect_navigation():
        phone.get_by_role("link", name=TITLE).click()
    assert fact(phone, "状态") == "已答复"
    rating = phone.locator("#deputy-panel")
    assert "评价答复" in rating.inner_text()
    assert "已解决或基本解决" in rating.inner_text()
    # the signed letter is there to download
    assert phone.get_by_role("link", name="答复函.pdf").is_visible()
    rating.get_by_label("满意", exact=True).check()
    rating.get_by_label("意见").fill("答复及时，问题已解决。")
    submit(phone, rating.get_by_role("button", name="提交评价"))
    assert message(phone) == "感谢您的评价，已记录。"

    # then the suggestion is closed, the rating is listed, and the history tells every step in words
    assert fact(phone, "状态") == "已办结"
    assert phone.locator("#deputy-panel li strong").all_inner_texts() == ["满意"]
    history = phone.locator("section", has=phone.get_by_role("heading", name="办理全过程"))
    steps = [STAMP.sub("", s).strip() for s in history.locator("li").all_inner_texts()]
    assert steps == [
        "撰写草稿 → 草稿",
        "提交 → 已提交",
        "立案 → 已立案",
        "交办 → 办理中",
        "签收",
        "登记面商情况",
        "添加文件",  # the signed letter, added with the reply
        "答复 → 已答复",
        "评价",
        "评价后办结 → 已办结",
    ]
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.screenshot(path=str(screenshots / "suggestion-loop-closed-phone.png"), full_page=True)
    phone.goto(base + "/")
    assert tile_count(phone, "待评价的答复") == waiting_before
    phone.context.close()

    # --- the office publishes a redacted copy; a publishing with a mobile left in it is refused -------
    office = new_page(DESKTOP)
    sign_in(office, base, "city_staff")
    office.goto(base + "/suggestions/office/?q=" + TITLE)
    with office.expect_navigation():
        office.get_by_role("link", name=TITLE).first.click()
    with office.expect_navigation():
        office.get_by_role("link", name="准备公开").click()
    form = office.locator("form.stacked", has=office.get_by_label("正文"))
    assert form.get_by_label("标题").input_value() == TITLE  # prefilled from the original
    form.get_by_label("正文").fill(BODY + "联系人电话13912345678。")
    submit(office, form.get_by_role("button", name="保存公开文本"))
    assert message(office) == "公开文本已保存。"
    submit(office, office.get_by_role("button", name="发布已保存的公开文本"))
    assert message(office).startswith("公开文本中仍有个人信息")
    form = office.locator("form.stacked", has=office.get_by_label("正文"))
    form.get_by_label("正文").fill(BODY)
    submit(office, form.get_by_role("button", name="保存公开文本"))
    submit(office, office.get_by_role("button", name="发布已保存的公开文本"))
    assert message(office) == "公开文本已发布。"
    office.context.close()

    # --- anyone, signed out, finds the published copy and its reply ---------------------------------
    public = new_page(PHONE, is_mobile=True, has_touch=True)
    public.goto(base + "/public/suggestions/?q=课后延时服务")
    with public.expect_navigation():
        public.get_by_role("link", name=TITLE).click()
    text = public.locator("main").inner_text()
    assert BODY in text and "13912345678" not in text
    assert public.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
