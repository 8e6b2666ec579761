"""The dashboards' figures on the demo city: levels add up, the summary equals a live recomputation, a change
shows after the refresh, each number's list is as long as the number, and reading costs a few queries."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from lvzhi.dashboards import figures as F
from lvzhi.dashboards.tasks import refresh_dashboards
from lvzhi.demo.city import DEMO_CITY_CONGRESS
from lvzhi.org.models import Congress, Mandate
from lvzhi.suggestions import figure_columns
from lvzhi.suggestions.models import Evaluation, Suggestion

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
THIS_YEAR = F.Period.default()
# Another period across the turn of the year, and last year (whose yearly figures are last year's).
OTHER = F.Period(dt.date(TODAY.year - 1, 11, 1), dt.date(TODAY.year, 10, 1))
LAST_YEAR = F.Period(dt.date(TODAY.year - 1, 1, 1), dt.date(TODAY.year - 1, 12, 1))


@pytest.fixture
def city():
    return Congress.objects.get(name=DEMO_CITY_CONGRESS, parent__isnull=True)


def regions(city):
    return [city, *Congress.objects.filter(parent=city).order_by("path")]


def pairs(values):
    return {k: (v.numerator, v.denominator) for k, v in values.items()}


def test_a_period_reads_whole_months_and_falls_back_to_this_year_on_bad_input():
    default = F.Period.default()
    assert default.since == dt.date(TODAY.year, 1, 1) and default.until == TODAY.replace(day=1)
    p = F.Period.parse({"since": "2025-03", "until": "2025-05"})
    assert p.months() == [dt.date(2025, 3, 1), dt.date(2025, 4, 1), dt.date(2025, 5, 1)]
    assert p.params() == {"since": "2025-03", "until": "2025-05"} and p.last_day == dt.date(2025, 5, 31)
    for bad in ({"since": "2025-13"}, {"since": "2025-06", "until": "2025-01"}, {"until": "x"}):
        assert F.Period.parse(bad) == default
    assert F.Period.parse({"until": "2025-04"}).since == dt.date(2025, 1, 1)
    # the future is not counted yet: the period ends this month; more than five years is refused
    assert F.Period.parse({"until": f"{TODAY.year + 1}-03"}) == default
    assert F.Period.parse({"since": "2015-01", "until": "2019-12"}).months()[-1] == dt.date(2019, 12, 1)
    assert F.Period.parse({"since": "2015-01", "until": "2020-01"}) == default


def test_compliance_of_a_year_the_summary_does_not_keep_reads_not_kept_in_summary_and_live(city):
    old = F.Period(dt.date(TODAY.year - 5, 1, 1), dt.date(TODAY.year - 5, 12, 1))
    assert not F.keeps_compliance(old) and F.keeps_compliance(LAST_YEAR)
    for source in (F, F.live):
        v = source.headline(city, old)["compliance"]
        assert (v.numerator, v.denominator, v.rate) == (0, 0, None)
    assert F.list_url("compliance", "num", city, old) is None
    assert F.list_url("compliance", "num", city, LAST_YEAR) is not None


@pytest.mark.parametrize("period", [THIS_YEAR, OTHER], ids=["this-year", "other"])
def test_a_region_is_its_own_level_plus_its_children_for_every_count_numerator_and_denominator(city, period):
    for region in regions(city):
        head = F.headline(region, period)
        rows = F.by_child(region, period)
        assert rows[0].congress is None and [r.congress for r in rows[1:]] == list(
            Congress.objects.filter(parent=region).order_by("path")
        )
        assert pairs(F.total(rows)) == pairs(head), region.name
        for v in F.total(rows).values():
            assert v.rate == (round(100 * v.numerator / v.denominator, 1) if v.denominator else None)
        # the months add up to the period's flows
        months = F.total(F.Row("", None, values) for _m, values in F.by_month(region, period))
        assert pairs(months) == {k: pairs(head)[k] for k in F.FLOW_KEYS}
    head = F.headline(city, THIS_YEAR)
    assert head["deputies"].numerator > 0 and head["satisfied_first"].denominator > 0


def test_the_demos_suggestions_carry_the_figure_columns_their_records_say(city):
    # The demo runs every suggestion through the services: each writer kept the columns the figures read.
    assert figure_columns.out_of_date() == []
    assert Suggestion.objects.filter(first_rating=Suggestion.FirstRating.DISSATISFIED).exists()


@pytest.mark.parametrize("period", [THIS_YEAR, OTHER, LAST_YEAR], ids=["this-year", "other", "last-year"])
def test_the_summary_equals_a_live_recomputation(city, period):
    district = Congress.objects.filter(parent=city).order_by("path").first()
    for region in (city, district):
        for name in ("headline", "by_month", "by_child", "by_station", "by_unit"):
            assert getattr(F, name)(region, period) == getattr(F.live, name)(region, period), (region, name)
    assert F.by_station(district, period)
    if period is not LAST_YEAR:
        assert F.by_unit(city, period) and F.headline(city, period)["opinions"].numerator


@pytest.mark.parametrize("period", [THIS_YEAR, OTHER], ids=["this-year", "other"])
def test_a_districts_headline_equals_the_apps_own_figures(city, period):
    """Counted apart from the dashboards' code: each app's own figures page (or list) over the district."""
    from lvzhi.opinions import stats as opinion_stats
    from lvzhi.performance import figures as performance_figures
    from lvzhi.performance.models import Participation
    from lvzhi.stations.models import Station
    from lvzhi.stations.selectors_reception import unassigned_deputies
    from lvzhi.suggestions import stats as suggestion_stats
    from lvzhi.suggestions.selectors import suggestion_list_visible_to

    chair = get_user_model().objects.get(username="city_chair")
    district = Congress.objects.filter(parent=city).order_by("path").first()
    head = pairs(F.headline(district, period))
    tree = {"congress__path__startswith": district.path}

    scope = suggestion_stats.FigureScope(
        district, include_lower=True, since=period.since, until=period.last_day
    )
    qs = suggestion_stats.scoped(suggestion_list_visible_to(user=chair), scope)
    sug = suggestion_stats.compute(qs, day=TODAY, congress=district)
    for key, figure in F.SUGGESTION_KEYS.items():
        if key != "assigned":
            assert head[key] == (sug.get(figure).numerator, sug.get(figure).denominator), key

    scope = opinion_stats.FigureScope(district, since=period.since, until=period.last_day)
    qs = opinion_stats.scoped(opinion_stats.opinions_for_figures(user=chair), scope)
    ops = opinion_stats.compute(qs, scope=scope, day=TODAY).total
    assert head["opinions"][0] == ops["collected"].numerator > 0
    assert head["opinions_solved"] == (ops["solved"].numerator, ops["solved"].denominator)

    deputies = Mandate.objects.current(TODAY).filter(**tree).count()
    in_none = unassigned_deputies(user=chair).filter(**tree).count()
    assert head["deputies"][0] == deputies > 0
    assert head["in_stations"] == (deputies - in_none, deputies)
    assert head["stations"][0] == Station.objects.filter(is_active=True, **tree).count()
    confirmed = Participation.objects.filter(
        status=Participation.Status.CONFIRMED, date__gte=period.since, date__lte=period.last_day, **tree
    )
    assert head["activities"][0] == confirmed.count()
    f = performance_figures.Filters(year=period.year, root=district)
    overall = performance_figures.compute(user=chair, f=f).overall
    assert head["compliance"] == (overall.num, overall.den)


def test_a_change_shows_once_the_summary_is_refreshed(city):
    before = F.headline(city, THIS_YEAR)["satisfied_first"]
    rating = (
        Evaluation.objects.filter(
            stage=Evaluation.Stage.REPLY,
            reply__round=1,
            rating=Evaluation.Rating.SATISFIED,
            reply__suggestion__received_on__gte=THIS_YEAR.since,
            reply__suggestion__congress__path__startswith=city.path,
        )
        .exclude(reply__suggestion__replies__evaluations__rating=Evaluation.Rating.DISSATISFIED)
        .first()
    )
    Evaluation.objects.filter(pk=rating.pk).update(rating=Evaluation.Rating.DISSATISFIED)
    figure_columns.keep(rating.reply.suggestion)  # as the rating service does in its transaction

    assert F.headline(city, THIS_YEAR)["satisfied_first"] == before  # the summary is as it was
    assert F.live.headline(city, THIS_YEAR)["satisfied_first"].numerator == before.numerator - 1
    stamp = F.refreshed_at()
    refresh_dashboards()  # the periodic job (Huey runs it at once in tests)
    after = F.headline(city, THIS_YEAR)["satisfied_first"]
    assert (after.numerator, after.denominator) == (before.numerator - 1, before.denominator)
    assert F.refreshed_at() > stamp


def test_the_command_rebuilds_the_summary(city, capsys):
    call_command("refresh_dashboards")
    assert "dashboards refreshed at" in capsys.readouterr().out
    assert F.headline(city, THIS_YEAR) == F.live.headline(city, THIS_YEAR)


def listed(client, url) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    # The suggestions' list renders its table once (a cached body): its context holds the count alone.
    if "count" in response.context:
        return response.context["count"]
    return response.context["page"].paginator.count


def test_each_number_links_to_a_list_as_long_as_it(city):
    client = Client()
    client.force_login(get_user_model().objects.get(username="city_chair"))
    period = THIS_YEAR
    head = F.headline(city, period)
    for key in ("suggestions", "satisfied_first", "closed", "opinions", "opinions_solved", "compliance"):
        v = head[key]
        assert listed(client, F.list_url(key, "num", city, period)) == v.numerator, key
        if not v.is_count:
            assert listed(client, F.list_url(key, "den", city, period)) == v.denominator, key
            assert listed(client, F.list_url(key, "miss", city, period)) == v.miss, key
    # the chair's three clicks: the city's satisfaction → a unit → its dissatisfied replies
    unit = next(u for u in F.by_unit(city, period) if u.dissatisfied)
    url = F.list_url("satisfied_first", "miss", city, period, unit_id=unit.unit_id)
    assert listed(client, url) == unit.dissatisfied
    assert listed(client, F.list_url("assigned", "num", city, period, unit_id=unit.unit_id)) == unit.assigned
    # the own level (本级) and a station
    own = F.by_child(city, period)[0].values
    assert (
        listed(client, F.list_url("suggestions", "num", city, period, own=True))
        == own["suggestions"].numerator
    )
    assert listed(client, F.list_url("opinions", "num", city, period, own=True)) == own["opinions"].numerator
    assert (
        listed(client, F.list_url("in_stations", "miss", city, period, own=True)) == own["in_stations"].miss
    )
    assert listed(client, F.list_url("deputies", "num", city, period, own=True)) == own["deputies"].numerator
    district = Congress.objects.filter(parent=city).order_by("path").first()
    row = max(F.by_station(district, period), key=lambda r: r.values["opinions"].numerator)
    url = F.list_url("opinions", "num", district, period, station_id=row.station.pk)
    assert listed(client, url) == row.values["opinions"].numerator > 0
    assert F.list_url("deputies", "num", district, period, station_id=row.station.pk).endswith(
        f"/{row.station.pk}/"
    )
    assert F.list_url("suggestions", "miss", city, period) is None  # a count misses nothing
    assert F.list_url("nonsense", "num", city, period) is None


def test_reading_costs_a_few_queries_whatever_the_region(city, django_assert_max_num_queries):
    district = Congress.objects.filter(parent=city).order_by("path").first()
    for region in (city, district):
        with django_assert_max_num_queries(1):
            F.headline(region, THIS_YEAR)
        with django_assert_max_num_queries(1):
            F.by_month(region, THIS_YEAR)
        with django_assert_max_num_queries(2):
            F.by_child(region, THIS_YEAR)
        with django_assert_max_num_queries(2):
            F.by_station(region, THIS_YEAR)
        with django_assert_max_num_queries(2):
            F.by_unit(region, THIS_YEAR)
        with django_assert_max_num_queries(1):
            F.refreshed_at()
