"""counted_page: one page and its total from one query, as Paginator.get_page would give them."""

from __future__ import annotations

import pytest
from django.core.paginator import Paginator

from lvzhi.core.paging import counted_page
from lvzhi.org.models import Congress

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("number", [1, 2, "2", "abc", None, 0, -1, 999])
def test_a_page_and_its_total_are_those_of_the_paginator(number, django_assert_max_num_queries):
    qs = Congress.objects.order_by("path", "pk")
    assert qs.count() > 3
    expected = Paginator(qs, 2).get_page(number)
    with django_assert_max_num_queries(3 if number in (0, -1, 999) else 1):
        page = counted_page(qs, number, 2)
    assert page.number == expected.number
    assert [c.pk for c in page] == [c.pk for c in expected]
    assert page.paginator.count == expected.paginator.count
    assert page.paginator.num_pages == expected.paginator.num_pages


def test_an_empty_list_is_one_empty_page():
    page = counted_page(Congress.objects.none(), 3, 50)
    assert page.number == 1 and list(page) == [] and page.paginator.count == 0
