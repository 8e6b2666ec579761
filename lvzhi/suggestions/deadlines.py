"""The daily deadline sweep of the suggestions loop: reminders before each clock runs out, a notice when one
has run out, and the end of evaluation rounds whose window has closed.

The clocks, and whom each tells:
- assign   a recess suggestion is assigned within N working days of receipt      → the office
- return   a unit may return a misassigned item within its window                → the unit's handlers
- opinion  a co-unit sends its opinion to the lead unit                           → the co-unit's handlers
- reply    the lead unit replies by the deadline in force (extension included)    → its handlers, the
                                                                                   supervising committee's
                                                                                   staff, the office
- evaluation  the deputies concerned rate the reply (or the promise carried out)  → those who have not yet
              (not in a congress that rates replies by a third-party survey only: no reminder, and the round
              waits for the survey's answers instead of closing with the window)

Reminders go out on the days set per congress (`reminder_offsets_days`, e.g. 15 and 3 days before). Overdue
notices (assign, opinion, reply) go to the handlers concerned, the supervising committee's staff and the
office, once. Every message is a Notification whose cause names the record, the clock, the deadline and the
offset, so each is sent once however often the sweep runs (the table is unique on recipient, channel and
cause); a moved deadline (an extension, a re-handling) is a new deadline with its own reminders.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lvzhi.core.audit import record_event
from lvzhi.org.congress_settings import RATING_SURVEY, settings_for
from lvzhi.org.models import RoleAssignment, User
from lvzhi.org.roles import Role

from . import events
from .models import Assignment, Evaluation, Reply, Suggestion
from .services.notices import concerned_mandate_ids, handlers_of, staff_of, tell
from .services.replies import evaluation_due, evaluation_window_close
from .workflow import State

logger = logging.getLogger("lvzhi.suggestions.deadlines")

# A clock ran out: the event kind is recorded once, with the first notice.
HANDLING = (State.ASSIGNED, State.REHANDLING)


@dataclass
class SweepResult:
    reminders: int = 0  # notifications created (every channel)
    overdue: int = 0
    closed: int = 0  # evaluation rounds concluded
    errors: int = 0  # records skipped after an error (logged); the next run tries them again


def reminder_offset(
    *, today: dt.date, due: dt.date, start: dt.date | None, offsets: Iterable[int]
) -> int | None:
    """The reminder due today for a clock ending on `due`, as its offset in days, or None.

    The smallest offset already reached wins, so a run that missed days sends one reminder, not several.
    A reminder is only for a clock that was already running on its day (a 4-day window gets no 15-day
    reminder), except the last one, which every clock gets.
    """
    ordered = sorted(set(offsets))
    if not ordered or today > due:
        return None
    days_left = (due - today).days
    for offset in ordered:
        if days_left > offset:
            continue
        if offset == ordered[0] or start is None or start < due - dt.timedelta(days=offset):
            return offset
    return None


def committee_staff_of(committee_id: int | None):
    if committee_id is None:
        return User.objects.none()
    ids = RoleAssignment.objects.filter(
        role=Role.COMMITTEE_STAFF, committee_id=committee_id, is_active=True
    ).values("user_id")
    return User.objects.filter(pk__in=ids, is_active=True)


class _Sweep:
    """One run: the day, the rules of each congress and its people, each read once."""

    def __init__(self, today: dt.date):
        self.today = today
        self.result = SweepResult()
        self._rules: dict[int, dict] = {}
        self._people: dict[tuple, list] = {}

    def rules(self, suggestion: Suggestion) -> dict:
        if suggestion.congress_id not in self._rules:
            self._rules[suggestion.congress_id] = settings_for(suggestion.congress)
        return self._rules[suggestion.congress_id]

    def offsets(self, suggestion: Suggestion) -> list[int]:
        return list(self.rules(suggestion)["reminder_offsets_days"])

    def people(self, key: tuple, query: Callable[[], object]) -> list:
        if key not in self._people:
            self._people[key] = list(query())
        return self._people[key]

    def staff(self, s: Suggestion) -> list:
        return self.people(("staff", s.congress_id), lambda: staff_of(s.congress_id))

    def committee(self, s: Suggestion) -> list:
        return self.people(("committee", s.committee_id), lambda: committee_staff_of(s.committee_id))

    def handlers(self, unit_id: int) -> list:
        return self.people(("unit", unit_id), lambda: handlers_of(unit_id))

    def each(self, rows: Iterable, handle: Callable) -> None:
        """Handle each record in its own transaction: one failure neither stops the sweep nor undoes others."""
        for row in rows:
            try:
                with transaction.atomic():
                    handle(row)
            except Exception:
                self.result.errors += 1
                logger.exception("deadline sweep: %r failed", row)

    def remind(
        self,
        s: Suggestion,
        *,
        clock: str,
        key: int,
        due: dt.date,
        start: dt.date | None,
        audiences: list[tuple[list, bool]],
        subject: Callable[[int], str],
    ) -> None:
        offset = reminder_offset(today=self.today, due=due, start=start, offsets=self.offsets(s))
        if offset is None:
            return
        text = subject((due - self.today).days)
        for users, sms in audiences:
            self.result.reminders += _tell(
                users, s, cause=f"deadline:{clock}:{key}:{due:%Y%m%d}:{offset}", subject=text, sms=sms
            )

    def overdue(
        self,
        s: Suggestion,
        *,
        clock: str,
        key: int,
        due: dt.date,
        audiences: list[tuple[list, bool]],
        subject: str,
        payload: dict,
    ) -> None:
        if self.today <= due:
            return
        sent = 0
        for users, sms in audiences:
            sent += _tell(
                users, s, cause=f"deadline:{clock}:{key}:{due:%Y%m%d}:overdue", subject=subject, sms=sms
            )
        if sent:
            # The first notice of this deadline: the timeline shows when it was flagged.
            record_event(
                actor=None,
                kind=events.OVERDUE,
                target=s,
                payload={"clock": clock, "due": due.isoformat(), **payload},
            )
        self.result.overdue += sent


def _tell(users, s: Suggestion, *, cause: str, subject: str, sms: bool) -> int:
    """Notify; return how many notifications were new (a cause already sent to a user adds none)."""
    from lvzhi.core.models import Notification

    users = list({u.pk: u for u in users}.values())
    if not users:
        return 0
    full = f"suggestion:{s.pk}:{cause}"
    before = Notification.objects.filter(cause=full, recipient__in=users).count()
    tell(users, suggestion=s, cause=cause, subject=subject, sms=sms)
    return Notification.objects.filter(cause=full, recipient__in=users).count() - before


def _days(days: int) -> str:
    return ngettext("%(days)s day left", "%(days)s days left", days) % {"days": days}


# --- the clocks ------------------------------------------------------------------------------------
def _assign_clock(sweep: _Sweep) -> None:
    rows = Suggestion.objects.filter(
        session__isnull=True, assign_due__isnull=False, state__in=[State.SUBMITTED, State.ACCEPTED]
    ).select_related("congress")

    def handle(s: Suggestion) -> None:
        due = s.assign_due
        sweep.remind(
            s,
            clock="assign",
            key=s.pk,
            due=due,
            start=s.received_on,
            audiences=[(sweep.staff(s), False)],
            subject=lambda days: (
                _("Assign the recess suggestion “%(title)s” by %(due)s (%(left)s)")
                % {"title": s.title, "due": due.isoformat(), "left": _days(days)}
            ),
        )
        sweep.overdue(
            s,
            clock="assign",
            key=s.pk,
            due=due,
            audiences=[(sweep.staff(s), False), (sweep.committee(s), False)],
            subject=_("Overdue: the recess suggestion “%(title)s” was due to be assigned by %(due)s")
            % {"title": s.title, "due": due.isoformat()},
            payload={},
        )

    sweep.each(rows, handle)


def _open_assignments(**filters):
    return Assignment.objects.filter(
        is_active=True, suggestion__state__in=HANDLING, **filters
    ).select_related("unit", "suggestion", "suggestion__congress")


def _return_clock(sweep: _Sweep) -> None:
    # Once the unit has acknowledged the item, it has taken it on: no reminder that it may still return it.
    rows = _open_assignments(acknowledged_at__isnull=True, return_due__gte=sweep.today)

    def handle(a: Assignment) -> None:
        s = a.suggestion
        sweep.remind(
            s,
            clock="return",
            key=a.pk,
            due=a.return_due,
            start=a.assigned_on,
            audiences=[(sweep.handlers(a.unit_id), False)],
            subject=lambda days: (
                _(
                    "If “%(title)s” is not for %(unit)s, return it with your reasons by %(due)s (%(left)s); "
                    "after that the assignment stands"
                )
                % {"title": s.title, "unit": a.unit, "due": a.return_due.isoformat(), "left": _days(days)}
            ),
        )

    sweep.each(rows, handle)


def _opinion_clock(sweep: _Sweep) -> None:
    rows = _open_assignments(role=Assignment.Role.CO, opinion_due__isnull=False, co_opinion__isnull=True)

    def handle(a: Assignment) -> None:
        s, due = a.suggestion, a.opinion_due
        handlers = sweep.handlers(a.unit_id)
        sweep.remind(
            s,
            clock="opinion",
            key=a.pk,
            due=due,
            start=a.assigned_on,
            audiences=[(handlers, True)],
            subject=lambda days: (
                _("Send your co-unit opinion on “%(title)s” to the lead unit by %(due)s (%(left)s)")
                % {"title": s.title, "due": due.isoformat(), "left": _days(days)}
            ),
        )
        sweep.overdue(
            s,
            clock="opinion",
            key=a.pk,
            due=due,
            audiences=[(handlers, True), (sweep.committee(s), False), (sweep.staff(s), False)],
            subject=_("Overdue: the co-unit opinion of %(unit)s on “%(title)s” was due by %(due)s")
            % {"unit": a.unit, "title": s.title, "due": due.isoformat()},
            payload={"assignment": a.pk, "unit": a.unit_id},
        )

    sweep.each(rows, handle)


def _reply_clock(sweep: _Sweep) -> None:
    rows = _open_assignments(role=Assignment.Role.LEAD).filter(
        Q(reply_due__isnull=False) | Q(extended_due__isnull=False)
    )

    def handle(a: Assignment) -> None:
        s, due = a.suggestion, a.due  # the deadline in force: an approved extension replaces the original
        handlers = sweep.handlers(a.unit_id)
        sweep.remind(
            s,
            clock="reply",
            key=a.pk,
            due=due,
            start=a.assigned_on,
            audiences=[(handlers, True), (sweep.committee(s), False), (sweep.staff(s), False)],
            subject=lambda days: (
                _("The reply of %(unit)s to “%(title)s” is due by %(due)s (%(left)s)")
                % {"unit": a.unit, "title": s.title, "due": due.isoformat(), "left": _days(days)}
            ),
        )
        sweep.overdue(
            s,
            clock="reply",
            key=a.pk,
            due=due,
            audiences=[(handlers, True), (sweep.committee(s), False), (sweep.staff(s), False)],
            subject=_("Overdue: the reply of %(unit)s to “%(title)s” was due by %(due)s")
            % {"unit": a.unit, "title": s.title, "due": due.isoformat()},
            payload={"assignment": a.pk, "unit": a.unit_id},
        )

    sweep.each(rows, handle)


def _evaluation_clock(sweep: _Sweep) -> None:
    rows = Suggestion.objects.filter(state__in=[State.REPLIED, State.PROMISE_REPORTED]).select_related(
        "congress"
    )

    def handle(s: Suggestion) -> None:
        if sweep.rules(s)["reply_rating"] == RATING_SURVEY:
            return  # the deputies do not rate here: the survey's import ends the round
        reply = Reply.objects.filter(suggestion=s).order_by("-round").first()
        if reply is None:
            return
        reply.suggestion = s
        due = evaluation_due(reply)
        if sweep.today > due:
            # The window has closed: the round concludes with the ratings given (silence is not satisfaction).
            if evaluation_window_close(suggestion=s) is not None:
                sweep.result.closed += 1
            return
        promise = s.state == State.PROMISE_REPORTED
        stage = Evaluation.Stage.PROMISE if promise else Evaluation.Stage.REPLY
        rated = Evaluation.objects.filter(reply=reply, stage=stage).values_list("mandate_id", flat=True)
        waiting = set(concerned_mandate_ids(s)) - set(rated)
        deputies = User.objects.filter(is_active=True, person__mandates__in=waiting).distinct()
        start = timezone.localdate(reply.promise_reported_at or reply.replied_at)
        sweep.remind(
            s,
            clock=f"evaluation-{stage}",
            key=reply.pk,
            due=due,
            start=start,
            audiences=[(list(deputies), True)],
            subject=lambda days: (
                (
                    _("Please evaluate the promise carried out on “%(title)s” by %(due)s (%(left)s)")
                    if promise
                    else _("Please evaluate the reply to “%(title)s” by %(due)s (%(left)s)")
                )
                % {"title": s.title, "due": due.isoformat(), "left": _days(days)}
            ),
        )

    sweep.each(rows, handle)


def deadline_sweep(today: dt.date | None = None) -> SweepResult:
    """Run every clock once for `today` (the local date by default); safe to run twice the same day."""
    sweep = _Sweep(today or timezone.localdate())
    for clock in (_assign_clock, _return_clock, _opinion_clock, _reply_clock, _evaluation_clock):
        clock(sweep)
    logger.info("deadline sweep %s: %s", sweep.today, sweep.result)
    return sweep.result
