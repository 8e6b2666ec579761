"""Coverage: pairs with no contact this quarter, deputies no one reached this year, pairs below the yearly
minimum (the congress's contacts_per_year setting, pro-rated for part of a year) — counted exactly on 南港区,
which the demo leaves without contacts."""

import datetime as dt

import pytest
from django.utils import timezone

from lvzhi.liaison.contactors import Contactor
from lvzhi.liaison.models import Contact, Side
from lvzhi.liaison.selectors import (
    CoverageFilters,
    below_minimum,
    board,
    quarter_of,
    quiet_this_quarter,
    required_in,
    summaries,
    unreached,
)
from lvzhi.liaison.services.assignments import assignment_create
from lvzhi.liaison.services.contacts import ContactInput, contact_log
from lvzhi.org.models import Mandate
from lvzhi.org.services.settings import congress_setting_clear, congress_setting_set

from .conftest import user

pytestmark = pytest.mark.django_db


def _log(actor, contactor, day, mandates):
    return contact_log(
        actor=actor,
        contactor=contactor,
        data=ContactInput(
            date=day,
            mode=Contact.Mode.CALL,
            topic=f"电话沟通 {day.isoformat()}",
            place="",
            discussed="电话沟通近期履职情况和群众反映的问题。",
            mandates=tuple(mandates),
        ),
    )


@pytest.fixture
def world(south, south_staff, south_member, south_contactor, south_deputies):
    """Four deputies assigned to the member since long ago: d0 met this quarter and twice this year, d1 met once
    this year (before this quarter, if the quarter has begun), d2 never, d3 assigned and met only last year."""
    today = timezone.localdate()
    q_start, _q_end = quarter_of(today)
    long_ago = today - dt.timedelta(days=380)
    d0, d1, d2, d3 = south_deputies[:4]
    for m in (d0, d1, d2, d3):
        assignment_create(actor=south_staff, contactor=south_contactor, mandate=m, start_date=long_ago)
    jan = dt.date(today.year, 1, 1)
    early = max(jan, today - dt.timedelta(days=360))
    _log(south_member, south_contactor, today, [d0])
    _log(south_member, south_contactor, early, [d0, d1])
    last_year = jan - dt.timedelta(days=5)
    if last_year >= today - dt.timedelta(days=366):
        _log(south_member, south_contactor, last_year, [d3])
    return {"d": (d0, d1, d2, d3), "q_start": q_start, "today": today}


def test_pairs_with_no_contact_this_quarter(world, south_staff, south):
    d0, d1, d2, d3 = world["d"]
    rows = quiet_this_quarter(
        user=south_staff, filters=CoverageFilters(congress=south), quarter=quarter_of(world["today"])
    )
    quiet = {r.assignment.mandate_id for r in rows}
    assert d0.pk not in quiet and {d2.pk, d3.pk} <= quiet
    early = max(dt.date(world["today"].year, 1, 1), world["today"] - dt.timedelta(days=360))
    assert (d1.pk in quiet) == (early < world["q_start"])
    # A sibling district's staff read none of it.
    sibling = quiet_this_quarter(
        user=user("staff_a"), filters=CoverageFilters(congress=south), quarter=quarter_of(world["today"])
    )
    assert not sibling


def test_deputies_not_reached_this_year(world, south_staff, south):
    d0, d1, d2, d3 = world["d"]
    rows = unreached(user=south_staff, congress=south, year=world["today"].year)
    ids = {r.mandate.pk for r in rows}
    assert d0.pk not in ids and d1.pk not in ids and {d2.pk, d3.pk} <= ids
    serving = Mandate.objects.current().filter(congress=south).count()
    assert len(rows) == serving - 2
    assigned = unreached(user=south_staff, congress=south, year=world["today"].year, assigned="yes")
    assert {r.mandate.pk for r in assigned} == {d2.pk, d3.pk}
    assert all(r.member_count == 1 for r in assigned)
    none = unreached(user=south_staff, congress=south, year=world["today"].year, assigned="no")
    assert len(none) == serving - 4
    # By committees only: nobody was reached by a committee.
    assert (
        len(unreached(user=south_staff, congress=south, year=world["today"].year, side=Side.COMMITTEE))
        == serving
    )


def test_pairs_below_the_yearly_minimum_follow_the_setting(world, south_staff, south):
    d0, d1, d2, d3 = world["d"]
    year = world["today"].year
    rows = below_minimum(user=south_staff, filters=CoverageFilters(congress=south), year=year)
    short = {r.assignment.mandate_id: r for r in rows}
    assert set(short) == {d1.pk, d2.pk, d3.pk}
    assert short[d2.pk].short_by == 2 and short[d1.pk].short_by == 1 and short[d1.pk].year_count == 1
    congress_setting_set(actor=south_staff, congress=south, key="contacts_per_year", value=1)
    try:
        rows = below_minimum(user=south_staff, filters=CoverageFilters(congress=south), year=year)
        assert {r.assignment.mandate_id for r in rows} == {d2.pk, d3.pk}
        everyone = below_minimum(
            user=south_staff, filters=CoverageFilters(congress=south), year=year, show_all=True
        )
        assert len(everyone) == 4
    finally:
        congress_setting_clear(actor=south_staff, congress=south, key="contacts_per_year")


def test_the_board_and_the_summary(world, south_member, south_contactor, south):
    from lvzhi.liaison.selectors import assignments_visible_to

    d0, d1, d2, d3 = world["d"]
    rows = {r.assignment.mandate_id: r for r in board(assignments=assignments_visible_to(user=south_member))}
    assert (
        rows[d0.pk].year_count == 2
        and rows[d0.pk].quarter_count >= 1
        and rows[d0.pk].last_contact == world["today"]
    )
    assert rows[d2.pk].last_contact is None and not rows[d2.pk].met
    (summary,) = summaries(contactors=[south_contactor])
    assert summary.deputies == 4 and summary.reached_this_year == 2 and summary.below_minimum == 3
    assert summary.last_contact == world["today"]


def test_a_minimum_is_pro_rated_for_part_of_a_year(south_staff, south_contactor, south_deputies):
    today = timezone.localdate()
    a = assignment_create(
        actor=south_staff,
        contactor=south_contactor,
        mandate=south_deputies[0],
        start_date=dt.date(today.year, 7, 1) if dt.date(today.year, 7, 1) <= today else today,
    )
    days = (dt.date(today.year, 12, 31) - a.start_date).days + 1
    assert required_in(2, a, today.year) == -(-2 * days // (366 if today.year % 4 == 0 else 365))
    assert required_in(2, a, today.year - 1) == 0


def test_contactor_of_a_committee_is_counted_apart(south_staff, south):
    from lvzhi.org.models import Committee

    committee = Committee.objects.filter(congress=south, kind="special").first()
    contactor = Contactor(Side.COMMITTEE, south, committee=committee)
    (summary,) = summaries(contactors=[contactor])
    assert summary.deputies == 0 and summary.contacts_this_year == 0


def test_the_board_says_when_a_target_is_pro_rated(
    time_machine, south_staff, south_member, south_contactor, south_deputies
):
    """ "1 / 1" under a stated minimum of 2 a year is explained beside the row, in Chinese."""
    from django.test import Client
    from django.urls import reverse

    year = timezone.localdate().year
    time_machine.move_to(dt.datetime(year, 12, 15, 10, 0), tick=False)
    late, whole = south_deputies[:2]
    start = dt.date(year, 10, 1)
    assignment_create(actor=south_staff, contactor=south_contactor, mandate=late, start_date=start)
    assignment_create(
        actor=south_staff, contactor=south_contactor, mandate=whole, start_date=dt.date(year - 1, 6, 1)
    )
    client = Client()
    client.force_login(south_member)
    response = client.get(
        reverse("liaison:member", args=[south_member.person_id]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 200
    rows = {r.assignment.mandate_id: r for r in response.context["rows"]}
    assert rows[late.pk].prorated and rows[late.pk].required == 1 and not rows[whole.pk].prorated
    html = response.content.decode()
    assert f"自{start:%Y-%m-%d}起联系，按全年2次折算" in html
    assert html.count("按全年2次折算") == 1  # the whole-year row keeps its plain target
