"""Who may do what with briefings: small named predicates over the scope."""

from __future__ import annotations

from lvzhi.org.permissions import can_manage_congress
from lvzhi.org.scope import scope_for


def is_office_reader(user) -> bool:
    """Reads the briefings of a congress tree and who has read them: its staff and chairs (and administrators)."""
    s = scope_for(user)
    return s.is_admin or bool(s.read_paths)


def can_manage(user, briefing) -> bool:
    """Drafts, publishes, withdraws and reminds: staff of the briefing's own congress."""
    return can_manage_congress(user, briefing.congress_id)


def reads_as_office(user, briefing) -> bool:
    """The reader sees the briefing as its office does (all states, the recipients and who has read it)."""
    s = scope_for(user)
    if s.is_admin:
        return True
    path = briefing.congress.path
    return any(path.startswith(p) for p in s.read_paths)
