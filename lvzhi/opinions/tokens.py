"""The citizen's secret follow-up key and the opinion's tracking number.

The key in the follow-up link is an HMAC (keyed with SECRET_KEY) of a random salt stored on the row; the row
keeps only the salt and the key's SHA-256. A copy of the database alone therefore opens no status page, and
the key can still be shown again to the same citizen when a double-tap returns the record already stored.
Rotating SECRET_KEY invalidates the links; the tracking number with the phone's last four digits still works.
"""

from __future__ import annotations

import hashlib
import re
import secrets

from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import OpinionCounter

KEY_RE = re.compile(r"^[0-9a-f]{32}$")
NUMBER_RE = re.compile(r"^YJ(\d{4})-(\d{6,})$")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９ＹＪｙｊ－", "0123456789YJyj-")


def new_salt() -> str:
    return secrets.token_hex(16)


def follow_key(salt: str) -> str:
    """The secret in the follow-up link: 32 hex characters (128 bits)."""
    return salted_hmac("lvzhi.opinions.follow", salt, algorithm="sha256").hexdigest()[:32]


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def is_key(value: str) -> bool:
    return bool(KEY_RE.match(value or ""))


def next_number(now=None) -> str:
    """The next tracking number of the year, e.g. YJ2026-000123; call inside the transaction that stores it."""
    year = timezone.localtime(now or timezone.now()).year
    OpinionCounter.objects.bulk_create([OpinionCounter(year=year)], ignore_conflicts=True)
    counter = OpinionCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"YJ{year}-{counter.last:06d}"


def clean_number(raw: str | None) -> str:
    """What a citizen typed, made comparable: full-width characters and case folded, spaces dropped."""
    value = (raw or "").translate(_FULL_WIDTH).replace(" ", "").replace("\u3000", "").upper()
    return value if NUMBER_RE.match(value) else ""
