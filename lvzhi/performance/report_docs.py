"""The draft report to the electors (述职报告): one deputy mandate's year, written from its archive, as an
editable Word file and as a PDF.

Like the assignment letters (lvzhi.suggestions.letters, whose fonts this shares) the draft is built from the
records each time it is asked for and stored nowhere; it is read under the archive's scope. It is written in
the congress's own language (settings.LANGUAGE_CODE) whatever the reader's page language, because it is
read out to the electors. It is a draft: the deputy edits the Word file (the last section asks for the
deputy's own words). The PDF embeds the TrueType CJK font, the Word file names its Chinese font in
w:eastAsia.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from lvzhi.suggestions.letters import BODY_FONT, TITLE_FONT, _font, chinese_numeral, pdf_font

from . import kinds as K
from .archive import Archive

ACTIVITY_LINES = 40  # at most this many activities listed by name in a section; the counts stay complete


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: tuple[str, ...]
    bullets: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReportDraft:
    title: str
    subtitle: str
    salutation: str
    intro: str
    sections: tuple[Section, ...]
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    table_note: str
    plans_heading: str
    plans: str
    closing: str
    signature: str
    date: str
    filename: str


def _day(day) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def _numeral(n: int) -> str:
    return chinese_numeral(n) if (translation.get_language() or "").startswith("zh") else str(n)


def _join(parts: list[str]) -> str:
    return pgettext("list separator", ", ").join(parts)


def _times(label: str, n: int) -> str:
    return _("%(kind)s %(n)s times") % {"kind": label, "n": n}


def report_draft(archive: Archive) -> ReportDraft:
    """The draft report on `archive` (a non-public archive: the deputy's own report names everything)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _draft(archive)


def _draft(a: Archive) -> ReportDraft:
    m = a.mandate
    name = m.person.name
    electors = m.electoral_unit.name if m.electoral_unit_id else m.congress.name
    sections: list[Section] = []

    # 1. The session.
    sections.append(
        Section(
            _("1. Attending the session and deliberating"),
            (
                _(
                    "This year I made %(speech)s deliberation speeches at the session and attended "
                    "%(attend)s standing-committee meetings."
                )
                % {"speech": a.count_of(K.SPEECH), "attend": a.count_of(K.ATTEND_SC)},
            ),
        )
    )
    # 2. Recess activities.
    recess = [kc for kc in a.kind_counts if (kc.kind.is_recess or kc.kind.code == K.GROUP) and kc.year]
    total = sum(kc.year for kc in recess)
    if total:
        text = _("This year I took part in %(total)s recess activities: %(list)s.") % {
            "total": total,
            "list": _join([_times(kc.kind.label, kc.year) for kc in recess]),
        }
    else:
        text = _("No recess activity has been confirmed this year.")
    recess_ids = {kc.kind.pk for kc in recess}
    listed = [e for e in a.entries if e.what == "activity" and e.kind_id in recess_ids]
    sections.append(
        Section(
            _("2. Taking part in activities in recess"),
            (text,),
            tuple(f"{_day(e.date)} {e.title}" for e in listed[:ACTIVITY_LINES]),
        )
    )
    # 3. Motions and suggestions.
    mine = a.suggestions_year
    if mine:
        text = _("This year I put forward %(n)s motions and suggestions (joint ones included):") % {
            "n": len(mine)
        }
    else:
        text = _("No motion or suggestion this year.")
    bullets = []
    for s in mine:
        parts = []
        if s.number:
            parts.append(_("No. %(number)s") % {"number": s.number})
        parts.append(s.state_label)
        if s.result:
            parts.append(_("result: %(result)s") % {"result": s.result})
        if s.rating:
            parts.append(_("my evaluation: %(rating)s") % {"rating": s.rating})
        bullets.append(
            _("%(title)s (%(details)s)")
            % {"title": s.title, "details": pgettext("details", ", ").join(parts)}
        )
    sections.append(Section(_("3. Motions and suggestions"), (text,), tuple(bullets)))
    # 4. The people.
    o = a.opinions
    sections.append(
        Section(
            _("4. Keeping close contact with the people"),
            (
                _(
                    "This year %(received)s citizens' opinions reached me through my QR code and the "
                    "stations; %(answered)s were answered and %(finished)s finished. I received citizens "
                    "%(reception)s times."
                )
                % {
                    "received": o["received"],
                    "answered": o["answered"],
                    "finished": o["finished"],
                    "reception": a.count_of(K.RECEPTION),
                },
                _("In this term I did %(n)s practical good deeds for the people.")
                % {"n": a.count_of(K.GOOD_DEED, term=True)},
            ),
        )
    )
    # 5. Training.
    sections.append(
        Section(
            _("5. Study and training"),
            (_("In this term I took part in %(n)s trainings:") % {"n": len(a.trainings)},)
            if a.trainings
            else (_("No training has been recorded in this term yet."),),
            tuple(f"{_day(p.date)} {p.activity.title}" for p in a.trainings[:ACTIVITY_LINES]),
        )
    )
    # 6. Earlier reports.
    reports = [
        _(
            "On %(date)s at %(place)s, %(present)s electors present: %(satisfied)s satisfied, %(basic)s "
            "basically satisfied, %(dissatisfied)s dissatisfied."
        )
        % {
            "date": _day(r.held_on),
            "place": r.place,
            "present": r.electors_present,
            "satisfied": r.satisfied,
            "basic": r.basic,
            "dissatisfied": r.dissatisfied,
        }
        for r in a.reports
    ]
    sections.append(
        Section(
            _("6. Reports to the electors"),
            () if reports else (_("No report to the electors has been recorded in this term yet."),),
            tuple(reports),
        )
    )
    # 7. The rules (a table after this section).
    stars = ()
    if a.result is not None and a.result.stars is not None:
        stars = (
            _("Star rating this year: %(stars)s stars (%(points)s points).")
            % {"stars": a.result.stars, "points": a.result.points},
        )
    sections.append(Section(_("7. Performance against the rules"), stars))
    rows = []
    for i in a.result.items if a.result else ():
        rows.append(
            (
                i.name,
                _("term") if i.period == "term" else _("year"),
                str(i.count),
                str(i.required),
                _("met") if i.met else _("short by %(n)s") % {"n": i.short_by},
            )
        )
    return ReportDraft(
        title=_("Report of deputy %(name)s on the performance of duties in %(year)s")
        % {"name": name, "year": a.year},
        subtitle=_("To the electors of %(electors)s · a draft for the deputy to edit")
        % {"electors": electors},
        salutation=_("Dear electors:"),
        intro=_(
            "I am %(name)s, deputy to %(congress)s of the %(term)s term, serving since %(since)s. As deputies "
            "report to their electors, I now report on my performance of duties in %(year)s; please "
            "evaluate it."
        )
        % {
            "name": name,
            "congress": m.congress.name,
            "term": _numeral(m.term.number),
            "since": _day(m.start_date),
            "year": a.year,
        },
        sections=tuple(sections),
        columns=(_("Rule"), _("Period"), _("Confirmed"), _("Required count"), _("Result")),
        rows=tuple(rows),
        table_note=_(
            "Only activities the office confirmed count; where I served part of the period, the required "
            "count is pro-rated to the days served."
        )
        if rows
        else _("No rules apply."),
        plans_heading=_("8. Shortcomings and plans"),
        plans=_(
            "(For the deputy to complete: the shortcomings in this year's work, and the plans for the next.)"
        ),
        closing=_("That is my report. Electors, please evaluate it."),
        signature=_("Reported by %(name)s") % {"name": name},
        date=_day(timezone.localdate()),
        filename=_safe(_("%(name)s report on %(year)s") % {"name": name, "year": a.year}),
    )


def _safe(name: str) -> str:
    return "".join(c for c in name if c not in '\\/:*?"<>|\r\n\t').strip()[:120]


# --- Word ------------------------------------------------------------------------------------------
def report_docx(draft: ReportDraft) -> bytes:
    """The draft as an editable Word document (A4, the official-document margins)."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = BODY_FONT, Pt(16)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    doc.core_properties.title = draft.title

    def para(text: str, *, size=16, bold=False, align=None, indent=False, font=BODY_FONT, space=0):
        p = doc.add_paragraph()
        if align is not None:
            p.alignment = align
        if indent:
            p.paragraph_format.first_line_indent = Pt(size * 2)
        p.paragraph_format.space_after = Pt(space)
        _font(p.add_run(text), font, size, bold=bold)
        return p

    para(draft.title, size=22, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, font=TITLE_FONT, space=6)
    para(draft.subtitle, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, space=16)
    para(draft.salutation)
    para(draft.intro, indent=True, space=6)
    for s in draft.sections:
        para(s.heading, bold=True, font=TITLE_FONT, space=4)
        for text in s.paragraphs:
            para(text, indent=True)
        for text in s.bullets:
            para(f"· {text}", size=14, indent=True)
    table = doc.add_table(rows=1, cols=len(draft.columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER

    def cell(c, text, *, bold=False):
        c.text = ""
        _font(c.paragraphs[0].add_run(text), TITLE_FONT, 10.5, bold=bold)

    for c, text in zip(table.rows[0].cells, draft.columns, strict=True):
        cell(c, text, bold=True)
    for row in draft.rows:
        for c, text in zip(table.add_row().cells, row, strict=True):
            cell(c, text)
    para(draft.table_note, size=12, space=8)
    para(draft.plans_heading, bold=True, font=TITLE_FONT, space=4)
    para(draft.plans, indent=True, space=12)
    para(draft.closing, indent=True, space=16)
    para(draft.signature, align=WD_ALIGN_PARAGRAPH.RIGHT)
    para(draft.date, align=WD_ALIGN_PARAGRAPH.RIGHT)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# --- PDF -------------------------------------------------------------------------------------------
def report_pdf(draft: ReportDraft) -> bytes:
    """The draft as a PDF (A4) with its CJK font embedded."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = pdf_font()
    body = ParagraphStyle("body", fontName=font, fontSize=13, leading=22, wordWrap="CJK")
    indented = ParagraphStyle("indented", parent=body, firstLineIndent=26)
    bullet = ParagraphStyle("bullet", parent=body, fontSize=11.5, leading=18, leftIndent=26)
    right = ParagraphStyle("right", parent=body, alignment=TA_RIGHT)
    title = ParagraphStyle("title", parent=body, fontSize=19, leading=28, alignment=TA_CENTER, spaceAfter=4)
    subtitle = ParagraphStyle("subtitle", parent=body, fontSize=12, alignment=TA_CENTER, spaceAfter=12)
    heading = ParagraphStyle("heading", parent=body, fontSize=14, spaceBefore=8, spaceAfter=2)
    cell = ParagraphStyle("cell", fontName=font, fontSize=9.5, leading=13, wordWrap="CJK")
    small = ParagraphStyle("small", parent=body, fontSize=10, leading=15, spaceBefore=4)

    def p(text: str, style) -> Paragraph:
        return Paragraph(escape(text), style)

    story = [p(draft.title, title), p(draft.subtitle, subtitle), p(draft.salutation, body)]
    story.append(p(draft.intro, indented))
    for s in draft.sections:
        story.append(p(s.heading, heading))
        story += [p(text, indented) for text in s.paragraphs]
        story += [p(f"· {text}", bullet) for text in s.bullets]
    if draft.rows:
        rows = [[p(c, cell) for c in draft.columns]] + [[p(v, cell) for v in row] for row in draft.rows]
        table = Table(rows, colWidths=[52 * mm, 16 * mm, 20 * mm, 22 * mm, 30 * mm], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ]
            )
        )
        story.append(table)
    story.append(p(draft.table_note, small))
    story += [p(draft.plans_heading, heading), p(draft.plans, indented), Spacer(1, 10)]
    story += [p(draft.closing, indented), Spacer(1, 14), p(draft.signature, right), p(draft.date, right)]
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        topMargin=28 * mm,
        bottomMargin=25 * mm,
        leftMargin=24 * mm,
        rightMargin=22 * mm,
        title=draft.title,
        author=draft.signature,
    )
    doc.build(story)
    return buf.getvalue()
