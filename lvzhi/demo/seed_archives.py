"""The seed's public archive pages: most serving deputies of the generated tree get a published archive
page, as the demo city does (performance_reports.publish_demo_archives), so their public pages show their
activities. One bulk insert; the same seed publishes the same deputies."""

from __future__ import annotations

import random

from django.utils import timezone

from lvzhi.core import bulk
from lvzhi.demo.performance_reports import PUBLIC_SHARE
from lvzhi.org.models import Mandate
from lvzhi.performance.models import PublicArchive, new_archive_key


def publish_archives(*, top, seed: int = 1) -> int:
    """Publish the archive pages of about PUBLIC_SHARE of the serving mandates under `top` that have none."""
    rng = random.Random(seed)
    ids = (
        Mandate.objects.filter(
            end_date__isnull=True, congress__path__startswith=top.path, public_archive=None
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    now = timezone.now()
    # The ids are read first: a cursor still reading them cannot share the connection with COPY.
    rows = ((pk, new_archive_key(), True, now) for pk in list(ids) if rng.random() < PUBLIC_SHARE)
    return bulk.write(PublicArchive._meta.db_table, ["mandate_id", "key", "is_published", "created_at"], rows)
