"""The retention purge: the personal data of opinions finished long ago is removed, the anonymous record kept.

An opinion finished (solved or closed: finished_at) more than LVZHI_OPINION_RETENTION_DAYS days ago (365 by
default) loses, in one transaction per batch:
- the citizen's name, phone and preferred meeting times (blanked), and the wish to be called back;
- its photos: the files are deleted from storage and their rows removed;
- the keyed hashes of the citizen's address, browser and text that the abuse limits used;
- the follow-up link: the secret key is replaced by one nobody holds, so the old link and the tracking
  number with the phone's last four digits no longer open the record (an anonymous record is not reachable
  through anything that identifies whoever left it). The citizen has long had the answer by then, and the
  rating window has closed.
What stays, for the figures: the category, place, content, kind, source, whom it reached, the dates, the
state, the answers and the rating. personal_data_purged_at records when; each opinion gets one event in its
history, which names it by id only (events never held the name or the phone in the first place).

Running it twice purges nothing the second time (already purged opinions are skipped).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lvzhi.core.audit import EventBatch

from .. import events
from ..models import Opinion, OpinionPhoto
from ..tokens import follow_key, key_hash, new_salt
from ..workflow import FINISHED_STATES

logger = logging.getLogger("lvzhi.opinions.purge")
BATCH = 500


@dataclass
class PurgeResult:
    opinions: int = 0
    photos: int = 0
    cutoff: dt.datetime | None = None


def purge_due(*, now: dt.datetime | None = None, days: int | None = None):
    """The opinions whose personal data is due for purging (finished before the cutoff, not yet purged)."""
    now = now or timezone.now()
    days = settings.LVZHI_OPINION_RETENTION_DAYS if days is None else days
    cutoff = now - dt.timedelta(days=days)
    qs = Opinion.objects.filter(
        personal_data_purged_at__isnull=True,
        finished_at__isnull=False,
        finished_at__lt=cutoff,
        state__in=FINISHED_STATES,
    )
    return qs, cutoff


def opinion_personal_data_purge(*, now: dt.datetime | None = None, days: int | None = None) -> PurgeResult:
    """Purge every opinion due, in batches (each its own transaction, so a long run holds no long lock)."""
    now = now or timezone.now()
    qs, cutoff = purge_due(now=now, days=days)
    result = PurgeResult(cutoff=cutoff)
    while True:
        ids = list(qs.order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not ids:
            break
        done, photos = _purge_batch(ids, now=now, days=days)
        result.opinions += done
        result.photos += photos
        if done == 0:  # nothing could be taken (another run holds them): stop rather than spin
            break
    if result.opinions:
        logger.info("purged the personal data of %s opinions (%s photos)", result.opinions, result.photos)
    return result


@transaction.atomic
def _purge_batch(ids: list[int], *, now: dt.datetime, days: int | None) -> tuple[int, int]:
    opinions = list(
        Opinion.objects.select_for_update()
        .filter(pk__in=ids, personal_data_purged_at__isnull=True)
        .order_by("pk")
    )
    photos = list(OpinionPhoto.objects.filter(opinion__in=opinions).order_by("pk"))
    names = [p.file.name for p in photos if p.file.name]
    log = EventBatch()
    for o in opinions:
        salt = new_salt()
        o.citizen_name = ""
        o.phone = ""
        o.preferred_times = ""
        o.wants_callback = False
        o.client_ip_hash = ""
        o.client_cookie_hash = ""
        o.dedupe_hash = ""
        o.follow_salt = salt
        o.follow_hash = key_hash(follow_key(salt))
        o.personal_data_purged_at = now
        log.add(
            o,
            events.PERSONAL_DATA_PURGED,
            payload={
                "opinion_id": o.pk,
                "photos": sum(1 for p in photos if p.opinion_id == o.pk),
                "retention_days": settings.LVZHI_OPINION_RETENTION_DAYS if days is None else days,
            },
        )
    Opinion.objects.bulk_update(
        opinions,
        [
            "citizen_name",
            "phone",
            "preferred_times",
            "wants_callback",
            "client_ip_hash",
            "client_cookie_hash",
            "dedupe_hash",
            "follow_salt",
            "follow_hash",
            "personal_data_purged_at",
        ],
        batch_size=BATCH,
    )
    OpinionPhoto.objects.filter(pk__in=[p.pk for p in photos]).delete()
    log.flush()

    def _delete_files():
        # Only once the rows are gone for good: a rolled-back purge keeps its files.
        storage = OpinionPhoto.file.field.storage
        for name in names:
            try:
                storage.delete(name)
            except OSError:
                logger.warning("could not delete a purged opinion photo file")

    transaction.on_commit(_delete_files)
    return len(opinions), len(photos)
