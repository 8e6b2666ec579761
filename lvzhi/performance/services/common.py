"""Shared pieces of the performance services: text checks, refusals, kinds by code."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from lvzhi.core.errors import ServiceError

from ..models import ActivityKind


def today() -> dt.date:
    return timezone.localdate()


def refuse(code: str = "not_permitted", message: str | None = None) -> ServiceError:
    return ServiceError(code, message or _("You may not do this."), status=403)


def clean_text(value, *, field: str, max_length: int, required: bool = False) -> str:
    value = str(value or "").replace("\x00", "").strip()
    if required and not value:
        raise ServiceError("required", _("This field is required."), field=field)
    if len(value) > max_length:
        raise ServiceError("too_long", _("At most %(n)s characters.") % {"n": max_length}, field=field)
    return value


def check_date(value, *, field: str = "date") -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ServiceError("bad_date", _("Enter a valid date."), field=field)
    if value > today():
        raise ServiceError(
            "future_date", _("An activity cannot be registered before it happens."), field=field
        )
    return value


def kinds_for(congress) -> list[ActivityKind]:
    """The kinds a congress uses: the built-in ones and those it or a congress above it added."""
    from django.db.models import Q

    return list(
        ActivityKind.objects.filter(is_active=True)
        .filter(Q(congress__isnull=True) | Q(congress_id__in=congress.ancestor_ids()))
        .order_by("sort_order", "id")
    )


def kind_by_code(code: str, congress=None) -> ActivityKind:
    """A built-in kind by its code (or, with a congress, a kind of that congress's tree)."""
    from ..kinds import ensure_builtin_kinds

    qs = ActivityKind.objects.filter(code=code)
    found = qs.filter(congress__isnull=True).first()
    if found is None and congress is not None:
        found = qs.filter(congress_id__in=congress.ancestor_ids()).first()
    if found is None:
        ensure_builtin_kinds()
        found = qs.filter(congress__isnull=True).first()
    if found is None:
        raise ServiceError("kind_unknown", _("Unknown activity kind."), field="kind")
    return found


def kind_usable(kind, congress) -> bool:
    return kind.is_active and (kind.congress_id is None or kind.congress_id in congress.ancestor_ids())
