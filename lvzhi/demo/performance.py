"""The demo city's performance registration (履职登记): a year of activities for every serving deputy, most
confirmed, some waiting for the office, some rejected with a reason; group activities of each deputy group;
trainings, good deeds and reports earlier in the term; the city's "341 311" rules and the districts' star
ratings applied through the services, so the shortfall list has deputies who fall short and why.

History is written in bulk (a fixed seed, so every build is the same); a few steps go through the services
the pages use (a deputy's registration, the office's confirmation and rejection, a group activity, the
presets), so their events show in the history.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from lvzhi.org.models import Congress, DeputyGroup, Mandate, RoleAssignment, Session, User
from lvzhi.org.roles import Role
from lvzhi.performance import kinds as K
from lvzhi.performance.kinds import ensure_builtin_kinds
from lvzhi.performance.models import Activity, ActivityKind, Participation, RuleSet
from lvzhi.performance.services.activities import (
    activity_register,
    activity_register_for_participants,
    participation_confirm,
    participation_reject,
)
from lvzhi.performance.services.rules import preset_apply

SEED = 2026
TITLES = {
    K.SPEECH: ["审议政府工作报告", "审议计划和预算报告", "审议法院工作报告", "审议检察院工作报告"],
    K.INSPECTION: ["视察城区防汛设施", "视察老旧小区改造", "视察农村公路建设", "视察食品安全监管"],
    K.RESEARCH: ["调研社区养老服务", "调研中小学课后服务", "调研农贸市场管理", "调研背街小巷停车"],
    K.LAW_ENFORCEMENT: ["《大气污染防治法》执法检查", "《食品安全法》执法检查", "《未成年人保护法》执法检查"],
    K.INQUIRY: ["专题询问生活垃圾分类", "专题询问营商环境优化"],
    K.ATTEND_SC: ["列席常委会会议（听取专项工作报告）", "列席常委会会议（审议执法检查报告）"],
    K.TRAINING: ["代表履职能力培训班", "新任代表培训", "“云课堂”专题学习"],
    K.RECEPTION: ["联络站接待日接待选民", "进社区走访选民", "线上答复选民来信"],
    K.GOOD_DEED: ["协调修复小区路灯", "推动老年食堂延长开放", "帮助村里引进农技培训"],
    K.REPORT: ["向选区选民述职"],
}
# Activities take place at a station of their congress's area (see _area_stations); before that they drew one
# of six fixed places, and that draw is kept (PLACE_DRAW) so every later draw, and the demo with it, stays the same.
PLACE_DRAW = 6
REASONS = ["缺少活动照片或签到表，请补充后重新登记", "活动时间与实际不符", "与已登记活动重复"]
RECESS = [K.INSPECTION, K.RESEARCH, K.LAW_ENFORCEMENT, K.INQUIRY, K.ATTEND_SC, K.RECEPTION]


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(max(1, (end - start).days + 1)))


def _area_stations() -> dict[int, list]:
    """Each congress's stations a deputy of it would work at: its own active stations, else those of the
    nearest congress above it that has some (a township deputy at the township's stations, never another
    district's)."""
    from lvzhi.stations.models import Station

    own: dict[int, list] = {}
    for st in Station.objects.filter(is_active=True).order_by("congress_id", "pk"):
        own.setdefault(st.congress_id, []).append(st)
    area = {}
    for c in Congress.objects.only("pk", "path"):
        area[c.pk] = next((own[i] for i in c.ancestor_ids() if i in own), [])
    return area


def build_demo_performance() -> int:
    """Write the demo's activities and rules; returns the number of participations written."""
    ensure_builtin_kinds()
    city = Congress.objects.filter(level=Congress.Level.CITY, parent__isnull=True).order_by("pk").first()
    if city is None or RuleSet.objects.filter(congress=city).exists():
        return 0  # no demo city, or already built into this database
    rng = random.Random(SEED)
    place_rng = random.Random(SEED + 1)  # its own stream: the main one's draws stay as they were
    stations = _area_stations()
    today = timezone.localdate()
    year_start = dt.date(today.year, 1, 1)
    kind = {k.code: k for k in ActivityKind.objects.filter(congress__isnull=True)}
    admin_of = {
        ra.congress_id: ra.user_id
        for ra in RoleAssignment.objects.filter(role=Role.STAFF, is_active=True).order_by("-pk")
    }
    mandates = list(Mandate.objects.current(today).select_related("term", "congress").order_by("pk"))
    sessions = {}
    for s in Session.objects.filter(start_date__year=today.year).select_related("term"):
        sessions[s.term_id] = s

    activities: list[Activity] = []
    parts: list[list[tuple]] = []  # per activity: (mandate, status, reason)

    def add(congress_id, code, day, title, people, *, origin=Activity.Origin.DEPUTY, group=None):
        rng.randrange(PLACE_DRAW)  # the old place draw, kept (see PLACE_DRAW)
        station = place_rng.choice(stations[congress_id]) if stations.get(congress_id) else None
        activities.append(
            Activity(
                congress_id=congress_id,
                kind=kind[code],
                date=day,
                title=title,
                place=station.name if station else "",
                station=station,
                origin=origin,
                group=group,
                registered_by_id=admin_of.get(congress_id) if origin == Activity.Origin.STAFF else None,
            )
        )
        parts.append(people)

    def status(day: dt.date) -> tuple[str, str]:
        # The office decides within weeks: older registrations are confirmed or rejected, recent ones wait.
        r = rng.random()
        if day < today - dt.timedelta(days=40):
            r = r * 0.82 if r < 0.93 else r
        if r < 0.82:
            return Participation.Status.CONFIRMED, ""
        if r < 0.93:
            return Participation.Status.REGISTERED, ""
        return Participation.Status.REJECTED, rng.choice(REASONS)

    by_congress: dict[int, list] = {}
    for m in mandates:
        by_congress.setdefault(m.congress_id, []).append(m)
        start = max(year_start, m.start_date)
        if start > today:
            continue
        diligence = rng.random()  # some deputies do much, a few little
        m.diligence = diligence
        # Deliberation speeches at this year's session (or in January when the term has no session yet).
        session = sessions.get(m.term_id)
        s_start, s_end = (
            (session.start_date, session.end_date)
            if session
            else (year_start, year_start + dt.timedelta(days=20))
        )
        if m.start_date <= s_start <= today:
            for _ in range(rng.choice([2, 3, 3, 3, 4, 4] if diligence > 0.12 else [0, 1, 2])):
                day = _day(rng, s_start, min(s_end, today))
                # Recorded by the session's secretariat, so confirmed.
                speech = [(m, Participation.Status.CONFIRMED, "")]
                add(
                    m.congress_id,
                    K.SPEECH,
                    day,
                    rng.choice(TITLES[K.SPEECH]),
                    speech,
                    origin=Activity.Origin.STAFF,
                )
        # The deputy's own recess work: receiving citizens, research.
        for _ in range(int(diligence * 4)):
            code = rng.choice([K.RECEPTION, K.RECEPTION, K.RESEARCH])
            day = _day(rng, start, today)
            add(m.congress_id, code, day, rng.choice(TITLES[code]), [(m, *status(day))])
        # Suggestions handed in on paper at the session, entered by the office (those written on the
        # platform are counted from their source).
        if diligence > 0.25 and m.start_date <= s_start <= today:
            day = _day(rng, s_start, min(s_end, today))
            add(
                m.congress_id,
                K.SUGGESTION,
                day,
                "大会期间提出建议（书面）",
                [(m, "confirmed", "")],
                origin=Activity.Origin.STAFF,
            )
        # Earlier in the term: good deeds and reports to the electors.
        t_start = max(m.term.start_date, m.start_date)
        for code, n in (
            (K.GOOD_DEED, rng.choice([0, 1, 1, 1, 1, 2])),
            (K.REPORT, rng.choice([0, 1, 1, 1, 1, 2])),
        ):
            for _ in range(n):
                day = _day(rng, t_start, today)
                add(m.congress_id, code, day, rng.choice(TITLES[code]), [(m, *status(day))])

    # Organised events of each congress (inspections, law-enforcement inspections, inquiries, standing-
    # committee meetings, trainings): registered by its office once for the deputies who took part.
    for congress_id, members in by_congress.items():
        term_start = min(m.term.start_date for m in members)
        events = [
            (K.INSPECTION, 3, 0.1),
            (K.LAW_ENFORCEMENT, 1, 0.1),
            (K.INQUIRY, 1, 0.1),
            (K.ATTEND_SC, 2, 0.05),
            (K.TRAINING, 5, 0.45),
        ]
        for code, n, base in events:
            for i in range(n):
                # Trainings spread over the term; the rest in this year.
                first = term_start if code == K.TRAINING and i < 3 else year_start
                day = _day(rng, first, today)
                present = [
                    (m, Participation.Status.CONFIRMED, "")
                    for m in members
                    if m.start_date <= day and rng.random() < base + 0.5 * getattr(m, "diligence", 0.5)
                ]
                if present:
                    title = rng.choice(TITLES[code])
                    add(congress_id, code, day, title, present, origin=Activity.Origin.STAFF)

    # Each group's activities, registered by its congress's office for all its members at once.
    serving = {m.pk: m for m in mandates}
    groups = DeputyGroup.objects.prefetch_related("memberships").order_by("pk")
    for g in groups:
        members = [serving[gm.mandate_id] for gm in g.memberships.all() if gm.mandate_id in serving]
        for n in range(rng.choice([2, 3, 4])):
            day = _day(rng, year_start, today)
            present = [
                (m, Participation.Status.CONFIRMED, "")
                for m in members
                if m.start_date <= day and rng.random() < 0.8
            ]
            if present:
                add(
                    g.congress_id,
                    K.GROUP,
                    day,
                    f"{g.name}集中活动（第{n + 1}次）",
                    present,
                    origin=Activity.Origin.STAFF,
                    group=g,
                )

    Activity.objects.bulk_create(activities, batch_size=1000)
    _insert_participations(activities, parts, admin_of)

    _through_services(city, kind, today)
    from .performance_reports import build_demo_reports, publish_demo_archives

    build_demo_reports()
    publish_demo_archives()
    return Participation.objects.count()


def _insert_participations(activities, parts, admin_of) -> None:
    """One executemany of plain rows: the model layer's per-field work would take most of the demo's build
    time for ten thousand rows. Values go through the backend's own adapters, as Django's insert does."""
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    table = connection.ops.quote_name(Participation._meta.db_table)
    columns = (
        "activity_id, mandate_id, congress_id, kind_id, date, source_type, source_id, status, "
        "reject_reason, decided_by_id, decided_at, created_at"
    )
    rows = []
    for activity, people in zip(activities, parts, strict=True):
        day = ops.adapt_datefield_value(activity.date)
        for m, st, reason in people:
            decided = st != Participation.Status.REGISTERED
            rows.append(
                (
                    activity.pk,
                    m.pk,
                    m.congress_id,
                    activity.kind_id,
                    day,
                    "",
                    None,
                    st,
                    reason,
                    admin_of.get(m.congress_id) if decided else None,
                    now if decided else None,
                    now,
                )
            )
    placeholders = ", ".join(["%s"] * 12)
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)


def _through_services(city, kind, today) -> None:
    """A few steps through the services the pages use, so their events show in the history."""
    city_staff, staff_a, staff_b = _user("city_staff"), _user("staff_a"), _user("staff_b")
    if city_staff:
        preset_apply(actor=city_staff, congress=city, preset="cq341311")
    # The districts rate their deputies in stars besides the city's minimums.
    for staff in (staff_a, staff_b):
        ra = (
            RoleAssignment.objects.filter(user=staff, role=Role.STAFF, is_active=True)
            .select_related("congress")
            .first()
            if staff
            else None
        )
        if ra:
            preset_apply(actor=staff, congress=ra.congress, preset="stars5")
    deputy_a = _user("deputy_a")
    if deputy_a and deputy_a.person_id:
        mandates = (
            Mandate.objects.current(today).filter(person_id=deputy_a.person_id).select_related("congress")
        )
        district = next((m for m in mandates if m.congress.level != Congress.Level.CITY), None)
        if district:
            day = today - dt.timedelta(days=3)
            activity_register(
                actor=deputy_a,
                mandate=district,
                kind=kind[K.RECEPTION],
                date=day,
                title="湖滨街道联络站接待日接待选民",
                place="湖滨街道人大代表联络站",
                description="接待选民六人次，收集老旧小区加装电梯、学校门口交通秩序等意见四条。",
            )
            confirmed = activity_register(
                actor=deputy_a,
                mandate=district,
                kind=kind[K.RESEARCH],
                date=day - dt.timedelta(days=20),
                title="调研社区老年食堂运营情况",
                place="湖滨街道幸福里社区",
            )
            rejected = activity_register(
                actor=deputy_a,
                mandate=district,
                kind=kind[K.INSPECTION],
                date=day - dt.timedelta(days=40),
                title="视察防汛设施",
                place="东湖区",
            )
            if staff_a:
                participation_confirm(actor=staff_a, participation=confirmed)
                participation_reject(
                    actor=staff_a, participation=rejected, reason="缺少活动照片或签到表，请补充后重新登记"
                )
    if staff_a:
        ra = RoleAssignment.objects.filter(user=staff_a, role=Role.STAFF, is_active=True).first()
        group = (
            DeputyGroup.objects.filter(congress_id=ra.congress_id)
            .filter(Q(leader__isnull=False))
            .order_by("pk")
            .first()
            if ra
            else None
        )
        if group is not None and group.members.exists():
            activity_register_for_participants(
                actor=staff_a,
                congress=ra.congress,
                kind=kind[K.GROUP],
                date=today - dt.timedelta(days=10),
                title=f"{group.name}进社区联系群众",
                place="湖滨街道",
                group=group,
            )
