"""Calendar writes: who may edit, what a bad day or a bad file does, and that deadlines follow the edits."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook

from lvzhi.core.calendar import add_working_days, is_working_day, missing_calendar_years
from lvzhi.core.errors import ServiceError
from lvzhi.core.models import CalendarDay, Event
from lvzhi.core.services_calendar import (
    CalendarImportError,
    calendar_day_create,
    calendar_day_delete,
    calendar_day_update,
    calendar_year_import,
)

pytestmark = pytest.mark.django_db
D = dt.date
HOLIDAY, WORKDAY = CalendarDay.Kind.HOLIDAY, CalendarDay.Kind.WORKDAY


def csv_file(text: str, name: str = "calendar.csv", encoding: str = "utf-8-sig") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_file(rows: list[list]) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("calendar.xlsx", out.getvalue())


PUBLISHED_2027 = """日期,类型,名称
2027-01-01,休,元旦
2027-02-05,休,春节
2027-02-06,休,春节
2027-02-07,休,春节
2027-02-08,休,春节
2027-02-09,休,春节
2027-02-10,休,春节
2027-02-11,休,春节
2027-02-20,班,春节调休上班
2027-10-01,休,国庆节
"""


# --- one day ---------------------------------------------------------------------------------------


def test_city_staff_adds_a_local_holiday_and_the_deadline_moves(city_staff, city):
    # Given Monday March 2, 2026 + 1 working day is Tuesday
    assert add_working_days(D(2026, 3, 2), 1) == D(2026, 3, 3)
    # When city staff add Tuesday as a holiday
    day = calendar_day_create(actor=city_staff, date=D(2026, 3, 3), kind=HOLIDAY, name="测试假日")
    # Then the deadline moves to Wednesday, and the step is on record for the city
    assert add_working_days(D(2026, 3, 2), 1) == D(2026, 3, 4)
    event = Event.objects.get(kind="calendar.day_added", target_id=str(day.pk))
    assert event.actor == city_staff and event.congress_id == city.pk
    assert event.payload == {
        "date": "2026-03-03",
        "kind": "holiday",
        "label": "测试假日",
        "provisional": False,
    }


def test_editing_a_day_from_holiday_to_workday_changes_working_days(superuser):
    # Given National Day, Saturday Oct 3 2026, is a holiday
    day = CalendarDay.objects.get(date=D(2026, 10, 3))
    assert not is_working_day(day.date)
    # When the administrator turns it into a make-up working day
    calendar_day_update(actor=superuser, day=day, date=day.date, kind=WORKDAY, name="测试调休")
    # Then it is a working day, and the change is recorded from → to
    assert is_working_day(D(2026, 10, 3))
    event = Event.objects.get(kind="calendar.day_changed", target_id=str(day.pk))
    assert (event.from_state, event.to_state) == ("holiday", "workday")
    assert event.payload["changes"]["label"] == ["国庆节", "测试调休"]


def test_an_update_that_changes_nothing_records_nothing(superuser):
    day = CalendarDay.objects.get(date=D(2026, 10, 3))
    calendar_day_update(actor=superuser, day=day, date=day.date, kind=day.kind, name=day.name)
    assert not Event.objects.filter(kind="calendar.day_changed", target_id=str(day.pk)).exists()


def test_deleting_a_make_up_saturday_makes_it_a_day_off(city_staff):
    day = CalendarDay.objects.get(date=D(2026, 10, 10))
    assert is_working_day(day.date)
    calendar_day_delete(actor=city_staff, day=day)
    assert not is_working_day(D(2026, 10, 10))
    event = Event.objects.get(kind="calendar.day_deleted", target_id=str(day.pk))
    assert event.payload["date"] == "2026-10-10"


def test_a_day_someone_else_deleted_meanwhile_is_refused_cleanly(city_staff):
    # Given two editors who opened the same day, and the first deletes it
    day = calendar_day_create(actor=city_staff, date=D(2027, 6, 7), kind=HOLIDAY, name="地方节日")
    calendar_day_delete(actor=city_staff, day=day)
    # When the second deletes or changes it too, then each is refused with a code, and nothing is recorded
    with pytest.raises(ServiceError) as refused:
        calendar_day_delete(actor=city_staff, day=day)
    assert refused.value.code == "calendar.day_gone" and refused.value.status == 409
    with pytest.raises(ServiceError) as refused:
        calendar_day_update(actor=city_staff, day=day, date=D(2027, 6, 8), kind=HOLIDAY)
    assert refused.value.code == "calendar.day_gone"
    assert Event.objects.filter(target_id=str(day.pk), kind="calendar.day_deleted").count() == 1
    assert not CalendarDay.objects.filter(date__in=[D(2027, 6, 7), D(2027, 6, 8)]).exists()


def test_a_date_already_entered_is_refused(city_staff):
    with pytest.raises(ServiceError) as refused:
        calendar_day_create(actor=city_staff, date=D(2026, 10, 1), kind=HOLIDAY)
    assert refused.value.code == "calendar.date_taken"
    assert CalendarDay.objects.filter(date=D(2026, 10, 1)).count() == 1


def test_a_make_up_working_day_on_a_weekday_is_refused(city_staff):
    with pytest.raises(ServiceError) as refused:
        calendar_day_create(actor=city_staff, date=D(2026, 3, 4), kind=WORKDAY)  # a Wednesday
    assert refused.value.code == "calendar.workday_on_weekday"
    assert not CalendarDay.objects.filter(date=D(2026, 3, 4)).exists()


@pytest.mark.parametrize("who", ["district_staff", "district_chair", "plain_user"])
def test_only_the_administrator_and_city_level_staff_may_edit(request, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(ServiceError) as refused:
        calendar_day_create(actor=actor, date=D(2026, 3, 3), kind=HOLIDAY)
    assert refused.value.code == "calendar.not_allowed"
    day = CalendarDay.objects.get(date=D(2026, 10, 10))
    with pytest.raises(ServiceError):
        calendar_day_delete(actor=actor, day=day)
    with pytest.raises(ServiceError):
        calendar_year_import(actor=actor, year=2027, file=csv_file(PUBLISHED_2027))
    assert CalendarDay.objects.filter(date=D(2026, 10, 10)).exists()
    assert not Event.objects.filter(actor=actor, kind__startswith="calendar.").exists()


# --- a whole year ------------------------------------------------------------------------------------


def test_importing_the_published_year_replaces_the_provisional_rows(city_staff, city):
    # Given 2027 holds only provisional rows, so staff are warned in November
    assert CalendarDay.objects.filter(date__year=2027, provisional=True).exists()
    assert missing_calendar_years(D(2026, 11, 26)) == [2027]
    before = add_working_days(D(2027, 2, 19), 1)  # Friday + 1
    # When city staff import the published schedule
    summary = calendar_year_import(actor=city_staff, year=2027, file=csv_file(PUBLISHED_2027))
    # Then the year holds exactly the file's rows, published, and the warning is gone
    assert (summary.holidays, summary.workdays) == (9, 1)
    rows = CalendarDay.objects.filter(date__year=2027)
    assert rows.count() == 10 and not rows.filter(provisional=True).exists()
    assert not rows.filter(date=D(2027, 4, 5)).exists()  # a provisional row not in the file is gone
    assert missing_calendar_years(D(2026, 11, 26)) == []
    # and the make-up Saturday now counts: Friday Feb 19 + 1 working day is Saturday Feb 20
    assert before == D(2027, 2, 22)
    assert add_working_days(D(2027, 2, 19), 1) == D(2027, 2, 20)
    event = Event.objects.get(kind="calendar.year_imported", actor=city_staff)
    assert event.payload["year"] == 2027 and event.payload["holidays"] == 9
    assert event.payload["removed"] == summary.removed > 0
    assert event.congress_id == city.pk


def test_an_excel_file_with_date_cells_and_english_words_imports(superuser):
    file = xlsx_file(
        [
            ["日期", "类型", "名称"],
            [dt.datetime(2027, 1, 1), "holiday", "元旦"],
            ["2027/2/20", "workday", "春节调休上班"],
            [None, None, None],  # blank rows are skipped
            ["2027年10月1日", "休", "国庆节"],
        ]
    )
    summary = calendar_year_import(actor=superuser, year=2027, file=file)
    assert (summary.holidays, summary.workdays) == (2, 1)
    assert set(CalendarDay.objects.filter(date__year=2027).values_list("date", "kind")) == {
        (D(2027, 1, 1), HOLIDAY),
        (D(2027, 2, 20), WORKDAY),
        (D(2027, 10, 1), HOLIDAY),
    }


def test_a_gb18030_csv_from_chinese_excel_imports(superuser):
    file = csv_file("日期,类型,名称\n2027-01-01,休,元旦\n", encoding="gb18030")
    calendar_year_import(actor=superuser, year=2027, file=file)
    assert CalendarDay.objects.get(date=D(2027, 1, 1)).name == "元旦"


def test_a_file_with_bad_rows_saves_nothing_and_lists_every_bad_row(city_staff):
    # Given the provisional 2027 rows
    before = list(CalendarDay.objects.filter(date__year=2027).values_list("date", "kind", "provisional"))
    bad = """日期,类型,名称
2027-01-01,休,元旦
2027-13-01,休,没有十三月
2026-12-31,休,去年
2027-02-08,放假,春节
2027-02-10,班,周三不是调休
2027-01-01,休,重复
"""
    # When the file is imported
    with pytest.raises(CalendarImportError) as refused, translation.override("en"):
        calendar_year_import(actor=city_staff, year=2027, file=csv_file(bad))
    # Then every bad row is named by its line, nothing changed, nothing recorded
    assert refused.value.code == "calendar.import_invalid"
    assert [e.line for e in refused.value.errors] == [3, 4, 5, 6, 7]
    messages = {e.line: e.message for e in refused.value.errors}
    assert "2027-13-01" in messages[3]
    assert "2027" in messages[4]
    assert "放假" in messages[5]
    assert "2027-02-10" in messages[6]
    assert "already on line 2" in messages[7]
    after = list(CalendarDay.objects.filter(date__year=2027).values_list("date", "kind", "provisional"))
    assert after == before
    assert not Event.objects.filter(kind="calendar.year_imported").exists()


@pytest.mark.parametrize(
    ("file", "code"),
    [
        (SimpleUploadedFile("calendar.pdf", b"%PDF-1.4"), "calendar.file_type"),
        (SimpleUploadedFile("calendar.xlsx", b"not a zip file"), "calendar.file_unreadable"),
        (SimpleUploadedFile("calendar.csv", b""), "calendar.file_empty"),
        (SimpleUploadedFile("calendar.csv", "日期,类型,名称\n".encode()), "calendar.file_empty"),
        (SimpleUploadedFile("calendar.csv", "day,what\n2027-01-01,休\n".encode()), "calendar.bad_header"),
    ],
)
def test_an_unreadable_file_is_refused_with_its_reason(superuser, file, code):
    count = CalendarDay.objects.count()
    with pytest.raises(ServiceError) as refused:
        calendar_year_import(actor=superuser, year=2027, file=file)
    assert refused.value.code == code
    assert refused.value.message
    assert CalendarDay.objects.count() == count


def test_an_excel_file_whose_sheet_is_damaged_is_refused(superuser):
    # Given a workbook that opens but whose sheet breaks off half-way (read lazily, row by row)
    good = xlsx_file([["日期", "类型", "名称"], ["2027-01-01", "休", "元旦"]]).read()
    damaged = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            target.writestr(item, data)
    count = CalendarDay.objects.count()
    # When it is imported, then it is refused as unreadable and nothing changes
    with pytest.raises(ServiceError) as refused:
        calendar_year_import(
            actor=superuser, year=2027, file=SimpleUploadedFile("calendar.xlsx", damaged.getvalue())
        )
    assert refused.value.code == "calendar.file_unreadable"
    assert CalendarDay.objects.count() == count


def test_a_provisional_import_keeps_the_warning(superuser):
    calendar_year_import(actor=superuser, year=2027, file=csv_file(PUBLISHED_2027), provisional=True)
    assert CalendarDay.objects.filter(date__year=2027, provisional=False).count() == 0
    assert missing_calendar_years(D(2026, 11, 26)) == [2027]
