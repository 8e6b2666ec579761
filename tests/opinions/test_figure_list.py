"""The list behind a figure's number: each opinion shown as the export has it, the number counted once until an
opinion changes (lvzhi.opinions.list_counts), and as many queries for six rows as for one."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lvzhi.opinions.models import Opinion
from lvzhi.opinions.services.handling import opinion_solve
from lvzhi.opinions.services.hotline import hotline_import
from lvzhi.org.models import Congress
from tests.opinions.test_figures import HEADER, PLACE, _export, six  # noqa: F401 - six: the six opinions
from tests.scope_markers import EAST, login, user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("six")]


def _list(client, **params):
    response = client.get(reverse("opinion_figures:list"), params)
    assert response.status_code == 200
    return response


def _east() -> int:
    return Congress.objects.get(name=EAST).pk


def _number(response) -> int:
    return response.context["count"]


def _rows(response) -> int:
    """How many opinions the page shows (one table row each)."""
    return response.content.decode().count("<tr><td data-label=")


def _counted(queries) -> bool:
    """Whether the request counted the opinions (a COUNT over opinions_opinion)."""
    return any("COUNT(" in q["sql"] and '"opinions_opinion"' in q["sql"] for q in queries)


def _committed() -> None:
    """What the end of a transaction does in production: the connection starts a new list of on-commit
    callbacks (the test ran the captured ones itself)."""
    connection.run_on_commit = []


def _cells(body: str, number: str) -> list[str]:
    """The texts of the cells of the row of the opinion `number`."""
    row = next(r for r in body.split("<tr>") if f">{number}" in r)
    return [re.sub(r"<[^>]+>", " ", c).split() for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]


def test_each_opinion_reads_on_the_page_as_in_the_export():
    client = login(user("staff_a"))
    params = {"congress": _east(), "place": PLACE, "figure": "collected", "part": "num"}
    client.cookies["django_language"] = "en"
    body = _list(client, **params).content.decode()
    exported = {r[0]: r for r in _export(client, **params)}
    assert len(exported) == 6
    states, ratings = set(), set()
    for number, r in exported.items():
        cells = [" ".join(c) for c in _cells(body, number)]
        received, source, category, state, rating = cells[1], cells[2], cells[3], cells[6], cells[9]
        assert received == f"{r[3]:%Y-%m-%d %H:%M}" and (source, category, state) == (r[1], r[4], r[10])
        assert rating == (r[16] or "—"), number
        states.add(state)
        ratings.add(rating)
    assert {"Solved", "Rated by the citizen"} <= states and {"Satisfied", "Dissatisfied", "—"} <= ratings
    # F1 was due yesterday and is not acknowledged; F2 was acknowledged before its day.
    due = timezone.localdate() - dt.timedelta(days=1)
    assert " ".join(_cells(body, _number_of(exported, "F1"))[7]) == f"— due {due:%Y-%m-%d}"
    acknowledged = " ".join(_cells(body, _number_of(exported, "F2"))[7])
    assert acknowledged.startswith(f"{timezone.localdate():%Y-%m-%d} due ")


def _number_of(exported: dict, ticket: str) -> str:
    return next(number for number, r in exported.items() if r[2] == ticket)


def test_the_number_is_counted_once_until_an_opinion_changes(django_capture_on_commit_callbacks):
    staff = user("staff_a")
    client = login(staff)
    solved = {"congress": _east(), "place": PLACE, "figure": "solved", "part": "num"}
    _committed()  # the fixture's opinions as stored before the page is read
    assert _number(_list(client, **solved)) == 2
    with CaptureQueriesContext(connection) as queries:
        assert _number(_list(client, **solved)) == 2
    assert not _counted(queries)

    f1 = Opinion.objects.get(place=PLACE, external_ref="F1")
    with django_capture_on_commit_callbacks(execute=True):
        opinion_solve(actor=staff, opinion=f1, what_was_done="已修复")
        # Before the commit the changing transaction counts afresh (what it stores nobody else may read).
        assert _number(_list(client, **solved)) == 3
    _committed()
    with CaptureQueriesContext(connection) as queries:
        assert _number(_list(client, **solved)) == 3
    assert _counted(queries)
    with CaptureQueriesContext(connection) as queries:
        assert _rows(_list(client, **solved)) == 3
    assert not _counted(queries)

    # A hotline import writes in bulk (no signal): its tickets count at once all the same.
    collected = {**solved, "figure": "collected"}
    assert _number(_list(client, **collected)) == 6
    received = timezone.localtime() - dt.timedelta(days=1)
    lines = [
        f"G{i},{received:%Y-%m-%d %H:%M},交通,{PLACE},第{i}件新工单,市民{i},1391111100{i}" for i in (1, 2)
    ]
    upload = SimpleUploadedFile("g.csv", ("\n".join([HEADER, *lines]) + "\n").encode(), "text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        assert hotline_import(actor=staff, congress=Congress.objects.get(name=EAST), file=upload).saved
    _committed()
    assert _number(_list(client, **collected)) == 8


def test_the_page_takes_as_many_queries_for_six_opinions_as_for_one():
    client = login(user("staff_a"))
    params = {"congress": _east(), "place": PLACE, "part": "num"}
    _list(client, **params, figure="collected")  # the session and the scope
    with CaptureQueriesContext(connection) as one:
        assert _rows(_list(client, **params, figure="satisfied")) == 1
    with CaptureQueriesContext(connection) as all_six:
        assert _rows(_list(client, **params, figure="collected")) == 6
    assert len(all_six) == len(one) <= 12
