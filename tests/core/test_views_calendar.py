"""The calendar pages as staff use them: view a year, edit a day, import a file, the home-page warning."""

import datetime as dt
from unittest import mock

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lvzhi.core.calendar import add_working_days
from lvzhi.core.models import CalendarDay, Event

pytestmark = pytest.mark.django_db
D = dt.date
NOVEMBER_2026 = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def test_staff_see_the_years_holidays_and_make_up_days(signed_in, district_staff):
    page = signed_in(district_staff).get(reverse("core:calendar"), {"year": 2026})
    assert page.status_code == 200
    html = page.content.decode()
    assert "2026-10-01" in html and "国庆节" in html
    assert "2026-10-10" in html and "国庆节调休上班" in html
    # district staff may view but not edit
    assert reverse("core:calendar_day_add") not in html
    assert page.context["holidays"] == 33 and page.context["workdays"] == 6


def test_provisional_rows_are_marked(signed_in, city_staff):
    page = signed_in(city_staff).get(reverse("core:calendar"), {"year": 2027})
    provisional = [d for d in page.context["days"] if d.provisional]
    assert provisional and len(provisional) == page.context["provisional_count"]
    assert page.content.decode().count('class="provisional"') == len(provisional)


def test_a_bad_year_shows_a_message_not_an_error(signed_in, city_staff):
    page = signed_in(city_staff).get(reverse("core:calendar"), {"year": "abc"}, follow=True)
    assert page.status_code == 200
    assert "is not a year" in page.content.decode()


@pytest.mark.parametrize("year", ["²", "٢٠٢٦", "99999999999999999999999"])
def test_a_year_of_odd_digits_shows_a_message_not_an_error(signed_in, city_staff, year):
    # "²".isdigit() is True, yet int("²") fails
    client = signed_in(city_staff)
    page = client.get(reverse("core:calendar"), {"year": year})
    assert page.status_code == 200
    assert "is not a year" in page.content.decode()
    export = client.get(reverse("core:calendar_export"), {"year": year})
    assert export.status_code == 302


def test_the_working_day_counter_refuses_a_start_no_one_means(signed_in, city_staff):
    # Given a start near the end of the calendar (date arithmetic would overflow)
    page = signed_in(city_staff).get(reverse("core:calendar"), {"start": "9999-12-20", "days": 400})
    # Then the form says what is wrong and keeps what was typed
    assert page.status_code == 200
    assert page.context["check_result"] is None
    assert "Enter a date between 1900-01-01 and 2200-12-31." in page.context["check"].errors["start"]
    assert 'value="9999-12-20"' in page.content.decode()


def test_a_day_outside_the_calendar_years_is_refused(signed_in, city_staff):
    response = signed_in(city_staff).post(
        reverse("core:calendar_day_add"), {"date": "2150-01-01", "kind": "holiday", "name": "远"}
    )
    assert response.status_code == 200
    assert "Enter a date in the years 2000 to 2100." in response.content.decode()
    assert not CalendarDay.objects.filter(date=D(2150, 1, 1)).exists()


def test_an_odd_date_in_the_add_link_opens_an_empty_form(signed_in, city_staff):
    client = signed_in(city_staff)
    for raw in ["9999-99-99", "²", "2026-03-03\x00"]:
        page = client.get(reverse("core:calendar_day_add"), {"date": raw})
        assert page.status_code == 200 and page.context["form"]["date"].value() is None
    page = client.get(reverse("core:calendar_day_add"), {"date": "2026-03-03"})
    assert page.context["form"]["date"].value() == D(2026, 3, 3)


def test_deleting_a_day_someone_else_just_deleted_says_so(signed_in, superuser):
    # Given the page has loaded the day, and another editor deletes it before this delete runs
    stale = CalendarDay.objects.get(date=D(2026, 10, 10))
    CalendarDay.objects.filter(pk=stale.pk).delete()
    with mock.patch("lvzhi.core.views_calendar.get_object_or_404", return_value=stale):
        response = signed_in(superuser).post(
            reverse("core:calendar_day_delete", args=[stale.pk]), follow=True
        )
    # Then the year page says it is already gone, instead of an error page
    assert response.status_code == 200
    assert "someone else deleted it meanwhile" in response.content.decode()


@pytest.mark.parametrize("who", ["plain_user", "district_chair"])
def test_non_staff_are_denied(signed_in, request, who):
    client = signed_in(request.getfixturevalue(who))
    for name in ["core:calendar", "core:calendar_day_add", "core:calendar_import", "core:calendar_export"]:
        assert client.get(reverse(name)).status_code == 403, name


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("core:calendar"))
    assert response.status_code == 302 and reverse("signin") in response["Location"]


def test_district_staff_cannot_edit_the_national_calendar(signed_in, district_staff):
    client = signed_in(district_staff)
    day = CalendarDay.objects.get(date=D(2026, 10, 10))
    assert client.get(reverse("core:calendar_day_edit", args=[day.pk])).status_code == 403
    response = client.post(reverse("core:calendar_day_delete", args=[day.pk]))
    assert response.status_code == 403
    assert CalendarDay.objects.filter(pk=day.pk).exists()


def test_city_staff_add_a_day_and_deadlines_follow(signed_in, city_staff):
    client = signed_in(city_staff)
    response = client.post(
        reverse("core:calendar_day_add"), {"date": "2026-03-03", "kind": "holiday", "name": "测试假日"}
    )
    assert response.status_code == 302 and response["Location"].endswith("?year=2026")
    assert add_working_days(D(2026, 3, 2), 1) == D(2026, 3, 4)
    # the page's own counter agrees
    page = client.get(reverse("core:calendar"), {"year": 2026, "start": "2026-03-02", "days": 1})
    assert page.context["check_result"] == D(2026, 3, 4)


def test_a_refused_day_keeps_what_was_typed(signed_in, city_staff):
    response = signed_in(city_staff).post(
        reverse("core:calendar_day_add"), {"date": "2026-03-04", "kind": "workday", "name": "周三"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "falls on a Saturday or Sunday" in html
    assert 'value="周三"' in html and 'value="2026-03-04"' in html
    assert not CalendarDay.objects.filter(date=D(2026, 3, 4)).exists()


def test_editing_and_deleting_a_day_through_the_pages(signed_in, superuser):
    client = signed_in(superuser)
    day = CalendarDay.objects.get(date=D(2026, 10, 10))
    form = client.get(reverse("core:calendar_day_edit", args=[day.pk]))
    assert 'value="2026-10-10"' in form.content.decode()
    client.post(
        reverse("core:calendar_day_edit", args=[day.pk]),
        {"date": "2026-10-10", "kind": "workday", "name": "国庆节调休上班", "provisional": "on"},
    )
    day.refresh_from_db()
    assert day.provisional
    confirm = client.get(reverse("core:calendar_day_delete", args=[day.pk]))
    assert confirm.status_code == 200 and CalendarDay.objects.filter(pk=day.pk).exists()
    client.post(reverse("core:calendar_day_delete", args=[day.pk]))
    assert not CalendarDay.objects.filter(pk=day.pk).exists()
    assert Event.objects.filter(actor=superuser, kind="calendar.day_deleted").count() == 1


def test_an_unknown_day_is_not_found(signed_in, superuser):
    assert signed_in(superuser).get(reverse("core:calendar_day_edit", args=[987654321])).status_code == 404


def test_importing_a_file_through_the_page(signed_in, city_staff):
    client = signed_in(city_staff)
    file = SimpleUploadedFile(
        "2027.csv", "日期,类型,名称\n2027-01-01,休,元旦\n2027-02-20,班,春节调休\n".encode()
    )
    response = client.post(reverse("core:calendar_import"), {"year": 2027, "file": file}, follow=True)
    assert response.status_code == 200
    assert "1 public holidays and 1 make-up working days" in response.content.decode()
    assert set(CalendarDay.objects.filter(date__year=2027).values_list("date", flat=True)) == {
        D(2027, 1, 1),
        D(2027, 2, 20),
    }


def test_a_bad_file_is_rejected_with_a_row_by_row_report(signed_in, city_staff):
    client = signed_in(city_staff)
    before = CalendarDay.objects.filter(date__year=2027).count()
    file = SimpleUploadedFile("2027.csv", "日期,类型,名称\n2027-01-01,休,元旦\nsoon,休,春节\n".encode())
    response = client.post(reverse("core:calendar_import"), {"year": 2027, "file": file})
    assert response.status_code == 200
    html = response.content.decode()
    assert "nothing was saved" in html
    assert "“soon” is not a date" in html
    assert [e.line for e in response.context["row_errors"]] == [3]
    assert CalendarDay.objects.filter(date__year=2027).count() == before


def test_an_import_without_a_file_says_so(signed_in, city_staff):
    response = signed_in(city_staff).post(reverse("core:calendar_import"), {"year": 2027})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_a_word_document_is_refused(signed_in, city_staff):
    file = SimpleUploadedFile("2027.docx", b"PK\x03\x04 not a calendar")
    response = signed_in(city_staff).post(reverse("core:calendar_import"), {"year": 2027, "file": file})
    assert response.status_code == 200
    assert "Upload a .csv or .xlsx file." in response.content.decode()


def test_the_export_can_be_imported_again(signed_in, city_staff):
    client = signed_in(city_staff)
    exported = client.get(reverse("core:calendar_export"), {"year": 2026})
    assert exported["Content-Type"].startswith("text/csv")
    rows_before = list(CalendarDay.objects.filter(date__year=2026).values_list("date", "kind", "name"))
    file = SimpleUploadedFile("2026.csv", exported.content)
    client.post(reverse("core:calendar_import"), {"year": 2026, "file": file})
    rows_after = list(CalendarDay.objects.filter(date__year=2026).values_list("date", "kind", "name"))
    assert rows_after == rows_before
    assert Event.objects.filter(actor=city_staff, kind="calendar.year_imported").count() == 1


@time_machine.travel(NOVEMBER_2026, tick=False)
def test_staff_home_warns_when_next_years_calendar_is_missing(signed_in, city_staff, district_staff):
    # Given November 2026, and 2027 entered only provisionally
    client = signed_in(district_staff)
    home = client.get(reverse("home"))
    link = reverse("core:calendar") + "?year=2027"
    # Then staff see an urgent tile linking to the 2027 calendar
    assert link in home.content.decode()
    assert "Holidays missing for 2027" in home.content.decode()
    page = client.get(link)
    assert "The published holidays for 2027 are not entered yet" in page.content.decode()
    # When city staff import the published schedule
    signed_in(city_staff).post(
        reverse("core:calendar_import"),
        {"year": 2027, "file": SimpleUploadedFile("2027.csv", "日期,类型\n2027-01-01,休\n".encode())},
    )
    # Then the warning is gone
    home = signed_in(district_staff).get(reverse("home"))
    assert link not in home.content.decode()
