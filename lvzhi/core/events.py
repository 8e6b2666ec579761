"""The event kinds core records, and the words the audit log shows for the kinds of every app.

An app declares its kinds as constants with `LABELS = {kind: gettext_lazy(...)}` in its `events.py`
(org keeps its security kinds in `security_events.py`); the audit log shows the label and, beside it, the
kind's code, so an unlabelled kind still reads as something.
"""

from __future__ import annotations

import functools
from importlib import import_module

from django.apps import apps
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

CALENDAR_DAY_ADDED = "calendar.day_added"
CALENDAR_DAY_CHANGED = "calendar.day_changed"
CALENDAR_DAY_DELETED = "calendar.day_deleted"
CALENDAR_YEAR_IMPORTED = "calendar.year_imported"
PERSONAL_DATA_VIEWED = "security.personal_data_viewed"

LABELS = {
    CALENDAR_DAY_ADDED: _("Calendar day added"),
    CALENDAR_DAY_CHANGED: _("Calendar day changed"),
    CALENDAR_DAY_DELETED: _("Calendar day deleted"),
    CALENDAR_YEAR_IMPORTED: _("Calendar year imported"),
    PERSONAL_DATA_VIEWED: _("Personal data viewed unmasked"),
}

_ADMIN_ACTIONS = {
    "created": _("%(model)s added in the admin"),
    "changed": _("%(model)s corrected in the admin"),
    "deleted": _("%(model)s deleted in the admin"),
}


def _event_modules():
    for config in apps.get_app_configs():
        if not config.name.startswith("lvzhi."):
            continue
        for module in ("events", "security_events"):
            name = f"{config.name}.{module}"
            try:
                yield import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name != name:
                    raise


@functools.cache
def _all_labels(attribute: str = "LABELS") -> dict:
    labels: dict = {}
    for found in _event_modules():
        labels.update(getattr(found, attribute, {}))
    return labels


@functools.cache
def _state_labels_by_kind() -> dict:
    """Each event kind → the STATE_LABELS of the module declaring it: apps share state codes ("planned",
    "accepted"…) with words of their own, so an event's states read in the words of its own app."""
    by_kind: dict = {}
    for found in _event_modules():
        states = getattr(found, "STATE_LABELS", None)
        if states:
            by_kind.update(dict.fromkeys(getattr(found, "LABELS", {}), states))
    return by_kind


def state_label(state: str, kind: str = "") -> str:
    """A workflow state's words: from the STATE_LABELS of the app that declares the event's `kind`, else from
    any app's; the code itself when none has it."""
    label = _state_labels_by_kind().get(kind, {}).get(state)
    if label is None:
        label = _all_labels("STATE_LABELS").get(state)
    return str(label) if label is not None else state


def label_for(kind: str) -> str:
    """A kind's words in the current language; the code itself when no app labels it."""
    label = _all_labels().get(kind)
    if label is not None:
        return str(label)
    parts = kind.split(".")
    if len(parts) == 3 and parts[0] == "admin" and parts[2] in _ADMIN_ACTIONS:
        model = next((m for m in apps.get_models() if m._meta.model_name == parts[1]), None)
        if model is not None:
            return capfirst(str(_ADMIN_ACTIONS[parts[2]]) % {"model": model._meta.verbose_name})
    return kind
