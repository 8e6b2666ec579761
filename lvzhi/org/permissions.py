"""Small named predicates over the scope."""

from .roles import Role
from .scope import scope_for


def can_manage_congress(user, congress_id: int | None) -> bool:
    """Staff act on their own congress's records only (above and below are read-only)."""
    s = scope_for(user)
    return s.is_admin or (Role.STAFF in s.roles and s.can_act_in(congress_id))


def is_staff_anywhere(user) -> bool:
    s = scope_for(user)
    return s.is_admin or bool(s.act_congress_ids)
