"""The portal's page cache: a deputy's or a station's public page is rendered once and served from the cache
until something it shows changes.

Every cached body is stored with the portal's version number; any save or delete of a model the public pages
read sets a new version (`bump`), so the next request renders afresh. The key also holds the language and
today's date (the "next reception days" move with the calendar), and a TTL is a safety net for changes that
bypass model signals unnoticed (raw SQL).

Why signals: they only invalidate the cache, they carry no business logic. Writes in bulk send no signal
(bulk_create, bulk_update, queryset.update()): the services that write the watched models so call `bump()`
themselves, in their transaction (roster imports, reception days, activities recorded from sources). This
module imports Django only, so any app may import it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone, translation

VERSION_KEY = "portal:version"
TTL = 10 * 60  # seconds: the safety net
# The models the public deputy and station pages read (app_label.ModelName).
WATCHED = (
    "org.Person",
    "org.Mandate",
    "org.Congress",
    "org.Term",
    "org.ElectoralUnit",
    "stations.Station",
    "stations.StationDeputy",
    "stations.ReceptionDay",
    "stations.ReceptionAttendance",
    "opinions.ContactCode",
    "suggestions.Suggestion",
    "suggestions.Signer",
    "suggestions.Disclosure",
    "suggestions.Reply",
    "performance.Activity",
    "performance.ActivityKind",
    "performance.Participation",
    "performance.PublicArchive",
)


# Set when this process served a page from the cache or stored one, cleared by a bump: inside a transaction
# only this process can read the uncommitted change, so it bumps at once only when it may hold a stale page.
_served = False


def _set_version() -> None:
    global _served
    _served = False
    # A new random value rather than incr(): it works whether or not the key exists (or has expired), and
    # unlike a timestamp it differs even when two changes fall on the same clock tick.
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def bump(**_kwargs) -> None:
    """Invalidate every cached page: now (outside a transaction), or once when the transaction commits."""
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        _set_version()
        return
    # Once per transaction (a demo build saves thousands of rows): the other processes see the change at commit.
    # The connection starts a new list of callbacks at each commit or rollback: once per list.
    if getattr(conn, "_portal_callbacks", None) is not conn.run_on_commit:
        transaction.on_commit(_set_version)
        conn._portal_callbacks = conn.run_on_commit
    if _served:
        _set_version()


def cached_body(kind: str, pk: int, render: Callable[[], object], *, base: str = "", part: str = "body"):
    """The cached rendering of the page of `kind` `pk` in the current language (whatever `render` returns,
    None for "no such page" too), rendering it when stale.

    One cache read for the version and the body together (with the database cache, one query). `base` is the
    scheme and host the page's absolute addresses (a QR code's) are made from: part of the key, so a request
    by http or with an odd Host header cannot put its address in everyone's page. `part` keeps apart what
    is stored for one page: its body ("body") and the anonymous visitors' whole response ("page")."""
    day = timezone.localdate().isoformat()
    key = f"portal:{kind}:{pk}:{part}:{translation.get_language()}:{day}:{base}"
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY)
    stored = found.get(key)
    global _served
    _served = True
    if version is not None and stored is not None and stored[0] == version:
        return stored[1]
    if version is None:
        version = uuid.uuid4().hex
        cache.add(VERSION_KEY, version, None)
        version = cache.get(VERSION_KEY, version)
    body = render()
    cache.set(key, (version, body), TTL)
    return body


def connect() -> None:
    """Bump the version on every change of a watched model (called once from PortalConfig.ready)."""
    from django.apps import apps

    for label in WATCHED:
        model = apps.get_model(label)
        uid = f"portal-cache-{label}"
        post_save.connect(bump, sender=model, dispatch_uid=uid + "-save", weak=False)
        post_delete.connect(bump, sender=model, dispatch_uid=uid + "-delete", weak=False)
