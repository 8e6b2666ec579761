"""Bad input in query strings: no page and no API route fails (500) on an odd parameter value.

Every URL pattern of the site is walked (read from the resolver, as tests/test_scope_walk.py does), opened on a
record the walker may act on. Which query parameters a page reads is found by watching it: the page is opened
once while every read of request.GET and request.POST is recorded (a form bound to the query string reads its
fields only once the query string is not empty, so it is opened again with the parameters found so far). An
API route's parameters are read from its OpenAPI description. Then each parameter is sent set to each of
BAD_VALUES, alone and all together, as deputy-affairs staff of a district and as the site administrator: the
answer may be anything but a server error.

"²" is a digit to str.isdigit() but not to int(); a NUL byte is refused by PostgreSQL in text; 9999-12-31 is a
valid date that overflows date arithmetic; -1 is a number no id or page has.
"""

from __future__ import annotations

import logging
import re
from contextlib import contextmanager

import pytest
from django.db import transaction
from django.http import QueryDict
from django.test import Client

from lvzhi.org.models import Congress, User

from .scope_markers import user
from .test_scope_walk import ID_PARAM, KINDS, PARAM_VALUES, SESSION_ENDING, own_value, site_patterns

pytestmark = pytest.mark.django_db

BAD_VALUES = ["²", "a\x00b", "9999-12-31", "-1"]
ALONE_VALUES = ["²", "a\x00b"]
# Read by every page (the language switcher, the pager's own link …) or by the test client: not the view's.
IGNORED = {"csrfmiddlewaretoken", "_probe"}


@contextmanager
def recorded_reads():
    """The keys read from any QueryDict (request.GET, request.POST) while the block runs."""
    seen: set[str] = set()
    names = ("get", "getlist", "__getitem__", "__contains__")
    own = {name: QueryDict.__dict__[name] for name in names if name in QueryDict.__dict__}
    originals = {name: getattr(QueryDict, name) for name in names}

    def recording(name):
        original = originals[name]

        def read(self, key, *args, **kwargs):
            if isinstance(key, str):
                seen.add(key)
            return original(self, key, *args, **kwargs)

        return read

    for name in names:
        setattr(QueryDict, name, recording(name))
    try:
        yield seen
    finally:
        for name in names:
            if name in own:
                setattr(QueryDict, name, own[name])
            else:
                delattr(QueryDict, name)


def client_for(account) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(account)
    return client


def get(client: Client, url: str, params: dict):
    """One GET in a savepoint, so a database error in the view (PostgreSQL) does not poison the next one."""
    savepoint = transaction.savepoint()
    response = client.get(url, params)
    if response.status_code >= 500:
        transaction.savepoint_rollback(savepoint)
    else:
        transaction.savepoint_commit(savepoint)
    return response


def params_read(client: Client, url: str) -> set[str]:
    found: set[str] = set()
    for _round in range(3):
        with recorded_reads() as seen:
            probe = {"_probe": "1", **{k: "1" for k in found}}
            get(client, url, probe if found or _round else {})
        new = seen - IGNORED - found
        if not new and _round:
            break
        found |= new
    return found


def openapi_query_params() -> dict[str, set[str]]:
    from lvzhi.api.api import api

    schema = api.get_openapi_schema()
    out: dict[str, set[str]] = {}
    for path, operations in schema["paths"].items():
        get_op = operations.get("get")
        if get_op:
            out[path] = {p["name"] for p in get_op.get("parameters", []) if p.get("in") == "query"}
    return out


def _pick(kind_key: str, account) -> int:
    """A record the account may act on: its own congress's, else any it reads."""
    kind = KINDS[kind_key]
    if kind.visible is None:
        return own_value(kind_key, None, 1)
    rows = kind.visible(account).order_by("pk")
    fields = {f.name for f in rows.model._meta.get_fields()}
    if rows.model is Congress and account.congress_id:
        own = rows.filter(pk=account.congress_id)
    elif "congress" in fields and account.congress_id:
        own = rows.filter(congress_id=account.congress_id)
    else:
        own = rows
    pk = own.values_list("pk", flat=True).first() or rows.values_list("pk", flat=True).first()
    return pk or 999_999_999


def walk(account, *, each_alone: bool) -> tuple[list[str], dict[str, set[str]]]:
    client = client_for(account)
    api_params = openapi_query_params()
    problems: list[str] = []
    read: dict[str, set[str]] = {}
    walked: set[str] = set()
    for pattern in site_patterns():
        if pattern.name in SESSION_ENDING:
            continue
        if any(p not in PARAM_VALUES and not ID_PARAM.match(p) for p, _ in pattern.params):
            continue  # reported by tests/test_scope_walk.py
        if any(ID_PARAM.match(p) and pattern.kind_of(p) not in KINDS for p, _ in pattern.params):
            continue  # reported by tests/test_scope_walk.py
        values = {
            p: _pick(pattern.kind_of(p), account) if ID_PARAM.match(p) else PARAM_VALUES[p]
            for p, _ in pattern.params
        }
        url = pattern.url(values)
        if url in walked:
            continue  # two routes on one address (GET and POST of the API's /tokens)
        walked.add(url)
        if pattern.is_api:
            openapi_path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", pattern.route)
            params = api_params.get(openapi_path, set())
        else:
            params = params_read(client, url)
        params -= IGNORED
        read[pattern.name] = params
        if not params:
            continue
        # All of them at once with each value; each alone too (so that one parameter's refusal cannot hide
        # another's failure) with the two values that break parsing and the database.
        tries = [dict.fromkeys(params, value) for value in BAD_VALUES]
        if each_alone and len(params) > 1:
            tries += [{p: value} for p in sorted(params) for value in ALONE_VALUES]
        for query in tries:
            status = get(client, url, query).status_code
            if status >= 500:
                problems.append(f"{account.username} GET {url} {query!r} → {status}")
    return problems, read


@pytest.fixture
def quiet_errors():
    """The walk provokes server errors on purpose; their tracebacks would drown the report."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    yield
    logger.setLevel(level)


def test_the_parameter_recorder_sees_what_a_page_reads():
    """The walk is not idle: the pages known to read parameters are found to read them."""
    staff = user("staff_a")
    client = client_for(staff)
    assert {"q", "congress", "term", "group", "status", "page"} <= params_read(client, "/org/deputies/")
    assert {"date_from", "date_to", "actor", "kind"} <= params_read(client, "/core/events/")
    assert {"year", "start", "days"} <= params_read(client, "/core/calendar/")
    assert {"q", "congress", "limit", "offset"} <= openapi_query_params()["/api/v1/deputies"]


@pytest.mark.parametrize("username", ["staff_a", "admin"])
def test_no_query_parameter_value_makes_a_page_fail(username, quiet_errors):
    account = user(username) if username != "admin" else User.objects.get(username="admin", is_superuser=True)
    problems, read = walk(account, each_alone=username == "staff_a")
    assert sum(bool(p) for p in read.values()) >= 10, read
    assert not problems, "\n".join(problems)


def test_a_parameter_named_like_a_method_does_not_break_the_pager(quiet_errors):
    """A template looks a key up before an attribute: a pager that looped over `request.GET.items` read
    ?items=… as a string and failed (the pager now uses {% querystring %})."""
    client = client_for(user("staff_a"))
    for value in ("1", "-1", "²"):
        for name in ("items", "urlencode", "lists"):
            assert get(client, "/org/deputies/", {"status": "all", name: value}).status_code == 200
            assert get(client, "/org/accounts/", {name: value}).status_code == 200
