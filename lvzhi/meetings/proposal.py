"""The proposed invitees of a meeting, ranked, each with the reasons in words.

Who may be invited: the deputies of the meeting's congress and term who serve on its first day and are not
on approved leave then, and are not already on its list. The ranking prefers, in this order of weight:
grassroots deputies (基层代表), deputies who have not yet taken part in this kind of activity this term (for a
standing-committee meeting: not yet attended one, 列席), and deputies whose fields (Mandate.fields) match the
agenda's topics; a deputy who already took part several times this term comes later. Taking part is read from
the performance records (confirmed participations of the activity's kind within the term), so activities
registered before the platform, or by other means, count too.

Three queries whatever the size of the congress: the mandates, the counts, the current list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Max, OuterRef
from django.utils.translation import gettext as _

from lvzhi.org.fields import SubjectField
from lvzhi.org.models import Mandate, MandateLeave
from lvzhi.performance.models import Participation
from lvzhi.performance.services.common import kind_by_code

from .models import Invitation, Meeting
from .workflow import State

GRASSROOTS = 100
NOT_YET = 60
PER_FIELD = 25
MAX_FIELDS = 3
PER_TIME = 15


@dataclass
class Candidate:
    mandate: Mandate
    score: int = 0
    reasons: list[str] = field(default_factory=list)
    taken_part: int = 0  # this term, of the meeting's activity kind
    last_date: dt.date | None = None
    matched: list[str] = field(default_factory=list)  # labels of the matching fields


def agenda_fields(meeting: Meeting) -> list[str]:
    """The topics of the agenda (SubjectField codes), in the fixed list's order."""
    chosen = {f for item in meeting.agenda.all() for f in (item.fields or [])}
    return [c for c in SubjectField.values if c in chosen]


def eligible_mandates(meeting: Meeting):
    """Deputies who may be invited: the congress's, of the meeting's term, serving and not on leave on its
    first day."""
    day = meeting.starts_on
    on_leave = MandateLeave.objects.filter(mandate=OuterRef("pk"), start_date__lte=day, end_date__gte=day)
    return (
        Mandate.objects.filter(congress_id=meeting.congress_id, term_id=meeting.term_id)
        .current(day)
        .exclude(Exists(on_leave))
        .select_related("person", "electoral_unit")
    )


def taken_part_counts(*, mandate_ids, activity_kind: str, start: dt.date, end: dt.date) -> dict[int, tuple]:
    """{mandate id: (count, last date)} of confirmed participations of a kind between two dates."""
    kind = kind_by_code(activity_kind)
    rows = (
        Participation.objects.filter(
            mandate_id__in=mandate_ids,
            kind=kind,
            status=Participation.Status.CONFIRMED,
            date__gte=start,
            date__lte=end,
        )
        .values("mandate_id")
        .annotate(n=Count("pk"), last=Max("date"))
    )
    return {r["mandate_id"]: (r["n"], r["last"]) for r in rows}


def kind_phrase(meeting: Meeting, n: int) -> str:
    """The words for "not yet" (n = 0) or "n times" of this kind of activity this term."""
    if meeting.kind == Meeting.Kind.SC_MEETING:
        if n == 0:
            return _("Has not attended a standing-committee meeting this term")
        return _("Attended standing-committee meetings %(n)s times this term") % {"n": n}
    label = Meeting.Kind(meeting.kind).label
    if n == 0:
        return _("Has not taken part in: %(kind)s, this term") % {"kind": label}
    return _("Took part in: %(kind)s, %(n)s times this term") % {"kind": label, "n": n}


def propose(*, meeting: Meeting, query: str = "") -> list[Candidate]:
    """Every deputy who may still be invited, best first."""
    listed = Invitation.objects.filter(meeting=meeting).exclude(state=State.WITHDRAWN).values("mandate_id")
    mandates = list(eligible_mandates(meeting).exclude(pk__in=listed))
    if query:
        mandates = [m for m in mandates if query in m.person.name]
    counts = taken_part_counts(
        mandate_ids=[m.pk for m in mandates],
        activity_kind=meeting.activity_kind,
        start=meeting.term.start_date,
        end=meeting.term.end_date,
    )
    topics = agenda_fields(meeting)
    labels = dict(SubjectField.choices)
    out: list[Candidate] = []
    for m in mandates:
        c = Candidate(mandate=m)
        n, last = counts.get(m.pk, (0, None))
        c.taken_part, c.last_date = n, last
        if m.is_grassroots:
            c.score += GRASSROOTS
            c.reasons.append(_("Grassroots deputy"))
        c.score += NOT_YET if n == 0 else -PER_TIME * n
        c.reasons.append(kind_phrase(meeting, n))
        matched = [f for f in topics if f in (m.fields or [])]
        if matched:
            c.matched = [str(labels[f]) for f in matched]
            c.score += PER_FIELD * min(len(matched), MAX_FIELDS)
            c.reasons.append(_("Field matches the agenda: %(fields)s") % {"fields": "、".join(c.matched)})
        out.append(c)
    out.sort(key=lambda c: (-c.score, c.taken_part, c.mandate.person.name, c.mandate.pk))
    return out


def reasons_for(*, meeting: Meeting, mandate_ids) -> dict[int, list[str]]:
    """The reasons of the proposal for these deputies (the service stores them with the invitation)."""
    wanted = set(mandate_ids)
    return {c.mandate.pk: c.reasons for c in propose(meeting=meeting) if c.mandate.pk in wanted}
