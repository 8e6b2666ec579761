"""Pages of training (培训, 云课堂): the class list, a class (enrol, withdraw; the office's roster, enrolment
of deputies, attendance or completion), scheduling and changing a class, each deputy's training count in the
term, and the deputy's own classes.

A class outside the reader's scope is not found (404); a step the reader may not take is forbidden (403); a
refused step comes back as a message on the form, which keeps what was typed, or on the class page.
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

from lvzhi.core.audit import timeline_for
from lvzhi.core.errors import ServiceError
from lvzhi.core.params import clean_query, parse_id
from lvzhi.org.models import Term
from lvzhi.org.refusals import refuse_in_message, refuse_on_form
from lvzhi.org.scope import scope_for
from lvzhi.org.selectors import congress_list_visible_to, congresses_managed_by, mandate_list_visible_to
from lvzhi.performance.selectors import congresses_read_by

from . import exports
from .forms import CancelForm, ClassForm, MarkForm
from .models import Enrolment, TrainingClass
from .permissions import can_manage_class
from .selectors import (
    PHASES,
    ClassFilters,
    ReportFilters,
    class_search,
    classes_visible_to,
    enrolments_visible_to,
    my_training,
    training_report,
    with_counts,
)
from .services import classes as class_services
from .services import enrolment as enrolment_services

PAGE_SIZE = 30
REPORT_PAGE = 50
SEARCH_LIMIT = 20


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=exports.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _class_or_404(request, pk: int) -> TrainingClass:
    return get_object_or_404(with_counts(classes_visible_to(user=request.user)), pk=pk)


def _managed_or_403(request, pk: int) -> TrainingClass:
    training_class = _class_or_404(request, pk)
    if not can_manage_class(request.user, training_class):
        raise PermissionDenied(_("Only the deputy-affairs staff of the class's congress may do this."))
    return training_class


# --- the list -------------------------------------------------------------------------------------------
@login_required
def class_list(request):
    user = request.user
    filters = ClassFilters.from_query(request.GET)
    qs = class_search(user=user, filters=filters)
    if request.GET.get("format") == "xlsx":
        data = exports.classes_workbook(
            actor=user,
            classes=list(qs[: exports.MAX_ROWS]),
            request=request,
            what={"congress": filters.congress_id, "year": filters.year, "phase": filters.phase},
        )
        return _xlsx(data, "training-classes.xlsx")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    mine = {
        e.training_class_id: e
        for e in Enrolment.objects.filter(
            mandate_id__in=scope_for(user).mandate_ids, training_class__in=[c.pk for c in page]
        )
    }
    today = timezone.localdate()
    for c in page:
        c.my_enrolment = mine.get(c.pk)
        c.current_phase = c.phase(today)
    this = today.year
    return render(
        request,
        "training/list.html",
        {
            "page": page,
            "f": filters,
            "congresses": congress_list_visible_to(user=user)
            .filter(training_classes__isnull=False)
            .distinct(),
            "modes": TrainingClass.Mode.choices,
            "phases": PHASES,
            "years": list(range(this + 1, this - 5, -1)),
            "can_create": congresses_managed_by(user=user).exists(),
            "is_staffish": bool(scope_for(user).read_paths) or scope_for(user).is_admin,
        },
    )


# --- scheduling a class --------------------------------------------------------------------------------
@login_required
def class_create(request):
    managed = list(congresses_managed_by(user=request.user).order_by("path"))
    if not managed:
        raise PermissionDenied
    form = ClassForm(request.POST or None, congresses=managed, initial={"mode": TrainingClass.Mode.IN_PERSON})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            training_class = class_services.class_create(actor=request.user, **data)
        except ServiceError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, _("Class scheduled; deputies of the congress can now enrol."))
            return redirect("training:detail", training_class.pk)
    return render(
        request,
        "training/form.html",
        {"form": form, "title": _("Schedule a training class"), "back": reverse("training:list")},
        status=400 if form.errors else 200,
    )


@login_required
def class_edit(request, pk: int):
    training_class = _managed_or_403(request, pk)
    fields = {f: getattr(training_class, f) for f in class_services.FIELDS}
    form = ClassForm(request.POST or None, initial=fields)
    back = reverse("training:detail", args=[training_class.pk])
    if request.method == "POST" and form.is_valid():
        try:
            class_services.class_update(
                actor=request.user, training_class=training_class, **form.cleaned_data
            )
        except ServiceError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, _("Class saved."))
            return redirect(back)
    return render(
        request,
        "training/form.html",
        {"form": form, "title": training_class.title, "back": back, "training_class": training_class},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def class_cancel(request, pk: int):
    training_class = _managed_or_403(request, pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for cancelling the class."))
    else:
        try:
            class_services.class_cancel(
                actor=request.user, training_class=training_class, reason=form.cleaned_data["reason"]
            )
        except ServiceError as exc:
            refuse_in_message(request, exc)
        else:
            messages.success(request, _("Class cancelled."))
    return redirect("training:detail", training_class.pk)


# --- a class ---------------------------------------------------------------------------------------------
@login_required
def class_detail(request, pk: int):
    user = request.user
    training_class = _class_or_404(request, pk)
    today = timezone.localdate()
    can_manage = can_manage_class(user, training_class)
    own_mandate = enrolment_services.own_mandate_for(user, training_class)
    mine = Enrolment.objects.filter(
        training_class=training_class, mandate_id__in=scope_for(user).mandate_ids
    ).first()
    # SECURITY: the roster is for the office and chairs of the class's tree, read through the enrolments they
    # may see; a deputy sees only its own enrolment (`mine`).
    s = scope_for(user)
    roster = []
    if s.read_paths or s.is_admin:
        roster = list(
            enrolments_visible_to(user=user)
            .filter(training_class=training_class)
            .select_related("mandate__congress")
            .order_by("mandate__person__name", "pk")
        )
    q = clean_query(request.GET.get("q"), 40)
    candidates = []
    if can_manage and q:
        candidates = (
            mandate_list_visible_to(user=user)
            .current(today)
            .filter(congress_id=training_class.congress_id, person__name__contains=q)
            .exclude(
                training_enrolments__training_class=training_class,
                training_enrolments__status__in=Enrolment.HOLDS_PLACE,
            )
            .select_related("person")
            .order_by("person__name", "pk")[:SEARCH_LIMIT]
        )
    phase = training_class.phase(today)
    places_left = (
        None
        if training_class.capacity is None
        else max(0, training_class.capacity - training_class.n_enrolled)
    )
    return render(
        request,
        "training/detail.html",
        {
            "c": training_class,
            "phase": phase,
            "places_left": places_left,
            "can_manage": can_manage,
            "own_mandate": own_mandate,
            "mine": mine,
            "can_enrol": own_mandate is not None
            and training_class.enrolment_open(today)
            and (mine is None or mine.status == Enrolment.Status.WITHDRAWN)
            and places_left != 0,
            "can_withdraw": mine is not None
            and mine.status == Enrolment.Status.ENROLLED
            and training_class.enrolment_open(today),
            "roster": roster,
            "q": q,
            "candidates": candidates,
            "cancel_form": CancelForm(),
            "events": timeline_for(training_class)[:40] if (s.read_paths or s.is_admin) else None,
        },
    )


@login_required
@require_POST
def enrol(request, pk: int):
    training_class = _class_or_404(request, pk)
    try:
        enrolment_services.enrol_self(actor=request.user, training_class=training_class)
    except ServiceError as exc:
        refuse_in_message(request, exc)
    else:
        messages.success(request, _("You are enrolled."))
    return redirect("training:detail", training_class.pk)


@login_required
@require_POST
def withdraw(request, pk: int):
    training_class = _class_or_404(request, pk)
    enrolment = Enrolment.objects.filter(
        training_class=training_class, mandate_id__in=scope_for(request.user).mandate_ids
    ).first()
    if enrolment is None:
        messages.error(request, _("You are not enrolled in this class."))
        return redirect("training:detail", training_class.pk)
    try:
        enrolment_services.withdraw(actor=request.user, enrolment=enrolment)
    except ServiceError as exc:
        refuse_in_message(request, exc)
    else:
        messages.success(request, _("Your enrolment is withdrawn."))
    return redirect("training:detail", training_class.pk)


@login_required
@require_POST
def enrol_deputy(request, pk: int):
    training_class = _managed_or_403(request, pk)
    mandate_id = parse_id(request.POST.get("mandate"))
    mandate = mandate_list_visible_to(user=request.user).filter(pk=mandate_id).first() if mandate_id else None
    if mandate is None:
        messages.error(request, _("That deputy was not found."))
    else:
        try:
            enrolment_services.enrol_by_staff(
                actor=request.user, training_class=training_class, mandate=mandate
            )
        except ServiceError as exc:
            refuse_in_message(request, exc)
        else:
            messages.success(request, _("%(name)s is enrolled.") % {"name": mandate.person.name})
    return redirect("training:detail", training_class.pk)


@login_required
@require_POST
def withdraw_deputy(request, pk: int):
    training_class = _managed_or_403(request, pk)
    enrolment = Enrolment.objects.filter(
        training_class=training_class, mandate_id=parse_id(request.POST.get("mandate")) or 0
    ).first()
    if enrolment is None:
        messages.error(request, _("That deputy is not enrolled in this class."))
    else:
        try:
            enrolment_services.withdraw(actor=request.user, enrolment=enrolment)
        except ServiceError as exc:
            refuse_in_message(request, exc)
        else:
            messages.success(request, _("Enrolment withdrawn."))
    return redirect("training:detail", training_class.pk)


@login_required
def attendance(request, pk: int):
    training_class = _managed_or_403(request, pk)
    enrolments = list(
        training_class.enrolments.exclude(status=Enrolment.Status.WITHDRAWN)
        .select_related("mandate__person")
        .order_by("mandate__person__name", "pk")
    )
    form = MarkForm(
        request.POST or None, enrolments=enrolments, allowed=enrolment_services.allowed_marks(training_class)
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = enrolment_services.attendance_mark(
                actor=request.user, training_class=training_class, marks=form.marks()
            )
        except ServiceError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, _("Recorded (%(n)s changed).") % {"n": changed})
            return redirect("training:detail", training_class.pk)
    return render(
        request,
        "training/attendance.html",
        {"c": training_class, "form": form, "begun": training_class.has_begun()},
        status=400 if form.errors else 200,
    )


@login_required
def roster_export(request, pk: int):
    training_class = _class_or_404(request, pk)
    s = scope_for(request.user)
    if not (s.read_paths or s.is_admin):
        raise PermissionDenied
    enrolments = list(
        enrolments_visible_to(user=request.user)
        .filter(training_class=training_class)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .select_related("mandate__congress")
        .order_by("mandate__person__name", "pk")
    )
    data = exports.roster_workbook(
        actor=request.user, training_class=training_class, enrolments=enrolments, request=request
    )
    return _xlsx(data, f"training-{training_class.pk}-roster.xlsx")


# --- each deputy's training count in the term -----------------------------------------------------------
@login_required
def report(request):
    user = request.user
    congresses = list(congresses_read_by(user=user).order_by("path"))
    if not congresses:
        raise PermissionDenied
    filters = ReportFilters.from_query(request.GET)
    congress = next((c for c in congresses if c.pk == filters.congress_id), None)
    if congress is None:
        run = scope_for(user).act_congress_ids
        congress = next((c for c in congresses if c.pk in run), congresses[0])
    today = timezone.localdate()
    terms = list(Term.objects.filter(congress=congress).order_by("-start_date"))
    term = next((t for t in terms if t.pk == filters.term_id), None) or next(
        (t for t in terms if t.covers(today)), terms[0] if terms else None
    )
    rows = training_report(user=user, term=term, filters=filters) if term else None
    if term and request.GET.get("format") == "xlsx":
        data = exports.report_workbook(
            actor=user, term=term, rows=list(rows[: exports.MAX_ROWS]), request=request
        )
        return _xlsx(data, f"training-report-{term.pk}.xlsx")
    page = Paginator(rows, REPORT_PAGE).get_page(request.GET.get("page")) if rows is not None else None
    return render(
        request,
        "training/report.html",
        {
            "page": page,
            "f": filters,
            "congresses": congresses,
            "congress": congress,
            "terms": terms,
            "term": term,
            "period_end": min(term.end_date, today) if term else None,
        },
    )


# --- the deputy's own -----------------------------------------------------------------------------------
@login_required
def mine(request):
    if not scope_for(request.user).mandate_ids:
        raise PermissionDenied
    return render(request, "training/mine.html", {"terms": my_training(user=request.user)})
