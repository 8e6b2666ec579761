"""Working days and due dates, against the seeded 2026 calendar (holidays and make-up working days)."""

import datetime as dt

import pytest

from lvzhi.core.calendar import (
    add_months,
    add_working_days,
    due_after_months,
    is_working_day,
    missing_calendar_years,
)
from lvzhi.core.models import CalendarDay

pytestmark = pytest.mark.django_db
D = dt.date


def test_holiday_is_not_a_working_day_and_make_up_saturday_is():
    assert not is_working_day(D(2026, 10, 5))  # National Day, a Monday
    assert is_working_day(D(2026, 10, 10))  # make-up Saturday
    assert not is_working_day(D(2026, 10, 11))  # ordinary Sunday


def test_working_days_skip_the_national_day_week_and_count_the_make_up_saturday():
    # Sept 30 (Wed) + 3 working days: Oct 1–7 off, Oct 8 (Thu), Oct 9 (Fri), Oct 10 (make-up Sat).
    assert add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)


def test_the_start_day_is_not_counted():
    assert add_working_days(D(2026, 3, 2), 1) == D(2026, 3, 3)  # Monday + 1 = Tuesday
    assert add_working_days(D(2026, 3, 6), 1) == D(2026, 3, 9)  # Friday + 1 = Monday


def test_staff_edits_change_the_count():
    CalendarDay.objects.create(date=D(2026, 3, 3), kind=CalendarDay.Kind.HOLIDAY, name="本地假日")
    assert add_working_days(D(2026, 3, 2), 1) == D(2026, 3, 4)


def test_month_without_the_day_ends_on_its_last_day():
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_months(D(2028, 1, 31), 1) == D(2028, 2, 29)
    assert add_months(D(2026, 11, 30), 3) == D(2027, 2, 28)


def test_due_date_on_a_holiday_moves_to_the_next_working_day():
    # Three months after July 1 is Oct 1, National Day: the due date moves to Oct 8.
    assert due_after_months(D(2026, 7, 1), 3) == D(2026, 10, 8)
    # Three months after Aug 15 is Nov 15, a Sunday: moves to Monday Nov 16.
    assert due_after_months(D(2026, 8, 15), 3) == D(2026, 11, 16)


def test_staff_are_warned_when_next_years_published_calendar_is_missing():
    assert missing_calendar_years(D(2026, 11, 26)) == [2027]  # 2027 is provisional only
    assert missing_calendar_years(D(2026, 5, 1)) == []
    CalendarDay.objects.filter(date__year=2027).update(provisional=False)
    assert missing_calendar_years(D(2026, 11, 26)) == []
