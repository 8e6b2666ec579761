"""The sibling-scope walk: every page URL and API route, opened by one account on the records of its sibling.

For each pair of demo accounts in sibling scopes (two districts, two committees, two stations, two units, two
deputies …) and each direction, every URL pattern of the site is walked (read from the resolver, so pages
added later are walked too):

- a pattern with an id parameter is opened, GET and POST (and PUT, PATCH, DELETE for the API), with the id
  of a record the other account may read and this one may not: it must answer 404 or 403 (405 for the wrong
  method), and the answer must not hold the record's name;
- the owner opens the same URL on its own record (the positive control: each such pattern must answer 200
  to some owner, so a wrong id can't make the test pass);
- a pattern without an id is read as this account: it must not fail, nor hold a name of the other's records.

Which model an id names is read from the URL: the segment before the parameter (`deputies/<int:pk>` →
mandate), or an explicit entry in URL_NAME_KINDS. A pattern with an id parameter that maps to nothing FAILS
the test: when you add a page with an id, add its segment to SEGMENT_KINDS (and a kind to KINDS if new).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.contrib import admin
from django.db.models import QuerySet
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

from lvzhi.briefings.selectors import briefings_visible_to
from lvzhi.briefings.selectors import files_visible_to as briefing_files_visible_to
from lvzhi.core.models import CalendarDay
from lvzhi.demo.city import DEMO_ACCOUNTS
from lvzhi.liaison import selectors as liaison
from lvzhi.meetings.selectors import (
    applications_visible_to,
    invitations_visible_to,
    meetings_visible_to,
    public_meetings,
)
from lvzhi.opinions.codes import live_codes_visible_to
from lvzhi.opinions.models import OpinionPhoto
from lvzhi.opinions.selectors_inbox import inbox_visible_to
from lvzhi.opinions.selectors_triage import triage_list_visible_to
from lvzhi.org import selectors as org
from lvzhi.org.models import (
    CommitteeMembership,
    Congress,
    ElectoralUnit,
    RoleAssignment,
    Session,
    Term,
    User,
)
from lvzhi.org.selectors_groups import group_activities_visible_to, group_plan_items_visible_to
from lvzhi.org.tokens import token_create, token_list_of
from lvzhi.performance.archive import archive_mandates_visible_to
from lvzhi.performance.models import Evidence
from lvzhi.performance.selectors import activities_visible_to, participations_visible_to, rule_sets_visible_to
from lvzhi.portal.directory import public_deputies, public_stations
from lvzhi.stations.selectors import station_list_visible_to
from lvzhi.stations.selectors_reception import (
    reception_days_visible_to,
    reception_exceptions_visible_to,
    reception_rules_visible_to,
)
from lvzhi.suggestions.models import Attachment, ConsultationItem, Disclosure
from lvzhi.suggestions.selectors import suggestion_list_visible_to
from lvzhi.suggestions.selectors_consultation import consultation_list_visible_to
from lvzhi.training.selectors import classes_visible_to
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAIRS = [
    ("staff_a", "staff_b"),
    ("chair_a", "chair_b"),
    ("member_a", "member_b"),
    ("committee_a", "committee_b"),
    ("station_a", "station_b"),
    ("handler_a", "handler_b"),
    ("deputy_a", "deputy_b"),
    ("leader_a", "leader_b"),
]
WALKERS = sorted({u for pair in PAIRS for u in pair})


# --- what a record is, and who may read it -----------------------------------------------------
@dataclass(frozen=True)
class Kind:
    visible: Callable[[User], QuerySet] | None  # None: shared data (no per-scope records), e.g. the calendar
    name: Callable[[object], str] = str  # text of the record that must not show to an outsider
    # Other texts of a record its readers see (a deputy's occupation may name a committee or a unit), so a
    # foreign name that appears inside them is not taken for a leak.
    texts: Callable[[object], tuple[str, ...]] = lambda r: ()
    # Public records (published disclosures): everyone reads the same ones, so there is no sibling to hide
    # them from; pages with their id are walked like shared data (they must simply not fail).
    public: bool = False


def _congresses(u):
    return org.congress_list_visible_to(user=u)


KINDS: dict[str, Kind] = {
    "congress": Kind(_congresses, lambda c: c.name),
    "term": Kind(lambda u: Term.objects.filter(congress__in=_congresses(u)), lambda t: ""),
    "session": Kind(lambda u: Session.objects.filter(term__congress__in=_congresses(u)), lambda s: ""),
    "electoral_unit": Kind(
        lambda u: ElectoralUnit.objects.filter(congress__in=_congresses(u)), lambda e: e.name
    ),
    "mandate": Kind(
        lambda u: org.mandate_list_visible_to(user=u),
        lambda m: m.person.name,
        lambda m: (m.person.occupation, m.electoral_unit.name if m.electoral_unit_id else ""),
    ),
    "person": Kind(lambda u: org.person_list_visible_to(user=u), lambda p: p.name, lambda p: (p.occupation,)),
    "committee": Kind(lambda u: org.committee_list_visible_to(user=u), lambda c: c.name),
    "committee_seat": Kind(
        lambda u: CommitteeMembership.objects.filter(committee__in=org.committee_list_visible_to(user=u)),
        lambda s: s.person.name,
    ),
    "group": Kind(lambda u: org.group_list_visible_to(user=u), lambda g: g.name),
    "unit": Kind(lambda u: org.unit_list_visible_to(user=u), lambda x: x.name),
    "station": Kind(lambda u: station_list_visible_to(user=u), lambda s: s.name, lambda s: (s.address,)),
    "account": Kind(lambda u: org.account_list_visible_to(user=u), lambda a: a.username),
    "role": Kind(
        lambda u: RoleAssignment.objects.filter(user__in=org.account_list_visible_to(user=u)), lambda r: ""
    ),
    "token": Kind(lambda u: token_list_of(user=u), lambda t: t.name),
    "calendar_day": Kind(None),
    "contact_code": Kind(
        lambda u: live_codes_visible_to(user=u),
        lambda c: c.mandate.person.name if c.mandate_id else c.station.name,
    ),
    # A suggestion's readers see the units assigned to it: a co-unit's handler reads the lead unit's name.
    "suggestion": Kind(
        lambda u: suggestion_list_visible_to(user=u).prefetch_related("assignments__unit"),
        lambda x: x.title,
        lambda x: tuple(a.unit.name for a in x.assignments.all()),
    ),
    "attachment": Kind(
        lambda u: Attachment.objects.filter(suggestion__in=suggestion_list_visible_to(user=u)),
        lambda a: a.name,
    ),
    "disclosure": Kind(
        lambda u: Disclosure.objects.filter(is_published=True), lambda d: d.title, public=True
    ),
    "consultation_list": Kind(lambda u: consultation_list_visible_to(user=u), lambda x: x.title),
    "consultation_item": Kind(
        lambda u: ConsultationItem.objects.filter(consultation_list__in=consultation_list_visible_to(user=u)),
        lambda i: i.summary,
    ),
    # A citizen's opinion in a deputy's (or a station's staff's) inbox, named by its tracking number.
    "opinion": Kind(lambda u: inbox_visible_to(user=u), lambda o: o.number),
    # The same opinions as the office, a station's staff and a unit's handlers triage them.
    "triage_opinion": Kind(lambda u: triage_list_visible_to(user=u), lambda o: o.number),
    # Performance: activities (the deputy's own, the office's tree), each deputy's part, evidence, rules.
    "activity": Kind(lambda u: activities_visible_to(user=u), lambda a: a.title),
    "participation": Kind(lambda u: participations_visible_to(user=u), lambda p: ""),
    "evidence": Kind(
        lambda u: Evidence.objects.filter(activity__in=activities_visible_to(user=u)), lambda e: e.name
    ),
    "rule_set": Kind(lambda u: rule_sets_visible_to(user=u), lambda r: r.name),
    # The two contacts (liaison): a member's or committee's page, assignments, contacts, opinions raised.
    "liaison_member": Kind(
        lambda u: liaison.members_visible_to(user=u), lambda p: p.name, lambda p: (p.occupation,)
    ),
    "liaison_committee": Kind(lambda u: liaison.committees_visible_to(user=u), lambda c: c.name),
    "liaison_assignment": Kind(lambda u: liaison.assignments_visible_to(user=u), lambda a: ""),
    "liaison_contact": Kind(lambda u: liaison.contacts_visible_to(user=u), lambda c: c.topic),
    "liaison_opinion": Kind(lambda u: liaison.raised_visible_to(user=u), lambda r: r.content[:12]),
    # A deputy mandate's performance archive: the deputy's own, the office's and chairs' tree.
    "archive": Kind(
        lambda u: archive_mandates_visible_to(user=u),
        lambda m: m.person.name,
        lambda m: (m.person.occupation, m.electoral_unit.name if m.electoral_unit_id else ""),
    ),
}

# Deputy groups' year of work (a plan item, an activity held) and training classes.
KINDS["group_plan_item"] = Kind(lambda u: group_plan_items_visible_to(user=u), lambda i: i.topic)
KINDS["group_activity"] = Kind(lambda u: group_activities_visible_to(user=u), lambda a: a.topic)
KINDS["training_class"] = Kind(lambda u: classes_visible_to(user=u), lambda c: c.title)
# Briefings to deputies: the office's tree in every state, and the published ones a deputy received; their files.
KINDS["briefing"] = Kind(lambda u: briefings_visible_to(user=u), lambda b: b.title)
KINDS["briefing_file"] = Kind(lambda u: briefing_files_visible_to(user=u), lambda f: f.name)
# Invitations (meetings): the activities deputies are invited to, each deputy's invitation, citizens' applications
# to observe (their URLs are placed by name, in URL_NAME_KINDS); the meetings open to observers are public.
KINDS["meeting"] = Kind(lambda u: meetings_visible_to(user=u), lambda m: m.title)
KINDS["invitation"] = Kind(lambda u: invitations_visible_to(user=u), lambda i: i.mandate.person.name)
KINDS["observer_application"] = Kind(lambda u: applications_visible_to(user=u), lambda a: a.number)
KINDS["public_meeting"] = Kind(
    lambda u: public_meetings(), lambda m: m.title, lambda m: (m.congress.name, m.host_name), public=True
)
# The public portal's directory: serving deputies and active stations are public figures and places.
KINDS["public_deputy"] = Kind(lambda u: public_deputies(), lambda m: m.person.name, public=True)
KINDS["public_station"] = Kind(lambda u: public_stations(), lambda s: s.name, public=True)
# Stations' reception days (the office's tree, the station's staff, the deputies scheduled), their rules and the
# dates cancelled or moved by hand (read with the station; the reason is the exception's own text).
KINDS["reception_day"] = Kind(lambda u: reception_days_visible_to(user=u), lambda d: "")
KINDS["reception_rule"] = Kind(lambda u: reception_rules_visible_to(user=u), lambda r: "")
KINDS["reception_exception"] = Kind(lambda u: reception_exceptions_visible_to(user=u), lambda e: e.reason)

# The URL segment just before an id parameter names the model ("deputies/<int:pk>/edit/" → mandate).
SEGMENT_KINDS = {
    "congresses": "congress",
    "terms": "term",
    "sessions": "session",
    "electoral-units": "electoral_unit",
    "deputies": "mandate",
    "mandates": "mandate",
    "people": "person",
    "committees": "committee",
    "committee-seats": "committee_seat",
    "groups": "group",
    "units": "unit",
    "stations": "station",
    "accounts": "account",
    "roles": "role",
    "tokens": "token",
    "calendar": "calendar_day",
    "codes": "contact_code",
    "suggestions": "suggestion",
    "attachments": "attachment",
    "consultation-lists": "consultation_list",
    "consultation-items": "consultation_item",
    "inbox": "opinion",
    "triage": "triage_opinion",
    "activities": "activity",
    "participations": "participation",
    "evidence": "evidence",
    "rules": "rule_set",
    "archive": "archive",
    "contact-members": "liaison_member",
    "contact-committees": "liaison_committee",
    "contact-assignments": "liaison_assignment",
    "contact-logs": "liaison_contact",
    "raised-opinions": "liaison_opinion",
    "group-plan-items": "group_plan_item",
    "group-activities": "group_activity",
    "classes": "training_class",
    "briefings": "briefing",
    "reception-days": "reception_day",
    "reception-rules": "reception_rule",
    "reception-exceptions": "reception_exception",
}
# Where the segment doesn't tell: "namespace:name" (or a prefix of it ending in "_" or ":") → kind,
# optionally per parameter as "namespace:name#param".
URL_NAME_KINDS: dict[str, str] = {"portal:": "disclosure"}
URL_NAME_KINDS |= {"portal:deputy": "public_deputy", "portal:station": "public_station"}
URL_NAME_KINDS |= {"briefings:file_download": "briefing_file", "briefings:file_remove": "briefing_file"}
URL_NAME_KINDS |= {
    "meetings:": "meeting",
    "meetings:invitation_": "invitation",
    "meetings:application_": "observer_application",
    "meetings_public:": "public_meeting",
}
# Parameters that are not ids, and the value to walk them with.
PARAM_VALUES = {"year": "2026", "month": "1", "kind": "deputies"}
# The citizen's pages take secrets, not ids: a code's token, an opinion's follow-up key, a photo's place (1-3).
# Walked with values that name nothing (a 404); tests/opinions open them with real ones.
PARAM_VALUES |= {"token": "walk-no-such-code", "key": "0" * 32, "index": "1"}
# A dashboard figure's page is named by the figure's key (lvzhi.dashboards.figures.HEADLINE).
PARAM_VALUES |= {"figure": "satisfied_first"}

# Pages anyone may open signed out.
PUBLIC = {"signin", "healthz", "set_language", "api:openapi-json", "api:openapi-view", "home"}
PUBLIC |= {"portal:list", "portal:detail"}  # the disclosed suggestions (published copies only)
# The public portal: its home, find my deputy, a deputy's and a station's page, the statistics (tests/portal).
PUBLIC |= {"portal:index", "portal:deputies", "portal:deputy", "portal:stations", "portal:station"}
PUBLIC |= {"portal:statistics"}
# The cached public pages' language switch (set_language without a CSRF token: it only sets the language cookie).
PUBLIC |= {"portal:language"}
# The citizen's pages behind a QR code (opinions): no sign-in, each reads one record for one secret.
PUBLIC |= {"opinions:reach", "opinions:lookup", "opinions:status", "opinions:thanks", "opinions:photo"}
# A deputy's public archive page: no sign-in, found by its random key only (the public parts).
PUBLIC |= {"performance:public_archive"}
# Citizens observing meetings (旁听): the open meetings, the application form, the applicant's receipt (by its secret).
PUBLIC |= {"meetings_public:list", "meetings_public:detail", "meetings_public:receipt"}
# The public calendar of reception days: every station's upcoming days, the same page for everyone (its names are
# public facts, like a poster's), so it is walked for failures but not for names of a sibling's scope;
# tests/stations/test_reception.py checks it holds nothing private.
PUBLIC |= {"reception_public:calendar"}
SAME_FOR_EVERYONE = {"reception_public:calendar"}
# The portal's lists name every district, station and deputy found, alike for everyone (tests/portal).
SAME_FOR_EVERYONE |= {"portal:deputies", "portal:stations", "portal:statistics"}
# Not walked signed in: they would end the walker's session (the pages themselves are tested elsewhere).
SESSION_ENDING = {"signout"}

ID_PARAM = re.compile(r"^(pk|id|.+_id|.+_pk)$")
PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")


@dataclass
class Pattern:
    route: str  # "org/deputies/<int:pk>/"
    name: str  # "org:deputy_detail"
    params: list[tuple[str, str]]  # (name, converter)

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/")

    def methods(self) -> tuple[str, ...]:
        return ("get", "post", "put", "patch", "delete") if self.is_api else ("get", "post")

    def id_params(self) -> list[str]:
        return [p for p, _ in self.params if ID_PARAM.match(p)]

    def kind_of(self, param: str) -> str | None:
        for key in (f"{self.name}#{param}", self.name):
            if key in URL_NAME_KINDS:
                return URL_NAME_KINDS[key]
        prefixes = [k for k in URL_NAME_KINDS if k.endswith(("_", ":")) and self.name.startswith(k)]
        if prefixes:
            return URL_NAME_KINDS[max(prefixes, key=len)]
        marker = re.search(rf"<(?:\w+:)?{param}>", self.route)
        segments = [s for s in self.route[: marker.start()].split("/") if s and "<" not in s]
        return SEGMENT_KINDS.get(segments[-1]) if segments else None

    def url(self, values: dict[str, object]) -> str:
        return "/" + PARAM.sub(lambda m: str(values[m.group("name")]), self.route)


def site_patterns() -> list[Pattern]:
    out: list[Pattern] = []

    def walk(entries, prefix: str, namespace: str):
        for entry in entries:
            if isinstance(entry, URLResolver):
                ns = entry.namespace or ""
                full_ns = ":".join(x for x in (namespace, ns) if x)
                if full_ns.split(":")[0] == "admin":
                    continue  # walked by test_the_admin_is_closed_to_every_walker
                walk(entry.url_patterns, prefix + _route_of(entry), full_ns)
            elif isinstance(entry, URLPattern):
                route = prefix + _route_of(entry)
                name = ":".join(x for x in (namespace, entry.name or "") if x)
                params = [(m.group("name"), m.group("conv") or "str") for m in PARAM.finditer(route)]
                out.append(Pattern(route=route, name=name, params=params))

    walk(get_resolver().url_patterns, "", "")
    return out


def _route_of(entry) -> str:
    if isinstance(entry.pattern, RoutePattern):
        return str(entry.pattern)
    regex = entry.pattern.regex.pattern
    if entry.pattern.regex.groups:
        raise AssertionError(f"cannot walk the regex pattern {regex!r}: write it with path() converters")
    return regex.lstrip("^").rstrip("$").replace("\\", "")


# --- the world: the demo city (tests/conftest.py builds it once per test session) --------------------
@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    users = {u.username: u for u in User.objects.filter(username__in=WALKERS)}
    assert set(users) == set(WALKERS), "the demo city's accounts are missing from the test database"
    assert {u for u, _role in DEMO_ACCOUNTS} >= set(WALKERS)
    for user in users.values():
        token_create(user=user, name=f"走查令牌-{user.username}")
    _attach_files(users)
    _assign_to_units(users)
    _register_activities(users)
    _write_briefing_files()
    return users


def _write_briefing_files() -> None:
    """The demo briefings' attachments, written again into this MEDIA_ROOT, so their downloads answer."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from lvzhi.briefings.models import BriefingFile

    for name in BriefingFile.objects.values_list("file", flat=True):
        if not default_storage.exists(name):
            default_storage.save(name, ContentFile(b"%PDF-1.4\n"))


def _register_activities(users) -> None:
    """An activity with a file for each walking deputy (the demo's history has no evidence files)."""
    import datetime as dt

    from django.core.files.base import ContentFile

    from lvzhi.org.models import Mandate
    from lvzhi.performance.services.activities import activity_register
    from lvzhi.performance.services.common import kind_by_code

    for username in ("deputy_a", "deputy_b"):
        user = users[username]
        mandate = Mandate.objects.current().filter(person_id=user.person_id).order_by("congress__path").last()
        proof = ContentFile(b"%PDF-1.4\n", name=f"walk-{username}-proof.pdf")
        activity_register(
            actor=user,
            mandate=mandate,
            kind=kind_by_code("research"),
            date=dt.date.today() - dt.timedelta(days=1),
            title=f"走查调研-{username}",
            files=[proof],
        )


def _assign_to_units(users) -> None:
    """An opinion of the city assigned to each walking handler's unit (with a photo), so the unit pages are
    walked on both units' items."""
    from django.core.files.base import ContentFile

    from lvzhi.opinions.models import Opinion
    from lvzhi.opinions.services.triage import opinion_assign_unit, opinion_enter

    office = User.objects.get(username="city_staff")
    for username in ("handler_a", "handler_b"):
        unit = RoleAssignment.objects.get(user=users[username], role="unit_handler", is_active=True).unit
        item = opinion_enter(
            actor=office,
            congress=unit.congress,
            source=Opinion.Source.STAFF,
            kind=Opinion.Kind.OPINION,
            category=Opinion.Category.OTHER,
            content=f"走查：交给{unit.name}办理的群众意见。",
            consent=True,
        ).opinion
        opinion_assign_unit(actor=office, opinion=item, unit=unit)
        photo = OpinionPhoto(opinion=item, size=8, content_type="image/png")
        photo.file.save(f"walk-{username}.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)


def _attach_files(users) -> None:
    """A file on each sibling district's suggestion (in MEDIA_ROOT=tmp_path), so downloads are walked too."""
    from django.core.files.base import ContentFile

    for username in ("deputy_a", "deputy_b"):
        user = users[username]
        mine = suggestion_list_visible_to(user=user).filter(author__person_id=user.person_id)
        s = mine.exclude(congress__level="city").order_by("pk").first()
        a = Attachment(
            suggestion=s,
            name=f"走查材料-{username}.pdf",
            size=9,
            content_type="application/pdf",
            uploaded_by=user,
        )
        a.file.save(f"walk-{username}.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
        # A photo on the deputy's first inbox item, so the inbox's photo page has something to serve.
        item = inbox_visible_to(user=user).filter(person_id=user.person_id).order_by("pk").first()
        photo = OpinionPhoto(opinion=item, size=8, content_type="image/png")
        photo.file.save(f"walk-{username}.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)


# --- the walk ----------------------------------------------------------------------------------
@dataclass
class Walk:
    """What one viewer may read, and the texts that would betray a foreign record."""

    user: User
    visible_ids: dict[str, set] = field(default_factory=dict)
    visible_names: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, user) -> Walk:
        w = cls(user)
        for key, kind in KINDS.items():
            if kind.visible is None:
                continue
            rows = list(kind.visible(user))
            w.visible_ids[key] = {r.pk for r in rows}
            w.visible_names |= {n for n in map(kind.name, rows) if n}
            w.visible_names |= {t for r in rows for t in kind.texts(r) if t}
        w.visible_names |= {user.username, user.display_name}
        return w

    def betrays(self, name: str) -> bool:
        """A name worth looking for: long enough, and no text this viewer may legitimately see contains it."""
        return len(name) >= 2 and not any(name in seen for seen in self.visible_names)


def foreign_records(kind_key: str, viewer: Walk, owner: Walk, limit: int = 1) -> list:
    """Records the owner reads and the viewer may not; the owner's most own first (its own person's, then
    its own congress's), so the owner's positive control opens pages it may act on, not only read."""
    kind = KINDS[kind_key]
    rows = kind.visible(owner.user).exclude(pk__in=viewer.visible_ids[kind_key]).order_by("pk")
    fields = {f.name for f in rows.model._meta.get_fields()}
    candidates = []
    if owner.user.person_id and "person" in fields:
        candidates += list(rows.filter(person_id=owner.user.person_id)[:5])
    home = owner.user.congress_id
    if home and rows.model is Congress and rows.filter(pk=home).exists():
        # The owner's own congress, the one it manages, even where its name is public (public meetings name
        # it): a congress below it, read but not managed, would make the positive control answer 403.
        return list(rows.filter(pk=home))[:limit]
    elif home and "congress" in fields:
        candidates += list(rows.filter(congress_id=home)[:20])
    candidates += list(rows[:20])
    seen: set = set()
    unique = [r for r in candidates if not (r.pk in seen or seen.add(r.pk))]
    named = [r for r in unique if viewer.betrays(kind.name(r))]
    return (named or unique)[:limit]


def text_of(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content  # a download
    body = raw.decode("utf-8", errors="replace")
    if response.get("Content-Type", "").startswith("application/json"):
        try:
            body = json.dumps(json.loads(body), ensure_ascii=False)
        except ValueError:
            pass
    return body


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def own_value(kind_key: str, walk: Walk, fallback):
    if KINDS[kind_key].visible is None:
        first = CalendarDay.objects.order_by("pk").first()
        return first.pk if first else 1
    ids = sorted(walk.visible_ids[kind_key])
    return ids[0] if ids else fallback


def param_values(pattern: Pattern, walk: Walk, target_param: str, target_id) -> dict:
    values = {}
    for name, _conv in pattern.params:
        if name == target_param:
            values[name] = target_id
        elif ID_PARAM.match(name):
            values[name] = own_value(pattern.kind_of(name), walk, target_id)
        else:
            values[name] = PARAM_VALUES[name]
    return values


DENIED = {403, 404}


def walk_pair(viewer_user, owner_user, report: dict) -> list[str]:
    viewer, owner = Walk.of(viewer_user), Walk.of(owner_user)
    as_viewer, as_owner = login(viewer_user), login(owner_user)
    problems: list[str] = []
    foreign_names: set[str] = set()

    for pattern in site_patterns():
        if pattern.name in SESSION_ENDING:
            continue
        ids = pattern.id_params()
        if not ids:
            continue
        for param in ids:
            kind_key = pattern.kind_of(param)
            if kind_key is None:
                continue  # reported by test_every_id_parameter_maps_to_a_model
            kind = KINDS[kind_key]
            if kind.visible is None or kind.public:
                # Shared data: no sibling to hide from; it must simply not fail.
                url = pattern.url(param_values(pattern, viewer, param, own_value(kind_key, viewer, 1)))
                for method in ("get", "post"):
                    status = getattr(as_viewer, method)(url).status_code
                    if status >= 500:
                        problems.append(f"{viewer_user.username} {method.upper()} {url} → {status}")
                report[pattern.name].add("shared")
                continue
            for record in foreign_records(kind_key, viewer, owner):
                name = kind.name(record)
                watch = name if viewer.betrays(name) else ""
                if watch:
                    foreign_names.add(watch)
                url = pattern.url(param_values(pattern, viewer, param, record.pk))
                statuses = {}
                for method in pattern.methods():
                    response = getattr(as_viewer, method)(url)
                    statuses[method] = response.status_code
                    if response.status_code not in DENIED | {405}:
                        problems.append(
                            f"{viewer_user.username} {method.upper()} {url} ({pattern.name}, "
                            f"{owner_user.username}'s {kind_key} {record.pk}) → {response.status_code}"
                        )
                    elif watch and watch in text_of(response):
                        problems.append(f"{viewer_user.username} {method.upper()} {url} shows {watch!r}")
                if not set(statuses.values()) & DENIED:
                    problems.append(f"{url}: 405 to every method, so nothing was checked")
                report[pattern.name].add("foreign")
                report["_walked_now"].add(url)
                # Positive control: the owner opens the same URL on its own record (until one owner has).
                if "owner:200" in report[pattern.name] and pattern.name in report["_name_shown_to_owner"]:
                    continue
                owner_url = pattern.url(param_values(pattern, owner, param, record.pk))
                response = as_owner.get(owner_url)
                report[pattern.name].add(f"owner:{response.status_code}")
                if response.status_code == 200 and (not name or name in text_of(response)):
                    report["_name_shown_to_owner"].add(pattern.name)
                if response.status_code >= 500:
                    problems.append(f"{owner_user.username} GET {owner_url} → {response.status_code}")

    # Pages without an id: they open (or refuse) without failing, and hold none of the foreign names
    # (those of the records walked above, and a few more of each kind).
    for key, kind in KINDS.items():
        if kind.visible is not None:
            foreign_names |= {
                n for n in map(kind.name, foreign_records(key, viewer, owner, limit=10)) if viewer.betrays(n)
            }
    for pattern in site_patterns():
        if pattern.id_params() or pattern.name in SESSION_ENDING:
            continue
        if any(name not in PARAM_VALUES for name, _ in pattern.params):
            continue  # reported by test_every_parameter_has_a_value
        url = pattern.url(PARAM_VALUES)
        response = as_viewer.get(url, {"limit": 500} if pattern.is_api else {})
        if response.status_code >= 500:
            problems.append(f"{viewer_user.username} GET {url} → {response.status_code}")
            continue
        if pattern.name in SAME_FOR_EVERYONE:
            continue
        body = text_of(response)
        leaked = sorted(n for n in foreign_names if n in body)
        if leaked:
            problems.append(f"{viewer_user.username} GET {url} shows {owner_user.username}'s {leaked[:5]}")
    report["_foreign_names"].add(len(foreign_names))
    return problems


# --- the tests ---------------------------------------------------------------------------------
def test_every_id_parameter_maps_to_a_model():
    unmapped = [
        f"{p.name or '(unnamed)'} /{p.route} param {param}"
        for p in site_patterns()
        for param in p.id_params()
        if p.kind_of(param) not in KINDS
    ]
    assert not unmapped, (
        "URL patterns with an id the scope walk cannot place; add the URL segment to SEGMENT_KINDS "
        "(or the URL name to URL_NAME_KINDS) in tests/test_scope_walk.py:\n" + "\n".join(unmapped)
    )


def test_every_parameter_has_a_value():
    missing = [
        f"{p.name} /{p.route} param {name}"
        for p in site_patterns()
        for name, _ in p.params
        if not ID_PARAM.match(name) and name not in PARAM_VALUES
    ]
    assert not missing, "add a value to PARAM_VALUES in tests/test_scope_walk.py:\n" + "\n".join(missing)


def test_sibling_accounts_cannot_open_each_others_records(world):
    report: dict[str, set] = defaultdict(set)
    problems = []
    for a, b in PAIRS:
        for viewer, owner in ((a, b), (b, a)):
            problems += walk_pair(world[viewer], world[owner], report)
        if not report.pop("_walked_now", None):
            problems.append(f"{a}/{b}: no foreign record was walked")
    assert not problems, "\n".join(problems)

    # Positive control: each pattern with an id answered 200 to an owner on its own record at least once
    # (or is POST-only), so the ids the walk substitutes are the right model's and the test can fail.
    idle = []
    for pattern in site_patterns():
        if not pattern.id_params() or pattern.name in SESSION_ENDING:
            continue
        marks = report.get(pattern.name, set())
        if "shared" in marks:
            continue
        if "foreign" not in marks:
            idle.append(f"{pattern.name}: no pair has a foreign record for it; add one to the world")
            continue
        owner_statuses = {m for m in marks if m.startswith("owner:")}
        if "owner:200" not in owner_statuses and owner_statuses != {"owner:405"}:
            idle.append(f"{pattern.name}: no owner opened its own record ({sorted(owner_statuses)})")
    assert not idle, "\n".join(idle)
    # ... and the name check is not idle: owners' pages show the names the viewers' pages must not.
    assert {"org:deputy_detail", "stations:detail", "api:deputy_detail"} <= report["_name_shown_to_owner"]
    assert max(report["_foreign_names"]) > 0


def test_signed_out_visitors_are_sent_to_sign_in(world):
    anonymous = Client()
    problems = []
    any_ids = {
        key: kind.visible(world["staff_a"]).order_by("pk").values_list("pk", flat=True).first()
        for key, kind in KINDS.items()
        if kind.visible is not None
    }
    for pattern in site_patterns():
        if pattern.name in PUBLIC:
            continue
        values = {}
        for name, _ in pattern.params:
            if ID_PARAM.match(name):
                kind_key = pattern.kind_of(name)
                values[name] = any_ids.get(kind_key) or 1
            else:
                values[name] = PARAM_VALUES.get(name, "1")
        url = pattern.url(values)
        for method in ("get", "post"):
            response = getattr(anonymous, method)(url)
            status = response.status_code
            if pattern.is_api:
                ok = status in {401, 403, 404, 405}
            else:
                ok = status in {403, 404, 405} or (
                    status == 302 and response["Location"].startswith(reverse("signin"))
                )
            if not ok:
                problems.append(f"signed out {method.upper()} {url} ({pattern.name}) → {status}")
    assert not problems, "\n".join(problems)


def test_the_admin_is_closed_to_every_walker(world):
    """The admin is the site administrator's: every other account is sent to the admin's sign-in."""
    for username in ("staff_a", "deputy_b", "handler_a"):
        client = login(world[username])
        urls = [reverse("admin:index")]
        for model in admin.site._registry:
            info = (model._meta.app_label, model._meta.model_name)
            first = model._default_manager.order_by("pk").values_list("pk", flat=True).first() or 1
            urls += [
                reverse("admin:{}_{}_changelist".format(*info)),
                reverse("admin:{}_{}_change".format(*info), args=[first]),
            ]
        for url in urls:
            response = client.get(url)
            assert response.status_code == 302 and "/admin/login/" in response["Location"], (username, url)


def test_an_unknown_id_in_any_url_is_a_404(world):
    """No page or route fails on an id that names nothing, even for the site administrator."""
    admin_user = User.objects.filter(is_superuser=True, is_active=True).first() or UserFactory(
        username="walk_admin", is_superuser=True, is_staff=True
    )
    problems = []
    for user in (world["staff_a"], admin_user):
        client = login(user)
        for pattern in site_patterns():
            if not pattern.id_params() or pattern.name in SESSION_ENDING:
                continue
            values = {
                n: 999_999_999 if ID_PARAM.match(n) else PARAM_VALUES.get(n, "1") for n, _ in pattern.params
            }
            url = pattern.url(values)
            statuses = {m: getattr(client, m)(url).status_code for m in pattern.methods()}
            if not set(statuses.values()) <= DENIED | {405} or not set(statuses.values()) & DENIED:
                problems.append(f"{user.username} {url} → {statuses}")
    assert not problems, "\n".join(problems)
