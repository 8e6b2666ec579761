"""Citizens observing a meeting (公民旁听): the application from the public page, the office's decision,
and showing an applicant's identity details in full (recorded).

`observer_apply` is the one way the public page stores an application: in one transaction (the meeting row
locked, so two taps or two applicants for the last place are stored one after the other) it checks the input
again, the hourly limits per address and per browser (opinions.abuse) — before anything answers whether an ID
card number applied, and a try refused as a duplicate counts too — that the same ID card number has not applied
already (a double tap from the same browser gets the same application back), that the meeting takes
applications (open to observers, before the closing day, places left), and records the event — the applicant is
the application's id, never a name, ID number or phone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lvzhi.core.audit import EventBatch, record_event, record_security_event
from lvzhi.core.errors import ServiceError
from lvzhi.core.events import PERSONAL_DATA_VIEWED
from lvzhi.core.notifications import notify
from lvzhi.opinions import abuse

from .. import events
from ..checks import clean_id_number, clean_name, clean_observer_phone
from ..models import Meeting, ObserverApplication
from ..workflow import APPLICATION_TRANSITIONS, ApplicationState, MeetingState
from .common import clean_text, in_site_language, require_runner

# Hourly limits of the public form per address and per browser (settings may override them).
PER_ADDRESS_PER_HOUR = 10
PER_BROWSER_PER_HOUR = 5
DOUBLE_TAP_MINUTES = 10


@dataclass(frozen=True)
class Applied:
    application: ObserverApplication
    receipt: str  # the secret of the receipt page: show it to the applicant, never store or log it
    duplicate: bool


def receipt_hash(receipt: str) -> str:
    return hashlib.sha256(f"lvzhi.meetings.observer:{receipt}".encode()).hexdigest()


def application_by_receipt(receipt: str) -> ObserverApplication | None:
    receipt = str(receipt or "")
    if not 16 <= len(receipt) <= 64 or not receipt.isascii():
        return None
    return (
        ObserverApplication.objects.select_related(
            "meeting__congress", "meeting__host_committee", "meeting__host_unit"
        )
        .filter(receipt_hash=receipt_hash(receipt))
        .first()
    )


APPROVED = Q(observer_applications__state=ApplicationState.APPROVED)


def with_approved_count(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """The meetings, each with `approved` (its approved applications), counted in the same query."""
    return meetings.annotate(approved=Count("observer_applications", filter=APPROVED))


def approved_count(meeting: Meeting) -> int:
    return meeting.observer_applications.filter(state=ApplicationState.APPROVED).count()


def closed_reason(meeting: Meeting, day: dt.date | None = None, approved: int | None = None) -> str:
    """Why the meeting takes no applications now ("" when it does); `approved` when already counted."""
    day = day or timezone.localdate()
    if not meeting.observers_open or meeting.state == MeetingState.CANCELLED:
        return _("This meeting takes no applications to observe.")
    if meeting.state != MeetingState.PLANNED or meeting.starts_on < day:
        return _("The meeting has taken place.")
    if meeting.observer_closes_on is None or day > meeting.observer_closes_on:
        return _("Applications closed on %(day)s.") % {
            "day": f"{meeting.observer_closes_on:%Y-%m-%d}" if meeting.observer_closes_on else "—"
        }
    if (approved_count(meeting) if approved is None else approved) >= meeting.observer_capacity:
        return _("All observer places are taken.")
    return ""


def _exhausted(client: abuse.Client) -> bool:
    return abuse.used("observe_ip", client.ip_hash) >= getattr(
        settings, "LVZHI_OBSERVE_PER_ADDRESS_PER_HOUR", PER_ADDRESS_PER_HOUR
    ) or abuse.used("observe_browser", client.cookie_hash) >= getattr(
        settings, "LVZHI_OBSERVE_PER_BROWSER_PER_HOUR", PER_BROWSER_PER_HOUR
    )


def _count(client: abuse.Client) -> None:
    abuse.count("observe_ip", client.ip_hash)
    abuse.count("observe_browser", client.cookie_hash)


def _double_tap(
    meeting: Meeting, client: abuse.Client, *, id_number: str, name: str, phone: str, now: dt.datetime
) -> ObserverApplication | None:
    """The same applicant's application sent minutes ago from the same browser or address, if any."""
    same_client = Q()
    if client.ip_hash:
        same_client |= Q(client_ip_hash=client.ip_hash)
    if client.cookie_hash:
        same_client |= Q(client_cookie_hash=client.cookie_hash)
    if not same_client:
        return None
    return (
        meeting.observer_applications.filter(same_client)
        .filter(
            id_number=id_number,
            name=name,
            phone=phone,
            created_at__gte=now - dt.timedelta(minutes=DOUBLE_TAP_MINUTES),
        )
        .first()
    )


def observer_apply(
    *,
    meeting: Meeting,
    name: str,
    id_number: str,
    phone: str,
    employer: str,
    reason: str = "",
    consent: bool,
    client: abuse.Client | None = None,
    honeypot: str = "",
    now: dt.datetime | None = None,
) -> Applied:
    client = client or abuse.Client()
    try:
        return _apply(
            meeting=meeting,
            name=name,
            id_number=id_number,
            phone=phone,
            employer=employer,
            reason=reason,
            consent=consent,
            client=client,
            honeypot=honeypot,
            now=now or timezone.now(),
        )
    except ServiceError as exc:
        if exc.code == "duplicate":
            # SECURITY: "this ID card number applied already" tells something about a person, so asking
            # counts like applying (after the transaction, which the refusal rolled back): trying numbers
            # meets the same hourly limit.
            _count(client)
        raise


@transaction.atomic
def _apply(
    *,
    meeting: Meeting,
    name: str,
    id_number: str,
    phone: str,
    employer: str,
    reason: str,
    consent: bool,
    client: abuse.Client,
    honeypot: str,
    now: dt.datetime,
) -> Applied:
    if honeypot:
        # Only a program fills the field people cannot see.
        raise ServiceError("honeypot", _("The form was not accepted. Please reload the page and try again."))
    # SECURITY: the meeting row is locked, so the last place is given once and a double tap finds the first.
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    day = timezone.localdate(now)
    name = clean_name(name)
    id_number = clean_id_number(id_number, today=day)
    phone = clean_observer_phone(phone)
    employer = clean_text(employer, field="employer", max_length=100, required=True)
    reason = clean_text(reason, field="reason", max_length=500)
    if not consent:
        raise ServiceError(
            "consent_required",
            _("Please tick the consent box: without your identity details the office cannot admit you."),
            field="consent",
        )
    mine = _double_tap(meeting, client, id_number=id_number, name=name, phone=phone, now=now)
    if mine is not None:
        # A double tap: the same application, with a fresh receipt (the first one's page was never seen).
        # It finds only this browser's or address's own application of minutes ago, so it tells nothing new.
        receipt = secrets.token_urlsafe(24)
        mine.receipt_hash = receipt_hash(receipt)
        mine.save(update_fields=["receipt_hash"])
        return Applied(application=mine, receipt=receipt, duplicate=True)
    # SECURITY: the hourly limit comes before the answer whether the ID card number applied already.
    if _exhausted(client):
        raise ServiceError(
            "rate_limited",
            _("Too many applications from this phone or network in the last hour. Please try again later."),
            status=429,
        )
    if meeting.observer_applications.filter(id_number=id_number).exists():
        raise ServiceError(
            "duplicate",
            _(
                "This ID card number has already applied to observe this meeting; there is no need to apply again."
            ),
            field="id_number",
        )
    closed = closed_reason(meeting, day)
    if closed:
        raise ServiceError("closed", closed, status=409)
    receipt = secrets.token_urlsafe(24)
    sequence = meeting.observer_applications.count() + 1
    application = ObserverApplication.objects.create(
        meeting=meeting,
        number=f"PT{meeting.pk:04d}-{sequence:03d}",
        name=name,
        id_number=id_number,
        phone=phone,
        employer=employer,
        reason=reason,
        consent_at=now,
        receipt_hash=receipt_hash(receipt),
        client_ip_hash=client.ip_hash,
        client_cookie_hash=client.cookie_hash,
        created_at=now,
    )
    _count(client)
    record_event(
        actor=None,
        kind=events.OBSERVER_APPLIED,
        target=application,
        congress_id=meeting.congress_id,
        to_state=application.state,
        payload={"meeting": meeting.pk},
    )
    if meeting.created_by_id and meeting.created_by.is_active:
        with in_site_language():
            notify(
                recipient=meeting.created_by,
                cause=f"meetings.observer:{application.pk}",
                subject=_("New application to observe %(title)s (%(number)s)")
                % {"title": meeting.title, "number": application.number},
                url=reverse("meetings:application_detail", args=[application.pk]),
            )
    return Applied(application=application, receipt=receipt, duplicate=False)


@transaction.atomic
def observer_decide(
    *, actor, application: ObserverApplication, approve: bool, note: str = ""
) -> ObserverApplication:
    """Approve (within the places) or turn down with a reason; a decision may be corrected before the
    meeting."""
    meeting = Meeting.objects.select_for_update().get(pk=application.meeting_id)
    app = ObserverApplication.objects.select_for_update().get(pk=application.pk)
    require_runner(actor, meeting)
    if meeting.state != MeetingState.PLANNED:
        raise ServiceError(
            "meeting_not_planned",
            _("The meeting is concluded or cancelled; decisions are final."),
            status=409,
        )
    step = "approve" if approve else "reject"
    to = APPLICATION_TRANSITIONS.get((app.state, step))
    if to is None:
        raise ServiceError(
            "wrong_state",
            _("This application is already approved.")
            if approve
            else _("This application is already turned down."),
            status=409,
        )
    note = clean_text(note, field="note", max_length=500)
    if not approve and not note:
        raise ServiceError("reason_required", _("Say why the application is not approved."), field="note")
    if approve and approved_count(meeting) >= meeting.observer_capacity:
        raise ServiceError(
            "full",
            _(
                "All %(n)s observer places are taken; raise the number of places or turn down another application first."
            )
            % {"n": meeting.observer_capacity},
            status=409,
        )
    before = app.state
    app.state = to
    app.decision_note = note
    app.decided_by = actor
    app.decided_at = timezone.now()
    app.save(update_fields=["state", "decision_note", "decided_by", "decided_at"])
    record_event(
        actor=actor,
        kind=events.OBSERVER_APPROVED if approve else events.OBSERVER_REJECTED,
        target=app,
        congress_id=meeting.congress_id,
        from_state=before,
        to_state=app.state,
        note=note,
        payload={"meeting": meeting.pk},
    )
    return app


@transaction.atomic
def observer_reveal(*, actor, application: ObserverApplication, request=None) -> dict[str, str]:
    """The applicant's ID card number and mobile in full, for the office running the meeting (to check the
    identity, to call). Each viewing is recorded as a security event naming the fields, never their values."""
    require_runner(actor, application.meeting)
    if application.personal_data_purged_at is not None:
        raise ServiceError(
            "purged", _("The identity details were deleted after the retention time."), status=409
        )
    record_security_event(
        actor=actor,
        kind=PERSONAL_DATA_VIEWED,
        target=application,
        request=request,
        payload={"observer_application": application.pk, "fields": ["id_number", "phone"]},
    )
    return {"id_number": application.id_number, "phone": application.phone}


# --- retention ----------------------------------------------------------------------------------------
RETENTION_DAYS = 30  # after the meeting's last day (or its cancellation); settings may say otherwise


def retention_days() -> int:
    return int(getattr(settings, "LVZHI_OBSERVER_RETENTION_DAYS", RETENTION_DAYS))


@transaction.atomic
def observer_personal_data_purge(*, today: dt.date | None = None) -> int:
    """Delete the identity details (name, ID card number, mobile, employer, reason) of applications whose
    meeting ended, or was cancelled, more than the retention time ago; the application, its number, state and
    history stay. Safe to run twice: a purged application is skipped. Returns how many were purged."""
    today = today or timezone.localdate()
    cutoff = today - dt.timedelta(days=retention_days())
    cancelled_before = timezone.make_aware(dt.datetime.combine(cutoff, dt.time.min))
    due = (
        ObserverApplication.objects.select_for_update()
        .filter(personal_data_purged_at__isnull=True)
        .filter(
            Q(meeting__ends_on__lt=cutoff)
            | Q(meeting__state=MeetingState.CANCELLED, meeting__cancelled_at__lt=cancelled_before)
        )
        .select_related("meeting")
    )
    now = timezone.now()
    batch = EventBatch()
    n = 0
    for app in due:
        app.name = app.id_number = app.phone = app.employer = app.reason = ""
        app.personal_data_purged_at = now
        app.save(
            update_fields=["name", "id_number", "phone", "employer", "reason", "personal_data_purged_at"]
        )
        batch.add(
            app,
            events.OBSERVER_DATA_PURGED,
            congress_id=app.meeting.congress_id,
            payload={"meeting": app.meeting_id},
        )
        n += 1
    batch.flush()
    return n
