"""The rows of an opinion figure's list, for the page and the Excel export.

The page never shows a citizen's name or phone. The export carries them only on the rows whose congress the
exporting account handles (its deputy-affairs staff, or a site administrator); other rows leave them empty,
and the export is recorded as a security event saying how many rows carried personal data.
"""

from __future__ import annotations

import io

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lvzhi.core.audit import record_security_event
from lvzhi.org.scope import scope_for
from lvzhi.suggestions.security_events import EXPORT

from .models import CitizenRating, Opinion

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def with_details(qs: QuerySet[Opinion]) -> QuerySet[Opinion]:
    return qs.select_related("person", "station", "congress", "unit", "rating")


def _local(value):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def row_of(o: Opinion) -> dict:
    """One opinion as plain values, without personal data."""
    rating = o.rating if _has_rating(o) else None
    return {
        "id": o.pk,
        "number": o.number,
        "source": o.source,
        "source_label": o.get_source_display(),
        "ticket": o.external_ref,
        "received_at": o.created_at,
        "category_label": o.get_category_display(),
        "kind_label": o.get_kind_display(),
        "place": o.place,
        "content": o.content,
        "deputy": o.person.name if o.person_id else "",
        "station": o.station.name if o.station_id else "",
        "congress": o.congress.name,
        "congress_id": o.congress_id,
        "state_label": o.get_state_display(),
        "urgent": o.urgent,
        "ack_due_on": o.ack_due_on,
        "acknowledged_at": o.acknowledged_at,
        "answered_at": o.answered_at,
        "finished_at": o.finished_at,
        "unit": o.unit.name if o.unit_id else "",
        "rating_label": rating.get_score_display() if rating else "",
        "purged": o.personal_data_purged_at is not None,
    }


def _has_rating(o: Opinion) -> bool:
    try:
        o.rating  # noqa: B018 - the reverse one-to-one raises when there is none
    except CitizenRating.DoesNotExist:
        return False
    return True


HEADERS = (
    gettext_lazy("Tracking number"),
    gettext_lazy("Source"),
    gettext_lazy("Hotline ticket number"),
    gettext_lazy("Received"),
    gettext_lazy("Category"),
    gettext_lazy("Place"),
    gettext_lazy("Content"),
    gettext_lazy("Deputy"),
    gettext_lazy("Station"),
    gettext_lazy("Congress"),
    gettext_lazy("State"),
    gettext_lazy("Acknowledge by"),
    gettext_lazy("Acknowledged"),
    gettext_lazy("First answered"),
    gettext_lazy("Solved or closed"),
    gettext_lazy("Handling unit"),
    gettext_lazy("Citizen's rating"),
    gettext_lazy("Name"),
    gettext_lazy("Mobile"),
)


def workbook_bytes(opinions: list[Opinion], *, title: str, personal_congress_ids) -> tuple[bytes, int]:
    """The list as .xlsx; names and phones only for opinions of `personal_congress_ids` (None: all).
    Returns the file and how many rows carried personal data."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = _("Opinions")[:31]
    ws.append([title])
    ws.append([str(h) for h in HEADERS])
    personal_rows = 0
    for o in opinions:
        r = row_of(o)
        may_see = personal_congress_ids is None or o.congress_id in personal_congress_ids
        name = o.citizen_name if may_see else ""
        phone = o.phone if may_see else ""
        personal_rows += bool(name or phone)
        ws.append(
            [
                r["number"],
                str(r["source_label"]),
                r["ticket"],
                _local(r["received_at"]),
                str(r["category_label"]),
                r["place"],
                r["content"],
                r["deputy"],
                r["station"],
                r["congress"],
                str(r["state_label"]),
                r["ack_due_on"],
                _local(r["acknowledged_at"]),
                _local(r["answered_at"]),
                _local(r["finished_at"]),
                r["unit"],
                str(r["rating_label"]),
                name,
                phone,
            ]
        )
    widths = (16, 12, 20, 17, 16, 20, 50, 12, 20, 20, 12, 12, 17, 17, 17, 20, 12, 10, 14)
    for index, width in enumerate(widths, start=1):
        from openpyxl.utils import get_column_letter

        ws.column_dimensions[get_column_letter(index)].width = width
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            if hasattr(cell.value, "hour"):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif cell.value is not None and hasattr(cell.value, "year"):
                cell.number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), personal_rows


def export_opinions(
    *, actor, opinions: list[Opinion], title: str, what: dict, target=None, request=None
) -> bytes:
    """The Excel file of a list of opinions; the export is recorded as a security event (who, what, how many
    rows, how many with personal data)."""
    s = scope_for(actor)
    personal = None if s.is_admin else s.act_congress_ids
    data, personal_rows = workbook_bytes(opinions, title=title, personal_congress_ids=personal)
    record_security_event(
        actor=actor,
        kind=EXPORT,
        target=target,
        request=request,
        payload={**what, "rows": len(opinions), "personal_rows": personal_rows, "format": "xlsx"},
    )
    return data
