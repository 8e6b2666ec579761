"""Template filters that show an event's kind and states in words."""

from django import template

from lvzhi.core.events import label_for, state_label

register = template.Library()


@register.filter
def event_label(kind: str) -> str:
    return label_for(kind)


@register.filter
def event_state(state: str, kind: str = "") -> str:
    """`{{ e.to_state|event_state:e.kind }}`: the state in the words of the event's own app."""
    return state_label(state, kind)
