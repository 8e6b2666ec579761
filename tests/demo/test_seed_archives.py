"""`lvzhi seed` publishes most serving deputies' archive pages (their public page shows their activities),
then refreshes the dashboards' summary and the portal's cache, as the rows go in bulk without signals."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from lvzhi.dashboards import figures
from lvzhi.org.models import Congress, Mandate
from lvzhi.portal import directory

pytestmark = pytest.mark.django_db


def test_seed_publishes_most_archives_and_refreshes_the_summary():
    before = figures.refreshed_at()
    out = io.StringIO()
    call_command(
        "seed",
        "--deputies",
        "80",
        "--seed",
        "5",
        "--append",
        "--activities",
        "600",
        "--no-progress",
        stdout=out,
    )
    top = Congress.objects.filter(parent__isnull=True).order_by("-pk").first()
    serving = Mandate.objects.filter(end_date__isnull=True, congress__path__startswith=top.path)
    published = serving.filter(public_archive__is_published=True)
    assert 0.7 * serving.count() <= published.count() < serving.count()
    assert f"{published.count():,} public archive pages" in out.getvalue()
    assert figures.refreshed_at() and figures.refreshed_at() != before

    shown = next(m for m in published if directory.public_activities(m))
    html = Client().get(reverse("portal:deputy", args=[shown.pk])).content.decode()
    assert directory.public_activities(shown)[0].activity.title in html
