"""Links other apps' pages show to the performance archive and a group's activity log, only to readers who
may open them (`{% load performance_links %}{% archive_url mandate as url %}`)."""

from __future__ import annotations

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag(takes_context=True)
def archive_url(context, mandate) -> str:
    """The archive's address for this reader, or "" when it may not open it."""
    from lvzhi.performance.archive import archive_mandates_visible_to

    request = context.get("request")
    if request is None or mandate is None:
        return ""
    if not archive_mandates_visible_to(user=request.user).filter(pk=mandate.pk).exists():
        return ""
    return reverse("performance:archive", args=[mandate.pk])


@register.simple_tag
def group_log_url(group) -> str:
    """The group's activity log (its readers are the group page's readers)."""
    return reverse("performance:group_log", args=[group.pk]) if group is not None else ""
