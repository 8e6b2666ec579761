"""The demo city's briefings to deputies (情况通报, 知情知政).

The city's office publishes briefings of 市政府, 市监察委员会, 市中级人民法院 and 市人民检察院; the offices of
东湖区 and 西岭区 publish their own bodies' briefings. Each of the three reaches its deputies by level (with or
without the congresses below), by deputy group or by station, and most carry a small PDF made here. Every step
runs through the services the pages use (draft, publish, withdraw), so the events and messages are real.

Then part of the recipients have read each one (between about 40 and 80 percent, so the share shows): those
past reads are written in bulk as history, at times between publishing and now. In the city's economic
briefing, sent to every deputy of the city and below, deputy_a and deputy_b have not read it yet, so opening it
as them shows the read share rise. Each office also keeps a draft, and a withdrawn briefing with its reason.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from django.core.files.base import ContentFile
from django.db.models import Q
from django.utils import timezone

from lvzhi.briefings.models import Briefing, Receipt
from lvzhi.briefings.services.drafts import briefing_create
from lvzhi.briefings.services.publishing import briefing_publish, briefing_withdraw
from lvzhi.core.models import Notification
from lvzhi.core.notifications import INBOX
from lvzhi.org.models import Congress, DeputyGroup, User
from lvzhi.stations.models import Station

SEED = 2026
Kind = Briefing.IssuerKind


@dataclass
class Plan:
    office: str  # the username of the office that writes it
    congress: str  # the congress's full name
    kind: str
    title: str
    body: list[str]
    days_ago: int = 0  # published that many days ago; 0 with `draft`
    levels: list[str] = field(default_factory=list)  # congress names
    include_lower: bool = False
    groups: list[str] = field(default_factory=list)
    stations: list[str] = field(default_factory=list)
    attachment: str = ""  # the PDF's title; empty: no file
    read_share: float = 0.6
    unread: tuple[str, ...] = ()  # usernames whose person has not read it
    read: tuple[str, ...] = ()  # usernames whose person has read it
    draft: bool = False
    withdraw: str = ""  # the reason, for a briefing published then withdrawn


CITY, EAST, WEST = "示范市人民代表大会", "东湖区人民代表大会", "西岭区人民代表大会"


def _plans(year: int) -> list[Plan]:
    return [
        # --- the city --------------------------------------------------------------------------------------
        Plan(
            "city_staff",
            CITY,
            Kind.GOVERNMENT,
            f"关于{year}年以来全市经济运行情况的通报",
            [
                f"{year}年以来，市政府坚持稳中求进工作总基调，全市经济运行总体平稳、稳中有进。",
                "一、主要指标。地区生产总值同比增长5.6%，规模以上工业增加值增长6.8%，社会消费品零售总额增长"
                "4.9%，一般公共预算收入增长3.2%，城乡居民人均可支配收入分别增长4.7%和6.3%。",
                "二、重点工作。重大项目完成投资进度目标，老旧小区改造开工42个，新增城镇就业1.3万人。",
                "三、存在的困难。部分企业经营压力较大，房地产市场仍在调整，财政收支平衡压力增加。",
                "下一步，市政府将认真落实市人大及其常委会的决议决定，欢迎各位代表提出意见建议。",
            ],
            days_ago=3,
            levels=[CITY],
            include_lower=True,
            attachment=f"{year}年全市主要经济指标完成情况",
            read_share=0.55,
            unread=("deputy_a", "deputy_b"),
        ),
        Plan(
            "city_staff",
            CITY,
            Kind.SUPERVISORY,
            "关于全市整治群众身边不正之风和腐败问题工作情况的通报",
            [
                "市监察委员会聚焦教育医疗、养老社保、生态环保等民生领域，开展集中整治。",
                "今年以来共受理群众反映问题线索312件，立案查处87件，推动解决群众急难愁盼问题460余个。",
                "欢迎各位代表通过代表联络站、监察委员会来信来访渠道反映问题、提出建议。",
            ],
            days_ago=12,
            levels=[CITY],
            read_share=0.72,
            read=("deputy_a",),
        ),
        Plan(
            "city_staff",
            CITY,
            Kind.COURT,
            "关于全市法院审判执行工作情况的通报",
            [
                "全市法院受理各类案件5.8万件，审结5.3万件，结案率91.4%，同比提高2.1个百分点。",
                "推进诉源治理，在各街道设立诉讼服务站，诉前调解成功1.2万件。",
                "持续开展“执行攻坚”行动，执行到位金额18.6亿元。",
            ],
            days_ago=20,
            groups=["法制专业组", "东湖区联系组"],
            attachment="全市法院审判执行主要数据",
            read_share=0.62,
            read=("deputy_a",),
        ),
        Plan(
            "city_staff",
            CITY,
            Kind.PROCURATORATE,
            "关于全市检察机关开展公益诉讼工作情况的通报",
            [
                "全市检察机关围绕生态环境和资源保护、食品药品安全、国有财产保护等领域，立案办理公益诉讼"
                "案件286件，发出诉前检察建议241件，回复整改率97.5%。",
                "邀请人大代表参与公益诉讼听证、跟踪观察42人次。欢迎代表提供公益诉讼案件线索。",
            ],
            days_ago=30,
            stations=["示范市人大代表之家", "示范市人大常委会基层立法联系点", "东湖区人大代表之家"],
            read_share=0.58,
        ),
        Plan(
            "city_staff",
            CITY,
            Kind.STANDING,
            f"关于市人大常委会{year + 1}年度工作要点（征求意见稿）的通报",
            [
                f"为做好{year + 1}年度人大工作，市人大常委会办公室起草了工作要点（征求意见稿），现通报各位代表，"
                "请于本月底前通过代表联络站或履职平台反馈意见。",
            ],
            levels=[CITY],
            draft=True,
        ),
        Plan(
            "city_staff",
            CITY,
            Kind.GOVERNMENT,
            "关于城区部分道路施工期间交通组织调整的通报",
            ["因地铁施工需要，城区部分道路实行交通组织调整，具体路段和时间以交警部门公告为准。"],
            days_ago=8,
            levels=[CITY],
            include_lower=True,
            read_share=0.3,
            withdraw="施工方案调整，待新方案确定后另行通报",
        ),
        # --- 东湖区 ------------------------------------------------------------------------------------------
        Plan(
            "staff_a",
            EAST,
            Kind.GOVERNMENT,
            "关于东湖区民生实事项目推进情况的通报",
            [
                f"区人大{year}年票决产生的十件民生实事项目，已完成八件，其余两件正按计划推进。",
                "其中，新建社区嵌入式养老服务站6个，改造提升农贸市场3个，新增公共停车泊位1200个。",
                "请各位代表继续关注项目推进，通过联络站收集群众意见。",
            ],
            days_ago=5,
            levels=[EAST],
            include_lower=True,
            attachment="东湖区民生实事项目推进情况一览表",
            read_share=0.66,
            read=("deputy_a", "leader_a"),
        ),
        Plan(
            "staff_a",
            EAST,
            Kind.COURT,
            "关于东湖区人民法院一站式诉讼服务中心建设情况的通报",
            [
                "区法院建成一站式诉讼服务中心，实现立案、缴费、调解、查询“一站通办”，网上立案率达到86%。",
                "欢迎代表到中心参观指导，提出改进意见。",
            ],
            days_ago=16,
            groups=["湖滨街道代表小组", "文昌街道代表小组"],
            read_share=0.5,
            read=("leader_a",),
        ),
        Plan(
            "staff_a",
            EAST,
            Kind.PROCURATORATE,
            "关于东湖区人民检察院开展未成年人检察工作情况的通报",
            [
                "区检察院落实未成年人保护“六大保护”，开展法治进校园活动38场，覆盖师生2.1万人次。",
                "联合湖滨街道建立未成年人保护观护基地，帮教涉罪未成年人11名。",
            ],
            days_ago=26,
            stations=["湖滨街道人大代表联络站"],
            attachment="东湖区未成年人检察工作情况",
            read_share=0.42,
            unread=("deputy_a",),
        ),
        Plan(
            "staff_a",
            EAST,
            Kind.SUPERVISORY,
            "关于东湖区监察委员会开展基层监督工作情况的通报",
            ["区监察委员会向各街道、镇派出监察办公室，聚焦惠民资金、集体“三资”管理开展监督检查。"],
            levels=[EAST],
            draft=True,
        ),
        Plan(
            "staff_a",
            EAST,
            Kind.GOVERNMENT,
            "关于东湖区部分小区停水检修安排的通报",
            ["因供水管网检修，湖滨街道部分小区将于本周六停水一天。"],
            days_ago=9,
            stations=["湖滨街道人大代表联络站"],
            read_share=0.5,
            withdraw="检修时间调整，已由街道另行通知",
        ),
        # --- 西岭区 ------------------------------------------------------------------------------------------
        Plan(
            "staff_b",
            WEST,
            Kind.GOVERNMENT,
            "关于西岭区乡村振兴重点项目进展情况的通报",
            [
                "区政府实施乡村振兴重点项目24个，完成投资9.8亿元，建成高标准农田1.5万亩。",
                "茶旅融合示范带接待游客同比增长18%，带动农户增收。",
                "请各位代表结合联系选民工作，反映项目推进中的问题。",
            ],
            days_ago=6,
            levels=[WEST],
            include_lower=True,
            attachment="西岭区乡村振兴重点项目进展表",
            read_share=0.6,
            read=("deputy_b", "leader_b"),
        ),
        Plan(
            "staff_b",
            WEST,
            Kind.COURT,
            "关于西岭区人民法院巡回审判工作情况的通报",
            [
                "区法院在各镇、乡设立巡回审判点，全年巡回开庭126次，就地化解矛盾纠纷430余件。",
                "邀请人大代表旁听庭审、参与调解56人次。",
            ],
            days_ago=14,
            groups=["枫林街道代表小组", "岭南街道代表小组"],
            read_share=0.55,
            read=("deputy_b",),
        ),
        Plan(
            "staff_b",
            WEST,
            Kind.PROCURATORATE,
            "关于西岭区人民检察院开展生态环境公益诉讼工作情况的通报",
            [
                "区检察院围绕饮用水水源地保护和河道“清四乱”，办理生态环境公益诉讼案件23件。",
                "欢迎代表提供案件线索，参与公开听证。",
            ],
            days_ago=24,
            stations=["岭南街道人大代表联络站", "枫林街道人大代表联络站"],
            attachment="西岭区生态环境公益诉讼案件情况",
            read_share=0.48,
        ),
        Plan(
            "staff_b",
            WEST,
            Kind.SUPERVISORY,
            "关于西岭区监察委员会开展惠民惠农资金专项监督的通报",
            ["区监察委员会对惠民惠农“一卡通”资金发放开展专项监督，发现并督促整改问题27个。"],
            levels=[WEST],
            draft=True,
        ),
        Plan(
            "staff_b",
            WEST,
            Kind.STANDING,
            "关于区人大常委会视察安排调整的通报",
            ["原定本月中旬开展的视察活动时间调整，具体安排另行通知。"],
            days_ago=11,
            levels=[WEST],
            read_share=0.4,
            withdraw="视察安排已确定，改以会议通知形式下发",
        ),
    ]


def _pdf(*, title: str, lines: list[str], issuer: str, day: dt.date) -> bytes:
    """A one-page attachment in the project's CJK font (a few kilobytes, in milliseconds)."""
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    from lvzhi.suggestions.letters import pdf_font

    font = pdf_font()
    body = ParagraphStyle("body", fontName=font, fontSize=13, leading=22, wordWrap="CJK", firstLineIndent=26)
    heading = ParagraphStyle(
        "h", parent=body, fontSize=18, leading=28, alignment=TA_CENTER, firstLineIndent=0
    )
    right = ParagraphStyle("r", parent=body, alignment=TA_RIGHT, firstLineIndent=0)
    flow = [Paragraph(escape(title), heading), Spacer(1, 10)]
    flow += [Paragraph(escape(line), body) for line in lines]
    flow += [Spacer(1, 20), Paragraph(escape(issuer), right)]
    flow.append(Paragraph(f"{day.year}年{day.month}月{day.day}日", right))
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, topMargin=25 * mm, bottomMargin=20 * mm, title=title).build(flow)
    return buf.getvalue()


def build_demo_briefings() -> int:
    """Write the demo's briefings; returns how many were written (0 when there is no demo city, or again)."""
    accounts = {u.username: u for u in User.objects.filter(username__in=["city_staff", "staff_a", "staff_b"])}
    congresses = {c.name: c for c in Congress.objects.filter(name__in=[CITY, EAST, WEST])}
    if len(accounts) < 3 or len(congresses) < 3 or Briefing.objects.filter(congress__name=CITY).exists():
        return 0
    rng = random.Random(SEED)
    now = timezone.now()
    today = timezone.localdate()
    people = dict(
        User.objects.filter(username__in=["deputy_a", "deputy_b", "leader_a", "leader_b"]).values_list(
            "username", "person_id"
        )
    )
    written = 0
    for plan in _plans(today.year):
        congress = congresses[plan.congress]
        tree = Q(congress__path__startswith=congress.path)
        groups = DeputyGroup.objects.filter(tree, name__in=plan.groups).values_list("pk", flat=True)
        stations = Station.objects.filter(tree, name__in=plan.stations).values_list("pk", flat=True)
        levels = Congress.objects.filter(name__in=plan.levels, path__startswith=congress.path)
        published = now - dt.timedelta(days=plan.days_ago, hours=rng.randrange(1, 6))
        files = []
        if plan.attachment:
            data = _pdf(
                title=plan.attachment, lines=plan.body, issuer=_issuer(congress, plan.kind), day=today
            )
            files.append(ContentFile(data, name=f"{plan.attachment}.pdf"))
        briefing = briefing_create(
            actor=accounts[plan.office],
            congress=congress,
            title=plan.title,
            issuer_kind=plan.kind,
            body="\n\n".join(plan.body),
            congress_ids=list(levels.values_list("pk", flat=True)),
            include_lower=plan.include_lower,
            group_ids=list(groups),
            station_ids=list(stations),
            files=files,
        )
        written += 1
        if plan.draft:
            continue
        briefing_publish(actor=accounts[plan.office], briefing=briefing)
        # The history: drafted a day before it went out, published `days_ago` days ago.
        Briefing.objects.filter(pk=briefing.pk).update(
            created_at=published - dt.timedelta(days=1), published_at=published
        )
        _past_reads(briefing, plan, people, rng, published, now)
        if plan.withdraw:
            briefing_withdraw(actor=accounts[plan.office], briefing=briefing, reason=plan.withdraw)
    return written


def _issuer(congress: Congress, kind: str) -> str:
    from lvzhi.briefings.services.drafts import default_issuer_name

    return default_issuer_name(congress, kind)


def _past_reads(briefing, plan: Plan, people: dict, rng: random.Random, published, now) -> None:
    """Mark a share of the recipients as having read it, at times between publishing and now."""
    never = {people.get(u) for u in plan.unread}
    always = {people.get(u) for u in plan.read}
    span = max(60, int((now - published).total_seconds()))
    read: list[Receipt] = []
    for receipt in Receipt.objects.filter(briefing=briefing).order_by("pk"):
        if receipt.person_id in never:
            continue
        if receipt.person_id in always or rng.random() < plan.read_share:
            # Most deputies read a briefing in its first days.
            offset = int(span * min(1.0, rng.expovariate(6.0)))
            receipt.read_at = min(now, published + dt.timedelta(seconds=max(60, offset)))
            read.append(receipt)
    Receipt.objects.bulk_update(read, ["read_at"], batch_size=500)
    # Their messages about it are read as well.
    readers = Receipt.objects.filter(briefing=briefing, read_at__isnull=False).values("person_id")
    Notification.objects.filter(
        cause__startswith=f"briefings:{briefing.pk}:", recipient__person_id__in=readers, read_at__isnull=True
    ).update(read_at=now)
    INBOX.bump()  # the unread counts; update() sends no post_save
