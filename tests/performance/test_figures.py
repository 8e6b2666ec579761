"""Performance figures: compliance per rule item and overall, stars, the report rate, per congress, group and
station, each a numerator over a denominator that add up, each opening its list; the list exports to Excel
(read back, recorded); only staff and chairs, over their own tree."""

from __future__ import annotations

import datetime as dt
import io
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from lvzhi.core.models import Event
from lvzhi.org.models import GroupMembership
from lvzhi.performance import kinds
from lvzhi.performance.figures import Filters, compute
from lvzhi.performance.models import RuleItem
from lvzhi.performance.services.activities import activity_register_for_participants
from lvzhi.performance.services.common import kind_by_code
from lvzhi.performance.services.reports import elector_report_record
from lvzhi.performance.services.rules import preset_apply
from lvzhi.suggestions.security_events import EXPORT
from tests.factories import GroupFactory

TODAY = dt.datetime(2025, 11, 20, 10, 0)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(TODAY, tick=False)


def client_of(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def scored(world):
    """甲 (a) makes three speeches, 丙 one (乙, elected in July, none); 甲 reported to the electors; a group holds 甲 and 乙."""
    w = world
    preset_apply(actor=w.staff, congress=w.district, preset="cq341311")
    preset_apply(actor=w.staff, congress=w.district, preset="stars5")
    for n, people in enumerate(([w.a, w.b, w.c], [w.a], [w.a])):
        activity_register_for_participants(
            actor=w.staff,
            congress=w.district,
            kind=kind_by_code(kinds.SPEECH),
            date=dt.date(2025, 1, 8 + n),
            title=f"审议发言{n}",
            mandates=people,
        )
    elector_report_record(
        actor=w.staff,
        mandate=w.a,
        year=2025,
        held_on=dt.date(2025, 11, 10),
        place="选民之家",
        electors_present=50,
        satisfied=45,
    )
    w.group = GroupFactory(congress=w.district, name="测试街道代表小组")
    GroupMembership.objects.create(group=w.group, mandate=w.a)
    GroupMembership.objects.create(group=w.group, mandate=w.b)
    w.speech = RuleItem.objects.get(
        rule_set__congress=w.district, rule_set__is_active=True, name="大会审议发言"
    )
    return w


def test_figures_add_up_and_each_number_opens_its_list(scored):
    w = scored
    fig = compute(user=w.city_staff, f=Filters(year=2025, root=w.city))
    # The district's four deputies hold the rules; the sibling's deputy has none.
    speech = next(i for i in fig.items if i.item.pk == w.speech.pk)
    assert (speech.ratio.num, speech.ratio.den) == (1, 4)  # only 甲 (乙 and 丙 are pro-rated to 2 and 3)
    report_item = next(i for i in fig.items if i.item.name.startswith("向选区选民"))
    assert (report_item.ratio.num, report_item.ratio.den) == (1, 4)
    assert fig.overall.den == 4 and fig.overall.num == 0
    assert (fig.report.num, fig.report.den) == (1, 5)  # serving today: four in the district, one beside it
    # stars: the district's four are rated, and the rows of each count add up to the rated
    assert sum(r.num for _n, r in fig.stars) == 4 and all(r.den == 4 for _n, r in fig.stars)
    # the congress rows add up to the totals
    assert sum(row.overall.den for row in fig.congresses) == fig.overall.den
    assert sum(row.report.den for row in fig.congresses) == fig.report.den
    assert sum(row.report.num for row in fig.congresses) == fig.report.num
    # the group rows: the group (甲, 乙) and "in no group" (丙, 丁, and the sibling's deputy)
    labels = {row.label.split(" · ")[0]: row for row in fig.groups}
    assert labels["测试街道代表小组"].report.den == 2 and labels[""].report.den == 3
    # each number links to the list of what it counts
    body = client_of(w.city_staff).get(speech.ratio.num_url).content.decode()
    assert "甲代表" in body and "乙代表" not in body
    body = client_of(w.city_staff).get(speech.ratio.den_url).content.decode()
    assert all(name in body for name in ("甲代表", "乙代表", "丙代表", "丁代表")) and "外区代表" not in body
    query = parse_qs(urlparse(fig.report.num_url).query)
    assert query["reported"] == ["yes"]
    body = client_of(w.city_staff).get(fig.report.num_url).content.decode()
    assert "甲代表" in body and "乙代表" not in body


def test_the_figures_page_and_its_list_export_to_excel(scored):
    w = scored
    c = client_of(w.staff)
    page = c.get(reverse("performance:figures"), {"year": 2025})
    assert page.status_code == 200
    body = page.content.decode()
    assert "大会审议发言" in body and "述职率" in body
    url = reverse("performance:figures_list")
    params = {"year": 2025, "root": w.district.pk, "item": w.speech.pk, "outcome": "short"}
    listed = c.get(url, params).content.decode()
    assert "乙代表" in listed and "甲代表" not in listed
    response = c.get(url, params | {"format": "xlsx"})
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert "2025" in rows[0][0] and rows[1][0] == "姓名"
    names = sorted(r[0] for r in rows[2:])
    assert names == ["丁代表", "丙代表", "乙代表"]
    b = next(r for r in rows[2:] if r[0] == "乙代表")
    assert "大会审议发言（差2次）" in b[4]  # elected in July: 0 of the pro-rated 2
    assert Event.objects.filter(kind=EXPORT, actor=w.staff, payload__list="performance_figures").exists()


def test_only_staff_and_chairs_read_figures_and_only_of_their_tree(scored):
    w = scored
    assert client_of(w.a_user).get(reverse("performance:figures")).status_code == 403
    assert client_of(w.a_user).get(reverse("performance:figures_list")).status_code == 403
    # the sibling's staff cannot point the page at another tree: it shows its own
    c = client_of(w.other_staff)
    body = c.get(reverse("performance:figures_list"), {"root": w.district.pk, "year": 2025}).content.decode()
    assert "甲代表" not in body and "外区代表" in body
    body = c.get(reverse("performance:figures"), {"root": w.district.pk}).content.decode()
    assert w.district.name not in body
    anonymous = Client().get(reverse("performance:figures"))
    assert anonymous.status_code == 302


def test_odd_filters_never_fail(scored):
    c = client_of(scored.staff)
    for params in (
        {"item": "x", "outcome": "maybe", "stars": "9", "group": "none", "station": "none", "reported": "no"},
        {"item": "all", "outcome": "met", "stars": "any", "year": "9999"},
        {"root": "²", "congress": "-1", "group": "a\x00b"},
    ):
        assert c.get(reverse("performance:figures_list"), params).status_code == 200
        assert c.get(reverse("performance:figures"), params).status_code == 200


def test_the_figures_page_keeps_a_fixed_number_of_queries(scored, django_assert_max_num_queries):
    c = client_of(scored.city_staff)
    c.get(reverse("performance:figures"), {"year": 2025})
    with django_assert_max_num_queries(40):
        assert c.get(reverse("performance:figures"), {"year": 2025}).status_code == 200
