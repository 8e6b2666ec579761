"""The demo city's recess consultation lists (会商清单), built through the same services the pages use.

The city's office holds this year's list: two of its demo suggestions and two opinions gathered at stations
and in an inspection, one meeting with the heads of the units concerned, and the outcome of the items it
settled. Each of two sibling districts (东湖区, 西岭区) has a small list of its own, so each office has one.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from lvzhi.org.models import Congress, Unit, User
from lvzhi.suggestions.models import ConsultationList, Suggestion
from lvzhi.suggestions.services import consultation as service

# (title of a demo suggestion, the units concerned)
CITY_SUGGESTIONS = [
    ("关于进一步改善我市老旧小区供热质量的建议", ["示范市住房和城乡建设局", "示范市城市管理局"]),
    ("关于加强中小学心理健康教育的建议", ["示范市教育局", "示范市卫生健康委员会"]),
]
# (issue, where it was gathered, units concerned)
CITY_OPINIONS = [
    (
        "城区学校、医院周边早晚高峰交通拥堵，停车位严重不足，群众出行不便。",
        "湖滨街道人大代表联络站接待日，23名群众集中反映",
        ["示范市公安局交通警察支队", "示范市交通运输局"],
    ),
    (
        "部分农贸市场周边占道经营、环境卫生差，食品安全存在隐患。",
        "市人大代表小组集中视察，5个代表小组提出",
        ["示范市市场监督管理局", "示范市商务局"],
    ),
]
OUTCOMES = {
    0: "市住建局牵头制定老旧小区供热管网改造三年计划，今年完成改造四十二公里，明年供暖季前全部完成。",
    2: "交警支队在12所学校、5家医院周边增设临时停车泊位860个，实行错峰放学；市交通局优化8条公交线路。",
}


def build_demo_consultations() -> int:
    """Write the demo lists; returns the number of items put on them."""
    staff = User.objects.get(username="city_staff")
    city = Congress.objects.get(level=Congress.Level.CITY, name__startswith="示范市")
    year = timezone.localdate().year
    lst = service.consultation_list_create(
        actor=staff, congress=city, year=year, title=f"{year}年闭会期间重点问题会商清单"
    )
    units = {u.name: u for u in Unit.objects.filter(congress=city)}
    items = []
    for title, names in CITY_SUGGESTIONS:
        s = Suggestion.objects.filter(congress=city, title=title).first()
        if s is None or s.state not in service.ELIGIBLE_STATES:
            continue
        items.append(
            service.consultation_item_add_suggestion(
                actor=staff,
                consultation_list=lst,
                suggestion=s,
                units=[units[n] for n in names if n in units],
            )
        )
    for summary, source, names in CITY_OPINIONS:
        items.append(
            service.consultation_item_add_text(
                actor=staff,
                consultation_list=lst,
                summary=summary,
                source=source,
                units=[units[n] for n in names if n in units],
            )
        )
    discussed = [items[0], items[2]] if len(items) > 2 else items[:1]
    service.consultation_meeting_record(
        actor=staff,
        consultation_list=lst,
        held_on=timezone.localdate() - dt.timedelta(days=10),
        attendees="市人大常委会副主任刘建华；市住房和城乡建设局局长王建国、市城市管理局局长赵明、"
        "市公安局交通警察支队支队长陈刚、市交通运输局局长孙立；部分市人大代表",
        items=discussed,
        notes="逐项听取承办单位情况汇报，与会代表提出意见，会议明确了各项问题的牵头单位和完成时限。",
    )
    for index, outcome in OUTCOMES.items():
        if index < len(items) and items[index] in discussed:
            service.consultation_outcome_record(actor=staff, item=items[index], outcome=outcome)
    made = len(items)
    made += _district_list("staff_a", year, "城市管理局")
    made += _district_list("staff_b", year, "交通运输局")
    return made


def _district_list(username: str, year: int, unit_suffix: str) -> int:
    """A district's own small list: its accepted demo suggestion, with the district's unit concerned."""
    staff = User.objects.get(username=username)
    congress = staff.congress
    if congress is None:
        return 0
    s = Suggestion.objects.filter(congress=congress, state__in=service.ELIGIBLE_STATES).order_by("pk").first()
    unit = Unit.objects.filter(congress=congress, name__endswith=unit_suffix).first()
    if s is None or unit is None:
        return 0
    lst: ConsultationList = service.consultation_list_create(
        actor=staff, congress=congress, year=year, title=f"{congress.region_name}{year}年闭会期间会商清单"
    )
    service.consultation_item_add_suggestion(actor=staff, consultation_list=lst, suggestion=s, units=[unit])
    return 1
