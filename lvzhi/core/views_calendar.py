"""Pages of the working-day calendar: the year view, a day's form, the year import, the export.

Who may do what (see lvzhi.core.permissions): the calendar is national data. Any deputy-affairs staff
member and the site administrator may view it; only the site administrator or staff of a city-level or
higher congress may add, change, delete or import days. Everyone else gets 403.
Views parse input, call one service, and render.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from . import services_calendar
from .calendar import add_working_days, local_today, missing_calendar_years
from .calendar_files import calendar_year_csv
from .errors import ServiceError
from .forms import YEAR_MAX, YEAR_MIN, CalendarDayForm, CalendarImportForm, WorkingDayCheckForm
from .models import CalendarDay
from .params import clean_query, parse_date, parse_id
from .permissions import can_edit_calendar, can_view_calendar


def _require_view(request) -> None:
    if not can_view_calendar(request.user):
        raise PermissionDenied(_("The calendar is for deputy-affairs staff."))


def _require_edit(request) -> None:
    if not can_edit_calendar(request.user):
        raise PermissionDenied(
            _(
                "Only the site administrator or staff of a city-level or higher congress may edit the calendar."
            )
        )


def _year_from(request, default: int) -> tuple[int, bool]:
    raw = (request.GET.get("year") or "").strip()
    if not raw:
        return default, True
    year = parse_id(raw)
    if year is not None and YEAR_MIN <= year <= YEAR_MAX:
        return year, True
    return default, False


def _year_url(year: int) -> str:
    return f"{reverse('core:calendar')}?year={year}"


def _apply_error(form, exc: ServiceError) -> None:
    if exc.field and exc.field in form.fields:
        form.add_error(exc.field, exc.message)
    else:
        form.add_error(None, exc.message)


@login_required
def calendar_year(request):
    _require_view(request)
    today = local_today()
    year, valid = _year_from(request, today.year)
    if not valid:
        messages.warning(
            request,
            _("“%(value)s” is not a year between %(min)s and %(max)s; showing %(year)s.")
            % {
                "value": clean_query(request.GET.get("year"), 20),
                "min": YEAR_MIN,
                "max": YEAR_MAX,
                "year": year,
            },
        )
    days = list(CalendarDay.objects.filter(date__year=year).order_by("date"))
    entered_years = sorted({d.year for d in CalendarDay.objects.dates("date", "year")} | {today.year})
    published = any(d.kind == CalendarDay.Kind.HOLIDAY and not d.provisional for d in days)

    check = WorkingDayCheckForm(request.GET if "start" in request.GET else None)
    check_result = None
    if check.is_bound and check.is_valid():
        check_result = add_working_days(check.cleaned_data["start"], check.cleaned_data["days"])

    return render(
        request,
        "core/calendar.html",
        {
            "year": year,
            "days": days,
            "holidays": sum(d.kind == CalendarDay.Kind.HOLIDAY for d in days),
            "workdays": sum(d.kind == CalendarDay.Kind.WORKDAY for d in days),
            "provisional_count": sum(d.provisional for d in days),
            "published": published,
            "missing_years": missing_calendar_years(today),
            "entered_years": entered_years,
            "previous_year": year - 1 if year > YEAR_MIN else None,
            "next_year": year + 1 if year < YEAR_MAX else None,
            "can_edit": can_edit_calendar(request.user),
            "check": check,
            "check_result": check_result,
        },
    )


@login_required
def calendar_day_add(request):
    _require_edit(request)
    form = CalendarDayForm(request.POST or None, initial={"date": parse_date(request.GET.get("date"))})
    if request.method == "POST" and form.is_valid():
        try:
            day = services_calendar.calendar_day_create(actor=request.user, **form.cleaned_data)
        except ServiceError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("%(date)s added.") % {"date": day.date.isoformat()})
            return redirect(_year_url(day.date.year))
    return render(request, "core/calendar_day_form.html", {"form": form, "day": None})


@login_required
def calendar_day_edit(request, pk: int):
    _require_edit(request)
    day = get_object_or_404(CalendarDay, pk=pk)
    form = CalendarDayForm(
        request.POST or None,
        initial={"date": day.date, "kind": day.kind, "name": day.name, "provisional": day.provisional},
    )
    if request.method == "POST" and form.is_valid():
        try:
            day = services_calendar.calendar_day_update(actor=request.user, day=day, **form.cleaned_data)
        except ServiceError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("%(date)s saved.") % {"date": day.date.isoformat()})
            return redirect(_year_url(day.date.year))
    return render(request, "core/calendar_day_form.html", {"form": form, "day": day})


@login_required
def calendar_day_delete(request, pk: int):
    _require_edit(request)
    day = get_object_or_404(CalendarDay, pk=pk)
    if request.method == "POST":
        try:
            services_calendar.calendar_day_delete(actor=request.user, day=day)
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("%(date)s removed from the calendar.") % {"date": day.date.isoformat()}
            )
        return redirect(_year_url(day.date.year))
    return render(request, "core/calendar_day_delete.html", {"day": day})


@login_required
def calendar_import(request):
    _require_edit(request)
    default_year, _valid = _year_from(request, local_today().year + 1)
    form = CalendarImportForm(request.POST or None, request.FILES or None, initial={"year": default_year})
    row_errors, import_error = [], ""
    if request.method == "POST" and form.is_valid():
        try:
            summary = services_calendar.calendar_year_import(
                actor=request.user,
                year=form.cleaned_data["year"],
                file=form.cleaned_data["file"],
                provisional=form.cleaned_data["provisional"],
            )
        except services_calendar.CalendarImportError as exc:
            row_errors, import_error = exc.errors, exc.message
        except ServiceError as exc:
            _apply_error(form, exc)
        else:
            messages.success(
                request,
                _(
                    "%(year)s imported: %(holidays)d public holidays and %(workdays)d make-up working days "
                    "(%(removed)d earlier entries replaced)."
                )
                % {
                    "year": summary.year,
                    "holidays": summary.holidays,
                    "workdays": summary.workdays,
                    "removed": summary.removed,
                },
            )
            return redirect(_year_url(summary.year))
    return render(
        request,
        "core/calendar_import.html",
        {"form": form, "row_errors": row_errors, "import_error": import_error},
    )


@login_required
def calendar_export(request):
    _require_view(request)
    year, valid = _year_from(request, local_today().year)
    if not valid:
        return redirect("core:calendar")
    # A BOM, so Excel opens the UTF-8 file with the Chinese intact.
    response = HttpResponse("\ufeff" + calendar_year_csv(year), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="calendar-{year}.csv"'
    return response
