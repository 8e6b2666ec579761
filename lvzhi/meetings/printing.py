"""The approved observers of a meeting, printable: the rows of the sign-in list (a print-friendly page and an
A4 PDF with the embedded CJK font of the letters, lvzhi.suggestions.letters.pdf_font).

The list goes to the entrance on paper, so it carries the ID card number and mobile masked (the last four
characters are enough to match a presented ID card), with a column to sign.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lvzhi.org.privacy import mask_mobile
from lvzhi.suggestions.letters import pdf_font

from .checks import mask_id_number
from .models import Meeting
from .workflow import ApplicationState


@dataclass(frozen=True)
class ObserverLine:
    number: str
    name: str
    id_masked: str
    phone_masked: str
    employer: str


def approved_lines(meeting: Meeting) -> list[ObserverLine]:
    return [
        ObserverLine(a.number, a.name, mask_id_number(a.id_number), mask_mobile(a.phone), a.employer)
        for a in meeting.observer_applications.filter(state=ApplicationState.APPROVED).order_by(
            "number", "pk"
        )
    ]


def observers_pdf(meeting: Meeting) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = pdf_font()
    lines = approved_lines(meeting)
    title_style = ParagraphStyle(
        "t", fontName=font, fontSize=16, leading=24, alignment=TA_CENTER, wordWrap="CJK"
    )
    body = ParagraphStyle("b", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK")
    cell = ParagraphStyle("c", fontName=font, fontSize=9.5, leading=13, wordWrap="CJK")
    with translation.override(settings.LANGUAGE_CODE):
        heading = _("Citizen observers: %(title)s") % {"title": meeting.title}
        facts = _("%(dates)s %(time)s · %(place)s · %(n)s approved of %(capacity)s places") % {
            "dates": meeting.dates_text,
            "time": meeting.time_text,
            "place": meeting.place,
            "n": len(lines),
            "capacity": meeting.observer_capacity,
        }
        columns = [
            _("No."),
            _("Application number"),
            _("Name"),
            _("ID card number"),
            _("Mobile"),
            _("Employer"),
            _("Signature"),
        ]
        printed = _("Printed %(when)s. Identity details are masked; check the ID card at the entrance.") % {
            "when": timezone.localtime().strftime("%Y-%m-%d %H:%M")
        }
        empty = _("No observer is approved yet.")

    def p(text: str, style=cell) -> Paragraph:
        return Paragraph(escape(text), style)

    rows = [[p(c) for c in columns]]
    for i, line in enumerate(lines, start=1):
        rows.append(
            [
                p(str(i)),
                p(line.number),
                p(line.name),
                p(line.id_masked),
                p(line.phone_masked),
                p(line.employer),
                "",
            ]
        )
    table = Table(
        rows, colWidths=[10 * mm, 24 * mm, 20 * mm, 36 * mm, 24 * mm, 40 * mm, 26 * mm], repeatRows=1
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.93, 0.93, 0.93)),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 1), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 1), (-1, -1), 6),
            ]
        )
    )
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=heading,
        author=meeting.congress.name,
    )
    story = [p(heading, title_style), Spacer(1, 3 * mm), p(facts, body), Spacer(1, 4 * mm)]
    story += [table] if lines else [p(empty, body)]
    story += [Spacer(1, 4 * mm), p(printed, body)]
    doc.build(story)
    return buf.getvalue()
