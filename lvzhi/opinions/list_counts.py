"""How many opinions a figure's list holds, counted once until the opinions change.

A province's list behind one number counts about 100,000 opinions (January to November) before it shows its
first 50; even read from the figures index alone that COUNT costs 50–400 ms, against a page of 50 rows read
in a few. So the count is kept in the cache, keyed by its exact SQL (the user's scope is part of it: two
accounts share a count only when they count the same opinions), and stored with the opinions' version.

Any save or delete of an opinion, a citizen's rating (the satisfaction figure) or a congress (a subtree that
moves) sets a new version (`bump`, connected in OpinionsConfig.ready), so the next request counts afresh: the
number always equals the rows the list pages through. Writes in bulk send no signal: the services that write
opinions in bulk call `bump()` themselves (the hotline import), and the TTL is the safety net for anything
else (raw SQL, a restored database). The same pattern as the portal's page cache (lvzhi.portal.cache).
"""

from __future__ import annotations

import hashlib
import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save

VERSION_KEY = "opinions:lists:version"
TTL = 10 * 60  # seconds: the safety net
WATCHED = ("opinions.Opinion", "opinions.CitizenRating", "org.Congress")

MARK = "_opinion_list_counts_callbacks"


def _set_version() -> None:
    # A random value rather than incr(): it works whether or not the key exists (or has expired).
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def _changed_in_transaction(conn) -> bool:
    """Whether the connection's open transaction changed a watched row (its counts are this transaction's)."""
    return conn.in_atomic_block and getattr(conn, MARK, None) is conn.run_on_commit


def bump(**_kwargs) -> None:
    """Forget every cached count: now (outside a transaction), or when the transaction commits (other
    processes cannot see the change before; this one counts afresh until then, see count())."""
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        _set_version()
        return
    # Once per transaction (an import saves hundreds of rows). The connection starts a new list of callbacks
    # at each commit or rollback: once per list.
    if not _changed_in_transaction(conn):
        transaction.on_commit(_set_version)
        setattr(conn, MARK, conn.run_on_commit)


def count(qs: QuerySet) -> int:
    """qs.count(), from the cache while no opinion has changed since it was counted."""
    if _changed_in_transaction(transaction.get_connection(qs.db)):
        return qs.count()  # uncommitted rows: neither read nor store a shared count
    sql, params = qs.order_by().query.sql_with_params()
    digest = hashlib.sha256(f"{qs.db}\n{sql}\n{params!r}".encode()).hexdigest()
    key = f"opinions:lists:count:{digest}"
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY)
    stored = found.get(key)
    if version is not None and stored is not None and stored[0] == version:
        return stored[1]
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY)
    # The version was read before counting: a change committed meanwhile sets another, so this count is
    # never served after it.
    n = qs.count()
    cache.set(key, (version, n), TTL)
    return n


def connect() -> None:
    """Set a new version on every change of a watched model (called once from OpinionsConfig.ready)."""
    from django.apps import apps

    for label in WATCHED:
        model = apps.get_model(label)
        uid = f"opinion-list-counts-{label}"
        post_save.connect(bump, sender=model, dispatch_uid=uid + "-save", weak=False)
        post_delete.connect(bump, sender=model, dispatch_uid=uid + "-delete", weak=False)
