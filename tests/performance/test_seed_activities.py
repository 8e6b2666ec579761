"""`lvzhi seed --activities N`: generated data gets N performance activities over its deputies and terms,
the 341 311 rules and the star rating on its top congress, so it can be evaluated (bench/performance_eval.py)."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Min

from lvzhi.org.models import Congress, Mandate
from lvzhi.performance.evaluation import evaluate
from lvzhi.performance.models import Activity, Participation, RuleSet

pytestmark = pytest.mark.django_db


def test_seed_writes_activities_the_evaluation_counts():
    out = io.StringIO()
    call_command(
        "seed",
        "--deputies",
        "60",
        "--seed",
        "11",
        "--append",
        "--activities",
        "600",
        "--no-progress",
        stdout=out,
    )
    assert "600 activities" in out.getvalue()
    top = Congress.objects.filter(parent__isnull=True).order_by("-pk").first()
    tree = Congress.objects.filter(path__startswith=top.path)
    assert Activity.objects.filter(congress__in=tree).count() == 600
    parts = Participation.objects.filter(congress__in=tree)
    assert parts.count() >= 600
    statuses = dict(parts.values_list("status").annotate(n=Count("pk")))
    assert statuses["confirmed"] > statuses.get("registered", 0) > 0
    assert not parts.filter(status="rejected", reject_reason="").exists()
    # each part falls within its deputy's service, and its copies match its activity's
    for p in parts.select_related("activity", "mandate")[:200]:
        assert p.date == p.activity.date and p.kind_id == p.activity.kind_id
        assert p.mandate.start_date <= p.date and p.congress_id == p.mandate.congress_id
    assert set(RuleSet.objects.filter(congress=top, is_active=True).values_list("kind", flat=True)) == {
        "minimums",
        "stars",
    }
    year = parts.aggregate(first=Min("date"))["first"].year
    results = evaluate(mandates=Mandate.objects.filter(congress__in=tree), year=year)
    assert results and all(len(r.items) == 6 for r in results)
    assert sum(i.count for r in results for i in r.items) > 0
    # the ids were given by the writer: a new activity still gets a fresh one after them
    last = Activity.objects.order_by("-pk").first()
    fresh = Activity.objects.create(congress=top, kind=last.kind, date=last.date, title="之后登记的活动")
    assert fresh.pk > last.pk


def test_seed_refuses_a_negative_number_of_activities():
    with pytest.raises(CommandError, match="--activities"):
        call_command("seed", "--deputies", "60", "--append", "--activities", "-1", stdout=io.StringIO())
