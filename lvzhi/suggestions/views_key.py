"""Pages of key supervision (重点督办): the year's list of key suggestions, one key suggestion's page (its
leaders, meetings and scores), and the forms to choose (the chair), record a meeting (the office or the
chair) and score the final report (standing-committee members).

A suggestion is fetched through suggestion_list_visible_to (404 outside the reader's scope). A POST parses
the form, calls one service and redirects with a message; a refused step goes back onto the page, which
keeps what was typed.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lvzhi.core.errors import ServiceError
from lvzhi.core.params import parse_year
from lvzhi.org.roles import Role
from lvzhi.org.scope import scope_for

from .models import KeyMeeting, KeySupervision, Suggestion
from .selectors import suggestion_list_visible_to
from .services import key as service
from .services.common import today
from .workflow import OPEN_STATES

KEY_ROLES = (Role.CHAIR, Role.STAFF, Role.SC_MEMBER)


class ChooseForm(forms.Form):
    leader_in_charge = forms.CharField(label=gettext_lazy("Government leader in charge"), max_length=60)
    supervising_leader = forms.CharField(label=gettext_lazy("Supervising leader"), max_length=60)


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=KeyMeeting.Kind.choices)
    held_on = forms.DateField(label=gettext_lazy("Held on"), widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(label=gettext_lazy("Notes"), widget=forms.Textarea(attrs={"rows": 4}))


class ScoreForm(forms.Form):
    score = forms.IntegerField(
        label=gettext_lazy("Score (0–100)"),
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


def _may_see_list(user) -> bool:
    s = scope_for(user)
    return s.is_admin or any(role in s.roles for role in KEY_ROLES)


def _suggestion(request, pk: int) -> Suggestion:
    return get_object_or_404(suggestion_list_visible_to(user=request.user), pk=pk)


def _key_of(suggestion: Suggestion) -> KeySupervision | None:
    return KeySupervision.objects.filter(suggestion=suggestion).first()


def _refuse_on_form(form, exc: ServiceError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def panel_context(request, suggestion: Suggestion) -> dict | None:
    """What the suggestion page shows about key supervision: a link to the key page, and for the chair of
    the congress the form to choose it."""
    user = request.user
    if suggestion.is_key:
        return {"is_key": True}
    if suggestion.state in OPEN_STATES and service.can_choose_key(user, suggestion):
        return {"is_key": False, "choose_form": ChooseForm()}
    return None


@login_required
def key_list(request):
    if not _may_see_list(request.user):
        raise PermissionDenied
    year = parse_year(request.GET.get("year"), 2000, 2100) or today().year
    rows = (
        suggestion_list_visible_to(user=request.user)
        .filter(is_key=True, key_supervision__year=year)
        .select_related("key_supervision")
        .annotate(avg_score=Avg("key_supervision__scores__score"), n_scores=Count("key_supervision__scores"))
        .order_by("congress__path", "series", "number", "pk")
    )
    return render(
        request,
        "suggestions/key/list.html",
        {"rows": rows, "year": year, "years": [year - 1, year, year + 1]},
    )


def _render_detail(request, suggestion, *, status=200, choose_form=None, meeting_form=None, score_form=None):
    user = request.user
    key = _key_of(suggestion)
    ctx = {"suggestion": suggestion, "key": key}
    if key is None:
        if not (suggestion.state in OPEN_STATES and service.can_choose_key(user, suggestion)):
            raise PermissionDenied
        ctx["choose_form"] = choose_form or ChooseForm()
        return render(request, "suggestions/key/detail.html", ctx, status=status)
    scores = key.scores.select_related("member__person").order_by("scored_at", "pk")
    reported = service.has_report(key)
    ctx.update(
        meetings=key.meetings.all(),
        scores=scores,
        summary=service.score_summary(key),
        reported=reported,
        meeting_kinds=KeyMeeting.Kind,
    )
    if service.can_record_meeting(user, suggestion):
        ctx["meeting_form"] = meeting_form or MeetingForm()
    if service.is_member_of(user, suggestion.congress_id):
        mine = next((s for s in scores if s.member_id == user.pk), None)
        ctx["my_score"] = mine
        if reported and mine is None:
            ctx["score_form"] = score_form or ScoreForm()
    return render(request, "suggestions/key/detail.html", ctx, status=status)


@login_required
def key_detail(request, pk: int):
    return _render_detail(request, _suggestion(request, pk))


@login_required
@require_POST
def key_choose(request, pk: int):
    suggestion = _suggestion(request, pk)
    form = ChooseForm(request.POST)
    if form.is_valid():
        try:
            service.key_choose(actor=request.user, suggestion=suggestion, **form.cleaned_data)
        except ServiceError as exc:
            if exc.field is None:
                messages.error(request, exc.message)
                return redirect("suggestions:detail", pk=suggestion.pk)
            _refuse_on_form(form, exc)
        else:
            messages.success(request, _("Chosen for key supervision."))
            return redirect("suggestions:key_detail", pk=suggestion.pk)
    if suggestion.is_key or not service.can_choose_key(request.user, suggestion):
        raise PermissionDenied
    return _render_detail(request, suggestion, choose_form=form)


def _key_or_404(suggestion: Suggestion) -> KeySupervision:
    key = _key_of(suggestion)
    if key is None:
        raise PermissionDenied
    return key


@login_required
@require_POST
def key_meeting(request, pk: int):
    suggestion = _suggestion(request, pk)
    key = _key_or_404(suggestion)
    form = MeetingForm(request.POST)
    if form.is_valid():
        try:
            service.key_meeting_add(actor=request.user, key=key, **form.cleaned_data)
        except ServiceError as exc:
            _refuse_on_form(form, exc)
        else:
            messages.success(request, _("Meeting recorded."))
            return redirect("suggestions:key_detail", pk=suggestion.pk)
    if not service.can_record_meeting(request.user, suggestion):
        raise PermissionDenied
    return _render_detail(request, suggestion, meeting_form=form)


@login_required
@require_POST
def key_score(request, pk: int):
    suggestion = _suggestion(request, pk)
    key = _key_or_404(suggestion)
    form = ScoreForm(request.POST)
    if form.is_valid():
        try:
            service.key_score(actor=request.user, key=key, **form.cleaned_data)
        except ServiceError as exc:
            if exc.code in ("already_scored", "no_report", "not_permitted"):
                messages.error(request, exc.message)
                return redirect("suggestions:key_detail", pk=suggestion.pk)
            _refuse_on_form(form, exc)
        else:
            messages.success(request, _("Score recorded."))
            return redirect("suggestions:key_detail", pk=suggestion.pk)
    if not service.is_member_of(request.user, suggestion.congress_id):
        raise PermissionDenied
    return _render_detail(request, suggestion, score_form=form)
