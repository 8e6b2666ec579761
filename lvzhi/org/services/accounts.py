"""Account writes: creation, password changes and resets, deactivation, roles. Each records a security event.

Staff act on the accounts of their own congress only (`can_manage_congress`); a site administrator anywhere.
A refused step raises `ServiceError` with a stable code and changes nothing. Accounts are never deleted and
roles are never deleted: both are switched off, so the history stays readable.
"""

from __future__ import annotations

import secrets

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lvzhi.core.audit import record_event, record_security_event
from lvzhi.core.errors import ServiceError
from lvzhi.core.events import PERSONAL_DATA_VIEWED

from .. import security_events as ev
from ..models import Committee, Congress, Person, RoleAssignment, Unit, User
from ..permissions import can_manage_congress
from ..privacy import MOBILE_RE, normalise_mobile
from ..roles import Role
from ..scope import scope_for

# Letters and digits that cannot be mistaken for each other when read aloud or copied from paper.
_UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_LOWER = "abcdefghijkmnopqrstuvwxyz"
_DIGITS = "23456789"

# Roles held over a whole congress; the others name a committee, a station or a unit.
CONGRESS_ROLES = {Role.STAFF, Role.CHAIR, Role.SC_MEMBER}
# Whoever resets one of these accounts' password could sign in as a chair or as staff: only a site
# administrator may.
PROTECTED_ROLES = {Role.STAFF, Role.CHAIR}


def generate_initial_password() -> str:
    """A one-time password like `Hk4t-9mQr-Wp2x`: three classes and a symbol, easy to read out."""
    pool = _UPPER + _LOWER + _DIGITS
    while True:
        chars = [secrets.choice(pool) for _i in range(12)]
        candidate = "-".join("".join(chars[i : i + 4]) for i in (0, 4, 8))
        if (
            any(c in _UPPER for c in chars)
            and any(c in _LOWER for c in chars)
            and any(c in _DIGITS for c in chars)
        ):
            return candidate


def _refuse_unless_manages(actor, congress_id: int | None) -> None:
    if not can_manage_congress(actor, congress_id):
        raise ServiceError(
            "not_permitted",
            _("Only the deputy-affairs staff of the account's own congress may do this."),
            status=403,
        )


def _refuse_protected(actor, account: User) -> None:
    """Staff never act on their own account here, nor on a site administrator's."""
    if account.pk == actor.pk:
        raise ServiceError(
            "own_account",
            _("You cannot do this to your own account; ask another member of staff."),
            status=403,
        )
    if account.is_superuser and not scope_for(actor).is_admin:
        raise ServiceError(
            "not_permitted", _("Only a site administrator may change an administrator."), status=403
        )


def holds_protected_role(account: User) -> bool:
    """Whether the account is staff or a chair somewhere (its password is reset by a site administrator)."""
    return RoleAssignment.objects.filter(user=account, role__in=PROTECTED_ROLES, is_active=True).exists()


def _locked_account(account: User) -> User:
    return User.objects.select_for_update().get(pk=account.pk)


@transaction.atomic
def account_change_password(*, user: User, new_password: str, request=None) -> None:
    """The account holder changes their own password (the form checked the old one and the rules)."""
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    record_security_event(actor=user, kind=ev.PASSWORD_CHANGED, target=user, request=request)


@transaction.atomic
def account_create(
    *,
    actor: User,
    congress: Congress,
    username: str,
    full_name: str = "",
    mobile: str | None = None,
    person: Person | None = None,
    request=None,
) -> tuple[User, str]:
    """A new account of `congress`, with a one-time password to hand over; it must be changed at first
    sign-in. Returns the account and that password (shown once, never stored in clear)."""
    from ..selectors import person_list_visible_to

    _refuse_unless_manages(actor, congress.pk)
    username = (username or "").strip()
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        raise ServiceError(
            "username_invalid",
            _("A username may contain letters, digits and @ . + - _ only."),
            field="username",
        ) from None
    mobile = normalise_mobile(mobile)
    if mobile and not MOBILE_RE.match(mobile):
        raise ServiceError(
            "mobile_invalid", _("Enter an 11-digit mobile number starting with 1."), field="mobile"
        )
    # A username and a mobile number share one sign-in box, so neither may repeat the other's value.
    if User.objects.filter(Q(username__iexact=username) | Q(mobile=username)).exists():
        raise ServiceError("username_taken", _("This username is already taken."), field="username")
    if mobile and User.objects.filter(Q(mobile=mobile) | Q(username=mobile)).exists():
        raise ServiceError(
            "mobile_taken", _("Another account already uses this mobile number."), field="mobile"
        )
    if person is not None:
        # SECURITY: linking to a person outside the actor's scope would leak their records to the account.
        if not person_list_visible_to(user=actor).filter(pk=person.pk).exists():
            raise ServiceError("person_not_found", _("No such person in your scope."), field="person")
        if User.objects.filter(person=person).exists():
            raise ServiceError("person_has_account", _("This person already has an account."), field="person")
    password = generate_initial_password()
    account = User(
        username=username,
        full_name=(full_name or "").strip() or (person.name if person else ""),
        mobile=mobile,
        person=person,
        congress=congress,
        must_change_password=True,
        is_active=True,
    )
    account.set_password(password)
    account.save()
    record_security_event(
        actor=actor,
        kind=ev.ACCOUNT_CREATED,
        target=account,
        request=request,
        payload={"account": account.pk, "person": person.pk if person else None},
    )
    return account, password


@transaction.atomic
def account_reset_password(*, actor: User, account: User, request=None) -> str:
    """A new one-time password for a user who forgot theirs; it also lifts a lockout. Returns it (shown
    once). The user's open sessions end, because the password they were signed in with changed."""
    _refuse_unless_manages(actor, account.congress_id)
    _refuse_protected(actor, account)
    if holds_protected_role(account) and not scope_for(actor).is_admin:
        raise ServiceError(
            "protected_account",
            _("This account belongs to staff or a chair; only a site administrator may reset its password."),
            status=403,
        )
    account = _locked_account(account)
    if not account.is_active:
        raise ServiceError("account_deactivated", _("This account is deactivated; reactivate it first."))
    password = generate_initial_password()
    account.set_password(password)
    account.must_change_password = True
    account.save(update_fields=["password", "must_change_password"])
    _lift_lockout(account.username)
    record_security_event(
        actor=actor, kind=ev.PASSWORD_RESET, target=account, request=request, payload={"account": account.pk}
    )
    return password


@transaction.atomic
def account_reveal_mobile(*, actor: User, account: User, request=None) -> str:
    """The account's mobile number unmasked, for staff who manage the account; the viewing is recorded as
    a security event (personal data shown unmasked). Returns the number ("" when there is none)."""
    _refuse_unless_manages(actor, account.congress_id)
    if account.is_superuser and not scope_for(actor).is_admin:
        raise ServiceError(
            "not_permitted", _("Only a site administrator may see an administrator's details."), status=403
        )
    record_security_event(
        actor=actor,
        kind=PERSONAL_DATA_VIEWED,
        target=account,
        request=request,
        payload={"account": account.pk, "fields": ["mobile"], "via": "account_page"},
    )
    return account.mobile or ""


def _lift_lockout(username: str) -> None:
    from axes.utils import reset

    reset(username=username)


@transaction.atomic
def account_deactivate(*, actor: User, account: User, reason: str = "", request=None) -> User:
    """The account can no longer sign in, and its open sessions end. Nothing is deleted."""
    _refuse_unless_manages(actor, account.congress_id)
    _refuse_protected(actor, account)
    account = _locked_account(account)
    if not account.is_active:
        raise ServiceError("already_deactivated", _("This account is already deactivated."))
    account.is_active = False
    account.save(update_fields=["is_active"])
    record_security_event(
        actor=actor,
        kind=ev.ACCOUNT_DEACTIVATED,
        target=account,
        request=request,
        note=(reason or "").strip(),
        payload={"account": account.pk},
    )
    return account


@transaction.atomic
def account_reactivate(*, actor: User, account: User, request=None) -> User:
    _refuse_unless_manages(actor, account.congress_id)
    _refuse_protected(actor, account)
    account = _locked_account(account)
    if account.is_active:
        raise ServiceError("already_active", _("This account is already active."))
    account.is_active = True
    account.save(update_fields=["is_active"])
    record_security_event(
        actor=actor,
        kind=ev.ACCOUNT_ACTIVATED,
        target=account,
        request=request,
        payload={"account": account.pk},
    )
    return account


def _role_congress(role: str, congress, committee, station, unit) -> Congress:
    """The congress a role belongs to, from the one target the role needs."""
    needed = {
        Role.COMMITTEE_STAFF: committee,
        Role.STATION_STAFF: station,
        Role.UNIT_HANDLER: unit,
    }
    if role in CONGRESS_ROLES:
        if congress is None or committee or station or unit:
            raise ServiceError(
                "role_target_required", _("This role is held over a congress; choose the congress.")
            )
        return congress
    target = needed[role]
    others = [t for t in (committee, station, unit) if t is not None and t is not target]
    if target is None or others:
        messages = {
            Role.COMMITTEE_STAFF: _("Special-committee staff need the committee they serve."),
            Role.STATION_STAFF: _("Station staff need the station they serve."),
            Role.UNIT_HANDLER: _("A unit handler needs the unit they handle for."),
        }
        raise ServiceError("role_target_required", messages[role])
    return target.congress


@transaction.atomic
def role_grant(
    *,
    actor: User,
    account: User,
    role: str,
    congress: Congress | None = None,
    committee: Committee | None = None,
    station=None,
    unit: Unit | None = None,
    request=None,
) -> RoleAssignment:
    """Give `account` a role over its target. The account and the target must both belong to a congress
    the actor manages; the target must be visible to the actor."""
    from lvzhi.stations.selectors import station_list_visible_to

    from ..selectors import committee_list_visible_to, congress_list_visible_to, unit_list_visible_to

    if role not in dict(Role.assignable_choices()):
        raise ServiceError("unknown_role", _("This role cannot be granted."))
    role = Role(role)
    _refuse_unless_manages(actor, account.congress_id)
    _refuse_protected(actor, account)
    account = _locked_account(account)
    if not account.is_active:
        raise ServiceError("account_deactivated", _("This account is deactivated; reactivate it first."))
    role_congress = _role_congress(role, congress, committee, station, unit)
    # SECURITY: targets are re-read through the actor's selectors, so an id from a forged form is not found.
    visible = {
        "congress": (congress, congress_list_visible_to),
        "committee": (committee, committee_list_visible_to),
        "station": (station, station_list_visible_to),
        "unit": (unit, unit_list_visible_to),
    }
    for obj, selector in visible.values():
        if obj is not None and not selector(user=actor).filter(pk=obj.pk).exists():
            raise ServiceError("role_target_not_found", _("No such committee, station, unit or congress."))
    if not can_manage_congress(actor, role_congress.pk):
        raise ServiceError(
            "role_target_outside_congress",
            _("You may grant roles only over your own congress and its committees, stations and units."),
            status=403,
        )
    target = {"committee": committee, "station": station, "unit": unit}
    if RoleAssignment.objects.filter(
        user=account, role=role, congress=role_congress, is_active=True, **target
    ).exists():
        raise ServiceError("role_already_held", _("The account already holds this role."))
    assignment = RoleAssignment.objects.create(
        user=account, role=role, congress=role_congress, granted_at=timezone.now(), **target
    )
    record_event(
        actor=actor,
        kind=ev.ROLE_GRANTED,
        target=account,
        request=request,
        is_security=True,
        to_state=role.value,
        payload={
            "account": account.pk,
            "assignment": assignment.pk,
            "role": role.value,
            "congress": role_congress.pk,
            "committee": committee.pk if committee else None,
            "station": station.pk if station else None,
            "unit": unit.pk if unit else None,
        },
    )
    return assignment


@transaction.atomic
def role_revoke(*, actor: User, assignment: RoleAssignment, request=None) -> RoleAssignment:
    """Switch a role off (kept for history). Only staff of the role's congress may do it."""
    _refuse_unless_manages(actor, assignment.congress_id)
    _refuse_protected(actor, assignment.user)
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
    if not assignment.is_active:
        raise ServiceError("role_not_active", _("This role has already been revoked."))
    assignment.is_active = False
    assignment.save(update_fields=["is_active"])
    record_event(
        actor=actor,
        kind=ev.ROLE_REVOKED,
        target=assignment.user,
        request=request,
        is_security=True,
        from_state=assignment.role,
        payload={"account": assignment.user_id, "assignment": assignment.pk, "role": assignment.role},
    )
    return assignment
