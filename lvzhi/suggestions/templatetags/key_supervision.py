"""{% key_panel suggestion %}: the key-supervision panel on a suggestion's page (views_key.panel_context)."""

from django import template

register = template.Library()


@register.inclusion_tag("suggestions/key/panel.html", takes_context=True)
def key_panel(context, suggestion):
    from ..views_key import panel_context

    request = context.get("request")
    panel = panel_context(request, suggestion) if request is not None else None
    return {"key_panel": panel, "suggestion": suggestion, "csrf_token": context.get("csrf_token")}
