"""One page of a long list and its total in a single query: the rows carry COUNT(*) OVER (), so the filter
(figure lists' EXISTS conditions over a province) runs once instead of once for the pager's COUNT and once
more for the page. Behaves as Paginator.get_page: a page number that is not one gives the first page, one
past the end the last."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window

TOTAL = "_page_total"


def counted_page(qs: QuerySet, number, per_page: int) -> Page:
    """The page `number` of the (ordered) queryset `qs`, its paginator's count read from the same query."""
    try:
        n = int(number)
    except (TypeError, ValueError):
        n = 1
    rows = _rows(qs, n, per_page) if n >= 1 else []
    if rows:
        total = getattr(rows[0], TOTAL)
    else:
        # An empty list, or a page out of range (0, -1, past the end): the last page, as get_page gives.
        total = qs.order_by().count()
        last = max((total + per_page - 1) // per_page, 1)
        if n != last:
            n = last
            rows = _rows(qs, n, per_page) if total else []
    paginator = Paginator(qs, per_page)
    paginator.__dict__["count"] = total  # Paginator.count is a cached property: no second COUNT
    return Page(rows, n, paginator)


def _rows(qs: QuerySet, n: int, per_page: int) -> list:
    start = (n - 1) * per_page
    return list(qs.annotate(**{TOTAL: Window(Count("pk"))})[start : start + per_page])
