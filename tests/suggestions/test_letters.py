"""Assignment letters (交办函): the Word and PDF files read back, their content, and who may download them."""

import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from lvzhi.org.models import Session, User
from lvzhi.suggestions import letters
from lvzhi.suggestions.models import Assignment, Suggestion
from lvzhi.suggestions.services import drafting, handling, review
from tests.suggestions.loop_world import TODAY, build

pytestmark = pytest.mark.django_db

BATCH = "2026年第四季度集中交办会"
TITLES = ["关于加强学校周边交通安全管理的建议", "关于推进中小学课后服务提质的建议"]
RECESS_TITLE = "关于交办示范市2026年闭会期间代表建议的函"


@pytest.fixture
def w(time_machine):
    time_machine.move_to(TODAY, tick=False)
    w = build()
    # Given two accepted suggestions, assigned at one meeting: 教育局 leads both, 住建局 helps with the first.
    made = []
    for title in TITLES:
        s = drafting.suggestion_create(
            actor=w.deputy, mandate=w.mandate, title=title, field="education", body=w_body()
        )
        s = drafting.suggestion_submit(actor=w.deputy, suggestion=s)
        made.append(review.suggestion_accept(actor=w.staff, suggestion=s))
    handling.assign_batch(
        actor=w.staff,
        items=[(made[0], w.unit, [w.unit_b]), (made[1], w.unit, [])],
        batch=BATCH,
    )
    w.suggestions = made
    return w


def w_body():
    return "学校周边交通秩序混乱，上下学高峰时段拥堵严重，存在安全隐患，建议加强管理并增设设施。"


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def docx_text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


def flat(text: str) -> str:
    """Extracted PDF text with the line breaks a table cell or a long line puts in."""
    return re.sub(r"\s+", "", text)


def get_letter(client, unit, kind, **params):
    return client.get(reverse(f"suggestions:letter_{kind}", args=[unit.pk]), params)


def test_the_word_letter_names_the_unit_and_lists_its_suggestions(w):
    response = get_letter(login(w.staff), w.unit, "docx", batch=BATCH)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"] and ".docx" in response["Content-Disposition"]
    text = docx_text(response.content)
    assert RECESS_TITLE in text
    assert f"{w.unit.name}：" in text
    for s in w.suggestions:
        assert s.title in text and f"第{s.number}号" in text
    assert "主办" in text and w.deputy.person.name in text
    assert "示范市人大常委会办公室" in text  # the sender
    assert "2026年11月26日" in text  # the letter's date: the day of the meeting
    # Chinese is set in an East Asian font, so Word does not fall back to a Latin face.
    doc = Document(io.BytesIO(response.content))
    title_run = doc.paragraphs[0].runs[0]._element
    assert title_run.rPr.rFonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")


def test_the_co_units_letter_lists_only_its_part_with_the_opinion_due_date(w):
    text = docx_text(get_letter(login(w.staff), w.unit_b, "docx", batch=BATCH).content)
    assert f"{w.unit_b.name}：" in text
    assert TITLES[0] in text and TITLES[1] not in text
    co = w.suggestions[0].assignments.get(unit=w.unit_b)
    assert "协办" in text and f"{co.opinion_due.year}年{co.opinion_due.month}月{co.opinion_due.day}日" in text


def pdf_fonts(reader: PdfReader) -> list[dict]:
    fonts = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            for descendant in font.get("/DescendantFonts") or []:
                descriptor = descendant.get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            fonts.append({"name": str(font["/BaseFont"]), "embedded": "/FontFile2" in descriptor})
    return fonts


def test_the_pdf_letter_embeds_its_chinese_font_and_reads_back(w):
    if not letters.CJK_FONT_FILE.is_file():
        pytest.skip("fonts-wqy-microhei is not installed (.ci/run installs it)")
    response = get_letter(login(w.staff), w.unit, "pdf", batch=BATCH)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = flat("".join(page.extract_text() for page in reader.pages))
    assert RECESS_TITLE in text and f"{w.unit.name}：" in text
    for s in w.suggestions:
        assert s.title in text
    assert any("WenQuanYiMicroHei" in f["name"] and f["embedded"] for f in pdf_fonts(reader))


def test_without_the_font_file_the_pdf_falls_back_to_the_built_in_cid_font(w, monkeypatch, tmp_path):
    monkeypatch.setattr(letters, "CJK_FONT_FILE", tmp_path / "missing.ttc")
    content = letters.assignment_letter_pdf(
        letters.letter_for(unit=w.unit, assignments=list(w.unit.assignments.filter(batch=BATCH)), batch=BATCH)
    )
    reader = PdfReader(io.BytesIO(content))
    assert any(f["name"] == "/STSong-Light" for f in pdf_fonts(reader))
    assert RECESS_TITLE in flat(reader.pages[0].extract_text())


def test_a_session_letter_names_the_term_and_the_session_in_chinese_numerals(w):
    session = Session.objects.filter(term=w.suggestions[0].term).order_by("number").first()
    Suggestion.objects.filter(pk__in=[s.pk for s in w.suggestions]).update(session=session)
    assignments = list(
        Assignment.objects.filter(unit=w.unit, batch=BATCH).select_related("suggestion__session__term")
    )
    letter = letters.letter_for(unit=w.unit, assignments=assignments, batch=BATCH)
    term, number = letters.chinese_numeral(session.term.number), letters.chinese_numeral(session.number)
    assert letter.title == f"关于交办示范市{term}届人大{number}次会议代表建议的函"


@pytest.mark.parametrize(
    "n, words", [(1, "一"), (5, "五"), (10, "十"), (17, "十七"), (20, "二十"), (21, "二十一")]
)
def test_terms_and_sessions_are_counted_in_chinese(n, words):
    assert letters.chinese_numeral(n) == words


def test_a_single_assignment_has_its_own_letter(w):
    s = drafting.suggestion_submit(
        actor=w.deputy,
        suggestion=drafting.suggestion_create(
            actor=w.deputy,
            mandate=w.mandate,
            title="关于增设社区托育点的建议",
            field="education",
            body=w_body(),
        ),
    )
    s = review.suggestion_accept(actor=w.staff, suggestion=s)
    (a,) = handling.suggestion_assign(actor=w.staff, suggestion=s, lead_unit=w.unit)
    text = docx_text(get_letter(login(w.staff), w.unit, "docx", assignment=a.pk).content)
    assert s.title in text and TITLES[0] not in text
    # Without a choice, a unit's latest letter is served: here the single assignment, made last.
    text = docx_text(get_letter(login(w.handler), w.unit, "docx").content)
    assert s.title in text


def test_the_office_page_lists_each_meetings_units_with_their_letters(w):
    page = login(w.staff).get(reverse("suggestions:letters"), {"congress": w.city.pk, "batch": BATCH})
    assert page.status_code == 200
    body = page.content.decode()
    assert BATCH in body and w.unit.name in body and w.unit_b.name in body
    assert reverse("suggestions:letter_pdf", args=[w.unit_b.pk]) in body


def test_a_handler_sees_and_downloads_only_the_own_units_letter(w):
    handler = login(w.handler)
    page = handler.get(reverse("suggestions:letters"), {"congress": w.city.pk, "batch": BATCH})
    assert page.status_code == 200
    body = page.content.decode()
    assert w.unit.name in body and w.unit_b.name not in body
    assert get_letter(handler, w.unit, "pdf", batch=BATCH).status_code == 200
    assert get_letter(handler, w.unit_b, "pdf", batch=BATCH).status_code == 404
    assert get_letter(handler, w.unit_b, "docx", batch=BATCH).status_code == 404


@pytest.mark.parametrize("username", ["staff_b", "city_chair", "deputy_a", "committee_b"])
def test_others_get_no_letter(w, username):
    client = login(User.objects.get(username=username))
    assert get_letter(client, w.unit, "docx", batch=BATCH).status_code == 404
    page = client.get(reverse("suggestions:letters"))
    assert page.status_code in (403, 200) and BATCH not in page.content.decode()


def test_a_returned_assignment_leaves_the_letter_and_an_unknown_batch_is_not_found(w):
    co = w.suggestions[0].assignments.get(unit=w.unit_b)
    handling.assignment_return(actor=w.handler_b, assignment=co, reason="不属于本单位职责")
    assert get_letter(login(w.staff), w.unit_b, "docx", batch=BATCH).status_code == 404
    assert get_letter(login(w.staff), w.unit, "docx", batch="没有这次会议").status_code == 404
    assert get_letter(login(w.staff), w.unit, "docx", assignment="x").status_code == 404
    assert login(w.staff).post(reverse("suggestions:letter_docx", args=[w.unit.pk])).status_code == 405
