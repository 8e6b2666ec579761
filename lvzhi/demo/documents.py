"""Small real PDF files for the demo: a deputy's research material and a unit's signed and sealed reply letter.

Both are made with reportlab in the CJK font the project's letters use (lvzhi.suggestions.letters.pdf_font),
a few tens of kilobytes each in about ten milliseconds, and go onto suggestions through the attachment
service like any upload.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from xml.sax.saxutils import escape

from django.core.files.base import ContentFile
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer

from lvzhi.suggestions.letters import chinese_numeral, pdf_font


def _date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


class Seal(Flowable):
    """The unit's red seal (公章) over the signature lines: a flowable of no height, drawn above its place."""

    def __init__(self, name: str, font: str):
        super().__init__()
        self.name, self.font = name, font

    def wrap(self, available_width, available_height):
        self.width = available_width
        return available_width, 0

    def draw(self) -> None:
        c = self.canv
        x, y = self.width - 30 * mm, 16 * mm
        red = colors.Color(0.85, 0.1, 0.1, alpha=0.8)
        c.saveState()
        c.setStrokeColor(red)
        c.setFillColor(red)
        c.setLineWidth(2.5)
        c.circle(x, y, 21 * mm, stroke=1, fill=0)
        star = c.beginPath()  # a five-pointed star in the middle, the unit's name around it
        for k in range(10):
            r = (6 if k % 2 == 0 else 2.4) * mm
            a = math.pi / 2 + k * math.pi / 5
            (star.moveTo if k == 0 else star.lineTo)(x + r * math.cos(a), y + r * math.sin(a))
        star.close()
        c.drawPath(star, stroke=0, fill=1)
        c.setFont(self.font, 11)
        for k, ch in enumerate(self.name):
            a = math.radians(205 - k * (230 / max(len(self.name) - 1, 1)))
            c.saveState()
            c.translate(x + 15.5 * mm * math.cos(a), y + 15.5 * mm * math.sin(a))
            c.rotate(math.degrees(a) - 90)
            c.drawCentredString(0, -4, ch)
            c.restoreState()
        c.restoreState()


def _pdf(*, title: str, paragraphs: list[str], closing: list[str], seal: str = "", author: str = "") -> bytes:
    font = pdf_font()
    body = ParagraphStyle("body", fontName=font, fontSize=14, leading=24, wordWrap="CJK")
    indented = ParagraphStyle("indented", parent=body, firstLineIndent=28)
    right = ParagraphStyle("right", parent=body, alignment=TA_RIGHT)
    heading = ParagraphStyle(
        "title", parent=body, fontSize=19, leading=30, alignment=TA_CENTER, spaceAfter=14
    )
    flow = [Paragraph(escape(title), heading)]
    flow += [
        Paragraph(escape(p), indented if i or not p.endswith("：") else body)
        for i, p in enumerate(paragraphs)
    ]
    flow.append(Spacer(1, 24))
    flow += [Paragraph(escape(line), right) for line in closing]
    if seal:
        flow.append(Seal(seal, font))
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        topMargin=30 * mm,
        bottomMargin=25 * mm,
        leftMargin=24 * mm,
        rightMargin=22 * mm,
        title=title,
        author=author,
    )
    doc.build(flow)
    return buf.getvalue()


def occasion(suggestion) -> str:
    """“市十六届人大五次会议” for a session suggestion, “2026年闭会期间” for a recess one."""
    congress = suggestion.congress
    place = congress.short_name.removesuffix("人大")
    if place.endswith("市"):
        place = "市"
    if suggestion.session_id:
        session = suggestion.session
        return f"{place}{chinese_numeral(session.term.number)}届人大{chinese_numeral(session.number)}次会议"
    return f"{place}人大常委会{suggestion.received_on.year if suggestion.received_on else ''}年闭会期间"


def reply_letter(*, suggestion, unit, text: str, signed_by: str, day: dt.date, addressee: str) -> ContentFile:
    """The lead unit's reply letter (答复函), signed by the head of the unit and sealed, as a PDF upload."""
    title = f"对{occasion(suggestion)}第{suggestion.number}号建议的答复"
    data = _pdf(
        title=title,
        paragraphs=[
            f"{addressee}代表：",
            text,
            "如有意见，请填写随函附上的《办理情况征询意见表》反馈我单位。",
        ],
        closing=[f"签发人：{signed_by}", unit.name, _date(day)],
        seal=unit.name,
        author=unit.name,
    )
    return ContentFile(data, name=f"{title}（签章版）.pdf")


def research_material(*, title: str, topic: str, place: str, day: dt.date, author: str) -> ContentFile:
    """A deputy's research note (调研材料) behind a suggestion, as a PDF upload."""
    heading = f"关于{topic}的调研报告"
    data = _pdf(
        title=heading,
        paragraphs=[
            f"为提出《{title}》，本人于{_date(day)}前后深入{place}有关社区、单位和企业开展专题调研，"
            "召开座谈会两次，走访群众四十余人次，查阅有关部门资料，现将主要情况报告如下。",
            f"一、基本情况。{topic}涉及群众切身利益，近年来有关部门做了大量工作，取得一定成效。",
            "二、存在问题。一是底数不够清楚，二是投入渠道单一，三是部门之间衔接不畅，群众反映较为集中。",
            "三、意见建议。建议摸清底数、分类施策，明确牵头单位和完成时限，建立定期通报和群众评价机制。",
        ],
        closing=[f"{author}代表", _date(day)],
        author=author,
    )
    return ContentFile(data, name=f"{heading}.pdf")
