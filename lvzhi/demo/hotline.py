"""The demo city's 12345 hotline: a few dozen tickets of the last eight weeks, imported by the city's staff
through the same import the page uses (a CSV file), with one category rising this week (物业管理: a heating
and property-management wave in 东湖区) so the trends page has something to show."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from lvzhi.opinions.hotline import COLUMNS
from lvzhi.opinions.services.hotline import hotline_import
from lvzhi.org.models import Congress, User

# (hotline category, district, place, content): some of them each week
STEADY = [
    ("城市管理-路灯", "东湖区", "湖滨路", "湖滨路路灯不亮，晚上出行不便。"),
    ("交通出行-公交", "西岭区", "岭南公交站", "早高峰公交车间隔太长，等车时间久。"),
    ("环境保护-噪音", "南港区", "港湾夜市", "夜市商户音响声音太大，影响休息。"),
    ("教育-入学", "东湖区", "东湖小学", "咨询新学期入学报名的材料要求。"),
    ("医疗卫生", "西岭区", "西岭社区卫生服务中心", "社区卫生服务中心配药品种少。"),
    ("市场监管-消费维权", "南港区", "南港商场", "商场预付卡商家关门，无法退款。"),
    ("劳动保障-欠薪", "东湖区", "东湖工业园", "工地拖欠农民工工资两个月。"),
]
RISING = ("物业管理-供暖", "东湖区", "幸福里小区", "小区暖气不热，室温不到十五度，物业不处理。")
NAMES = ["李女士", "王先生", "张先生", "赵女士", "", "陈先生", ""]


def _rows(now: dt.datetime) -> list[list[str]]:
    rows = []
    n = 0
    for week in range(8):
        for i, (category, district, place, content) in enumerate(STEADY):
            if (week + i) % 2:  # about half of them each week: three or four tickets
                continue
            n += 1
            received = now - dt.timedelta(days=7 * week + (i % 6) + 1, hours=i)
            rows.append(_row(n, received, category, district, place, content, now))
        # the rising category: one ticket in each earlier week, seven this week
        for k in range(7 if week == 0 else 1):
            n += 1
            received = now - dt.timedelta(days=7 * week + k % 6, hours=2 + k)
            rows.append(_row(n, received, *RISING, now))
    return rows


def _row(n, received, category, district, place, content, now) -> list[str]:
    finished = now - received > dt.timedelta(days=6)
    answered = received + dt.timedelta(hours=20 + n % 30)
    done = received + dt.timedelta(days=3 + n % 4)
    name = NAMES[n % len(NAMES)]
    return [
        f"12345-DEMO-{n:04d}",
        f"{timezone.localtime(received):%Y-%m-%d %H:%M}",
        category,
        district,
        place,
        content,
        name,
        f"1395560{n:04d}" if name else "",
        "已办结" if finished else "已受理",
        "已转交有关部门处理，问题已解决。" if finished else "",
        f"{timezone.localtime(answered):%Y-%m-%d %H:%M}" if finished else "",
        f"{timezone.localtime(done):%Y-%m-%d %H:%M}" if finished else "",
        "否",
    ]


def build_demo_hotline() -> int:
    """Import the demo tickets (again: tickets imported before are skipped); the number imported."""
    now = timezone.now()
    headers = [c.header for c in COLUMNS]
    lines = [",".join(headers)] + [",".join(r) for r in _rows(now)]
    upload = SimpleUploadedFile("12345-demo.csv", ("\n".join(lines) + "\n").encode(), "text/csv")
    staff = User.objects.get(username="city_staff")
    city = Congress.objects.get(name="示范市人民代表大会", parent__isnull=True)
    report = hotline_import(actor=staff, congress=city, file=upload, now=now)
    if not report.saved:
        raise RuntimeError(
            f"demo hotline tickets rejected: {[(r.number, r.errors) for r in report.rejected]}"
        )
    # The day's sweep once over every demo opinion (the tickets included), as the job worker does each
    # morning: what waited past its acknowledgement day shows escalated, an overdue unit flagged, from the
    # first start of the demo.
    from lvzhi.opinions.deadlines import opinion_deadline_sweep

    opinion_deadline_sweep()
    return report.counts["imported"]
