"""The demo city's motions and suggestions of its 2026 session (市十六届人大五次会议, 10–13 January 2026), a
few of 东湖区's session, some of each district's session answered by its units and rated by the deputies
(handler accounts for two units of each district), the key suggestion of the year, and the city's
standing-committee members who score it.

Every step goes through the service a page would call, on the day it happened: the builder moves the clock
(time-machine) to that day, so numbers, deadlines, on-time flags, events and the timeline are the loop's own.
Days are planned from the session (submitted during it, reviewed at its close, assigned at the assignment
meeting three weeks later, replied in spring), and the steps still waiting for someone are planned back from
the day the demo is built (a reply waiting for its evaluation came a few days ago, so the evaluation window is
still open). No step is ever put after the build day: built early in the year, later steps fall on the build
day instead, and what is overdue is whatever is past its deadline on that day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import time_machine
from django.utils import timezone

from lvzhi.core.calendar import add_working_days, due_after_months
from lvzhi.org.models import Committee, CommitteeMembership, Congress, Mandate, Session, Unit, User
from lvzhi.org.roles import Role
from lvzhi.suggestions.attachments import attachment_add
from lvzhi.suggestions.letters import chinese_numeral
from lvzhi.suggestions.models import Assignment, KeySupervision, Suggestion
from lvzhi.suggestions.services import disclosure, drafting, handling, key, replies, review
from lvzhi.suggestions.services.notices import concerned_mandate_ids

from .documents import occasion, reply_letter, research_material

BODY = (
    "{topic}是群众反映集中的问题。本人在闭会期间走访调研发现，主要原因是规划滞后、投入不足、部门之间协调不够，"
    "群众获得感不强。建议：一是摸清底数，制定三年行动计划，明确牵头单位和完成时限；二是加大财政投入，"
    "统筹用好各类资金；三是建立长效管理机制，定期向人大代表和群众通报进展，接受监督。"
)
MOTION_BODY = (
    "案由：{topic}涉及面广，现行规定层级低、约束力弱，执法依据不足。案据：近年来群众投诉逐年增加，"
    "有关部门职责交叉，难以形成合力。方案：建议市人大常委会将制定该条例列入立法计划，"
    "明确主管部门职责、管理制度和法律责任，并广泛征求代表和群众意见。"
)
EDU, HOUSING = "示范市教育局", "示范市住房和城乡建设局"
HEAD = {EDU: "局长 王建国", HOUSING: "局长 李振华"}
RESULTS = {
    "A": "经认真研究，我单位已制定专项工作方案并组织实施，代表所提问题已基本解决",
    "B": "代表所提建议已列入我单位明年工作计划，将在承诺时限内逐步解决",
    "C": "经研究论证，受资金和用地条件限制，该建议暂时难以实施，我单位将留作今后工作参考",
}
REPLY = (
    "您在{occasion}提出的《{title}》收悉。我单位高度重视，主要负责同志专题研究，并与您当面沟通办理思路。"
    "现将办理情况答复如下：{result}。感谢您对我们工作的关心和支持，欢迎继续提出宝贵意见。"
)


# (topic, field, lead unit, co-units, story, options). The story names the path through the loop (see Story);
# units without a demo handler account only take assignments (their clocks run, some past their deadline).
CITY_SESSION = [
    ("丰富中小学课后服务内容", "education", EDU, [], "closed", {"author": "deputy_a"}),
    (
        "加快老旧小区改造和配套设施完善",
        "urban",
        HOUSING,
        [EDU],
        "closed",
        {
            "cosigners": 2,
            "key": True,
            "disclose": True,
            "absorbs": [("推进老旧小区雨污分流改造", "urban", "", [], "merged", {})],
        },
    ),
    ("建设更多城市口袋公园和健身步道", "urban", HOUSING, [], "closed", {"method": "site"}),
    ("加强学前教育师资队伍建设", "education", EDU, [], "closed", {"cosigners": 1}),
    ("排查整治学校周边危旧房屋", "urban", HOUSING, [EDU], "closed", {"late_opinion": True}),
    ("加强学校建设工程质量监管", "education", EDU, [HOUSING], "closed", {"method": "phone"}),
    ("推进城市燃气管道老化更新改造", "urban", HOUSING, [], "promise_closed", {}),
    ("在中心城区新建一所公办普通高中", "education", EDU, [HOUSING], "c_closed", {}),
    ("加快建设保障性租赁住房", "urban", HOUSING, [], "promised", {"cosigners": 2}),
    ("推进学校体育场馆向社会开放", "education", EDU, [], "promised", {}),
    ("完善住宅专项维修资金使用管理", "urban", HOUSING, [], "promise_reported", {}),
    ("提高乡村教师生活补助标准", "education", EDU, [], "c_replied", {}),
    ("加强建筑工地扬尘污染治理", "environment", HOUSING, [], "late_replied", {}),
    ("推进特殊教育融合发展", "education", EDU, [], "rehandled_closed", {}),
    ("规范商品房预售资金监管", "urban", HOUSING, [], "rehandled_replied", {}),
    ("解决城区小学放学后接送难", "education", EDU, [], "rehandling", {}),
    ("加快城市地下综合管廊建设", "urban", HOUSING, [], "staff_decision", {}),
    ("加强学校食堂食品安全管理", "education", EDU, [], "office_closed", {}),
    ("推进既有公共建筑节能改造", "urban", HOUSING, [], "extended_closed", {}),
    ("推进职业教育产教融合", "education", EDU, [], "extended", {}),
    ("加强城市内涝防治", "urban", HOUSING, ["示范市水利局"], "handling", {}),
    ("推进智慧校园建设", "education", EDU, ["示范市数据局"], "handling", {}),
    ("优化中心城区交通信号灯配时", "transport", "示范市公安局交通警察支队", [], "assigned", {}),
    ("提升乡镇卫生院服务能力", "health", "示范市卫生健康委员会", ["示范市医疗保障局"], "assigned", {}),
    ("加大稳岗就业扶持力度", "social", "示范市人力资源和社会保障局", ["示范市财政局"], "assigned", {}),
    ("开通城区至高铁站公交专线", "transport", EDU, [], "unit_returned", {"reassign": "示范市交通运输局"}),
    ("加强城市道路井盖安全管理", "urban", "", [], "merged_accepted", {"into": "加强城市内涝防治"}),
    ("支持中小企业数字化转型", "economy", "", [], "resubmitted", {}),
    ("加强农村饮用水安全保障", "agriculture", "", [], "submitted_late", {}),
    ("完善社区嵌入式养老服务", "social", "", [], "returned", {"material": True}),
    ("加强非物质文化遗产保护传承", "culture", "", [], "draft", {"material": True}),
    ("规范网络直播营销活动", "economy", "", [], "withdrawn", {}),
    ("制定《示范市养犬管理条例》", "law", "", [], "motion_referred", {"committee": "法制委员会"}),
    ("制定《示范市物业管理条例》", "urban", HOUSING, [], "motion_as_suggestion", {}),
    ("制定《示范市全民健身条例》", "culture", "", [], "motion_presidium", {}),
]
# 东湖区's session: its office's queue and assignments (its units have no demo handler).
DISTRICT_SESSION = [
    (
        "缓解东湖区老旧小区停车难",
        "urban",
        "住房和城乡建设局",
        ["城市管理局"],
        "assigned",
        {"absorbs": [("规范东湖区小区周边占道停车", "urban", "", [], "merged", {})]},
    ),
    ("增设东湖区社区卫生服务站", "health", "卫生健康局", [], "assigned", {"author": "deputy_a"}),
    ("加强东湖区中小学课后托管", "education", "", [], "returned", {}),
    ("完善东湖区农贸市场配套设施", "economy", "", [], "resubmitted", {}),
]
# Each district's session also has suggestions its units answered (a handler account for two units of each):
# replied with result classes, met the deputy, and rated by the deputies, a few dissatisfied.
DISTRICT_REPLIED = {
    "东湖区": [
        ("改造东湖区老旧小区雨污管网", "urban", "住房和城乡建设局", [], "closed", {}),
        ("增加东湖区城东片区小学学位", "education", "教育局", [], "closed", {"method": "site"}),
        ("建设东湖区城北新区公办初中", "education", "教育局", [], "c_closed", {}),
        ("推进东湖区老旧小区加装电梯", "urban", "住房和城乡建设局", [], "promised", {}),
        ("整治东湖区学校周边交通秩序", "education", "教育局", [], "rehandled_closed", {}),
        ("规范东湖区住宅小区物业收费", "urban", "住房和城乡建设局", [], "rehandling", {}),
    ],
    "西岭区": [
        ("改善西岭区山区学校寄宿条件", "education", "教育局", [], "closed", {}),
        ("加快西岭区农村危房改造", "urban", "住房和城乡建设局", [], "closed", {"method": "phone"}),
        ("新建西岭区枫林片区幼儿园", "education", "教育局", [], "promised", {}),
        ("完善西岭区安置小区配套设施", "urban", "住房和城乡建设局", [], "c_closed", {}),
        ("治理西岭区城中村违法建设", "urban", "住房和城乡建设局", [], "rehandling", {}),
    ],
    "南港区": [  # its classes are ABCD (C is a promise too), so no story ends in class C here
        ("提升南港区滨海片区供水水压", "urban", "住房和城乡建设局", [], "closed", {}),
        ("加强南港区中小学体育师资配备", "education", "教育局", [], "closed", {}),
        ("推进南港区渔港新村棚户区改造", "urban", "住房和城乡建设局", [], "promised", {}),
        ("开展南港区课后延时服务", "education", "教育局", [], "closed", {"method": "site"}),
        ("改造南港区盐田镇中心学校校舍", "education", "教育局", [], "rehandled_closed", {}),
        ("整治南港区建筑工地夜间施工", "urban", "住房和城乡建设局", [], "rehandling", {}),
    ],
}
# The district units' handlers: (unit without the district's name, full name).
DISTRICT_HANDLERS = [("住房和城乡建设局", "周立新"), ("教育局", "陈晓燕")]
MEMBER_ACCOUNTS = ("city_member_a", "city_member_b", "city_member_c")
MEMBER_SCORES = {
    "city_member_a": (92, "办理措施有力，群众满意度高。"),
    "city_member_b": (85, "成效明显，建议加强长效管理。"),
}


class Clock:
    """Runs each step on its day, half a minute after the step before on that day; never after the build day."""

    def __init__(self) -> None:
        self.now = timezone.now()
        self.today = timezone.localdate()
        self._steps: dict[dt.date, int] = {}

    @contextmanager
    def on(self, day: dt.date) -> Iterator[dt.date]:
        day = min(day, self.today)
        n = self._steps[day] = self._steps.get(day, 0) + 1
        moment = dt.datetime.combine(day, dt.time(8, 30), tzinfo=timezone.get_current_timezone())
        moment = min(moment + dt.timedelta(seconds=30 * n), self.now)
        with time_machine.travel(moment, tick=False):
            yield day


@dataclass
class World:
    clock: Clock
    congress: Congress
    session: Session
    staff: User
    chair: User | None
    units: dict[str, Unit]
    handlers: dict[int, User]  # unit id -> its demo handler
    deputies: list[User]  # accounts of serving deputies of the congress, in a fixed order
    batch: str
    assigned_on: dt.date
    users: dict[int, User] = field(default_factory=dict)  # mandate id -> account
    made: dict[str, Suggestion] = field(default_factory=dict)  # topic -> suggestion
    key: KeySupervision | None = None
    letters: bool = True  # replies carry the signed and sealed letter
    _next: int = 0

    def S(self, days: int) -> dt.date:  # noqa: N802 (the session's day n)
        return self.session.start_date + dt.timedelta(days=days)

    def A(self, days: int) -> dt.date:  # noqa: N802 (n days after the assignment meeting)
        return self.assigned_on + dt.timedelta(days=days)

    def T(self, days: int) -> dt.date:  # noqa: N802 (n days before the build day)
        return self.clock.today - dt.timedelta(days=days)

    def deputy(self) -> User:
        user = self.deputies[self._next % len(self.deputies)]
        self._next += 1
        return user

    def mandate_of(self, user: User) -> Mandate:
        m = Mandate.objects.get(person_id=user.person_id, congress=self.congress, term=self.session.term_id)
        self.users[m.pk] = user
        return m

    def account(self, mandate_id: int) -> User:
        if mandate_id not in self.users:
            self.users[mandate_id] = User.objects.get(person__mandates=mandate_id)
        return self.users[mandate_id]


class Story:
    """One suggestion taken through its steps, each on its day (never before the step it follows)."""

    def __init__(self, w: World, s: Suggestion, author: User, topic: str):
        self.w, self.s, self.author, self.topic = w, s, author, topic
        self.last = w.session.start_date

    @contextmanager
    def on(self, day: dt.date) -> Iterator[dt.date]:
        day = max(self.last, min(day, self.w.clock.today))
        self.last = day
        with self.w.clock.on(day) as d:
            yield d

    def refresh(self) -> Suggestion:
        self.s.refresh_from_db()
        return self.s

    # --- the deputy and the office ------------------------------------------------------------------
    def cosign(self, n: int, day: dt.date) -> None:
        pool = [u for u in self.w.deputies if u.pk != self.author.pk]
        start = (self.s.pk * 7) % len(pool)
        for user in (pool + pool)[start : start + n]:
            with self.on(day):
                signer = drafting.signer_invite(
                    actor=self.author, suggestion=self.s, mandate=self.w.mandate_of(user)
                )
            with self.on(day):
                drafting.signer_respond(actor=user, signer=signer, confirm=True)

    def material(self, day: dt.date) -> None:
        with self.on(day) as d:
            attachment_add(
                actor=self.author,
                suggestion=self.s,
                file=research_material(
                    title=self.s.title,
                    topic=self.topic,
                    place=self.w.congress.region_name,
                    day=d,
                    author=self.author.display_name,
                ),
            )

    def submit(self, day: dt.date) -> None:
        with self.on(day):
            self.s = drafting.suggestion_submit(actor=self.author, suggestion=self.s)

    def accept(self, day: dt.date) -> None:
        with self.on(day):
            self.s = review.suggestion_accept(actor=self.w.staff, suggestion=self.s)

    def assign(self, day: dt.date, lead: str, cos: list[str], batch: str | None = None) -> None:
        units = self.w.units
        with self.on(day):
            handling.suggestion_assign(
                actor=self.w.staff,
                suggestion=self.s,
                lead_unit=units[lead],
                co_units=[units[c] for c in cos],
                batch=self.w.batch if batch is None else batch,
            )
        self.refresh()

    def lead(self) -> Assignment:
        return self.s.assignments.select_related("unit").get(role=Assignment.Role.LEAD, is_active=True)

    def handler(self, a: Assignment | None = None) -> User:
        return self.w.handlers[(a or self.lead()).unit_id]

    # --- the units ----------------------------------------------------------------------------------
    def handle(self, *, method: str = "visit", co_late: bool = False) -> None:
        """The lead unit acknowledges, meets the deputy (面商), records progress; co-units send opinions."""
        a = self.lead()
        with self.on(self.w.A(1)):
            handling.assignment_acknowledge(actor=self.handler(a), assignment=a)
        for co in self.s.assignments.filter(role=Assignment.Role.CO, is_active=True):
            if co.unit_id not in self.w.handlers:
                continue  # its clock runs: the opinion is overdue
            with self.on(self.w.A(2)):
                handling.assignment_acknowledge(actor=self.handler(co), assignment=co)
            with self.on(self.w.A(40 if co_late else 18)):
                handling.co_opinion_send(
                    actor=self.handler(co),
                    assignment=co,
                    text=f"我单位同意主办单位的办理思路，将在职责范围内做好{self.topic}相关配合工作，"
                    "并提供有关数据和技术支持。",
                )
        with self.on(self.w.A(24)) as d:
            handling.consultation_record(
                actor=self.handler(a),
                assignment=a,
                held_on=d,
                method=method,
                participants="分管负责同志、承办科室负责人、领衔代表",
                deputy_view="代表对办理思路表示认可，希望加快进度，按期答复。",
            )
        with self.on(self.w.A(45)):
            handling.progress_record(
                actor=self.handler(a), assignment=a, text="已召开专题会议研究，制定工作方案，正在组织实施。"
            )

    def reply(self, day: dt.date, code: str, *, letter: bool = True, note: str = "") -> None:
        a = self.lead()
        self.refresh()
        extra: dict = {}
        with self.on(day) as d:
            if code == "B":
                extra = {
                    "promised_work": f"完成{self.topic}年度建设任务并通过验收",
                    "promised_by": max(dt.date(d.year, 12, 31), d + dt.timedelta(days=60)),
                }
            if code == "C":
                extra = {"reference_reason": "受资金和用地条件限制，近期难以实施，纳入中长期规划研究。"}
            text = REPLY.format(occasion=occasion(self.s), title=self.s.title, result=note or RESULTS[code])
            head = HEAD.get(a.unit.name, "局长")
            if letter and self.w.letters:
                extra["letter_file"] = reply_letter(
                    suggestion=self.s,
                    unit=a.unit,
                    text=text,
                    signed_by=head.split()[-1],
                    day=d,
                    addressee=self.author.display_name,
                )
            replies.reply_submit(
                actor=self.handler(a), assignment=a, text=text, result_code=code, signed_by=head, **extra
            )
        self.refresh()

    def promise_carried_out(self, day: dt.date) -> None:
        with self.on(day):
            replies.promise_report(
                actor=self.handler(),
                assignment=self.lead(),
                text=f"承诺事项已按期完成：{self.topic}年度任务全部完成，并组织代表现场察看。",
            )

    def evaluate(self, day: dt.date, rating: str, comment: str = "") -> None:
        """Every deputy concerned rates (author, co-signers, authors of merged ones); the last closes the round."""
        for mandate_id in concerned_mandate_ids(self.s):
            with self.on(day):
                replies.evaluation_submit(
                    actor=self.w.account(mandate_id),
                    suggestion=self.s,
                    mandate=Mandate.objects.get(pk=mandate_id),
                    rating=rating,
                    comment=comment,
                )
        self.refresh()


def _title(topic: str, motion: bool) -> str:
    return f"关于{topic}的{'议案' if motion else '建议'}"


def tell_story(w: World, topic: str, field_: str, lead: str, cos: list[str], story: str, opts: dict) -> Story:
    """Take one suggestion along its story; each branch stops where the suggestion is meant to wait."""
    motion = story.startswith("motion")
    author = User.objects.get(username=opts["author"]) if "author" in opts else w.deputy()
    created = w.S(0 if motion else (w._next % 3))
    with w.clock.on(created):
        s = drafting.suggestion_create(
            actor=author,
            mandate=w.mandate_of(author),
            title=_title(topic, motion),
            field=field_,
            body=(MOTION_BODY if motion else BODY).format(topic=topic.replace("制定", "")),
            kind=Suggestion.Kind.MOTION if motion else Suggestion.Kind.SUGGESTION,
        )
    st = Story(w, s, author, topic)
    st.last = created
    w.made[topic] = s
    if motion:
        st.cosign(10, w.S(0))
    elif opts.get("cosigners"):
        st.cosign(opts["cosigners"], w.S(0))
    if opts.get("material"):
        st.material(w.S(1))
    if story == "draft":
        return st
    if story == "submitted_late":
        st.submit(w.T(2))  # written during the session, sent in only now
        return st
    st.submit(w.S(1))
    if story == "withdrawn":
        with st.on(w.S(2)):
            drafting.suggestion_withdraw(
                actor=author, suggestion=st.s, reason="与其他代表所提建议内容重复，主动撤回"
            )
        return st
    if story in ("returned", "resubmitted"):
        with st.on(w.S(3)):
            st.s = review.suggestion_return(
                actor=w.staff, suggestion=st.s, reason="请补充问题涉及的具体区域、数据和可操作的建议措施。"
            )
        if story == "returned":
            if opts.get("material"):
                st.material(w.S(5))
            return st
        with st.on(w.T(12)):
            st.s = drafting.suggestion_update(
                actor=author,
                suggestion=st.s,
                title=st.s.title,
                field=st.s.field,
                kind=st.s.kind,
                body=st.s.body + "经补充调研，问题主要集中在城区东部三个街道，涉及群众约两万人。",
            )
        st.submit(w.T(10))
        st.accept(w.T(8))  # accepted, waiting for its assignment
        return st
    if story == "merged":
        with st.on(w.S(3)):
            review.suggestion_merge(
                actor=w.staff, suggestion=st.s, into=opts["into"], note="内容相近，并案办理"
            )
        return st
    if motion:
        with st.on(w.S(2)):
            st.s = review.suggestion_to_presidium(actor=w.staff, suggestion=st.s)
        if story == "motion_presidium":
            return st
        with st.on(w.S(3)):
            if story == "motion_referred":
                st.s = review.presidium_decide(
                    actor=w.staff,
                    suggestion=st.s,
                    decision=Suggestion.PresidiumDecision.AGENDA,
                    committee=Committee.objects.get(congress=w.congress, name=opts["committee"]),
                    note="大会主席团决定列入会议议程，交法制委员会审议。",
                )
                return st
            st.s = review.presidium_decide(
                actor=w.staff,
                suggestion=st.s,
                decision=Suggestion.PresidiumDecision.AS_SUGGESTION,
                note="不具备立法条件，作为代表建议交有关部门研究办理。",
            )
    else:
        st.accept(w.S(3))
    for duplicate in opts.get("absorbs", ()):  # 并案: a duplicate submitted in the session follows this one
        topic_, field__, lead_, cos_, story_, opts_ = duplicate
        tell_story(w, topic_, field__, lead_, cos_, story_, {**opts_, "into": st.s})
    if story == "merged_accepted":
        with st.on(w.S(20)):
            review.suggestion_merge(
                actor=w.staff, suggestion=st.s, into=w.made[opts["into"]], note="内容相近，并案办理"
            )
        return st
    st.assign(w.A(0), lead, cos)
    if opts.get("key"):
        _choose_key(w, st)
    if story == "assigned" or w.units[lead].pk not in w.handlers:
        return st
    if story == "unit_returned":
        a = st.lead()
        with st.on(w.A(1)):
            handling.assignment_return(
                actor=st.handler(a),
                assignment=a,
                reason="该事项属公交线路规划，不在我局职责范围，建议交交通运输局办理。",
            )
        st.refresh()
        st.assign(w.A(4), opts["reassign"], [], batch="")
        return st
    st.handle(method=opts.get("method", "visit"), co_late=opts.get("late_opinion", False))
    if story in ("handling", "motion_as_suggestion"):
        return st
    if story in ("extended", "extended_closed"):
        a = st.lead()
        with st.on(w.A(75)):
            handling.assignment_extend(
                actor=w.staff,
                assignment=a,
                until=due_after_months(a.assigned_on, 6 if story == "extended" else 5),
                reason="涉及多个部门和资金安排，情况复杂，经批准延期答复。",
            )
        if story == "extended":
            return st
        st.reply(w.A(140), "A")
        st.evaluate(w.A(150), "satisfied")
        return st
    if story == "closed":
        st.reply(w.A(62 + w._next % 20), "A")
        st.evaluate(w.A(75 + w._next % 20), "satisfied" if w._next % 3 else "basic")
        if opts.get("disclose"):
            _disclose(w, st)
        return st
    if story == "c_closed":
        st.reply(w.A(70), "C")
        st.evaluate(w.A(80), "basic")
        return st
    if story == "c_replied":
        st.reply(w.T(5), "C")
        return st
    if story == "late_replied":
        st.reply(w.T(3), "A")  # months after its deadline: a late reply
        return st
    if story in ("promised", "promise_reported", "promise_closed"):
        st.reply(w.A(66), "B")
        st.evaluate(w.A(76), "satisfied")
        if story == "promise_closed":
            st.promise_carried_out(dt.date(2026, 9, 20))
            st.evaluate(dt.date(2026, 9, 30), "satisfied")  # the second evaluation (两次评价)
        elif story == "promise_reported":
            st.promise_carried_out(w.T(3))
        return st
    dissatisfied = "答复内容空泛，没有具体措施和时间表，请重新办理。"
    if story == "rehandling":
        st.reply(w.T(25), "A")
        st.evaluate(w.T(15), "dissatisfied", dissatisfied)
        return st
    if story == "rehandled_replied":
        st.reply(w.T(35), "A")
        st.evaluate(w.T(28), "dissatisfied", dissatisfied)
        st.reply(w.T(4), "A", note="我单位重新研究后制定了整改方案，已落实专项资金，明年六月底前完成")
        return st
    first = (w.T(40), w.T(30)) if story == "staff_decision" else (w.A(68), w.A(80))
    st.reply(first[0], "A")
    st.evaluate(first[1], "dissatisfied", dissatisfied)
    if story == "rehandled_closed":
        st.reply(w.A(105), "A", note="我单位重新研究后已落实专项资金，相关设施已建成投入使用")
        st.evaluate(w.A(115), "satisfied")
        return st
    second_day = w.T(6) if story == "staff_decision" else w.A(112)
    st.reply(second_day - dt.timedelta(days=8), "A", note="我单位重新研究后制定了整改方案，正在分步实施")
    st.evaluate(second_day, "dissatisfied", "整改方案仍未落实到位，群众反映的问题依然存在。")
    if story == "office_closed":
        with st.on(w.A(120)):
            replies.office_decide(
                actor=w.staff,
                suggestion=st.s,
                rehandle=False,
                reason="经主任会议研究，承办单位已尽力办理，受客观条件限制，作办结处理并继续跟踪。",
            )
    return st


def _choose_key(w: World, st: Story) -> None:
    """The chair chooses it for key supervision (重点督办) after the assignment meeting; its meetings follow."""
    with st.on(w.A(3)):
        k = key.key_choose(
            actor=w.chair, suggestion=st.s, leader_in_charge="张副市长", supervising_leader="刘副主任"
        )
    w.key = k


def _key_meetings_and_scores(w: World, members: list[User]) -> None:
    k = w.key
    if k is None:
        return
    last = w.A(3)
    for kind, day, notes in (
        ("assignment", w.A(7), "召开重点督办建议交办会，明确牵头单位、办理时限和责任人。"),
        ("progress", w.A(110), "听取办理进展汇报，实地察看改造现场，督促加快推进。"),
        ("report", w.T(12), "承办单位报告办理结果，常委会组成人员现场测评打分。"),
    ):
        last = max(last, day)
        with w.clock.on(last) as d:
            key.key_meeting_add(actor=w.staff, key=k, kind=kind, held_on=d, notes=notes)
    for member in members:
        if member.username not in MEMBER_SCORES:
            continue  # city_member_c has not scored yet: the scoring form waits for it
        score, comment = MEMBER_SCORES[member.username]
        with w.clock.on(max(last, w.T(11))):
            key.key_score(actor=member, key=k, score=score, comment=comment)


def _disclose(w: World, st: Story) -> None:
    """Published (审核公开) as a redacted copy soon after it closed."""
    s = st.refresh()
    with st.on(st.last + dt.timedelta(days=10)):
        d = disclosure.disclosure_prepare(
            actor=w.staff,
            suggestion=s,
            title=s.title,
            body=BODY.format(topic=st.topic),
            reply_text=REPLY.format(occasion=occasion(s), title=s.title, result=RESULTS["A"]),
        )
        disclosure.disclosure_publish(actor=w.staff, disclosure=d)


def _members(clock: Clock, city: Congress, staff: User) -> list[User]:
    """The city's standing-committee members' demo accounts, made as staff would make them (account, role),
    with the demo password set as at a first sign-in."""
    from lvzhi.org.services import accounts

    from .city import DEMO_PASSWORD

    taken = User.objects.filter(person__isnull=False).values("person_id")
    seats = (
        CommitteeMembership.objects.filter(
            committee__congress=city, committee__kind=Committee.Kind.STANDING, position="member"
        )
        .exclude(person_id__in=taken)
        .select_related("person")
        .order_by("person_id")[: len(MEMBER_ACCOUNTS)]
    )
    made = []
    with clock.on(dt.date(2026, 1, 5)):
        for username, seat in zip(MEMBER_ACCOUNTS, seats, strict=False):
            account, _password = accounts.account_create(
                actor=staff,
                congress=city,
                username=username,
                mobile=seat.person.mobile,
                person=seat.person,
            )
            accounts.role_grant(actor=staff, account=account, role=Role.SC_MEMBER, congress=city)
            accounts.account_change_password(user=account, new_password=DEMO_PASSWORD)
            made.append(User.objects.get(pk=account.pk))
    return made


def _world(
    clock: Clock, congress: Congress, staff: User, chair: User | None, handlers: dict[int, User]
) -> World:
    year = 2026
    session = Session.objects.select_related("term").get(term__congress=congress, start_date__year=year)
    both = Mandate.objects.current(session.start_date).current(clock.today)
    deputies = list(
        User.objects.filter(
            is_active=True,
            username__startswith="dep",
            person__mandates__in=both.filter(congress=congress, term=session.term_id),
        ).order_by("pk")
    )
    assigned_on = add_working_days(session.end_date, 16)
    place = congress.short_name.removesuffix("人大")
    batch = f"{place}{chinese_numeral(session.term.number)}届人大{chinese_numeral(session.number)}次会议代表建议交办会"
    units = {u.name: u for u in Unit.objects.filter(congress=congress, is_active=True)}
    units.update({name.removeprefix(congress.region_name): u for name, u in list(units.items())})
    return World(
        clock=clock,
        congress=congress,
        session=session,
        staff=staff,
        chair=chair,
        units=units,
        handlers=handlers,
        deputies=deputies,
        batch=batch[:60],
        assigned_on=assigned_on,
    )


def build_session_suggestions() -> int:
    """Write the session's suggestions of the city and of 东湖区; returns how many suggestions were made."""
    clock = Clock()
    city = Congress.objects.get(level=Congress.Level.CITY, name="示范市人民代表大会")
    staff = User.objects.get(username="city_staff")
    members = _members(clock, city, staff)
    units = {u.name: u for u in Unit.objects.filter(congress=city)}
    handlers = {
        units[EDU].pk: User.objects.get(username="handler_a"),
        units[HOUSING].pk: User.objects.get(username="handler_b"),
    }
    w = _world(clock, city, staff, User.objects.get(username="city_chair"), handlers)
    for topic, field_, lead, cos, story, opts in CITY_SESSION:
        tell_story(w, topic, field_, lead, cos, story, opts)
    _key_meetings_and_scores(w, members)
    east = Congress.objects.get(name="东湖区人民代表大会")
    d = _world(clock, east, User.objects.get(username="staff_a"), None, {})
    for topic, field_, lead, cos, story, opts in DISTRICT_SESSION:
        tell_story(d, topic, field_, lead, cos, story, opts)
    return len(CITY_SESSION) + len(DISTRICT_SESSION)


def build_district_replied() -> int:
    """Write the three districts' session suggestions their units replied to (DISTRICT_REPLIED); 南港区 has no
    office account in the demo, so the site administrator runs its office. Returns how many were made."""
    clock = Clock()
    city = Congress.objects.get(level=Congress.Level.CITY, name="示范市人民代表大会")
    offices = {"东湖区": "staff_a", "西岭区": "staff_b", "南港区": "admin"}
    made = 0
    for region, plan in DISTRICT_REPLIED.items():
        congress = Congress.objects.get(parent=city, region_name=region)
        w = _world(clock, congress, User.objects.get(username=offices[region]), None, {})
        w.letters = False  # the districts' units answer on the platform without uploading the letter
        w.handlers.update(_district_handlers(clock, w))
        for topic, field_, lead, cos, story, opts in plan:
            tell_story(w, topic, field_, lead, cos, story, opts)
        made += len(plan)
    return made


def _district_handlers(clock: Clock, w: World) -> dict[int, User]:
    """A handler account for two units of the district, made by its office before the session."""
    from lvzhi.org.services import accounts

    made = {}
    with clock.on(dt.date(2026, 1, 5)):
        for n, (unit_name, full_name) in enumerate(DISTRICT_HANDLERS, start=1):
            unit = w.units[unit_name]
            account, _password = accounts.account_create(
                actor=w.staff,
                congress=w.congress,
                username=f"handler_{w.congress.region_code}_{n}",
                full_name=full_name,
            )
            accounts.role_grant(
                actor=w.staff, account=account, role=Role.UNIT_HANDLER, congress=w.congress, unit=unit
            )
            made[unit.pk] = User.objects.get(pk=account.pk)
    return made
