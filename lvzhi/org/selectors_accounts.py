"""Reads for the account pages, scoped to the user (kept apart from selectors.py, which holds the rest of
the organisation's reads).

# SECURITY: the account pages fetch accounts through `account_list_visible_to`, and everything shown or
# offered on them (events, people to link, role targets) through the functions here.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from lvzhi.core.models import Event
from lvzhi.core.params import clean_query

from .models import Committee, Congress, Person, RoleAssignment, Unit, User
from .permissions import can_manage_congress
from .privacy import MOBILE_RE, normalise_mobile
from .scope import scope_for
from .selectors import account_list_visible_to, person_list_visible_to


def _managed_q(user) -> Q:
    """The accounts the user manages: those of the congresses they act on as staff, never an
    administrator's (a site administrator manages every account)."""
    s = scope_for(user)
    if s.is_admin:
        return Q()
    return Q(congress_id__in=s.act_congress_ids, is_superuser=False)


def can_manage_account(user, account: User) -> bool:
    """Staff of the account's own congress (not for an administrator's account); a site administrator."""
    if account.is_superuser and not scope_for(user).is_admin:
        return False
    return can_manage_congress(user, account.congress_id)


def account_search(*, user, q: str = "", state: str = "") -> QuerySet[User]:
    """Accounts the user reads, matching a search by username or name, and a state: `pending` (not yet
    signed in and changed the first password), `deactivated`, or `active`.

    # SECURITY: a mobile number (also as a username) matches only whole and only on accounts the user
    # manages, so a reader cannot recover a masked number digit by digit.
    """
    qs = account_list_visible_to(user=user)
    q = clean_query(q)
    if q:
        match = (
            Q(full_name__icontains=q)
            | Q(person__name__icontains=q)
            | (Q(username__icontains=q) & ~Q(username__regex=MOBILE_RE.pattern))
        )
        mobile = normalise_mobile(q)
        if mobile and MOBILE_RE.match(mobile):
            match |= (Q(mobile=mobile) | Q(username=mobile)) & _managed_q(user)
        qs = qs.filter(match)
    if state == "pending":
        qs = qs.filter(is_active=True, must_change_password=True)
    elif state == "deactivated":
        qs = qs.filter(is_active=False)
    elif state == "active":
        qs = qs.filter(is_active=True)
    return qs.order_by("congress__path", "username")


def people_linkable_by(*, user) -> QuerySet[Person]:
    """People in the user's scope who have no account yet."""
    return person_list_visible_to(user=user).filter(account__isnull=True).select_related("congress")


def account_roles(*, account: User) -> QuerySet[RoleAssignment]:
    """Every role the account holds or held (revoked ones stay, switched off), current ones first."""
    return (
        RoleAssignment.objects.filter(user=account)
        .select_related("congress", "committee", "station", "unit")
        .order_by("-is_active", "-granted_at", "-pk")
    )


def account_security_events(*, user, account: User, limit: int = 30) -> list[Event]:
    """The account's recent security events: its sign-ins, failures and lockouts, and what staff did to it
    (not what it did to other accounts: those belong on theirs)."""
    if not account_list_visible_to(user=user).filter(pk=account.pk).exists():
        return []
    ct = ContentType.objects.get_for_model(User)
    return list(
        Event.objects.filter(is_security=True, target_type=ct, target_id=str(account.pk))
        .select_related("actor__person")
        .order_by("-occurred_at", "-id")[:limit]
    )


def grant_targets(*, user, account: User) -> dict[str, QuerySet]:
    """What a role on `account` may be held over: the account's own congress and its committees, stations
    and units, when the user manages that congress (otherwise nothing)."""
    from lvzhi.stations.selectors import station_list_visible_to

    from .selectors import committee_list_visible_to, unit_list_visible_to

    if account.congress_id is None or not can_manage_congress(user, account.congress_id):
        return {
            "congress": Congress.objects.none(),
            "committee": Committee.objects.none(),
            "station": station_list_visible_to(user=user).none(),
            "unit": Unit.objects.none(),
        }
    cid = account.congress_id
    return {
        "congress": Congress.objects.filter(pk=cid),
        "committee": committee_list_visible_to(user=user).filter(congress_id=cid).order_by("name"),
        "station": station_list_visible_to(user=user).filter(congress_id=cid).order_by("name"),
        "unit": unit_list_visible_to(user=user).filter(congress_id=cid, is_active=True).order_by("name"),
    }
