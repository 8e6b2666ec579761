"""Template helpers for the roster import links on the list pages."""

from django import template

from ..roles import Role
from ..scope import scope_for

register = template.Library()


@register.filter
def can_import_rosters(user) -> bool:
    """Staff of some congress (or the site administrator) see the links to the import pages."""
    s = scope_for(user)
    return s.is_admin or (Role.STAFF in s.roles and bool(s.act_congress_ids))
