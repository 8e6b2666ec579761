"""12345 hotline import: staff upload the hotline's tickets (CSV or Excel); they join the opinions as from the
hotline, all or nothing, once each; the trends page shows what is rising, each count linking to its list."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from lvzhi.core.errors import ServiceError
from lvzhi.core.models import Event
from lvzhi.opinions import events, hotline
from lvzhi.opinions.models import Opinion, OpinionReply
from lvzhi.opinions.services.hotline import hotline_import
from lvzhi.opinions.workflow import State
from lvzhi.org.models import Congress
from tests.scope_markers import EAST, WEST, login, user

pytestmark = pytest.mark.django_db

HEADER = "工单编号,受理时间,问题分类,所属区县,事发地点,诉求内容,来电人,联系电话,办理状态,答复内容,答复时间,办结时间,是否紧急"


def _ago(days: int, hour: int = 0) -> str:
    day = timezone.localdate() - dt.timedelta(days=days)
    return f"{day:%Y-%m-%d} {hour:02d}:00"


def csv_file(*lines: str, encoding: str = "utf-8", name: str = "tickets.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\n".join([HEADER, *lines]) + "\n").encode(encoding), "text/csv")


def good_lines(prefix: str = "T") -> list[str]:
    return [
        f"{prefix}001,{_ago(3)},城市管理-路灯,东湖区,湖滨路,路灯坏了请修,李女士,13911112222,已受理,,,,否",
        f"{prefix}002,{_ago(10)},物业管理,西岭区,岭南小区,物业不管楼道杂物,王先生,0531-88886666,已办结,"
        f"已督促物业清理,{_ago(9)},{_ago(8)},是",
        f"{prefix}003,{_ago(5)},奇怪的分类,,,噪音扰民晚上睡不着,,,已答复,已转交城管处理,{_ago(4)},,",
    ]


@pytest.fixture
def city_staff():
    return user("city_staff")


@pytest.fixture
def city(city_staff):
    return Congress.objects.get(name="示范市人民代表大会")


def test_city_staff_import_a_csv_into_the_districts_it_names(city_staff, city):
    before = Event.objects.count()
    report = hotline_import(actor=city_staff, congress=city, file=csv_file(*good_lines("A")))
    assert report.saved and report.counts["imported"] == 3 and report.counts["rejected"] == 0
    rows = {o.external_ref: o for o in Opinion.objects.filter(external_ref__startswith="A00")}
    assert {o.source for o in rows.values()} == {Opinion.Source.HOTLINE}
    assert rows["A001"].congress.name == EAST and rows["A002"].congress.name == WEST
    assert rows["A003"].congress == city  # no district: the importing congress
    # The hotline's words mapped to the platform's categories; unknown words are "other", with a note.
    assert (rows["A001"].category, rows["A002"].category, rows["A003"].category) == (
        "city",
        "housing",
        "other",
    )
    assert any("奇怪的分类" in n for n in report.rows[2].notes)
    # States and clocks: a new ticket waits to be acknowledged; a finished one keeps the hotline's answer.
    assert rows["A001"].state == State.NEW and rows["A001"].ack_due_on is not None
    assert rows["A002"].state == State.SOLVED and rows["A002"].finished_at is not None and rows["A002"].urgent
    assert rows["A002"].phone == "053188886666" and rows["A002"].citizen_name == "王先生"
    assert rows["A003"].state == State.REPLIED and rows["A003"].answered_at is not None
    reply = OpinionReply.objects.get(opinion=rows["A002"])
    assert reply.signed_as == "12345热线" and reply.body == "已督促物业清理"
    # One event with the counts, and nothing personal in it.
    new_events = list(Event.objects.order_by("pk")[before:])
    imported = [e for e in new_events if e.kind == events.HOTLINE_IMPORTED]
    assert len(imported) == 1 and imported[0].payload["imported"] == 3
    dumped = str([(e.payload, e.note) for e in new_events])
    for personal in ("李女士", "王先生", "13911112222", "88886666", "路灯坏了"):
        assert personal not in dumped


def test_the_same_ticket_imported_again_is_skipped_not_duplicated(city_staff, city):
    hotline_import(actor=city_staff, congress=city, file=csv_file(*good_lines("B")))
    again = hotline_import(
        actor=city_staff,
        congress=city,
        file=csv_file(*good_lines("B"), f"B004,{_ago(1)},交通,,,公交车太挤了"),
    )
    assert again.saved and again.counts["imported"] == 1 and again.counts["skipped"] == 3
    assert Opinion.objects.filter(source=Opinion.Source.HOTLINE, external_ref__startswith="B00").count() == 4


def test_a_gbk_csv_with_a_title_line_and_tabs_is_read():
    staff = user("staff_a")
    east = Congress.objects.get(name=EAST)
    text = (
        "东湖区12345工单导出\n"
        + HEADER.replace(",", "\t")
        + "\n"
        + f"G001\t{_ago(2)}\t交通出行\t\t东湖路\t东湖路口红绿灯时间太短\n"
    )
    upload = SimpleUploadedFile("export.csv", text.encode("gb18030"), "text/csv")
    report = hotline_import(actor=staff, congress=east, file=upload)
    assert report.saved
    o = Opinion.objects.get(source=Opinion.Source.HOTLINE, external_ref="G001")
    assert (o.category, o.place, o.congress) == ("traffic", "东湖路", east)


def test_an_excel_file_with_date_cells_is_read(city_staff, city):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEADER.split(","))
    received = dt.datetime.combine(timezone.localdate() - dt.timedelta(days=2), dt.time(9, 30))
    ws.append(
        [
            "X001",
            received,
            "教育",
            "东湖区",
            "东湖小学",
            "学校门口拥堵",
            "",
            "13922223333",
            "",
            "",
            None,
            None,
            "",
        ]
    )
    out = io.BytesIO()
    wb.save(out)
    upload = SimpleUploadedFile("tickets.xlsx", out.getvalue())
    report = hotline_import(actor=city_staff, congress=city, file=upload)
    assert report.saved
    o = Opinion.objects.get(source=Opinion.Source.HOTLINE, external_ref="X001")
    assert timezone.localtime(o.created_at).replace(tzinfo=None) == received and o.category == "education"


def test_any_bad_row_refuses_the_whole_file_and_names_each_row(city_staff, city):
    lines = [
        *good_lines("C"),
        f",{_ago(1)},交通,,,没有工单号",  # row 5
        "C005,昨天,交通,,,时间写错了",  # row 6
        f"C006,{_ago(-3)},交通,,,未来的时间",  # row 7
        f"C007,{_ago(1)},交通,火星区,,没有这个区",  # row 8
        f"C008,{_ago(1)},交通,,,电话写错,,12345,",  # row 9
        f"C009,{_ago(1)},交通,,,状态不对,,,处理完了",  # row 10
        f"C001,{_ago(1)},交通,,,重复的工单号",  # row 11
        f"C010,{_ago(1)},交通,,,答复了却没写答复,,,已答复",  # row 12
    ]
    before = Event.objects.count()
    report = hotline_import(actor=city_staff, congress=city, file=csv_file(*lines))
    assert not report.saved
    assert [r.number for r in report.rejected] == [5, 6, 7, 8, 9, 10, 11, 12]
    assert not Opinion.objects.filter(external_ref__startswith="C0").exists()
    assert Event.objects.count() == before


def test_the_page_shows_the_bad_rows_in_chinese_and_imports_nothing(city_staff, city):
    client = login(city_staff)
    url = reverse("opinion_hotline:import")
    lines = [*good_lines("D"), f"D004,{_ago(1)},交通,火星区,,没有这个区", "D005,昨天,交通,,,时间写错了"]
    response = client.post(url, {"congress": city.pk, "file": csv_file(*lines)})
    assert response.status_code == 200
    body = response.content.decode()
    assert "“火星区”" in body and "不是" in body  # the district row, in Chinese
    assert "受理时间" in body and "“昨天”" in body
    assert f'name="congress" value="{city.pk}"' in body  # the choice is kept
    assert not Opinion.objects.filter(external_ref__startswith="D00").exists()
    # A correct file then goes through, and the result page counts it.
    response = client.post(url, {"congress": city.pk, "file": csv_file(*good_lines("D"))})
    assert response.status_code == 200 and "12345" in response.content.decode()
    assert Opinion.objects.filter(external_ref__startswith="D00").count() == 3


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("t.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 64, ".xlsx"),
        ("t.pdf", b"%PDF-1.4", "CSV"),
        ("t.csv", b"", ""),
        ("t.csv", "编号,姓名\n1,张三\n".encode(), "工单编号"),
    ],
)
def test_a_file_that_is_not_a_ticket_list_is_refused_on_the_file_field(city_staff, city, name, data, words):
    client = login(city_staff)
    response = client.post(
        reverse("opinion_hotline:import"), {"congress": city.pk, "file": SimpleUploadedFile(name, data)}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="errorlist"' in body and words in body


def test_a_district_s_staff_cannot_put_tickets_into_a_sibling_district():
    staff = user("staff_a")
    east = Congress.objects.get(name=EAST)
    report = hotline_import(
        actor=staff, congress=east, file=csv_file(f"E001,{_ago(1)},交通,西岭区,,西岭区的工单")
    )
    assert not report.saved and report.rejected
    west = Congress.objects.get(name=WEST)
    with pytest.raises(ServiceError) as exc:
        hotline_import(actor=staff, congress=west, file=csv_file(f"E002,{_ago(1)},交通,,,工单"))
    assert exc.value.code == "not_permitted"
    assert not Opinion.objects.filter(external_ref__in=["E001", "E002"]).exists()


@pytest.mark.parametrize("username", ["chair_a", "deputy_a", "station_a", "handler_a"])
def test_only_staff_may_import(username):
    client = login(user(username))
    assert client.get(reverse("opinion_hotline:import")).status_code == 403
    assert client.get(reverse("opinion_hotline:template")).status_code == 403


def test_the_template_carries_every_column(city_staff):
    from openpyxl import load_workbook

    response = login(city_staff).get(reverse("opinion_hotline:template"))
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    headers = [str(c.value).rstrip(" *") for c in ws[1]]
    assert headers == [c.header for c in hotline.COLUMNS]
    # The template's own example row imports.
    rows = hotline.check_rows(
        hotline.read_rows(SimpleUploadedFile("t.xlsx", response.content)),
        congress=Congress.objects.get(name="示范市人民代表大会"),
    )
    assert rows and all(r.ok for r in rows), [r.errors for r in rows]


def test_the_trends_show_a_rising_category_and_each_count_links_to_its_list():
    staff = user("staff_a")
    east = Congress.objects.get(name=EAST)
    lines = [f"R{i:03d},{_ago(i % 3)},医疗卫生,,,看病难排队久" for i in range(6)]  # six this week
    lines += [f"R1{i:02d},{_ago(8 + 7 * (i % 4))},医疗卫生,,,看病难" for i in range(4)]  # one a week before
    hotline_import(actor=staff, congress=east, file=csv_file(*lines))
    client = login(staff)
    response = client.get(reverse("opinion_hotline:trends"))
    assert response.status_code == 200
    health = next(r for r in response.context["tables"]["category"] if r.key == "health")
    assert health.this_week >= 6 and health.rising
    assert "↑" in response.content.decode()
    listed = client.get(health.urls[-1])
    assert listed.status_code == 200
    assert listed.context["page"].paginator.count == health.this_week


def test_the_trends_of_a_district_hold_nothing_of_its_sibling():
    hotline_import(
        actor=user("staff_b"),
        congress=Congress.objects.get(name=WEST),
        file=csv_file(f"W001,{_ago(1)},交通,,西岭独有的地点,西岭区的工单"),
    )
    body = login(user("staff_a")).get(reverse("opinion_hotline:trends")).content.decode()
    assert "西岭独有的地点" not in body


def test_the_demo_city_has_hotline_tickets_with_a_rising_category():
    tickets = Opinion.objects.filter(source=Opinion.Source.HOTLINE, external_ref__startswith="12345-DEMO-")
    assert 30 <= tickets.count() <= 60
    response = login(user("city_staff")).get(reverse("opinion_hotline:trends"))
    rising = [r.key for r in response.context["tables"]["category"] if r.rising]
    assert rising == ["housing"]
