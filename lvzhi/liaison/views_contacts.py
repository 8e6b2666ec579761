"""Pages of the contact log: the list, logging a contact (with the opinions raised), a contact's page,
correcting it, and each raised opinion's next step (to the opinions store, or the deputy's draft suggestion)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lvzhi.core.audit import timeline_for
from lvzhi.core.errors import ServiceError
from lvzhi.core.params import clean_query, parse_id, parse_year
from lvzhi.org.permissions import can_manage_congress
from lvzhi.org.refusals import refuse_in_message, refuse_on_form

from . import exports
from .contactors import Contactor, can_log_for, contactor_from_key, contactors_for_logging, contactors_read_by
from .forms import ContactForm, EnterForm, RaisedForm
from .models import Assignment, Contact, RaisedOpinion, Side
from .selectors import active_on, contacts_visible_to, coverage_congresses, raised_visible_to
from .services import contacts as contact_services
from .services import raised as raised_services
from .services.contacts import LONGEST_AGO, ContactInput
from .services.raised import RaisedInput
from .workflow import Step, allowed

PAGE_SIZE = 30
OPINION_ROWS = 2


def _deputy_choices(contactor: Contactor, *, include=()):
    """The contactor's deputies over the last twelve months (a contact may be logged late), and any
    deputy already on the contact being corrected."""
    today = timezone.localdate()
    rows = (
        active_on(Assignment.objects.filter(**contactor.lookup()), today - LONGEST_AGO, today)
        .select_related("mandate__person", "mandate__congress")
        .order_by("mandate__person__name", "pk")
    )
    out, seen = [], set()
    for a in rows:
        if a.mandate_id in seen:
            continue
        seen.add(a.mandate_id)
        label = a.mandate.person.name
        if a.end_date is not None and a.end_date < today:
            label += _("（contact ended %(day)s）") % {"day": a.end_date.isoformat()}
        out.append((a.mandate, label))
    for m in include:
        if m.pk not in seen:
            out.append((m, m.person.name))
    return out


def _years(today: dt.date) -> list[int]:
    return [today.year - 2, today.year - 1, today.year]


# --- the list ----------------------------------------------------------------------------------------------
@login_required
def contact_list(request):
    user = request.user
    today = timezone.localdate()
    qs = contacts_visible_to(user=user)
    contactors = contactors_read_by(user)
    congresses = coverage_congresses(user=user)
    congress = next((c for c in congresses if c.pk == parse_id(request.GET.get("congress"))), None)
    contactor = contactor_from_key(request.GET.get("to"), contactors)
    side = request.GET.get("side") if request.GET.get("side") in Side.values else ""
    mode = request.GET.get("mode") if request.GET.get("mode") in Contact.Mode.values else ""
    year = parse_year(request.GET.get("year"), 2000, 2100)
    query = clean_query(request.GET.get("q"), 40)
    if congress is not None:
        qs = qs.filter(congress=congress)
    if contactor is not None:
        qs = qs.filter(**contactor.lookup())
    if side:
        qs = qs.filter(side=side)
    if mode:
        qs = qs.filter(mode=mode)
    if year:
        qs = qs.filter(date__year=year)
    if query:
        qs = qs.filter(
            Q(topic__contains=query)
            | Q(discussed__contains=query)
            | Q(pk__in=Contact.objects.filter(deputies__person__name__contains=query).values("pk"))
        )
    qs = qs.prefetch_related("deputies__person").order_by("-date", "-pk")
    if request.GET.get("format") == "xlsx":
        return exports.workbook_response(
            request=request,
            filename="liaison-contacts",
            title=_("Contacts with deputies") + (f" {year}" if year else ""),
            headers=[
                _("Date"),
                _("Congress"),
                _("Member or committee"),
                _("Way of contact"),
                _("Contact topic"),
                _("Deputies contacted"),
                _("Place"),
                _("What was discussed"),
            ],
            rows=(
                (
                    c.date,
                    c.congress.name,
                    c.contactor_name,
                    c.get_mode_display(),
                    c.topic,
                    "、".join(m.person.name for m in c.deputies.all()),
                    c.place,
                    c.discussed,
                )
                for c in qs
            ),
            what={"list": "liaison_contacts", "year": year},
            widths=(12, 20, 20, 10, 30, 30, 16, 50),
        )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "liaison/contact_list.html",
        {
            "page": page,
            "congresses": congresses,
            "congress": congress,
            "contactors": contactors,
            "contactor": contactor,
            "side": side,
            "mode": mode,
            "modes": Contact.Mode.choices,
            "year": year,
            "years": _years(today),
            "query": query,
            "may_log": bool(contactors_for_logging(user)),
        },
    )


# --- logging a contact -----------------------------------------------------------------------------------
def _opinion_forms(data, deputies):
    return [RaisedForm(data, prefix=f"op{i}", deputies=deputies) for i in range(OPINION_ROWS)]


@login_required
def contact_new(request):
    user = request.user
    contactors = contactors_for_logging(user)
    if not contactors:
        raise PermissionDenied(
            _("Only standing-committee members, special committees and their office log contacts.")
        )
    key = request.POST.get("contactor") if request.method == "POST" else request.GET.get("to")
    contactor = contactor_from_key(key, contactors) or (contactors[0] if len(contactors) == 1 else None)
    if contactor is None:
        return render(request, "liaison/contact_choose.html", {"contactors": contactors})
    deputies = _deputy_choices(contactor)
    status = 200
    if request.method == "POST":
        form = ContactForm(request.POST, contactors=contactors, deputies=deputies, fixed_contactor=contactor)
        opinion_forms = _opinion_forms(request.POST, deputies)
        if form.is_valid() and all(f.is_valid() for f in opinion_forms):
            data = form.cleaned_data
            by_pk = {m.pk: m for m, _label in deputies}
            items = [
                RaisedInput(
                    content=f.cleaned_data["content"],
                    category=f.cleaned_data["category"],
                    mandate=by_pk.get(f.cleaned_data.get("mandate")),
                    next_step=f.cleaned_data["next_step"],
                )
                for f in opinion_forms
                if f.has_opinion()
            ]
            try:
                contact = contact_services.contact_log(
                    actor=user,
                    contactor=contactor,
                    data=ContactInput(
                        date=data["date"],
                        mode=data["mode"],
                        topic=data["topic"],
                        place=data["place"],
                        discussed=data["discussed"],
                        mandates=tuple(by_pk[pk] for pk in data["deputies"] if pk in by_pk),
                    ),
                    opinions=items,
                )
            except ServiceError as exc:
                if exc.field in {"content", "category", "mandate"}:
                    target = next((f for f in opinion_forms if f.has_opinion()), opinion_forms[0])
                    refuse_on_form(target, exc)
                else:
                    refuse_on_form(form, exc)
            else:
                messages.success(request, _("Contact logged."))
                return redirect("liaison:contact", contact.pk)
        status = 400
    else:
        ticked = [pk for pk in [parse_id(v) for v in request.GET.getlist("deputy")] if pk]
        form = ContactForm(
            contactors=contactors,
            deputies=deputies,
            fixed_contactor=contactor,
            initial={"contactor": contactor.key, "date": timezone.localdate(), "deputies": ticked},
        )
        opinion_forms = _opinion_forms(None, deputies)
    return render(
        request,
        "liaison/contact_form.html",
        {
            "form": form,
            "opinion_forms": opinion_forms,
            "contactor": contactor,
            "contact": None,
            "no_deputies": not deputies,
        },
        status=status,
    )


# --- a contact's page ------------------------------------------------------------------------------------
def _contact(request, contact_id: int) -> Contact:
    return get_object_or_404(contacts_visible_to(user=request.user), pk=contact_id)


def _render_contact(request, contact: Contact, *, raised_form=None, status=200):
    user = request.user
    contactor = Contactor.of(contact)
    may_log = can_log_for(user, contactor)
    office = can_manage_congress(user, contact.congress_id)
    deputies = [
        (m, m.person.name) for m in contact.deputies.select_related("person").order_by("person__name")
    ]
    opinions = list(
        contact.opinions.select_related("mandate__person", "opinion", "suggestion").order_by("pk")
    )
    from .services.raised import may_draft

    for r in opinions:
        r.may_request = may_log and allowed(r.state, Step.REQUEST_ENTRY) and not office
        r.may_enter = office and allowed(r.state, Step.ENTER)
        r.may_propose = may_log and r.mandate_id is not None and allowed(r.state, Step.PROPOSE)
        r.may_draft = may_draft(user, r)
    if raised_form is None and may_log:
        raised_form = RaisedForm(deputies=deputies, required=True, prefix="new")
    return render(
        request,
        "liaison/contact_detail.html",
        {
            "contact": contact,
            "contactor": contactor,
            "deputies": [m for m, _label in deputies],
            "opinions": opinions,
            "may_log": may_log,
            "raised_form": raised_form if may_log else None,
            "events": timeline_for(contact),
        },
        status=status,
    )


@login_required
def contact_detail(request, contact_id: int):
    return _render_contact(request, _contact(request, contact_id))


@login_required
def contact_edit(request, contact_id: int):
    contact = _contact(request, contact_id)
    contactor = Contactor.of(contact)
    if not can_log_for(request.user, contactor):
        raise PermissionDenied(
            _("Only the member, the committee's staff or the deputy-affairs staff may correct this contact.")
        )
    current = list(contact.deputies.select_related("person"))
    deputies = _deputy_choices(contactor, include=current)
    status = 200
    if request.method == "POST":
        form = ContactForm(request.POST, contactors=[contactor], deputies=deputies, fixed_contactor=contactor)
        if form.is_valid():
            data = form.cleaned_data
            by_pk = {m.pk: m for m, _label in deputies}
            try:
                contact_services.contact_update(
                    actor=request.user,
                    contact=contact,
                    data=ContactInput(
                        date=data["date"],
                        mode=data["mode"],
                        topic=data["topic"],
                        place=data["place"],
                        discussed=data["discussed"],
                        mandates=tuple(by_pk[pk] for pk in data["deputies"] if pk in by_pk),
                    ),
                )
            except ServiceError as exc:
                refuse_on_form(form, exc)
            else:
                messages.success(request, _("Contact corrected."))
                return redirect("liaison:contact", contact.pk)
        status = 400
    else:
        form = ContactForm(
            contactors=[contactor],
            deputies=deputies,
            fixed_contactor=contactor,
            initial={
                "contactor": contactor.key,
                "date": contact.date,
                "mode": contact.mode,
                "deputies": [m.pk for m in current],
                "topic": contact.topic,
                "place": contact.place,
                "discussed": contact.discussed,
            },
        )
    return render(
        request,
        "liaison/contact_form.html",
        {"form": form, "opinion_forms": [], "contactor": contactor, "contact": contact},
        status=status,
    )


@login_required
@require_POST
def raised_add(request, contact_id: int):
    contact = _contact(request, contact_id)
    if not can_log_for(request.user, Contactor.of(contact)):
        raise PermissionDenied(
            _("Only the member, the committee's staff or the deputy-affairs staff may add to this contact.")
        )
    deputies = [(m, m.person.name) for m in contact.deputies.select_related("person")]
    form = RaisedForm(request.POST, deputies=deputies, required=True, prefix="new")
    if form.is_valid():
        by_pk = {m.pk: m for m, _label in deputies}
        try:
            raised_services.raised_add(
                actor=request.user,
                contact=contact,
                item=RaisedInput(
                    content=form.cleaned_data["content"],
                    category=form.cleaned_data["category"],
                    mandate=by_pk.get(form.cleaned_data.get("mandate")),
                    next_step=form.cleaned_data["next_step"],
                ),
            )
        except ServiceError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, _("Opinion noted."))
            return redirect("liaison:contact", contact.pk)
    return _render_contact(request, contact, raised_form=form, status=400)


# --- raised opinions ----------------------------------------------------------------------------------------
def _raised(request, raised_id: int) -> RaisedOpinion:
    return get_object_or_404(raised_visible_to(user=request.user), pk=raised_id)


@login_required
def raised_list(request):
    """Opinions raised in contacts: the office's queue of those waiting to be entered, and what became of each."""
    user = request.user
    qs = raised_visible_to(user=user)
    congresses = coverage_congresses(user=user)
    congress = next((c for c in congresses if c.pk == parse_id(request.GET.get("congress"))), None)
    state = request.GET.get("state") if request.GET.get("state") in RaisedOpinion.State.values else ""
    from lvzhi.opinions.models import Opinion

    category = request.GET.get("category") if request.GET.get("category") in Opinion.Category.values else ""
    query = clean_query(request.GET.get("q"), 40)
    if congress is not None:
        qs = qs.filter(congress=congress)
    if state:
        qs = qs.filter(state=state)
    if category:
        qs = qs.filter(category=category)
    if query:
        qs = qs.filter(Q(content__contains=query) | Q(mandate__person__name__contains=query))
    qs = qs.order_by("-contact__date", "-pk")
    if request.GET.get("format") == "xlsx":
        return exports.workbook_response(
            request=request,
            filename="liaison-opinions",
            title=_("Opinions raised in contacts"),
            headers=[
                _("Date"),
                _("Member or committee"),
                _("Raised by"),
                _("About"),
                _("Opinion raised"),
                _("State"),
                _("Became"),
            ],
            rows=(
                (
                    r.contact.date,
                    r.contact.contactor_name,
                    r.mandate.person.name if r.mandate_id else "",
                    r.category_label(),
                    r.content,
                    r.get_state_display(),
                    r.opinion.number if r.opinion_id else (r.suggestion.title if r.suggestion_id else ""),
                )
                for r in qs
            ),
            what={"list": "liaison_opinions", "state": state},
            widths=(12, 20, 12, 18, 50, 20, 24),
        )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    # The "enter it" link shows only where the user may enter it (the rule raised_enter checks).
    office_of: dict[int, bool] = {}
    rows = list(page.object_list)
    for r in rows:
        if r.congress_id not in office_of:
            office_of[r.congress_id] = can_manage_congress(user, r.congress_id)
        r.may_enter = office_of[r.congress_id] and allowed(r.state, Step.ENTER)
    page.object_list = rows
    return render(
        request,
        "liaison/raised_list.html",
        {
            "page": page,
            "congresses": congresses,
            "congress": congress,
            "state": state,
            "states": RaisedOpinion.State.choices,
            "category": category,
            "categories": Opinion.Category.choices,
            "query": query,
        },
    )


@login_required
@require_POST
def raised_request(request, raised_id: int):
    raised = _raised(request, raised_id)
    try:
        raised_services.raised_request_entry(actor=request.user, raised=raised)
    except ServiceError as exc:
        refuse_in_message(request, exc)
    else:
        messages.success(request, _("The office is asked to enter it into the opinions store."))
    return redirect("liaison:contact", raised.contact_id)


@login_required
@require_POST
def raised_propose(request, raised_id: int):
    raised = _raised(request, raised_id)
    try:
        raised_services.raised_propose(actor=request.user, raised=raised)
    except ServiceError as exc:
        refuse_in_message(request, exc)
    else:
        messages.success(request, _("Proposed to the deputy: they are told and can draft the suggestion."))
    return redirect("liaison:contact", raised.contact_id)


@login_required
def raised_enter(request, raised_id: int):
    """The office enters a raised opinion into the opinions store (prefilled; the office may edit the text)."""
    raised = _raised(request, raised_id)
    if not can_manage_congress(request.user, raised.congress_id):
        raise PermissionDenied(
            _("Only the deputy-affairs staff of the congress enter opinions into the opinions store.")
        )
    possible = allowed(raised.state, Step.ENTER)
    status = 200
    if request.method == "POST" and possible:
        form = EnterForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                opinion = raised_services.raised_enter(
                    actor=request.user,
                    raised=raised,
                    category=data["category"],
                    content=data["content"],
                    urgent=data["urgent"],
                    place=data["place"],
                )
            except ServiceError as exc:
                refuse_on_form(form, exc)
            else:
                messages.success(
                    request,
                    _("Entered into the opinions store as %(number)s: the office triages it like any other.")
                    % {"number": opinion.number},
                )
                return redirect("liaison:contact", raised.contact_id)
        status = 400
    else:
        form = EnterForm(initial={"category": raised.category, "content": raised.content})
        if request.method == "POST":
            status = 409
    return render(
        request,
        "liaison/raised_enter.html",
        {"form": form, "raised": raised, "possible": possible, "events": timeline_for(raised)},
        status=status,
    )


@login_required
def raised_draft(request, raised_id: int):
    """The deputy who raised the opinion drafts a suggestion from it (the suggestions app's drafting form,
    prefilled); anyone else who reads the opinion sees where it stands."""
    from lvzhi.suggestions.forms_deputy import SuggestionForm

    raised = _raised(request, raised_id)
    possible = raised_services.may_draft(request.user, raised)
    form = None
    status = 200
    if possible:
        initial = raised_services.suggestion_draft_of(raised)
        form = SuggestionForm(request.POST or None, initial=initial, mandates=[raised.mandate])
        if request.method == "POST":
            if form.is_valid():
                data = form.cleaned_data
                try:
                    suggestion = raised_services.raised_draft(
                        actor=request.user,
                        raised=raised,
                        title=data["title"],
                        field=data["field"],
                        body=data["body"],
                        kind=data["kind"],
                    )
                except ServiceError as exc:
                    refuse_on_form(form, exc)
                else:
                    messages.success(
                        request, _("Draft suggestion saved. Check it, add co-signers, then submit it.")
                    )
                    return redirect(reverse("suggestions:detail", args=[suggestion.pk]))
            status = 400
    elif request.method == "POST":
        raise PermissionDenied(_("Only the deputy who raised the opinion can draft a suggestion from it."))
    return render(
        request,
        "liaison/raised_draft.html",
        {"form": form, "raised": raised, "possible": possible, "events": timeline_for(raised)},
        status=status,
    )
