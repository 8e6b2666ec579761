"""Assignment letters (交办函): one unit's letter for one assignment meeting batch, or for a single assignment,
as a Word file and as a PDF in one unified format.

A letter is built from the records each time it is asked for (nothing is stored): it is a few kilobytes made
in milliseconds, it always shows the deadlines in force (an approved extension, a returned item), and it is
read under the same scope as the assignments it lists, so there is no second copy of the data to keep in
step or to guard. The letter is an official document of the congress, so it is written in the congress's
own language (settings.LANGUAGE_CODE) whatever the reader's page language is.

The PDF embeds a TrueType CJK font (Debian's fonts-wqy-microhei) so it prints the same everywhere; when the
font file is missing it falls back to reportlab's built-in STSong-Light CID font, which the PDF reader
supplies. The Word file names its Chinese font in w:eastAsia, so Word shows Chinese in the font intended.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from lvzhi.org.models import Congress, Unit
from lvzhi.org.scope import scope_for

from .models import Assignment, Signer

# --- which assignments a user may print letters for --------------------------------------------------


def letter_assignments_visible_to(*, user) -> QuerySet[Assignment]:
    """Active assignments whose letters the user may download.

    # SECURITY: the office of the suggestion's own congress (staff who act there, not those above or below)
    # and the handlers of the assigned unit, for their own unit only; everyone else sees nothing.
    """
    s = scope_for(user)
    qs = Assignment.objects.filter(is_active=True).select_related("unit", "suggestion")
    if s.is_admin:
        return qs
    q = Q(pk__in=[])
    if s.act_congress_ids:
        q |= Q(suggestion__congress_id__in=s.act_congress_ids)
    if s.unit_ids:
        q |= Q(unit_id__in=s.unit_ids)
    return qs.filter(q)


def letter_batches(assignments: QuerySet[Assignment]) -> list[dict]:
    """The assignment meetings (batches) among `assignments`: congress, name, units, items, date; newest first."""
    rows = list(
        assignments.exclude(batch="")
        .values("suggestion__congress_id", "batch")
        .annotate(
            units=Count("unit", distinct=True),
            items=Count("pk"),
            day=Max("assigned_on"),
        )
        .order_by()
    )
    congresses = Congress.objects.in_bulk({r["suggestion__congress_id"] for r in rows})
    out = [
        {
            "congress": congresses[r["suggestion__congress_id"]],
            "batch": r["batch"],
            "units": r["units"],
            "items": r["items"],
            "day": r["day"],
        }
        for r in rows
    ]
    out.sort(key=lambda b: (b["day"], b["batch"]), reverse=True)
    return out


def batch_units(assignments: QuerySet[Assignment], *, congress_id: int, batch: str) -> list[dict]:
    """Each unit of one batch with its counts of lead and co items, by unit name."""
    rows = (
        assignments.filter(suggestion__congress_id=congress_id, batch=batch)
        .values("unit_id")
        .annotate(
            leads=Count("pk", filter=Q(role=Assignment.Role.LEAD)),
            cos=Count("pk", filter=Q(role=Assignment.Role.CO)),
        )
        .order_by()
    )
    units = Unit.objects.in_bulk([r["unit_id"] for r in rows])
    out = [{"unit": units[r["unit_id"]], "leads": r["leads"], "cos": r["cos"]} for r in rows]
    out.sort(key=lambda r: (r["unit"].kind, r["unit"].name))
    return out


# --- what a letter says ---------------------------------------------------------------------------
@dataclass(frozen=True)
class LetterItem:
    number: str
    title: str
    author: str
    role: str
    due: str


@dataclass(frozen=True)
class Letter:
    title: str
    addressee: str
    opening: str
    instructions: str
    closing: str
    columns: tuple[str, ...]
    items: tuple[LetterItem, ...]
    list_heading: str
    sender: str
    date: str
    filename: str


_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 17 → 十七, 25 → 二十五 (terms and sessions are below a hundred)."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return head + (_DIGITS[ones] if ones else "")


def _numeral(n: int) -> str:
    return chinese_numeral(n) if (translation.get_language() or "").startswith("zh") else str(n)


def _day(day: dt.date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def _occasion(congress: Congress, assignments: list[Assignment]) -> str:
    """The session (届、次) the suggestions were made at, or the recess year; empty when they are mixed."""
    sessions = {a.suggestion.session_id for a in assignments}
    if len(sessions) != 1:
        return ""
    session = assignments[0].suggestion.session
    if session is not None:
        return _("session %(session)s of the %(term)s-term %(region)s people's congress") % {
            "region": congress.region_name,
            "term": _numeral(session.term.number),
            "session": _numeral(session.number),
        }
    years = {a.suggestion.series[1:] for a in assignments if a.suggestion.series.startswith("R")}
    year = years.pop() if len(years) == 1 else str(min(a.assigned_on for a in assignments).year)
    return _("the recess of %(year)s in %(region)s") % {"year": year, "region": congress.region_name}


def _sender(congress: Congress) -> str:
    name = congress.short_name or congress.name
    if congress.has_standing_committee:
        return _("Office of the Standing Committee of %(congress)s") % {"congress": name}
    return _("Presidium of %(congress)s") % {"congress": name}


def _author(assignment: Assignment, joint: set[int]) -> str:
    name = assignment.suggestion.author.person.name
    if assignment.suggestion_id in joint:
        return _("%(name)s et al.") % {"name": name}
    return name


def _items(unit: Unit, assignments: list[Assignment]) -> tuple[LetterItem, ...]:
    joint = set(
        Signer.objects.filter(suggestion__in=[a.suggestion_id for a in assignments], declined_at__isnull=True)
        .exclude(role=Signer.Role.AUTHOR)
        .exclude(role=Signer.Role.COSIGNER, confirmed_at__isnull=True)
        .values_list("suggestion_id", flat=True)
    )
    items = []
    for a in assignments:
        s = a.suggestion
        if a.role == Assignment.Role.LEAD:
            role = pgettext("assignment letter", "Lead")
            due = _("reply by %(day)s") % {"day": _day(a.due)} if a.due else ""
        else:
            role = pgettext("assignment letter", "Co-handling")
            due = _("opinion by %(day)s") % {"day": _day(a.opinion_due)} if a.opinion_due else ""
        items.append(
            LetterItem(
                number=_("No. %(number)s") % {"number": s.number} if s.number else "—",
                title=s.title,
                author=_author(a, joint),
                role=role,
                due=due,
            )
        )
    return tuple(items)


def _ordered(assignments) -> list[Assignment]:
    return sorted(
        assignments,
        key=lambda a: (a.role != Assignment.Role.LEAD, a.suggestion.series, a.suggestion.number or 0, a.pk),
    )


def letter_for(*, unit: Unit, assignments: list[Assignment], batch: str = "") -> Letter:
    """The letter to `unit` listing `assignments` (all of them the unit's, of one congress)."""
    if not assignments:
        raise ValueError("a letter lists at least one assignment")
    if any(a.unit_id != unit.pk for a in assignments):
        raise ValueError("every assignment must be the unit's")
    assignments = _ordered(assignments)
    congress = unit.congress
    with translation.override(settings.LANGUAGE_CODE):
        occasion = _occasion(congress, assignments)
        if occasion:
            title = _("Letter assigning the deputies' suggestions of %(occasion)s") % {"occasion": occasion}
        else:
            title = _("Letter assigning deputies' suggestions")
        leads = sum(a.role == Assignment.Role.LEAD for a in assignments)
        cos = len(assignments) - leads
        if not cos:
            split = _("all to handle as the lead unit")
        elif not leads:
            split = _("all to help with as a co-unit")
        else:
            split = _("%(leads)s to handle as the lead unit, %(cos)s to help with as a co-unit") % {
                "leads": leads,
                "cos": cos,
            }
        opening = _(
            "We hereby assign to your unit %(count)s deputies' suggestions%(occasion)s (%(split)s); "
            "the list follows."
        ) % {
            "count": len(assignments),
            "occasion": (_(" of %(occasion)s") % {"occasion": occasion}) if occasion else "",
            "split": split,
        }
        return_due = min(a.return_due for a in assignments)
        instructions = _(
            "Please study and handle each of them with care. As the lead unit, consult the deputies face to "
            "face and reply to them in writing by the date given; as a co-unit, send your opinion to the "
            "lead unit by the date given. If an item does not fall within your unit's remit, return it to "
            "us with your reasons by %(day)s; after that day the assignment stands."
        ) % {"day": _day(return_due)}
        day = max(a.assigned_on for a in assignments)
        label = batch or (assignments[0].suggestion.title if len(assignments) == 1 else "")
        return Letter(
            title=title,
            addressee=_("%(unit)s:") % {"unit": unit.name},
            opening=opening,
            instructions=instructions,
            closing=_("We hereby inform you."),
            columns=(
                pgettext("assignment letter", "#"),
                pgettext("assignment letter", "Number"),
                pgettext("assignment letter", "Title"),
                pgettext("assignment letter", "Lead author"),
                pgettext("assignment letter", "Handling"),
                pgettext("assignment letter", "Due"),
            ),
            items=_items(unit, assignments),
            list_heading=_("List of the suggestions assigned"),
            sender=_sender(congress),
            date=_day(day),
            filename=_safe(f"{_('Assignment letter')}-{unit.short_name or unit.name}-{label or day}"),
        )


def _safe(name: str) -> str:
    return "".join(c for c in name if c not in '\\/:*?"<>|\r\n\t').strip()[:120]


# --- Word ------------------------------------------------------------------------------------------
TITLE_FONT = "宋体"  # SimSun: on every Chinese Windows and Office
BODY_FONT = "仿宋"  # FangSong: the body face of official letters


def _font(run, name: str, size: float, *, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    # Word picks the face of Chinese characters from w:eastAsia, not from w:ascii.
    fonts.set(qn("w:eastAsia"), name)


def assignment_letter_docx(letter: Letter) -> bytes:
    """The letter as a Word document (A4, margins of the official-document standard)."""
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

    def para(text: str, *, size=16, bold=False, align=None, indent=False, font=BODY_FONT, space=0):
        p = doc.add_paragraph()
        if align is not None:
            p.alignment = align
        if indent:
            p.paragraph_format.first_line_indent = Pt(size * 2)
        p.paragraph_format.space_after = Pt(space)
        _font(p.add_run(text), font, size, bold=bold)
        return p

    para(letter.title, size=22, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, font=TITLE_FONT, space=16)
    para(letter.addressee)
    para(letter.opening, indent=True)
    para(letter.instructions, indent=True)
    para(letter.closing, indent=True, space=12)
    para(letter.sender, align=WD_ALIGN_PARAGRAPH.RIGHT)
    para(letter.date, align=WD_ALIGN_PARAGRAPH.RIGHT, space=16)
    para(letter.list_heading, size=16, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, font=TITLE_FONT, space=8)

    table = doc.add_table(rows=1, cols=len(letter.columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = (Mm(10), Mm(18), Mm(62), Mm(22), Mm(14), Mm(30))

    def cell(c, text, *, bold=False, width=None):
        c.text = ""
        if width is not None:
            c.width = width
        _font(c.paragraphs[0].add_run(text), TITLE_FONT, 10.5, bold=bold)

    for c, text, width in zip(table.rows[0].cells, letter.columns, widths, strict=True):
        cell(c, text, bold=True, width=width)
    for i, item in enumerate(letter.items, start=1):
        row = table.add_row().cells
        values = (str(i), item.number, item.title, item.author, item.role, item.due)
        for c, text, width in zip(row, values, widths, strict=True):
            cell(c, text, width=width)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# --- PDF -------------------------------------------------------------------------------------------
CJK_FONT_FILE = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
EMBEDDED_FONT = "WenQuanYiMicroHei"
FALLBACK_FONT = "STSong-Light"


def pdf_font() -> str:
    """Register and name the CJK font: the embedded TrueType one when its file is there, else STSong-Light."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    if CJK_FONT_FILE.is_file():
        if EMBEDDED_FONT not in pdfmetrics.getRegisteredFontNames():
            # A .ttc holds several faces; the first is WenQuanYi Micro Hei.
            pdfmetrics.registerFont(TTFont(EMBEDDED_FONT, str(CJK_FONT_FILE), subfontIndex=0))
        return EMBEDDED_FONT
    if FALLBACK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_FONT))
    return FALLBACK_FONT


def assignment_letter_pdf(letter: Letter) -> bytes:
    """The letter as a PDF (A4), the list as a table whose cells wrap Chinese text."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = pdf_font()
    body = ParagraphStyle("body", fontName=font, fontSize=14, leading=24, wordWrap="CJK")
    indented = ParagraphStyle("indented", parent=body, firstLineIndent=28)
    right = ParagraphStyle("right", parent=body, alignment=TA_RIGHT)
    title = ParagraphStyle("title", parent=body, fontSize=20, leading=30, alignment=TA_CENTER, spaceAfter=14)
    heading = ParagraphStyle("heading", parent=body, fontSize=15, alignment=TA_CENTER, spaceAfter=6)
    cell = ParagraphStyle("cell", fontName=font, fontSize=9.5, leading=13, wordWrap="CJK")

    def p(text: str, style) -> Paragraph:
        return Paragraph(escape(text), style)

    rows = [[p(c, cell) for c in letter.columns]]
    for i, item in enumerate(letter.items, start=1):
        rows.append([p(v, cell) for v in (str(i), item.number, item.title, item.author, item.role, item.due)])
    table = Table(rows, colWidths=[10 * mm, 18 * mm, 62 * mm, 24 * mm, 14 * mm, 28 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        topMargin=30 * mm,
        bottomMargin=25 * mm,
        leftMargin=24 * mm,
        rightMargin=22 * mm,
        title=letter.title,
        author=letter.sender,
    )
    doc.build(
        [
            p(letter.title, title),
            p(letter.addressee, body),
            p(letter.opening, indented),
            p(letter.instructions, indented),
            p(letter.closing, indented),
            Spacer(1, 10),
            p(letter.sender, right),
            p(letter.date, right),
            Spacer(1, 18),
            p(letter.list_heading, heading),
            table,
        ]
    )
    return buf.getvalue()
