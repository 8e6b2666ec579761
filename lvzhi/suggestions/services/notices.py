"""Whom the loop tells about a step (through the foundation's notifications, after the commit)."""

from __future__ import annotations

from django.urls import reverse

from lvzhi.core.notifications import Channel, notify
from lvzhi.org.models import RoleAssignment, User
from lvzhi.org.roles import Role

from ..models import Suggestion


def _url(suggestion: Suggestion) -> str:
    return reverse("suggestions:detail", args=[suggestion.pk])


def deputies_of(suggestion: Suggestion):
    """Accounts of the deputies concerned: author, confirmed co-signers, authors of merged suggestions."""
    mandates = concerned_mandate_ids(suggestion)
    return User.objects.filter(is_active=True, person__mandates__in=mandates).distinct()


def concerned_mandate_ids(suggestion: Suggestion) -> list[int]:
    return list(
        suggestion.signers.filter(declined_at__isnull=True)
        .exclude(role="cosigner", confirmed_at__isnull=True)
        .values_list("mandate_id", flat=True)
    )


def staff_of(congress_id: int):
    ids = RoleAssignment.objects.filter(role=Role.STAFF, congress_id=congress_id, is_active=True).values(
        "user_id"
    )
    return User.objects.filter(pk__in=ids, is_active=True)


def handlers_of(unit_id: int):
    ids = RoleAssignment.objects.filter(role=Role.UNIT_HANDLER, unit_id=unit_id, is_active=True).values(
        "user_id"
    )
    return User.objects.filter(pk__in=ids, is_active=True)


def tell(users, *, suggestion: Suggestion, cause: str, subject: str, sms: bool = False) -> None:
    channels = (Channel.INBOX, Channel.SMS) if sms else (Channel.INBOX,)
    for user in users:
        notify(
            recipient=user,
            cause=f"suggestion:{suggestion.pk}:{cause}",
            subject=subject,
            url=_url(suggestion),
            channels=channels,
        )
