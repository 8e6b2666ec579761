"""The demo city's citizens' opinions: a contact code for every deputy mandate and every station (in bulk),
and about fifty opinions left through those codes (or entered by staff) and taken to various states through
the same services the pages use, most of them for deputy_a (a district and a city deputy: one inbox for both
mandates).

Besides the deputy's own answers the demo walks the rest of the loop: deputy_a sits at station_a's station
(湖滨街道人大代表联络站, entered through the stations app's service) and passes items to its staff, who assign one
to a unit of 东湖区; a meeting is proposed at the station; an urgent item waits; one item became a draft
suggestion; the city's office assigned city items to 示范市教育局 (handler_a: one to answer, one answered) and
示范市住房和城乡建设局 (handler_b: overdue, supervised); staff entered items given at a reception day and by
letter; the other demo deputies (chairs, members, group leaders) have items of their own. The months from
January to the month before last have about a hundred and ten older items of deputies and stations of the
three districts, most answered or solved, some rated."""

from __future__ import annotations

import datetime as dt

from django.db.models import F
from django.utils import timezone

from lvzhi.opinions.abuse import Client
from lvzhi.opinions.deadlines import unit_due_for
from lvzhi.opinions.models import ContactCode, Opinion, OpinionReply
from lvzhi.opinions.services.citizen import opinion_rate
from lvzhi.opinions.services.codes import codes_issue_missing
from lvzhi.opinions.services.handling import opinion_acknowledge, opinion_close, opinion_reply, opinion_solve
from lvzhi.opinions.services.inbox import (
    opinion_pass_to_station,
    opinion_propose_meeting,
    opinion_to_suggestion,
    suggestion_draft_of,
)
from lvzhi.opinions.services.submit import opinion_submit
from lvzhi.opinions.services.triage import (
    opinion_assign_unit,
    opinion_enter,
    opinion_set_tags,
    opinion_set_urgent,
    opinion_supervise,
    opinion_unit_reply,
)
from lvzhi.opinions.workflow import State
from lvzhi.org.models import Congress, Mandate, RoleAssignment, Unit, User
from lvzhi.org.roles import Role
from lvzhi.stations.models import Station
from lvzhi.stations.services import station_assign_deputy

Op = Opinion
# (who: "deputy_a" / "deputy_a_city" / "deputy_b" / "station_a" / "station_b" / "other", kind, category,
#  place, content, name, phone, callback, target state)
PLAN = [
    (
        "deputy_a",
        Op.Kind.OPINION,
        Op.Category.CITY,
        "湖滨路与东湖大道交叉口",
        "湖滨路东段路灯已经坏了两个多星期，晚上一片漆黑，老人孩子出门很不安全，希望尽快修好。",
        "",
        "",
        False,
        State.NEW,
    ),
    (
        "deputy_a",
        Op.Kind.OPINION,
        Op.Category.HOUSING,
        "湖滨街道幸福里小区",
        "小区物业长期不清理楼道杂物，消防通道被电动车占用，跟物业反映多次没有结果。",
        "李女士",
        "13955501234",
        True,
        State.NEW,
    ),
    (
        "deputy_a",
        Op.Kind.MEETING,
        Op.Category.ELDERLY,
        "湖滨街道",
        "想当面向代表反映社区老年食堂开放时间太短的问题，很多老人吃不上午饭。",
        "王大爷",
        "13955502345",
        False,
        State.NEW,
    ),
    (
        "deputy_a",
        Op.Kind.OPINION,
        Op.Category.TRAFFIC,
        "东湖小学门口",
        "东湖小学门口上下学时段车辆乱停乱放，孩子过马路很危险，建议设置临时停车区并安排交警疏导。",
        "",
        "",
        False,
        State.ACKNOWLEDGED,
    ),
    (
        "deputy_a",
        Op.Kind.OPINION,
        Op.Category.ENVIRONMENT,
        "湖滨农贸市场",
        "农贸市场周边垃圾清运不及时，夏天气味很大，蚊蝇多。",
        "张先生",
        "13955503456",
        True,
        State.ACKNOWLEDGED,
    ),
    (
        "deputy_a",
        Op.Kind.OPINION,
        Op.Category.EDUCATION,
        "",
        "希望增加小区附近普惠性幼儿园学位，现在报名太难了。",
        "",
        "",
        False,
        State.REPLIED,
    ),
    (
        "deputy_a",
        Op.Kind.OPINION,
        Op.Category.HEALTH,
        "湖滨社区卫生服务中心",
        "社区卫生服务中心周末不开门，老人配药要跑很远，建议周末安排值班。",
        "陈女士",
        "13955504567",
        True,
        State.REPLIED,
    ),
    (
        "deputy_a",
        Op.Kind.OPINION,
        Op.Category.CITY,
        "东湖公园北门",
        "东湖公园北门附近的人行道地砖松动，下雨天踩上去溅一身水。",
        "",
        "",
        False,
        State.SOLVED,
    ),
    (
        "deputy_a",
        Op.Kind.OPINION,
        Op.Category.SAFETY,
        "幸福里小区3号楼",
        "3号楼楼下电动车充电线从窗户拉下来，存在火灾隐患，建议建设集中充电桩。",
        "赵先生",
        "13955505678",
        False,
        State.SOLVED,
    ),
    (
        "deputy_a",
        Op.Kind.OPINION,
        Op.Category.MARKET,
        "",
        "小区门口新开的培训机构预收费很高，担心跑路，希望有关部门加强监管。",
        "",
        "",
        False,
        State.CLOSED,
    ),
    (
        "deputy_a",
        Op.Kind.OPINION,
        Op.Category.TRAFFIC,
        "湖滨路公交站",
        "湖滨路公交站没有候车亭，下雨天只能淋雨等车。",
        "",
        "13955506789",
        False,
        State.RATED,
    ),
    (
        "deputy_a_city",
        Op.Kind.OPINION,
        Op.Category.TRAFFIC,
        "",
        "建议优化市区12路公交线路，早高峰班次太少，车上非常拥挤。",
        "",
        "",
        False,
        State.NEW,
    ),
    (
        "deputy_a_city",
        Op.Kind.OPINION,
        Op.Category.JOBS,
        "",
        "希望市里多举办面向大龄失业人员的技能培训和招聘会。",
        "刘先生",
        "13955507890",
        True,
        State.ACKNOWLEDGED,
    ),
    (
        "deputy_a_city",
        Op.Kind.OPINION,
        Op.Category.HOUSING,
        "",
        "老旧小区加装电梯审批手续多、周期长，希望简化流程。",
        "",
        "",
        False,
        State.REPLIED,
    ),
    (
        "deputy_a_city",
        Op.Kind.MEETING,
        Op.Category.CITY,
        "",
        "关于城中村改造中的补偿问题，希望能当面和代表沟通。",
        "周女士",
        "13955508901",
        False,
        State.SOLVED,
    ),
    (
        "deputy_b",
        Op.Kind.OPINION,
        Op.Category.TRAFFIC,
        "岭南菜市场",
        "岭南菜市场周边早上交通拥堵严重，摊位占道经营。",
        "",
        "",
        False,
        State.NEW,
    ),
    (
        "deputy_b",
        Op.Kind.OPINION,
        Op.Category.ENVIRONMENT,
        "西岭河",
        "西岭河有居民倾倒垃圾，河水发黑发臭。",
        "孙先生",
        "13955509012",
        True,
        State.ACKNOWLEDGED,
    ),
    (
        "deputy_b",
        Op.Kind.OPINION,
        Op.Category.EDUCATION,
        "",
        "希望学校课后服务时间延长到下午六点，方便双职工家庭。",
        "",
        "",
        False,
        State.REPLIED,
    ),
    (
        "deputy_b",
        Op.Kind.OPINION,
        Op.Category.RURAL,
        "岭南村",
        "村里的灌溉水渠年久失修，漏水严重，影响春耕。",
        "",
        "",
        False,
        State.SOLVED,
    ),
    (
        "deputy_b",
        Op.Kind.OPINION,
        Op.Category.OTHER,
        "",
        "希望代表多到我们社区来听听大家的意见。",
        "",
        "",
        False,
        State.RATED,
    ),
    (
        "station_a",
        Op.Kind.OPINION,
        Op.Category.CITY,
        "湖滨街道",
        "街道办事处门口的无障碍坡道太陡，轮椅上不去。",
        "",
        "",
        False,
        State.NEW,
    ),
    (
        "station_a",
        Op.Kind.MEETING,
        Op.Category.HOUSING,
        "",
        "想在接待日和代表见面，反映小区停车位分配不公的问题。",
        "吴先生",
        "13955500123",
        False,
        State.ACKNOWLEDGED,
    ),
    (
        "station_a",
        Op.Kind.OPINION,
        Op.Category.HEALTH,
        "",
        "建议社区组织老年人免费体检时提前通知到户。",
        "",
        "",
        False,
        State.REPLIED,
    ),
    (
        "station_a",
        Op.Kind.OPINION,
        Op.Category.SAFETY,
        "湖滨街道夜市",
        "夜市附近晚上经常有人飙车，噪音大也很危险。",
        "",
        "",
        False,
        State.SOLVED,
    ),
    (
        "station_b",
        Op.Kind.OPINION,
        Op.Category.ELDERLY,
        "岭南街道",
        "希望在岭南街道增设一处日间照料中心。",
        "",
        "",
        False,
        State.NEW,
    ),
    (
        "station_b",
        Op.Kind.OPINION,
        Op.Category.ENVIRONMENT,
        "",
        "小区垃圾分类投放点太少，居民要走很远。",
        "郑女士",
        "13955501357",
        True,
        State.REPLIED,
    ),
    (
        "other",
        Op.Kind.OPINION,
        Op.Category.CITY,
        "",
        "建议在主干道增设过街天桥或者红绿灯。",
        "",
        "",
        False,
        State.NEW,
    ),
    (
        "other",
        Op.Kind.OPINION,
        Op.Category.JOBS,
        "",
        "灵活就业人员参加社保的政策宣传不够，很多人不知道怎么办理。",
        "",
        "",
        False,
        State.ACKNOWLEDGED,
    ),
    (
        "other",
        Op.Kind.OPINION,
        Op.Category.MARKET,
        "",
        "菜价波动大，希望平价蔬菜门店多设几家。",
        "",
        "",
        False,
        State.REPLIED,
    ),
    (
        "other",
        Op.Kind.OPINION,
        Op.Category.TRAFFIC,
        "",
        "共享单车乱停放，占用盲道。",
        "",
        "",
        False,
        State.CLOSED,
    ),
]
ANSWER = "您好，您反映的问题已收到。我已到现场查看，并与有关部门沟通，{what}。感谢您的关心和支持。"
DONE = "经协调，有关部门已完成整改，问题已解决。欢迎继续监督。"
CLOSED = "该问题属于市场监管部门职责，已告知您通过12345热线反映，本条意见办结。"


def _account(username: str) -> User:
    return User.objects.get(username=username)


def build_demo_opinions() -> int:
    codes_issue_missing(
        actor=None,
        mandates=Mandate.objects.current().order_by("pk"),
        stations=Station.objects.filter(is_active=True).order_by("pk"),
    )
    deputy_a, deputy_b = _account("deputy_a"), _account("deputy_b")
    a_mandates = list(
        Mandate.objects.current().filter(person_id=deputy_a.person_id).select_related("congress")
    )
    a_district = next(m for m in a_mandates if m.congress.level != "city")
    a_city = next((m for m in a_mandates if m.congress.level == "city"), a_district)
    b_mandate = Mandate.objects.current().filter(person_id=deputy_b.person_id).first()
    stations = {}
    handlers = {}
    for username in ("station_a", "station_b"):
        ra = RoleAssignment.objects.filter(
            user__username=username, role=Role.STATION_STAFF, is_active=True
        ).first()
        stations[username] = ra.station
        handlers[username] = ra.user
    other = (
        Mandate.objects.current()
        .filter(person__account__isnull=False, person__account__is_active=True)
        .exclude(person_id__in=[deputy_a.person_id, deputy_b.person_id])
        .order_by("pk")
        .first()
    )
    targets = {
        "deputy_a": (ContactCode.objects.get(mandate=a_district, revoked_at=None), deputy_a),
        "deputy_a_city": (ContactCode.objects.get(mandate=a_city, revoked_at=None), deputy_a),
        "deputy_b": (ContactCode.objects.get(mandate=b_mandate, revoked_at=None), deputy_b),
        "station_a": (
            ContactCode.objects.get(station=stations["station_a"], revoked_at=None),
            handlers["station_a"],
        ),
        "station_b": (
            ContactCode.objects.get(station=stations["station_b"], revoked_at=None),
            handlers["station_b"],
        ),
        "other": (ContactCode.objects.get(mandate=other, revoked_at=None), other.person.account),
    }
    now = timezone.now()
    made: list[int] = []
    for i, (who, kind, category, place, content, name, phone, callback, target) in enumerate(PLAN):
        code, handler = targets[who]
        sent = now - dt.timedelta(days=len(PLAN) - i, hours=i % 7)
        done = opinion_submit(
            code=code,
            kind=kind,
            category=category,
            content=content,
            consent=True,
            place=place,
            citizen_name=name,
            phone=phone,
            wants_callback=callback,
            client=Client(ip_hash=f"demo-{i}"),
            now=sent,
        )
        if done.duplicate:  # built twice into one database: the items are there already
            continue
        opinion = done.opinion
        if target != State.NEW:
            opinion_acknowledge(actor=handler, opinion=opinion)
        if target in (State.REPLIED, State.SOLVED, State.RATED):
            opinion_reply(actor=handler, opinion=opinion, body=ANSWER.format(what="正在督促有关部门尽快处理"))
        if target in (State.SOLVED, State.RATED):
            opinion_solve(actor=handler, opinion=opinion, what_was_done=DONE)
        if target == State.CLOSED:
            opinion_close(actor=handler, opinion=opinion, reason=CLOSED)
        if target == State.RATED:
            opinion_rate(opinion=opinion, score="satisfied", comment="处理很及时，谢谢代表！")
        made.append(opinion.pk)
    made += _build_the_loop(targets, stations["station_a"], handlers["station_a"], deputy_a, a_district, now)
    # The steps above ran today; spread them over the days after each item came in, as in real life.
    demo = Opinion.objects.filter(pk__in=made)
    demo.filter(acknowledged_at__isnull=False).update(
        acknowledged_at=F("created_at") + dt.timedelta(hours=20)
    )
    demo.filter(answered_at__isnull=False).update(answered_at=F("created_at") + dt.timedelta(days=2))
    demo.filter(finished_at__isnull=False).update(finished_at=F("created_at") + dt.timedelta(days=5))
    for field in ("acknowledged_at", "answered_at", "finished_at"):  # an item of yesterday: not in the future
        demo.filter(**{f"{field}__gt": now}).update(**{field: now})
    replies = list(OpinionReply.objects.filter(opinion__in=demo).select_related("opinion").order_by("pk"))
    for n, reply in enumerate(replies):
        first = n == 0 or replies[n - 1].opinion_id != reply.opinion_id
        reply.created_at = min(reply.opinion.created_at + dt.timedelta(days=2 if first else 5), now)
    OpinionReply.objects.bulk_update(replies, ["created_at"])
    # A unit was given the item the day after it came in, with the congress's usual time to answer, so the
    # older ones are overdue by now.
    for opinion in demo.filter(unit__isnull=False).select_related("congress"):
        assigned = min(opinion.created_at + dt.timedelta(days=1), now)
        opinion.assigned_at = assigned
        opinion.unit_due_on = unit_due_for(opinion.congress, timezone.localdate(assigned))
        opinion.save(update_fields=["assigned_at", "unit_due_on"])
    _spread_history(demo, now)
    # Written last, so the items above keep their places (and tracking numbers) in every build.
    return len(made) + _earlier_months(now)


def _spread_history(demo, now) -> None:
    """Date each demo item's rating like its fields (the days after the item came in). Its history keeps
    the times the steps really ran, today: events are never edited, not even by the demo."""
    from lvzhi.opinions.models import CitizenRating

    for rating in CitizenRating.objects.filter(opinion__in=demo).select_related("opinion"):
        o = rating.opinion
        rating.created_at = min((o.finished_at or o.answered_at or o.created_at) + dt.timedelta(days=1), now)
        rating.save(update_fields=["created_at"])


# --- the rest of the loop -------------------------------------------------------------------------------
# (who, days ago, kind, category, place, content, name, phone, call back, what happens to it)
LOOP = [
    (
        "deputy_a",
        6,
        Op.Kind.OPINION,
        Op.Category.CITY,
        "湖滨街道清风巷",
        "清风巷的路面塌陷了一个大坑，晚上骑电动车的人好几次差点摔倒，请尽快修补。",
        "钱先生",
        "13955511234",
        True,
        "passed",
    ),
    (
        "deputy_a",
        12,
        Op.Kind.OPINION,
        Op.Category.ENVIRONMENT,
        "湖滨路夜市",
        "夜市摊贩收摊后油污和垃圾留在路面上，第二天早上清洁工要扫很久，气味也大。",
        "",
        "",
        False,
        "station_assigns",
    ),
    (
        "deputy_a",
        3,
        Op.Kind.MEETING,
        Op.Category.HOUSING,
        "湖滨街道幸福里小区",
        "小区加装电梯一楼住户和高层住户意见不统一，想约代表当面谈谈怎么协调。",
        "冯女士",
        "13955512345",
        False,
        "meeting",
    ),
    (
        "deputy_a",
        1,
        Op.Kind.OPINION,
        Op.Category.SAFETY,
        "东湖小学南门",
        "东湖小学南门口的窨井盖缺失，只用一块木板挡着，孩子们上学经过很危险！",
        "",
        "",
        False,
        "urgent",
    ),
    (
        "deputy_a",
        9,
        Op.Kind.OPINION,
        Op.Category.HOUSING,
        "",
        "全区老旧小区普遍缺少停车位，晚上车辆停满消防通道，建议统筹规划建设立体停车场。",
        "",
        "",
        False,
        "to_suggestion",
    ),
    (
        "deputy_a_city",
        4,
        Op.Kind.OPINION,
        Op.Category.EDUCATION,
        "",
        "孩子就读学校的课后延时服务收费标准不透明，各校差别很大，希望市教育局统一规范。",
        "韩女士",
        "13955513456",
        True,
        "city_unit",
    ),
    (
        "deputy_a_city",
        25,
        Op.Kind.OPINION,
        Op.Category.HOUSING,
        "东湖区湖滨街道幸福里小区",
        "老旧小区改造后外墙保温层脱落，砸坏了楼下的车，物业和施工单位互相推诿。",
        "",
        "",
        False,
        "city_unit_supervised",
    ),
    (
        "city_chair",
        15,
        Op.Kind.OPINION,
        Op.Category.EDUCATION,
        "",
        "希望市里增加中小学心理健康老师的配备，现在一个学校只有一名兼职老师。",
        "",
        "",
        False,
        "city_unit_answered",
    ),
]
# The other demo deputies' items: (username, days ago, category, content, answered by the deputy)
OTHERS = [
    (
        "leader_a",
        8,
        Op.Category.CITY,
        "湖滨街道代表小组活动室门口的路灯不亮，晚上来参加活动的居民看不清台阶。",
        True,
    ),
    ("leader_a", 2, Op.Category.ELDERLY, "社区助餐点只在工作日开放，希望周末也能给独居老人送餐。", False),
    (
        "leader_b",
        5,
        Op.Category.RURAL,
        "岭南村的村道被重型货车压坏了，雨天坑里积水，孩子上学只能绕行。",
        False,
    ),
    ("chair_a", 5, Op.Category.TRAFFIC, "东湖大道与滨江路路口左转车道太短，早晚高峰排队很长。", False),
    ("chair_b", 7, Op.Category.ENVIRONMENT, "西岭工业园附近晚上有刺鼻气味，怀疑有企业偷排。", True),
    (
        "member_a",
        6,
        Op.Category.HEALTH,
        "社区医院的慢性病长处方政策执行不到位，老人每月都要跑一趟开药。",
        False,
    ),
    ("member_b", 10, Op.Category.JOBS, "岭南街道的零工市场没有遮阳棚，夏天等活的工人很辛苦。", True),
    ("city_chair", 3, Op.Category.MARKET, "部分药店医保卡购药价格比现金购买还贵，希望查一查。", False),
    ("city_member_a", 11, Op.Category.TRAFFIC, "地铁站出入口到公交站距离太远，换乘很不方便。", True),
    ("city_member_b", 4, Op.Category.EDUCATION, "希望市图书馆延长周末开放时间，方便学生自习。", False),
    ("city_member_c", 2, Op.Category.CITY, "南港区部分路段井盖与路面不平，车辆经过噪音很大。", False),
]
CITY_TAGS = {
    "city_unit": ["课后服务", "收费"],
    "city_unit_supervised": ["老旧小区改造"],
    "city_unit_answered": ["心理健康"],
}
PASS_NOTE = "请联络站协调区城管局尽快修补，并回电群众。"
MEETING_NOTE = "请带上小区业主的意见汇总。"
SUPERVISE_NOTE = "已超过答复期限，请于本周内答复群众并报送处理情况。"
UNIT_ANSWER = (
    "您好，市教育局已将心理健康教师配备纳入今年工作计划，下学期起每所中小学至少配备一名专职心理健康教师。"
)


def _code_of(mandate: Mandate) -> ContactCode:
    return ContactCode.objects.get(mandate=mandate, revoked_at=None)


def _unit(name: str) -> Unit:
    return Unit.objects.get(name=name)


def _build_the_loop(
    targets, station: Station, station_staff: User, deputy_a: User, a_district, now
) -> list[int]:
    """The steps beyond the deputy's own answer (see the module's docstring); the items made."""
    if Opinion.objects.filter(content=LOOP[0][5]).exists():  # built twice into one database
        return []
    staff_a, city_staff = _account("staff_a"), _account("city_staff")
    # deputy_a sits at station_a's station (进家入站), so it can meet citizens there and pass items to its staff.
    if not station.assignments.filter(mandate=a_district).exists():
        station_assign_deputy(actor=staff_a, station=station, mandate=a_district)
    made: list[int] = []
    for i, (who, days, kind, category, place, content, name, phone, callback, what) in enumerate(LOOP):
        code = targets[who][0] if who in targets else _code_of(_mandate_of(who))
        opinion = opinion_submit(
            code=code,
            kind=kind,
            category=category,
            content=content,
            consent=True,
            place=place,
            citizen_name=name,
            phone=phone,
            wants_callback=callback,
            client=Client(ip_hash=f"demo-loop-{i}"),
            now=now - dt.timedelta(days=days, hours=i % 5),
        ).opinion
        if what in ("passed", "station_assigns"):
            opinion_acknowledge(actor=deputy_a, opinion=opinion)
            opinion_pass_to_station(actor=deputy_a, opinion=opinion, station=station, note=PASS_NOTE)
        if what == "station_assigns":
            opinion_set_tags(actor=station_staff, opinion=opinion, names=["夜市管理", "环境卫生"])
            opinion_assign_unit(
                actor=station_staff,
                opinion=opinion,
                unit=_unit("东湖区城市管理局"),
                note="请督促夜市摊主清理路面油污。",
            )
        elif what == "meeting":
            opinion_propose_meeting(
                actor=deputy_a,
                opinion=opinion,
                at=timezone.make_aware(
                    dt.datetime.combine(timezone.localdate(now) + dt.timedelta(days=7), dt.time(9, 30))
                ),
                station=station,
                note=MEETING_NOTE,
            )
        elif what == "urgent":
            opinion_set_urgent(actor=deputy_a, opinion=opinion, urgent=True)
        elif what == "to_suggestion":
            draft = suggestion_draft_of(opinion)
            opinion_to_suggestion(actor=deputy_a, opinion=opinion, mandate=a_district, **draft)
        elif what.startswith("city_unit"):
            opinion_acknowledge(actor=city_staff, opinion=opinion)
            unit = _unit("示范市住房和城乡建设局" if what == "city_unit_supervised" else "示范市教育局")
            opinion_set_tags(actor=city_staff, opinion=opinion, names=CITY_TAGS[what])
            opinion_assign_unit(actor=city_staff, opinion=opinion, unit=unit)
            if what == "city_unit_supervised":
                opinion_supervise(actor=city_staff, opinion=opinion, note=SUPERVISE_NOTE)
            elif what == "city_unit_answered":
                opinion_unit_reply(actor=_account("handler_a"), opinion=opinion, body=UNIT_ANSWER)
        made.append(opinion.pk)
    made += _others(now)
    made += _entered(station, station_staff, city_staff, a_district, now)
    return made


def _mandate_of(username: str) -> Mandate:
    """The demo account's serving mandate (the highest level first: a chair's city mandate)."""
    return (
        Mandate.objects.current()
        .filter(person__account__username=username)
        .order_by("congress__path", "pk")
        .first()
    )


def _others(now) -> list[int]:
    made = []
    for i, (username, days, category, content, answered) in enumerate(OTHERS):
        deputy = _account(username)
        opinion = opinion_submit(
            code=_code_of(_mandate_of(username)),
            kind=Op.Kind.OPINION,
            category=category,
            content=content,
            consent=True,
            client=Client(ip_hash=f"demo-other-{i}"),
            now=now - dt.timedelta(days=days, hours=i % 4),
        ).opinion
        if answered:
            opinion_reply(actor=deputy, opinion=opinion, body=ANSWER.format(what="已请有关部门核实处理"))
        made.append(opinion.pk)
    return made


def _entered(station: Station, station_staff: User, city_staff: User, a_district, now) -> list[int]:
    """Opinions given in person: at station_a's reception day for deputy_a, and by letter to the city's office."""
    today = timezone.localdate(now)
    at_reception = opinion_enter(
        actor=station_staff,
        station=station,
        mandate=a_district,
        source=Opinion.Source.RECEPTION,
        kind=Op.Kind.OPINION,
        category=Op.Category.ELDERLY,
        content="接待日居民反映：湖滨社区老年活动中心的空调坏了一个多月，夏天没法开展活动。",
        consent=True,
        citizen_name="蒋阿姨",
        phone="13955514567",
        wants_callback=True,
        received_on=today - dt.timedelta(days=2),
    ).opinion
    by_letter = opinion_enter(
        actor=city_staff,
        congress=Congress.objects.get(name="示范市人民代表大会", parent__isnull=True),
        source=Opinion.Source.STAFF,
        kind=Op.Kind.OPINION,
        category=Op.Category.TRAFFIC,
        content="群众来信反映：市区主干道部分路口行人绿灯时间太短，老人推着轮椅过不去马路。",
        consent=True,
        place="东湖大道与人民路路口",
        received_on=today - dt.timedelta(days=5),
    ).opinion
    opinion_acknowledge(actor=city_staff, opinion=by_letter)
    opinion_set_tags(actor=city_staff, opinion=by_letter, names=["交通信号", "适老化"])
    return [at_reception.pk, by_letter.pk]


# --- the earlier months ---------------------------------------------------------------------------------
# Opinions of the months before the last two, left through the codes of deputies and stations of the three
# districts: (category, content, place); {area} is the deputy's district or the station's street.
EARLIER = [
    (Op.Category.CITY, "{area}一条支路的人行道砖松动翘起，下雨天一踩一脚泥水，希望尽快翻修。", "{area}"),
    (Op.Category.TRAFFIC, "{area}早高峰公交车班次太少，等车要二十多分钟，希望加密班次。", "{area}公交站"),
    (Op.Category.ENVIRONMENT, "{area}一处垃圾中转站清运不及时，夏天异味很重，周边居民意见很大。", "{area}"),
    (Op.Category.HOUSING, "{area}一个老旧小区的化粪池经常外溢，物业说没有维修资金，希望协调解决。", "{area}"),
    (Op.Category.EDUCATION, "{area}小学放学时间太早，双职工家庭接孩子困难，希望完善课后服务。", ""),
    (Op.Category.HEALTH, "{area}社区卫生服务站没有儿科，孩子发烧只能跑到城区医院，希望增设儿科门诊。", ""),
    (Op.Category.ELDERLY, "{area}高龄老人申领津贴要本人到场，行动不便的老人很为难，希望上门办理。", ""),
    (Op.Category.JOBS, "{area}一家企业拖欠农民工工资两个多月，工人多次讨要无果，请帮忙协调。", "{area}"),
    (Op.Category.MARKET, "{area}菜市场周边流动摊贩占道经营，早上车辆和行人都过不去。", "{area}菜市场"),
    (Op.Category.SAFETY, "{area}一段河堤没有护栏，晚上散步的人多，担心有人失足落水。", "{area}沿河步道"),
    (Op.Category.CITY, "{area}一处公共厕所年久失修，夜间不开放，附近商户和行人如厕困难。", "{area}"),
    (Op.Category.RURAL, "{area}农田灌溉渠道淤塞，春耕时节放水困难，希望组织清淤。", "{area}"),
    (Op.Category.TRAFFIC, "{area}一个十字路口没有红绿灯，车辆抢行，近期发生过几起剐蹭事故。", "{area}"),
    (Op.Category.HOUSING, "{area}小区电梯经常停运，维保单位维修不及时，楼上老人下楼困难。", "{area}"),
    (Op.Category.ENVIRONMENT, "{area}附近工地夜间施工噪音扰民，居民晚上休息不好。", "{area}"),
    (Op.Category.OTHER, "{area}便民服务中心周末不开门，上班族办事只能请假，希望周末安排值班窗口。", ""),
]
EARLIER_DONE = [
    "经协调，有关部门已完成整改，社区已回访居民，问题已解决。",
    "问题已由街道牵头解决，相关设施已修复并投入使用。",
    "有关部门已按要求处理完毕，欢迎继续监督。",
]
EARLIER_CLOSED = "该事项已由有关部门依法依规作出处理并答复，本条意见办结。"


def _earlier_months(now) -> int:
    """Nine to fifteen opinions a month from January to the month before last (the nine months before
    that when built early in the year), through deputies' and stations' codes of the three districts; each
    step runs on its own day (the clock is moved, as for the session's suggestions), so the items, their
    history and the deputies' receiving citizens fall in their month. Most are answered or solved, some
    rated by the citizen."""
    import time_machine

    if Opinion.objects.filter(content__contains=EARLIER[0][1][6:20]).exists():  # built twice
        return 0
    today = timezone.localdate(now)
    months = [(today.year, m) for m in range(1, today.month - 1)]
    if not months:
        index = today.year * 12 + today.month - 1
        months = [divmod(index - k, 12) for k in range(10, 1, -1)]
        months = [(y, m + 1) for y, m in months]
    targets = _earlier_targets(dt.date(*months[0], 1))
    admin = _account("admin")
    n = 0
    for year, month in months:
        for k in range(9 + (month * 5) % 7):
            code, handler, area = targets[n % len(targets)]
            category, content, place = EARLIER[n % len(EARLIER)]
            sent = timezone.make_aware(
                dt.datetime(year, month, 1 + (n * 7 + k) % 27, 9 + n % 10, (n * 13) % 60)
            )
            with time_machine.travel(sent, tick=False):
                opinion = opinion_submit(
                    code=code,
                    kind=Op.Kind.OPINION,
                    category=category,
                    content=content.format(area=area),
                    consent=True,
                    place=place.format(area=area),
                    client=Client(ip_hash=f"demo-earlier-{n}"),
                    now=sent,
                ).opinion
            handler = handler or admin
            with time_machine.travel(sent + dt.timedelta(hours=20), tick=False):
                opinion_acknowledge(actor=handler, opinion=opinion)
            step = n % 10
            with time_machine.travel(sent + dt.timedelta(days=2), tick=False):
                if step == 9:
                    opinion_close(actor=handler, opinion=opinion, reason=EARLIER_CLOSED)
                else:
                    opinion_reply(
                        actor=handler, opinion=opinion, body=ANSWER.format(what=EARLIER_WHAT[n % 3])
                    )
            if step < 6:
                with time_machine.travel(sent + dt.timedelta(days=5 + n % 4), tick=False):
                    opinion_solve(actor=handler, opinion=opinion, what_was_done=EARLIER_DONE[n % 3])
            if n % 3 == 0:
                score = "dissatisfied" if step in (7, 9) else ("basic" if n % 4 == 0 else "satisfied")
                with time_machine.travel(sent + dt.timedelta(days=9), tick=False):
                    opinion_rate(opinion=opinion, score=score, comment=RATING_COMMENTS[score])
            n += 1
    return n


EARLIER_WHAT = [
    "已转交有关部门办理，将跟踪落实",
    "有关部门已答复将列入近期工作计划",
    "已请街道和社区实地核实处理",
]
RATING_COMMENTS = {
    "satisfied": "问题解决了，谢谢！",
    "basic": "已有改善，希望继续跟进。",
    "dissatisfied": "答复了但问题还在，希望再督促一下。",
}


def _earlier_targets(since: dt.date) -> list[tuple[ContactCode, User | None, str]]:
    """(code, who answers, area) in turn across 东湖区, 西岭区 and 南港区: three deputies with their own account
    (serving since before `since`) and two liaison stations of each (not station_a's or station_b's), answered
    by the deputy, or by the district's office (the site administrator for 南港区, which has no office account
    in the demo)."""
    from .reception import _area

    city = Congress.objects.get(name="示范市人民代表大会", parent__isnull=True)
    offices = {"东湖区": _account("staff_a"), "西岭区": _account("staff_b"), "南港区": None}
    taken = set(
        RoleAssignment.objects.filter(role=Role.STATION_STAFF, is_active=True).values_list(
            "station_id", flat=True
        )
    )
    rows = []
    for region, office in offices.items():
        congress = Congress.objects.get(parent=city, region_name=region)
        deputies = (
            Mandate.objects.current()
            .filter(
                congress=congress,
                start_date__lte=since,
                person__account__is_active=True,
                person__account__username__startswith="dep",
            )
            .select_related("person__account")
            .order_by("pk")[:3]
        )
        stations = (
            Station.objects.filter(congress=congress, kind=Station.Kind.STATION, is_active=True)
            .exclude(pk__in=taken)
            .order_by("pk")[:2]
        )
        rows.append(
            [(_code_of(m), m.person.account, region) for m in deputies]
            + [
                (ContactCode.objects.get(station=st, revoked_at=None), office, _area(st.name))
                for st in stations
            ]
        )
    return [row[i] for i in range(max(map(len, rows))) for row in rows if i < len(row)]
