"""Printable A4 posters of contact codes (码上约代表): one code's poster, or a batch of them, one page each
(a station's wall: its own code and its deputies'; a congress: all its serving deputies and its stations).

A poster says whom the code reaches (the deputy's name and congress, or the station's name), the stations
with their reception times and addresses, the code itself, the address to type when a phone can't scan, a
short invitation, and what happens to the citizen's personal data. It is built from the records each time
(nothing is stored), like the assignment letters, and is written in the congress's own language
(settings.LANGUAGE_CODE) whatever the reader's page language is.

The QR code is drawn as vector squares, so it prints sharp at any size; the text uses the embedded CJK font
of the letters (lvzhi.suggestions.letters.pdf_font).
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from lvzhi.org.models import Mandate
from lvzhi.stations.models import Station, StationDeputy
from lvzhi.suggestions.letters import pdf_font

from .codes import code_qr, code_url
from .models import ContactCode

# How many stations a deputy's poster lists, and how many deputies a station's poster names.
MAX_STATIONS = 2
MAX_NAMES = 16
# How many of a station's next reception days a poster lists.
NEXT_DAYS = 3
RED = (0.757, 0.118, 0.133)  # the site's --red (#c11e22)


@dataclass(frozen=True)
class StationLine:
    name: str
    hours: str
    address: str


@dataclass(frozen=True)
class Poster:
    """What one poster says; `facts` are the label/value lines under the code."""

    heading: str
    name: str
    title: str
    congress: str
    url: str
    facts: tuple[tuple[str, str], ...]
    invitation: str
    privacy: str
    type_it: str
    footer: str
    code: ContactCode


def posters_for(codes: Sequence[ContactCode], request=None) -> list[Poster]:
    """The posters of these codes (already read through a scoped selector), with a few queries in all."""
    mandate_ids = [c.mandate_id for c in codes if c.mandate_id]
    station_ids = [c.station_id for c in codes if c.station_id]
    stations_of: dict[int, list[Station]] = defaultdict(list)
    for sd in (
        StationDeputy.objects.filter(mandate_id__in=mandate_ids, station__is_active=True)
        .select_related("station")
        .order_by("station__name", "pk")
    ):
        stations_of[sd.mandate_id].append(sd.station)
    names_of: dict[int, list[str]] = defaultdict(list)
    serving = Mandate.objects.current(timezone.localdate()).values("pk")
    for station_id, name in (
        StationDeputy.objects.filter(station_id__in=station_ids, mandate_id__in=serving)
        .order_by("mandate__congress__path", "mandate__person__name", "pk")
        .values_list("station_id", "mandate__person__name")
    ):
        if name not in names_of[station_id]:
            names_of[station_id].append(name)
    with translation.override(settings.LANGUAGE_CODE):
        upcoming = _next_days_texts({s.pk for ss in stations_of.values() for s in ss} | set(station_ids))
        return [
            _poster(c, request, stations_of.get(c.mandate_id, []), names_of.get(c.station_id, []), upcoming)
            for c in codes
        ]


def _next_days_texts(station_ids) -> dict[int, str]:
    """Each station's next reception days, "12月16日 星期三 9:00–11:30；…" (public facts only), one query."""
    from lvzhi.stations.selectors_reception import next_reception_days_of_stations

    return {
        station_id: "；".join(
            f"{formats.date_format(d.date, 'MONTH_DAY_FORMAT')} {formats.date_format(d.date, 'D')} "
            f"{d.start_time:%H:%M}–{d.end_time:%H:%M}"
            for d in days
        )
        for station_id, days in next_reception_days_of_stations(station_ids, limit=NEXT_DAYS).items()
    }


def _station_facts(
    stations: list[Station], upcoming: dict[int, str], *, named: bool = True
) -> list[tuple[str, str]]:
    facts: list[tuple[str, str]] = []
    for station in stations[:MAX_STATIONS]:
        if named:
            facts.append((_("Station"), station.name))
        if station.opening_hours:
            facts.append((_("Reception"), station.opening_hours))
        if upcoming.get(station.pk):
            facts.append((_("Next reception days"), upcoming[station.pk]))
        if station.address:
            facts.append((_("Address"), station.address))
    return facts


def _poster(
    code: ContactCode, request, stations: list[Station], names: list[str], upcoming: dict[int, str]
) -> Poster:
    url = code_url(code, request)
    if code.mandate_id:
        congress = code.mandate.congress
        heading = _("Scan to reach your people's deputy")
        name = code.mandate.person.name
        title = _("Deputy to %(congress)s") % {"congress": congress.name}
        facts = _station_facts(stations, upcoming)
    else:
        station = code.station
        congress = station.congress
        heading = _("Scan to reach the deputies at this station")
        name = station.name
        title = f"{station.get_kind_display()} · {congress.name}"
        facts = _station_facts([station], upcoming, named=False)
        if station.phone:
            facts.append((_("Phone"), station.phone))
        if names:
            shown = "、".join(names[:MAX_NAMES])
            if len(names) > MAX_NAMES:
                shown = _("%(names)s and others, %(total)d in all") % {"names": shown, "total": len(names)}
            facts.append((_("Deputies here"), shown))
    issued = formats.date_format(timezone.localtime(code.created_at).date(), "DATE_FORMAT")
    return Poster(
        heading=heading,
        name=name,
        title=title,
        congress=congress.name,
        url=url,
        facts=tuple(facts),
        invitation=_(
            "Something to raise, or want to meet the deputy in person? Scan the code above with your phone "
            "(WeChat's Scan works) and leave your opinion. You get a tracking number to follow the progress "
            "and read the answer, and you can rate the outcome."
        ),
        privacy=_(
            "Your name and phone number are used only to contact you and handle your matter; they are never published."
        ),
        type_it=_("Can't scan? Type this address into a browser:"),
        footer=_("%(congress)s · code in use since %(date)s") % {"congress": congress.name, "date": issued},
        code=code,
    )


# --- drawing ----------------------------------------------------------------------------------------
def posters_pdf(codes: Sequence[ContactCode], request=None, *, title: str = "") -> bytes:
    """One A4 page per code."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    posters = posters_for(codes, request)
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4, pageCompression=1)
    canvas.setTitle(title or (posters[0].name if posters else ""))
    canvas.setAuthor(posters[0].congress if posters else "")
    canvas.setSubject(posters[0].heading if posters else "")
    font = pdf_font()
    for poster in posters:
        _draw(canvas, poster, font, request)
        canvas.showPage()
    canvas.save()
    return buf.getvalue()


def poster_pdf(code: ContactCode, request=None) -> bytes:
    return posters_pdf([code], request)


def _fit(canvas, text: str, font: str, size: float, width: float, smallest: float = 12) -> float:
    """The largest font size up to `size` at which `text` fits in `width`."""
    while size > smallest and canvas.stringWidth(text, font, size) > width:
        size -= 1
    return size


def _draw(canvas, poster: Poster, font: str, request) -> None:
    from reportlab.lib.colors import Color, white
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Table, TableStyle

    page_w, page_h = A4
    margin = 20 * mm
    inner = page_w - 2 * margin
    red = Color(*RED)
    grey = Color(0.33, 0.33, 0.33)

    # The red band: the invitation in a few words, and the congress.
    band = 36 * mm
    canvas.setFillColor(red)
    canvas.rect(0, page_h - band, page_w, band, stroke=0, fill=1)
    canvas.setFillColor(white)
    size = _fit(canvas, poster.heading, font, 30, inner)
    canvas.setFont(font, size)
    canvas.drawCentredString(page_w / 2, page_h - 19 * mm, poster.heading)
    canvas.setFont(font, 14)
    canvas.drawCentredString(page_w / 2, page_h - 29 * mm, poster.congress)

    # Whom the code reaches.
    canvas.setFillColor(Color(0, 0, 0))
    size = _fit(canvas, poster.name, font, 40, inner)
    canvas.setFont(font, size)
    canvas.drawCentredString(page_w / 2, page_h - 54 * mm, poster.name)
    canvas.setFillColor(grey)
    size = _fit(canvas, poster.title, font, 16, inner, smallest=9)
    canvas.setFont(font, size)
    canvas.drawCentredString(page_w / 2, page_h - 64 * mm, poster.title)

    # The code: 108 mm square with its quiet zone, so it scans from a couple of metres.
    side = 108 * mm
    top = page_h - 70 * mm
    _draw_qr(canvas, poster.code, request, x=(page_w - side) / 2, y=top - side, side=side)

    # The address, for typing by hand.
    canvas.setFillColor(grey)
    canvas.setFont(font, 9)
    canvas.drawCentredString(page_w / 2, top - side - 5 * mm, poster.type_it)
    canvas.setFont("Helvetica", 10)
    canvas.drawCentredString(page_w / 2, top - side - 10 * mm, poster.url)

    # Stations, reception times, the invitation, privacy.
    label = ParagraphStyle("label", fontName=font, fontSize=12, leading=17, textColor=grey, wordWrap="CJK")
    value = ParagraphStyle("value", fontName=font, fontSize=12, leading=17, wordWrap="CJK")
    text = ParagraphStyle("text", fontName=font, fontSize=13, leading=20, wordWrap="CJK")
    small = ParagraphStyle("small", parent=text, fontSize=10, leading=14, textColor=grey, alignment=TA_CENTER)
    y = top - side - 16 * mm
    if poster.facts:
        rows = [[Paragraph(escape(k), label), Paragraph(escape(v), value)] for k, v in poster.facts]
        table = Table(rows, colWidths=[26 * mm, inner - 26 * mm])
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 1),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ]
            )
        )
        _, h = table.wrapOn(canvas, inner, y)
        table.drawOn(canvas, margin, y - h)
        y -= h + 5 * mm
    invitation = Paragraph(escape(poster.invitation), text)
    _, h = invitation.wrapOn(canvas, inner, y)
    invitation.drawOn(canvas, margin, y - h)
    y -= h + 3 * mm
    privacy = Paragraph(escape(poster.privacy), small)
    _, h = privacy.wrapOn(canvas, inner, y)
    privacy.drawOn(canvas, margin, max(y - h, 18 * mm))

    canvas.setStrokeColor(red)
    canvas.setLineWidth(1.5)
    canvas.line(margin, 14 * mm, page_w - margin, 14 * mm)
    canvas.setFillColor(grey)
    canvas.setFont(font, 9)
    canvas.drawCentredString(page_w / 2, 9 * mm, poster.footer)


def _draw_qr(canvas, code: ContactCode, request, *, x: float, y: float, side: float) -> None:
    """The code as filled squares, one path for the page (each row's runs of dark modules as one rectangle)."""
    from reportlab.lib.colors import black, white

    qr = code_qr(code, request)
    matrix = [list(row) for row in qr.matrix]
    border = 4
    n = len(matrix)
    module = side / (n + 2 * border)
    canvas.setFillColor(white)
    canvas.rect(x, y, side, side, stroke=0, fill=1)
    path = canvas.beginPath()
    for r, row in enumerate(matrix):
        top = y + side - (border + r) * module
        c = 0
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                path.rect(x + (border + start) * module, top - module, (c - start) * module, module)
            else:
                c += 1
    canvas.setFillColor(black)
    canvas.drawPath(path, stroke=0, fill=1)
