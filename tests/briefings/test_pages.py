"""The briefing pages on the demo city: a deputy's list (unread first) and opening one (the share read rises);
the office's list with the share read, a briefing's readers with their filter, the Excel exports read back;
drafting, publishing, withdrawing and reminding through the forms; denials between the sibling districts
(404), attachments only for those who may read the briefing, and bad input kept with a Chinese message."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from lvzhi.briefings.models import Briefing, Receipt
from lvzhi.briefings.selectors import with_counts
from lvzhi.core.models import Event, Notification
from lvzhi.org.models import Congress, DeputyGroup, User

from .conftest import PDF

pytestmark = pytest.mark.django_db

ECONOMY = "全市经济运行情况的通报"  # the city's, to every deputy; deputy_a and deputy_b have not read it
EAST_GOV = "关于东湖区民生实事项目推进情况的通报"
EAST_DRAFT = "关于东湖区监察委员会开展基层监督工作情况的通报"
EAST_WITHDRAWN = "关于东湖区部分小区停水检修安排的通报"
WEST_GOV = "关于西岭区乡村振兴重点项目进展情况的通报"


def client_of(username: str) -> Client:
    c = Client()
    c.force_login(User.objects.get(username=username))
    return c


def briefing(title: str) -> Briefing:
    return Briefing.objects.get(title__contains=title)


def counts(b: Briefing) -> tuple[int, int]:
    c = with_counts(Briefing.objects.filter(pk=b.pk)).get()
    return c.read_count, c.recipient_count


def detail(b: Briefing) -> str:
    return reverse("briefings:detail", args=[b.pk])


def read_xlsx(response) -> list[list]:
    from openpyxl import load_workbook

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


# --- the deputy -----------------------------------------------------------------------------------------
def test_a_deputy_opens_a_briefing_and_the_share_rises():
    b = briefing(ECONOMY)
    read, total = counts(b)
    assert 0.4 <= read / total <= 0.8, "the demo shows a share between 40 and 80 percent"
    deputy = client_of("deputy_a")
    page = deputy.get(reverse("briefings:list")).content.decode()
    # Unread first: the economy briefing (unread) comes before the supervisory one (read).
    assert page.index(ECONOMY) < page.index("整治群众身边不正之风")
    assert "未读" in page
    response = deputy.get(detail(b))
    assert response.status_code == 200 and "地区生产总值" in response.content.decode()
    assert counts(b) == (read + 1, total)
    receipt = Receipt.objects.get(briefing=b, person__account__username="deputy_a")
    first = receipt.read_at
    assert first is not None
    deputy.get(detail(b))  # again: nothing changes
    receipt.refresh_from_db()
    assert receipt.read_at == first and counts(b) == (read + 1, total)
    client_of("deputy_b").get(detail(b))
    assert counts(b) == (read + 2, total)
    # The office sees it rise too.
    office = client_of("city_staff").get(reverse("briefings:list")).content.decode()
    assert f"{read + 2} / {total}" in office


def test_a_deputy_never_opens_another_district_s_briefing_nor_its_file():
    east = briefing(EAST_GOV)
    west = briefing(WEST_GOV)
    deputy_b = client_of("deputy_b")
    assert deputy_b.get(detail(east)).status_code == 404
    assert EAST_GOV not in deputy_b.get(reverse("briefings:list")).content.decode()
    east_file = east.files.get()
    assert deputy_b.get(reverse("briefings:file_download", args=[east_file.pk])).status_code == 404
    deputy_a = client_of("deputy_a")
    assert deputy_a.get(detail(west)).status_code == 404
    response = deputy_a.get(reverse("briefings:file_download", args=[east_file.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")
    assert response["Cache-Control"] == "private, no-store"


def test_drafts_and_withdrawn_briefings_are_not_the_deputies():
    deputy = client_of("deputy_a")
    for title in (EAST_DRAFT, EAST_WITHDRAWN):
        b = briefing(title)
        assert deputy.get(detail(b)).status_code == 404
        assert title not in deputy.get(reverse("briefings:mine")).content.decode()
    withdrawn = briefing(EAST_WITHDRAWN)
    assert withdrawn.receipts.exists() and withdrawn.withdraw_reason


def test_the_deputy_list_filters_and_exports():
    deputy = client_of("deputy_a")
    unread = deputy.get(reverse("briefings:mine"), {"show": "unread"}).content.decode()
    assert ECONOMY in unread and "整治群众身边不正之风" not in unread
    rows = read_xlsx(deputy.get(reverse("briefings:mine"), {"format": "xlsx", "issuer": "supervisory"}))
    assert rows[1] == ["标题", "通报单位", "发布日期", "已读", "阅读时间"]
    assert [r[0] for r in rows[2:]] == ["关于全市整治群众身边不正之风和腐败问题工作情况的通报"]


# --- the office -----------------------------------------------------------------------------------------
def test_staff_see_their_own_briefings_only():
    staff_b = client_of("staff_b")
    east = briefing(EAST_GOV)
    assert staff_b.get(detail(east)).status_code == 404
    page = staff_b.get(reverse("briefings:list")).content.decode()
    assert WEST_GOV in page and EAST_GOV not in page
    for name in ("publish", "withdraw", "remind", "edit", "file_add"):
        assert staff_b.post(reverse(f"briefings:{name}", args=[east.pk])).status_code == 404
    assert staff_b.post(reverse("briefings:file_remove", args=[east.files.get().pk])).status_code == 404
    assert staff_b.get(reverse("briefings:file_download", args=[east.files.get().pk])).status_code == 404
    # The chair reads the district's briefings but does not act on them.
    chair = client_of("chair_a")
    assert chair.get(detail(east)).status_code == 200
    assert chair.post(reverse("briefings:remind", args=[east.pk])).status_code == 403


def test_the_office_list_shows_the_share_and_exports_it():
    staff = client_of("staff_a")
    page = staff.get(reverse("briefings:list"))
    assert page.status_code == 200
    body = page.content.decode()
    b = briefing(EAST_GOV)
    read, total = counts(b)
    assert f"{read} / {total}" in body and f"{read * 100 // total}%" in body
    assert EAST_DRAFT in body and "草稿" in body
    rows = read_xlsx(staff.get(reverse("briefings:list"), {"format": "xlsx", "state": "published"}))
    assert rows[1][:3] == ["标题", "通报单位", "通报单位名称"] and rows[1][-3:] == [
        "接收代表",
        "已读",
        "阅读率",
    ]
    row = next(r for r in rows[2:] if r[0] == EAST_GOV)
    assert row[-3:] == [total, read, f"{read * 100 // total}%"]
    assert all(r[4] == "已发布" for r in rows[2:])
    assert Event.objects.filter(kind="security.export", actor__username="staff_a").exists()


def test_the_readers_page_filters_and_exports():
    staff = client_of("staff_a")
    b = briefing(EAST_GOV)
    unread_names = set(
        Receipt.objects.filter(briefing=b, read_at__isnull=True).values_list("person__name", flat=True)
    )
    read_names = set(
        Receipt.objects.filter(briefing=b, read_at__isnull=False).values_list("person__name", flat=True)
    )
    only = next(iter(sorted(unread_names - read_names)))
    page = staff.get(detail(b), {"read": "no", "q": only}).content.decode()
    assert only in page and "阅读情况" in page
    rows = read_xlsx(staff.get(detail(b), {"format": "xlsx", "read": "no"}))
    assert rows[1] == ["姓名", "人大", "已读", "阅读时间"]
    assert {r[0] for r in rows[2:]} == unread_names and {r[2] for r in rows[2:]} == {"未读"}
    everyone = read_xlsx(staff.get(detail(b), {"format": "xlsx"}))
    assert len(everyone) - 2 == counts(b)[1]


def test_odd_query_values_never_fail():
    staff = client_of("staff_a")
    b = briefing(EAST_GOV)
    for params in (
        {"page": "²"},
        {"congress": "a\x00b"},
        {"read": "-1", "q": "a\x00b"},
        {"state": "9999-12-31"},
    ):
        assert staff.get(reverse("briefings:list"), params).status_code == 200
        assert staff.get(detail(b), params).status_code == 200
        assert client_of("deputy_a").get(reverse("briefings:mine"), params).status_code == 200
    assert staff.get(reverse("briefings:new"), {"congress": "²"}).status_code == 200


def test_the_office_drafts_publishes_reminds_and_withdraws(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    staff = client_of("staff_a")
    east = Congress.objects.get(name="东湖区人民代表大会")
    group = DeputyGroup.objects.get(congress=east, name="湖滨街道代表小组")
    form = {
        "congress": east.pk,
        "title": "",
        "issuer_kind": "procuratorate",
        "issuer_name": "",
        "body": "区检察院开展公益诉讼“回头看”。",
        "groups": [group.pk],
        "files": [SimpleUploadedFile("病毒.exe", b"MZ\x90\x00")],
    }
    response = staff.post(reverse("briefings:new"), form)
    assert response.status_code == 400
    body = response.content.decode()
    assert "区检察院开展公益诉讼“回头看”。" in body  # what was typed is kept
    assert "此项必填" in body
    form["title"] = "关于区检察院公益诉讼回头看情况的通报"
    form["files"] = [SimpleUploadedFile("病毒.exe", b"MZ\x90\x00")]
    response = staff.post(reverse("briefings:new"), form)
    assert response.status_code == 400
    assert "仅接受以下格式的文件" in response.content.decode()
    assert not Briefing.objects.filter(title=form["title"]).exists()
    form["files"] = [SimpleUploadedFile("回头看情况.pdf", PDF, content_type="application/pdf")]
    response = staff.post(reverse("briefings:new"), form)
    assert response.status_code == 302
    b = Briefing.objects.get(title=form["title"])
    assert b.state == "draft" and b.issuer_name == "东湖区人民检察院" and b.files.count() == 1
    page = staff.get(detail(b)).content.decode()
    assert "现在发布，将发送给" in page and "修改草稿" in page
    # A bad edit keeps the typing, with a Chinese message.
    edit = {"title": "", "issuer_kind": "procuratorate", "body": "改过的正文", "groups": [group.pk]}
    response = staff.post(reverse("briefings:edit", args=[b.pk]), edit)
    assert response.status_code == 400 and "改过的正文" in response.content.decode()
    response = staff.post(
        reverse("briefings:file_add", args=[b.pk]), {"file": SimpleUploadedFile("x.pdf", b"GIF89a")}
    )
    assert response.status_code == 400 and "文件内容不是 .pdf 格式" in response.content.decode()

    response = staff.post(reverse("briefings:publish", args=[b.pk]), follow=True)
    assert "已发布给" in response.content.decode()
    b.refresh_from_db()
    members = set(group.members.current().values_list("person_id", flat=True))
    assert b.state == "published" and set(b.receipts.values_list("person_id", flat=True)) == members
    leader = User.objects.get(username="leader_a")
    assert Notification.objects.filter(recipient=leader, cause=f"briefings:{b.pk}:published").exists()
    client_of("leader_a").get(detail(b))
    response = staff.post(reverse("briefings:remind", args=[b.pk]), follow=True)
    assert "已提醒" in response.content.decode()
    assert not Notification.objects.filter(recipient=leader, cause__contains=f"{b.pk}:reminder").exists()
    response = staff.post(reverse("briefings:remind", args=[b.pk]), follow=True)
    assert "今天已经提醒过" in response.content.decode()

    response = staff.post(reverse("briefings:withdraw", args=[b.pk]), {"reason": ""})
    assert response.status_code == 400
    response = staff.post(reverse("briefings:withdraw", args=[b.pk]), {"reason": "内容需更正"}, follow=True)
    assert "已撤回" in response.content.decode()
    b.refresh_from_db()
    assert b.state == "withdrawn"
    assert client_of("leader_a").get(detail(b)).status_code == 404
    kinds = set(
        Event.objects.filter(target_id=str(b.pk), kind__startswith="briefings.").values_list(
            "kind", flat=True
        )
    )
    assert kinds >= {
        "briefings.created",
        "briefings.published",
        "briefings.read",
        "briefings.reminded",
        "briefings.withdrawn",
    }


def test_only_the_office_and_deputies_open_the_list():
    assert client_of("station_a").get(reverse("briefings:list")).status_code == 403
    assert client_of("handler_a").get(reverse("briefings:new")).status_code == 403
    assert client_of("deputy_a").get(reverse("briefings:new")).status_code == 403


def test_the_lists_read_with_a_fixed_number_of_queries(django_assert_max_num_queries):
    staff, deputy = client_of("city_staff"), client_of("deputy_a")
    b = briefing(ECONOMY)
    deputy.get(reverse("briefings:mine"))  # warm the session and caches
    with django_assert_max_num_queries(20):
        assert staff.get(reverse("briefings:list")).status_code == 200
    with django_assert_max_num_queries(20):
        assert deputy.get(reverse("briefings:mine")).status_code == 200
    with django_assert_max_num_queries(30):
        assert staff.get(detail(b)).status_code == 200
