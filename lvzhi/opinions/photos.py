"""Checking a citizen's photos: at most three, JPEG, PNG or WebP by name AND by first bytes, size-limited.

Photos are stored through Django's default storage under a random name (the citizen's file name is never
kept); they are served only through views that fetched the opinion for someone allowed to read it.
"""

from __future__ import annotations

import posixpath

from django.conf import settings
from django.utils.translation import gettext as _

from lvzhi.core.errors import ServiceError

MAX_PHOTOS = 3
# extension -> the content type the photo is served with (decided here, never taken from the browser)
TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
EXT_OF = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


def _sniff(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def check_photo(file, field: str) -> str:
    """The photo's content type, or a ServiceError on `field` saying what is wrong."""
    limit = settings.LVZHI_OPINION_PHOTO_MAX_BYTES
    if file.size is None or file.size <= 0:
        raise ServiceError("photo_empty", _("The photo is empty; choose it again."), field=field)
    if file.size > limit:
        raise ServiceError(
            "photo_too_large",
            _("The photo is larger than %(mb)s MB; choose a smaller one.") % {"mb": limit // (1024 * 1024)},
            field=field,
        )
    ext = posixpath.splitext(str(file.name or ""))[1].lower().lstrip(".")
    file.seek(0)
    head = file.read(16) or b""
    file.seek(0)
    sniffed = _sniff(head)
    if ext not in TYPES or sniffed is None or TYPES[ext] != sniffed:
        raise ServiceError(
            "photo_type", _("Only photos in JPG, PNG or WebP format can be sent."), field=field
        )
    return sniffed
