"""Reception-day pages (接待日) of staff, station staff and deputies.

- /stations/reception/                        the list: staff their tree, station staff their station, deputies
                                              their own days; filter, page, Excel;
- /stations/reception/schedule/               schedule a month: pick a station and a month, see what the rules
                                              give, adjust, confirm;
- /stations/reception/new/                    add one day by hand;
- /stations/reception/coverage/deputies/      deputies in no station; /coverage/stations/ stations with no
                                              reception day in a month (both filter, page, Excel);
- /stations/reception-days/<pk>/…             a day: its page, change, cancel, record, opinions taken;
- /stations/<pk>/reception/                   a station's month; /stations/<pk>/rules/new/ a rule;
- /stations/reception-rules/<pk>/…            change or end a rule, cancel or move one of its dates;
- /stations/reception-exceptions/<pk>/delete/ remove such a change.

Every page reads through selectors_reception (a record outside the reader's scope is a 404) and writes through
services_reception (a refused step is put back on the form, which keeps what was typed).
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lvzhi.core.audit import timeline_for
from lvzhi.core.errors import ServiceError
from lvzhi.core.params import clean_query, parse_date, parse_id
from lvzhi.opinions.codes import public_base_url
from lvzhi.opinions.models import Opinion
from lvzhi.opinions.selectors_triage import triage_list_visible_to
from lvzhi.org import selectors as org_selectors
from lvzhi.org.roles import Role
from lvzhi.org.scope import scope_for

from . import exports
from . import services_reception as services
from .forms_reception import (
    CancelForm,
    DayForm,
    DayOpinionForm,
    ExceptionForm,
    MonthPlanForm,
    RecordForm,
    RuleEndForm,
    RuleForm,
)
from .models import ReceptionDay, ReceptionRule, Station
from .permissions import can_manage_reception
from .schedule import describe_rule, month_bounds, month_proposals, parse_month, rules_of, shift_month
from .selectors import station_list_visible_to
from .selectors_reception import (
    DayFilters,
    attendance_of,
    reception_day_search,
    reception_days_visible_to,
    reception_exceptions_visible_to,
    reception_rules_visible_to,
    station_deputies_now,
    stations_managed_for_reception,
    stations_without_reception,
    unassigned_counts,
    unassigned_deputies,
)

PAGE_SIZE = 50


def _refuse(form, exc: ServiceError) -> None:
    if exc.status == 403:
        raise PermissionDenied(exc.message)
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _month_of(request, default: dt.date | None = None) -> tuple[int, int]:
    parsed = parse_month(request.GET.get("month"))
    if parsed:
        return parsed
    day = default or timezone.localdate()
    return day.year, day.month


def _month_label(year: int, month: int) -> str:
    return _("%(year)d-%(month)02d") % {"year": year, "month": month}


def _may_see_coverage(user) -> bool:
    s = scope_for(user)
    return s.is_admin or Role.STAFF in s.roles or Role.CHAIR in s.roles


# --- the list ---------------------------------------------------------------------------------------------
PERIODS = ("upcoming", "past", "all")


@login_required
def reception_list(request):
    user = request.user
    today = timezone.localdate()
    s = scope_for(user)
    period = request.GET.get("period") if request.GET.get("period") in PERIODS else "upcoming"
    month = parse_month(request.GET.get("month"))
    station_id = parse_id(request.GET.get("station"))
    congress_id = parse_id(request.GET.get("congress"))
    status = request.GET.get("status", "")
    status = status if status in ReceptionDay.Status.values else ""
    mine = request.GET.get("mine") == "1" and bool(s.mandate_ids)
    # A range of dates (the dashboards link a station's days held in their period); a month, if also given,
    # wins.
    since, until = parse_date(request.GET.get("since")), parse_date(request.GET.get("until"))
    if month:
        since = until = None
    elif since or until:
        period = "all"
    start, end = since, until
    if month:
        start, end = month_bounds(*month)
    elif period == "upcoming":
        start = today
    elif period == "past":
        end = today - dt.timedelta(days=1)
    filters = DayFilters(
        congress_id=congress_id, station_id=station_id, status=status, start=start, end=end, mine=mine
    )
    qs = reception_day_search(user=user, filters=filters)
    newest_first = period != "upcoming" and not month
    order = ("-date", "-start_time", "-pk") if newest_first else ("date", "start_time", "pk")
    qs = qs.order_by(*order)
    if request.GET.get("format") == "xlsx":
        title = _("Reception days")
        what = {
            "list": "reception_days",
            "period": period,
            "month": f"{month[0]:04d}-{month[1]:02d}" if month else "",
            "since": since.isoformat() if since else "",
            "until": until.isoformat() if until else "",
            "station": station_id,
            "congress": congress_id,
            "status": status,
        }
        return exports.days_response(actor=user, days=qs, title=title, what=what, request=request)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    visible_stations = station_list_visible_to(user=user).filter(
        pk__in=reception_days_visible_to(user=user).values("station_id")
    )
    managed = stations_managed_for_reception(user=user)
    return render(
        request,
        "stations/reception/list.html",
        {
            "page": page,
            "period": period,
            "periods": [
                ("upcoming", _("Upcoming")),
                ("past", _("Past")),
                ("all", _("All")),
            ],
            "month": f"{month[0]:04d}-{month[1]:02d}" if month else "",
            "since": since,
            "until": until,
            "without_dates": _with(request, since=None, until=None, page=None),
            "station_id": station_id,
            "congress_id": congress_id,
            "status": status,
            "statuses": ReceptionDay.Status.choices,
            "mine": mine,
            "is_deputy": bool(s.mandate_ids),
            "stations": visible_stations.order_by("congress__path", "name")[:500],
            "congresses": org_selectors.congress_list_visible_to(user=user).filter(
                pk__in=visible_stations.values("congress_id")
            ),
            "may_schedule": managed.exists(),
            "may_see_coverage": _may_see_coverage(user),
            "export_query": _with(request, format="xlsx", page=None),
            "today": today,
        },
    )


def _with(request, **changes) -> str:
    params = request.GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


# --- scheduling a month ---------------------------------------------------------------------------------
def _proposal_choices(form: MonthPlanForm, proposals) -> dict[str, services.Choice]:
    choices = {}
    for i, p in enumerate(proposals):
        if not p.is_new:
            continue
        data = form.cleaned_data
        choices[p.key] = services.Choice(
            include=bool(data.get(f"include_{i}")),
            date=data.get(f"date_{i}"),
            start_time=data.get(f"start_{i}"),
            end_time=data.get(f"end_{i}"),
            theme=data.get(f"theme_{i}") if f"theme_{i}" in data else None,
        )
    return choices


@login_required
@require_http_methods(["GET", "POST"])
def schedule_month(request):
    user = request.user
    managed = list(stations_managed_for_reception(user=user).order_by("congress__path", "name"))
    if not managed:
        raise PermissionDenied
    raw_station = request.GET.get("station") or request.POST.get("station")
    station_id = parse_id(raw_station)
    station = next((x for x in managed if x.pk == station_id), None)
    year, month = _month_of(request)
    if request.method == "POST":
        posted = parse_month(request.POST.get("month"))
        if posted:
            year, month = posted
    context = {
        "managed": managed,
        "station": station,
        "month": f"{year:04d}-{month:02d}",
        "month_label": _month_label(year, month),
        "bad_station": raw_station not in (None, "") and station is None,
    }
    if station is None:
        return render(request, "stations/reception/schedule.html", context)
    proposals = month_proposals(station, year, month)
    form = MonthPlanForm(request.POST or None, proposals=proposals)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                done = services.reception_month_confirm(
                    actor=user,
                    station=station,
                    year=year,
                    month=month,
                    choices=_proposal_choices(form, proposals),
                )
            except ServiceError as exc:
                if exc.status == 403:
                    raise PermissionDenied(exc.message) from None
                index = next((i for i, p in enumerate(proposals) if p.key == exc.field), None)
                field = f"date_{index}" if index is not None and f"date_{index}" in form.fields else None
                form.add_error(field, exc.message)
            else:
                messages.success(
                    request,
                    _("%(planned)d reception days planned, %(cancelled)d recorded as cancelled.")
                    % {"planned": len(done.planned), "cancelled": len(done.cancelled)},
                )
                url = reverse("stations:station_reception", args=[station.pk])
                return redirect(f"{url}?month={year:04d}-{month:02d}")
    prev_y, prev_m = shift_month(year, month, -1)
    next_y, next_m = shift_month(year, month, 1)
    context.update(
        {
            "form": form,
            "rows": form.bound_rows(),
            "rules": [(r, describe_rule(r)) for r in rules_of(station, year, month)],
            "new_count": sum(1 for p in proposals if p.is_new),
            "prev_month": f"{prev_y:04d}-{prev_m:02d}",
            "next_month": f"{next_y:04d}-{next_m:02d}",
        }
    )
    return render(request, "stations/reception/schedule.html", context, status=status)


# --- one day by hand -------------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def day_add(request):
    user = request.user
    managed = list(stations_managed_for_reception(user=user).order_by("congress__path", "name"))
    if not managed:
        raise PermissionDenied
    raw_station = request.GET.get("station")
    station = next((x for x in managed if x.pk == parse_id(raw_station)), None)
    if station is None:
        return render(
            request,
            "stations/reception/day_add.html",
            {"managed": managed, "station": None, "bad_station": bool(raw_station)},
        )
    deputies = station_deputies_now(station)
    initial = {"date": parse_date(request.GET.get("date")) or timezone.localdate()}
    initial |= {"start_time": dt.time(9, 0), "end_time": dt.time(11, 30)}
    form = DayForm(request.POST or None, initial=initial, deputies=deputies)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                day = services.reception_day_add(actor=user, station=station, **form.cleaned_data)
            except ServiceError as exc:
                _refuse(form, exc)
            else:
                messages.success(request, _("Reception day added."))
                return redirect("stations:reception_day", day.pk)
    return render(
        request,
        "stations/reception/day_add.html",
        {"managed": managed, "station": station, "form": form},
        status=status,
    )


# --- a day ------------------------------------------------------------------------------------------------
def _day(request, pk: int) -> ReceptionDay:
    return get_object_or_404(reception_days_visible_to(user=request.user), pk=pk)


def _managed_day(request, pk: int) -> ReceptionDay:
    day = _day(request, pk)
    if not can_manage_reception(request.user, day.station):
        raise PermissionDenied
    return day


@login_required
def day_detail(request, pk: int):
    user = request.user
    day = _day(request, pk)
    can_manage = can_manage_reception(user, day.station)
    links = list(day.opinion_links.select_related("opinion").order_by("opinion__created_at", "pk"))
    readable = set(
        triage_list_visible_to(user=user)
        .filter(pk__in=[link.opinion_id for link in links])
        .values_list("pk", flat=True)
    )
    linkable = []
    if can_manage and day.status != ReceptionDay.Status.CANCELLED:
        linkable = list(services.linkable_opinions(day)[:20])
    today = timezone.localdate()
    return render(
        request,
        "stations/reception/day_detail.html",
        {
            "day": day,
            "attendance": attendance_of(day),
            "links": [(link, link.opinion_id in readable) for link in links],
            "linkable": linkable,
            "can_manage": can_manage,
            "is_past": day.date <= today,
            "events": timeline_for(day)[:50],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def day_edit(request, pk: int):
    day = _managed_day(request, pk)
    deputies = station_deputies_now(day.station)
    scheduled = [a.mandate_id for a in day.attendance.all() if a.scheduled]
    initial = {
        "date": day.date,
        "start_time": day.start_time,
        "end_time": day.end_time,
        "theme": day.theme,
        "deputies": scheduled,
    }
    form = DayForm(request.POST or None, initial=initial, deputies=deputies)
    return _planned_day_step(
        request,
        day,
        form,
        run=lambda data: services.reception_day_update(actor=request.user, day=day, **data),
        done=_("Reception day saved."),
        title=_("Change the reception day"),
        submit=_("Save"),
    )


def _planned_day_step(request, day, form, *, run, done, title, submit):
    """A form step on a planned day: run the service on a valid POST, else show the form (kept, with its
    errors; 400 after a refused POST); a day no longer planned shows the form closed."""
    status = 200
    if request.method == "POST" and day.status == ReceptionDay.Status.PLANNED:
        status = 400
        if form.is_valid():
            try:
                run(form.cleaned_data)
            except ServiceError as exc:
                _refuse(form, exc)
            else:
                messages.success(request, done)
                return redirect("stations:reception_day", day.pk)
    return render(
        request,
        "stations/reception/day_form.html",
        {
            "day": day,
            "form": form,
            "title": title,
            "open": day.status == ReceptionDay.Status.PLANNED,
            "submit": submit,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def day_cancel(request, pk: int):
    day = _managed_day(request, pk)
    return _planned_day_step(
        request,
        day,
        CancelForm(request.POST or None),
        run=lambda data: services.reception_day_cancel(actor=request.user, day=day, reason=data["reason"]),
        done=_("Reception day cancelled."),
        title=_("Cancel the reception day"),
        submit=_("Cancel the reception day"),
    )


def _record_choices(day: ReceptionDay) -> set[int]:
    """The deputies a record may tick: those of the day, and the station's serving deputies."""
    on_day = set(day.attendance.values_list("mandate_id", flat=True))
    return on_day | set(station_deputies_now(day.station).values_list("pk", flat=True))


@login_required
@require_http_methods(["GET", "POST"])
def day_record(request, pk: int):
    from lvzhi.org.models import Mandate

    day = _managed_day(request, pk)
    choices = (
        Mandate.objects.filter(pk__in=_record_choices(day))
        .select_related("person", "congress")
        .order_by("congress__path", "person__name", "pk")
    )
    rows = day.attendance.all()
    if day.status == ReceptionDay.Status.HELD:
        came = [a.mandate_id for a in rows if a.attended]
    else:
        came = [a.mandate_id for a in rows if a.scheduled]
    initial = {
        "attended": came,
        "citizens_count": day.citizens_count,
        "notes": day.notes,
        "follow_up": day.follow_up,
    }
    form = RecordForm(request.POST or None, initial=initial, deputies=choices)
    today = timezone.localdate()
    open_ = day.status != ReceptionDay.Status.CANCELLED and day.date <= today
    status = 200
    if request.method == "POST" and open_:
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.reception_day_record(
                    actor=request.user,
                    day=day,
                    attended=list(data["attended"]),
                    citizens_count=data["citizens_count"],
                    notes=data["notes"],
                    follow_up=data["follow_up"],
                )
            except ServiceError as exc:
                _refuse(form, exc)
            else:
                messages.success(
                    request,
                    _("Reception day recorded; the deputies who came count it as receiving citizens."),
                )
                return redirect("stations:reception_day", day.pk)
    return render(
        request,
        "stations/reception/day_record.html",
        {"day": day, "form": form, "open": open_, "not_yet": day.date > today},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def day_opinion(request, pk: int):
    from lvzhi.org.models import Mandate

    day = _managed_day(request, pk)
    mandates = list(
        Mandate.objects.filter(reception_attendance__day=day)
        .select_related("person", "congress")
        .order_by("congress__path", "person__name", "pk")
    )
    today = timezone.localdate()
    open_ = day.status != ReceptionDay.Status.CANCELLED and day.date <= today
    form = DayOpinionForm(request.POST or None, mandates=mandates)
    status = 200
    if request.method == "POST" and open_:
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            mandate_id = parse_id(data.get("mandate"))
            mandate = next((m for m in mandates if m.pk == mandate_id), None)
            try:
                done = services.reception_day_enter_opinion(
                    actor=request.user,
                    day=day,
                    mandate=mandate,
                    kind=data["kind"],
                    category=data["category"],
                    content=data["content"],
                    consent=data["consent"],
                    place=data["place"],
                    citizen_name=data["citizen_name"],
                    phone=data["phone"],
                    wants_callback=data["wants_callback"],
                    preferred_times=data["preferred_times"],
                    urgent=data["urgent"],
                )
            except ServiceError as exc:
                _refuse(form, exc)
            else:
                follow = public_base_url(request) + reverse("opinions:status", kwargs={"key": done.key})
                return render(
                    request,
                    "stations/reception/opinion_entered.html",
                    {"day": day, "opinion": done.opinion, "follow_url": follow, "duplicate": done.duplicate},
                )
    return render(
        request,
        "stations/reception/day_opinion.html",
        {"day": day, "form": form, "open": open_, "not_yet": day.date > today},
        status=status,
    )


@login_required
@require_POST
def day_link_opinion(request, pk: int):
    day = _managed_day(request, pk)
    opinion_id = parse_id(request.POST.get("opinion"))
    opinion = Opinion.objects.filter(pk=opinion_id).first() if opinion_id else None
    if opinion is None:
        messages.error(request, _("That opinion was not found."))
    else:
        try:
            services.reception_day_link_opinion(actor=request.user, day=day, opinion=opinion)
        except ServiceError as exc:
            if exc.status == 403:
                raise PermissionDenied(exc.message) from None
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Opinion linked to the reception day."))
    return redirect("stations:reception_day", day.pk)


# --- a station's month ----------------------------------------------------------------------------------
@login_required
def station_month(request, pk: int):
    user = request.user
    station = get_object_or_404(station_list_visible_to(user=user), pk=pk)
    year, month = _month_of(request)
    first, last = month_bounds(year, month)
    days = list(
        station.reception_days.filter(date__gte=first, date__lte=last)
        .prefetch_related("attendance__mandate__person")
        .order_by("date", "start_time", "pk")
    )
    openable = set(
        reception_days_visible_to(user=user).filter(pk__in=[d.pk for d in days]).values_list("pk", flat=True)
    )
    by_date: dict[dt.date, list] = {}
    for d in days:
        by_date.setdefault(d.date, []).append(d)
    weeks = []
    for week in _calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append([(d, d.month == month, by_date.get(d, [])) for d in week])
    can_manage = can_manage_reception(user, station)
    preview = []
    if can_manage:
        preview = [p for p in month_proposals(station, year, month) if p.is_new]
    prev_y, prev_m = shift_month(year, month, -1)
    next_y, next_m = shift_month(year, month, 1)
    return render(
        request,
        "stations/reception/station_month.html",
        {
            "station": station,
            "days": [(d, d.pk in openable) for d in days],
            "openable": openable,
            "weeks": weeks,
            "month": f"{year:04d}-{month:02d}",
            "month_label": _month_label(year, month),
            "prev_month": f"{prev_y:04d}-{prev_m:02d}",
            "next_month": f"{next_y:04d}-{next_m:02d}",
            "can_manage": can_manage,
            "unconfirmed": len(preview),
            "today": timezone.localdate(),
            "weekday_names": [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")],
        },
    )


# --- rules and their exceptions -------------------------------------------------------------------------
def _rule_form_values(data) -> dict:
    return {
        "kind": data["kind"],
        "day": data.get("day"),
        "nth": data.get("nth"),
        "weekday": data.get("weekday"),
        "months": data.get("months") or [],
        "start_time": data["start_time"],
        "end_time": data["end_time"],
        "theme": data.get("theme", ""),
        "deputies": list(data.get("deputies") or []),
        "valid_from": data["valid_from"],
        "valid_to": data.get("valid_to"),
        "day_off_policy": data["day_off_policy"],
    }


@login_required
@require_http_methods(["GET", "POST"])
def rule_add(request, pk: int):
    station = get_object_or_404(station_list_visible_to(user=request.user), pk=pk)
    if not can_manage_reception(request.user, station):
        raise PermissionDenied
    deputies = station_deputies_now(station)
    initial = {
        "kind": ReceptionRule.Kind.MONTHLY_DAY,
        "day": 15,
        "start_time": dt.time(9, 0),
        "end_time": dt.time(11, 30),
        "valid_from": timezone.localdate().replace(day=1),
        "day_off_policy": ReceptionRule.DayOff.NEXT,
    }
    form = RuleForm(request.POST or None, initial=initial, deputies=deputies)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.reception_rule_create(
                    actor=request.user, station=station, **_rule_form_values(form.cleaned_data)
                )
            except ServiceError as exc:
                _refuse(form, exc)
            else:
                messages.success(request, _("Reception rule added."))
                return redirect("stations:detail", station.pk)
    return render(
        request,
        "stations/reception/rule_form.html",
        {"station": station, "form": form, "title": _("New reception rule")},
        status=status,
    )


def _managed_rule(request, pk: int) -> ReceptionRule:
    rule = get_object_or_404(reception_rules_visible_to(user=request.user), pk=pk)
    if not can_manage_reception(request.user, rule.station):
        raise PermissionDenied
    return rule


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request, pk: int):
    rule = _managed_rule(request, pk)
    station = rule.station
    initial = {
        "kind": rule.kind,
        "day": rule.day,
        "nth": rule.nth,
        "weekday": rule.weekday,
        "months": [str(m) for m in rule.month_list],
        "start_time": rule.start_time,
        "end_time": rule.end_time,
        "theme": rule.theme,
        "deputies": list(rule.deputies.values_list("pk", flat=True)),
        "valid_from": rule.valid_from,
        "valid_to": rule.valid_to,
        "day_off_policy": rule.day_off_policy,
    }
    form = RuleForm(request.POST or None, initial=initial, deputies=station_deputies_now(station))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.reception_rule_update(
                    actor=request.user, rule=rule, **_rule_form_values(form.cleaned_data)
                )
            except ServiceError as exc:
                _refuse(form, exc)
            else:
                messages.success(request, _("Reception rule saved."))
                return redirect("stations:detail", station.pk)
    return render(
        request,
        "stations/reception/rule_form.html",
        {
            "station": station,
            "form": form,
            "rule": rule,
            "title": describe_rule(rule),
            "end_form": RuleEndForm(initial={"on": timezone.localdate()}),
            "exceptions": rule.exceptions.order_by("date", "pk"),
        },
        status=status,
    )


@login_required
@require_POST
def rule_end(request, pk: int):
    rule = _managed_rule(request, pk)
    form = RuleEndForm(request.POST)
    if form.is_valid():
        try:
            services.reception_rule_end(actor=request.user, rule=rule, on=form.cleaned_data["on"])
        except ServiceError as exc:
            if exc.status == 403:
                raise PermissionDenied(exc.message) from None
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The rule ends on %(date)s.") % {"date": form.cleaned_data["on"]})
            return redirect("stations:detail", rule.station_id)
    else:
        messages.error(request, _("Enter the rule's last day."))
    return redirect("stations:reception_rule_edit", rule.pk)


@login_required
@require_http_methods(["GET", "POST"])
def exception_add(request, pk: int):
    rule = _managed_rule(request, pk)
    initial = {"date": parse_date(request.GET.get("date")), "action": "cancel"}
    form = ExceptionForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.reception_exception_add(actor=request.user, rule=rule, **form.cleaned_data)
            except ServiceError as exc:
                _refuse(form, exc)
            else:
                messages.success(request, _("The date's change is kept; months confirmed later follow it."))
                return redirect("stations:reception_rule_edit", rule.pk)
    today = timezone.localdate()
    upcoming = []
    y, m = today.year, today.month
    from .schedule import rule_dates

    for _i in range(4):
        upcoming += [d for d in rule_dates(rule, y, m) if d >= today]
        y, m = shift_month(y, m, 1)
    return render(
        request,
        "stations/reception/exception_form.html",
        {"rule": rule, "form": form, "title": describe_rule(rule), "upcoming": upcoming[:12]},
        status=status,
    )


@login_required
@require_POST
def exception_delete(request, pk: int):
    exc_row = get_object_or_404(reception_exceptions_visible_to(user=request.user), pk=pk)
    if not can_manage_reception(request.user, exc_row.rule.station):
        raise PermissionDenied
    try:
        services.reception_exception_remove(actor=request.user, exception=exc_row)
    except ServiceError as exc:
        if exc.status == 403:
            raise PermissionDenied(exc.message) from None
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The manual change was removed."))
    return redirect("stations:reception_rule_edit", exc_row.rule_id)


# --- coverage --------------------------------------------------------------------------------------------
@login_required
def coverage_deputies(request):
    user = request.user
    if not _may_see_coverage(user):
        raise PermissionDenied
    congress_id = parse_id(request.GET.get("congress"))
    q = clean_query(request.GET.get("q"))
    qs = unassigned_deputies(user=user, congress_id=congress_id, q=q).select_related(
        "person", "congress", "electoral_unit"
    )
    if request.GET.get("format") == "xlsx":
        return exports.unassigned_response(
            actor=user,
            mandates=qs,
            title=_("Deputies in no station"),
            what={"list": "deputies_in_no_station", "congress": congress_id},
            request=request,
        )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = unassigned_counts(user=user)
    return render(
        request,
        "stations/reception/coverage_deputies.html",
        {
            "page": page,
            "counts": counts,
            "congress_id": congress_id,
            "q": q,
            "congresses": [c for c, _t, _m in counts],
            "export_query": _with(request, format="xlsx", page=None),
        },
    )


@login_required
def coverage_stations(request):
    user = request.user
    if not _may_see_coverage(user):
        raise PermissionDenied
    year, month = _month_of(request)
    congress_id = parse_id(request.GET.get("congress"))
    kind = request.GET.get("kind", "")
    kind = kind if kind in Station.Kind.values else ""
    qs = stations_without_reception(user=user, year=year, month=month, congress_id=congress_id, kind=kind)
    if request.GET.get("format") == "xlsx":
        return exports.stations_response(
            actor=user,
            stations=qs,
            title=_("Stations with no reception day in %(month)s") % {"month": _month_label(year, month)},
            what={
                "list": "stations_without_reception",
                "month": f"{year:04d}-{month:02d}",
                "congress": congress_id,
            },
            request=request,
        )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    total = station_list_visible_to(user=user).filter(is_active=True)
    if congress_id is not None:
        total = total.filter(congress_id=congress_id)
    if kind:
        total = total.filter(kind=kind)
    prev_y, prev_m = shift_month(year, month, -1)
    next_y, next_m = shift_month(year, month, 1)
    return render(
        request,
        "stations/reception/coverage_stations.html",
        {
            "page": page,
            "total": total.count(),
            "month": f"{year:04d}-{month:02d}",
            "month_label": _month_label(year, month),
            "prev_query": _with(request, month=f"{prev_y:04d}-{prev_m:02d}", page=None),
            "next_query": _with(request, month=f"{next_y:04d}-{next_m:02d}", page=None),
            "congress_id": congress_id,
            "kind": kind,
            "kinds": Station.Kind.choices,
            "congresses": org_selectors.congress_list_visible_to(user=user).filter(
                pk__in=station_list_visible_to(user=user).values("congress_id")
            ),
            "export_query": _with(request, format="xlsx", page=None),
        },
    )


def _prints_posters_of(user, station: Station) -> bool:
    s = scope_for(user)
    return (
        s.is_admin
        or station.pk in s.station_ids
        or any(station.congress.path.startswith(p) for p in s.read_paths)
    )


def station_reception_context(*, user, station: Station) -> dict:
    """What the station page shows of its reception: the rules, the next days, its QR code."""
    from lvzhi.opinions.codes import live_codes_visible_to

    today = timezone.localdate()
    rules = list(station.reception_rules.prefetch_related("deputies__person").order_by("valid_from", "pk"))
    next_days = list(
        station.reception_days.filter(date__gte=today)
        .exclude(status=ReceptionDay.Status.HELD)
        .order_by("date", "start_time", "pk")[:5]
    )
    openable = set(
        reception_days_visible_to(user=user)
        .filter(pk__in=[d.pk for d in next_days])
        .values_list("pk", flat=True)
    )
    code = live_codes_visible_to(user=user).filter(station=station).first()
    return {
        "rules": [(r, describe_rule(r), r.valid_to is None or r.valid_to >= today) for r in rules],
        "next_days": [(d, d.pk in openable) for d in next_days],
        "code": code,
        # As opinions.codes.poster_stations_of decides, without another query: the staff's tree, the station's own.
        "can_print_posters": code is not None and _prints_posters_of(user, station),
        "can_manage_reception": can_manage_reception(user, station),
        "this_month": f"{today.year:04d}-{today.month:02d}",
        "public_calendar": reverse("reception_public:calendar") + "?" + urlencode({"station": station.pk}),
    }
