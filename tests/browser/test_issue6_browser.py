"""Issue 6's "done" in a real browser, in the demo city (示范市), through the pages and in their Chinese words.

staff_a (东湖区's deputy-affairs office) schedules 湖滨街道人大代表联络站's voter-contact month from its rules
(the preview's dates are the month's days afterwards), records the reception day the demo left waiting (who
came, how many citizens, an opinion typed in on the spot; the deputy's archive counts one more reception),
plans a standing-committee meeting whose agenda is about 财政经济, invites from the proposal (its reasons in
words: 基层代表, 本届尚未列席常委会会议, the field that matches) and sends; leader_a, one of the invited, finds
the invitation waiting and accepts it. Last, staff_a publishes a briefing to the station and a deputy group:
the list reads 0/N, and the share read rises to 1/N and 2/N as deputy_a and leader_a open it.

Each account browses in its own browser context. Headless Debian chromium through Playwright (see conftest.py).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from lvzhi.org.models import Mandate
from lvzhi.stations.schedule import shift_month

from .conftest import DESKTOP
from .test_suggestion_loop_browser import message, sign_in, submit, tile_count

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STATION = "湖滨街道人大代表联络站"
GROUP = "湖滨街道代表小组"
MEETING = "东湖区人大常委会第29次会议"
AGENDA = "审议关于东湖区本年度财政预算执行情况的报告"
BRIEFING = "关于东湖区2026年前三季度财政收支情况的通报"


def nav(page, label: str) -> None:
    with page.expect_navigation():
        page.locator("nav.mainnav").get_by_role("link", name=label, exact=True).click()


def follow(page, link) -> None:
    with page.expect_navigation():
        link.click()


def fact(page, term: str) -> str:
    return page.locator(f"dl.facts dt:text-is('{term}') + dd").first.inner_text().strip()


def receptions_this_term(page, base: str, mandate_pk: int) -> int:
    """The "本届" count of 接待群众 in a deputy's performance archive (0 while the row is absent)."""
    page.goto(f"{base}/performance/archive/{mandate_pk}/")
    section = page.locator("section", has=page.get_by_role("heading", name="各类已确认履职活动"))
    row = section.locator("tbody tr", has=page.locator("td:text-is('接待群众')"))
    if row.count() == 0:
        return 0
    return int(row.locator("td").nth(2).inner_text().strip())


def share_in_list(page, title: str) -> str:
    row = page.locator("table tbody tr", has=page.get_by_role("link", name=title, exact=True))
    assert row.count() == 1
    return row.locator("td").last.inner_text().strip()


def test_staff_schedule_record_invite_and_brief_in_the_demo(new_page, live_server, screenshots):
    base = live_server.url
    today = timezone.localdate()
    deputy_a_east = Mandate.objects.get(
        person__account__username="deputy_a", congress__name="东湖区人民代表大会"
    )

    office = new_page(DESKTOP)
    sign_in(office, base, "staff_a")

    # --- 1. a month of reception days from the station's rules ---------------------------------------------
    # The demo has scheduled last month, this month and next; the second voter-contact month of "2+12+365"
    # (every Saturday, besides the fixed 15th) is still to schedule.
    year, month = shift_month(today.year, today.month, 7)
    month_text = f"{year:04d}-{month:02d}"
    month_words = f"{year}年{month}月"
    nav(office, "接待日")
    follow(office, office.get_by_role("link", name="安排月度接待日"))
    assert office.locator("h1").inner_text() == "安排月度接待日"
    station_option = office.locator("select[name=station] option", has_text=STATION)
    office.get_by_label("联络站").select_option(station_option.get_attribute("value"))
    office.get_by_label("月份").fill(month_text)
    submit(office, office.get_by_role("button", name="显示日期"))
    assert office.locator("h2").first.inner_text().startswith(f"{STATION} · {month_words}")
    preview = office.locator("table.plan input[name^=date_]")
    dates = sorted(preview.nth(i).input_value() for i in range(preview.count()))
    assert len(dates) >= 4, dates  # the 15th and the month's Saturdays
    assert all(d.startswith(month_text) for d in dates)
    themes = office.locator("table.plan input[name^=theme_]")
    assert "代表集中联系选民月" in [themes.nth(i).input_value() for i in range(themes.count())]
    office.screenshot(path=str(screenshots / "issue6-1-schedule-preview.png"), full_page=True)
    submit(office, office.get_by_role("button", name="确认以上接待日"))
    assert message(office) == f"已安排 {len(dates)} 个接待日，0 个记为取消。"
    assert office.locator("h1").inner_text() == f"{STATION} · 接待日 {month_words}"
    heading = office.locator("h2", has_text="本月接待日")
    assert heading.locator("span").inner_text().strip() == str(len(dates))
    listed = office.locator("table.responsive tbody tr")
    assert sorted(listed.nth(i).locator("td").first.inner_text()[:10] for i in range(listed.count())) == dates
    assert "已安排" in office.locator("table.responsive").inner_text()
    assert office.locator("p.warnbox").count() == 0  # no date of the rules left unconfirmed
    office.screenshot(path=str(screenshots / "issue6-1-station-month.png"), full_page=True)

    # --- 2. record the reception day the demo left waiting, with an opinion taken on the spot -------------
    receptions_before = receptions_this_term(office, base, deputy_a_east.pk)
    nav(office, "接待日")
    search = office.locator("form[role=search]")
    search.locator("select[name=period]").select_option("past")
    search.locator("select[name=status]").select_option("planned")
    search.locator("select[name=station]").select_option(station_option.get_attribute("value"))
    submit(office, search.locator("button[type=submit]"))
    waiting = office.locator("table tbody tr")
    assert waiting.count() >= 1 and "已安排" in waiting.first.inner_text()
    day_date = waiting.first.locator("td").first.get_by_role("link").inner_text()
    assert day_date < today.isoformat()
    follow(office, waiting.first.locator("td").first.get_by_role("link"))
    assert office.locator("h1").inner_text().startswith(f"接待日 {day_date}")
    assert "已安排" in office.locator("h1").inner_text()
    follow(office, office.get_by_role("link", name="登记接待情况"))
    office.get_by_label("刘军正").check()  # deputy_a came
    office.get_by_label("接待群众人数").fill("14")
    office.get_by_label("群众反映的主要问题").fill(
        "居民反映湖滨路公交站台无遮阳棚，雨天候车不便；询问社区食堂收费标准。"
    )
    office.get_by_label("后续跟进").fill("站台问题转区交通局研究，下次接待日反馈。")
    submit(office, office.get_by_role("button", name="保存记录"))
    assert message(office) == "接待日情况已登记，到场代表各计入一次“接待群众”。"
    assert "已举行" in office.locator("h1").inner_text()
    assert fact(office, "接待群众人数") == "14"
    assert "湖滨路公交站台" in fact(office, "群众反映的主要问题")
    came = office.locator("table tbody tr", has_text="刘军正")
    assert "到场" in came.inner_text()

    follow(office, office.get_by_role("link", name="录入群众意见"))
    addressed = office.get_by_label("反映给哪位代表")
    addressed.select_option(addressed.locator("option", has_text="刘军正").get_attribute("value"))
    # The entry form labels both the kind and the category "类别": chosen here by their field names.
    office.locator("select[name=kind]").select_option("opinion")
    office.locator("select[name=category]").select_option(label="交通出行")
    office.get_by_label("内容", exact=True).fill(
        "湖滨路公交站台没有遮阳挡雨棚，老人雨天候车很不方便，希望尽快加装。"
    )
    office.get_by_label("地点", exact=True).fill("湖滨路公交站")
    office.get_by_label("群众同意为办理本意见使用所留的个人信息").check()
    submit(office, office.get_by_role("button", name="保存意见"))
    saved = re.fullmatch(r"意见(\S+)已保存", office.locator("h1").inner_text().strip())
    assert saved, office.locator("h1").inner_text()
    number = saved.group(1)
    follow(office, office.get_by_role("link", name="返回接待日"))
    opinions = office.locator("h2", has_text="当天收集的群众意见")
    assert int(opinions.locator("span").inner_text()) >= 1
    assert office.get_by_role("link", name=number, exact=True).is_visible()
    office.screenshot(path=str(screenshots / "issue6-2-day-recorded.png"), full_page=True)
    # deputy_a's archive counts the day as receiving citizens
    assert receptions_this_term(office, base, deputy_a_east.pk) == receptions_before + 1

    # --- 3. a standing-committee meeting, invitations from the proposal ------------------------------------
    nav(office, "邀请参加活动")
    follow(office, office.get_by_role("link", name="安排邀请活动"))
    assert "东湖区人民代表大会" in office.locator("main").inner_text()
    office.get_by_label("邀请代表参加").select_option(label="常委会会议")
    office.get_by_label("邀请单位").select_option(label="东湖区人民代表大会常务委员会")
    office.get_by_label("标题").fill(MEETING)
    office.get_by_label("开始日期").fill((today + dt.timedelta(days=14)).isoformat())
    office.get_by_label(re.compile(r"^地点( \*)?$")).fill("区人大常委会第一会议室")
    office.get_by_label("拟邀请代表人数").fill("8")
    submit(office, office.get_by_role("button", name="保存安排"))
    assert message(office) == "已安排。请添加议程，再从推荐名单邀请代表。"
    assert office.locator("h1").inner_text().startswith(MEETING)
    office.locator("summary", has_text="添加议程").click()
    office.get_by_label(re.compile(r"^议程( \*)?$")).fill(AGENDA)
    office.get_by_label("报告单位").fill("区财政局")
    office.get_by_label("财政经济", exact=True).check()
    submit(office, office.get_by_role("button", name="添加", exact=True))
    assert message(office) == "已添加议程。"
    agenda = office.locator("section", has=office.get_by_role("heading", name="议程", exact=True))
    assert AGENDA in agenda.inner_text() and "财政经济" in agenda.inner_text()

    follow(office, office.get_by_role("link", name="邀请代表（推荐名单）"))
    assert office.locator("h1").inner_text() == "邀请代表：推荐名单"
    rows = office.locator("table tbody tr")
    first_reasons = rows.first.locator("ul.reasons li").all_inner_texts()
    assert first_reasons == ["基层代表", "本届尚未列席常委会会议", "专业领域与议题相符：财政经济"]
    # the eight best placed are ticked; leader_a (王兰月, grassroots, 财政经济) is among them
    assert office.locator("input[name=mandate]:checked").count() == 8
    leader = rows.filter(has=office.locator("label", has_text="王兰月"))
    assert leader.locator("ul.reasons li").all_inner_texts() == first_reasons
    leader.locator("input[name=mandate]").check()
    ticked = office.locator("input[name=mandate]:checked").count()
    office.screenshot(path=str(screenshots / "issue6-3-proposal.png"), full_page=True)
    submit(office, office.get_by_role("button", name="列入名单并发出邀请"))
    assert message(office) == f"已邀请{ticked}名代表，代表将在平台上回复。"
    invited = office.locator("table tbody tr", has_text="王兰月")
    assert "已邀请待回复" in invited.inner_text()
    assert "基层代表；本届尚未列席常委会会议；专业领域与议题相符：财政经济" in invited.inner_text()

    deputy = new_page(DESKTOP)
    sign_in(deputy, base, "leader_a")
    assert tile_count(deputy, "待我答复的邀请") >= 1
    follow(deputy, deputy.locator("a.tile", has_text="待我答复的邀请"))
    assert deputy.locator("h1").inner_text() == "我的邀请"
    follow(deputy, deputy.get_by_role("link", name=MEETING))
    assert deputy.locator("h1").inner_text().startswith("您收到的邀请")
    assert "已邀请待回复" in deputy.locator("h1").inner_text()
    assert AGENDA in deputy.locator("main").inner_text()
    submit(deputy, deputy.get_by_role("button", name="我将参加"))
    assert message(deputy) == "谢谢！工作机构期待您的参加。"
    assert "已接受" in deputy.locator("h1").inner_text()
    deputy.screenshot(path=str(screenshots / "issue6-3-invitation-accepted.png"), full_page=True)
    office.reload()
    assert "已接受" in office.locator("table tbody tr", has_text="王兰月").inner_text()

    # --- 4. a briefing to a station and a group; its share read rises as deputies open it -----------------
    nav(office, "情况通报")
    follow(office, office.get_by_role("link", name="新建情况通报"))
    office.get_by_label("标题").fill(BRIEFING)
    office.get_by_label(re.compile(r"^通报单位( \*)?$")).select_option(label="人民政府")
    office.get_by_label("正文").fill(
        "前三季度，全区一般公共预算收入完成年度预算的76%，民生支出占比保持在八成以上。"
    )
    # the form offers the whole district ticked; this one goes to one station and one group only
    assert office.get_by_label("东湖区人民代表大会", exact=True).is_checked()
    office.get_by_label("东湖区人民代表大会", exact=True).uncheck()
    office.get_by_label(f"{STATION}（东湖区人大）", exact=True).check()
    office.get_by_label(f"{GROUP}（东湖区人大）", exact=True).check()
    submit(office, office.get_by_role("button", name="保存草稿"))
    assert message(office) == "草稿已保存。请核对后发布给接收代表。"
    reach = re.search(r"现在发布，将发送给 (\d+) 位在任代表。", office.locator("main").inner_text())
    assert reach, office.locator("main").inner_text()
    n = int(reach.group(1))
    assert 2 <= n <= 11 + 25  # the station's 11 deputies and the group's 25 members, each person once
    submit(office, office.get_by_role("button", name="发布给接收代表"))
    assert message(office) == f"已发布给 {n} 位代表，代表可在消息和情况通报中查看。"
    nav(office, "情况通报")
    assert share_in_list(office, BRIEFING).startswith(f"0 / {n}")

    for username, read in (("deputy_a", 1), ("leader_a", 2)):
        reader = deputy if username == "leader_a" else new_page(DESKTOP)
        if username == "leader_a":
            reader.goto(base + "/")
        else:
            sign_in(reader, base, username)
        assert tile_count(reader, "未读的情况通报") >= 1
        follow(reader, reader.locator("a.tile", has_text="未读的情况通报"))
        assert reader.locator("h1").inner_text() == "我的情况通报"
        follow(reader, reader.get_by_role("link", name=BRIEFING))
        assert reader.locator("h1").inner_text() == BRIEFING
        assert "民生支出" in reader.locator("main").inner_text()
        office.reload()
        assert share_in_list(office, BRIEFING).startswith(f"{read} / {n}")
    office.screenshot(path=str(screenshots / "issue6-4-briefing-share.png"), full_page=True)
    follow(office, office.get_by_role("link", name=BRIEFING, exact=True))
    shown = office.locator("section", has=office.get_by_role("heading", name="阅读率")).inner_text()
    assert f"2 / {n}" in shown
