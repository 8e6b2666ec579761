"""The navigation bar, by role. Each entry names a URL and the roles that see it."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.translation import gettext_lazy as _

from lvzhi.org.roles import Role

STAFFISH = {Role.STAFF, Role.CHAIR, Role.ADMIN}


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset  # empty: every signed-in user


NAV: list[NavItem] = [
    NavItem(_("Home"), "home", frozenset()),
    NavItem(_("Dashboard"), "dashboards:index", frozenset(STAFFISH)),
    NavItem(
        _("Deputies"),
        "org:deputy_list",
        frozenset(STAFFISH | {Role.SC_MEMBER, Role.COMMITTEE_STAFF, Role.STATION_STAFF, Role.GROUP_LEADER}),
    ),
    NavItem(_("Stations"), "stations:list", frozenset(STAFFISH | {Role.STATION_STAFF, Role.DEPUTY})),
    NavItem(_("Groups"), "org:group_list", frozenset(STAFFISH | {Role.GROUP_LEADER, Role.DEPUTY})),
    NavItem(
        _("Reception days"),
        "stations:reception_list",
        frozenset(STAFFISH | {Role.STATION_STAFF, Role.DEPUTY}),
    ),
    NavItem(
        _("Contacts with deputies"),
        "liaison:index",
        frozenset(STAFFISH | {Role.SC_MEMBER, Role.COMMITTEE_STAFF}),
    ),
    NavItem(
        _("Invitations"),
        "meetings:list",
        frozenset(STAFFISH | {Role.DEPUTY, Role.SC_MEMBER, Role.COMMITTEE_STAFF}),
    ),
    NavItem(_("My contact members"), "liaison:mine", frozenset({Role.DEPUTY})),
    NavItem(_("Briefings"), "briefings:list", frozenset(STAFFISH | {Role.DEPUTY})),
    NavItem(_("Training"), "training:list", frozenset(STAFFISH | {Role.DEPUTY})),
    NavItem(_("QR codes"), "opinion_codes:list", frozenset(STAFFISH | {Role.STATION_STAFF, Role.DEPUTY})),
    NavItem(_("Citizens' opinions"), "opinion_inbox:list", frozenset({Role.DEPUTY, Role.STATION_STAFF})),
    NavItem(
        _("Opinion triage"), "opinion_triage:queue", frozenset({Role.STAFF, Role.STATION_STAFF, Role.ADMIN})
    ),
    NavItem(_("Units"), "org:unit_list", frozenset(STAFFISH | {Role.UNIT_HANDLER})),
    NavItem(_("My suggestions"), "suggestions:mine", frozenset({Role.DEPUTY})),
    NavItem(_("My activities"), "performance:mine", frozenset({Role.DEPUTY})),
    NavItem(_("My archive"), "performance:archive_mine", frozenset({Role.DEPUTY})),
    NavItem(_("My assignments"), "suggestions:unit_assignments", frozenset({Role.UNIT_HANDLER})),
    NavItem(_("My unit's opinions"), "opinion_triage:unit", frozenset({Role.UNIT_HANDLER})),
    NavItem(
        _("Suggestions"),
        "suggestions:list",
        frozenset(STAFFISH | {Role.UNIT_HANDLER, Role.COMMITTEE_STAFF, Role.SC_MEMBER}),
    ),
    NavItem(_("Key supervision"), "suggestions:key_list", frozenset(STAFFISH | {Role.SC_MEMBER})),
    NavItem(_("Performance"), "performance:shortfall", frozenset(STAFFISH)),
    NavItem(_("Review and assign"), "suggestions:office_queue", frozenset({Role.STAFF, Role.ADMIN})),
    NavItem(_("Satisfaction survey"), "suggestions:survey", frozenset({Role.STAFF, Role.ADMIN})),
    NavItem(_("Consultation lists"), "suggestions:consultation_lists", frozenset(STAFFISH)),
    NavItem(_("Consultation items"), "suggestions:consultation_unit_items", frozenset({Role.UNIT_HANDLER})),
    NavItem(
        _("Figures"),
        "suggestions:figures",
        frozenset({Role.STAFF, Role.CHAIR, Role.COMMITTEE_STAFF, Role.ADMIN}),
    ),
    NavItem(_("Opinion figures"), "opinion_figures:index", frozenset({Role.STAFF, Role.CHAIR, Role.ADMIN})),
    NavItem(_("12345 hotline"), "opinion_hotline:trends", frozenset({Role.STAFF, Role.CHAIR, Role.ADMIN})),
    NavItem(
        _("Structure"), "org:congress_list", frozenset(STAFFISH | {Role.SC_MEMBER, Role.COMMITTEE_STAFF})
    ),
    NavItem(_("Accounts"), "org:account_list", frozenset({Role.STAFF, Role.ADMIN})),
    NavItem(_("Import"), "org:import_index", frozenset({Role.STAFF, Role.ADMIN})),
    NavItem(_("Calendar"), "core:calendar", frozenset({Role.STAFF, Role.ADMIN})),
    NavItem(_("Audit log"), "core:event_list", frozenset(STAFFISH)),
]


def items_for(user) -> list[dict]:
    from lvzhi.org.scope import scope_for

    if not user.is_authenticated:
        return []
    return _items_for_roles(scope_for(user).roles, get_script_prefix())


@functools.cache
def _items_for_roles(roles: frozenset, script_prefix: str) -> list[dict]:
    """The menu of a set of roles; kept per process (reversing forty URLs on every page adds up). The labels
    are lazy: each page translates them into its reader's language."""
    out = []
    for item in NAV:
        if item.roles and not (roles & item.roles):
            continue
        try:
            out.append({"label": item.label, "url": reverse(item.url_name)})
        except NoReverseMatch:
            continue  # a part not installed in this build
    return out


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    from .notifications import unread_count

    return {"nav_items": items_for(user), "unread_notifications": unread_count(user)}
