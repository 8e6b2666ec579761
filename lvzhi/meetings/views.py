"""Pages of invitations: the office's list of invited activities, planning one (with its agenda), the
proposal of invitees with reasons, sending, attendance and speeches; a deputy's "my invitations" and the
invitation it answers; the term-long coverage report.

Records are fetched through the scoped selectors (404 outside the reader's scope; 403 for a reader who may see
but not act). A POST parses its form, calls one service and redirects; a refused step shows the page again
with what was typed and the service's message.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lvzhi.core.audit import timeline_for
from lvzhi.core.errors import ServiceError
from lvzhi.core.params import clean_query, parse_id
from lvzhi.org.models import Congress, ElectoralUnit, Term
from lvzhi.org.permissions import can_manage_congress
from lvzhi.org.refusals import refuse_in_message, refuse_on_form
from lvzhi.org.scope import scope_for

from . import exports
from .coverage import SHOW_CHOICES, coverage, natural_key
from .forms import (
    AgendaItemForm,
    DeclineForm,
    MeetingForm,
    OptionalReasonForm,
    ReasonForm,
    SpeechForm,
)
from .models import Invitation, Meeting
from .permissions import can_run, is_office_reader
from .proposal import propose
from .selectors import (
    congresses_read_by,
    invitations_visible_to,
    meetings_read_as_office,
    meetings_visible_to,
    my_invitations,
)
from .services import invitations as invitation_services
from .services import meetings as meeting_services
from .workflow import ACTIVE_STATES, EXPECTED_STATES, ApplicationState, MeetingState, State

PAGE_SIZE = 30
PROPOSAL_PAGE = 50
COVERAGE_PAGE = 50
STATE_ORDER = [
    State.ATTENDED,
    State.ACCEPTED,
    State.INVITED,
    State.PROPOSED,
    State.DECLINED,
    State.ABSENT,
    State.WITHDRAWN,
]


def with_counts(qs: QuerySet[Meeting]) -> QuerySet[Meeting]:
    def n(*states):
        return Count("invitations", filter=Q(invitations__state__in=states), distinct=True)

    return qs.annotate(
        n_listed=n(*ACTIVE_STATES, State.DECLINED, State.ABSENT),
        n_invited=n(State.INVITED, State.ACCEPTED, State.DECLINED, State.ATTENDED, State.ABSENT),
        n_waiting=n(State.INVITED),
        n_accepted=n(State.ACCEPTED),
        n_declined=n(State.DECLINED),
        n_attended=n(State.ATTENDED),
        n_observers=Count(
            "observer_applications",
            filter=Q(observer_applications__state=ApplicationState.APPROVED),
            distinct=True,
        ),
        n_observers_pending=Count(
            "observer_applications",
            filter=Q(observer_applications__state=ApplicationState.PENDING),
            distinct=True,
        ),
    )


def planning_congresses(user) -> QuerySet[Congress]:
    """Congresses the user may plan an activity of: its office's; a committee's staff, its committee's."""
    s = scope_for(user)
    if s.is_admin:
        return Congress.objects.all()
    return Congress.objects.filter(pk__in=set(s.act_congress_ids) | set(s.committee_congress_ids))


# --- the list -------------------------------------------------------------------------------------------
@dataclass
class MeetingFilters:
    congress_id: int | None = None
    kind: str = ""
    state: str = ""
    when: str = ""  # "", "coming", "past"
    q: str = ""

    @classmethod
    def from_query(cls, params) -> MeetingFilters:
        kind = params.get("kind", "")
        state = params.get("state", "")
        when = params.get("when", "")
        return cls(
            congress_id=parse_id(params.get("congress")),
            kind=kind if kind in Meeting.Kind.values else "",
            state=state if state in MeetingState.values else "",
            when=when if when in {"coming", "past"} else "",
            q=clean_query(params.get("q"), 60),
        )

    def apply(self, qs: QuerySet[Meeting]) -> QuerySet[Meeting]:
        today = timezone.localdate()
        if self.congress_id:
            qs = qs.filter(congress_id=self.congress_id)
        if self.kind:
            qs = qs.filter(kind=self.kind)
        if self.state:
            qs = qs.filter(state=self.state)
        if self.when == "coming":
            qs = qs.filter(ends_on__gte=today)
        elif self.when == "past":
            qs = qs.filter(ends_on__lt=today)
        if self.q:
            qs = qs.filter(Q(title__contains=self.q) | Q(place__contains=self.q))
        return qs


@login_required
def meeting_list(request):
    user = request.user
    if not is_office_reader(user):
        if scope_for(user).mandate_ids:
            return redirect("meetings:mine")
        raise PermissionDenied
    f = MeetingFilters.from_query(request.GET)
    qs = with_counts(f.apply(meetings_read_as_office(user=user))).order_by("-starts_on", "-pk")
    if request.GET.get("format") == "xlsx":
        headers, rows = exports.meetings_rows(qs)
        return exports.workbook_response(
            actor=user,
            request=request,
            filename="invited-activities.xlsx",
            title=_("Invited activities"),
            headers=headers,
            rows=rows,
            what={"list": "meetings", "congress": f.congress_id, "kind": f.kind, "state": f.state},
            widths=(36, 14, 28, 22, 12, 12, 14, 24, 10, 8, 8, 8, 8, 8, 8),
        )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/list.html",
        {
            "page": page,
            "f": f,
            "congresses": congresses_read_by(user=user).order_by("path"),
            "kinds": Meeting.Kind.choices,
            "states": MeetingState.choices,
            "can_plan": planning_congresses(user).exists(),
        },
    )


# --- planning -------------------------------------------------------------------------------------------
def _committees_for(user, congress) -> list[int] | None:
    """None: the congress's office, which may name any inviter; else the committees of a committee's staff."""
    if can_manage_congress(user, congress.pk):
        return None
    return sorted(scope_for(user).committee_ids)


@login_required
def meeting_create(request):
    congresses = list(planning_congresses(request.user).order_by("path"))
    if not congresses:
        raise PermissionDenied
    source = request.POST if request.method == "POST" else request.GET
    chosen = parse_id(source.get("congress"))
    congress = next((c for c in congresses if c.pk == chosen), congresses[0])
    committees = _committees_for(request.user, congress)
    status = 200
    if request.method == "POST":
        form = MeetingForm(request.POST, congress=congress, committees=committees)
        if form.is_valid():
            try:
                meeting = meeting_services.meeting_create(
                    actor=request.user, congress=congress, data=form.meeting_data()
                )
            except ServiceError as exc:
                refuse_on_form(form, exc)
            else:
                messages.success(
                    request, _("Planned. Add the agenda, then invite deputies from the proposal.")
                )
                return redirect("meetings:detail", pk=meeting.pk)
        status = 400
    else:
        initial = {}
        kind = request.GET.get("kind", "")
        if kind in Meeting.Kind.values:
            initial["kind"] = kind
        form = MeetingForm(congress=congress, committees=committees, initial=initial)
    return render(
        request,
        "meetings/form.html",
        {"form": form, "congress": congress, "congresses": congresses, "meeting": None},
        status=status,
    )


def _office_meeting(request, pk: int) -> Meeting:
    """A meeting the reader reads as an office (404 otherwise)."""
    return get_object_or_404(meetings_read_as_office(user=request.user), pk=pk)


def _run_meeting(request, pk: int) -> Meeting:
    """A meeting the reader may act on (404 outside scope, 403 read-only)."""
    meeting = _office_meeting(request, pk)
    if not can_run(request.user, meeting):
        raise PermissionDenied(_("Only the office running this activity may do this."))
    return meeting


@login_required
def meeting_update(request, pk: int):
    meeting = _run_meeting(request, pk)
    if meeting.state != MeetingState.PLANNED:
        messages.error(request, _("A concluded or cancelled activity is no longer changed."))
        return redirect("meetings:detail", pk=meeting.pk)
    committees = _committees_for(request.user, meeting.congress)
    status = 200
    if request.method == "POST":
        form = MeetingForm(request.POST, congress=meeting.congress, committees=committees)
        if form.is_valid():
            try:
                meeting_services.meeting_update(actor=request.user, meeting=meeting, data=form.meeting_data())
            except ServiceError as exc:
                refuse_on_form(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("meetings:detail", pk=meeting.pk)
        status = 400
    else:
        form = MeetingForm(
            congress=meeting.congress, committees=committees, initial=MeetingForm.initial_of(meeting)
        )
    return render(
        request,
        "meetings/form.html",
        {"form": form, "congress": meeting.congress, "congresses": [meeting.congress], "meeting": meeting},
        status=status,
    )


# --- a meeting's page -----------------------------------------------------------------------------------
def _sorted_invitations(meeting: Meeting) -> list[Invitation]:
    rows = list(
        meeting.invitations.select_related("mandate__person", "mandate__electoral_unit")
        .prefetch_related("speeches__agenda_item")
        .order_by("mandate__person__name", "pk")
    )
    order = {s: i for i, s in enumerate(STATE_ORDER)}
    rows.sort(key=lambda inv: order.get(inv.state, 99))
    return rows


def _render_detail(request, meeting: Meeting, *, bound: dict | None = None, status: int = 200):
    bound = bound or {}
    user = request.user
    runner = can_run(user, meeting)
    today = timezone.localdate()
    invitations = _sorted_invitations(meeting)
    counts = {s: 0 for s in State.values}
    for inv in invitations:
        counts[inv.state] += 1
    planned = meeting.state == MeetingState.PLANNED
    apps = meeting.observer_applications.values("state").annotate(n=Count("pk"))
    observer_counts = {row["state"]: row["n"] for row in apps}
    ctx = {
        "meeting": meeting,
        "runner": runner,
        "agenda": list(meeting.agenda.all()),
        "invitations": invitations,
        "counts": [(State(s).label, counts[s], s) for s in STATE_ORDER if counts[s]],
        "proposed": counts[State.PROPOSED],
        "planned": planned,
        "before_start": meeting.starts_on >= today,
        "begun": meeting.starts_on <= today,
        "observer_counts": observer_counts,
        "events": timeline_for(meeting)[:50],
    }
    if runner and planned:
        ctx["agenda_form"] = bound.get("agenda") or AgendaItemForm()
        ctx["cancel_form"] = bound.get("cancel") or ReasonForm(prefix="cancel")
    return render(request, "meetings/detail.html", ctx, status=status)


@login_required
def meeting_detail(request, pk: int):
    meeting = get_object_or_404(meetings_visible_to(user=request.user), pk=pk)
    if not meetings_read_as_office(user=request.user).filter(pk=meeting.pk).exists():
        # An invited deputy reads the meeting on its own invitation's page.
        invitation = my_invitations(user=request.user).filter(meeting=meeting).first()
        if invitation is None:
            raise Http404
        return redirect("meetings:invitation_detail", pk=invitation.pk)
    return _render_detail(request, meeting)


@login_required
def meeting_export(request, pk: int):
    """The meeting's invitation list as an Excel file."""
    meeting = _office_meeting(request, pk)
    invitations = _sorted_invitations(meeting)
    for inv in invitations:
        inv.meeting = meeting
    headers, rows = exports.invitation_rows(invitations)
    return exports.workbook_response(
        actor=request.user,
        request=request,
        filename=f"invitations-{meeting.pk}.xlsx",
        title=meeting.title,
        headers=headers,
        rows=rows,
        what={"list": "meeting_invitations", "meeting": meeting.pk},
        widths=(12, 22, 22, 8, 10, 50, 18, 18, 30, 50),
    )


@login_required
@require_POST
def agenda_add(request, pk: int):
    meeting = _run_meeting(request, pk)
    form = AgendaItemForm(request.POST)
    if form.is_valid():
        try:
            meeting_services.agenda_item_add(actor=request.user, meeting=meeting, **form.cleaned_data)
        except ServiceError as exc:
            if exc.status == 409:
                refuse_in_message(request, exc)
                return redirect("meetings:detail", pk=meeting.pk)
            refuse_on_form(form, exc)
        else:
            messages.success(request, _("Agenda item added."))
            return redirect("meetings:detail", pk=meeting.pk)
    return _render_detail(request, meeting, bound={"agenda": form}, status=400)


@login_required
@require_POST
def agenda_remove(request, pk: int):
    meeting = _run_meeting(request, pk)
    item = get_object_or_404(meeting.agenda, pk=parse_id(request.POST.get("item_id")) or 0)
    try:
        meeting_services.agenda_item_remove(actor=request.user, item=item)
    except ServiceError as exc:
        refuse_in_message(request, exc)
    else:
        messages.success(request, _("Agenda item removed."))
    return redirect("meetings:detail", pk=meeting.pk)


@login_required
@require_POST
def meeting_cancel(request, pk: int):
    meeting = _run_meeting(request, pk)
    form = ReasonForm(request.POST, prefix="cancel")
    if form.is_valid():
        try:
            meeting_services.meeting_cancel(
                actor=request.user, meeting=meeting, reason=form.cleaned_data["reason"]
            )
        except ServiceError as exc:
            if exc.status == 409:
                # Not possible in the meeting's state (attendance recorded, already closed): the message on
                # the page, the reason typed kept in its form.
                refuse_in_message(request, exc)
                meeting.refresh_from_db()
                return _render_detail(request, meeting, bound={"cancel": form}, status=409)
            refuse_on_form(form, exc)
        else:
            messages.success(request, _("Cancelled; the invited deputies are told."))
            return redirect("meetings:detail", pk=meeting.pk)
    return _render_detail(request, meeting, bound={"cancel": form}, status=400)


@login_required
@require_POST
def meeting_conclude(request, pk: int):
    meeting = _run_meeting(request, pk)
    try:
        meeting_services.meeting_conclude(actor=request.user, meeting=meeting)
    except ServiceError as exc:
        refuse_in_message(request, exc)
    else:
        messages.success(
            request, _("Concluded. Deputies whose attendance was not recorded are marked absent.")
        )
    return redirect("meetings:detail", pk=meeting.pk)


@login_required
@require_POST
def send_all(request, pk: int):
    meeting = _run_meeting(request, pk)
    try:
        n = invitation_services.invitations_send_all(actor=request.user, meeting=meeting)
    except ServiceError as exc:
        refuse_in_message(request, exc)
    else:
        messages.success(
            request, _("%(n)s invitations sent; the deputies answer in their accounts.") % {"n": n}
        )
    return redirect("meetings:detail", pk=meeting.pk)


# --- the proposal ---------------------------------------------------------------------------------------
@login_required
def meeting_propose(request, pk: int):
    """The proposed invitees, best first, each with the reasons; the office ticks whom to invite (and finds
    any other deputy of the congress by name)."""
    meeting = _run_meeting(request, pk)
    query = clean_query(request.GET.get("q"), 40)
    candidates = propose(meeting=meeting, query=query)
    status = 200
    if request.method == "POST":
        ids = {i for i in (parse_id(v) for v in request.POST.getlist("mandate")) if i}
        everyone = {c.mandate.pk: c.mandate for c in (candidates if not query else propose(meeting=meeting))}
        chosen = [everyone[i] for i in ids if i in everyone]
        try:
            if not chosen:
                raise ServiceError("none_chosen", _("Tick at least one deputy."), field="mandates")
            if ids - everyone.keys():
                raise ServiceError(
                    "not_eligible", _("Some ticked deputies can no longer be invited; the list is updated.")
                )
            done = invitation_services.invitations_propose(
                actor=request.user, meeting=meeting, mandates=chosen
            )
            sent = 0
            if request.POST.get("send") and done:
                sent = invitation_services.invitations_send_all(actor=request.user, meeting=meeting)
        except ServiceError as exc:
            if exc.status == 403:
                raise PermissionDenied(exc.message) from None
            messages.error(request, exc.message)
            status = 400 if exc.status == 400 else 409
        else:
            if sent:
                messages.success(
                    request, _("%(n)s deputies invited; they answer in their accounts.") % {"n": sent}
                )
            else:
                messages.success(
                    request,
                    _("%(n)s deputies put on the list. Send the invitations when ready.") % {"n": len(done)},
                )
            return redirect("meetings:detail", pk=meeting.pk)
    listed = meeting.invitations.filter(state__in=ACTIVE_STATES).count()
    places_left = max(0, (meeting.deputy_places or 0) - listed)
    page = Paginator(candidates, PROPOSAL_PAGE).get_page(request.GET.get("page"))
    ticked = set()
    if request.method == "POST":
        ticked = {i for i in (parse_id(v) for v in request.POST.getlist("mandate")) if i}
    elif not query and page.number == 1:
        ticked = {c.mandate.pk for c in candidates[:places_left]}
    from .proposal import agenda_fields

    return render(
        request,
        "meetings/propose.html",
        {
            "meeting": meeting,
            "page": page,
            "query": query,
            "ticked": ticked,
            "listed": listed,
            "places_left": places_left,
            "topics": agenda_fields(meeting),
            "total": len(candidates),
            "can_invite": meeting.state == MeetingState.PLANNED and meeting.starts_on >= timezone.localdate(),
        },
        status=status,
    )


# --- attendance -------------------------------------------------------------------------------------------
@login_required
def meeting_attendance(request, pk: int):
    """After the meeting: who came (counts as an activity) and who did not, for every invited deputy."""
    meeting = _run_meeting(request, pk)
    rows = [inv for inv in _sorted_invitations(meeting) if inv.state in EXPECTED_STATES]
    begun = meeting.starts_on <= timezone.localdate() and meeting.state != MeetingState.CANCELLED
    status = 200
    if request.method == "POST":
        if not begun:
            messages.error(request, _("Attendance is recorded once the activity has begun."))
            return redirect("meetings:detail", pk=meeting.pk)
        changed, errors = 0, []
        for inv in rows:
            value = request.POST.get(f"att_{inv.pk}", "")
            if value not in {"attended", "absent"} or value == inv.state:
                continue
            try:
                invitation_services.invitation_record_attendance(
                    actor=request.user, invitation=inv, attended=value == "attended"
                )
                changed += 1
            except ServiceError as exc:
                if exc.status == 403:
                    raise PermissionDenied(exc.message) from None
                errors.append(f"{inv.mandate.person.name}：{exc.message}")
        for e in errors:
            messages.error(request, e)
        if changed:
            messages.success(request, _("Attendance recorded for %(n)s deputies.") % {"n": changed})
        if not errors:
            return redirect("meetings:detail", pk=meeting.pk)
        rows = [inv for inv in _sorted_invitations(meeting) if inv.state in EXPECTED_STATES]
        status = 400
    return render(
        request, "meetings/attendance.html", {"meeting": meeting, "rows": rows, "begun": begun}, status=status
    )


# --- an invitation ----------------------------------------------------------------------------------------
def _invitation(request, pk: int) -> Invitation:
    return get_object_or_404(invitations_visible_to(user=request.user), pk=pk)


def _render_invitation(request, inv: Invitation, *, bound: dict | None = None, status: int = 200):
    bound = bound or {}
    user = request.user
    meeting = inv.meeting
    runner = can_run(user, meeting)
    invitee = inv.mandate_id in scope_for(user).mandate_ids
    today = timezone.localdate()
    planned = meeting.state == MeetingState.PLANNED
    answerable = invitee and planned and meeting.starts_on >= today
    ctx = {
        "inv": inv,
        "meeting": meeting,
        "agenda": list(meeting.agenda.all()),
        "speeches": list(inv.speeches.select_related("agenda_item")),
        "runner": runner,
        "invitee": invitee,
        "office_reader": meetings_read_as_office(user=user).filter(pk=meeting.pk).exists(),
        "can_accept": answerable and inv.state in (State.INVITED, State.DECLINED),
        "can_decline": answerable and inv.state in (State.INVITED, State.ACCEPTED),
        "decline_form": bound.get("decline") or DeclineForm(),
    }
    if runner:
        ctx.update(
            can_send=planned and inv.state == State.PROPOSED and meeting.starts_on >= today,
            can_withdraw=planned
            and inv.state in (State.PROPOSED, State.INVITED, State.ACCEPTED, State.DECLINED),
            can_record=meeting.state != MeetingState.CANCELLED
            and meeting.starts_on <= today
            and inv.state in EXPECTED_STATES,
            withdraw_form=bound.get("withdraw") or OptionalReasonForm(prefix="w"),
            speech_form=(bound.get("speech") or SpeechForm(agenda=ctx["agenda"], prefix="s"))
            if inv.state == State.ATTENDED
            else None,
        )
    if ctx["office_reader"]:
        ctx["events"] = timeline_for(inv)[:50]
    return render(request, "meetings/invitation.html", ctx, status=status)


@login_required
def invitation_detail(request, pk: int):
    return _render_invitation(request, _invitation(request, pk))


@login_required
@require_POST
def invitation_answer(request, pk: int):
    """The invited deputy accepts, or declines with a reason."""
    inv = _invitation(request, pk)
    if inv.mandate_id not in scope_for(request.user).mandate_ids:
        raise PermissionDenied(_("Only the invited deputy may answer."))
    answer = request.POST.get("answer", "")
    if answer == "accept":
        try:
            invitation_services.invitation_accept(actor=request.user, invitation=inv)
        except ServiceError as exc:
            refuse_in_message(request, exc)
        else:
            messages.success(request, _("Thank you: the office expects you."))
        return redirect("meetings:invitation_detail", pk=inv.pk)
    form = DeclineForm(request.POST)
    if answer != "decline":
        form.add_error(None, _("Choose to accept or to decline."))
    elif form.is_valid():
        try:
            invitation_services.invitation_decline(
                actor=request.user, invitation=inv, reason=form.cleaned_data["reason"]
            )
        except ServiceError as exc:
            if exc.status == 409:
                refuse_in_message(request, exc)
                return redirect("meetings:invitation_detail", pk=inv.pk)
            refuse_on_form(form, exc)
        else:
            messages.success(request, _("Declined; the office is told your reason."))
            return redirect("meetings:invitation_detail", pk=inv.pk)
    return _render_invitation(request, inv, bound={"decline": form}, status=400)


def _run_invitation(request, pk: int) -> Invitation:
    inv = _invitation(request, pk)
    if not can_run(request.user, inv.meeting):
        raise PermissionDenied(_("Only the office running this activity may do this."))
    return inv


@login_required
@require_POST
def invitation_send(request, pk: int):
    inv = _run_invitation(request, pk)
    try:
        invitation_services.invitation_send(actor=request.user, invitation=inv)
    except ServiceError as exc:
        refuse_in_message(request, exc)
    else:
        messages.success(request, _("Invitation sent."))
    return redirect("meetings:invitation_detail", pk=inv.pk)


@login_required
@require_POST
def invitation_withdraw(request, pk: int):
    inv = _run_invitation(request, pk)
    form = OptionalReasonForm(request.POST, prefix="w")
    if form.is_valid():
        try:
            invitation_services.invitation_withdraw(
                actor=request.user, invitation=inv, reason=form.cleaned_data["reason"]
            )
        except ServiceError as exc:
            if exc.status == 409:
                refuse_in_message(request, exc)
                return redirect("meetings:invitation_detail", pk=inv.pk)
            refuse_on_form(form, exc)
        else:
            messages.success(request, _("Invitation withdrawn."))
            return redirect("meetings:detail", pk=inv.meeting_id)
    return _render_invitation(request, inv, bound={"withdraw": form}, status=400)


@login_required
@require_POST
def invitation_attendance(request, pk: int):
    inv = _run_invitation(request, pk)
    value = request.POST.get("attended", "")
    if value not in {"1", "0"}:
        messages.error(request, _("Choose attended or absent."))
        return redirect("meetings:invitation_detail", pk=inv.pk)
    try:
        invitation_services.invitation_record_attendance(
            actor=request.user, invitation=inv, attended=value == "1"
        )
    except ServiceError as exc:
        refuse_in_message(request, exc)
    else:
        messages.success(request, _("Attendance recorded."))
    return redirect("meetings:invitation_detail", pk=inv.pk)


@login_required
@require_POST
def invitation_speech(request, pk: int):
    inv = _run_invitation(request, pk)
    agenda = list(inv.meeting.agenda.all())
    form = SpeechForm(request.POST, agenda=agenda, prefix="s")
    if form.is_valid():
        item = next((a for a in agenda if a.pk == form.cleaned_data["agenda_item"]), None)
        try:
            invitation_services.speech_record(
                actor=request.user,
                invitation=inv,
                topic=form.cleaned_data["topic"],
                summary=form.cleaned_data["summary"],
                agenda_item=item,
            )
        except ServiceError as exc:
            if exc.status == 409:
                refuse_in_message(request, exc)
                return redirect("meetings:invitation_detail", pk=inv.pk)
            refuse_on_form(form, exc)
        else:
            messages.success(request, _("Speech recorded."))
            return redirect("meetings:invitation_detail", pk=inv.pk)
    return _render_invitation(request, inv, bound={"speech": form}, status=400)


# --- the deputy's invitations -------------------------------------------------------------------------
MINE_SHOW = ("waiting", "coming", "past", "all")


@login_required
def mine(request):
    """The deputy's invitations: those waiting for an answer first."""
    s = scope_for(request.user)
    if not s.mandate_ids:
        raise PermissionDenied
    show = request.GET.get("show", "")
    show = show if show in MINE_SHOW else "all"
    today = timezone.localdate()
    rows = my_invitations(user=request.user).prefetch_related("speeches")
    if show == "waiting":
        rows = rows.filter(
            state=State.INVITED, meeting__starts_on__gte=today, meeting__state=MeetingState.PLANNED
        )
    elif show == "coming":
        rows = rows.filter(meeting__ends_on__gte=today)
    elif show == "past":
        rows = rows.filter(meeting__ends_on__lt=today)
    if request.GET.get("format") == "xlsx":
        headers, rows_out = exports.invitation_rows(
            rows.select_related("mandate__person", "mandate__electoral_unit"), with_meeting=True
        )
        return exports.workbook_response(
            actor=request.user,
            request=request,
            filename="my-invitations.xlsx",
            title=_("My invitations"),
            headers=headers,
            rows=rows_out,
            what={"list": "my_invitations", "show": show},
            widths=(36, 14, 12, 24, 12, 22, 22, 8, 10, 40, 18, 18, 30, 50),
        )
    waiting = (
        my_invitations(user=request.user)
        .filter(state=State.INVITED, meeting__starts_on__gte=today, meeting__state=MeetingState.PLANNED)
        .count()
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/mine.html",
        {"page": page, "show": show, "waiting": waiting, "today": today},
    )


# --- the coverage report ------------------------------------------------------------------------------
@login_required
def coverage_report(request):
    """Every grassroots deputy attends a standing-committee meeting at least once per term: who has not yet."""
    user = request.user
    if not is_office_reader(user):
        raise PermissionDenied
    # SECURITY: the congresses whose deputies the reader may list (staff and chairs their tree, a member
    # or a committee's staff their congress); any other id falls back to the first of these.
    congresses = list(congresses_read_by(user=user).filter(has_standing_committee=True).order_by("path"))
    if not congresses:
        raise PermissionDenied
    chosen = parse_id(request.GET.get("congress"))
    congress = next((c for c in congresses if c.pk == chosen), None)
    if congress is None:
        run = scope_for(user).act_congress_ids
        congress = next((c for c in congresses if c.pk in run), congresses[0])
    today = timezone.localdate()
    terms = list(Term.objects.filter(congress=congress).order_by("-start_date"))
    term_id = parse_id(request.GET.get("term"))
    term = next((t for t in terms if t.pk == term_id), None) or next(
        (t for t in terms if t.covers(today)), terms[0] if terms else None
    )
    units = sorted(ElectoralUnit.objects.filter(congress=congress), key=lambda u: natural_key(u.name))
    unit_id = parse_id(request.GET.get("unit"))
    unit = next((u for u in units if u.pk == unit_id), None)
    show = request.GET.get("show", "")
    show = show if show in SHOW_CHOICES else "uncovered"
    everyone = request.GET.get("grassroots") == "all"
    query = clean_query(request.GET.get("q"), 40)
    report = (
        coverage(
            congress=congress,
            term=term,
            electoral_unit=unit,
            grassroots_only=not everyone,
            show=show,
            query=query,
        )
        if term
        else None
    )
    if report is not None and request.GET.get("format") == "xlsx":
        headers, rows = exports.coverage_rows(report)
        return exports.workbook_response(
            actor=user,
            request=request,
            filename=f"coverage-{congress.pk}-{term.number}.xlsx",
            title=_("Standing-committee meeting coverage, %(congress)s term %(number)s")
            % {"congress": congress.name, "number": term.number},
            headers=headers,
            rows=rows,
            what={"list": "meeting_coverage", "congress": congress.pk, "term": term.pk, "show": show},
            widths=(12, 26, 8, 12, 12, 50),
        )
    page = Paginator(report.rows if report else [], COVERAGE_PAGE).get_page(request.GET.get("page"))
    # An invitation under way links only where the reader may open it (a committee's staff read the
    # invitations of their committee's meetings, not the office's); otherwise it is named in plain text.
    coming_ids = [r.coming.pk for r in page if r.coming]
    openable = set(
        invitations_visible_to(user=user).filter(pk__in=coming_ids).values_list("pk", flat=True)
        if coming_ids
        else ()
    )
    return render(
        request,
        "meetings/coverage.html",
        {
            "report": report,
            "page": page,
            "congresses": congresses,
            "congress": congress,
            "terms": terms,
            "term": term,
            "units": units,
            "unit": unit,
            "show": show,
            "everyone": everyone,
            "query": query,
            "can_plan": can_manage_congress(user, congress.pk),
            "openable": openable,
        },
    )
