"""A page of a long list, read in two steps: the page's ids in the list's order, then the records of those
ids alone. A province's list sorts thousands of rows: sorting their ids and sort keys (from an index) and
reading 50 whole rows is far cheaper than sorting the whole rows and their joins."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


def page_by_ids(
    qs: QuerySet, number, per_page: int, fetch: Callable[[list], Iterable], *, count: int | None = None
) -> Page:
    """The page `number` (as Paginator.get_page reads it: a bad or too high number gives a real page) of the
    ordered `qs`; its object_list is what `fetch(ids)` returns for the page's ids, in the list's order.
    `count`: the list's length when the caller knows it (a cached count), else it is counted."""
    paginator = Paginator(qs.values_list("pk", flat=True), per_page)
    if count is not None:
        paginator.count = count  # a cached_property: set, it is not counted again
    page = paginator.get_page(number)
    ids = list(page.object_list)
    by_id = {obj.pk: obj for obj in fetch(ids)}
    page.object_list = [by_id[pk] for pk in ids if pk in by_id]
    return page
