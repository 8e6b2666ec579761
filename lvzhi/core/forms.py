"""Forms of the shared pages: they parse and check input; the services decide."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import CalendarDay
from .params import EARLIEST_DATE, LATEST_DATE

YEAR_MIN, YEAR_MAX = 2000, 2100


def within_sane_span(value) -> None:
    """Refuse a date no one means (year 9999): date arithmetic on it would overflow."""
    if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(
            _("Enter a date between %(earliest)s and %(latest)s."),
            code="date_out_of_range",
            params={"earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()},
        )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def within_calendar_years(value) -> None:
    """The calendar pages show the years YEAR_MIN..YEAR_MAX; a day outside them could never be seen."""
    if value is not None and not YEAR_MIN <= value.year <= YEAR_MAX:
        raise ValidationError(
            _("Enter a date in the years %(min)s to %(max)s."),
            code="date_out_of_range",
            params={"min": YEAR_MIN, "max": YEAR_MAX},
        )


class CalendarDayForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput(), validators=[within_calendar_years])
    kind = forms.ChoiceField(label=_("Type"), choices=CalendarDay.Kind.choices)
    name = forms.CharField(
        label=_("Name"),
        max_length=50,
        required=False,
        help_text=_("The holiday it belongs to, e.g. 春节 or 国庆节调休上班."),
    )
    provisional = forms.BooleanField(
        label=_("Provisional"),
        required=False,
        help_text=_("Tick while the State Council has not yet published this year's schedule."),
    )


class CalendarImportForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=YEAR_MIN, max_value=YEAR_MAX)
    file = forms.FileField(
        label=_("File (.csv or .xlsx)"),
        help_text=_(
            "Columns 日期, 类型, 名称. 类型 is 休 (public holiday) or 班 (make-up working day). "
            "The file replaces every entered day of the year."
        ),
    )
    provisional = forms.BooleanField(
        label=_("Provisional"),
        required=False,
        help_text=_("Tick when the schedule is an estimate, not yet published by the State Council."),
    )


class WorkingDayCheckForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput(), validators=[within_sane_span])
    days = forms.IntegerField(label=_("Working days"), min_value=0, max_value=400)


class EventFilterForm(forms.Form):
    kind = forms.CharField(label=_("Kind"), max_length=64, required=False)
    actor = forms.CharField(label=_("Actor"), max_length=150, required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=DateInput(), validators=[within_sane_span]
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=DateInput(), validators=[within_sane_span]
    )
    security = forms.BooleanField(label=_("Security events only"), required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data
