"""The demo city's citizens' opinions: a contact code for every deputy mandate and every station (in bulk),
and about thirty opinions left through those codes and taken to various states through the same services
the pages use, most of them for deputy_a (a district and a city deputy: one inbox for both mandates)."""

from __future__ import annotations

import datetime as dt

from django.db.models import F
from django.utils import timezone

from lvzhi.opinions.abuse import Client
from lvzhi.opinions.models import ContactCode, Opinion, OpinionReply
from lvzhi.opinions.services.citizen import opinion_rate
from lvzhi.opinions.services.codes import codes_issue_missing
from lvzhi.opinions.services.handling import opinion_acknowledge, opinion_close, opinion_reply, opinion_solve
from lvzhi.opinions.services.submit import opinion_submit
from lvzhi.opinions.workflow import State
from lvzhi.org.models import Mandate, RoleAssignment, User
from lvzhi.org.roles import Role
from lvzhi.stations.models import Station

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
    # The steps above ran today; spread them over the days after each item came in, as in real life.
    demo = Opinion.objects.filter(pk__in=made)
    demo.filter(acknowledged_at__isnull=False).update(
        acknowledged_at=F("created_at") + dt.timedelta(hours=20)
    )
    demo.filter(answered_at__isnull=False).update(answered_at=F("created_at") + dt.timedelta(days=2))
    demo.filter(finished_at__isnull=False).update(finished_at=F("created_at") + dt.timedelta(days=5))
    replies = list(OpinionReply.objects.filter(opinion__in=demo).select_related("opinion").order_by("pk"))
    for n, reply in enumerate(replies):
        first = n == 0 or replies[n - 1].opinion_id != reply.opinion_id
        reply.created_at = reply.opinion.created_at + dt.timedelta(days=2 if first else 5)
    OpinionReply.objects.bulk_update(replies, ["created_at"])
    return len(made)
