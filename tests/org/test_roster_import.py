"""Importing rosters from Excel: deputies with mandates, units with handlers, and a new term (换届).

All or nothing: a file with a bad row saves nothing and the report names each bad row and why.
"""

import datetime as dt
import io
import zipfile
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from lvzhi.core.errors import ServiceError
from lvzhi.core.models import Event
from lvzhi.org import roster
from lvzhi.org.models import Congress, Mandate, Person, RoleAssignment, Term, Unit, User
from lvzhi.org.roles import Role
from lvzhi.org.services.accounts import account_reactivate
from lvzhi.org.services.roster import roster_import_deputies, roster_import_units, term_change_import
from lvzhi.stations.models import StationDeputy
from tests.factories import (
    CongressFactory,
    ElectoralUnitFactory,
    MandateFactory,
    PersonFactory,
    StationFactory,
    TermFactory,
    UnitFactory,
    UserFactory,
    grant,
)

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2025, 6, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
DEPUTY_HEADERS = [
    "姓名",
    "性别",
    "出生日期",
    "民族",
    "政治面貌",
    "工作单位及职务",
    "手机号码",
    "选区/选举单位",
    "当选日期",
    "基层代表",
    "专业领域",
    "所属联络站",
]
UNIT_HEADERS = ["单位全称", "单位简称", "单位类别", "经办人姓名", "经办人手机号码", "经办人用户名"]


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(TODAY)


@pytest.fixture(autouse=True)
def _english():
    # The reasons are read in English here; the pages show them in the user's language.
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # previewed uploads wait here until confirmed


def xlsx(rows, headers=DEPUTY_HEADERS, *, title=None, name="名册.xlsx"):
    wb = openpyxl.Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    ws.append(headers)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def deputy(
    name, mobile, unit="第一选区", *, birth="1975-03-08", elected="", grassroots="否", fields="", station=""
):
    return [
        name,
        "男",
        birth,
        "汉族",
        "群众",
        "示范公司职员",
        mobile,
        unit,
        elected,
        grassroots,
        fields,
        station,
    ]


@pytest.fixture
def world():
    city = CongressFactory(level=Congress.Level.CITY, name="测试市人民代表大会")
    east = CongressFactory(parent=city, name="东测区人民代表大会")
    west = CongressFactory(parent=city, name="西测区人民代表大会")
    town = CongressFactory(parent=east, level=Congress.Level.TOWNSHIP)
    term = TermFactory(
        congress=east, number=17, start_date=dt.date(2022, 1, 1), end_date=dt.date(2026, 12, 31)
    )
    city_term = TermFactory(
        congress=city, number=5, start_date=dt.date(2022, 2, 1), end_date=dt.date(2027, 1, 31)
    )
    ElectoralUnitFactory(congress=east, name="第一选区")
    ElectoralUnitFactory(congress=east, name="第二选区")
    station = StationFactory(congress=town, name="东测街道代表联络站")
    StationFactory(congress=west, name="西测代表之家")
    staff = UserFactory(username="east_staff")
    grant(staff, Role.STAFF, east)
    west_staff = UserFactory(username="west_staff")
    grant(west_staff, Role.STAFF, west)
    return {
        "city": city,
        "east": east,
        "west": west,
        "term": term,
        "city_term": city_term,
        "station": station,
        "staff": staff,
        "west_staff": west_staff,
    }


def import_deputies(world, rows, *, dry_run=False, actor=None, **kw):
    return roster_import_deputies(
        actor=actor or world["staff"],
        congress=world["east"],
        term=world["term"],
        file=xlsx(rows, **kw),
        dry_run=dry_run,
    )


# --- deputies -----------------------------------------------------------------------------------


def test_a_good_file_imports_every_deputy_and_a_city_deputy_gets_a_second_mandate(world):
    # Given a person of the district, already a city deputy, who has an account
    wang = PersonFactory(name="王芳", mobile="19700000001", congress=world["east"])
    MandateFactory(person=wang, congress=world["city"], term=world["city_term"])
    wang_account = UserFactory(username="wangfang", mobile="19700000001", person=wang, congress=world["east"])
    rows = [
        deputy("王芳", "19700000001"),
        deputy(
            "李  明",  # padded for alignment, as rosters do
            19700000002,  # typed as a number
            "第二选区",
            birth=dt.datetime(1980, 5, 1),  # an Excel date cell
            elected="2022/3/5",
            grassroots="是",
            fields="教育科技、卫生健康与医保",
            station="东测街道代表联络站",
        ),
        deputy("赵敏", "197-0000-0003", birth="1969年7月"),
    ]
    # When the district's staff imports the roster (with a title line above the headers)
    report = import_deputies(world, rows, title="东测区第十七届人大代表名册")

    # Then every row is saved
    assert report.saved and not report.rejected
    assert report.counts["mandates_created"] == 3
    # the city deputy keeps one person record and now holds two mandates, one per level
    assert Person.objects.filter(name="王芳", mobile="19700000001").count() == 1
    assert set(Mandate.objects.filter(person=wang).values_list("congress_id", flat=True)) == {
        world["city"].pk,
        world["east"].pk,
    }
    assert User.objects.filter(person=wang).get() == wang_account
    # the new deputy has a mandate with its details, a station place and an account to sign in with
    li = Mandate.objects.get(person__name="李明", term=world["term"])
    assert li.person.mobile == "19700000002"
    assert li.person.birth_date == dt.date(1980, 5, 1)
    assert li.start_date == dt.date(2022, 3, 5)
    assert li.is_grassroots and li.fields == ["education", "health"]
    assert li.electoral_unit.name == "第二选区"
    assert StationDeputy.objects.filter(mandate=li, station=world["station"]).exists()
    account = User.objects.get(person=li.person)
    assert account.username == "19700000002" and account.mobile == "19700000002"
    assert account.must_change_password and account.is_active
    zhao = Mandate.objects.get(person__name="赵敏", term=world["term"])
    assert zhao.start_date == world["term"].start_date  # no date elected: the term's first day
    assert zhao.person.birth_date == dt.date(1969, 7, 1)
    # and the two new accounts' initial passwords are handed back once
    assert sorted(c.username for c in report.credentials) == ["19700000002", "19700000003"]
    assert all(User.objects.get(username=c.username).check_password(c.password) for c in report.credentials)


def test_a_dry_run_reports_what_would_happen_and_saves_nothing(world):
    report = import_deputies(world, [deputy("钱一", "19700000011")], dry_run=True)
    assert report.ok and not report.saved
    assert report.counts["people_new"] == 1 and report.counts["accounts_new"] == 1
    assert any("19700000011" in note for note in report.rows[0].notes)
    assert not Person.objects.filter(mobile="19700000011").exists()
    assert not Event.objects.filter(kind="roster.imported", congress=world["east"]).exists()


def test_a_file_with_two_bad_rows_saves_nothing_and_names_those_rows_and_reasons(world):
    rows = [
        deputy("孙一", "19700000021"),
        deputy("孙二", "1970000"),  # row 3: not a mobile number
        deputy("孙三", "19700000023", "第九选区"),  # row 4: no such electoral unit
        deputy("孙四", "19700000024"),
    ]
    report = import_deputies(world, rows)

    assert not report.saved
    assert [r.number for r in report.rejected] == [3, 4]
    assert any("1970000" in e and "11" in e for e in report.rejected[0].errors)
    assert any("第九选区" in e for e in report.rejected[1].errors)
    assert not Person.objects.filter(mobile__in=["19700000021", "19700000023", "19700000024"]).exists()
    assert not Mandate.objects.filter(term=world["term"]).exists()
    assert not Event.objects.filter(kind="roster.imported", congress=world["east"]).exists()


def test_a_failure_while_saving_leaves_nothing_half_imported(world, monkeypatch):
    # Given another writer that took one of the mobile numbers between the check and the save
    from django.db import IntegrityError

    def clash(*args, **kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(StationDeputy.objects, "bulk_create", clash)
    rows = [deputy("柏一", "19700000025"), deputy("柏二", "19700000026", station="东测街道代表联络站")]
    with pytest.raises(ServiceError) as refused:
        import_deputies(world, rows)
    assert refused.value.code == "conflict"
    # people and mandates written before the failure are rolled back with it
    assert not Person.objects.filter(mobile__in=["19700000025", "19700000026"]).exists()
    assert not Mandate.objects.filter(term=world["term"]).exists()


def test_each_kind_of_bad_row_is_reported(world):
    # Given a deputy already holding a mandate in this term
    held = MandateFactory(
        person=PersonFactory(name="周已在", mobile="19700000031", congress=world["east"]),
        congress=world["east"],
        term=world["term"],
    )
    rows = [
        deputy("周已在", "19700000031"),  # 2: already a deputy in this term
        deputy("吴甲", "19700000032"),  # 3
        deputy("吴乙", "19700000032"),  # 4: the same mobile as row 3
        deputy("", "19700000034"),  # 5: no name
        deputy("郑丙", "19700000035", birth="1975-13-45"),  # 6: no such date
        deputy("郑丁", "19700000036", station="没有这个站"),  # 7: unknown station
        deputy("郑戊", "19700000037", station="西测代表之家"),  # 8: a sibling district's station
        deputy("郑己", "19700000038", elected="2030-01-01"),  # 9: outside the term
        deputy("郑庚", "19700000039", fields="航天"),  # 10: unknown field
        deputy("郑辛", "19700000040", grassroots="也许"),  # 11: not 是/否
    ]
    report = import_deputies(world, rows)

    by_row = {r.number: " ".join(r.errors) for r in report.rejected}
    assert set(by_row) == {2, 4, 5, 6, 7, 8, 9, 10, 11}
    assert "this term" in by_row[2]
    assert "row 3" in by_row[4]
    assert "姓名" in by_row[5]
    assert "1975-13-45" in by_row[6]
    assert "没有这个站" in by_row[7] and "西测代表之家" in by_row[8]
    assert "2030-01-01" in by_row[9]
    assert "航天" in by_row[10]
    assert "也许" in by_row[11]
    assert Mandate.objects.filter(term=world["term"]).get() == held


def test_a_mobile_of_another_person_or_account_is_rejected(world):
    PersonFactory(name="冯某", mobile="19700000041", congress=world["east"])
    UserFactory(username="someone", mobile="19700000042", full_name="陈某", congress=world["east"])
    report = import_deputies(world, [deputy("冯别人", "19700000041"), deputy("褚某", "19700000042")])
    assert [r.number for r in report.rejected] == [2, 3]
    assert "another person" in report.rejected[0].errors[0]
    assert "another account" in report.rejected[1].errors[0]


def test_a_siblings_deputy_and_account_are_neither_shown_nor_changed(world):
    # Given a deputy of the sibling district, with an empty occupation and a deactivated account,
    # and an unlinked, deactivated account of the sibling with the name and number of another row
    feng = PersonFactory(name="冯西", mobile="19700000043", congress=world["west"], occupation="")
    MandateFactory(person=feng, congress=world["west"])
    feng_account = UserFactory(
        username="fengxi", mobile="19700000043", person=feng, congress=world["west"], is_active=False
    )
    chu = UserFactory(
        username="chuxi", mobile="19700000044", full_name="褚西", congress=world["west"], is_active=False
    )
    rows = [deputy("冯西", "19700000043"), deputy("褚西", "19700000044")]

    # When the district's staff previews and then imports a roster with the same names and numbers
    preview = import_deputies(world, rows, dry_run=True)
    report = import_deputies(world, rows)

    # Then both rows are refused as someone outside the congress, naming nothing of theirs
    for r in (*preview.rows, *report.rows):
        assert r.errors and "outside your congress" in r.errors[0]
        assert r.person is None and not r.notes
        assert "fengxi" not in " ".join(r.errors) and "chuxi" not in " ".join(r.errors)
    # and nothing of the sibling's is written
    assert not report.saved
    feng.refresh_from_db()
    assert feng.occupation == "" and Mandate.objects.filter(person=feng).count() == 1
    assert not User.objects.get(pk=feng_account.pk).is_active
    chu.refresh_from_db()
    assert not chu.is_active and chu.person_id is None
    assert not Event.objects.filter(
        target_type__model="user", target_id__in=[str(feng_account.pk), str(chu.pk)]
    ).exists()


def test_city_staff_give_a_district_deputy_a_city_mandate_with_the_account_the_district_manages(world):
    # Given a district deputy whose account the district manages
    ElectoralUnitFactory(congress=world["city"], name="东测区", kind="unit")
    jiang = PersonFactory(name="江东", mobile="19700000046", congress=world["east"])
    MandateFactory(person=jiang, congress=world["east"], term=world["term"])
    account = UserFactory(username="jiangdong", mobile="19700000046", person=jiang, congress=world["east"])
    city_staff = UserFactory()
    grant(city_staff, Role.STAFF, world["city"])

    # When the city's staff imports them into the city's term
    report = roster_import_deputies(
        actor=city_staff,
        congress=world["city"],
        term=world["city_term"],
        file=xlsx([deputy("江东", "19700000046", "东测区")]),
    )

    # Then they get the second mandate and keep signing in with their account, which is left as it was
    assert report.saved and not report.credentials
    assert Mandate.objects.filter(person=jiang, congress=world["city"]).exists()
    assert User.objects.get(person=jiang) == account
    assert not Event.objects.filter(target_type__model="user", target_id=str(account.pk)).exists()


def test_an_account_of_another_congress_is_not_reactivated_by_an_import(world):
    # Given a district deputy whose district account is deactivated
    ElectoralUnitFactory(congress=world["city"], name="东测区", kind="unit")
    jiang = PersonFactory(name="江南", mobile="19700000047", congress=world["east"])
    account = UserFactory(
        username="jiangnan", mobile="19700000047", person=jiang, congress=world["east"], is_active=False
    )
    city_staff = UserFactory()
    grant(city_staff, Role.STAFF, world["city"])

    # When the city's staff imports them
    report = roster_import_deputies(
        actor=city_staff,
        congress=world["city"],
        term=world["city_term"],
        file=xlsx([deputy("江南", "19700000047", "东测区")]),
    )

    # Then the row asks for the district's staff to reactivate it, and nothing changes
    assert not report.saved
    assert "deactivated and managed by another congress" in report.rejected[0].errors[0]
    assert not User.objects.get(pk=account.pk).is_active
    assert not Mandate.objects.filter(person=jiang).exists()


def test_a_deputy_still_seated_in_an_earlier_term_of_the_congress_is_rejected(world):
    # Given a deputy whose seat in term 16 was never closed
    older = TermFactory(
        congress=world["east"], number=16, start_date=dt.date(2017, 1, 1), end_date=dt.date(2021, 12, 31)
    )
    seated = PersonFactory(name="卫旧", mobile="19700000045", congress=world["east"])
    MandateFactory(person=seated, congress=world["east"], term=older, start_date=dt.date(2017, 1, 1))
    report = import_deputies(world, [deputy("卫旧", "19700000045")])
    assert not report.saved
    assert "open mandate" in report.rejected[0].errors[0]


def test_english_headers_are_accepted(world):
    headers = ["Name", "Gender", "Mobile", "Electoral unit"]
    report = import_deputies(world, [["Lin Yi", "female", "19700000051", "第一选区"]], headers=headers)
    assert report.saved
    person = Person.objects.get(mobile="19700000051")
    assert person.name == "Lin Yi" and person.gender == "F"


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (SimpleUploadedFile("名册.csv", "姓名,手机号码\n张三,19700000000\n".encode()), "file_type"),
        (SimpleUploadedFile("名册.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100), "file_type"),
        (SimpleUploadedFile("名册.xlsx", b"PK\x03\x04 this is not really a zip"), "file_corrupt"),
        (SimpleUploadedFile("名册.xlsx", b""), "file_empty"),
        (xlsx([], headers=[]), "file_empty"),
        (xlsx([]), "file_empty"),
        (xlsx([["张三", "19700000000"]], headers=["姓名", "手机号码"]), "missing_columns"),
        (xlsx([["某局", "某局"]], headers=UNIT_HEADERS[:2]), "missing_columns"),
    ],
    ids=[
        "csv",
        "xls",
        "corrupt",
        "zero-bytes",
        "no-sheet-data",
        "headers-only",
        "few-columns",
        "units-sheet",
    ],
)
def test_a_file_that_is_not_a_usable_roster_gets_a_clear_refusal(world, upload, code):
    with pytest.raises(ServiceError) as refused:
        roster_import_deputies(
            actor=world["staff"], congress=world["east"], term=world["term"], file=upload, dry_run=True
        )
    assert refused.value.code == code
    assert refused.value.message
    if code == "missing_columns":
        assert "选区/选举单位" in refused.value.message


def test_a_zip_that_is_not_a_workbook_is_reported_as_damaged(world):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    with pytest.raises(ServiceError) as refused:
        roster_import_deputies(
            actor=world["staff"],
            congress=world["east"],
            term=world["term"],
            file=SimpleUploadedFile("x.xlsx", out.getvalue()),
        )
    assert refused.value.code == "file_corrupt"


def test_staff_of_a_sibling_congress_cannot_import_into_another_congress(world):
    for call in (
        lambda: import_deputies(world, [deputy("蒋一", "19700000061")], actor=world["west_staff"]),
        lambda: roster_import_units(
            actor=world["west_staff"],
            congress=world["east"],
            file=xlsx([["东测区教育局", "教育局"]], UNIT_HEADERS),
        ),
        lambda: term_change_import(
            actor=world["west_staff"],
            congress=world["east"],
            new_term_number=18,
            start_date=dt.date(2025, 6, 1),
            end_date=dt.date(2030, 5, 31),
            file=xlsx([deputy("蒋一", "19700000061")]),
        ),
    ):
        with pytest.raises(ServiceError) as refused:
            call()
        assert (refused.value.code, refused.value.status) == ("not_allowed", 403)
    assert not Person.objects.filter(mobile="19700000061").exists()
    assert not Unit.objects.filter(name="东测区教育局").exists()
    assert not Term.objects.filter(congress=world["east"], number=18).exists()


def test_city_staff_cannot_import_into_a_district_below(world):
    city_staff = UserFactory()
    grant(city_staff, Role.STAFF, world["city"])
    with pytest.raises(ServiceError) as refused:
        import_deputies(world, [deputy("韩一", "19700000071")], actor=city_staff)
    assert refused.value.code == "not_allowed"


def test_a_term_of_another_congress_or_an_ended_term_is_refused(world):
    with pytest.raises(ServiceError) as refused:
        roster_import_deputies(
            actor=world["staff"],
            congress=world["east"],
            term=world["city_term"],
            file=xlsx([deputy("a", "1")]),
        )
    assert refused.value.code == "term_not_in_congress"
    old = TermFactory(
        congress=world["east"], number=16, start_date=dt.date(2017, 1, 1), end_date=dt.date(2021, 12, 31)
    )
    with pytest.raises(ServiceError) as refused:
        roster_import_deputies(
            actor=world["staff"], congress=world["east"], term=old, file=xlsx([deputy("a", "1")])
        )
    assert refused.value.code == "term_ended"


def test_the_import_writes_its_events(world):
    report = import_deputies(world, [deputy("杨一", "19700000081", station="东测街道代表联络站")])
    assert report.saved
    mandate = Mandate.objects.get(person__mobile="19700000081")
    account = User.objects.get(username="19700000081")

    imported = Event.objects.get(kind="roster.imported", congress=world["east"])
    assert imported.actor == world["staff"]
    assert imported.payload["roster"] == "deputies"
    assert imported.payload["mandates_created"] == 1 and imported.payload["accounts_created"] == 1
    assert Event.objects.filter(
        kind="mandate.created", target_id=str(mandate.pk), congress=world["east"]
    ).exists()
    assert Event.objects.filter(kind="person.created", target_id=str(mandate.person_id)).exists()
    assert Event.objects.filter(kind="station.deputy_assigned", target_id=str(world["station"].pk)).exists()
    created = Event.objects.get(kind="security.account_created", target_id=str(account.pk))
    assert created.is_security
    # payloads refer to people by id and never copy their name or mobile
    for event in Event.objects.filter(actor=world["staff"]):
        assert "19700000081" not in str(event.payload) and "杨一" not in str(event.payload)


# --- units with handlers ------------------------------------------------------------------------


def test_the_unit_import_creates_units_and_handler_accounts_that_can_sign_in(world, client):
    existing = UnitFactory(congress=world["east"], name="东测区财政局", short_name="财政局")
    rows = [
        ["东测区教育局", "教育局", "政府部门", "刘一", "19700000091", ""],
        ["东测区教育局", "教育局", "政府部门", "刘二", "19700000092", "liuer"],
        ["东测区人民法院", "区法院", "人民法院", "", "", ""],
        ["东测区财政局", "财政局", "", "刘三", "19700000093", ""],
    ]
    report = roster_import_units(actor=world["staff"], congress=world["east"], file=xlsx(rows, UNIT_HEADERS))

    assert report.saved
    education = Unit.objects.get(congress=world["east"], name="东测区教育局")
    assert education.short_name == "教育局" and education.kind == Unit.Kind.DEPARTMENT
    assert Unit.objects.get(congress=world["east"], name="东测区人民法院").kind == Unit.Kind.COURT
    assert Unit.objects.filter(congress=world["east"], name="东测区财政局").get() == existing
    handlers = RoleAssignment.objects.filter(role=Role.UNIT_HANDLER, is_active=True)
    assert set(handlers.filter(unit=education).values_list("user__username", flat=True)) == {
        "19700000091",
        "liuer",
    }
    assert handlers.filter(unit=existing, user__username="19700000093").exists()
    liu = User.objects.get(username="liuer")
    assert liu.full_name == "刘二" and liu.mobile == "19700000092" and liu.must_change_password

    # The handler signs in with the mobile number and the initial password, and must change it first.
    password = next(c.password for c in report.credentials if c.username == "liuer")
    response = client.post(reverse("signin"), {"username": "19700000092", "password": password}, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("password_change"))
    assert response.wsgi_request.user == liu

    assert Event.objects.filter(kind="unit.created", target_id=str(education.pk)).exists()
    assert Event.objects.filter(
        kind="security.role_granted", target_id=str(liu.pk), is_security=True
    ).exists()
    assert Event.objects.get(kind="roster.imported", congress=world["east"]).payload["roles_granted"] == 3


def test_importing_the_same_handlers_again_is_rejected_and_changes_nothing(world):
    rows = [["东测区水利局", "水利局", "政府部门", "马一", "19700000101", ""]]
    assert roster_import_units(
        actor=world["staff"], congress=world["east"], file=xlsx(rows, UNIT_HEADERS)
    ).saved
    again = roster_import_units(actor=world["staff"], congress=world["east"], file=xlsx(rows, UNIT_HEADERS))
    assert not again.saved
    assert "Already a handler" in again.rejected[0].errors[0]
    assert RoleAssignment.objects.filter(user__mobile="19700000101").count() == 1


def test_bad_unit_rows_are_reported(world):
    UserFactory(username="taken")
    rows = [
        ["东测区商务局", "商务局", "外星部门", "", "", ""],  # 2: unknown kind
        ["东测区商务局", "商务", "政府部门", "", "", ""],  # 3: another short name for the same unit
        ["东测区审计局", "", "", "牛一", "19700000111", ""],  # 4: no short name
        ["东测区统计局", "统计局", "", "牛二", "", ""],  # 5: a handler with no mobile
        ["东测区体育局", "体育局", "", "牛三", "19700000113", "taken"],  # 6: username taken
    ]
    report = roster_import_units(actor=world["staff"], congress=world["east"], file=xlsx(rows, UNIT_HEADERS))
    assert {r.number for r in report.rejected} == {2, 3, 4, 5, 6}
    assert not Unit.objects.filter(congress=world["east"], name__in=["东测区审计局", "东测区体育局"]).exists()


def test_a_handler_account_the_actor_does_not_manage_is_refused_and_left_alone(world):
    # Given a sibling district's account, and a site administrator's account held in this district
    sibling = UserFactory(
        username="west_handler",
        mobile="19700000121",
        full_name="牛西",
        congress=world["west"],
        is_active=False,
    )
    admin = UserFactory(
        username="root2", mobile="19700000122", full_name="牛管", congress=world["east"], is_superuser=True
    )
    rows = [
        ["东测区商务局", "商务局", "", "牛西", "19700000121", ""],
        ["东测区商务局", "商务局", "", "牛管", "19700000122", ""],
    ]

    # When the district's staff imports them as handlers
    report = roster_import_units(actor=world["staff"], congress=world["east"], file=xlsx(rows, UNIT_HEADERS))

    # Then both rows are refused and neither account is touched
    assert not report.saved and [r.number for r in report.rejected] == [2, 3]
    assert all("outside your congress" in r.errors[0] for r in report.rejected)
    assert not User.objects.get(pk=sibling.pk).is_active
    assert not RoleAssignment.objects.filter(user__in=[sibling, admin]).exists()
    assert not Unit.objects.filter(name="东测区商务局").exists()


def test_a_new_handler_account_is_not_linked_to_a_siblings_person(world):
    feng = PersonFactory(name="牛南", mobile="19700000123", congress=world["west"])
    rows = [["东测区商务局", "商务局", "", "牛南", "19700000123", ""]]

    report = roster_import_units(actor=world["staff"], congress=world["east"], file=xlsx(rows, UNIT_HEADERS))

    assert report.saved
    assert User.objects.get(username="19700000123").person_id is None
    assert not User.objects.filter(person=feng).exists()


# --- a new term (换届) -------------------------------------------------------------------------


@pytest.fixture
def old_roster(world):
    """Four deputies of term 17: one re-elected, one not, one also a city deputy, one also a unit handler."""
    people = {}
    for name, mobile in [
        ("甲", "19700000201"),
        ("乙", "19700000202"),
        ("丙", "19700000203"),
        ("丁", "19700000204"),
    ]:
        person = PersonFactory(name=name, mobile=mobile, congress=world["east"])
        MandateFactory(person=person, congress=world["east"], term=world["term"])
        account = UserFactory(username=mobile, mobile=mobile, person=person, congress=world["east"])
        people[name] = (person, account)
    MandateFactory(person=people["丙"][0], congress=world["city"], term=world["city_term"])
    grant(people["丁"][1], Role.UNIT_HANDLER, world["east"], unit=UnitFactory(congress=world["east"]))
    return people


def change_term(world, rows, *, dry_run=False, start=dt.date(2025, 6, 1)):
    return term_change_import(
        actor=world["staff"],
        congress=world["east"],
        new_term_number=18,
        start_date=start,
        end_date=dt.date(2030, 5, 31),
        file=xlsx(rows),
        dry_run=dry_run,
    )


def test_a_new_term_closes_old_mandates_opens_new_ones_and_keeps_history(world, old_roster):
    # the re-elected deputy, and a newcomer
    rows = [deputy("甲", "19700000201"), deputy("戊", "19700000205")]
    preview = change_term(world, rows, dry_run=True)
    assert preview.ok and preview.counts["mandates_to_close"] == 4
    assert preview.counts["accounts_to_deactivate"] == 1  # 乙 only
    assert not Term.objects.filter(congress=world["east"], number=18).exists()

    report = change_term(world, rows)

    assert report.saved
    new_term = Term.objects.get(congress=world["east"], number=18)
    old_term = Term.objects.get(pk=world["term"].pk)
    assert old_term.end_date == dt.date(2025, 5, 31)
    # every old mandate is closed the day before the new term, for the end of the term
    old = Mandate.objects.filter(term=old_term)
    assert old.count() == 4
    assert set(old.values_list("end_date", "end_reason")) == {(dt.date(2025, 5, 31), "term_ended")}
    # the re-elected deputy keeps one person row with both mandates
    jia = old_roster["甲"][0]
    assert list(
        Mandate.objects.filter(person=jia).order_by("start_date").values_list("term_id", flat=True)
    ) == [
        old_term.pk,
        new_term.pk,
    ]
    assert Mandate.objects.get(person=jia, term=new_term).end_date is None
    assert Mandate.objects.filter(term=new_term).count() == 2
    assert Person.objects.filter(mobile="19700000201").count() == 1
    # accounts: the one not re-elected is deactivated (never deleted); the others stay
    accounts = {name: User.objects.get(pk=acc.pk) for name, (_p, acc) in old_roster.items()}
    assert not accounts["乙"].is_active
    assert accounts["甲"].is_active  # re-elected
    assert accounts["丙"].is_active  # still a city deputy
    assert accounts["丁"].is_active  # still a unit handler
    assert User.objects.get(username="19700000205").is_active
    # history stays: the closed mandates and their events are there
    assert Event.objects.filter(kind="mandate.ended", congress=world["east"]).count() == 4
    assert Event.objects.filter(kind="term.created", target_id=str(new_term.pk)).exists()
    assert Event.objects.filter(
        kind="security.account_deactivated", target_id=str(accounts["乙"].pk), is_security=True
    ).exists()
    imported = Event.objects.get(kind="roster.imported", congress=world["east"])
    assert imported.payload["roster"] == "term_change"
    assert imported.payload["mandates_closed"] == 4 and imported.payload["accounts_deactivated"] == 1


def test_a_new_term_with_a_bad_row_changes_nothing(world, old_roster):
    report = change_term(world, [deputy("甲", "19700000201"), deputy("己", "12345")])
    assert not report.saved and [r.number for r in report.rejected] == [3]
    assert not Term.objects.filter(congress=world["east"], number=18).exists()
    assert not Mandate.objects.filter(term=world["term"], end_date__isnull=False).exists()
    assert User.objects.get(username="19700000202").is_active


@pytest.mark.parametrize(
    ("number", "start", "code"),
    [
        (17, dt.date(2025, 6, 1), "duplicate_number"),
        (18, dt.date(2025, 7, 1), "term_not_started"),
        (18, dt.date(2021, 6, 1), "term_overlap"),
    ],
)
def test_a_new_term_with_wrong_dates_or_number_is_refused(world, number, start, code):
    with pytest.raises(ServiceError) as refused:
        term_change_import(
            actor=world["staff"],
            congress=world["east"],
            new_term_number=number,
            start_date=start,
            end_date=dt.date(2030, 5, 31),
            file=xlsx([deputy("甲", "19700000201")]),
        )
    assert refused.value.code == code


def test_a_deputy_not_reelected_comes_back_with_the_same_account_later(world, old_roster):
    change_term(world, [deputy("甲", "19700000201")])
    yi, account = old_roster["乙"]
    assert not User.objects.get(pk=account.pk).is_active
    # Later the city elects 乙: the district manages the account, so the city's staff cannot reactivate it
    ElectoralUnitFactory(congress=world["city"], name="东测区", kind="unit")
    city_staff = UserFactory()
    grant(city_staff, Role.STAFF, world["city"])

    def city_import():
        return roster_import_deputies(
            actor=city_staff,
            congress=world["city"],
            term=world["city_term"],
            file=xlsx([deputy("乙", "19700000202", "东测区")]),
        )

    assert "reactivate" in city_import().rejected[0].errors[0]
    # once the district's staff has, the same person keeps the same account
    account_reactivate(actor=world["staff"], account=User.objects.get(pk=account.pk))
    report = city_import()
    assert report.saved and not report.credentials
    assert Mandate.objects.filter(person=yi).count() == 2
    assert User.objects.get(pk=account.pk).is_active
    assert Event.objects.filter(kind="security.account_activated", target_id=str(account.pk)).exists()


def test_a_new_term_leaves_the_accounts_another_congress_manages_alone(world, old_roster):
    # Given an old-term deputy whose account the sibling district manages
    yi, account = old_roster["乙"]
    account.congress = world["west"]
    account.save()

    report = change_term(world, [deputy("甲", "19700000201")])

    # Then the district's new term does not deactivate it: the sibling's staff decide about it
    assert report.saved and report.counts["accounts_deactivated"] == 0
    assert User.objects.get(pk=account.pk).is_active


# --- the pages ----------------------------------------------------------------------------------


def test_the_template_download_holds_the_headers_and_an_example_row(world, client):
    client.force_login(world["staff"])
    response = client.get(reverse("org:import_template", args=["deputies"]))
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = wb.worksheets[0]
    headers = [c.value.rstrip(" *") for c in sheet[1]]
    assert headers == DEPUTY_HEADERS
    example = [c.value for c in sheet[2]]
    assert example[0] == "张三" and example[7] in {"第一选区", "第二选区"}
    units = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("org:import_template", args=["units"])).content)
    )
    assert [c.value.rstrip(" *") for c in units.worksheets[0][1]] == UNIT_HEADERS


def test_the_page_previews_then_imports_a_good_file(world, client):
    client.force_login(world["staff"])
    page = reverse("org:import_deputies")
    assert client.get(page).status_code == 200
    upload = xlsx([deputy("朱一", "19700000301"), deputy("朱二", "19700000302")])

    preview = client.post(page, {"congress": world["east"].pk, "term": world["term"].pk, "file": upload})
    assert preview.status_code == 200
    assert preview.context["report"].ok and preview.context["token"]
    assert not Person.objects.filter(name="朱一").exists()  # a preview saves nothing

    done = client.post(page, {"step": "confirm", "token": preview.context["token"]})
    assert done.status_code == 200
    assert done["Cache-Control"] == "no-store"
    assert Mandate.objects.filter(term=world["term"], person__name__in=["朱一", "朱二"]).count() == 2
    assert "19700000301" in done.content.decode()  # the new usernames, with their one-time passwords
    assert len(done.context["report"].credentials) == 2

    # the same confirmation cannot run twice
    again = client.post(page, {"step": "confirm", "token": preview.context["token"]})
    assert again.status_code == 302
    assert Mandate.objects.filter(term=world["term"], person__name="朱一").count() == 1


def test_the_page_lists_rejected_rows_and_offers_no_import(world, client):
    client.force_login(world["staff"])
    upload = xlsx([deputy("秦一", "19700000311"), deputy("秦二", "139")])
    response = client.post(
        reverse("org:import_deputies"),
        {"congress": world["east"].pk, "term": world["term"].pk, "file": upload},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "rejected-rows" in html and "秦二" in html and "“139”" in html
    assert not response.context["token"]
    assert 'name="step" value="confirm"' not in html
    # and the reasons read in the user's language (Chinese first)
    assert "不是有效的手机号" in html


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("名册.docx", b"PK\x03\x04whatever"),
        SimpleUploadedFile("名册.xlsx", b"garbage that is not a zip"),
        SimpleUploadedFile("名册.xlsx", b""),
        xlsx([["张三"]], headers=["姓名", "性别"]),
    ],
    ids=["docx", "garbage", "empty", "missing-columns"],
)
def test_the_page_answers_a_bad_file_with_a_message_never_a_500(world, client, upload):
    client.force_login(world["staff"])
    response = client.post(
        reverse("org:import_deputies"),
        {"congress": world["east"].pk, "term": world["term"].pk, "file": upload},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert response.context["report"] is None


def test_the_unit_page_imports_handlers(world, client):
    client.force_login(world["staff"])
    page = reverse("org:import_units")
    upload = xlsx([["东测区交通运输局", "交通运输局", "政府部门", "尤一", "19700000401", ""]], UNIT_HEADERS)
    preview = client.post(page, {"congress": world["east"].pk, "file": upload})
    assert preview.context["report"].ok
    done = client.post(page, {"step": "confirm", "token": preview.context["token"]})
    assert done.status_code == 200
    assert RoleAssignment.objects.filter(
        role=Role.UNIT_HANDLER, unit__name="东测区交通运输局", user__username="19700000401"
    ).exists()


def test_the_new_term_page_changes_the_term(world, old_roster, client):
    client.force_login(world["staff"])
    page = reverse("org:import_term_change")
    form = {
        "congress": world["east"].pk,
        "number": 18,
        "start_date": "2025-06-01",
        "end_date": "2030-05-31",
    }
    preview = client.post(page, {**form, "file": xlsx([deputy("甲", "19700000201")])})
    assert preview.status_code == 200 and preview.context["report"].ok
    done = client.post(page, {"step": "confirm", "token": preview.context["token"]})
    assert done.status_code == 200
    assert Term.objects.filter(congress=world["east"], number=18).exists()
    assert not User.objects.get(username="19700000202").is_active


def test_a_sibling_staff_cannot_pick_another_congress_on_the_page(world, client):
    client.force_login(world["west_staff"])
    response = client.post(
        reverse("org:import_deputies"),
        {
            "congress": world["east"].pk,
            "term": world["term"].pk,
            "file": xlsx([deputy("许一", "19700000501")]),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert response.context["report"] is None
    assert not Person.objects.filter(mobile="19700000501").exists()


def test_a_full_width_mobile_in_a_row_is_saved_in_ascii_digits(world):
    report = import_deputies(world, [deputy("全角", "１９７００００００５２")])

    assert report.saved
    assert Person.objects.get(name="全角").mobile == "19700000052"
    assert User.objects.filter(username="19700000052", mobile="19700000052").exists()


@pytest.mark.parametrize("raw", ["²", "١", "1\x00", "99999999999999999999999", "-1"])
def test_an_odd_congress_in_the_template_link_falls_back_to_the_own_congress(world, client, raw):
    client.force_login(world["staff"])

    response = client.get(reverse("org:import_template", args=["deputies"]), {"congress": raw})

    assert response.status_code == 200
    names = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[2]
    assert "第一选区" in [c.value for c in names["A"]]


def test_the_import_pages_are_for_staff_only(world, client):
    deputy_account = UserFactory()
    client.force_login(deputy_account)
    for name in ("org:import_index", "org:import_deputies", "org:import_units", "org:import_term_change"):
        assert client.get(reverse(name)).status_code == 403
    assert client.get(reverse("org:import_template", args=["deputies"])).status_code == 403


def test_the_lists_link_to_the_import_for_staff(world, client):
    client.force_login(world["staff"])
    assert reverse("org:import_deputies") in client.get(reverse("org:deputy_list")).content.decode()
    assert reverse("org:import_units") in client.get(reverse("org:unit_list")).content.decode()
    assert reverse("org:import_index") in client.get(reverse("org:import_index")).content.decode()


# --- reading cells ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "2022-01-05",
        "2022/1/5",
        "2022.1.5",
        "2022年1月5日",
        "20220105",
        20220105,
        44566,  # an Excel serial date
        44566.0,
        dt.datetime(2022, 1, 5),
        dt.date(2022, 1, 5),
        "2022-01-05 00:00:00",
    ],
)
def test_dates_are_read_in_the_usual_forms(value):
    assert roster.parse_date(value) == dt.date(2022, 1, 5)


@pytest.mark.parametrize("value", ["2022-02-30", "明年", "1975.3", 1975.03, "2022-1"])
def test_dates_that_are_not_dates_are_refused(value):
    with pytest.raises(roster.CellError):
        roster.parse_date(value)


def test_a_birth_month_without_a_day_is_the_first_of_the_month():
    assert roster.parse_date("1975年3月", month_only_ok=True) == dt.date(1975, 3, 1)
    assert roster.parse_date("1975.03", month_only_ok=True) == dt.date(1975, 3, 1)


@pytest.mark.parametrize(
    "value",
    [
        "19700000001",
        19700000001,
        19700000001.0,
        "+86 197 0000 0001",
        "197-0000-0001",
        "１９７０００００００１",  # full-width digits, as a Chinese input method types them
        "＋86 １９７ ００００ ０００１",
    ],
)
def test_mobile_numbers_are_normalised(value):
    assert roster.parse_mobile(value) == "19700000001"


@pytest.mark.parametrize(
    "value", ["1970000000", "23900000001", "197000000012", "电话", "１９７０００００００¹"]
)
def test_mobile_numbers_must_be_11_digits_starting_with_1(value):
    with pytest.raises(roster.CellError):
        roster.parse_mobile(value)


def test_fields_and_unit_kinds_accept_chinese_and_english_names():
    assert roster.parse_fields("教育, Transport；其他、教育科技") == ["transport", "education", "other"]
    assert roster.parse_unit_kind("检察院") == Unit.Kind.PROCURATORATE
    assert roster.parse_unit_kind("People's court") == Unit.Kind.COURT
    assert roster.parse_unit_kind("") == Unit.Kind.DEPARTMENT


def test_demo_staff_fill_in_the_template_and_import_it(client):
    # Given the demo district's staff, who downloads the template of their congress
    staff_a = User.objects.get(username="staff_a")
    east = RoleAssignment.objects.get(user=staff_a, role=Role.STAFF, is_active=True).congress
    term = east.terms.get(start_date__lte=TODAY.date(), end_date__gte=TODAY.date())
    client.force_login(staff_a)
    template = client.get(reverse("org:import_template", args=["deputies"]), {"congress": east.pk})
    wb = openpyxl.load_workbook(io.BytesIO(template.content))
    sheet = wb.worksheets[0]
    example = [c.value for c in sheet[2]]
    # When they replace the example row by a real deputy in the example's electoral unit and import it
    sheet.delete_rows(2)
    sheet.append(
        [
            "闻新",
            "女",
            "1988-08-08",
            "汉族",
            "群众",
            "东湖社区主任",
            "19700000601",
            example[7],
            "",
            "是",
            "",
            "",
        ]
    )
    out = io.BytesIO()
    wb.save(out)
    page = reverse("org:import_deputies")
    preview = client.post(
        page, {"congress": east.pk, "term": term.pk, "file": SimpleUploadedFile("名册.xlsx", out.getvalue())}
    )
    assert preview.context["report"].ok, preview.context["report"].rejected
    client.post(page, {"step": "confirm", "token": preview.context["token"]})
    # Then the deputy serves in the district's current term, and the district's sibling cannot import there
    mandate = Mandate.objects.get(person__mobile="19700000601")
    assert (mandate.congress, mandate.term, mandate.electoral_unit.name) == (east, term, example[7])
    client.force_login(User.objects.get(username="staff_b"))
    refused = client.post(
        page, {"congress": east.pk, "term": term.pk, "file": SimpleUploadedFile("x.xlsx", b"")}
    )
    assert refused.context["form"].errors["congress"]
