"""Who may act on a suggestion, by role: small named predicates over the scope."""

from __future__ import annotations

from lvzhi.org.permissions import can_manage_congress
from lvzhi.org.scope import scope_for

from .models import Assignment, Suggestion


def is_signer(user, suggestion: Suggestion, *, confirmed_only: bool = True) -> bool:
    """The user is one of the deputies on the suggestion (author, confirmed co-signer, merged author)."""
    s = scope_for(user)
    qs = suggestion.signers.filter(mandate_id__in=s.mandate_ids, declined_at__isnull=True)
    if confirmed_only:
        qs = qs.exclude(role="cosigner", confirmed_at__isnull=True)
    return qs.exists()


def is_author(user, suggestion: Suggestion) -> bool:
    return suggestion.author_id in scope_for(user).mandate_ids


def can_run_office(user, suggestion: Suggestion) -> bool:
    """Deputy-affairs staff of the suggestion's own congress."""
    return can_manage_congress(user, suggestion.congress_id)


def handles(user, assignment: Assignment) -> bool:
    """A handler of the assigned unit (its own assignments only)."""
    return assignment.unit_id in scope_for(user).unit_ids
