"""Who may do what with activities and rules: small named predicates over the scope."""

from __future__ import annotations

from lvzhi.org.permissions import can_manage_congress
from lvzhi.org.roles import Role
from lvzhi.org.scope import scope_for


def is_staffish(user) -> bool:
    """Reads activities and evaluations of a congress tree: its staff and chairs (and administrators)."""
    s = scope_for(user)
    return s.is_admin or bool(s.read_paths)


def can_decide(user, participation) -> bool:
    """Staff of the deputy's congress confirm or reject; never a deputy about their own activity."""
    if participation.mandate_id in scope_for(user).mandate_ids:
        return False
    return can_manage_congress(user, participation.congress_id)


def can_manage_rules(user, congress_id: int) -> bool:
    return can_manage_congress(user, congress_id)


def is_deputy(user) -> bool:
    return Role.DEPUTY in scope_for(user).roles
