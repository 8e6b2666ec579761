"""Staff pages that manage the structure of the field: a congress (terms, sessions, committees, electoral
units, settings), its deputies, undertaking units and deputy groups.

Everyone who can see a record reads it here; only the deputy-affairs staff of the record's own congress (or a
site administrator) get the forms and buttons, and a POST from anyone else is refused (403), while a record
outside the reader's scope is simply not found (404). Views parse input, call one selector or service, and
render; a refused step comes back as a message on the form, which keeps what was typed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lvzhi.core.audit import record_security_event, timeline_for
from lvzhi.core.errors import ServiceError
from lvzhi.core.events import PERSONAL_DATA_VIEWED
from lvzhi.core.params import clean_query, parse_id
from lvzhi.stations.selectors import station_list_visible_to

from . import selectors
from .congress_settings import (
    DEFINITIONS,
    RESULT_CLASSES_ABC,
    RESULT_CLASSES_ABCD,
    setting_sources,
    settings_for,
)
from .fields import SubjectField
from .forms import (
    ChoiceSettingForm,
    CommitteeForm,
    CommitteeMemberForm,
    DeputyForm,
    ElectoralUnitForm,
    EndDateForm,
    GroupForm,
    IntSettingForm,
    LeaveForm,
    ListSettingForm,
    MandateEndForm,
    ResultClassFormSet,
    SessionForm,
    TermForm,
    UnitForm,
)
from .models import CommitteeMembership, CongressSetting, DeputyGroup, Mandate
from .permissions import can_manage_congress
from .privacy import mask_mobile, normalise_mobile
from .refusals import get_managed_or_404, refuse_in_message, refuse_on_form, require_manage_or_403
from .services import committees as committee_services
from .services import groups as group_services
from .services import people as people_services
from .services import settings as setting_services
from .services import structure as structure_services
from .services import units as unit_services

PAGE_SIZE = 50
SEARCH_LIMIT = 20


# --- helpers ------------------------------------------------------------------------------------


def _form_page(request, *, form, title: str, back: str, submit: str | None = None, **extra):
    context = {"form": form, "title": title, "back": back, "submit": submit or _("Save")}
    context.update(extra)
    return render(request, "org/manage_form.html", context)


# --- congresses ---------------------------------------------------------------------------------


@login_required
def congress_detail(request, pk: int):
    visible = selectors.congress_list_visible_to(user=request.user)
    congress = get_object_or_404(visible.select_related("parent"), pk=pk)
    today = timezone.localdate()
    current_members = CommitteeMembership.objects.filter(end_date__isnull=True).select_related("person")
    context = {
        "congress": congress,
        "parent_visible": congress.parent_id and visible.filter(pk=congress.parent_id).exists(),
        "children": visible.filter(parent=congress),
        "period": selectors.congress_period_on(congress=congress, day=today),
        "terms": congress.terms.prefetch_related("sessions").order_by("-start_date"),
        # SECURITY: a reader of the congress is not necessarily a reader of its committees.
        "committees": selectors.committee_list_visible_to(user=request.user)
        .filter(congress=congress)
        .prefetch_related(Prefetch("memberships", queryset=current_members, to_attr="current_members"))
        .order_by("kind", "pk"),
        "electoral_units": congress.electoral_units.select_related("lower_congress"),
        "can_manage": can_manage_congress(request.user, congress.pk),
        "events": timeline_for(congress)[:30],
        "today": today,
    }
    return render(request, "org/congress_detail.html", context)


def _managed_congress(request, pk: int):
    visible = selectors.congress_list_visible_to(user=request.user)
    return get_managed_or_404(visible, user=request.user, pk=pk, congress_id_of=lambda congress: congress.pk)


@login_required
def term_create(request, pk: int):
    congress = _managed_congress(request, pk)
    form = TermForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            term = structure_services.term_create(actor=request.user, congress=congress, **form.cleaned_data)
        except ServiceError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, _("Term %(number)s added.") % {"number": term.number})
            return redirect("org:congress_detail", congress.pk)
    return _form_page(
        request,
        form=form,
        title=_("New term of %(congress)s") % {"congress": congress},
        back=reverse("org:congress_detail", args=[congress.pk]),
    )


@login_required
def term_edit(request, pk: int):
    term = get_object_or_404(selectors.term_list_visible_to(user=request.user), pk=pk)
    require_manage_or_403(request.user, term.congress_id)
    initial = {"number": term.number, "start_date": term.start_date, "end_date": term.end_date}
    form = TermForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            structure_services.term_update(actor=request.user, term=term, **form.cleaned_data)
        except ServiceError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, _("Term saved."))
            return redirect("org:congress_detail", term.congress_id)
    return _form_page(
        request,
        form=form,
        title=str(term),
        back=reverse("org:congress_detail", args=[term.congress_id]),
        events=timeline_for(term)[:30],
    )


@login_required
def session_create(request, pk: int):
    term = get_object_or_404(selectors.term_list_visible_to(user=request.user), pk=pk)
    require_manage_or_403(request.user, term.congress_id)
    next_number = (term.sessions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    form = SessionForm(request.POST or None, initial={"number": next_number})
    if request.method == "POST" and form.is_valid():
        try:
            structure_services.session_create(actor=request.user, term=term, **form.cleaned_data)
        except ServiceError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, _("Session added."))
            return redirect("org:congress_detail", term.congress_id)
    return _form_page(
        request,
        form=form,
        title=_("New session of %(term)s") % {"term": term},
        back=reverse("org:congress_detail", args=[term.congress_id]),
        intro=_("The term runs from %(start)s to %(end)s; a session falls inside it and overlaps no other.")
        % {"start": term.start_date.isoformat(), "end": term.end_date.isoformat()},
    )


@login_required
def session_edit(request, pk: int):
    session = get_object_or_404(selectors.session_list_visible_to(user=request.user), pk=pk)
    congress_id = session.term.congress_id
    require_manage_or_403(request.user, congress_id)
    initial = {"number": session.number, "start_date": session.start_date, "end_date": session.end_date}
    form = SessionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            structure_services.session_update(actor=request.user, session=session, **form.cleaned_data)
        except ServiceError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, _("Session saved."))
            return redirect("org:congress_detail", congress_id)
    return _form_page(
        request,
        form=form,
        title=str(session),
        back=reverse("org:congress_detail", args=[congress_id]),
        events=timeline_for(session)[:30],
    )


@login_required
def electoral_unit_create(request, pk: int):
    congress = _managed_congress(request, pk)
    form = ElectoralUnitForm(request.POST or None, congress=congress)
    if request.method == "POST" and form.is_valid():
        try:
            structure_services.electoral_unit_create(
                actor=request.user, congress=congress, **form.cleaned_data
            )
        except ServiceError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, _("Electoral unit added."))
            return redirect("org:congress_detail", congress.pk)
    return _form_page(
        request,
        form=form,
        title=_("New electoral unit of %(congress)s") % {"congress": congress},
        back=reverse("org:congress_detail", args=[congress.pk]),
    )


@login_required
def electoral_unit_edit(request, pk: int):
    unit = get_object_or_404(selectors.electoral_unit_list_visible_to(user=request.user), pk=pk)
    require_manage_or_403(request.user, unit.congress_id)
    initial = {"kind": unit.kind, "name": unit.name, "lower_congress": unit.lower_congress_id}
    form = ElectoralUnitForm(request.POST or None, initial=initial, congress=unit.congress)
    if request.method == "POST" and form.is_valid():
        try:
            structure_services.electoral_unit_update(
                actor=request.user, electoral_unit=unit, **form.cleaned_data
            )
        except ServiceError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, _("Electoral unit saved."))
            return redirect("org:congress_detail", unit.congress_id)
    return _form_page(
        request,
        form=form,
        title=unit.name,
        back=reverse("org:congress_detail", args=[unit.congress_id]),
        events=timeline_for(unit)[:30],
    )


# --- committees ---------------------------------------------------------------------------------


@login_required
def committee_create(request, pk: int):
    congress = _managed_congress(request, pk)
    form = CommitteeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            committee = committee_services.committee_create(
                actor=request.user, congress=congress, **form.cleaned_data
            )
        except ServiceError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, _("Committee added."))
            return redirect("org:committee_detail", committee.pk)
    return _form_page(
        request,
        form=form,
        title=_("New committee of %(congress)s") % {"congress": congress},
        back=reverse("org:congress_detail", args=[congress.pk]),
    )


@login_required
def committee_edit(request, pk: int):
    committee = get_object_or_404(selectors.committee_list_visible_to(user=request.user), pk=pk)
    require_manage_or_403(request.user, committee.congress_id)
    initial = {
        "kind": committee.kind,
        "name": committee.name,
        "short_name": committee.short_name,
        "fields": committee.fields,
    }
    form = CommitteeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            committee_services.committee_update(actor=request.user, committee=committee, **form.cleaned_data)
        except ServiceError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, _("Committee saved."))
            return redirect("org:committee_detail", committee.pk)
    return _form_page(
        request, form=form, title=committee.name, back=reverse("org:committee_detail", args=[committee.pk])
    )


@login_required
def committee_detail(request, pk: int):
    """A committee, its members, and (for its congress's staff) adding a member found by name."""
    committee = get_object_or_404(selectors.committee_list_visible_to(user=request.user), pk=pk)
    can_manage = can_manage_congress(request.user, committee.congress_id)
    q = clean_query(request.GET.get("q"))
    people = selectors.person_list_visible_to(user=request.user).select_related("congress")
    form = None
    if can_manage:
        if request.method == "POST":
            form = CommitteeMemberForm(request.POST, people=people)
            if form.is_valid():
                try:
                    committee_services.committee_member_add(
                        actor=request.user, committee=committee, **form.cleaned_data
                    )
                except ServiceError as exc:
                    refuse_on_form(form, exc)
                else:
                    messages.success(request, _("Member added."))
                    return redirect("org:committee_detail", committee.pk)
            # Keep the person choices the staff searched among, with what they picked.
            form.fields["person"].queryset = people.filter(
                Q(name__contains=q) | Q(pk=parse_id(request.POST.get("person")) or 0)
            )[:SEARCH_LIMIT]
        elif q:
            form = CommitteeMemberForm(
                people=people.filter(name__contains=q).order_by("name", "pk")[:SEARCH_LIMIT]
            )
    elif request.method == "POST":
        require_manage_or_403(request.user, committee.congress_id)
    memberships = committee.memberships.select_related("person").order_by("end_date", "position", "pk")
    return render(
        request,
        "org/committee_detail.html",
        {
            "committee": committee,
            "memberships": memberships,
            "can_manage": can_manage,
            "q": q,
            "form": form,
            "end_form": EndDateForm(initial={"end_date": timezone.localdate()}),
            "field_labels": [SubjectField(f).label for f in committee.fields if f in SubjectField.values],
            "events": timeline_for(committee)[:30],
        },
    )


@login_required
@require_POST
def committee_member_end(request, pk: int):
    membership = get_object_or_404(selectors.committee_membership_list_visible_to(user=request.user), pk=pk)
    require_manage_or_403(request.user, membership.committee.congress_id)
    form = EndDateForm(request.POST)
    if form.is_valid():
        try:
            committee_services.committee_member_end(
                actor=request.user, membership=membership, end_date=form.cleaned_data["end_date"]
            )
        except ServiceError as exc:
            refuse_in_message(request, exc)
        else:
            messages.success(request, _("Membership ended."))
    else:
        messages.error(request, _("Enter the last day of the membership."))
    return redirect("org:committee_detail", membership.committee_id)


# --- congress settings ----------------------------------------------------------------------------


def _result_rows(formset) -> list[dict]:
    return [
        {k: f.cleaned_data.get(k) for k in ("code", "label", "solved", "promise", "reference")}
        for f in formset.forms
        if f.cleaned_data.get("code")
    ]


@login_required
def congress_settings(request, pk: int):
    """Each rule in force, where it comes from, and (for this congress's staff) setting or clearing it."""
    congress = get_object_or_404(selectors.congress_list_visible_to(user=request.user), pk=pk)
    can_manage = can_manage_congress(request.user, congress.pk)
    bound_key, bound_form, bound_error = None, None, ""
    if request.method == "POST":
        require_manage_or_403(request.user, congress.pk)
        key, action = request.POST.get("key", ""), request.POST.get("action", "set")
        definition = DEFINITIONS.get(key)
        if definition is None:
            messages.error(request, _("Unknown setting."))
            return redirect("org:congress_settings", congress.pk)
        try:
            if action == "clear":
                setting_services.congress_setting_clear(actor=request.user, congress=congress, key=key)
                messages.success(request, _("The override is cleared; the inherited value applies."))
                return redirect("org:congress_settings", congress.pk)
            if action in ("preset_abc", "preset_abcd"):
                value = RESULT_CLASSES_ABC if action == "preset_abc" else RESULT_CLASSES_ABCD
                setting_services.congress_setting_set(
                    actor=request.user, congress=congress, key=key, value=value
                )
                messages.success(request, _("Setting saved."))
                return redirect("org:congress_settings", congress.pk)
            if definition.kind == "result_classes":
                bound_form = ResultClassFormSet(request.POST, prefix=key)
                if bound_form.is_valid():
                    setting_services.congress_setting_set(
                        actor=request.user, congress=congress, key=key, value=_result_rows(bound_form)
                    )
                    messages.success(request, _("Setting saved."))
                    return redirect("org:congress_settings", congress.pk)
            else:
                if definition.kind == "choice":
                    bound_form = ChoiceSettingForm(request.POST, prefix=key, choices=definition.choices)
                else:
                    form_class = ListSettingForm if definition.kind == "int_list" else IntSettingForm
                    bound_form = form_class(request.POST, prefix=key)
                if bound_form.is_valid():
                    setting_services.congress_setting_set(
                        actor=request.user, congress=congress, key=key, value=bound_form.cleaned_data["value"]
                    )
                    messages.success(request, _("Setting saved."))
                    return redirect("org:congress_settings", congress.pk)
        except ServiceError as exc:
            if exc.status == 403:
                raise PermissionDenied(exc.message) from None
            if bound_form is None:
                messages.error(request, exc.message)
                return redirect("org:congress_settings", congress.pk)
            bound_error = exc.message
        bound_key = key

    values = settings_for(congress)
    sources = setting_sources(congress)
    own = set(CongressSetting.objects.filter(congress=congress).values_list("key", flat=True))
    rows = []
    for key, definition in DEFINITIONS.items():
        source = sources[key]
        value = values[key]
        if key == bound_key:
            form = bound_form
        elif definition.kind == "result_classes":
            form = ResultClassFormSet(initial=value, prefix=key)
        elif definition.kind == "int_list":
            form = ListSettingForm(initial={"value": ", ".join(str(v) for v in value)}, prefix=key)
        elif definition.kind == "choice":
            form = ChoiceSettingForm(initial={"value": value}, prefix=key, choices=definition.choices)
        else:
            form = IntSettingForm(initial={"value": value}, prefix=key)
        if can_manage and definition.kind == "int":
            form.fields["value"].widget.attrs.update(min=definition.minimum, max=definition.maximum)
        rows.append(
            {
                "key": key,
                "definition": definition,
                "value": value,
                "display": definition.display(value),
                "source": source,
                "from_here": key in own,
                "form": form,
                "error": bound_error if key == bound_key else "",
            }
        )
    return render(
        request,
        "org/congress_settings.html",
        {"congress": congress, "rows": rows, "can_manage": can_manage},
    )


# --- deputies -----------------------------------------------------------------------------------


@login_required
def deputy_list(request):
    user = request.user
    filters = selectors.DeputyFilters.from_query(request.GET)
    qs = selectors.deputy_search(user=user, filters=filters).order_by("congress__path", "person__name", "pk")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    terms, groups = [], []
    if filters.congress_id:
        terms = selectors.term_list_visible_to(user=user).filter(congress_id=filters.congress_id)
        groups = selectors.group_list_visible_to(user=user).filter(congress_id=filters.congress_id)
    return render(
        request,
        "org/deputy_list.html",
        {
            "page": page,
            "filters": filters,
            "congresses": selectors.congress_list_visible_to(user=user),
            "terms": terms,
            "groups": groups,
            "subject_fields": SubjectField.choices,
            "can_create": selectors.congresses_managed_by(user=user).exists(),
            "today": timezone.localdate(),
        },
    )


# Personal details a deputy's page masks until the managing staff ask to see them (a security event).
REVEALABLE = ("mobile", "birth_date")


def _record_personal_data_view(request, person) -> list[str]:
    """Record that `request.user` sees `person`'s mobile and birth date unmasked; the fields shown."""
    fields = [f for f in REVEALABLE if getattr(person, f)]
    if fields:
        record_security_event(
            actor=request.user,
            kind=PERSONAL_DATA_VIEWED,
            request=request,
            target=person,
            payload={"person": person.pk, "fields": fields},
        )
    return fields


@login_required
def deputy_detail(request, pk: int):
    """A deputy: the person and the mandate. The mobile is masked for every reader and the birth date shown
    to the managing staff only as a year; they may show both in full (a POST), which is recorded."""
    user = request.user
    visible = selectors.mandate_list_visible_to(user=user)
    mandate = get_object_or_404(visible, pk=pk)
    person = mandate.person
    can_manage = can_manage_congress(user, mandate.congress_id)
    revealed: list[str] = []
    if request.method == "POST":
        require_manage_or_403(user, mandate.congress_id)
        if request.POST.get("reveal") != "1":
            return redirect("org:deputy_detail", mandate.pk)
        revealed = _record_personal_data_view(request, person)
    stations = list(mandate.stations.select_related("congress"))
    visible_stations = set(
        station_list_visible_to(user=user)
        .filter(pk__in=[s.pk for s in stations])
        .values_list("pk", flat=True)
    )
    groups = list(mandate.groups.select_related("congress").order_by("name", "pk"))
    # SECURITY: a group the reader cannot open is named without a link.
    visible_groups = set(
        selectors.group_list_visible_to(user=user)
        .filter(pk__in=[g.pk for g in groups])
        .values_list("pk", flat=True)
    )
    birth_date = ""
    if can_manage and person.birth_date:
        birth_date = (
            person.birth_date.isoformat() if "birth_date" in revealed else f"{person.birth_date.year}-**-**"
        )
    today = timezone.localdate()
    return render(
        request,
        "org/deputy_detail.html",
        {
            "mandate": mandate,
            "person": person,
            "mobile": person.mobile if "mobile" in revealed else mask_mobile(person.mobile),
            "show_birth_date": can_manage,
            "birth_date": birth_date,
            "can_reveal": can_manage and not revealed and any(getattr(person, f) for f in REVEALABLE),
            "revealed": bool(revealed),
            "others": visible.filter(person_id=person.pk).exclude(pk=pk),
            "stations": [(s, s.pk in visible_stations) for s in stations],
            "groups": [(g, g.pk in visible_groups) for g in groups],
            "leaves": mandate.leaves.all(),
            "seats": selectors.committee_membership_list_visible_to(user=user).filter(person=person),
            "field_labels": [SubjectField(f).label for f in mandate.fields if f in SubjectField.values],
            "is_current": mandate.is_current(today),
            "on_leave": mandate.leaves.filter(start_date__lte=today, end_date__gte=today).exists(),
            "can_manage": can_manage,
            "events": timeline_for(mandate)[:50],
        },
    )


@login_required
def deputy_create(request):
    user = request.user
    managed = list(selectors.congresses_managed_by(user=user))
    if not managed:
        raise PermissionDenied
    form = DeputyForm(request.POST or None, managed=managed)
    if request.method == "GET":
        current = selectors.term_list_visible_to(user=user).filter(
            congress__in=managed, start_date__lte=timezone.localdate(), end_date__gte=timezone.localdate()
        )
        form.initial["term"] = current.values_list("pk", flat=True).first()
    matches = None
    if request.method == "POST" and form.is_valid():
        existing = None
        existing_id = parse_id(request.POST.get("existing_person"))
        if existing_id:
            existing = selectors.person_list_visible_to(user=user).filter(pk=existing_id).first()
            if existing is None:
                form.add_error(None, _("That person was not found."))
        if not form.errors:
            data = form.cleaned_data
            try:
                mandate = people_services.deputy_create(
                    actor=user,
                    term=data["term"],
                    person_data=form.person_data(),
                    start_date=data["start_date"],
                    electoral_unit=data["electoral_unit"],
                    is_grassroots=data["is_grassroots"],
                    fields=data["fields"],
                    existing_person=existing,
                )
            except ServiceError as exc:
                refuse_on_form(form, exc)
                if exc.code == "person_exists":
                    matches = (
                        selectors.person_matches_visible_to(
                            user=user,
                            name=data["name"].strip(),
                            mobile=normalise_mobile(data["mobile"]) or "",
                        )
                        .select_related("congress")
                        .prefetch_related(
                            Prefetch("mandates", queryset=selectors.mandate_list_visible_to(user=user))
                        )
                    )
            else:
                messages.success(request, _("Deputy registered."))
                return redirect("org:deputy_detail", mandate.pk)
    return render(
        request,
        "org/deputy_form.html",
        {
            "form": form,
            "matches": matches,
            "title": _("Register a deputy"),
            "back": reverse("org:deputy_list"),
        },
    )


def _managed_mandate(request, pk: int) -> Mandate:
    return get_managed_or_404(selectors.mandate_list_visible_to(user=request.user), user=request.user, pk=pk)


@login_required
def deputy_edit(request, pk: int):
    """Edit a deputy. The form shows the person's mobile and birth date in full, so rendering it is recorded;
    staff of another congress than the one that registered the person only fill in blank details."""
    mandate = _managed_mandate(request, pk)
    person = mandate.person
    form = DeputyForm(
        request.POST or None,
        initial=DeputyForm.initial_for(mandate),
        managed=[mandate.congress],
        with_term=False,
    )
    # The person's details belong to the congress that registered them (deputy_update keeps them too).
    details_kept = not can_manage_congress(request.user, person.congress_id)
    if details_kept:
        form.keep_person_details(person)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            people_services.deputy_update(
                actor=request.user,
                mandate=mandate,
                person_data=form.person_data(),
                start_date=data["start_date"],
                electoral_unit=data["electoral_unit"],
                is_grassroots=data["is_grassroots"],
                fields=data["fields"],
            )
        except ServiceError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, _("Deputy saved."))
            return redirect("org:deputy_detail", mandate.pk)
    _record_personal_data_view(request, person)
    return render(
        request,
        "org/deputy_form.html",
        {
            "form": form,
            "title": _("Edit %(name)s") % {"name": person.name},
            "back": reverse("org:deputy_detail", args=[mandate.pk]),
            "mandate": mandate,
            "details_kept": details_kept,
            "registered_by": person.congress,
        },
    )


@login_required
def deputy_end(request, pk: int):
    mandate = _managed_mandate(request, pk)
    form = MandateEndForm(
        request.POST or None, initial={"end_date": timezone.localdate(), "reason": Mandate.EndReason.RESIGNED}
    )
    if request.method == "POST" and form.is_valid():
        try:
            people_services.mandate_end(actor=request.user, mandate=mandate, **form.cleaned_data)
        except ServiceError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, _("The mandate is ended."))
            return redirect("org:deputy_detail", mandate.pk)
    return _form_page(
        request,
        form=form,
        title=_("End the mandate of %(name)s") % {"name": mandate.person.name},
        back=reverse("org:deputy_detail", args=[mandate.pk]),
        submit=_("End the mandate"),
        intro=_("The deputy keeps their history; their other mandates are not affected."),
    )


@login_required
def deputy_leave(request, pk: int):
    mandate = _managed_mandate(request, pk)
    form = LeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            people_services.mandate_leave_record(actor=request.user, mandate=mandate, **form.cleaned_data)
        except ServiceError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, _("Leave recorded."))
            return redirect("org:deputy_detail", mandate.pk)
    return _form_page(
        request,
        form=form,
        title=_("Record leave for %(name)s") % {"name": mandate.person.name},
        back=reverse("org:deputy_detail", args=[mandate.pk]),
        intro=_("Days on leave are not counted when minimums are pro-rated."),
    )


# --- undertaking units ----------------------------------------------------------------------------


@login_required
def unit_list(request):
    user = request.user
    qs = selectors.unit_list_visible_to(user=user)
    q = clean_query(request.GET.get("q"))
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(short_name__contains=q))
    congress = parse_id(request.GET.get("congress"))
    if congress:
        qs = qs.filter(congress_id=congress)
    state = request.GET.get("state", "active")
    if state == "active":
        qs = qs.filter(is_active=True)
    elif state == "inactive":
        qs = qs.filter(is_active=False)
    managed = set(selectors.congresses_managed_by(user=user).values_list("pk", flat=True))
    page = Paginator(qs.order_by("congress__path", "kind", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "org/unit_list.html",
        {
            "page": page,
            "q": q,
            "congress": congress,
            "state": state,
            "congresses": selectors.congress_list_visible_to(user=user),
            "managed": managed,
            "can_create": bool(managed),
        },
    )


@login_required
def unit_create(request):
    managed = list(selectors.congresses_managed_by(user=request.user))
    if not managed:
        raise PermissionDenied
    form = UnitForm(request.POST or None, managed=managed)
    if request.method == "POST" and form.is_valid():
        try:
            unit_services.unit_create(actor=request.user, **form.cleaned_data)
        except ServiceError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, _("Unit added."))
            return redirect("org:unit_list")
    return _form_page(request, form=form, title=_("New undertaking unit"), back=reverse("org:unit_list"))


@login_required
def unit_edit(request, pk: int):
    unit = get_object_or_404(selectors.unit_list_visible_to(user=request.user), pk=pk)
    require_manage_or_403(request.user, unit.congress_id)
    initial = {"kind": unit.kind, "name": unit.name, "short_name": unit.short_name}
    form = UnitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            unit_services.unit_update(actor=request.user, unit=unit, **form.cleaned_data)
        except ServiceError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, _("Unit saved."))
            return redirect("org:unit_list")
    return render(
        request,
        "org/unit_form.html",
        {"form": form, "unit": unit, "back": reverse("org:unit_list"), "events": timeline_for(unit)[:30]},
    )


@login_required
@require_POST
def unit_set_active(request, pk: int):
    unit = get_object_or_404(selectors.unit_list_visible_to(user=request.user), pk=pk)
    require_manage_or_403(request.user, unit.congress_id)
    active = request.POST.get("active") == "1"
    try:
        unit_services.unit_set_active(actor=request.user, unit=unit, active=active)
    except ServiceError as exc:
        refuse_in_message(request, exc)
    else:
        messages.success(request, _("Unit reactivated.") if active else _("Unit deactivated."))
    return redirect("org:unit_edit", unit.pk)


# --- deputy groups --------------------------------------------------------------------------------


@login_required
def group_list(request):
    from . import exports_groups
    from .selectors_groups import with_year_figures, year_rate
    from .views_groups import year_of

    user = request.user
    qs = selectors.group_list_visible_to(user=user).annotate(member_count=Count("memberships"))
    q = clean_query(request.GET.get("q"))
    if q:
        qs = qs.filter(name__contains=q)
    congress = parse_id(request.GET.get("congress"))
    if congress:
        qs = qs.filter(congress_id=congress)
    kind = request.GET.get("kind", "")
    kind = kind if kind in DeputyGroup.Kind.values else ""
    if kind:
        qs = qs.filter(kind=kind)
    year = year_of(request)
    qs = with_year_figures(qs, year).order_by("congress__path", "name", "pk")
    if request.GET.get("format") == "xlsx":
        groups = list(qs[: exports_groups.MAX_ROWS])
        for g in groups:
            g.year_rate = year_rate(g)
        data = exports_groups.groups_workbook(actor=user, groups=groups, year=year, request=request)
        response = HttpResponse(data, content_type=exports_groups.XLSX)
        response["Content-Disposition"] = f'attachment; filename="groups-{year}.xlsx"'
        return response
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for g in page:
        g.year_rate = year_rate(g)
    this = timezone.localdate().year
    return render(
        request,
        "org/group_list.html",
        {
            "page": page,
            "q": q,
            "congress": congress,
            "kind": kind,
            "kinds": DeputyGroup.Kind.choices,
            "year": year,
            "years": list(range(this + 1, this - 5, -1)),
            "congresses": selectors.congress_list_visible_to(user=user),
            "can_create": selectors.congresses_managed_by(user=user).exists(),
        },
    )


@login_required
def group_create(request):
    managed = list(selectors.congresses_managed_by(user=request.user))
    if not managed:
        raise PermissionDenied
    form = GroupForm(request.POST or None, managed=managed)
    if request.method == "POST" and form.is_valid():
        try:
            group = group_services.group_create(actor=request.user, **form.cleaned_data)
        except ServiceError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, _("Group added."))
            return redirect("org:group_detail", group.pk)
    return _form_page(request, form=form, title=_("New deputy group"), back=reverse("org:group_list"))


@login_required
def group_edit(request, pk: int):
    group = get_object_or_404(selectors.group_list_visible_to(user=request.user), pk=pk)
    require_manage_or_403(request.user, group.congress_id)
    form = GroupForm(request.POST or None, initial={"kind": group.kind, "name": group.name})
    if request.method == "POST" and form.is_valid():
        try:
            group_services.group_update(actor=request.user, group=group, **form.cleaned_data)
        except ServiceError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, _("Group saved."))
            return redirect("org:group_detail", group.pk)
    return _form_page(request, form=form, title=group.name, back=reverse("org:group_detail", args=[group.pk]))


@login_required
def group_detail(request, pk: int):
    from .selectors_groups import group_year
    from .services.group_work import can_record_for_group
    from .views_groups import year_of

    user = request.user
    group = get_object_or_404(
        selectors.group_list_visible_to(user=user).annotate(member_count=Count("memberships")), pk=pk
    )
    can_manage = can_manage_congress(user, group.congress_id)
    year = year_of(request)
    # SECURITY: reading a group is not reading its members (a deputy reads their group and themself); the
    # year lists the members the reader may read, as the API does, with their attendance.
    work = group_year(user=user, group=group, year=year)
    q = clean_query(request.GET.get("q"))
    candidates = []
    if can_manage and q:
        candidates = (
            selectors.mandate_list_visible_to(user=user)
            .current()
            .filter(person__name__contains=q)
            .exclude(group_memberships__group=group)
            .order_by("congress__path", "person__name", "pk")[:SEARCH_LIMIT]
        )
    this = timezone.localdate().year
    return render(
        request,
        "org/group_detail.html",
        {
            "group": group,
            "work": work,
            "members": work.members,
            "year": year,
            "years": list(range(this + 1, this - 5, -1)),
            "leader_readable": group.leader_id is not None
            and selectors.mandate_list_visible_to(user=user).filter(pk=group.leader_id).exists(),
            "can_manage": can_manage,
            "can_record": can_record_for_group(user, group),
            "q": q,
            "candidates": candidates,
            "events": timeline_for(group)[:30],
        },
    )


def _group_action(request, pk: int, action) -> object:
    group = get_object_or_404(selectors.group_list_visible_to(user=request.user), pk=pk)
    require_manage_or_403(request.user, group.congress_id)
    mandate_id = parse_id(request.POST.get("mandate"))
    mandate = None
    if mandate_id:
        mandate = selectors.mandate_list_visible_to(user=request.user).filter(pk=mandate_id).first()
        if mandate is None:
            messages.error(request, _("That deputy was not found."))
            return redirect("org:group_detail", group.pk)
    try:
        message = action(group, mandate)
    except ServiceError as exc:
        refuse_in_message(request, exc)
    else:
        messages.success(request, message)
    return redirect("org:group_detail", group.pk)


@login_required
@require_POST
def group_member_add(request, pk: int):
    def add(group, mandate):
        if mandate is None:
            raise ServiceError("required", _("Choose a deputy."))
        group_services.group_add_member(actor=request.user, group=group, mandate=mandate)
        return _("Member added.")

    return _group_action(request, pk, add)


@login_required
@require_POST
def group_member_remove(request, pk: int):
    def remove(group, mandate):
        if mandate is None:
            raise ServiceError("required", _("Choose a deputy."))
        group_services.group_remove_member(actor=request.user, group=group, mandate=mandate)
        return _("Member removed.")

    return _group_action(request, pk, remove)


@login_required
@require_POST
def group_leader(request, pk: int):
    def set_leader(group, mandate):
        group_services.group_set_leader(actor=request.user, group=group, mandate=mandate)
        return _("Leader set.") if mandate else _("The group has no leader now.")

    return _group_action(request, pk, set_leader)
