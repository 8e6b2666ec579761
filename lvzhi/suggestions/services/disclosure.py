"""Disclosure (审核公开) and media tracking (媒体跟踪督办).

Staff of the suggestion's congress prepare a separate, redacted copy of a closed suggestion and its final
reply, and publish that copy; publishing is refused while the copy still holds a mobile number, an ID-card
number or a landline number. The public pages (lvzhi.portal) read only published copies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lvzhi.core.audit import record_event
from lvzhi.core.errors import ServiceError

from ..models import Disclosure, MediaReport, Suggestion
from ..permissions import can_run_office
from ..workflow import State

DISCLOSURE_PREPARED = "suggestion.disclosure_prepared"
DISCLOSURE_PUBLISHED = "suggestion.disclosure_published"
DISCLOSURE_WITHDRAWN = "suggestion.disclosure_withdrawn"
MEDIA_TRACKED = "suggestion.media_tracked"
MEDIA_UNTRACKED = "suggestion.media_untracked"
MEDIA_REPORT_ADDED = "suggestion.media_report_added"

# Digits separated by at most one space or dash ("138 1234 5678", "138-1234-5678").
_SEP = r"[ \-\u00a0]?"
PATTERNS: dict[str, tuple[re.Pattern, object]] = {
    # An 18-digit ID-card number (the last may be X); checked first so its digits are not read as a phone.
    "id_number": (
        re.compile(r"(?<![0-9A-Za-z])\d{6}" + _SEP + r"\d{8}" + _SEP + r"\d{3}[\dXx](?![0-9A-Za-z])"),
        gettext_lazy("ID-card number"),
    ),
    # A mainland mobile number: 1[3-9] and nine more digits, optionally +86 / 86 in front.
    "mobile": (
        re.compile(r"(?<!\d)(?:\+?86" + _SEP + r")?1[3-9]\d" + _SEP + r"\d{4}" + _SEP + r"\d{4}(?!\d)"),
        gettext_lazy("Mobile number"),
    ),
    # A landline: an area code 0xx(x) then 7–8 digits ("0531-88886666", "(0533) 2345678"), or a bare
    # 7–8 digit local number written like one ("2345-6789"), not a year or an amount.
    "landline": (
        re.compile(
            r"(?<!\d)(?:[(（]0\d{2,3}[)）]" + _SEP + r"|0\d{2,3}[ \-])\d{3,4}" + _SEP + r"\d{4}(?!\d)"
            r"|(?<!\d)[2-8]\d{3}-\d{4}(?!\d)"
        ),
        gettext_lazy("Landline number"),
    ),
}


@dataclass(frozen=True)
class Match:
    kind: str
    label: str
    text: str
    field: str
    start: int
    end: int


def personal_data_matches(text: str, *, field: str = "") -> list[Match]:
    """Every stretch of the text that looks like personal data, in order, without overlaps."""
    found: list[Match] = []
    taken: list[tuple[int, int]] = []
    for kind, (pattern, label) in PATTERNS.items():
        for m in pattern.finditer(text or ""):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            found.append(Match(kind, str(label), m.group(), field, m.start(), m.end()))
    return sorted(found, key=lambda x: x.start)


def disclosure_matches(*, title: str, body: str, reply_text: str) -> list[Match]:
    return (
        personal_data_matches(title, field="title")
        + personal_data_matches(body, field="body")
        + personal_data_matches(reply_text, field="reply_text")
    )


def _office(actor, suggestion: Suggestion) -> Suggestion:
    suggestion = Suggestion.objects.select_for_update().select_related("congress").get(pk=suggestion.pk)
    if not can_run_office(actor, suggestion):
        raise ServiceError(
            "not_permitted", _("Only the deputy-affairs office of this congress may do this."), status=403
        )
    return suggestion


def _required(value: str, field: str, max_length: int | None = None) -> str:
    value = (value or "").replace("\x00", "").strip()
    if not value:
        raise ServiceError("required", _("This field is required."), field=field)
    if max_length and len(value) > max_length:
        raise ServiceError("too_long", _("At most %(n)s characters.") % {"n": max_length}, field=field)
    return value


@transaction.atomic
def disclosure_prepare(
    *, actor, suggestion: Suggestion, title: str, body: str, reply_text: str
) -> Disclosure:
    """Create or update the redacted copy of a closed suggestion. A published copy stays published only if
    it is still free of personal data; otherwise the change is refused."""
    suggestion = _office(actor, suggestion)
    if suggestion.state != State.CLOSED:
        raise ServiceError(
            "not_closed", _("Only a closed suggestion can be prepared for disclosure."), status=409
        )
    title = _required(title, "title", 200)
    body = _required(body, "body")
    reply_text = _required(reply_text, "reply_text")
    disclosure = Disclosure.objects.select_for_update().filter(suggestion=suggestion).first()
    created = disclosure is None
    if disclosure is not None and disclosure.is_published:
        _refuse_personal_data(title=title, body=body, reply_text=reply_text)
    if created:
        disclosure = Disclosure(suggestion=suggestion, prepared_by=actor)
    disclosure.title, disclosure.body, disclosure.reply_text = title, body, reply_text
    disclosure.prepared_by = actor
    disclosure.save()
    record_event(
        actor=actor,
        kind=DISCLOSURE_PREPARED,
        target=suggestion,
        payload={"disclosure": disclosure.pk, "created": created},
    )
    return disclosure


def _refuse_personal_data(*, title: str, body: str, reply_text: str) -> None:
    matches = disclosure_matches(title=title, body=body, reply_text=reply_text)
    if matches:
        listed = "；".join(f"{m.label}: {m.text}" for m in matches)
        raise ServiceError(
            "personal_data_found",
            _("The copy still holds personal data; redact it first: %(list)s") % {"list": listed},
            status=409,
        )


def _lock_disclosure(actor, disclosure: Disclosure) -> Disclosure:
    _office(actor, disclosure.suggestion)
    return Disclosure.objects.select_for_update().select_related("suggestion").get(pk=disclosure.pk)


@transaction.atomic
def disclosure_publish(*, actor, disclosure: Disclosure) -> Disclosure:
    disclosure = _lock_disclosure(actor, disclosure)
    if disclosure.suggestion.state != State.CLOSED:
        raise ServiceError("not_closed", _("Only a closed suggestion can be disclosed."), status=409)
    if disclosure.is_published:
        raise ServiceError("already_published", _("This copy is already published."), status=409)
    _refuse_personal_data(title=disclosure.title, body=disclosure.body, reply_text=disclosure.reply_text)
    disclosure.is_published = True
    disclosure.published_at = timezone.now()
    disclosure.save(update_fields=["is_published", "published_at"])
    record_event(
        actor=actor,
        kind=DISCLOSURE_PUBLISHED,
        target=disclosure.suggestion,
        payload={"disclosure": disclosure.pk},
    )
    return disclosure


@transaction.atomic
def disclosure_withdraw(*, actor, disclosure: Disclosure, reason: str = "") -> Disclosure:
    disclosure = _lock_disclosure(actor, disclosure)
    if not disclosure.is_published:
        raise ServiceError("not_published", _("This copy is not published."), status=409)
    disclosure.is_published = False
    disclosure.published_at = None
    disclosure.save(update_fields=["is_published", "published_at"])
    record_event(
        actor=actor,
        kind=DISCLOSURE_WITHDRAWN,
        target=disclosure.suggestion,
        note=(reason or "").strip()[:500],
        payload={"disclosure": disclosure.pk},
    )
    return disclosure


# --- media tracking (媒体跟踪督办) -------------------------------------------------------------------
TRACKABLE_STATES = frozenset(
    {
        State.ACCEPTED,
        State.ASSIGNED,
        State.REPLIED,
        State.REHANDLING,
        State.STAFF_DECISION,
        State.PROMISED,
        State.PROMISE_REPORTED,
        State.CLOSED,
    }
)


@transaction.atomic
def suggestion_mark_media(*, actor, suggestion: Suggestion, tracked: bool) -> Suggestion:
    suggestion = _office(actor, suggestion)
    if tracked and suggestion.state not in TRACKABLE_STATES:
        raise ServiceError(
            "not_trackable", _("Only an accepted suggestion can be tracked by the media."), status=409
        )
    if suggestion.is_media_tracked == bool(tracked):
        return suggestion
    suggestion.is_media_tracked = bool(tracked)
    suggestion.save(update_fields=["is_media_tracked", "updated_at"])
    record_event(actor=actor, kind=MEDIA_TRACKED if tracked else MEDIA_UNTRACKED, target=suggestion)
    return suggestion


def _url(url: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url) if len(url) <= 200 else None
    if (
        not parts
        or parts.scheme not in ("http", "https")
        or not parts.netloc
        or any(c.isspace() for c in url)
    ):
        raise ServiceError("url_invalid", _("Enter a link starting with http:// or https://."), field="url")
    return url


@transaction.atomic
def media_report_add(
    *, actor, suggestion: Suggestion, outlet: str, title: str, url: str, published_on
) -> MediaReport:
    suggestion = _office(actor, suggestion)
    if not suggestion.is_media_tracked:
        raise ServiceError("not_tracked", _("Mark the suggestion for media tracking first."), status=409)
    if published_on is None:
        raise ServiceError("required", _("This field is required."), field="published_on")
    if published_on > timezone.localdate():
        raise ServiceError(
            "date_in_future", _("A report cannot be published in the future."), field="published_on"
        )
    report = MediaReport.objects.create(
        suggestion=suggestion,
        outlet=_required(outlet, "outlet", 60),
        title=_required(title, "title", 200),
        url=_url(url),
        published_on=published_on,
    )
    record_event(actor=actor, kind=MEDIA_REPORT_ADDED, target=suggestion, payload={"report": report.pk})
    return report
