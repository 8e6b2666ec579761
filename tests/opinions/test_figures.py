"""The figures of citizens' opinions: numerator over denominator, levels that add up, a list behind each
number that has exactly that many opinions, the Excel export that leaves out names and phones unless the
exporting staff handle the opinion's congress, and a district's staff who see their district only."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from lvzhi.core.models import Event
from lvzhi.opinions.models import Opinion
from lvzhi.opinions.services.citizen import opinion_rate
from lvzhi.opinions.services.handling import opinion_reply, opinion_solve
from lvzhi.opinions.services.hotline import hotline_import
from lvzhi.opinions.stats import FIGURES
from lvzhi.org.models import Congress, Mandate
from tests.scope_markers import EAST, WEST, login, user

pytestmark = pytest.mark.django_db

PLACE = "图表测试地点"
HEADER = "工单编号,受理时间,问题分类,事发地点,诉求内容,来电人,联系电话"


def _import_six(staff, congress) -> list[Opinion]:
    received = timezone.localtime() - dt.timedelta(days=5)
    lines = [
        f"F{i},{received:%Y-%m-%d %H:%M},交通,{PLACE},第{i}件测试工单,市民{i},1391111000{i}"
        for i in range(1, 7)
    ]
    upload = SimpleUploadedFile("f.csv", ("\n".join([HEADER, *lines]) + "\n").encode(), "text/csv")
    assert hotline_import(actor=staff, congress=congress, file=upload).saved
    return list(Opinion.objects.filter(place=PLACE).order_by("external_ref"))


@pytest.fixture
def six():
    staff = user("staff_a")
    east = Congress.objects.get(name=EAST)
    o1, o2, o3, o4, o5, o6 = _import_six(staff, east)
    today = timezone.localdate()
    now = timezone.now()
    # o1 was due yesterday and is not acknowledged; o2 was acknowledged before its day; o3's day is to come.
    Opinion.objects.filter(pk=o1.pk).update(ack_due_on=today - dt.timedelta(days=1))
    Opinion.objects.filter(pk=o2.pk).update(ack_due_on=today + dt.timedelta(days=2), acknowledged_at=now)
    Opinion.objects.filter(pk=o3.pk).update(ack_due_on=today + dt.timedelta(days=2))
    # o4 solved; o5 solved and then rated satisfied; o6 answered and rated dissatisfied.
    opinion_solve(actor=staff, opinion=o4, what_was_done="已修复")
    opinion_solve(actor=staff, opinion=o5, what_was_done="已修复")
    opinion_rate(opinion=o5, score="satisfied")
    opinion_reply(actor=staff, opinion=o6, body="已转交有关部门")
    opinion_rate(opinion=o6, score="dissatisfied")
    for o, hours in ((o4, 48), (o5, 24), (o6, 24)):
        Opinion.objects.filter(pk=o.pk).update(
            ack_due_on=None, answered_at=o.created_at + dt.timedelta(hours=hours)
        )
    return east


def _values(client, **params) -> dict:
    response = client.get(reverse("opinion_figures:index"), params)
    assert response.status_code == 200
    return response.context["result"]


def test_each_figure_is_a_numerator_over_a_denominator(six):
    client = login(user("staff_a"))
    total = _values(client, congress=six.pk, place=PLACE).total
    pairs = {k: (v.numerator, v.denominator) for k, v in total.items()}
    assert pairs["collected"] == (6, 6)
    assert pairs["acknowledged_on_time"] == (1, 2)
    assert pairs["solved"] == (2, 6)  # solved, and rated after being solved; not the one only answered
    assert pairs["satisfied"] == (1, 2)
    assert pairs["first_answer"] == (96.0, 3) and total["first_answer"].days == 1.3


def test_each_number_opens_a_list_of_exactly_that_many(six):
    client = login(user("staff_a"))
    total = _values(client, congress=six.pk, place=PLACE).total
    for v in total.values():
        listed = client.get(v.den_url)
        assert listed.status_code == 200
        assert listed.context["page"].paginator.count == v.denominator, v.key
        if not v.is_average:
            assert client.get(v.num_url).context["page"].paginator.count == v.numerator, v.key


def test_the_districts_add_up_to_the_city():
    client = login(user("city_staff"))
    result = _values(client)
    assert len(result.districts) >= 2
    for f in FIGURES:
        d = sum(g.values[f.key].denominator for g in result.districts)
        n = sum(g.values[f.key].numerator for g in result.districts)
        assert d == result.total[f.key].denominator, f.key
        assert abs(n - result.total[f.key].numerator) < 0.1 * len(result.districts) + 0.01, f.key
    months = sum(g.values["collected"].numerator for g in result.months)
    assert months == result.total["collected"].numerator
    deputy_a = user("deputy_a")
    assert any(g.key == deputy_a.person_id for g in result.deputies)


def test_a_district_s_staff_see_their_district_only():
    client = login(user("staff_a"))
    west = Congress.objects.get(name=WEST)
    result = _values(client, congress=west.pk)  # a sibling's congress: falls back to the own
    assert result.districts and all(
        Congress.objects.get(pk=g.key).path.startswith(Congress.objects.get(name=EAST).path)
        for g in result.districts
    )
    b_mandate = Mandate.objects.filter(person__account__username="deputy_b").first()
    response = client.get(reverse("opinion_figures:index"), {"person": b_mandate.person_id})
    assert response.context["result"].total["collected"].numerator == 0
    assert b_mandate.person.name not in response.content.decode()
    listed = client.get(reverse("opinion_figures:list"), {"district": west.pk})
    assert listed.context["page"].paginator.count == 0


@pytest.mark.parametrize("username", ["deputy_a", "station_a", "handler_a", "member_a"])
def test_only_staff_and_chairs_read_the_figures(username):
    client = login(user(username))
    for name in (
        "opinion_figures:index",
        "opinion_figures:list",
        "opinion_figures:export",
        "opinion_hotline:trends",
    ):
        assert client.get(reverse(name)).status_code == 403, name


def test_a_chair_reads_the_figures_of_the_district():
    response = login(user("chair_a")).get(reverse("opinion_figures:index"))
    assert response.status_code == 200
    assert response.context["congress"].name == EAST


def _export(client, **params):
    from openpyxl import load_workbook

    response = client.get(reverse("opinion_figures:export") + "?" + urlencode(params))
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    return rows


def test_the_export_carries_names_and_phones_only_for_the_handling_staff(six):
    params = {"congress": six.pk, "place": PLACE, "figure": "collected", "part": "num"}
    before = Event.objects.filter(kind="security.export").count()
    rows = _export(login(user("staff_a")), **params)
    assert len(rows) == 6
    assert {r[-2] for r in rows} == {f"市民{i}" for i in range(1, 7)}
    assert all(r[-1] and r[-1].startswith("1391111000") for r in rows)
    # The city's staff read the district but do not handle it; the chair handles nothing.
    city = Congress.objects.get(name="示范市人民代表大会")
    for username, congress in (("city_staff", city), ("chair_a", six)):
        rows = _export(login(user(username)), **{**params, "congress": congress.pk})
        assert len(rows) == 6 and all(r[-2] is None and r[-1] is None for r in rows), username
    exports = list(Event.objects.filter(kind="security.export").order_by("pk")[before:])
    assert len(exports) == 3 and all(e.is_security for e in exports)
    assert [e.payload["personal_rows"] for e in exports] == [6, 0, 0]
    assert "市民1" not in str([e.payload for e in exports])


def test_the_list_page_shows_no_name_and_no_phone(six):
    response = login(user("staff_a")).get(
        reverse("opinion_figures:list"), {"congress": six.pk, "place": PLACE, "figure": "collected"}
    )
    body = response.content.decode()
    assert "F1" in body and "市民1" not in body and "13911110001" not in body


def test_the_figures_page_takes_a_fixed_number_of_queries(django_assert_max_num_queries):
    client = login(user("city_staff"))
    client.get(reverse("opinion_figures:index"))  # warm the session and the scope
    with django_assert_max_num_queries(25):
        assert client.get(reverse("opinion_figures:index")).status_code == 200


def test_per_district_month_deputy_and_station_each_number_opens_its_list_and_its_export():
    client = login(user("city_staff"))
    result = _values(client)
    for group in ("districts", "months", "deputies", "stations"):
        rows = getattr(result, group)
        assert rows, group
        row = max(rows, key=lambda r: r.values["collected"].numerator)
        for key in ("collected", "solved"):
            value = row.values[key]
            listed = client.get(value.num_url)
            assert listed.status_code == 200 and listed.context["page"].paginator.count == value.numerator
            assert listed.context["export_url"] in listed.content.decode().replace("&amp;", "&")
            exported = _export(client, **dict(listed.context["request"].GET.items()))
            assert len(exported) == value.numerator, (group, key)


def test_the_solve_step_marks_the_opinion_solved_for_good_and_closing_does_not(six):
    """The solved figure reads Opinion.solved_at: the solve step sets it in its transaction, the citizen's
    rating keeps it, closing never sets it, and the migration rebuilds it from the steps' events."""
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    from lvzhi.opinions.services.handling import opinion_close

    solved = {o.external_ref: o for o in Opinion.objects.filter(place=PLACE)}
    assert solved["F4"].solved_at is not None and solved["F5"].state == "rated" and solved["F5"].solved_at
    assert solved["F6"].solved_at is None  # answered and rated, never solved
    closed = opinion_close(actor=user("staff_a"), opinion=solved["F1"], reason="重复反映")
    closed.refresh_from_db()
    assert closed.state == "closed" and closed.solved_at is None
    client = login(user("staff_a"))
    assert _values(client, congress=six.pk, place=PLACE).total["solved"].numerator == 2

    expected = dict(Opinion.objects.filter(place=PLACE).values_list("pk", "solved_at"))
    Opinion.objects.filter(place=PLACE).update(solved_at=None)
    migration = importlib.import_module("lvzhi.opinions.migrations.0003_solved_at")
    migration.backfill(apps, SimpleNamespace(connection=connection))
    rebuilt = dict(Opinion.objects.filter(place=PLACE).values_list("pk", "solved_at"))
    assert {pk for pk, at in rebuilt.items() if at} == {pk for pk, at in expected.items() if at}
    # The step's event is recorded a moment after the column is set.
    assert all(abs(rebuilt[pk] - at) < dt.timedelta(seconds=1) for pk, at in expected.items() if at)
