"""The "341 311" preset evaluated on a small world: counts, minimums, fair denominators, stars; and rule
edits that apply to the next evaluation, recorded."""

from __future__ import annotations

import datetime as dt

import pytest

from lvzhi.core.errors import ServiceError
from lvzhi.core.models import Event
from lvzhi.org.models import MandateLeave
from lvzhi.performance import events, kinds
from lvzhi.performance.evaluation import days_served, evaluate, required_minimum
from lvzhi.performance.models import Participation, RuleItem, RuleSet
from lvzhi.performance.services.activities import activity_register_for_participants
from lvzhi.performance.services.common import kind_by_code
from lvzhi.performance.services.rules import (
    activity_kind_add,
    preset_apply,
    rule_item_add,
    rule_item_remove,
    rule_item_update,
    rule_set_update,
    star_rule_update,
)

TODAY = dt.datetime(2026, 1, 10, 10, 0)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(TODAY, tick=False)


def held(w, code, day, *mandates, n=1):
    for i in range(n):
        activity_register_for_participants(
            actor=w.staff,
            congress=w.district,
            kind=kind_by_code(code),
            date=day + dt.timedelta(days=i),
            title=f"{code} {i}",
            mandates=list(mandates),
        )


def by_name(result):
    return {i.name: i for i in result.items}


def test_pro_rating_is_a_ceiling_of_the_days_served():
    assert required_minimum(4, 365, 365) == 4
    assert required_minimum(4, 184, 365) == 3  # 4 × 184 / 365 = 2.02 → 3
    assert required_minimum(3, 0, 365) == 0
    assert required_minimum(1, 1, 365) == 1
    leaves = [(dt.date(2025, 1, 1), dt.date(2025, 3, 31)), (dt.date(2025, 3, 1), dt.date(2025, 4, 10))]
    # Overlapping leaves are not taken off twice: 1 Jan – 10 Apr is 100 days.
    assert days_served(dt.date(2025, 1, 1), dt.date(2025, 12, 31), dt.date(2022, 1, 1), None, leaves) == 265


def test_the_341311_preset_on_a_small_world(world):
    preset_apply(actor=world.staff, congress=world.district, preset="cq341311")
    held(world, kinds.SPEECH, dt.date(2025, 1, 15), world.a, world.c, n=3)
    held(world, kinds.INSPECTION, dt.date(2025, 8, 1), world.a, world.b, world.c, n=2)
    held(world, kinds.RESEARCH, dt.date(2025, 9, 1), world.a, n=2)
    held(world, kinds.TRAINING, dt.date(2024, 6, 1), world.a, n=3)  # an earlier year of the term counts
    held(world, kinds.SPEECH, dt.date(2024, 1, 15), world.c, n=3)  # last year's speeches do not
    results = {r.mandate_id: r for r in evaluate(mandates=[world.a, world.b, world.c], year=2025)}

    a = by_name(results[world.a.pk])
    assert [(i.count, i.required, i.met) for i in a.values()] == [
        (3, 3, True),
        (4, 4, True),
        (0, 1, False),
        (3, 3, True),
        (0, 1, False),
        (0, 1, False),
    ]
    assert a["提出议案建议"].short_by == 1 and a["闭会期间活动"].period == "year"

    # b was elected on 1 July 2025: 184 of 365 days → ceil(3×184/365)=2 speeches, ceil(4×184/365)=3 recess.
    b = by_name(results[world.b.pk])
    assert (b["大会审议发言"].required, b["大会审议发言"].short_by, b["大会审议发言"].prorated) == (
        2,
        2,
        True,
    )
    assert (b["闭会期间活动"].count, b["闭会期间活动"].required, b["闭会期间活动"].short_by) == (2, 3, 1)
    # c was on approved leave January–March 2025 (90 days): 275 days served → ceil(4×275/365) = 4, ceil(3×275/365)=3.
    c = by_name(results[world.c.pk])
    assert c["大会审议发言"].days_served == 275 and c["大会审议发言"].required == 3
    assert (c["闭会期间活动"].count, c["闭会期间活动"].required) == (2, 4)
    assert (
        c["参加培训"].period == "term"
        and c["参加培训"].days_in_period == (dt.date(2026, 12, 31) - dt.date(2022, 1, 1)).days + 1
    )


def test_only_confirmed_activities_count(world):
    from lvzhi.performance.services.activities import activity_register

    preset_apply(actor=world.staff, congress=world.district, preset="cq341311")
    for i in range(3):
        activity_register(
            actor=world.a_user,
            mandate=world.a,
            kind=kind_by_code(kinds.SPEECH),
            date=dt.date(2025, 1, 15 + i),
            title="审议发言",
        )
    (result,) = evaluate(mandates=[world.a], year=2025)
    assert by_name(result)["大会审议发言"].count == 0
    Participation.objects.filter(mandate=world.a).update(status="confirmed")
    (result,) = evaluate(mandates=[world.a], year=2025)
    assert by_name(result)["大会审议发言"].count == 3


def test_a_city_rule_set_holds_the_districts_deputies_unless_the_district_has_its_own(world):
    preset_apply(actor=world.city_staff, congress=world.city, preset="cq341311")
    (r,) = evaluate(mandates=[world.x], year=2025)
    assert len(r.items) == 6 and r.rule_set_id == RuleSet.objects.get(congress=world.city).pk
    own = preset_apply(actor=world.other_staff, congress=world.sibling, preset="cq341311")
    rule_item_remove(actor=world.other_staff, item=own.items.first())
    (r,) = evaluate(mandates=[world.x], year=2025)
    assert len(r.items) == 5 and r.rule_set_id == own.pk


def test_rule_edits_apply_to_the_next_evaluation_and_are_recorded(world):
    rs = preset_apply(actor=world.staff, congress=world.district, preset="cq341311")
    speech = rs.items.get(name="大会审议发言")
    held(world, kinds.SPEECH, dt.date(2025, 1, 15), world.a, n=2)
    (r,) = evaluate(mandates=[world.a], year=2025)
    assert not by_name(r)["大会审议发言"].met
    rule_item_update(
        actor=world.staff,
        item=speech,
        name="大会审议发言",
        kinds=[kind_by_code(kinds.SPEECH)],
        minimum=2,
        period="year",
    )
    (r,) = evaluate(mandates=[world.a], year=2025)
    assert by_name(r)["大会审议发言"].met
    rs.refresh_from_db()
    assert rs.version == 2
    e = Event.objects.get(kind=events.RULE_ITEM_CHANGED, congress=world.district)
    assert e.payload["changes"] == {"minimum": [3, 2]} and e.actor == world.staff


def test_an_item_for_grassroots_deputies_only(world):
    rs = preset_apply(actor=world.staff, congress=world.district, preset="cq341311")
    world.a.is_grassroots = True
    world.a.save()
    rule_item_add(
        actor=world.staff,
        rule_set=rs,
        name="列席常委会会议",
        kinds=[kind_by_code(kinds.ATTEND_SC)],
        minimum=1,
        period="term",
        applies_to=RuleItem.Applies.GRASSROOTS,
    )
    results = {r.mandate_id: r for r in evaluate(mandates=[world.a, world.c], year=2025)}
    assert "列席常委会会议" in by_name(results[world.a.pk])
    assert "列席常委会会议" not in by_name(results[world.c.pk])


def test_rule_refusals(world):
    rs = preset_apply(actor=world.staff, congress=world.district, preset="cq341311")
    with pytest.raises(ServiceError) as exc:
        preset_apply(actor=world.other_staff, congress=world.district, preset="cq341311")
    assert exc.value.code == "not_permitted"
    with pytest.raises(ServiceError) as exc:
        preset_apply(actor=world.a_user, congress=world.district, preset="cq341311")
    assert exc.value.code == "not_permitted"
    with pytest.raises(ServiceError) as exc:
        preset_apply(actor=world.staff, congress=world.district, preset="nope")
    assert exc.value.code == "preset_unknown"
    base = {
        "actor": world.staff,
        "rule_set": rs,
        "name": "x",
        "kinds": [kind_by_code(kinds.SPEECH)],
        "period": "year",
    }
    for minimum in (0, 1000, "3"):
        with pytest.raises(ServiceError) as exc:
            rule_item_add(minimum=minimum, **base)
        assert exc.value.field == "minimum"
    with pytest.raises(ServiceError) as exc:
        rule_item_add(**{**base, "kinds": []}, minimum=1)
    assert exc.value.field == "kinds"
    with pytest.raises(ServiceError) as exc:
        rule_item_add(**base, minimum=1, applies_to="level")
    assert exc.value.field == "level"
    with pytest.raises(ServiceError) as exc:
        rule_set_update(actor=world.other_staff, rule_set=rs, name="x", effective_from=dt.date(2026, 1, 1))
    assert exc.value.code == "not_permitted"


def test_applying_a_preset_again_replaces_the_active_set(world):
    first = preset_apply(actor=world.staff, congress=world.district, preset="cq341311")
    second = preset_apply(actor=world.staff, congress=world.district, preset="cq341311")
    first.refresh_from_db()
    assert not first.is_active and second.is_active
    assert Event.objects.filter(kind=events.PRESET_APPLIED).last().payload["replaced"] in ([], [first.pk])


def test_a_congress_adds_its_own_kind_and_counts_it_as_recess(world):
    kind = activity_kind_add(actor=world.staff, congress=world.district, name="走访企业", is_recess=True)
    rs = preset_apply(actor=world.staff, congress=world.district, preset="cq341311")
    assert kind in rs.items.get(name="闭会期间活动").kinds.all()
    with pytest.raises(ServiceError) as exc:
        activity_kind_add(actor=world.staff, congress=world.district, name="走访企业")
    assert exc.value.code == "kind_exists"
    with pytest.raises(ServiceError) as exc:
        activity_kind_add(actor=world.other_staff, congress=world.district, name="别的")
    assert exc.value.code == "not_permitted"


def test_stars(world):
    rs = preset_apply(actor=world.staff, congress=world.district, preset="stars5")
    held(world, kinds.GOOD_DEED, dt.date(2025, 3, 1), world.a, n=2)  # 3 points each
    (r,) = evaluate(mandates=[world.a], year=2025)
    assert (r.points, r.stars) == (6, 1)
    star_rule_update(
        actor=world.staff,
        rule_set=rs,
        period="year",
        thresholds=[1, 2, 3, 4, 6],
        points={kind_by_code(kinds.GOOD_DEED).pk: 3},
    )
    (r,) = evaluate(mandates=[world.a], year=2025)
    assert (r.points, r.stars) == (6, 5)
    with pytest.raises(ServiceError) as exc:
        star_rule_update(actor=world.staff, rule_set=rs, period="year", thresholds=[3, 2, 4, 5, 6], points={})
    assert exc.value.code == "bad_thresholds"


def test_leave_outside_the_year_does_not_reduce_it(world):
    preset_apply(actor=world.staff, congress=world.district, preset="cq341311")
    MandateLeave.objects.create(
        mandate=world.a, start_date=dt.date(2024, 1, 1), end_date=dt.date(2024, 6, 30), reason="x"
    )
    (r,) = evaluate(mandates=[world.a], year=2025)
    assert not by_name(r)["大会审议发言"].prorated


def test_evaluation_runs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    preset_apply(actor=world.staff, congress=world.district, preset="cq341311")
    preset_apply(actor=world.staff, congress=world.district, preset="stars5")
    held(world, kinds.SPEECH, dt.date(2025, 1, 15), world.a, world.b, world.c, n=2)
    from lvzhi.org.models import Mandate

    with django_assert_max_num_queries(12):
        evaluate(mandates=Mandate.objects.filter(congress=world.district), year=2025)


def test_results_are_stored_and_replaced(world):
    from lvzhi.performance.models import EvaluationResult
    from lvzhi.performance.services.results import evaluation_store

    preset_apply(actor=world.staff, congress=world.district, preset="cq341311")
    held(world, kinds.SPEECH, dt.date(2025, 1, 15), world.a, n=3)
    n = evaluation_store(actor=world.staff, congress=world.district, year=2025)
    assert n == 4 * 6  # four deputies of the district, six items
    row = EvaluationResult.objects.get(mandate=world.a, item__name="大会审议发言")
    assert (row.count, row.required, row.met, row.rule_set_version) == (3, 3, True, 1)
    assert evaluation_store(actor=world.staff, congress=world.district, year=2025) == n
    assert EvaluationResult.objects.filter(congress=world.district).count() == n
    with pytest.raises(ServiceError):
        evaluation_store(actor=world.other_staff, congress=world.district, year=2025)
