"""The rows of an opinion figure's list, for the page and the Excel export.

The page never shows a citizen's name or phone. The export carries them only on the rows whose congress the
exporting account handles (its deputy-affairs staff, or a site administrator); other rows leave them empty,
and the export is recorded as a security event saying how many rows carried personal data.
"""

from __future__ import annotations

import io

from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lvzhi.core.audit import record_security_event
from lvzhi.org.scope import scope_for
from lvzhi.suggestions.security_events import EXPORT

from .models import CitizenRating, Opinion

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def with_details(qs: QuerySet[Opinion]) -> QuerySet[Opinion]:
    """Everything row_of reads (the export)."""
    return qs.select_related("person", "station", "congress", "unit", "rating")


# What the list page shows of an opinion, read as plain values (no model instances, no content, no unit, no
# name or phone): summary_of() turns each into the page's row.
PAGE_VALUES = (
    "id",
    "number",
    "source",
    "external_ref",
    "created_at",
    "category",
    "place",
    "person__name",
    "station__name",
    "congress__name",
    "congress_id",
    "state",
    "urgent",
    "ack_due_on",
    "acknowledged_at",
    "answered_at",
    "rating__score",
)

_LABELS: dict[str, dict] = {}


def labels() -> dict:
    """The choices' labels in the current language, built once per language: get_FOO_display() rebuilds
    the field's flat choices at every call (≈ 0.4 ms, five a row)."""
    language = translation.get_language() or ""
    found = _LABELS.get(language)
    if found is None:
        field = Opinion._meta.get_field
        found = {
            name: {k: str(v) for k, v in field(name).flatchoices}
            for name in ("source", "category", "kind", "state")
        }
        found["score"] = {k: str(v) for k, v in CitizenRating._meta.get_field("score").flatchoices}
        found["due"] = _("due %(due)s")  # the acknowledgement's day under the date it was acknowledged
        _LABELS[language] = found
    return found


def _local(value):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def summary_of(v: dict, names: dict) -> dict:
    """One row of the list page from PAGE_VALUES (names: labels()), its dates written out here: Django's
    date filter costs more than the rest of a row."""
    score = v["rating__score"]
    received, acknowledged, answered = v["created_at"], v["acknowledged_at"], v["answered_at"]
    due = v["ack_due_on"]
    deputy, station, congress = v["person__name"] or "", v["station__name"] or "", v["congress__name"]
    return {
        "id": v["id"],
        "number": v["number"],
        "urgent": v["urgent"],
        "ticket": v["external_ref"],
        "received": _minute(received),
        "source_label": names["source"].get(v["source"], v["source"]),
        "category_label": names["category"].get(v["category"], v["category"]),
        "place": v["place"] or "—",
        "reached": deputy or station or congress,
        "state_label": names["state"].get(v["state"], v["state"]),
        "acknowledged": timezone.localtime(acknowledged).strftime("%Y-%m-%d") if acknowledged else "—",
        "due": names["due"] % {"due": due.strftime("%Y-%m-%d")} if due else "",
        "answered": _minute(answered) if answered else "—",
        "rating_label": names["score"].get(score, score) if score else "—",
    }


def _minute(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def row_of(o: Opinion, names: dict | None = None) -> dict:
    """One opinion as plain values, without personal data (read from with_details; names: labels())."""
    names = names or labels()
    rating = o.rating if _has_rating(o) else None
    return {
        "id": o.pk,
        "number": o.number,
        "source": o.source,
        "source_label": names["source"].get(o.source, o.source),
        "ticket": o.external_ref,
        "received_at": o.created_at,
        "category_label": names["category"].get(o.category, o.category),
        "kind_label": names["kind"].get(o.kind, o.kind),
        "place": o.place,
        "content": o.content,
        "deputy": o.person.name if o.person_id else "",
        "station": o.station.name if o.station_id else "",
        "congress": o.congress.name,
        "congress_id": o.congress_id,
        "state_label": names["state"].get(o.state, o.state),
        "urgent": o.urgent,
        "ack_due_on": o.ack_due_on,
        "acknowledged_at": o.acknowledged_at,
        "answered_at": o.answered_at,
        "finished_at": o.finished_at,
        "unit": o.unit.name if o.unit_id else "",
        "rating_label": names["score"].get(rating.score, rating.score) if rating else "",
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
    names = labels()
    for o in opinions:
        r = row_of(o, names)
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
