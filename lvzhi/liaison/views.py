"""Pages of the two contacts: the index (a member's deputies, the office's members and committees), a
member's or committee's page, the deputy's own side, and the assignments (assign one, from a list, end).

Records are fetched through the scoped selectors (404 outside the reader's scope). A POST parses its form,
calls one service and redirects; a refused step shows the form again with what was typed and the message.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from lvzhi.core.audit import timeline_for
from lvzhi.core.errors import ServiceError
from lvzhi.core.params import clean_query, parse_id
from lvzhi.org.models import Mandate
from lvzhi.org.refusals import refuse_on_form
from lvzhi.org.scope import scope_for

from . import exports
from .contactors import (
    Contactor,
    can_assign_for,
    can_log_for,
    committees_of,
    contactor_from_key,
    contactors_for_assigning,
    contactors_read_by,
    members_of,
    own_committees,
    own_member_seats,
)
from .forms import AssignForm, BulkAssignForm, EndForm
from .models import Assignment, Side
from .selectors import (
    MINIMUM_KEY,
    active_on,
    assignments_visible_to,
    board,
    committees_visible_to,
    contacts_visible_to,
    coverage_congresses,
    member_congresses,
    members_visible_to,
    raised_visible_to,
    summaries,
)
from .services import assignments as assignment_services

PAGE_SIZE = 50


def _is_reader(user) -> bool:
    s = scope_for(user)
    return s.is_admin or bool(s.read_paths)


def _minimum_of(congress) -> int:
    from lvzhi.org.congress_settings import setting_for

    return int(setting_for(congress, MINIMUM_KEY))


# --- the index ---------------------------------------------------------------------------------------
@login_required
def index(request):
    """A member sees their deputies; a committee's staff their committee's; the office its members and
    committees (by congress); a deputy who is none of these is sent to its own side."""
    user = request.user
    s = scope_for(user)
    seats, committees = own_member_seats(user), own_committees(user)
    reader = _is_reader(user)
    if not (seats or committees or reader):
        if s.mandate_ids or assignments_visible_to(user=user).exists():
            return redirect("liaison:mine")
        raise PermissionDenied(
            _("This page is for standing-committee members, special committees and their office.")
        )
    own_boards = []
    for c in seats + committees:
        rows = board(assignments=assignments_visible_to(user=user).filter(**c.lookup()))
        own_boards.append({"contactor": c, "rows": rows, "minimum": _minimum_of(c.congress)})
    context = {"own_boards": own_boards, "year": timezone.localdate().year, "is_deputy": bool(s.mandate_ids)}
    if reader:
        congresses = coverage_congresses(user=user)
        congress = _chosen_congress(request, congresses, user)
        side = request.GET.get("side") if request.GET.get("side") in Side.values else ""
        query = clean_query(request.GET.get("q"), 40)
        found = []
        if congress is not None:
            if side != Side.COMMITTEE:
                found += members_of([congress.pk])
            if side != Side.MEMBER:
                found += committees_of([congress.pk])
        if query:
            found = [c for c in found if query in c.name]
        rows = summaries(contactors=found)
        rows.sort(key=lambda r: r.deputies == 0)  # those keeping contact first, each part by name
        if request.GET.get("format") == "xlsx":
            return exports.workbook_response(
                request=request,
                filename="liaison-contactors",
                title=_("Members and committees keeping contact, %(year)s") % {"year": context["year"]}
                + (f" · {congress.name}" if congress else ""),
                headers=[
                    _("Member or committee"),
                    _("Kind"),
                    _("Deputies assigned"),
                    _("Contacts this year"),
                    _("Deputies reached this year"),
                    _("Deputies below the minimum"),
                    _("Last contact"),
                ],
                rows=(
                    (
                        r.contactor.name,
                        Side(r.contactor.side).label,
                        r.deputies,
                        r.contacts_this_year,
                        r.reached_this_year,
                        r.below_minimum,
                        r.last_contact,
                    )
                    for r in rows
                ),
                what={"list": "liaison_contactors", "congress": congress.pk if congress else None},
                widths=(28, 16, 12, 12, 14, 14, 12),
            )
        waiting = raised_visible_to(user=user).filter(state="awaiting_entry")
        if congress is not None:
            waiting = waiting.filter(congress=congress)
        context.update(
            {
                "congresses": congresses,
                "congress": congress,
                "side": side,
                "query": query,
                "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
                "minimum": _minimum_of(congress) if congress else None,
                "waiting": waiting.count(),
                "can_assign": bool(contactors_for_assigning(user)),
            }
        )
    return render(request, "liaison/index.html", context)


def _chosen_congress(request, congresses, user):
    raw = request.GET.get("congress")
    chosen = next((c for c in congresses if c.pk == parse_id(raw)), None)
    if chosen is None and not raw:
        acts = scope_for(user).act_congress_ids
        chosen = next((c for c in congresses if c.pk in acts), congresses[0] if congresses else None)
    return chosen


# --- a member's or a committee's page ------------------------------------------------------------------
def _board_page(request, contactor: Contactor, *, congresses=()):
    user = request.user
    rows = board(assignments=assignments_visible_to(user=user).filter(**contactor.lookup()))
    contacts = (
        contacts_visible_to(user=user).filter(**contactor.lookup()).prefetch_related("deputies__person")[:10]
    )
    return render(
        request,
        "liaison/board.html",
        {
            "contactor": contactor,
            "rows": rows,
            "contacts": contacts,
            "minimum": _minimum_of(contactor.congress),
            "year": timezone.localdate().year,
            "may_log": can_log_for(user, contactor),
            "may_assign": can_assign_for(user, contactor),
            "congresses": congresses,
        },
    )


@login_required
def member_board(request, person_id: int):
    person = get_object_or_404(members_visible_to(user=request.user), pk=person_id)
    congresses = member_congresses(person, request.user)
    if not congresses:
        raise PermissionDenied
    chosen = next((c for c in congresses if c.pk == parse_id(request.GET.get("congress"))), congresses[-1])
    return _board_page(request, Contactor(Side.MEMBER, chosen, member=person), congresses=congresses)


@login_required
def committee_board(request, committee_id: int):
    committee = get_object_or_404(committees_visible_to(user=request.user), pk=committee_id)
    return _board_page(request, Contactor(Side.COMMITTEE, committee.congress, committee=committee))


# --- the deputy's side ---------------------------------------------------------------------------------
@login_required
def mine(request):
    """The deputy's own side: its contact members and committees, and the contacts logged with it."""
    user = request.user
    s = scope_for(user)
    if not s.mandate_ids:
        raise PermissionDenied(_("This page is for deputies."))
    assignments = Assignment.objects.filter(mandate_id__in=list(s.mandate_ids)).select_related(
        "congress", "member", "committee", "mandate__person", "mandate__congress"
    )
    rows = board(assignments=assignments)
    contacts = (
        contacts_visible_to(user=user)
        .filter(attendance__mandate_id__in=list(s.mandate_ids))
        .distinct()
        .order_by("-date", "-pk")
    )
    page = Paginator(contacts, 20).get_page(request.GET.get("page"))
    proposals = raised_visible_to(user=user).filter(
        mandate_id__in=list(s.mandate_ids), state="suggestion_proposed"
    )
    drafted = (
        raised_visible_to(user=user)
        .filter(mandate_id__in=list(s.mandate_ids))
        .exclude(opinion=None, suggestion=None)
    )
    return render(
        request,
        "liaison/mine.html",
        {
            "rows": rows,
            "page": page,
            "proposals": proposals,
            "drafted": drafted,
            "year": timezone.localdate().year,
        },
    )


# --- assignments -------------------------------------------------------------------------------------------
@login_required
def assignment_list(request):
    user = request.user
    qs = assignments_visible_to(user=user)
    contactors = contactors_read_by(user)
    congresses = coverage_congresses(user=user)
    congress = next((c for c in congresses if c.pk == parse_id(request.GET.get("congress"))), None)
    contactor = contactor_from_key(request.GET.get("to"), contactors)
    side = request.GET.get("side") if request.GET.get("side") in Side.values else ""
    status = (
        request.GET.get("status") if request.GET.get("status") in {"current", "ended", "all"} else "current"
    )
    query = clean_query(request.GET.get("q"), 40)
    today = timezone.localdate()
    if congress is not None:
        qs = qs.filter(congress=congress)
    if contactor is not None:
        qs = qs.filter(**contactor.lookup())
    if side:
        qs = qs.filter(side=side)
    if status == "current":
        qs = active_on(qs, today) | qs.filter(start_date__gt=today, end_date__isnull=True)
    elif status == "ended":
        qs = qs.filter(end_date__lt=today)
    if query:
        qs = qs.filter(
            Q(mandate__person__name__contains=query)
            | Q(member__name__contains=query)
            | Q(committee__name__contains=query)
        )
    qs = qs.order_by("congress__path", "side", "member__name", "committee_id", "mandate__person__name", "pk")
    if request.GET.get("format") == "xlsx":
        return exports.workbook_response(
            request=request,
            filename="liaison-assignments",
            title=_("Fixed contacts with deputies"),
            headers=[
                _("Congress"),
                _("Member or committee"),
                _("Kind"),
                _("Deputy"),
                _("From"),
                _("To"),
                _("Why it ended"),
            ],
            rows=(
                (
                    a.congress.name,
                    a.contactor_name,
                    a.get_side_display(),
                    a.mandate.person.name,
                    a.start_date,
                    a.end_date,
                    a.end_note,
                )
                for a in qs
            ),
            what={"list": "liaison_assignments", "status": status},
            widths=(22, 24, 16, 12, 12, 12, 30),
        )
    managed = {c.key for c in contactors_for_assigning(user)}
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for a in page:
        a.may_end = a.end_date is None and Contactor.of(a).key in managed
    return render(
        request,
        "liaison/assignment_list.html",
        {
            "page": page,
            "congresses": congresses,
            "congress": congress,
            "contactors": contactors,
            "contactor": contactor,
            "side": side,
            "status": status,
            "query": query,
            "can_assign": bool(managed),
        },
    )


def _assignable_mandates(contactors, contactor: Contactor | None):
    congress_ids = [contactor.congress.pk] if contactor else sorted({c.congress.pk for c in contactors})
    mandates = list(
        Mandate.objects.current()
        .filter(congress_id__in=congress_ids)
        .select_related("person", "congress")
        .order_by("congress__path", "person__name", "pk")
    )
    if contactor is not None and contactor.committee is not None and contactor.committee.fields:
        fields = set(contactor.committee.fields)
        mandates.sort(key=lambda m: not (set(m.fields or []) & fields))
    return mandates


def _assign_context(request):
    contactors = contactors_for_assigning(request.user)
    if not contactors:
        raise PermissionDenied(
            _("Only the deputy-affairs staff of the congress (or a committee's own staff) assign deputies.")
        )
    key = request.POST.get("contactor") if request.method == "POST" else request.GET.get("to")
    return contactors, contactor_from_key(key, contactors)


@login_required
def assignment_new(request):
    contactors, contactor = _assign_context(request)
    mandates = _assignable_mandates(contactors, contactor)
    status = 200
    if request.method == "POST":
        form = AssignForm(request.POST, contactors=contactors, mandates=mandates)
        if form.is_valid():
            mandate = next((m for m in mandates if m.pk == form.cleaned_data["mandate"]), None)
            try:
                if contactor is None or mandate is None:
                    raise ServiceError(
                        "invalid", _("Choose a member or committee and a deputy."), field="mandate"
                    )
                assignment_services.assignment_create(
                    actor=request.user,
                    contactor=contactor,
                    mandate=mandate,
                    start_date=form.cleaned_data["start_date"],
                )
            except ServiceError as exc:
                refuse_on_form(form, exc)
            else:
                messages.success(
                    request,
                    _("%(deputy)s is assigned to %(contactor)s.")
                    % {"deputy": mandate.person.name, "contactor": contactor.name},
                )
                return redirect(_board_url(contactor))
        status = 400
    else:
        form = AssignForm(
            contactors=contactors,
            mandates=mandates,
            initial={
                "contactor": contactor.key if contactor else "",
                "start_date": timezone.localdate(),
                "mandate": parse_id(request.GET.get("deputy")),
            },
        )
    return render(
        request,
        "liaison/assignment_form.html",
        {"form": form, "contactor": contactor, "bulk": False, "contactors": contactors},
        status=status,
    )


@login_required
def assignment_bulk(request):
    contactors, contactor = _assign_context(request)
    status = 200
    if request.method == "POST":
        form = BulkAssignForm(request.POST, contactors=contactors)
        if form.is_valid():
            try:
                if contactor is None:
                    raise ServiceError("invalid", _("Choose a member or committee."), field="contactor")
                result = assignment_services.assignment_bulk(
                    actor=request.user,
                    contactor=contactor,
                    names=form.cleaned_data["names"],
                    start_date=form.cleaned_data["start_date"],
                )
            except ServiceError as exc:
                refuse_on_form(form, exc)
            else:
                messages.success(
                    request,
                    _("%(n)s deputies assigned to %(contactor)s.")
                    % {"n": len(result.created), "contactor": contactor.name},
                )
                if result.already:
                    messages.warning(
                        request,
                        _("Already assigned, left as they were: %(names)s")
                        % {"names": "、".join(m.person.name for m in result.already)},
                    )
                return redirect(_board_url(contactor))
        status = 400
    else:
        names = ""
        if (
            contactor is not None
            and contactor.committee is not None
            and request.GET.get("propose") == "field"
        ):
            names = "\n".join(_field_deputy_names(contactor))
        form = BulkAssignForm(
            contactors=contactors,
            initial={
                "contactor": contactor.key if contactor else "",
                "names": names,
                "start_date": timezone.localdate(),
            },
        )
    return render(
        request,
        "liaison/assignment_form.html",
        {"form": form, "contactor": contactor, "bulk": True, "contactors": contactors},
        status=status,
    )


def _field_deputy_names(contactor: Contactor) -> list[str]:
    """The committee's field deputies (专业代表) not yet assigned to it: serving deputies of its congress
    whose fields of expertise meet the committee's; a shared name carries the mobile's last four digits."""
    fields = set(contactor.committee.fields or [])
    taken = set(
        active_on(Assignment.objects.filter(committee=contactor.committee), timezone.localdate()).values_list(
            "mandate_id", flat=True
        )
    )
    mandates = [
        m
        for m in Mandate.objects.current()
        .filter(congress=contactor.congress)
        .select_related("person")
        .order_by("person__name", "pk")
        if set(m.fields or []) & fields and m.pk not in taken
    ]
    names = [m.person.name for m in mandates]
    return [
        f"{m.person.name} {(m.person.mobile or '')[-4:]}".strip()
        if names.count(m.person.name) > 1
        else m.person.name
        for m in mandates
    ]


def _board_url(contactor: Contactor) -> str:
    from django.urls import reverse

    if contactor.member is not None:
        return reverse("liaison:member", args=[contactor.member.pk]) + f"?congress={contactor.congress.pk}"
    return reverse("liaison:committee", args=[contactor.committee.pk])


@login_required
def assignment_end(request, assignment_id: int):
    assignment = get_object_or_404(assignments_visible_to(user=request.user), pk=assignment_id)
    contactor = Contactor.of(assignment)
    if not can_assign_for(request.user, contactor):
        raise PermissionDenied(
            _("Only the deputy-affairs staff of the congress (or a committee's own staff) end a contact.")
        )
    status = 200
    if request.method == "POST":
        form = EndForm(request.POST)
        if form.is_valid():
            try:
                assignment_services.assignment_end(
                    actor=request.user,
                    assignment=assignment,
                    end_date=form.cleaned_data["end_date"],
                    note=form.cleaned_data["note"],
                )
            except ServiceError as exc:
                refuse_on_form(form, exc)
            else:
                messages.success(
                    request,
                    _("The fixed contact of %(contactor)s with %(deputy)s has ended.")
                    % {"contactor": contactor.name, "deputy": assignment.mandate.person.name},
                )
                return redirect(_board_url(contactor))
        status = 400
    else:
        form = EndForm(initial={"end_date": timezone.localdate()})
    return render(
        request,
        "liaison/assignment_end.html",
        {"form": form, "assignment": assignment, "contactor": contactor, "events": timeline_for(assignment)},
        status=status,
    )


def year_choices(today: dt.date) -> list[int]:
    return [today.year - 2, today.year - 1, today.year]
