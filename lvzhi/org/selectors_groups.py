"""Reads of a deputy group's year of work, always scoped to the reader.

# SECURITY: a plan item or activity is read through the group it belongs to (org.selectors.
group_list_visible_to), so a sibling group's records are not found. Reading a group is not reading its
members: names are shown only for the mandates the reader may read (a member reads its own row and the
counts), as the group page does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from lvzhi.core.params import clean_query

from .models import DeputyGroup, GroupMembership
from .models_groups import GroupActivity, GroupAttendance, GroupPlanItem, GroupWorkKind
from .selectors import group_list_visible_to, mandate_list_visible_to

Status = GroupAttendance.Status


def group_activities_visible_to(*, user) -> QuerySet[GroupActivity]:
    return GroupActivity.objects.select_related("group__congress", "plan_item").filter(
        group__in=group_list_visible_to(user=user)
    )


def group_plan_items_visible_to(*, user) -> QuerySet[GroupPlanItem]:
    return GroupPlanItem.objects.select_related("group__congress").filter(
        group__in=group_list_visible_to(user=user)
    )


def with_tally(qs: QuerySet[GroupActivity]) -> QuerySet[GroupActivity]:
    """Each activity's counts of present, on leave and absent members."""
    return qs.annotate(
        n_present=Count("attendance", filter=Q(attendance__status=Status.PRESENT)),
        n_leave=Count("attendance", filter=Q(attendance__status=Status.LEAVE)),
        n_absent=Count("attendance", filter=Q(attendance__status=Status.ABSENT)),
    )


@dataclass
class ActivityFilters:
    q: str = ""
    congress_id: int | None = None
    group_id: int | None = None
    year: int | None = None
    month: int | None = None
    kind: str = ""

    @classmethod
    def from_query(cls, params) -> ActivityFilters:
        from lvzhi.core.params import parse_id, parse_year

        month = str(params.get("month") or "").strip()
        kind = params.get("kind", "")
        return cls(
            q=clean_query(params.get("q"), 60),
            congress_id=parse_id(params.get("congress")),
            group_id=parse_id(params.get("group")),
            year=parse_year(params.get("year")),
            month=int(month) if month.isascii() and month.isdigit() and 1 <= int(month) <= 12 else None,
            kind=kind if kind in GroupWorkKind.values else "",
        )


def group_activity_search(*, user, filters: ActivityFilters) -> QuerySet[GroupActivity]:
    qs = with_tally(group_activities_visible_to(user=user))
    if filters.q:
        qs = qs.filter(Q(topic__contains=filters.q) | Q(place__contains=filters.q))
    if filters.congress_id:
        qs = qs.filter(group__congress_id=filters.congress_id)
    if filters.group_id:
        qs = qs.filter(group_id=filters.group_id)
    if filters.year:
        qs = qs.filter(date__year=filters.year)
    if filters.month:
        qs = qs.filter(date__month=filters.month)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    return qs.order_by("-date", "-pk")


# --- one group's year ------------------------------------------------------------------------------
@dataclass
class PlanRow:
    item: GroupPlanItem
    held: list[GroupActivity]
    state: str  # held / due (month passed, not held) / coming


@dataclass
class MemberRow:
    membership: GroupMembership
    present: int = 0
    leave: int = 0
    absent: int = 0

    @property
    def mandate_id(self) -> int:
        return self.membership.mandate_id

    @property
    def mandate(self):
        return self.membership.mandate

    @property
    def expected(self) -> int:
        """Activities the member was held to: absence with leave is not held against them."""
        return self.present + self.absent

    @property
    def rate(self) -> int | None:
        return round(100 * self.present / self.expected) if self.expected else None


@dataclass
class GroupYear:
    group: DeputyGroup
    year: int
    plan: list[PlanRow] = field(default_factory=list)
    activities: list[GroupActivity] = field(default_factory=list)
    members: list[MemberRow] = field(default_factory=list)
    other_activities: int = 0  # registered for the group on performance's page, outside this log

    @property
    def planned(self) -> int:
        return len(self.plan)

    @property
    def planned_held(self) -> int:
        return sum(1 for r in self.plan if r.state == "held")

    @property
    def unplanned(self) -> int:
        return sum(1 for a in self.activities if a.plan_item_id is None)

    @property
    def rate(self) -> int | None:
        present = sum(m.present for m in self.members)
        expected = sum(m.expected for m in self.members)
        return round(100 * present / expected) if expected else None


def group_year(*, user, group: DeputyGroup, year: int) -> GroupYear:
    """The group's plan for `year` (planned vs held), its activities with attendance, and each member's
    attendance in the year: names only of the mandates the reader may read."""
    today = timezone.localdate()
    readable = set(
        mandate_list_visible_to(user=user).filter(group_memberships__group=group).values_list("pk", flat=True)
    )
    activities = list(
        with_tally(GroupActivity.objects.filter(group=group, date__year=year))
        .select_related("plan_item")
        .order_by("-date", "-pk")
    )
    names: dict[int, dict[str, list]] = {a.pk: {"present": [], "leave": []} for a in activities}
    rows: dict[int, MemberRow] = {}
    memberships = {
        gm.mandate_id: gm
        for gm in GroupMembership.objects.filter(group=group, mandate_id__in=readable).select_related(
            "mandate__person", "mandate__congress"
        )
    }
    for att in (
        GroupAttendance.objects.filter(activity__in=[a.pk for a in activities])
        .select_related("mandate__person")
        .order_by("mandate__person__name", "pk")
    ):
        if att.mandate_id not in readable:
            continue
        if att.status in names[att.activity_id]:
            names[att.activity_id][att.status].append(att.mandate.person.name)
        gm = memberships.get(att.mandate_id)
        if gm is None:  # a former member: counted on the activity, not listed among today's members
            continue
        row = rows.setdefault(att.mandate_id, MemberRow(gm))
        setattr(row, att.status, getattr(row, att.status) + 1)
    for a in activities:
        a.present_names, a.leave_names = names[a.pk]["present"], names[a.pk]["leave"]
    members = [rows.get(pk) or MemberRow(gm) for pk, gm in memberships.items()]
    members.sort(key=lambda r: (r.membership.mandate_id != group.leader_id, r.membership.mandate.person.name))
    held: dict[int, list[GroupActivity]] = {}
    for a in activities:
        if a.plan_item_id:
            held.setdefault(a.plan_item_id, []).append(a)
    plan = []
    for item in GroupPlanItem.objects.filter(group=group, year=year).order_by("month", "pk"):
        done = held.get(item.pk, [])
        month_over = dt.date(year, item.month, 1) < dt.date(today.year, today.month, 1)
        plan.append(PlanRow(item, done, "held" if done else ("due" if month_over else "coming")))
    from lvzhi.performance.models import Activity

    other = (
        Activity.objects.filter(group=group, date__year=year)
        .exclude(source_type=GroupActivity._meta.label_lower)
        .count()
    )
    return GroupYear(group, year, plan, activities, members, other)


def _count_of(qs, column: str = "group_id"):
    """A subquery counting the rows of `qs` per group (OuterRef("pk"))."""
    return Coalesce(
        Subquery(
            qs.filter(**{column: OuterRef("pk")})
            .order_by()
            .values(column)
            .annotate(n=Count("pk", distinct=True))
            .values("n")
        ),
        Value(0),
        output_field=IntegerField(),
    )


def with_year_figures(qs: QuerySet[DeputyGroup], year: int) -> QuerySet[DeputyGroup]:
    """Each group's year in its own row (no query per group): planned items, those held, activities held,
    and members present and absent without leave over the year's activities."""
    items = GroupPlanItem.objects.filter(year=year)
    attendance = GroupAttendance.objects.filter(activity__date__year=year)
    return qs.annotate(
        year_planned=_count_of(items),
        year_planned_held=_count_of(items.filter(activities__isnull=False)),
        year_held=_count_of(GroupActivity.objects.filter(date__year=year)),
        year_present=_count_of(attendance.filter(status=Status.PRESENT), "activity__group_id"),
        year_absent=_count_of(attendance.filter(status=Status.ABSENT), "activity__group_id"),
    )


def year_rate(group: DeputyGroup) -> int | None:
    """Present ÷ (present + absent without leave), in %, from with_year_figures."""
    expected = group.year_present + group.year_absent
    return round(100 * group.year_present / expected) if expected else None
