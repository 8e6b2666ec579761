"""Reads of the public pages: published disclosures only.

# SECURITY: every public page fetches through published_disclosures(); nothing unpublished, nothing of the
# original suggestion's text, and no deputy's name or number is reachable from here.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from lvzhi.suggestions.models import Assignment, Disclosure


def published_disclosures() -> QuerySet[Disclosure]:
    active = Assignment.objects.filter(is_active=True).select_related("unit").order_by("role", "pk")
    return (
        Disclosure.objects.filter(is_published=True)
        .select_related("suggestion")
        .prefetch_related(Prefetch("suggestion__assignments", queryset=active, to_attr="active_units"))
        .order_by("-published_at", "-pk")
    )


def disclosure_search(
    qs: QuerySet[Disclosure], *, q: str = "", unit: str = "", field: str = "", year: int | None = None
) -> QuerySet[Disclosure]:
    if q:
        qs = qs.filter(Q(title__contains=q) | Q(body__contains=q) | Q(reply_text__contains=q))
    if unit:
        qs = qs.filter(
            suggestion__assignments__role=Assignment.Role.LEAD,
            suggestion__assignments__is_active=True,
            suggestion__assignments__unit__short_name=unit,
        )
    if field:
        qs = qs.filter(suggestion__field=field)
    if year:
        qs = qs.filter(suggestion__submitted_at__year=year)
    return qs.distinct()


def lead_unit_names() -> list[str]:
    """The short names of the lead units of published disclosures (the unit filter's choices)."""
    names = (
        Assignment.objects.filter(
            suggestion__disclosure__is_published=True, role=Assignment.Role.LEAD, is_active=True
        )
        .values_list("unit__short_name", flat=True)
        .distinct()
    )
    return sorted(set(names))


def disclosure_years() -> list[int]:
    dates = Disclosure.objects.filter(is_published=True, suggestion__submitted_at__isnull=False).dates(
        "suggestion__submitted_at", "year", order="DESC"
    )
    return [d.year for d in dates]
