"""Abuse limits of the public pages: who a client is (as keyed hashes), rate limits, the double-tap check.

A client is known by a keyed hash of its address and of a random browser cookie; the raw values are never
stored. Limits count in fixed one-hour windows in Django's cache (the database cache, or Redis in production),
so they hold across worker processes. The limits are settings (LVZHI_OPINION_*).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

COOKIE = "lvzhi_citizen"
COOKIE_MAX_AGE = 365 * 24 * 3600
WINDOW = 3600


@dataclass(frozen=True)
class Client:
    ip_hash: str = ""
    cookie_hash: str = ""


def _digest(kind: str, value: str) -> str:
    return salted_hmac(f"lvzhi.opinions.{kind}", value, algorithm="sha256").hexdigest() if value else ""


def client_of(request) -> Client:
    ip = request.META.get("REMOTE_ADDR") or ""
    cookie = request.COOKIES.get(COOKIE, "")
    cookie = cookie if 16 <= len(cookie) <= 64 and cookie.isascii() else ""
    return Client(ip_hash=_digest("ip", ip), cookie_hash=_digest("browser", cookie))


def ensure_cookie(request, response) -> None:
    """Give the browser its random cookie (once), so limits can count per browser as well as per address."""
    if request.COOKIES.get(COOKIE):
        return
    response.set_cookie(
        COOKIE,
        secrets.token_urlsafe(24),
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def _key(scope: str, who: str) -> str:
    bucket = int(time.time() // WINDOW)
    return f"lvzhi:opinions:{scope}:{hashlib.sha256(who.encode()).hexdigest()[:32]}:{bucket}"


def used(scope: str, who: str) -> int:
    if not who:
        return 0
    return int(cache.get(_key(scope, who)) or 0)


def count(scope: str, who: str) -> None:
    if not who:
        return
    key = _key(scope, who)
    if cache.add(key, 1, WINDOW + 60):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW + 60)


def submissions_exhausted(client: Client) -> bool:
    """The address or the browser has left as many opinions this hour as the settings allow."""
    return (
        used("ip", client.ip_hash) >= settings.LVZHI_OPINION_PER_ADDRESS_PER_HOUR
        or used("browser", client.cookie_hash) >= settings.LVZHI_OPINION_PER_BROWSER_PER_HOUR
    )


def count_submission(client: Client) -> None:
    count("ip", client.ip_hash)
    count("browser", client.cookie_hash)


def lookups_exhausted(client: Client) -> bool:
    """Too many tries at the tracking number + last four digits from this address this hour."""
    return used("lookup", client.ip_hash) >= settings.LVZHI_OPINION_LOOKUPS_PER_HOUR


def count_lookup(client: Client) -> None:
    count("lookup", client.ip_hash)
