"""Results kept in the cache until the records they are read from change: a province's figure lists count
and render tens of thousands of rows' worth of work per request, the same for every reader of the same
scope; every signed-in page reads the reader's scope and unread count.

A `RecordsVersion` names the models a family of lists reads. Any save or delete of one of them sets a new
version when its transaction commits (signals, connected in the app's ready(); writers in bulk call bump()
themselves), so the next request builds afresh: what is served always equals what the records say. A
transaction that changed them builds without the cache (its rows are not yet everyone's). Entries are keyed
by what determines them (what the reader may read, the query, the language: page_key), and a TTL is
the safety net for changes no signal sees (raw SQL, a restored database). The same pattern as the portal's
page cache (lvzhi.portal.cache).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

TTL = 10 * 60  # seconds: the safety net


def database_cache() -> bool:
    """Whether the cache is the database's table (no Redis configured)."""
    return isinstance(caches["default"], DatabaseCache)


class RecordsVersion:
    def __init__(self, name: str, watched: tuple[str, ...], *, only_fast_cache: bool = False):
        self.name = name
        self.watched = watched  # "app_label.Model"
        # For a result as cheap as a query or two (read on every page): from the database's cache table it
        # would cost as many queries as it saves, so it is then built every time.
        self.only_fast_cache = only_fast_cache
        self.version_key = f"{name}:version"
        self._mark = f"_records_version_{name}"

    def _set_version(self) -> None:
        # A random value rather than incr(): it works whether or not the key exists (or has expired).
        cache.set(self.version_key, uuid.uuid4().hex, None)

    def changed_in_transaction(self, conn) -> bool:
        """Whether the connection's open transaction changed a watched row: whether the new version waits
        for its commit. The mark makes the answer one comparison for the many saves of an import; a savepoint
        rolled back (e.g. the database cache's add() of a taken key) gives the connection a new list of
        callbacks, which is then searched."""
        if not conn.in_atomic_block:
            return False
        if getattr(conn, self._mark, None) is conn.run_on_commit:
            return True
        if any(func == self._set_version for _sids, func, _robust in conn.run_on_commit):
            setattr(conn, self._mark, conn.run_on_commit)
            return True
        return False

    def bump(self, **_kwargs) -> None:
        """Forget every cached result: now (outside a transaction), or when the transaction commits (other
        processes cannot see the change before; this one builds afresh until then)."""
        if self.only_fast_cache and database_cache():
            return  # nothing is kept (cached() builds every time): no version to change
        conn = transaction.get_connection()
        if not conn.in_atomic_block:
            self._set_version()
            return
        # Once per transaction (an import saves hundreds of rows).
        if not self.changed_in_transaction(conn):
            transaction.on_commit(self._set_version)
            setattr(conn, self._mark, conn.run_on_commit)

    def cached(self, what: str, build: Callable[[], Any], *, db: str = "default") -> Any:
        """build(), from the cache while no watched record has changed since it was built for `what`."""
        if self.only_fast_cache and database_cache():
            return build()
        if self.changed_in_transaction(transaction.get_connection(db)):
            return build()  # uncommitted rows: neither read nor store a shared result
        key = f"{self.name}:{hashlib.sha256(what.encode()).hexdigest()}"
        found = cache.get_many([self.version_key, key])
        version, stored = found.get(self.version_key), found.get(key)
        if version is not None and stored is not None and stored[0] == version:
            return stored[1]
        if version is None:
            cache.add(self.version_key, uuid.uuid4().hex, None)
            version = cache.get(self.version_key)
        # The version was read before building: a change committed meanwhile sets another, so this result
        # is never served after it.
        value = build()
        cache.set(key, (version, value), TTL)
        return value

    def connect(self) -> None:
        """Set a new version on every change of a watched model (called once from the app's ready())."""
        from django.apps import apps

        for label in self.watched:
            model = apps.get_model(label)
            uid = f"{self.name}-{label}"
            post_save.connect(self.bump, sender=model, dispatch_uid=uid + "-save", weak=False)
            post_delete.connect(self.bump, sender=model, dispatch_uid=uid + "-delete", weak=False)


def page_key(request) -> str:
    """What determines a list page's body for a reader: what they may read (not who they are), their own
    congress (a list's default), the query and the language."""
    from lvzhi.org.scope import scope_for

    user = request.user
    return "\n".join(
        [
            scope_for(user).reading_key(),
            str(getattr(user, "congress_id", "")),
            request.get_full_path(),
            get_language(),
        ]
    )


def list_page(request, lists: RecordsVersion, build: Callable[[], dict]) -> HttpResponse:
    """A list page whose body (everything under the site's chrome) is built once per page_key until `lists`
    changes. build() returns {"title", "html" (the body rendered from its template), "count"}; a hit reads
    none of the list's records. The chrome (menu, the user's name) is rendered for each request."""
    body = lists.cached(page_key(request), build)
    context = {"title": body["title"], "count": body["count"], "body": mark_safe(body["html"])}  # noqa: S308
    return render(request, "core/list_page.html", context)
