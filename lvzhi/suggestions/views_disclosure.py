"""The office's pages for disclosure (审核公开) and media tracking (媒体跟踪督办).

The redacted copy is edited beside the original, with what looks like personal data highlighted; publishing
is refused by the service while the copy holds any. Only the office of the suggestion's own congress opens
these pages (404 outside the reader's scope, 403 for anyone else who can read the suggestion).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lvzhi.core.errors import ServiceError
from lvzhi.core.forms import DateInput, within_sane_span

from .models import Disclosure, Suggestion
from .permissions import can_run_office
from .selectors import suggestion_list_visible_to
from .services import disclosure as service
from .services.replies import current_reply
from .workflow import State


class DisclosureForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    body = forms.CharField(label=gettext_lazy("Text"), widget=forms.Textarea(attrs={"rows": 12}))
    reply_text = forms.CharField(label=gettext_lazy("Reply"), widget=forms.Textarea(attrs={"rows": 12}))


class MediaReportForm(forms.Form):
    outlet = forms.CharField(label=gettext_lazy("Outlet"), max_length=60)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    url = forms.CharField(
        label=gettext_lazy("Link"),
        max_length=200,
        help_text=gettext_lazy("Starting with http:// or https://."),
    )
    published_on = forms.DateField(
        label=gettext_lazy("Published on"), widget=DateInput(), validators=[within_sane_span]
    )


def _office_suggestion(request, pk: int) -> Suggestion:
    # SECURITY: through the scoped list, so a suggestion outside the reader's scope is not found.
    suggestion = get_object_or_404(suggestion_list_visible_to(user=request.user), pk=pk)
    if not can_run_office(request.user, suggestion):
        raise PermissionDenied(_("Only the deputy-affairs office of this congress may do this."))
    return suggestion


def _disclosure_of(suggestion: Suggestion) -> Disclosure | None:
    return Disclosure.objects.filter(suggestion=suggestion).first()


def _refuse_on_form(form, exc: ServiceError) -> None:
    if exc.status == 403:
        raise PermissionDenied(exc.message)
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def signer_names(suggestion: Suggestion) -> list[str]:
    return [
        n
        for n in suggestion.signers.values_list("mandate__person__name", flat=True).distinct()
        if n and len(n) >= 2
    ]


def highlighted(text: str, *, names: list[str] = ()) -> str:
    """The text, escaped, with what looks like personal data (and the deputies' names) in <mark>."""
    text = text or ""
    spans = [(m.start, m.end, m.label) for m in service.personal_data_matches(text)]
    for name in names:
        start = text.find(name)
        while start >= 0:
            end = start + len(name)
            if not any(start < e and s < end for s, e, _label in spans):
                spans.append((start, end, _("Deputy's name")))
            start = text.find(name, end)
    out, pos = [], 0
    for start, end, label in sorted(spans):
        out.append(escape(text[pos:start]))
        out.append(f'<mark title="{escape(label)}">{escape(text[start:end])}</mark>')
        pos = end
    out.append(escape(text[pos:]))
    return mark_safe("".join(out).replace("\n", "<br>"))  # noqa: S308 - every piece is escaped above


def _prefill(suggestion: Suggestion) -> dict:
    reply = current_reply(suggestion)
    return {"title": suggestion.title, "body": suggestion.body, "reply_text": reply.text if reply else ""}


@login_required
def disclosure_edit(request, pk: int):
    suggestion = _office_suggestion(request, pk)
    disclosure = _disclosure_of(suggestion)
    reply = current_reply(suggestion)
    if disclosure is not None:
        initial = {"title": disclosure.title, "body": disclosure.body, "reply_text": disclosure.reply_text}
    else:
        initial = _prefill(suggestion)
    form = DisclosureForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            service.disclosure_prepare(actor=request.user, suggestion=suggestion, **form.cleaned_data)
        except ServiceError as exc:
            _refuse_on_form(form, exc)
        else:
            messages.success(request, _("The redacted copy is saved."))
            return redirect("suggestions:disclosure", suggestion.pk)
    copy = form.data if form.is_bound else initial
    names = signer_names(suggestion)
    matches = service.disclosure_matches(
        title=copy.get("title", ""), body=copy.get("body", ""), reply_text=copy.get("reply_text", "")
    )
    return render(
        request,
        "suggestions/disclosure/edit.html",
        {
            "suggestion": suggestion,
            "disclosure": disclosure,
            "reply": reply,
            "form": form,
            "possible": suggestion.state == State.CLOSED,
            "matches": matches,
            "copy_title": highlighted(copy.get("title", ""), names=names),
            "copy_body": highlighted(copy.get("body", ""), names=names),
            "copy_reply": highlighted(copy.get("reply_text", ""), names=names),
            "names_found": [
                n for n in names if any(n in (copy.get(f) or "") for f in DisclosureForm.base_fields)
            ],
        },
    )


def _disclosure_step(request, pk: int, run, done: str):
    suggestion = _office_suggestion(request, pk)
    disclosure = _disclosure_of(suggestion)
    if disclosure is None:
        messages.error(request, _("Prepare the redacted copy first."))
        return redirect("suggestions:disclosure", suggestion.pk)
    try:
        run(disclosure)
    except ServiceError as exc:
        if exc.status == 403:
            raise PermissionDenied(exc.message) from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("suggestions:disclosure", suggestion.pk)


@login_required
@require_POST
def disclosure_publish(request, pk: int):
    return _disclosure_step(
        request,
        pk,
        lambda d: service.disclosure_publish(actor=request.user, disclosure=d),
        _("The redacted copy is published."),
    )


@login_required
@require_POST
def disclosure_withdraw(request, pk: int):
    return _disclosure_step(
        request,
        pk,
        lambda d: service.disclosure_withdraw(
            actor=request.user, disclosure=d, reason=request.POST.get("reason", "")
        ),
        _("The copy is withdrawn from the public pages."),
    )


# --- media tracking ------------------------------------------------------------------------------
@login_required
def media(request, pk: int):
    suggestion = _office_suggestion(request, pk)
    form = MediaReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            service.media_report_add(actor=request.user, suggestion=suggestion, **form.cleaned_data)
        except ServiceError as exc:
            _refuse_on_form(form, exc)
        else:
            messages.success(request, _("The report is added."))
            return redirect("suggestions:media", suggestion.pk)
    return render(
        request,
        "suggestions/disclosure/media.html",
        {
            "suggestion": suggestion,
            "form": form,
            "reports": suggestion.media_reports.order_by("-published_on", "-pk"),
            "trackable": suggestion.state in service.TRACKABLE_STATES,
        },
    )


@login_required
@require_POST
def media_track(request, pk: int):
    suggestion = _office_suggestion(request, pk)
    tracked = request.POST.get("tracked") == "1"
    try:
        service.suggestion_mark_media(actor=request.user, suggestion=suggestion, tracked=tracked)
    except ServiceError as exc:
        if exc.status == 403:
            raise PermissionDenied(exc.message) from exc
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Marked for media tracking.") if tracked else _("Media tracking ended."),
        )
    return redirect("suggestions:media", suggestion.pk)
