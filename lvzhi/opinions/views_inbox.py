"""The deputy's inbox of citizens' opinions, phone-first: the list (new and urgent first, filters, counts),
an item's page (what the citizen wrote, the photos, the citizen's name and phone for the one who handles it,
the answers, the history) and its actions: acknowledge, answer the citizen, propose and confirm a meeting,
pass to station staff, turn into a suggestion, mark solved, close. Station staff see the items of their
stations in the same pages.

Every page fetches the item through inbox_visible_to (404 outside the inbox). A POST parses its form, calls
one service and redirects with a message; bad input goes back onto the item's page with what was typed; a
step the item's state does not allow is refused with a message and changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lvzhi.core.audit import timeline_for
from lvzhi.core.errors import ServiceError
from lvzhi.org.roles import Role
from lvzhi.stations.models import Station
from lvzhi.suggestions.forms_deputy import SuggestionForm
from lvzhi.suggestions.selectors_deputy import current_mandates

from .models import Opinion
from .permissions import handling_role
from .selectors import photo_of
from .selectors_inbox import has_inbox, inbox_counts, inbox_list, inbox_visible_to
from .services import handling, inbox
from .services.handling import ANSWER_MAX, default_signature
from .services.triage import office_role
from .workflow import State, Step, target_state

PER_PAGE = 30
TABS = [
    ("", gettext_lazy("All")),
    ("new", State.NEW.label),  # "新收到", as the state reads (a bare "New" reads "unread")
    ("open", gettext_lazy("Being handled")),
    ("finished", gettext_lazy("Finished")),
]


# --- forms -------------------------------------------------------------------------------------------
class _ActionForm(forms.Form):
    """One of the item page's forms: its fields' ids carry the action's name, since several forms on the
    page have a field of the same name (station, note)."""

    action = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.action}_%s")
        super().__init__(*args, **kwargs)


class ReplyForm(_ActionForm):
    action = "reply"
    body = forms.CharField(
        label=gettext_lazy("Your answer"),
        max_length=ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("The citizen reads it on the follow-up page."),
    )
    signed_as = forms.CharField(label=gettext_lazy("Signed as"), max_length=100, required=False)


class MeetingForm(_ActionForm):
    action = "meeting"
    meeting_date = forms.DateField(
        label=gettext_lazy("Day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    meeting_time = forms.TimeField(
        label=gettext_lazy("Time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    station = forms.TypedChoiceField(
        label=gettext_lazy("At a station"), coerce=int, empty_value=None, required=False
    )
    place = forms.CharField(
        label=gettext_lazy("Or another place"),
        max_length=inbox.PLACE_MAX,
        required=False,
        help_text=gettext_lazy("Only when not at a station: e.g. the residents' committee's office."),
    )
    note = forms.CharField(
        label=gettext_lazy("A word to the citizen (optional)"),
        max_length=inbox.NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, stations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].choices = [("", "—")] + [(s.pk, _station_label(s)) for s in stations]


class ConfirmForm(_ActionForm):
    action = "confirm"
    outcome = forms.CharField(
        label=gettext_lazy("What came of the meeting"),
        max_length=ANSWER_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("The citizen reads it on the follow-up page."),
    )


class PassForm(_ActionForm):
    action = "pass"
    station = forms.TypedChoiceField(label=gettext_lazy("Station"), coerce=int, empty_value=None)
    note = forms.CharField(
        label=gettext_lazy("A note for the station's staff (optional)"),
        max_length=inbox.NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, stations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].choices = [("", "—")] + [(s.pk, _station_label(s)) for s in stations]


class SolveForm(_ActionForm):
    action = "solve"
    what_was_done = forms.CharField(
        label=gettext_lazy("What was done"),
        max_length=ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("The citizen reads it as the final answer."),
    )


class CloseForm(_ActionForm):
    action = "close"
    reason = forms.CharField(
        label=gettext_lazy("Why it is closed"),
        max_length=ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("The citizen reads it: e.g. outside the deputy's remit, and where to turn."),
    )


def _station_label(station: Station) -> str:
    return f"{station.name}（{station.opening_hours}）" if station.opening_hours else station.name


# --- helpers -----------------------------------------------------------------------------------------
def _item(request, pk: int) -> Opinion:
    qs = inbox_visible_to(user=request.user).select_related(
        "mandate__congress", "person", "station", "congress", "unit", "meeting_station", "suggestion"
    )
    return get_object_or_404(qs, pk=pk)


def _back(opinion: Opinion):
    return redirect("opinion_inbox:item", pk=opinion.pk)


def _refused(request, exc: ServiceError, opinion: Opinion):
    """A step refused for the item's state (or a right): the message, back on the item; nothing changed."""
    if exc.status == 403:
        raise PermissionDenied(exc.message)
    messages.error(request, exc.message)
    return _back(opinion)


def _on_form(form, exc: ServiceError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _may(opinion: Opinion, step: str, role: str | None) -> bool:
    return role is not None and target_state(opinion.state, step, role) is not None


def _stations(request, opinion: Opinion, role: str | None):
    return list(inbox.stations_for(request.user, opinion, role)) if role else []


def _render_item(request, opinion: Opinion, *, status: int = 200, **bound):
    """The item's page; `bound` holds a form that came back with errors (it is shown open, as typed)."""
    user = request.user
    role = handling_role(user, opinion)
    stations = _stations(request, opinion, role)
    actions: dict[str, object] = {}
    if _may(opinion, Step.ACKNOWLEDGE, role):
        actions["acknowledge"] = True
    if _may(opinion, Step.REPLY, role):
        actions["reply"] = bound.get("reply") or ReplyForm(
            initial={"signed_as": default_signature(user, opinion, role)}
        )
    if _may(opinion, Step.ARRANGE_MEETING, role):
        initial = {}
        if opinion.kind == Opinion.Kind.MEETING and len(stations) == 1:
            initial["station"] = stations[0].pk
        actions["meeting"] = bound.get("meeting") or MeetingForm(initial=initial, stations=stations)
        if opinion.state == State.MEETING and opinion.meeting_at:
            actions["confirm"] = bound.get("confirm") or ConfirmForm()
    if role == Role.DEPUTY and stations and _may(opinion, Step.PASS_TO_STATION, role):
        actions["pass"] = bound.get("pass") or PassForm(stations=stations)
    if role == Role.DEPUTY and _may(opinion, Step.TO_SUGGESTION, role):
        actions["suggestion"] = current_mandates(user=user).exists()
    if role == Role.STATION_STAFF and _may(opinion, Step.ASSIGN_UNIT, office_role(user, opinion)):
        # 交办 is the triage page's step (the units, the due date, supervision): the station's staff go there.
        actions["assign"] = True
    if _may(opinion, Step.SOLVE, role):
        actions["solve"] = bound.get("solve") or SolveForm()
    if _may(opinion, Step.CLOSE, role):
        actions["close"] = bound.get("close") or CloseForm()

    personal = inbox.may_see_personal_data(user, opinion)
    if personal:
        inbox.personal_data_shown(actor=user, opinion=opinion, request=request)
    from lvzhi.org.privacy import mask_mobile

    events = timeline_for(opinion).filter(is_security=False)[:100]
    context = {
        "opinion": opinion,
        "role": role,
        "actions": actions,
        "open_form": next(iter(bound), ""),
        "personal": personal,
        "masked_phone": mask_mobile(opinion.phone) if opinion.phone else "",
        "call_back": bool(opinion.phone) and (opinion.wants_callback or opinion.kind == Opinion.Kind.MEETING),
        "replies": list(opinion.replies.select_related("author").order_by("created_at", "id")),
        "photo_indexes": list(range(1, opinion.photos.count() + 1)),
        "tags": list(opinion.tags.all()),
        "events": events,
        "ack_late": opinion.state == State.NEW
        and opinion.ack_due_on is not None
        and opinion.ack_due_on < timezone.localdate(),
        "is_open": opinion.state not in (State.SOLVED, State.CLOSED, State.RATED),
        # Station staff also work the item on the triage page (tags, the unit, supervision).
        "triage": role == Role.STATION_STAFF,
    }
    response = render(request, "opinions/inbox/item.html", context, status=status)
    response["Referrer-Policy"] = "same-origin"
    return response


# --- the list ------------------------------------------------------------------------------------------
@login_required
def inbox_page(request):
    if not has_inbox(request.user) and not inbox_visible_to(user=request.user).exists():
        raise PermissionDenied(_("The inbox is for deputies and station staff."))
    state = request.GET.get("state", "")
    kind = request.GET.get("kind", "")
    category = request.GET.get("category", "")
    callback = request.GET.get("callback") == "1"
    state = state if state in {"new", "open", "finished", *State.values} else ""
    kind = kind if kind in Opinion.Kind.values else ""
    category = category if category in Opinion.Category.values else ""
    qs = inbox_list(user=request.user, state=state, kind=kind, category=category, callback=callback)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "opinions/inbox/list.html",
        {
            "page": page,
            "counts": inbox_counts(user=request.user),
            "tabs": TABS,
            "state": state,
            "kind": kind,
            "category": category,
            "callback": callback,
            "states": State.choices,
            "kinds": Opinion.Kind.choices,
            "categories": Opinion.Category.choices,
            "today": timezone.localdate(),
            "filtered": bool(kind or category or callback or (state and state not in dict(TABS))),
        },
    )


# --- an item -------------------------------------------------------------------------------------------
@login_required
@never_cache
def item(request, pk: int):
    return _render_item(request, _item(request, pk))


@login_required
@never_cache
def photo(request, pk: int, index: int):
    """One of the item's photos, for the readers of the inbox item (the citizen's own view serves the
    follow-up link only)."""
    found = photo_of(_item(request, pk), index)
    if found is None:
        raise Http404
    response = FileResponse(found.file.open("rb"), content_type=found.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def acknowledge(request, pk: int):
    opinion = _item(request, pk)
    try:
        handling.opinion_acknowledge(actor=request.user, opinion=opinion)
    except ServiceError as exc:
        return _refused(request, exc, opinion)
    messages.success(request, _("Acknowledged. Answer the citizen when you can."))
    return _back(opinion)


def _post_form(request, opinion, key: str, form, call, done: str):
    """Run one action's form: valid input to the service; errors back onto the page, as typed."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except ServiceError as exc:
            if exc.field is None:
                return _refused(request, exc, opinion)
            _on_form(form, exc)
        else:
            messages.success(request, done)
            return _back(opinion)
    return _render_item(request, _item(request, opinion.pk), **{key: form})


@login_required
@require_POST
def reply(request, pk: int):
    opinion = _item(request, pk)
    return _post_form(
        request,
        opinion,
        "reply",
        ReplyForm(request.POST),
        lambda d: handling.opinion_reply(
            actor=request.user, opinion=opinion, body=d["body"], signed_as=d["signed_as"]
        ),
        _("Answer sent. The citizen reads it on the follow-up page."),
    )


@login_required
@require_POST
def meeting(request, pk: int):
    opinion = _item(request, pk)
    stations = _stations(request, opinion, handling_role(request.user, opinion))

    def call(d):
        at = timezone.make_aware(dt.datetime.combine(d["meeting_date"], d["meeting_time"]))
        station = next((s for s in stations if s.pk == d["station"]), None)
        if d["station"] and station is None:
            raise ServiceError("station_not_yours", _("Choose one of the stations listed."), field="station")
        inbox.opinion_propose_meeting(
            actor=request.user, opinion=opinion, at=at, station=station, place=d["place"], note=d["note"]
        )

    return _post_form(
        request,
        opinion,
        "meeting",
        MeetingForm(request.POST, stations=stations),
        call,
        _("Meeting proposed. The citizen reads the time and place on the follow-up page."),
    )


@login_required
@require_POST
def meeting_confirm(request, pk: int):
    opinion = _item(request, pk)
    held = request.POST.get("held") == "1"
    form = ConfirmForm(request.POST)
    return _post_form(
        request,
        opinion,
        "confirm",
        form,
        lambda d: inbox.opinion_confirm_meeting(
            actor=request.user, opinion=opinion, held=held, outcome=d["outcome"]
        ),
        _("Meeting held; the outcome is sent to the citizen.")
        if held
        else _("The citizen's agreement is recorded."),
    )


@login_required
@require_POST
def pass_to_station(request, pk: int):
    opinion = _item(request, pk)
    stations = _stations(request, opinion, handling_role(request.user, opinion))

    def call(d):
        station = next((s for s in stations if s.pk == d["station"]), None)
        if station is None:
            raise ServiceError("station_not_yours", _("Choose one of the stations listed."), field="station")
        inbox.opinion_pass_to_station(actor=request.user, opinion=opinion, station=station, note=d["note"])

    return _post_form(
        request,
        opinion,
        "pass",
        PassForm(request.POST, stations=stations),
        call,
        _("Passed to the station's staff; they have been told."),
    )


@login_required
@require_POST
def solve(request, pk: int):
    opinion = _item(request, pk)
    return _post_form(
        request,
        opinion,
        "solve",
        SolveForm(request.POST),
        lambda d: handling.opinion_solve(
            actor=request.user, opinion=opinion, what_was_done=d["what_was_done"]
        ),
        _("Marked solved. The citizen reads what was done and can rate it."),
    )


@login_required
@require_POST
def close(request, pk: int):
    opinion = _item(request, pk)
    return _post_form(
        request,
        opinion,
        "close",
        CloseForm(request.POST),
        lambda d: handling.opinion_close(actor=request.user, opinion=opinion, reason=d["reason"]),
        _("Closed. The citizen reads the reason and can rate it."),
    )


# --- a formal suggestion -------------------------------------------------------------------------------
@login_required
def to_suggestion(request, pk: int):
    """The suggestion drafting form, prefilled from the item; saving writes the draft and links both ways."""
    opinion = _item(request, pk)
    role = handling_role(request.user, opinion)
    mandates = list(current_mandates(user=request.user))
    if role != Role.DEPUTY or not mandates:
        raise PermissionDenied(_("Only the deputy can turn an opinion into a suggestion."))
    if not _may(opinion, Step.TO_SUGGESTION, role):
        messages.error(
            request,
            _("“%(step)s” is not possible while the opinion is “%(state)s”.")
            % {"step": Step.TO_SUGGESTION.label, "state": opinion.get_state_display()},
        )
        return _back(opinion)
    initial = inbox.suggestion_draft_of(opinion)
    if any(m.pk == opinion.mandate_id for m in mandates):
        initial["mandate"] = opinion.mandate_id
    form = SuggestionForm(request.POST or None, initial=initial, mandates=mandates)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = data.get("mandate") or mandates[0].pk
        mandate = next((m for m in mandates if m.pk == chosen), None)
        if mandate is None:
            form.add_error("mandate", _("Choose one of your congresses."))
        else:
            try:
                suggestion = inbox.opinion_to_suggestion(
                    actor=request.user,
                    opinion=opinion,
                    mandate=mandate,
                    title=data["title"],
                    field=data["field"],
                    body=data["body"],
                    kind=data["kind"],
                )
            except ServiceError as exc:
                if exc.field is None and exc.status != 400:
                    return _refused(request, exc, opinion)
                _on_form(form, exc)
            else:
                messages.success(
                    request,
                    _("Draft suggestion written from %(number)s. Check it, add co-signers, then submit it.")
                    % {"number": opinion.number},
                )
                return redirect("suggestions:detail", suggestion.pk)
    return render(request, "opinions/inbox/suggestion.html", {"form": form, "opinion": opinion})
