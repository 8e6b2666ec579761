"""`lvzhi seed --opinions N --suggestions M`: generated citizens' opinions and suggestions whose figures
(lvzhi.opinions.stats, lvzhi.suggestions.stats) come out non-trivial and consistent, with the rows each
step of the real loop leaves."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import timezone

from lvzhi.core.models import Event
from lvzhi.opinions import stats as opinion_stats
from lvzhi.opinions.models import CitizenRating, ContactCode, Opinion, OpinionReply
from lvzhi.opinions.tokens import follow_key, key_hash, next_number
from lvzhi.org.models import Congress, Mandate, RoleAssignment
from lvzhi.suggestions import figure_columns
from lvzhi.suggestions import stats as suggestion_stats
from lvzhi.suggestions.models import (
    Assignment,
    Consultation,
    Disclosure,
    Evaluation,
    Reply,
    Signer,
    Suggestion,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    out = io.StringIO()
    call_command(
        "seed", "--deputies", "300", "--seed", "13", "--append", "--opinions", "2000", "--suggestions", "300",
        "--no-progress", stdout=out,
    )  # fmt: skip
    assert "2,000 opinions" in out.getvalue() and "300 suggestions" in out.getvalue()
    return Congress.objects.filter(parent__isnull=True).order_by("-pk").first()


def test_opinions_spread_over_deputies_stations_and_months_and_their_figures_add_up(seeded):
    top, day = seeded, timezone.localdate()
    ops = Opinion.objects.filter(congress__path__startswith=top.path)
    assert ops.count() == 2000
    assert ops.values("person").distinct().count() > 100
    assert ops.values("station").distinct().count() > 20
    assert set(ops.values_list("source", flat=True)) == {"qr", "station", "reception", "hotline", "staff"}
    months = {(c.year, c.month) for c in ops.values_list("created_at", flat=True)}
    assert len(months) > 40  # the term's months up to today
    # every deputy and station got a QR code, and the QR opinions came through one
    assert ContactCode.objects.filter(congress__path__startswith=top.path, mandate__isnull=False).count() == (
        Mandate.objects.filter(congress__path__startswith=top.path).count()
    )
    assert not ops.filter(source="qr", code=None).exists()

    scope = opinion_stats.FigureScope(congress=top)
    figures = opinion_stats.compute(opinion_stats.scoped(Opinion.objects.all(), scope), scope=scope, day=day)
    v = figures.total
    assert v["collected"].numerator == 2000
    rated = CitizenRating.objects.filter(opinion__in=ops).count()
    assert rated == ops.filter(state="rated").count() > 100
    assert 0 < v["satisfied"].numerator < v["satisfied"].denominator == rated
    # solved counts the ones rated after solving through their solve step in the history
    still_solved = ops.filter(state="solved").count()
    assert still_solved < v["solved"].numerator < v["collected"].numerator
    assert Event.objects.filter(kind="opinion.solve", congress__path__startswith=top.path).count() == (
        v["solved"].numerator
    )
    assert 0 < v["acknowledged_on_time"].numerator < v["acknowledged_on_time"].denominator
    assert v["first_answer"].denominator == OpinionReply.objects.filter(opinion__in=ops).count()
    # the levels add up: the districts' (each opinion's congress) counts sum to the total
    for key in ("collected", "solved", "satisfied"):
        assert sum(r.values[key].numerator for r in figures.districts) == v[key].numerator
        assert sum(r.values[key].denominator for r in figures.districts) == v[key].denominator
    # the rows a citizen meets: an assigned one has its unit and due date, a follow-up link opens the row
    assert not ops.filter(state="assigned_to_unit", unit=None).exists()
    assert not ops.filter(state="new", acknowledged_at__isnull=False).exists()
    o = ops.exclude(state="new").order_by("pk").first()
    assert key_hash(follow_key(o.follow_salt)) == o.follow_hash
    assert o.acknowledged_at >= o.created_at
    # the next opinion a citizen leaves gets the next tracking number and a fresh id
    assert next_number() not in set(Opinion.objects.values_list("number", flat=True))


def test_suggestions_run_their_loop_and_their_figures_are_consistent(seeded):
    top, day = seeded, timezone.localdate()
    sugg = Suggestion.objects.filter(congress__path__startswith=top.path)
    assert sugg.count() == 300
    states = dict(sugg.values_list("state").annotate(n=Count("pk")))
    assert states["closed"] > 100 and {"assigned", "replied", "promised", "withdrawn"} & set(states)
    # every lead unit belongs to the suggestion's own congress, one active lead each, handled by its own handler
    leads = Assignment.objects.filter(suggestion__in=sugg, role="lead").select_related("unit", "suggestion")
    assert leads.count() > 200
    assert all(a.unit.congress_id == a.suggestion.congress_id for a in leads)
    assert Assignment.objects.filter(suggestion__in=sugg, role="co").exists()
    for r in Reply.objects.filter(suggestion__in=sugg).select_related("assignment")[:100]:
        assert RoleAssignment.objects.filter(
            user_id=r.replied_by_id, role="unit_handler", unit=r.assignment.unit
        )
    # evaluations come from the deputies who signed; a second round only after a dissatisfied first
    signed = set(Signer.objects.filter(suggestion__in=sugg).values_list("suggestion_id", "mandate_id"))
    for suggestion_id, mandate_id in Evaluation.objects.filter(reply__suggestion__in=sugg).values_list(
        "reply__suggestion_id", "mandate_id"
    ):
        assert (suggestion_id, mandate_id) in signed
    for r in Reply.objects.filter(suggestion__in=sugg, round=2):
        assert Evaluation.objects.filter(
            reply__suggestion=r.suggestion_id, reply__round=1, rating="dissatisfied"
        )
    assert not sugg.filter(state="closed", closed_at=None).exists()
    assert Disclosure.objects.filter(suggestion__in=sugg, is_published=True).exists()
    assert Consultation.objects.filter(assignment__suggestion__in=sugg, method="phone").exists()

    scope = suggestion_stats.FigureScope(congress=top, include_lower=True)
    figures = suggestion_stats.compute(
        suggestion_stats.scoped(Suggestion.objects.all(), scope), day=day, congress=top
    )
    f = {v.key: v for v in figures.figures}
    assert f["submitted"].numerator == 300
    # written in bulk, without the services: the figures' columns were derived as the services would
    assert figure_columns.out_of_date(sugg) == []
    for key in ("replied_on_time", "solved", "face_to_face", "satisfied_first", "closed", "assigned_on_time"):
        assert 0 < f[key].numerator < f[key].denominator, key
    assert f["satisfied_first"].denominator <= f["solved"].denominator  # rated ≤ replied
    assert f["solved"].denominator == Reply.objects.filter(suggestion__in=sugg, round=1).count()
    assert sum(c.numerator for c in figures.classes) == f["solved"].denominator
    # the units' ranking adds up to the whole
    assert sum(u.values["face_to_face"].denominator for u in figures.units) == f["face_to_face"].denominator
    # numbered once per series
    numbered = sugg.exclude(number=None)
    assert numbered.values("congress", "series", "number").distinct().count() == numbered.count()


def test_seed_refuses_a_negative_number_of_opinions_or_suggestions():
    with pytest.raises(CommandError, match="--opinions"):
        call_command("seed", "--deputies", "60", "--append", "--opinions", "-1", stdout=io.StringIO())
    with pytest.raises(CommandError, match="--suggestions"):
        call_command("seed", "--deputies", "60", "--append", "--suggestions", "-5", stdout=io.StringIO())
