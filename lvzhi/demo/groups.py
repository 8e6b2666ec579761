"""The demo's deputy groups at work: each district group and each city contact group has this year's plan
(planned activities by month), the activities it held with each member's attendance (present, absent with
leave and why, absent), a few planned months not held and the coming ones, and an activity outside the plan.

Written through the services the pages use (org.services.group_work), so each present member counts once as
a group activity in performance and the events show in each group's history. The leaders of 湖滨街道代表小组
and 岭南街道代表小组 (leader_a, leader_b) record their own group's work; the offices record the rest.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from lvzhi.org.models import Congress, DeputyGroup, GroupPlanItem, RoleAssignment, User
from lvzhi.org.roles import Role
from lvzhi.org.services.group_work import (
    group_activity_record,
    group_attendance_set,
    group_plan_item_add,
    roster_on,
)

SEED = 2026
# month -> (kind, topic, where): a street or town group's year, as published plans read.
PLAN = {
    1: ("study", "学习区人大常委会年度工作要点", "{area}人大代表联络站"),
    2: ("visit", "春节前走访慰问困难选民", "{area}各社区"),
    3: ("study", "学习贯彻全国两会精神", "{area}人大代表联络站"),
    4: ("inspection", "视察辖区老旧小区改造项目", "{area}幸福里小区"),
    5: ("reception", "联络站接待日集中接待选民", "{area}人大代表联络站"),
    6: ("research", "调研社区居家养老服务中心运营情况", "{area}颐康养老服务中心"),
    7: ("discussion", "与街道办事处座谈汛期安全工作", "{area}办事处会议室"),
    8: ("inspection", "视察背街小巷环境整治", "{area}老街片区"),
    9: ("research", "调研中小学校周边交通秩序", "{area}实验小学"),
    10: ("reception", "“代表接待周”集中接待选民", "{area}人大代表联络站"),
    11: ("discussion", "听取年度民生实事项目进展情况", "{area}办事处会议室"),
    12: ("study", "年度履职交流暨向选民述职准备会", "{area}人大代表联络站"),
}
CITY_PLAN = {
    3: ("study", "学习市人大常委会年度监督工作计划", "市人大常委会第三会议室"),
    5: ("research", "调研{area}营商环境优化情况", "{area}政务服务中心"),
    7: ("inspection", "视察{area}重点民生项目", "{area}"),
    9: ("discussion", "与{area}人大常委会座谈代表建议办理", "{area}人大常委会会议室"),
    11: ("research", "调研{area}基层治理创新", "{area}"),
}
UNPLANNED = [
    ("visit", "汛后走访受灾群众", "{area}低洼片区"),
    ("reception", "临时接待反映停车难问题的居民", "{area}人大代表联络站"),
    ("research", "调研农贸市场改造后经营情况", "{area}农贸市场"),
]
LEAVE_REASONS = ["外出学习培训", "单位工作冲突", "身体原因", "出差在外", "参加市人代会专题活动"]


def _area(group: DeputyGroup) -> str:
    for suffix in ("第一代表小组", "第二代表小组", "代表小组", "联系组"):
        if group.name.endswith(suffix):
            return group.name[: -len(suffix)]
    return group.name


def _day_in(rng: random.Random, year: int, month: int, today: dt.date) -> dt.date:
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    day = dt.date(year, month, rng.randint(5, min(26, last)))
    return min(day, today)


def _marks(rng: random.Random, roster, keep_present=()) -> tuple[list[int], list[int], dict[int, str]]:
    present, leave, notes = [], [], {}
    for m in roster:
        r = rng.random()
        if m.pk in keep_present or r < 0.78:
            present.append(m.pk)
        elif r < 0.9:
            leave.append(m.pk)
            notes[m.pk] = rng.choice(LEAVE_REASONS)
    if not present and roster:
        present.append(roster[0].pk)
        leave = [pk for pk in leave if pk != roster[0].pk]
    return present, leave, notes


def build_demo_groups() -> int:
    """Write this year's plans and activities; returns the number of group activities recorded."""
    from lvzhi.org.models import GroupActivity

    city = Congress.objects.filter(level=Congress.Level.CITY, parent__isnull=True).order_by("pk").first()
    if city is None or GroupPlanItem.objects.filter(group__congress=city).exists():
        return 0  # no demo city, or already built
    rng = random.Random(SEED)
    today = timezone.localdate()
    year = today.year
    staff_of = {
        ra.congress_id: ra.user
        for ra in RoleAssignment.objects.filter(role=Role.STAFF, is_active=True)
        .select_related("user")
        .order_by("pk")
    }
    leaders = {u.username: u for u in User.objects.filter(username__in=["leader_a", "leader_b"])}
    districts = list(Congress.objects.filter(parent=city, level=Congress.Level.COUNTY).order_by("pk")[:2])
    groups = list(
        DeputyGroup.objects.filter(congress__in=districts, kind=DeputyGroup.Kind.GROUP)
        .select_related("congress", "leader__person")
        .order_by("congress__path", "pk")
    ) + list(DeputyGroup.objects.filter(congress=city, kind=DeputyGroup.Kind.CONTACT).order_by("pk"))
    recorded = 0
    for group in groups:
        actor = staff_of.get(group.congress_id)
        leader_user = next(
            (u for u in leaders.values() if group.leader_id and u.person_id == group.leader.person_id), None
        )
        if leader_user is not None:
            actor = leader_user  # the leader keeps its own group's log
        if actor is None:
            continue
        area = _area(group)
        source = CITY_PLAN if group.congress_id == city.pk else PLAN
        # Five to seven planned months, always the current one (so the plan shows held, not held and coming).
        months = sorted(rng.sample(sorted(source), k=min(len(source), rng.choice([5, 6, 7]))))
        if today.month not in months and today.month in source:
            months.append(today.month)
        items = []
        for month in sorted(set(months)):
            kind, topic, _where = source[month]
            items.append(
                group_plan_item_add(
                    actor=actor,
                    group=group,
                    year=year,
                    month=month,
                    kind=kind,
                    topic=topic.format(area=area),
                    note="由组长牵头，联络站做好会务保障" if kind in {"study", "discussion"} else "",
                )
            )
        for item in items:
            if item.month >= today.month or rng.random() < 0.15:
                continue  # coming, or a past month not held (shown as not held)
            day = _day_in(rng, year, item.month, today)
            roster = roster_on(group, day)
            if not roster:
                continue
            keep = {group.leader_id} if group.leader_id else set()
            present, leave, notes = _marks(rng, roster, keep)
            where = source[item.month][2].format(area=area)
            group_activity_record(
                actor=actor,
                group=group,
                date=day,
                kind=item.kind,
                topic=item.topic,
                place=where,
                notes=f"到会代表{len(present)}人。{'会上代表们结合选民意见提出建议，已整理报区人大常委会代表工作委员会。' if item.kind in {'discussion', 'research'} else ''}",
                plan_item=item,
                present=present,
                on_leave=leave,
                leave_notes=notes,
            )
            recorded += 1
        # One activity outside the plan, recent, in the district groups.
        if group.congress_id != city.pk and today.month > 1:
            kind, topic, where = rng.choice(UNPLANNED)
            day = today - dt.timedelta(days=rng.randint(3, 20))
            roster = roster_on(group, day)
            if roster:
                present, leave, notes = _marks(rng, roster, {group.leader_id} if group.leader_id else set())
                activity = group_activity_record(
                    actor=actor,
                    group=group,
                    date=day,
                    kind=kind,
                    topic=topic,
                    place=where.format(area=area),
                    present=present,
                    on_leave=leave,
                    leave_notes=notes,
                )
                recorded += 1
                # A correction afterwards: a member first marked absent had in fact come.
                absent = [pk for pk in (m.pk for m in roster) if pk not in present and pk not in leave]
                if absent:
                    group_attendance_set(
                        actor=actor,
                        activity=activity,
                        present=present + absent[:1],
                        on_leave=leave,
                        leave_notes=notes,
                    )
    return recorded or GroupActivity.objects.count()
