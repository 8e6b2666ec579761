"""Recording events: the audit trail, the timeline of each record, and the security log.

Every app records through `record_event`; nothing else writes to the Event table.

Retention: the application never edits or deletes an event. There is no purge job, no delete path in
the pages or the API, and the Django admin shows events read-only (even to superusers). The issue asks
that security events (sign-in, failed sign-in, lockout, export, viewing unmasked personal data, role
changes) be kept at least six months (settings.LVZHI_SECURITY_EVENT_RETENTION_DAYS, 183 days, is that
floor, not a schedule): keeping every event for good satisfies it. Should a deployment ever need to trim
old non-security events, that is an operator's decision done in the database, never by the application.
Payloads refer to people by id, so purging a person's personal data leaves the history intact.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from .models import Event

# Keys that would copy personal data into the permanent log; refer to people by id instead.
_PERSONAL_KEYS = {"name", "full_name", "mobile", "phone", "id_number", "email", "address"}


def _check_payload(payload: dict[str, Any]) -> None:
    bad = _PERSONAL_KEYS.intersection(payload)
    if bad:
        raise ValueError(f"event payloads refer to people by id, never copy {sorted(bad)}")


def _congress_id_of(target: models.Model | None) -> int | None:
    if target is None:
        return None
    if target._meta.label_lower == "org.congress":
        return target.pk
    return getattr(target, "congress_id", None)


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record_event(
    *,
    actor,
    kind: str,
    target: models.Model | None = None,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    payload: dict[str, Any] | None = None,
    congress_id: int | None = None,
    is_security: bool = False,
    request=None,
) -> Event:
    payload = payload or {}
    _check_payload(payload)
    return Event.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        kind=kind,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        congress_id=congress_id if congress_id is not None else _congress_id_of(target),
        from_state=from_state,
        to_state=to_state,
        note=note,
        payload=payload,
        is_security=is_security,
        ip_address=client_ip(request),
    )


def record_security_event(*, actor, kind: str, request=None, target=None, payload=None, note="") -> Event:
    # A security event with no target (a failed sign-in, a lockout) belongs to the congress that manages
    # the account, so that congress's staff see it in their security log.
    congress_id = None
    if target is None or _congress_id_of(target) is None:
        congress_id = getattr(actor, "congress_id", None)
    return record_event(
        actor=actor,
        kind=kind,
        target=target,
        payload=payload,
        note=note,
        is_security=True,
        request=request,
        congress_id=congress_id,
    )


def changed_fields(instance: models.Model, data: dict[str, Any]) -> dict[str, list]:
    """Apply `data` to `instance`; return {field: [old, new]} for what really changed (for the payload)."""
    changes: dict[str, list] = {}
    for field, new in data.items():
        old = getattr(instance, field)
        if old != new:
            # Personal fields are recorded as changed, without their values.
            personal = field in _PERSONAL_KEYS
            changes[field] = ["*", "*"] if personal else [_plain(old), _plain(new)]
            setattr(instance, field, new)
    return changes


def _plain(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (str, int, float, bool, type(None))):
        return value
    if isinstance(value, Iterable) and not isinstance(value, (bytes, dict)):
        return [_plain(v) for v in value]
    return str(value)


def timeline_for(target: models.Model):
    """The events of one record, newest first (the record's page shows them as its timeline)."""
    return (
        Event.objects.filter(target_type=ContentType.objects.get_for_model(target), target_id=str(target.pk))
        # actor__person: an account without a full name shows its person's name (User.display_name).
        .select_related("actor__person")
        .order_by("-occurred_at", "-id")
    )


class EventBatch:
    """Events of a bulk write (an import, the demo generator), inserted together with one bulk insert.

    The same rules as `record_event`: payloads hold ids and counts, never personal data.
    """

    def __init__(self, actor=None) -> None:
        self.actor = actor if getattr(actor, "pk", None) else None
        self.now = timezone.now()
        self.rows: list[Event] = []

    def add(
        self,
        target: models.Model,
        kind: str,
        *,
        congress_id: int | None = None,
        payload: dict[str, Any] | None = None,
        from_state: str = "",
        to_state: str = "",
        is_security: bool = False,
    ) -> None:
        payload = payload or {}
        _check_payload(payload)
        self.rows.append(
            Event(
                occurred_at=self.now,
                actor=self.actor,
                kind=kind,
                target_type=ContentType.objects.get_for_model(target),
                target_id=str(target.pk),
                congress_id=congress_id if congress_id is not None else _congress_id_of(target),
                from_state=from_state,
                to_state=to_state,
                payload=payload,
                is_security=is_security,
            )
        )

    def flush(self) -> int:
        written = len(self.rows)
        Event.objects.bulk_create(self.rows, batch_size=1000)
        self.rows = []
        return written
