"""Links from other apps' pages to citizens' opinions: the suggestion page names the opinions it was written
from (their tracking numbers), linking each to the inbox item for those whose inbox holds it."""

from __future__ import annotations

from django import template
from django.urls import reverse

from ..selectors_inbox import inbox_visible_to

register = template.Library()


@register.simple_tag(takes_context=True)
def opinions_of_suggestion(context, suggestion) -> list[dict]:
    """[{number, url}] of the opinions turned into this suggestion; url is "" where the reader's inbox
    does not hold the item (the number alone names no one)."""
    rows = list(suggestion.opinions.order_by("pk").values_list("pk", "number"))
    if not rows:
        return []
    user = context.get("user")
    mine = set(inbox_visible_to(user=user).filter(pk__in=[pk for pk, _ in rows]).values_list("pk", flat=True))
    return [
        {"number": number, "url": reverse("opinion_inbox:item", args=[pk]) if pk in mine else ""}
        for pk, number in rows
    ]
