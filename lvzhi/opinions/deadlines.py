"""The clocks of a citizen's opinion, and the daily sweep that keeps them.

- acknowledgement  受理 within `opinion_ack_days` working days of receipt (ack_due_on). The recipients (the
                   deputy it reached, else the station's staff, else the office) are reminded on the last
                   working day before it is due; once it is overdue the item is escalated: escalated_at is set
                   and the deputy-affairs staff of its congress are told.
- unit's answer    a unit answers within `opinion_unit_days` working days of assignment (unit_due_on), or the
                   date the office chose. The unit's handlers are reminded on the last working day before;
                   once overdue the handlers and the office are told and the item is flagged (an event in its
                   history; the queue's "unit overdue" filter shows it while it waits).

Every message is a Notification whose cause names the opinion, the clock and the due date, so each is sent
once however often the sweep runs (the table is unique on recipient, channel and cause); a new due date (a
new assignment) is a new clock with its own reminder. Jobs call this; nothing here runs on a request.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lvzhi.core.audit import record_event
from lvzhi.core.calendar import WorkingCalendar, add_working_days
from lvzhi.core.models import Event
from lvzhi.core.notifications import Channel, notify
from lvzhi.org.congress_settings import setting_for
from lvzhi.org.models import Congress, RoleAssignment, User
from lvzhi.org.roles import Role

from . import events
from .models import Opinion
from .workflow import State

logger = logging.getLogger("lvzhi.opinions.deadlines")

# How far ahead the sweep looks for a reminder: the last working day before a due date is at most this many
# calendar days earlier (the Spring Festival and National Day holidays are 8-9 days long).
LOOKAHEAD_DAYS = 15


# --- due dates ---------------------------------------------------------------------------------------
def _congress(congress: Congress | int) -> Congress:
    return congress if isinstance(congress, Congress) else Congress.objects.get(pk=congress)


def ack_due_for(congress: Congress | int, received: dt.date) -> dt.date:
    """The day an opinion received on `received` is to be acknowledged by (opinion_ack_days working days)."""
    return add_working_days(received, int(setting_for(_congress(congress), "opinion_ack_days")))


def unit_due_for(congress: Congress | int, assigned: dt.date) -> dt.date:
    """The default day a unit is to answer an opinion assigned on `assigned` (opinion_unit_days working days)."""
    return add_working_days(assigned, int(setting_for(_congress(congress), "opinion_unit_days")))


def reminder_day(due: dt.date, calendar: WorkingCalendar) -> dt.date:
    """The last working day before `due`: the day before it is due, in the office's week."""
    day = due - dt.timedelta(days=1)
    while not calendar.is_working_day(day) and day > due - dt.timedelta(days=LOOKAHEAD_DAYS):
        day -= dt.timedelta(days=1)
    return day


# --- who is told -------------------------------------------------------------------------------------
def staff_of(congress_id: int) -> list[User]:
    ids = RoleAssignment.objects.filter(role=Role.STAFF, congress_id=congress_id, is_active=True).values(
        "user_id"
    )
    return list(User.objects.filter(pk__in=ids, is_active=True))


def office_of(congress: Congress) -> list[User]:
    """The deputy-affairs staff of the congress, or of the nearest congress above it that has some (a
    township without an office of its own escalates to its district)."""
    for congress_id in congress.ancestor_ids():
        found = staff_of(congress_id)
        if found:
            return found
    return []


def station_staff_of(station_id: int | None) -> list[User]:
    if station_id is None:
        return []
    ids = RoleAssignment.objects.filter(
        role=Role.STATION_STAFF, station_id=station_id, is_active=True
    ).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True))


def handlers_of(unit_id: int | None) -> list[User]:
    if unit_id is None:
        return []
    ids = RoleAssignment.objects.filter(role=Role.UNIT_HANDLER, unit_id=unit_id, is_active=True).values(
        "user_id"
    )
    return list(User.objects.filter(pk__in=ids, is_active=True))


def recipients_of(opinion: Opinion) -> list[User]:
    """Who acknowledges it: the deputy it reached, else the station's staff, else the office."""
    if opinion.person_id:
        return list(User.objects.filter(person_id=opinion.person_id, is_active=True))
    if opinion.station_id:
        return station_staff_of(opinion.station_id)
    return office_of(opinion.congress)


def item_url(opinion: Opinion) -> str:
    return reverse("opinion_triage:detail", args=[opinion.pk])


def tell(users: Iterable[User], *, opinion: Opinion, cause: str, subject: str, sms: bool = False) -> int:
    """Notify each user once per cause; return how many notifications are new (0 when all were sent)."""
    channels = (Channel.INBOX, Channel.SMS) if sms else (Channel.INBOX,)
    created = 0
    unique = {u.pk: u for u in users}
    for user in unique.values():
        # The deputy it reached opens the item in its inbox; the office, stations and units in triage.
        deputy = opinion.person_id and user.person_id == opinion.person_id
        url = reverse("opinion_inbox:item", args=[opinion.pk]) if deputy else item_url(opinion)
        created += len(
            notify(
                recipient=user,
                cause=f"opinions.{cause}:{opinion.pk}",
                subject=subject,
                url=url,
                channels=channels,
            )
        )
    return created


# --- the sweep ---------------------------------------------------------------------------------------
@dataclass
class SweepResult:
    reminders: int = 0  # acknowledgement reminders (notifications created)
    escalated: int = 0  # items escalated to the office
    unit_reminders: int = 0  # reminders to units (notifications created)
    unit_overdue: int = 0  # items whose unit's answer was flagged overdue today
    errors: int = 0  # items skipped after an error (logged); the next run tries them again


class _Sweep:
    def __init__(self, today: dt.date):
        self.today = today
        self.now = timezone.now()
        self.result = SweepResult()
        self.calendar = WorkingCalendar(today - dt.timedelta(days=5), today + dt.timedelta(days=60))

    def each(self, rows: Iterable[Opinion], handle: Callable[[Opinion], None]) -> None:
        """Each item in its own transaction: one failure neither stops the sweep nor undoes the others."""
        for row in rows:
            try:
                with transaction.atomic():
                    handle(row)
            except Exception:
                self.result.errors += 1
                logger.exception("opinion deadline sweep: %r failed", row)

    def reminder_due(self, due: dt.date) -> bool:
        return reminder_day(due, self.calendar) <= self.today <= due


def _ack_clock(sweep: _Sweep) -> None:
    waiting = Opinion.objects.filter(
        state=State.NEW, acknowledged_at__isnull=True, ack_due_on__isnull=False
    ).select_related("congress")
    soon = waiting.filter(
        ack_due_on__gte=sweep.today, ack_due_on__lte=sweep.today + dt.timedelta(days=LOOKAHEAD_DAYS)
    )

    def remind(opinion: Opinion) -> None:
        due = opinion.ack_due_on
        if not sweep.reminder_due(due):
            return
        subject = _("Please acknowledge the citizen's opinion %(number)s by %(due)s") % {
            "number": opinion.number,
            "due": due.isoformat(),
        }
        sweep.result.reminders += tell(
            recipients_of(opinion),
            opinion=opinion,
            cause=f"ack_reminder:{due:%Y%m%d}",
            subject=subject,
            sms=True,
        )

    sweep.each(soon.order_by("pk"), remind)

    from .services.triage import opinion_escalate

    def escalate(opinion: Opinion) -> None:
        if opinion_escalate(opinion=opinion, today=sweep.today):
            sweep.result.escalated += 1

    sweep.each(waiting.filter(ack_due_on__lt=sweep.today, escalated_at__isnull=True).order_by("pk"), escalate)


def _unit_clock(sweep: _Sweep) -> None:
    assigned = Opinion.objects.filter(
        state=State.ASSIGNED_TO_UNIT, unit__isnull=False, unit_due_on__isnull=False
    ).select_related("congress", "unit")

    def remind(opinion: Opinion) -> None:
        due = opinion.unit_due_on
        if not sweep.reminder_due(due):
            return
        subject = _("%(unit)s: please answer the citizen's opinion %(number)s by %(due)s") % {
            "unit": opinion.unit,
            "number": opinion.number,
            "due": due.isoformat(),
        }
        sweep.result.unit_reminders += tell(
            handlers_of(opinion.unit_id),
            opinion=opinion,
            cause=f"unit_reminder:{opinion.unit_id}:{due:%Y%m%d}",
            subject=subject,
            sms=True,
        )

    sweep.each(
        assigned.filter(
            unit_due_on__gte=sweep.today, unit_due_on__lte=sweep.today + dt.timedelta(days=LOOKAHEAD_DAYS)
        ).order_by("pk"),
        remind,
    )

    def overdue(opinion: Opinion) -> None:
        Opinion.objects.select_for_update().filter(pk=opinion.pk).first()  # two sweeps flag it once
        due = opinion.unit_due_on
        if _flagged(opinion, due):
            return
        record_event(
            actor=None,
            kind=events.UNIT_OVERDUE,
            target=opinion,
            payload={"opinion_id": opinion.pk, "unit": opinion.unit_id, "due": due.isoformat()},
        )
        subject = _("Overdue: %(unit)s was to answer the citizen's opinion %(number)s by %(due)s") % {
            "unit": opinion.unit,
            "number": opinion.number,
            "due": due.isoformat(),
        }
        cause = f"unit_overdue:{opinion.unit_id}:{due:%Y%m%d}"
        tell(handlers_of(opinion.unit_id), opinion=opinion, cause=cause, subject=subject, sms=True)
        office = office_of(opinion.congress) + station_staff_of(opinion.station_id)
        tell(office, opinion=opinion, cause=cause, subject=subject)
        sweep.result.unit_overdue += 1

    sweep.each(assigned.filter(unit_due_on__lt=sweep.today).order_by("pk"), overdue)


def _flagged(opinion: Opinion, due: dt.date) -> bool:
    """Whether this unit's overdue answer (for this due date) was already flagged in the item's history."""
    return Event.objects.filter(
        kind=events.UNIT_OVERDUE,
        target_id=str(opinion.pk),
        payload__unit=opinion.unit_id,
        payload__due=due.isoformat(),
    ).exists()


def opinion_deadline_sweep(today: dt.date | None = None) -> SweepResult:
    """Run both clocks once for `today` (the local date by default); safe to run twice the same day."""
    sweep = _Sweep(today or timezone.localdate())
    # The messages are in the platform's language, whoever (or whatever) runs the sweep.
    with translation.override(settings.LANGUAGE_CODE):
        _ack_clock(sweep)
        _unit_clock(sweep)
    logger.info("opinion deadline sweep %s: %s", sweep.today, sweep.result)
    return sweep.result
