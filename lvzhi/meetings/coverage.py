"""The term-long coverage report (列席全覆盖): every grassroots deputy attends a standing-committee meeting
at least once per term — who has, and who has not yet.

Attending is read from the performance records (confirmed participations of the kind "attending a
standing-committee meeting" within the term), so meetings recorded here and those registered otherwise count
alike. Beside each deputy not yet covered the report shows an invitation already under way (invited or
accepted to a coming meeting), so the office sees who is in hand and who still needs one.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from lvzhi.org.models import Congress, ElectoralUnit, Mandate, Term
from lvzhi.performance import kinds as activity_kinds

from .models import Invitation, Meeting
from .proposal import taken_part_counts
from .workflow import State

SHOW_CHOICES = ("uncovered", "covered", "all")


def natural_key(text: str) -> list:
    """第2选区 before 第10选区: runs of digits compare as numbers."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text or "")]


@dataclass
class CoverageRow:
    mandate: Mandate
    attended: int
    last_date: dt.date | None
    coming: Invitation | None  # an invitation under way to a standing-committee meeting not yet held

    @property
    def covered(self) -> bool:
        return self.attended > 0


@dataclass
class Coverage:
    congress: Congress
    term: Term
    rows: list[CoverageRow]
    total: int
    covered: int

    @property
    def uncovered(self) -> int:
        return self.total - self.covered

    @property
    def rate(self) -> float | None:
        return round(100 * self.covered / self.total, 1) if self.total else None


def term_mandates(*, congress: Congress, term: Term, today: dt.date | None = None) -> QuerySet[Mandate]:
    """The deputies the term's coverage is about: those serving today (a running term), or those who served
    to its end (a past term)."""
    today = today or timezone.localdate()
    qs = Mandate.objects.filter(congress=congress, term=term)
    if term.covers(today):
        return qs.current(today)
    return qs.filter(Q(end_date__isnull=True) | Q(end_date__gte=term.end_date))


def coverage(
    *,
    congress: Congress,
    term: Term,
    electoral_unit: ElectoralUnit | None = None,
    grassroots_only: bool = True,
    show: str = "uncovered",
    query: str = "",
) -> Coverage:
    mandates = term_mandates(congress=congress, term=term).select_related("person", "electoral_unit")
    if grassroots_only:
        mandates = mandates.filter(is_grassroots=True)
    if electoral_unit is not None:
        mandates = mandates.filter(electoral_unit=electoral_unit)
    if query:
        mandates = mandates.filter(person__name__contains=query)
    mandates = sorted(
        mandates,
        key=lambda m: (
            natural_key(m.electoral_unit.name if m.electoral_unit_id else ""),
            m.person.name,
            m.pk,
        ),
    )
    counts = taken_part_counts(
        mandate_ids=[m.pk for m in mandates],
        activity_kind=activity_kinds.ATTEND_SC,
        start=term.start_date,
        end=term.end_date,
    )
    coming: dict[int, Invitation] = {}
    for inv in (
        Invitation.objects.filter(
            mandate_id__in=[m.pk for m in mandates],
            state__in=[State.INVITED, State.ACCEPTED],
            meeting__kind=Meeting.Kind.SC_MEETING,
            meeting__ends_on__gte=timezone.localdate(),
        )
        .select_related("meeting")
        .order_by("meeting__starts_on", "pk")
    ):
        coming.setdefault(inv.mandate_id, inv)
    rows = [
        CoverageRow(m, counts.get(m.pk, (0, None))[0], counts.get(m.pk, (0, None))[1], coming.get(m.pk))
        for m in mandates
    ]
    covered = sum(1 for r in rows if r.covered)
    total = len(rows)
    if show == "uncovered":
        rows = [r for r in rows if not r.covered]
    elif show == "covered":
        rows = [r for r in rows if r.covered]
    return Coverage(congress=congress, term=term, rows=rows, total=total, covered=covered)
