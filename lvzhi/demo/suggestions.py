"""The demo city's suggestions: its 2026 session's (lvzhi.demo.session_suggestions) and twenty of the recess
since, in every state of the loop, then the districts' session suggestions their units replied to, taken there
through the same services the pages use (so every step has its event and notification). Recess suggestions
are written on the build day; replies carry a signed and sealed letter (a small PDF)."""

from __future__ import annotations

import datetime as dt

from lvzhi.org.models import Congress, Mandate, Unit, User
from lvzhi.suggestions.models import Assignment, Suggestion
from lvzhi.suggestions.services import drafting, handling, replies, review
from lvzhi.suggestions.workflow import State

from .documents import reply_letter

BODY = (
    "{topic}问题群众反映强烈。经实地调研，主要原因是规划滞后、投入不足、部门之间协调不够。"
    "建议：一是摸清底数，制定三年行动计划；二是加大财政投入，明确责任单位和完成时限；"
    "三是建立长效管理机制，定期向人大代表和群众通报进展。"
)

# (field, title topic, lead unit, co-units, target state, reply class)
CITY_PLAN = [
    ("education", "加强学校门前车辆行驶和停放秩序管理", "示范市教育局", ["示范市公安局"], State.CLOSED, "A"),
    (
        "urban",
        "进一步改善我市老旧小区供热质量",
        "示范市住房和城乡建设局",
        ["示范市城市管理局"],
        State.CLOSED,
        "A",
    ),
    ("education", "推进城乡义务教育优质均衡发展", "示范市教育局", [], State.PROMISED, "B"),
    ("urban", "加快老旧小区加装电梯工作", "示范市住房和城乡建设局", [], State.PROMISE_REPORTED, "B"),
    ("education", "减轻中小学生课外负担", "示范市教育局", [], State.REHANDLING, "A"),
    ("urban", "规范住宅小区物业服务管理", "示范市住房和城乡建设局", [], State.STAFF_DECISION, "A"),
    ("education", "增加普惠性幼儿园学位供给", "示范市教育局", ["示范市财政局"], State.REPLIED, "A"),
    ("urban", "推进城市排水防涝设施建设", "示范市住房和城乡建设局", [], State.REPLIED, "C"),
    ("education", "加强中小学心理健康教育", "示范市教育局", ["示范市卫生健康委员会"], State.ASSIGNED, ""),
    ("urban", "加快城中村改造步伐", "示范市住房和城乡建设局", ["示范市自然资源和规划局"], State.ASSIGNED, ""),
    ("economy", "优化营商环境支持民营企业发展", "", [], State.ACCEPTED, ""),
    ("health", "提升基层医疗卫生服务能力", "", [], State.ACCEPTED, ""),
    ("transport", "优化城区公交线路和站点设置", "", [], State.SUBMITTED, ""),
    ("environment", "加强城区餐饮油烟污染治理", "", [], State.SUBMITTED, ""),
    ("social", "完善居家社区养老服务体系", "", [], State.RETURNED, ""),
    ("culture", "加强历史文化街区保护利用", "", [], State.DRAFT, ""),
    ("agriculture", "加快高标准农田建设", "", [], State.WITHDRAWN, ""),
    ("urban", "加快推进城中村和棚户区改造", "", [], State.MERGED, ""),
]
DEPUTY_A_WAITS = {State.REPLIED, State.PROMISE_REPORTED, State.RETURNED, State.DRAFT}
REPLY = (
    "关于您提出的《{title}》收悉。我单位高度重视，主要负责同志专题研究，并与代表当面沟通。"
    "现将办理情况答复如下：{result}。感谢您对我们工作的关心和支持。"
)


def _title(topic: str) -> str:
    return f"关于{topic}的建议"


def _letter(s: Suggestion, a: Assignment, text: str, author: User):
    from django.utils import timezone

    return reply_letter(
        suggestion=s,
        unit=a.unit,
        text=text,
        signed_by="王建国",
        day=timezone.localdate(),
        addressee=author.display_name,
    )


def _advance(s: Suggestion, target: str, *, staff, author, lead, cos, result, handlers, into=None) -> None:
    if target == State.DRAFT:
        return
    if target == State.WITHDRAWN:
        drafting.suggestion_withdraw(actor=author, suggestion=s, reason="与其他代表建议重复，主动撤回")
        return
    s = drafting.suggestion_submit(actor=author, suggestion=s)
    if target == State.SUBMITTED:
        return
    if target == State.RETURNED:
        review.suggestion_return(actor=staff, suggestion=s, reason="请补充问题发生的具体区域和相关数据。")
        return
    if target == State.MERGED:
        review.suggestion_merge(actor=staff, suggestion=s, into=into, note="内容相近，并案办理")
        return
    s = review.suggestion_accept(actor=staff, suggestion=s)
    if target == State.ACCEPTED:
        return
    handling.suggestion_assign(
        actor=staff, suggestion=s, lead_unit=lead, co_units=cos, batch="2026年闭会期间集中交办会"
    )
    s.refresh_from_db()
    a = s.assignments.get(role=Assignment.Role.LEAD, is_active=True)
    handler = handlers[lead.pk]
    handling.assignment_acknowledge(actor=handler, assignment=a)
    handling.consultation_record(
        actor=handler,
        assignment=a,
        held_on=a.assigned_on,
        method="visit",
        participants="分管负责同志、承办科室负责人、领衔代表",
        deputy_view="代表对办理思路表示认可，希望加快进度。",
    )
    handling.progress_record(actor=handler, assignment=a, text="已召开专题会议研究，正在制定工作方案。")
    if target == State.ASSIGNED:
        return
    labels = {"A": "该问题已基本解决", "B": "已列入明年工作计划，将逐步解决", "C": "受条件限制，暂时留作参考"}
    reply_kw = {}
    if result == "B":
        reply_kw = {
            "promised_work": "完成项目立项并开工建设",
            "promised_by": a.assigned_on + dt.timedelta(days=300),
        }
    if result == "C":
        reply_kw = {"reference_reason": "资金和用地条件暂不具备，列入远期规划研究。"}
    text = REPLY.format(title=s.title, result=labels[result])
    replies.reply_submit(
        actor=handler,
        assignment=a,
        text=text,
        result_code=result,
        signed_by="局长 王建国",
        letter_file=_letter(s, a, text, author),
        **reply_kw,
    )
    if target == State.REPLIED:
        return
    mandate = s.author
    if target in (State.REHANDLING, State.STAFF_DECISION):
        replies.evaluation_submit(
            actor=author,
            suggestion=s,
            mandate=mandate,
            rating="dissatisfied",
            comment="答复内容空泛，没有具体措施和时间表。",
        )
        if target == State.STAFF_DECISION:
            s.refresh_from_db()
            a.refresh_from_db()
            text = REPLY.format(title=s.title, result="已制定整改方案")
            replies.reply_submit(
                actor=handler,
                assignment=a,
                text=text,
                result_code="A",
                signed_by="局长 王建国",
                letter_file=_letter(s, a, text, author),
            )
            replies.evaluation_submit(
                actor=author,
                suggestion=s,
                mandate=mandate,
                rating="dissatisfied",
                comment="整改方案仍未落实到位。",
            )
        return
    replies.evaluation_submit(
        actor=author,
        suggestion=s,
        mandate=mandate,
        rating="satisfied" if result == "A" else "basic",
        comment="",
    )
    if target in (State.CLOSED, State.PROMISED):
        return
    replies.promise_report(actor=handler, assignment=a, text="承诺事项已按期完成，项目已开工建设。")


def build_demo_suggestions() -> int:
    from .session_suggestions import build_session_suggestions

    made = build_session_suggestions()  # January 2026 onward, before the recess ones of the build day
    city = Congress.objects.get(level=Congress.Level.CITY, name__startswith="示范市")
    staff = User.objects.get(username="city_staff")
    units = {u.name: u for u in Unit.objects.filter(congress=city)}
    handlers = {
        units["示范市教育局"].pk: User.objects.get(username="handler_a"),
        units["示范市住房和城乡建设局"].pk: User.objects.get(username="handler_b"),
    }
    deputy_a = User.objects.get(username="deputy_a")
    authors = [deputy_a] + list(
        User.objects.filter(is_active=True, must_change_password=True, person__mandates__congress=city)
        .distinct()
        .order_by("pk")[:8]
    )
    merge_target = None
    for i, (field, topic, lead, cos, target, result) in enumerate(CITY_PLAN):
        # deputy_a has something waiting in each of its own steps (evaluate, revise, finish a draft).
        author = deputy_a if target in DEPUTY_A_WAITS else authors[i % len(authors)]
        mandate = Mandate.objects.current().get(person_id=author.person_id, congress=city)
        s = drafting.suggestion_create(
            actor=author, mandate=mandate, title=_title(topic), field=field, body=BODY.format(topic=topic)
        )
        _advance(
            s,
            target,
            staff=staff,
            author=author,
            lead=units.get(lead),
            cos=[units[c] for c in cos if c in units],
            result=result,
            handlers=handlers,
            into=merge_target,
        )
        if topic == "加快城中村改造步伐":
            merge_target = s
        made += 1
    # One suggestion in each of two sibling districts, so their offices each have their own.
    for username, staff_name, topic in (
        ("deputy_a", "staff_a", "改善东湖区背街小巷路灯照明"),
        ("deputy_b", "staff_b", "解决西岭区菜市场周边交通拥堵"),
    ):
        author = User.objects.get(username=username)
        office = User.objects.get(username=staff_name)
        mandate = Mandate.objects.current().filter(person_id=author.person_id).exclude(congress=city).first()
        s = drafting.suggestion_create(
            actor=author, mandate=mandate, title=_title(topic), field="urban", body=BODY.format(topic=topic)
        )
        s = drafting.suggestion_submit(actor=author, suggestion=s)
        review.suggestion_accept(actor=office, suggestion=s)
        made += 1
    _disclose_and_track(city, staff)
    from .session_suggestions import build_district_replied

    # Last, so the suggestions above keep their places in every build.
    return made + build_district_replied()


def _disclose_and_track(city, staff) -> None:
    """One closed suggestion disclosed to the public (a redacted copy), and one media report on it."""
    from django.utils import timezone

    from lvzhi.suggestions.services import disclosure

    s = Suggestion.objects.get(congress=city, title=_title(CITY_PLAN[1][1]))
    d = disclosure.disclosure_prepare(
        actor=staff,
        suggestion=s,
        title=s.title,
        body=BODY.format(topic=CITY_PLAN[1][1]),
        reply_text=(
            "关于《进一步改善我市老旧小区供热质量》的建议收悉。我局会同供热企业对全市老旧小区供热管网进行了排查，"
            "今年已改造老旧管网四十二公里，供热温度不达标的小区已全部整改。感谢代表对我们工作的关心和支持。"
        ),
    )
    disclosure.disclosure_publish(actor=staff, disclosure=d)
    disclosure.suggestion_mark_media(actor=staff, suggestion=s, tracked=True)
    disclosure.media_report_add(
        actor=staff,
        suggestion=s,
        outlet="示范日报",
        title="老旧小区供热管网改造完成，居民温暖过冬",
        url="https://news.example.cn/2026/11/heating.html",
        published_on=timezone.localdate() - dt.timedelta(days=6),
    )
