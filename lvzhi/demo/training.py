"""The demo's training (培训, 云课堂): for the city and each of its two districts, a class held in person two
months ago with its attendance recorded, an online class last month with its completions, an online class
under way, a class open for enrolment and a small one already full; a cancelled class in 东湖区.

Written through the services the pages use, so each attended or completed enrolment counts once as a
training in performance and the events show in each class's history. deputy_a and deputy_b each have a
counted class, an enrolment and a class they can still enrol in.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from lvzhi.org.models import Congress, Mandate, RoleAssignment, User
from lvzhi.org.roles import Role
from lvzhi.training.models import Enrolment, TrainingClass
from lvzhi.training.services.classes import class_cancel, class_create
from lvzhi.training.services.enrolment import attendance_mark, enrol_by_staff, enrol_self

SEED = 2026
LINK = "https://yunketang.example.cn/course/{n}"


def _classes(short: str, today: dt.date) -> list[dict]:
    d = dt.timedelta
    return [
        {
            "key": "past",
            "title": f"{short}人大代表履职能力提升培训班",
            "mode": "in_person",
            "place": f"{short}委党校报告厅",
            "starts_on": today - d(days=62),
            "ends_on": today - d(days=61),
            "hours": Decimal("12"),
            "capacity": 120,
            "enrol_closes_on": today - d(days=70),
            "audience": f"全体{short}人大代表",
            "description": "专题讲座：人民代表大会制度的历史与实践；代表依法履职的方法和途径；"
            "分组交流：如何做好闭会期间联系群众工作。",
        },
        {
            "key": "online_past",
            "title": "云课堂：代表建议的撰写与办理实务",
            "mode": "online",
            "video_url": LINK.format(n=1024),
            "starts_on": today - d(days=35),
            "ends_on": today - d(days=21),
            "hours": Decimal("3"),
            "capacity": None,
            "enrol_closes_on": today - d(days=28),
            "audience": "全体代表，新任代表必修",
            "description": "线上课程三讲：建议选题与调研、建议的规范写法、跟踪办理与评价。学完视为结业。",
        },
        {
            "key": "online_now",
            "title": "云课堂：预算审查监督基础知识",
            "mode": "online",
            "video_url": LINK.format(n=2048),
            "starts_on": today - d(days=5),
            "ends_on": today + d(days=25),
            "hours": Decimal("2"),
            "capacity": None,
            "enrol_closes_on": today + d(days=20),
            "audience": "全体代表，财经领域代表优先",
            "description": "部门预算怎么看、预算执行和决算审查的重点、审计查出问题整改情况的监督。",
        },
        {
            "key": "open",
            "title": "学习贯彻《代表法》专题培训",
            "mode": "in_person",
            "place": f"{short}人大常委会第一会议室",
            "starts_on": today + d(days=21),
            "ends_on": today + d(days=21),
            "hours": Decimal("4"),
            "capacity": 60,
            "enrol_closes_on": today + d(days=10),
            "audience": "基层代表和新任代表",
            "description": "解读新修改的《代表法》，交流代表联系人民群众的经验做法。",
        },
        {
            "key": "full",
            "title": "基层立法联系点实地观摩",
            "mode": "in_person",
            "place": f"{short}基层立法联系点",
            "starts_on": today + d(days=14),
            "ends_on": today + d(days=14),
            "hours": Decimal("3"),
            "capacity": 8,
            "enrol_closes_on": today + d(days=7),
            "audience": "法制领域代表（名额有限，额满为止）",
            "description": "观摩基层立法联系点征求法律草案意见的全过程。",
        },
    ]


def build_demo_training() -> int:
    """Write the demo classes; returns the number of enrolments."""
    city = Congress.objects.filter(level=Congress.Level.CITY, parent__isnull=True).order_by("pk").first()
    if city is None or TrainingClass.objects.filter(congress=city).exists():
        return 0
    rng = random.Random(SEED)
    today = timezone.localdate()
    districts = list(Congress.objects.filter(parent=city, level=Congress.Level.COUNTY).order_by("pk")[:2])
    staff = {
        ra.congress_id: ra.user
        for ra in RoleAssignment.objects.filter(
            role=Role.STAFF, is_active=True, congress__in=[city, *districts]
        )
        .select_related("user")
        .order_by("pk")
    }
    demo_deputies = {u.username: u for u in User.objects.filter(username__in=["deputy_a", "deputy_b"])}
    for congress in [city, *districts]:
        office = staff.get(congress.pk)
        if office is None:
            continue
        short = congress.short_name.removesuffix("人大") if congress.short_name else congress.name
        serving = list(Mandate.objects.current(today).filter(congress=congress).order_by("pk"))
        own = {
            name: Mandate.objects.current(today).filter(person_id=u.person_id, congress=congress).first()
            for name, u in demo_deputies.items()
        }
        made = {}
        for spec in _classes(short, today):
            key = spec.pop("key")
            made[key] = class_create(actor=office, congress=congress, **spec)
        # Held in person: about two thirds enrolled (the demo deputies among them), most attended.
        past = made["past"]
        chosen = [m for m in serving if rng.random() < 0.65] + [m for m in own.values() if m]
        enrolled = []
        for m in dict.fromkeys(chosen):
            if past.capacity and len(enrolled) >= past.capacity:
                break
            enrolled.append(enrol_by_staff(actor=office, training_class=past, mandate=m))
        attendance_mark(
            actor=office,
            training_class=past,
            marks={
                e.pk: (
                    Enrolment.Status.ATTENDED
                    if (e.mandate in own.values() or rng.random() < 0.88)
                    else "absent"
                )
                for e in enrolled
            },
        )
        # Online, last month: completions recorded, a few did not finish.
        online = made["online_past"]
        enrolled = [
            enrol_by_staff(actor=office, training_class=online, mandate=m)
            for m in dict.fromkeys(
                [m for m in serving if rng.random() < 0.5] + [m for m in own.values() if m]
            )
        ]
        attendance_mark(
            actor=office,
            training_class=online,
            marks={e.pk: ("completed" if rng.random() < 0.8 else "absent") for e in enrolled},
        )
        # Online, under way: enrolled by the deputies themselves where they have accounts; a few finished.
        now = made["online_now"]
        mine = {m.pk for m in own.values() if m}
        enrolled = [
            enrol_by_staff(actor=office, training_class=now, mandate=m)
            for m in serving[:14]
            if m.pk not in mine
        ]
        for name, m in own.items():
            if m:
                enrolled.append(enrol_self(actor=demo_deputies[name], training_class=now))
        attendance_mark(actor=office, training_class=now, marks={e.pk: "completed" for e in enrolled[:4]})
        # Open for enrolment: some enrolled already; the demo deputies may still enrol themselves.
        for m in [m for m in serving[14:32] if m.pk not in mine]:
            enrol_by_staff(actor=office, training_class=made["open"], mandate=m)
        # Full: every place taken.
        for m in [m for m in serving[32:60] if m.pk not in mine][: made["full"].capacity]:
            enrol_by_staff(actor=office, training_class=made["full"], mandate=m)
        if districts and congress == districts[0]:
            extra = class_create(
                actor=office,
                congress=congress,
                title="代表小组长工作交流会",
                mode="in_person",
                place=f"{short}人大代表之家",
                starts_on=today + dt.timedelta(days=30),
                ends_on=today + dt.timedelta(days=30),
                hours=Decimal("2"),
                capacity=30,
                enrol_closes_on=today + dt.timedelta(days=20),
                audience="各代表小组组长",
            )
            class_cancel(actor=office, training_class=extra, reason="与区人大常委会会议时间冲突，另行安排")
    return Enrolment.objects.count()
