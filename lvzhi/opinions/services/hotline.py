"""Import 12345 hotline tickets into the opinions store (source = hotline), all or nothing.

The file is read and every row checked (opinions.hotline); if any row is rejected nothing is saved and the
report names each rejected row and why. A ticket whose number was imported before is skipped (counted, not
stored again: the database holds each (source, ticket number) once). The rest are written in bulk in one
transaction, under a lock on the importing congress's row so two imports of one congress queue, and the
import is recorded as one event with its counts (never a name, a phone or a ticket's text).

What an imported ticket becomes: an opinion of the congress the row's district names (else the importing
congress), received when the hotline received it (its consent is the call itself), in the state its status
says. A new one starts the acknowledgement clock (opinion_ack_days working days from receipt) like any other
opinion and waits in the triage queue; an answered or finished one keeps the hotline's answer, which its
status page shows signed "12345热线". The time to first answer counts only tickets that give their answer time.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lvzhi.core.audit import record_event
from lvzhi.core.calendar import add_working_days
from lvzhi.core.errors import ServiceError
from lvzhi.org.congress_settings import setting_for
from lvzhi.org.models import Congress
from lvzhi.org.scope import scope_for

from .. import events, hotline, list_counts
from ..hotline import HotlineReport, TicketRow
from ..models import Opinion, OpinionCounter, OpinionReply
from ..tokens import follow_key, key_hash, new_salt
from ..workflow import State

COUNT_KEYS = (
    "rows",
    "imported",
    "skipped",
    "rejected",
    "new",
    "replied",
    "solved",
    "closed",
    "other_category",
)


def _take_numbers(n: int, now: dt.datetime) -> list[str]:
    """n tracking numbers of the year in one go (the counter row locked, as tokens.next_number does)."""
    if n == 0:
        return []
    year = timezone.localtime(now).year
    OpinionCounter.objects.bulk_create([OpinionCounter(year=year)], ignore_conflicts=True)
    counter = OpinionCounter.objects.select_for_update().get(year=year)
    first = counter.last + 1
    counter.last += n
    counter.save(update_fields=["last"])
    return [f"YJ{year}-{number:06d}" for number in range(first, first + n)]


def _counts(rows: list[TicketRow]) -> dict[str, int]:
    ok = [r for r in rows if r.ok]
    fresh = [r for r in ok if not r.already_imported]
    return {
        "rows": len(rows),
        "imported": len(fresh),
        "skipped": len(ok) - len(fresh),
        "rejected": len(rows) - len(ok),
        "new": sum(1 for r in fresh if r.state == State.NEW),
        "replied": sum(1 for r in fresh if r.state == State.REPLIED),
        "solved": sum(1 for r in fresh if r.state == State.SOLVED),
        "closed": sum(1 for r in fresh if r.state == State.CLOSED),
        "other_category": sum(1 for r in fresh if r.category == Opinion.Category.OTHER),
    }


def _conflict() -> ServiceError:
    return ServiceError(
        "conflict",
        _("Someone imported the same tickets at the same moment; nothing was saved. Try again."),
        status=409,
    )


def _opinion_of(r: TicketRow, number: str, *, now: dt.datetime, ack_days: dict[int, int], due_cache: dict):
    salt = new_salt()
    finished = r.state in (State.SOLVED, State.CLOSED)
    finished_at = (r.finished_at or now) if finished else None
    answered_at = r.answered_at or (r.finished_at if r.answer and finished else None)
    ack_due_on = None
    if r.state == State.NEW:
        received = timezone.localdate(r.received_at)
        days = ack_days.setdefault(r.congress.pk, int(setting_for(r.congress, "opinion_ack_days")))
        if (received, days) not in due_cache:
            due_cache[(received, days)] = add_working_days(received, days)
        ack_due_on = due_cache[(received, days)]
    return Opinion(
        number=number,
        follow_salt=salt,
        # Nobody holds this key: a hotline caller follows the ticket through the hotline, not a link.
        follow_hash=key_hash(follow_key(salt)),
        source=Opinion.Source.HOTLINE,
        kind=Opinion.Kind.OPINION,
        category=r.category,
        place=r.place,
        content=r.content,
        citizen_name=r.citizen_name,
        phone=r.phone,
        consent_at=r.received_at,
        congress=r.congress,
        state=r.state,
        created_at=r.received_at,
        acknowledged_at=(answered_at or finished_at) if r.state != State.NEW else None,
        answered_at=answered_at,
        finished_at=finished_at,
        urgent=r.urgent,
        ack_due_on=ack_due_on,
        external_ref=r.ticket,
    )


@transaction.atomic
def hotline_import(
    *, actor, congress: Congress, file, dry_run: bool = False, now: dt.datetime | None = None
) -> HotlineReport:
    """Check the file and, unless `dry_run` or any row is rejected, store every new ticket."""
    now = now or timezone.now()
    if not scope_for(actor).can_act_in(congress.pk):
        raise ServiceError(
            "not_permitted",
            _("Only the deputy-affairs staff of this congress may import its hotline tickets."),
            status=403,
        )
    raw = hotline.read_rows(file)
    # One import per congress at a time: the second waits here and then sees the first one's tickets.
    Congress.objects.select_for_update().filter(pk=congress.pk).first()
    rows = hotline.check_rows(raw, congress=congress, now=now)
    tickets = [r.ticket for r in rows if r.ticket]
    known = set(
        Opinion.objects.filter(source=Opinion.Source.HOTLINE, external_ref__in=tickets).values_list(
            "external_ref", flat=True
        )
    )
    for r in rows:
        if r.ok and r.ticket in known:
            r.already_imported = True
            r.notes.append(_("Imported before: skipped."))
    report = HotlineReport(rows=rows, counts=_counts(rows))
    if dry_run or not report.ok:
        return report

    fresh = [r for r in rows if not r.already_imported]
    numbers = _take_numbers(len(fresh), now)
    ack_days: dict[int, int] = {}
    due_cache: dict = {}
    opinions = [
        _opinion_of(r, number, now=now, ack_days=ack_days, due_cache=due_cache)
        for r, number in zip(fresh, numbers, strict=True)
    ]
    try:
        with transaction.atomic():
            Opinion.objects.bulk_create(opinions, batch_size=500)
            list_counts.bump()  # bulk_create sends no post_save
    except IntegrityError:
        raise _conflict() from None
    for opinion in opinions:
        if opinion.pk is None:  # an old SQLite that cannot return ids
            opinion.pk = Opinion.objects.get(
                source=Opinion.Source.HOTLINE, external_ref=opinion.external_ref
            ).pk
    replies = [
        OpinionReply(
            opinion=opinion,
            signed_as=hotline.SIGNED_AS,
            body=r.answer,
            created_at=opinion.answered_at or opinion.finished_at or now,
        )
        for r, opinion in zip(fresh, opinions, strict=True)
        if r.answer
    ]
    OpinionReply.objects.bulk_create(replies, batch_size=500)
    record_event(
        actor=actor,
        kind=events.HOTLINE_IMPORTED,
        target=congress,
        payload={**report.counts, "first_opinion_id": opinions[0].pk if opinions else None},
    )
    report.saved = True
    return report
