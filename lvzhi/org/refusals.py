"""How a staff page answers a refused step (the org and station pages share these).

A record outside the reader's scope is not found (404: the selector already left it out); a record the reader
may see but not change is forbidden (403: the service said `status=403`); any other refusal goes back onto the
form, which keeps what was typed, or into a message.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.shortcuts import get_object_or_404

from lvzhi.core.errors import ServiceError

from .services.guards import require_manage


def require_manage_or_403(user, congress_id: int | None) -> None:
    """The services' own check, answered as a 403 page."""
    try:
        require_manage(user, congress_id)
    except ServiceError as exc:
        raise PermissionDenied(exc.message) from None


def get_managed_or_404(
    queryset: QuerySet, *, user, pk, congress_id_of: Callable[[Model], int | None] | None = None
):
    """A record from a scoped queryset (404 outside scope) that the user also manages (403 otherwise)."""
    obj = get_object_or_404(queryset, pk=pk)
    congress_id = congress_id_of(obj) if congress_id_of else obj.congress_id
    require_manage_or_403(user, congress_id)
    return obj


def refuse_on_form(form, exc: ServiceError) -> None:
    """Put a refused step's message on the form (on its field when the service named one); 403 stays 403."""
    if exc.status == 403:
        raise PermissionDenied(exc.message)
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def refuse_in_message(request, exc: ServiceError) -> None:
    """A refused button (no form to keep): the message on the next page; 403 stays 403."""
    if exc.status == 403:
        raise PermissionDenied(exc.message)
    messages.error(request, exc.message)
