"""Pages of a deputy group's year of work: the yearly plan, recording an activity with its attendance,
correcting it, the log of every group's activities, and the Excel exports.

Who reads: everyone who can see the group (its members, its leader, the staff tree). Who records: the
group's leader and the deputy-affairs staff of its congress (org.services.group_work.can_record_for_group);
anyone else who can see the group gets a 403, and a group outside the reader's scope is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lvzhi.core.errors import ServiceError
from lvzhi.core.params import parse_year

from . import exports_groups, selectors
from .forms_groups import AttendanceForm, GroupActivityForm, PlanItemForm, plan_items_for
from .models_groups import GroupAttendance, GroupWorkKind
from .refusals import refuse_in_message, refuse_on_form
from .selectors_groups import (
    ActivityFilters,
    group_activities_visible_to,
    group_activity_search,
    group_plan_items_visible_to,
    group_year,
    with_tally,
)
from .services import group_work
from .services.group_work import can_record_for_group, roster_on

PAGE_SIZE = 50


def year_of(request) -> int:
    """The year a group page shows: ?year= within ten years back and one ahead, else this year."""
    this = timezone.localdate().year
    return parse_year(request.GET.get("year"), this - 10, this + 1) or this


def _recordable_group(request, pk: int):
    group = get_object_or_404(selectors.group_list_visible_to(user=request.user), pk=pk)
    if not can_record_for_group(request.user, group):
        raise PermissionDenied(
            _("Only the group's leader or the deputy-affairs staff of its congress may record its work.")
        )
    return group


def _form_page(request, *, form, title: str, back: str, intro: str = "", status: int = 200):
    context = {
        "form": form,
        "title": title,
        "back": back,
        "submit": _("Save"),
        "intro": intro,
        "events": None,
    }
    return render(request, "org/manage_form.html", context, status=status)


# --- the yearly plan -----------------------------------------------------------------------------
@login_required
def group_plan_add(request, pk: int):
    group = _recordable_group(request, pk)
    year = year_of(request)
    form = PlanItemForm(request.POST or None, initial={"year": year, "month": timezone.localdate().month})
    if request.method == "POST" and form.is_valid():
        try:
            item = group_work.group_plan_item_add(actor=request.user, group=group, **form.cleaned_data)
        except ServiceError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, _("Planned activity added."))
            return redirect(reverse("org:group_detail", args=[group.pk]) + f"?year={item.year}#plan")
    return _form_page(
        request,
        form=form,
        title=_("Add to the yearly plan of %(group)s") % {"group": group.name},
        back=reverse("org:group_detail", args=[group.pk]),
        status=400 if form.errors else 200,
    )


@login_required
def plan_item_edit(request, pk: int):
    item = get_object_or_404(group_plan_items_visible_to(user=request.user), pk=pk)
    if not can_record_for_group(request.user, item.group):
        raise PermissionDenied
    back = reverse("org:group_detail", args=[item.group_id]) + f"?year={item.year}#plan"
    form = PlanItemForm(
        request.POST or None,
        with_year=False,
        initial={"month": item.month, "kind": item.kind, "topic": item.topic, "note": item.note},
    )
    if request.method == "POST" and form.is_valid():
        try:
            group_work.group_plan_item_update(actor=request.user, item=item, **form.cleaned_data)
        except ServiceError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, _("Planned activity saved."))
            return redirect(back)
    return render(
        request,
        "org/group_plan_item.html",
        {"form": form, "item": item, "back": back},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def plan_item_remove(request, pk: int):
    item = get_object_or_404(group_plan_items_visible_to(user=request.user), pk=pk)
    back = reverse("org:group_detail", args=[item.group_id]) + f"?year={item.year}#plan"
    try:
        group_work.group_plan_item_remove(actor=request.user, item=item)
    except ServiceError as exc:
        refuse_in_message(request, exc)
    else:
        messages.success(request, _("Planned activity removed."))
    return redirect(back)


# --- recording an activity -------------------------------------------------------------------------
@login_required
def group_activity_new(request, pk: int):
    group = _recordable_group(request, pk)
    today = timezone.localdate()
    plan_items = plan_items_for(group)
    chosen = next((p for p in plan_items if str(p.pk) == request.GET.get("plan")), None)
    initial = {"date": today}
    if chosen is not None:
        initial |= {"plan_item": chosen.pk, "kind": chosen.kind, "topic": chosen.topic}
    form = GroupActivityForm(request.POST or None, plan_items=plan_items, initial=initial)
    # The roster is the members on the date typed (today until a valid date is given).
    day = today
    if request.method == "POST" and form.is_valid():
        day = form.cleaned_data["date"]
    roster = roster_on(group, min(day, today))
    attendance = AttendanceForm(request.POST or None, roster=roster)
    if request.method == "POST" and form.is_valid() and attendance.is_valid():
        present, leave, notes = attendance.marks()
        try:
            activity = group_work.group_activity_record(
                actor=request.user,
                group=group,
                present=present,
                on_leave=leave,
                leave_notes=notes,
                **form.cleaned_data,
            )
        except ServiceError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, _("Activity recorded; it counts for each member present."))
            return redirect("org:group_activity_detail", activity.pk)
    return render(
        request,
        "org/group_activity_form.html",
        {"group": group, "form": form, "attendance": attendance, "title": _("Record a group activity")},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def group_activity_detail(request, pk: int):
    user = request.user
    activity = get_object_or_404(with_tally(group_activities_visible_to(user=user)), pk=pk)
    readable = selectors.mandate_list_visible_to(user=user).values("pk")
    rows = (
        GroupAttendance.objects.filter(activity=activity, mandate__in=readable)
        .select_related("mandate__person", "mandate__congress")
        .order_by("status", "mandate__person__name", "pk")
    )
    from lvzhi.core.audit import timeline_for

    return render(
        request,
        "org/group_activity_detail.html",
        {
            "activity": activity,
            "group": activity.group,
            "rows": rows,
            "can_record": can_record_for_group(user, activity.group),
            "events": timeline_for(activity.group).filter(payload__group_activity=activity.pk)[:30],
        },
    )


@login_required
def group_activity_edit(request, pk: int):
    activity = get_object_or_404(group_activities_visible_to(user=request.user), pk=pk)
    if not can_record_for_group(request.user, activity.group):
        raise PermissionDenied
    form = GroupActivityForm(
        request.POST or None,
        with_date=False,
        plan_items=plan_items_for(activity.group, activity.date.year),
        initial={
            "kind": activity.kind,
            "topic": activity.topic,
            "place": activity.place,
            "notes": activity.notes,
            "plan_item": activity.plan_item_id,
        },
    )
    back = reverse("org:group_activity_detail", args=[activity.pk])
    if request.method == "POST" and form.is_valid():
        try:
            group_work.group_activity_update(actor=request.user, activity=activity, **form.cleaned_data)
        except ServiceError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, _("Activity saved."))
            return redirect(back)
    return _form_page(
        request,
        form=form,
        title=activity.topic,
        back=back,
        intro=_("The date stays as recorded: the attendance and the counts hang on it."),
        status=400 if form.errors else 200,
    )


@login_required
def group_activity_attendance(request, pk: int):
    activity = get_object_or_404(group_activities_visible_to(user=request.user), pk=pk)
    if not can_record_for_group(request.user, activity.group):
        raise PermissionDenied
    rows = list(
        GroupAttendance.objects.filter(activity=activity)
        .select_related("mandate__person")
        .order_by("mandate__person__name", "pk")
    )
    roster = [r.mandate for r in rows]
    current = {r.mandate_id: (r.status, r.note) for r in rows}
    form = AttendanceForm(request.POST or None, roster=roster, current=current)
    if request.method == "POST" and form.is_valid():
        present, leave, notes = form.marks()
        try:
            changed = group_work.group_attendance_set(
                actor=request.user, activity=activity, present=present, on_leave=leave, leave_notes=notes
            )
        except ServiceError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(
                request,
                _("Attendance saved (%(n)s changed).") % {"n": len(changed)}
                if changed
                else _("Attendance saved."),
            )
            return redirect("org:group_activity_detail", activity.pk)
    return render(
        request,
        "org/group_activity_attendance.html",
        {"activity": activity, "group": activity.group, "attendance": form},
        status=400 if form.errors else 200,
    )


# --- every group's activities ------------------------------------------------------------------------
@login_required
def group_activity_list(request):
    user = request.user
    filters = ActivityFilters.from_query(request.GET)
    qs = group_activity_search(user=user, filters=filters)
    if request.GET.get("format") == "xlsx":
        data = exports_groups.activities_workbook(
            actor=user, activities=list(qs[: exports_groups.MAX_ROWS]), request=request, filters=filters
        )
        return _xlsx(data, "group-activities.xlsx")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    groups = selectors.group_list_visible_to(user=user)
    if filters.congress_id:
        groups = groups.filter(congress_id=filters.congress_id)
    this = timezone.localdate().year
    return render(
        request,
        "org/group_activity_list.html",
        {
            "page": page,
            "f": filters,
            "congresses": selectors.congress_list_visible_to(user=user)
            .filter(groups__isnull=False)
            .distinct(),
            "groups": groups.order_by("congress__path", "name")[:300],
            "kinds": GroupWorkKind.choices,
            "years": list(range(this, this - 5, -1)),
            "months": range(1, 13),
        },
    )


@login_required
def group_year_export(request, pk: int):
    """The group's year as an Excel workbook: the plan (planned vs held), the log, members' attendance."""
    group = get_object_or_404(selectors.group_list_visible_to(user=request.user), pk=pk)
    year = year_of(request)
    data = exports_groups.group_year_workbook(
        actor=request.user, year=group_year(user=request.user, group=group, year=year), request=request
    )
    return _xlsx(data, f"group-{group.pk}-{year}.xlsx")


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=exports_groups.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
