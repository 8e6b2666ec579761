"""What a user may see and act on, computed from their roles (kept in the cache until those change).

Every selector filters through this, so a record outside the scope is simply not found (404), never leaked.
Staff and chairs read their congress and every congress below it (by materialised path) but act on their
own congress only; other roles are scoped to the one committee, station, unit, group or person they hold.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from lvzhi.core.list_cache import RecordsVersion

from .roles import Role


@dataclass(frozen=True)
class Scope:
    user_id: int | None = None
    is_admin: bool = False
    roles: frozenset[str] = frozenset()
    act_congress_ids: frozenset[int] = frozenset()  # staff: write access
    read_paths: tuple[str, ...] = ()  # staff and chairs: their congress and everything below
    member_congress_ids: frozenset[int] = frozenset()  # standing-committee members
    committee_ids: frozenset[int] = frozenset()
    committee_congress_ids: frozenset[int] = frozenset()
    station_ids: frozenset[int] = frozenset()
    unit_ids: frozenset[int] = frozenset()
    person_id: int | None = None
    mandate_ids: frozenset[int] = frozenset()
    led_group_ids: frozenset[int] = frozenset()

    def has(self, role: str) -> bool:
        return self.is_admin or role in self.roles

    def in_tree(self, prefix: str = "congress") -> Q:
        """Records whose congress is one the user reads as staff or chair (their own and all below)."""
        q = Q(pk__in=[])
        for path in self.read_paths:
            q |= Q(**{f"{prefix}__path__startswith": path})
        return q

    def reading_key(self) -> str:
        """What the user may read, without who they are: two users with the same key see the same records
        (a key for results cached per scope, e.g. lvzhi.core.list_cache)."""
        parts = []
        for name, value in sorted(self.__dict__.items()):
            if name != "user_id":
                parts.append(f"{name}={sorted(value) if isinstance(value, frozenset) else value}")
        return ";".join(parts)

    def can_act_in(self, congress_id: int | None) -> bool:
        return self.is_admin or (congress_id is not None and congress_id in self.act_congress_ids)


ANONYMOUS = Scope()


# Every signed-in page needs the scope (the menu at least): it is kept in the cache until a record it is
# derived from changes (a role, a mandate, a group's leader, a congress's place in the tree, the account),
# so a withdrawn role stops counting at the next request. Bulk writers of these models call SCOPES.bump().
SCOPES = RecordsVersion(
    "scopes",
    ("org.RoleAssignment", "org.Mandate", "org.DeputyGroup", "org.Congress", "org.Committee"),
    only_fast_cache=True,
)
SCOPE_ACCOUNT_FIELDS = {"is_superuser", "person", "person_id", "is_active"}


def account_saved(sender, update_fields=None, **kwargs) -> None:
    """An account's save changes scopes when it may change what the account reads; a sign-in, which saves
    last_login alone, changes none."""
    if update_fields is None or SCOPE_ACCOUNT_FIELDS & set(update_fields):
        SCOPES.bump()


def scope_for(user) -> Scope:
    """The user's scope, cached on the user object for the rest of the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_lvzhi_scope", None)
    if cached is not None:
        return cached
    from django.utils import timezone

    # The day is part of the key: which mandates are current changes with it.
    scope = SCOPES.cached(f"{user.pk}:{timezone.localdate()}", lambda: _compute(user))
    user._lvzhi_scope = scope
    return scope


def _compute(user) -> Scope:
    from django.utils import timezone

    from .models import DeputyGroup, Mandate, RoleAssignment

    roles: set[str] = set()
    act, read_paths, members = set(), set(), set()
    committees, committee_congresses, stations, units = set(), set(), set(), set()
    for ra in RoleAssignment.objects.filter(user=user, is_active=True).select_related(
        "congress", "committee"
    ):
        roles.add(ra.role)
        if ra.role == Role.STAFF:
            act.add(ra.congress_id)
            read_paths.add(ra.congress.path)
        elif ra.role == Role.CHAIR:
            read_paths.add(ra.congress.path)
        elif ra.role == Role.SC_MEMBER:
            members.add(ra.congress_id)
        elif ra.role == Role.COMMITTEE_STAFF:
            committees.add(ra.committee_id)
            committee_congresses.add(ra.committee.congress_id)
        elif ra.role == Role.STATION_STAFF:
            stations.add(ra.station_id)
        elif ra.role == Role.UNIT_HANDLER:
            units.add(ra.unit_id)

    mandate_ids: set[int] = set()
    led: set[int] = set()
    if user.person_id:
        today = timezone.localdate()
        mandate_ids = set(Mandate.objects.filter(person_id=user.person_id).values_list("pk", flat=True))
        current = Mandate.objects.filter(person_id=user.person_id).current(today).values_list("pk", flat=True)
        if current:
            roles.add(Role.DEPUTY)
        led = set(DeputyGroup.objects.filter(leader_id__in=list(current)).values_list("pk", flat=True))
        if led:
            roles.add(Role.GROUP_LEADER)
    if user.is_superuser:
        roles.add(Role.ADMIN)

    # Drop paths already covered by a shorter one, so filters stay small.
    paths = sorted(read_paths, key=len)
    kept: list[str] = []
    for p in paths:
        if not any(p.startswith(k) for k in kept):
            kept.append(p)

    return Scope(
        user_id=user.pk,
        is_admin=user.is_superuser,
        roles=frozenset(roles),
        act_congress_ids=frozenset(act),
        read_paths=tuple(kept),
        member_congress_ids=frozenset(members),
        committee_ids=frozenset(committees),
        committee_congress_ids=frozenset(committee_congresses),
        station_ids=frozenset(stations),
        unit_ids=frozenset(units),
        person_id=user.person_id,
        mandate_ids=frozenset(mandate_ids),
        led_group_ids=frozenset(led),
    )
