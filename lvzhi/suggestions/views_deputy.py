"""Pages of the deputy side of the suggestions loop, phone-first: my suggestions, writing and editing,
co-signers, materials, submitting and withdrawing, answering an invitation, rating the reply.

Every page fetches the suggestion through suggestion_list_visible_to (404 otherwise). Each POST parses its
input, calls one service and redirects with a message; a refused step shows the service's message on the page
and keeps what was typed (a refusal for lack of right is a 403).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lvzhi.core.audit import timeline_for
from lvzhi.core.errors import ServiceError
from lvzhi.core.params import clean_query
from lvzhi.org.congress_settings import RATING_SURVEY
from lvzhi.org.models import Mandate
from lvzhi.org.scope import scope_for

from . import events
from .attachments import attachment_add
from .forms_deputy import EvaluationForm, InviteForm, MaterialForm, SignForm, SuggestionForm, WithdrawForm
from .models import Attachment, Evaluation, Signer, Suggestion, SurveyAnswer
from .selectors import suggestion_list_visible_to
from .selectors_deputy import (
    SHOWS,
    cosigner_candidates,
    current_mandates,
    my_list,
    rating_mandate,
)
from .services import drafting, replies
from .services.common import rules
from .workflow import EDITABLE_STATES, State, Step

WITHDRAWABLE = (State.DRAFT, State.SUBMITTED, State.RETURNED)
SHOW_LABELS = {
    "": gettext_lazy("All"),
    "drafts": gettext_lazy("Drafts"),
    "returned": gettext_lazy("Returned for revision"),
    "invitations": gettext_lazy("Invitations to co-sign"),
    "submitted": gettext_lazy("Submitted"),
    "handling": gettext_lazy("Being handled"),
    "evaluate": gettext_lazy("To evaluate"),
    "closed": gettext_lazy("Closed"),
}
SURVEY_ONLY_WORDS = gettext_lazy(
    "This congress rates replies by a third-party survey: you do not evaluate here; the survey will phone you "
    "to ask how satisfied you are."
)
# Words for the loop's events that are not workflow steps (those read Step's own labels).
EVENT_WORDS = {
    events.CREATED: gettext_lazy("Draft written"),
    events.UPDATED: gettext_lazy("Text changed"),
    events.SIGNER_INVITED: gettext_lazy("A deputy was invited to co-sign"),
    events.SIGNER_CONFIRMED: gettext_lazy("A co-signer confirmed"),
    events.SIGNER_DECLINED: gettext_lazy("An invited deputy declined"),
    events.ATTACHMENT_ADDED: gettext_lazy("A file was added"),
}


# --- helpers ---------------------------------------------------------------------------------------
def _visible(request, pk: int) -> Suggestion:
    return get_object_or_404(suggestion_list_visible_to(user=request.user), pk=pk)


def _authored(request, pk: int) -> Suggestion:
    """A suggestion the user may read (404 otherwise) and wrote (403 otherwise)."""
    suggestion = _visible(request, pk)
    if suggestion.author_id not in scope_for(request.user).mandate_ids:
        raise PermissionDenied(_("Only the author can do this."))
    return suggestion


def _refused(request, exc: ServiceError) -> None:
    """A refused button: its message on the next page; a refusal for lack of right is a 403."""
    if exc.status == 403:
        raise PermissionDenied(exc.message)
    messages.error(request, exc.message)


def _on_form(form, exc: ServiceError) -> None:
    if exc.status == 403:
        raise PermissionDenied(exc.message)
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _detail(suggestion: Suggestion):
    return redirect("suggestions:detail", suggestion.pk)


def _steps(suggestion: Suggestion) -> list[dict]:
    """The suggestion's history in plain words, oldest first."""
    out = []
    for e in reversed(list(timeline_for(suggestion)[:200])):
        if not e.kind.startswith("suggestion."):
            continue
        step = e.kind.split(".", 1)[1]
        words = EVENT_WORDS.get(e.kind) or (Step(step).label if step in Step.values else e.kind)
        moved = e.to_state and e.to_state != e.from_state and e.to_state in State.values
        out.append(
            {
                "at": e.occurred_at,
                "words": words,
                "state": State(e.to_state).label if moved else "",
                "note": e.note,
            }
        )
    return out


def _motion_shortfall(suggestion: Suggestion) -> dict | None:
    """For a motion not yet submitted: the co-signers it needs and has, when it has too few."""
    if suggestion.kind != Suggestion.Kind.MOTION or suggestion.state not in EDITABLE_STATES:
        return None
    minimum = rules(suggestion)["motion_cosigner_minimum"]
    have = drafting.confirmed_cosigners(suggestion)
    return {"minimum": minimum, "have": have} if have < minimum else None


# --- the panel on the suggestion page ----------------------------------------------------------------
def panel_context(request, suggestion) -> dict:
    """What the deputy's action panel on the suggestion page needs (empty when the user has no part)."""
    user = request.user
    mandate_ids = scope_for(user).mandate_ids
    if not mandate_ids:
        return {}
    mine = [
        s
        for s in suggestion.signers.select_related("mandate__person", "mandate__congress")
        if s.mandate_id in mandate_ids
    ]
    if not mine:
        return {}
    is_author = suggestion.author_id in mandate_ids
    invitation = next(
        (
            s
            for s in mine
            if s.role == Signer.Role.COSIGNER
            and not (s.confirmed_at or s.declined_at)
            and suggestion.state in (*EDITABLE_STATES, State.SUBMITTED)
        ),
        None,
    )
    editable = is_author and suggestion.state in EDITABLE_STATES
    rating = None
    reply = replies.current_reply(suggestion)
    mode = replies.rating_mode(suggestion) if reply is not None else ""
    mandate = rating_mandate(user=user, suggestion=suggestion, rated_by_deputies=mode != RATING_SURVEY)
    if mandate is not None:
        rating = {
            "mandate": mandate,
            "reply": reply,
            "due": replies.evaluation_due(reply),
            "promise_stage": suggestion.state == State.PROMISE_REPORTED,
            "form": EvaluationForm(),
        }
    # Active first, the lead unit ("lead" > "co") before co-units.
    assignments = list(suggestion.assignments.select_related("unit").order_by("-is_active", "-role", "pk"))
    return {
        "show": True,
        "is_author": is_author,
        "editable": editable,
        "can_withdraw": is_author and suggestion.state in WITHDRAWABLE,
        "shortfall": _motion_shortfall(suggestion) if is_author else None,
        "invitation": invitation,
        "signers": list(suggestion.signers.select_related("mandate__person").order_by("pk")),
        "attachments": list(suggestion.attachments.order_by("uploaded_at", "pk")),
        "rating": rating,
        "reply": reply,
        "my_evaluations": list(
            Evaluation.objects.filter(reply__suggestion=suggestion, mandate_id__in=mandate_ids)
            .select_related("reply")
            .order_by("evaluated_at")
        ),
        "rating_mode": mode,  # how this congress rates replies, once there is one
        "my_survey_answers": list(
            SurveyAnswer.objects.filter(suggestion=suggestion, mandate_id__in=mandate_ids).order_by("pk")
        ),
        "assignments": assignments,
        "consultations": [c for a in assignments for c in a.consultations.all()],
        "steps": _steps(suggestion),
        "withdraw_form": WithdrawForm(),
    }


# --- my suggestions --------------------------------------------------------------------------------
@login_required
def my_suggestions(request):
    show = request.GET.get("show", "")
    if show not in SHOWS:
        show = ""
    qs = my_list(user=request.user, show=show)
    q = clean_query(request.GET.get("q"))
    if q:
        qs = qs.filter(title__contains=q)
    page = Paginator(qs.order_by("-updated_at", "-pk"), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "suggestions/deputy/mine.html",
        {
            "page": page,
            "q": q,
            "show": show,
            "tabs": list(SHOW_LABELS.items()),
            "can_write": current_mandates(user=request.user).exists(),
        },
    )


# --- writing and editing ---------------------------------------------------------------------------
@login_required
def suggestion_new(request):
    mandates = list(current_mandates(user=request.user))
    if not mandates:
        raise PermissionDenied(_("Only serving deputies write suggestions."))
    form = SuggestionForm(request.POST or None, mandates=mandates)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = data.get("mandate") or mandates[0].pk
        mandate = next((m for m in mandates if m.pk == chosen), None)
        if mandate is None:
            form.add_error("mandate", _("Choose one of your congresses."))
        else:
            try:
                suggestion = drafting.suggestion_create(
                    actor=request.user,
                    mandate=mandate,
                    title=data["title"],
                    field=data["field"],
                    body=data["body"],
                    kind=data["kind"],
                )
            except ServiceError as exc:
                _on_form(form, exc)
            else:
                messages.success(
                    request, _("Draft saved. Add co-signers or materials, then submit it when it is ready.")
                )
                return _detail(suggestion)
    return render(
        request,
        "suggestions/deputy/form.html",
        {"form": form, "title": _("Write a suggestion"), "back": reverse("suggestions:mine")},
    )


@login_required
def suggestion_edit(request, pk: int):
    suggestion = _authored(request, pk)
    editable = suggestion.state in EDITABLE_STATES
    initial = {k: getattr(suggestion, k) for k in ("kind", "title", "field", "body")}
    form = SuggestionForm(request.POST or None, initial=initial) if editable else None
    if request.method == "POST":
        if form is None:
            messages.error(request, _("The suggestion can no longer be changed."))
            return _detail(suggestion)
        if form.is_valid():
            try:
                drafting.suggestion_update(actor=request.user, suggestion=suggestion, **form.cleaned_data)
            except ServiceError as exc:
                _on_form(form, exc)
            else:
                messages.success(request, _("Changes saved."))
                return _detail(suggestion)
    return render(
        request,
        "suggestions/deputy/form.html",
        {
            "form": form,
            "suggestion": suggestion,
            "title": _("Change the suggestion"),
            "back": reverse("suggestions:detail", args=[suggestion.pk]),
        },
    )


# --- submitting and withdrawing --------------------------------------------------------------------
@login_required
@require_POST
def suggestion_submit(request, pk: int):
    suggestion = _visible(request, pk)
    try:
        drafting.suggestion_submit(actor=request.user, suggestion=suggestion)
    except ServiceError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Submitted. The deputy-affairs office will review it."))
    return _detail(suggestion)


@login_required
@require_POST
def suggestion_submit_as_suggestion(request, pk: int):
    """A motion without enough co-signers goes in as a suggestion: its kind changes, then it is submitted.

    Two steps of the author's, each with its own event, in one transaction: if the submission is refused,
    the kind stays a motion.
    """
    suggestion = _visible(request, pk)
    try:
        with transaction.atomic():
            drafting.suggestion_update(
                actor=request.user,
                suggestion=suggestion,
                title=suggestion.title,
                field=suggestion.field,
                body=suggestion.body,
                kind=Suggestion.Kind.SUGGESTION,
            )
            drafting.suggestion_submit(actor=request.user, suggestion=suggestion)
    except ServiceError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Submitted as a suggestion. The deputy-affairs office will review it."))
    return _detail(suggestion)


@login_required
@require_POST
def suggestion_withdraw(request, pk: int):
    suggestion = _visible(request, pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Keep the reason under 500 characters."))
        return _detail(suggestion)
    try:
        drafting.suggestion_withdraw(
            actor=request.user, suggestion=suggestion, reason=form.cleaned_data["reason"]
        )
    except ServiceError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Withdrawn."))
    return _detail(suggestion)


# --- co-signers ------------------------------------------------------------------------------------
@login_required
def cosigners(request, pk: int):
    """The author finds serving deputies of the same congress by name and invites them."""
    suggestion = _authored(request, pk)
    q = clean_query(request.GET.get("q"), 40)
    if request.method == "POST":
        form = InviteForm(request.POST)
        mandate = None
        if form.is_valid():
            mandate = Mandate.objects.filter(pk=form.cleaned_data["mandate"]).select_related("person").first()
        if mandate is None:
            messages.error(request, _("Choose a deputy from the search results."))
        else:
            try:
                drafting.signer_invite(actor=request.user, suggestion=suggestion, mandate=mandate)
            except ServiceError as exc:
                _refused(request, exc)
            else:
                messages.success(
                    request,
                    _("%(name)s is invited; the invitation waits on their home page.")
                    % {"name": mandate.person.name},
                )
        url = reverse("suggestions:cosigners", args=[suggestion.pk])
        q = clean_query(request.POST.get("q"), 40)
        return redirect(f"{url}?{urlencode({'q': q})}" if q else url)
    editable = suggestion.state in EDITABLE_STATES
    return render(
        request,
        "suggestions/deputy/cosigners.html",
        {
            "suggestion": suggestion,
            "editable": editable,
            "q": q,
            "candidates": cosigner_candidates(suggestion=suggestion, q=q) if editable else [],
            "signers": suggestion.signers.select_related("mandate__person").order_by("pk"),
            "shortfall": _motion_shortfall(suggestion),
        },
    )


@login_required
@require_POST
def cosign_answer(request, pk: int):
    """An invited deputy confirms or declines co-signing."""
    suggestion = _visible(request, pk)
    signer = (
        suggestion.signers.filter(
            mandate_id__in=scope_for(request.user).mandate_ids, role=Signer.Role.COSIGNER
        )
        .order_by("pk")
        .first()
    )
    if signer is None:
        raise PermissionDenied(_("You are not invited to co-sign this suggestion."))
    form = SignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Confirm or decline the invitation."))
        return _detail(suggestion)
    confirm = form.cleaned_data["answer"] == "confirm"
    try:
        drafting.signer_respond(actor=request.user, signer=signer, confirm=confirm)
    except ServiceError as exc:
        _refused(request, exc)
    else:
        messages.success(
            request, _("You co-sign this suggestion.") if confirm else _("You declined to co-sign.")
        )
    return _detail(suggestion)


# --- materials and downloads -----------------------------------------------------------------------
@login_required
def materials(request, pk: int):
    """The suggestion's files (for anyone who reads it); the author adds materials while it is editable."""
    suggestion = _visible(request, pk)
    may_add = (
        suggestion.author_id in scope_for(request.user).mandate_ids and suggestion.state in EDITABLE_STATES
    )
    form = MaterialForm(request.POST or None, request.FILES or None) if may_add else None
    if request.method == "POST":
        if form is None:
            if suggestion.author_id not in scope_for(request.user).mandate_ids:
                raise PermissionDenied(_("Only the author adds materials to a suggestion."))
            messages.error(
                request,
                _("Materials can be added only while the suggestion is a draft or returned for revision."),
            )
            return redirect("suggestions:materials", suggestion.pk)
        if form.is_valid():
            try:
                attachment = attachment_add(
                    actor=request.user,
                    suggestion=suggestion,
                    file=form.cleaned_data["file"],
                    kind=Attachment.Kind.MATERIAL,
                )
            except ServiceError as exc:
                _on_form(form, exc)
            else:
                messages.success(request, _("“%(name)s” added.") % {"name": attachment.name})
                return redirect("suggestions:materials", suggestion.pk)
    return render(
        request,
        "suggestions/deputy/materials.html",
        {
            "suggestion": suggestion,
            "form": form,
            "attachments": suggestion.attachments.order_by("uploaded_at", "pk"),
        },
    )


@login_required
def attachment_download(request, pk: int):
    """A file, sent only to those who may read its suggestion (404 otherwise); always as a download."""
    visible = suggestion_list_visible_to(user=request.user).values("pk")
    attachment = get_object_or_404(Attachment.objects.filter(suggestion__in=visible), pk=pk)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404(_("The file is missing from the storage.")) from None
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- evaluation ------------------------------------------------------------------------------------
@login_required
def evaluate(request, pk: int):
    """A deputy concerned rates the reply (or the promise carried out): 满意 / 基本满意 / 不满意."""
    suggestion = _visible(request, pk)
    if not suggestion.signers.filter(mandate_id__in=scope_for(request.user).mandate_ids).exists():
        raise PermissionDenied(_("Only the deputies who put forward this suggestion evaluate it."))
    survey_only = not replies.deputies_rate(suggestion)
    mandate = rating_mandate(user=request.user, suggestion=suggestion, rated_by_deputies=not survey_only)
    reply = replies.current_reply(suggestion)
    form = EvaluationForm(request.POST or None) if mandate else None
    if request.method == "POST":
        if form is None:
            if survey_only:
                messages.error(request, SURVEY_ONLY_WORDS)
            else:
                messages.error(request, _("There is nothing for you to evaluate on this suggestion now."))
            return _detail(suggestion)
        if form.is_valid():
            try:
                replies.evaluation_submit(
                    actor=request.user, suggestion=suggestion, mandate=mandate, **form.cleaned_data
                )
            except ServiceError as exc:
                _on_form(form, exc)
            else:
                messages.success(request, _("Thank you: your evaluation is recorded."))
                return _detail(suggestion)
    return render(
        request,
        "suggestions/deputy/evaluate.html",
        {
            "suggestion": suggestion,
            "form": form,
            "reply": reply,
            "mandate": mandate,
            "due": replies.evaluation_due(reply) if reply and mandate else None,
            "promise_stage": suggestion.state == State.PROMISE_REPORTED,
            "survey_only": survey_only,
        },
    )
