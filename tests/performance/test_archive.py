"""The archive (履职档案): the deputy reads its own, staff their tree, a sibling's staff and other deputies get a
404; its timeline holds confirmed activities, suggestions with their results, citizens' opinions answered
and reports; counts against the rules with the pro-rating note; the public page shows only what is public;
staff record a report meeting (counted through the sources hook) and download the draft report as Word and
PDF, which read back in Chinese with the PDF's CJK font embedded; a group's activity log."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from docx import Document
from pypdf import PdfReader

from lvzhi.core.models import Event
from lvzhi.opinions.models import Opinion
from lvzhi.opinions.services.handling import opinion_reply
from lvzhi.opinions.services.triage import opinion_enter
from lvzhi.org.models import GroupMembership, Mandate, User
from lvzhi.performance import events, kinds
from lvzhi.performance.archive import build_archive
from lvzhi.performance.models import Activity, ElectorReport, Participation, PublicArchive
from lvzhi.performance.services.activities import activity_register, activity_register_for_participants
from lvzhi.performance.services.common import kind_by_code
from lvzhi.performance.services.reports import elector_report_record
from lvzhi.performance.services.rules import preset_apply
from lvzhi.performance.services.sources import suggestion_submitted
from lvzhi.suggestions.models import Disclosure, Signer, Suggestion
from tests.factories import GroupFactory

TODAY = dt.datetime(2025, 11, 20, 10, 0)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(TODAY, tick=False)


def client_of(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def filled(world):
    """Deputy 甲 (a) with a confirmed speech, a pending and a rejected registration, a submitted suggestion,
    an answered citizen's opinion; the district holds the 341 311 rules."""
    preset_apply(actor=world.staff, congress=world.district, preset="cq341311")
    activity_register_for_participants(
        actor=world.staff,
        congress=world.district,
        kind=kind_by_code(kinds.SPEECH),
        date=dt.date(2025, 1, 8),
        title="审议政府工作报告",
        place="区人大会议室",
        mandates=[world.a, world.b, world.c],
    )
    activity_register(
        actor=world.a_user,
        mandate=world.a,
        kind=kind_by_code(kinds.RESEARCH),
        date=dt.date(2025, 11, 1),
        title="调研社区养老服务（待审核）",
    )
    suggestion = Suggestion.objects.create(
        congress=world.district,
        term=world.term,
        title="关于增设社区卫生服务站的建议",
        field="health",
        body="建议增设。",
        author=world.a,
        state="submitted",
        submitted_at=timezone.now() - dt.timedelta(days=30),
        received_on=dt.date(2025, 10, 21),
    )
    Signer.objects.create(suggestion=suggestion, mandate=world.a, role="author", confirmed_at=timezone.now())
    suggestion_submitted(suggestion=suggestion)
    item = opinion_enter(
        actor=world.staff,
        congress=world.district,
        source=Opinion.Source.STAFF,
        kind=Opinion.Kind.OPINION,
        category=Opinion.Category.TRAFFIC,
        content="路口红绿灯时间太短，老人过马路来不及。",
        consent=True,
        mandate=world.a,
        citizen_name="王秀英",
        phone="13912345678",
    ).opinion
    opinion_reply(actor=world.a_user, opinion=item, body="已向交警部门反映，将延长绿灯时间。")
    return world


# --- who reads it ---------------------------------------------------------------------------------------
def test_the_deputy_reads_its_own_archive_from_its_menu(filled):
    w = filled
    c = client_of(w.a_user)
    response = c.get(reverse("performance:archive_mine"))
    assert response.status_code == 302 and response["Location"] == reverse(
        "performance:archive", args=[w.a.pk]
    )
    body = c.get(response["Location"]).content.decode()
    assert "甲代表" in body
    # the timeline: the confirmed speech, the suggestion with its state, the opinion answered (its number only)
    assert "审议政府工作报告" in body and "关于增设社区卫生服务站的建议" in body
    opinion = Opinion.objects.get(mandate=w.a)
    assert opinion.number in body and "王秀英" not in body and "13912345678" not in body
    # the pending registration is not counted, and says so
    assert "调研社区养老服务（待审核）" in body
    archive = build_archive(mandate=w.a, year=2025, viewer=w.a_user)
    assert archive.not_counted and archive.not_counted[0].status == "registered"
    assert [e.what for e in archive.entries].count("suggestion") == 1
    assert archive.count_of(kinds.SPEECH) == 1 and archive.count_of(kinds.SUGGESTION) == 1
    # the rule counts: 1 speech of the 3 required
    speech = next(i for i in archive.result.items if i.name == "大会审议发言")
    assert (speech.count, speech.required, speech.short_by) == (1, 3, 2)
    # the menu entry
    home = c.get(reverse("home")).content.decode()
    assert reverse("performance:archive_mine") in home


def test_a_deputy_elected_mid_term_reads_its_pro_rated_minimum(filled):
    w = filled
    body = (
        client_of(w.b_user).get(reverse("performance:archive", args=[w.b.pk]) + "?year=2025").content.decode()
    )
    archive = build_archive(mandate=w.b, year=2025)
    speech = next(i for i in archive.result.items if i.name == "大会审议发言")
    # served 1 July to 31 December: 184 of 365 days, ceil(3 × 184 / 365) = 2
    assert speech.prorated and (speech.days_served, speech.required) == (184, 2)
    assert "184" in body and "365" in body


def test_staff_read_their_tree_and_no_one_else_does(filled):
    w = filled
    url = reverse("performance:archive", args=[w.a.pk])
    assert client_of(w.staff).get(url).status_code == 200
    assert client_of(w.city_staff).get(url).status_code == 200  # the city reads its districts
    assert client_of(w.other_staff).get(url).status_code == 404  # a sibling district
    assert client_of(w.b_user).get(url).status_code == 404  # another deputy
    assert client_of(w.x_user).get(reverse("performance:archive", args=[w.a.pk])).status_code == 404
    for name in ("report_docx", "report_pdf"):
        assert client_of(w.other_staff).get(reverse(f"performance:{name}", args=[w.a.pk])).status_code == 404
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and reverse("signin") in anonymous["Location"]
    # someone who is no deputy has no archive of its own
    assert client_of(w.staff).get(reverse("performance:archive_mine")).status_code == 403


def test_the_org_pages_link_to_the_archive_for_its_readers_only(filled):
    w = filled
    url = reverse("performance:archive", args=[w.a.pk])
    assert url in client_of(w.staff).get(reverse("org:deputy_detail", args=[w.a.pk])).content.decode()
    group = GroupFactory(congress=w.district)
    page = client_of(w.staff).get(reverse("org:group_detail", args=[group.pk])).content.decode()
    assert reverse("performance:group_log", args=[group.pk]) in page


# --- the public page ------------------------------------------------------------------------------------
def test_the_public_page_shows_only_what_is_public(filled):
    w = filled
    client_of(w.a_user).get(reverse("performance:archive", args=[w.a.pk]))  # makes its address
    page = PublicArchive.objects.get(mandate=w.a)
    url = reverse("performance:public_archive", args=[page.key])
    assert str(w.a.pk) not in url.split("/")  # never the sequential id
    body = Client().get(url).content.decode()
    assert "甲代表" in body and "审议政府工作报告" in body
    # not pending registrations, not undisclosed suggestions, no citizen's name, phone or words
    for hidden in (
        "调研社区养老服务（待审核）",
        "关于增设社区卫生服务站的建议",
        "王秀英",
        "13912345678",
        "红绿灯",
    ):
        assert hidden not in body
    opinion = Opinion.objects.get(mandate=w.a)
    assert opinion.number not in body
    # unknown and hidden keys are a 404
    assert Client().get(reverse("performance:public_archive", args=["0" * 16])).status_code == 404
    response = client_of(w.staff).post(reverse("performance:public_set", args=[w.a.pk]), {"published": "0"})
    assert response.status_code == 302
    assert Client().get(url).status_code == 404
    assert Event.objects.filter(kind=events.PUBLIC_ARCHIVE_CHANGED, target_id=str(w.a.pk)).exists()
    # a deputy may not hide or show its own page
    assert (
        client_of(w.a_user)
        .post(reverse("performance:public_set", args=[w.a.pk]), {"published": "1"})
        .status_code
        == 403
    )


def test_the_public_page_lists_closed_disclosed_suggestions_under_their_published_title(db):
    """On the demo city: a deputy whose suggestion was disclosed."""
    d = (
        Disclosure.objects.filter(is_published=True, suggestion__state="closed")
        .select_related("suggestion__author")
        .first()
    )
    assert d is not None, "the demo city discloses closed suggestions"
    mandate = d.suggestion.author
    page, _ = PublicArchive.objects.get_or_create(mandate=mandate)
    year = timezone.localdate(d.suggestion.submitted_at).year
    body = (
        Client().get(reverse("performance:public_archive", args=[page.key]), {"year": year}).content.decode()
    )
    assert d.title in body and reverse("portal:detail", args=[d.pk]) in body
    others = Suggestion.objects.filter(signers__mandate=mandate).exclude(pk=d.suggestion_id)
    for s in others.exclude(state="closed"):
        assert s.title not in body


# --- reports to the electors ---------------------------------------------------------------------------
def test_staff_record_the_report_meeting_and_it_counts_once(filled):
    w = filled
    c = client_of(w.staff)
    url = reverse("performance:report_record", args=[w.a.pk])
    data = {
        "year": "2025",
        "held_on": "2025-11-10",
        "place": "东湖街道选民之家",
        "electors_present": "80",
        "satisfied": "70",
        "basic": "8",
        "dissatisfied": "2",
        "notes": "",
    }
    response = c.post(url, data)
    assert response.status_code == 302
    report = ElectorReport.objects.get(mandate=w.a, year=2025)
    assert (report.electors_present, report.satisfied, report.basic, report.dissatisfied) == (80, 70, 8, 2)
    p = Participation.objects.get(mandate=w.a, source_type="performance.electorreport", source_id=report.pk)
    assert p.status == "confirmed" and p.kind.code == kinds.REPORT and p.date == dt.date(2025, 11, 10)
    assert Event.objects.filter(kind=events.ELECTOR_REPORT_RECORDED, target_id=str(w.a.pk)).exists()
    archive = build_archive(mandate=w.a, year=2025)
    item = next(i for i in archive.result.items if i.name.startswith("向选区选民"))
    assert item.met and item.count == 1
    # recording the same year again corrects it: one report, one activity, moved to the new date
    data |= {"held_on": "2025-11-12", "satisfied": "72", "basic": "6"}
    assert c.post(url, data).status_code == 302
    assert ElectorReport.objects.filter(mandate=w.a).count() == 1
    p.refresh_from_db()
    assert p.date == dt.date(2025, 11, 12)
    assert Participation.objects.filter(mandate=w.a, kind__code=kinds.REPORT).count() == 1
    assert Event.objects.filter(kind=events.ELECTOR_REPORT_CHANGED).exists()
    body = c.get(reverse("performance:archive", args=[w.a.pk])).content.decode()
    assert "东湖街道选民之家" in body and "72" in body


def test_bad_report_input_is_explained_and_kept(filled):
    w = filled
    c = client_of(w.staff)
    url = reverse("performance:report_record", args=[w.a.pk])
    data = {
        "year": "2025",
        "held_on": "2025-11-10",
        "place": "东湖街道选民之家",
        "electors_present": "10",
        "satisfied": "9",
        "basic": "3",
        "dissatisfied": "0",
    }
    response = c.post(url, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "东湖街道选民之家" in body and re.search(r"12", body)
    assert not ElectorReport.objects.filter(mandate=w.a).exists()
    # a date before the year reported on, and nonsense numbers
    response = c.post(url, data | {"held_on": "2024-06-01", "satisfied": "1"})
    assert response.status_code == 400 and not ElectorReport.objects.filter(mandate=w.a).exists()
    response = c.post(url, data | {"electors_present": "²", "satisfied": "-1"})
    assert response.status_code == 400 and "东湖街道选民之家" in response.content.decode()


def test_only_the_deputys_own_office_records_reports(filled):
    w = filled
    data = {"year": "2025", "held_on": "2025-11-10", "place": "会场", "electors_present": "5"}
    assert (
        client_of(w.a_user).post(reverse("performance:report_record", args=[w.a.pk]), data).status_code == 403
    )
    # the city reads the district but acts on its own congress only
    assert (
        client_of(w.city_staff).post(reverse("performance:report_record", args=[w.a.pk]), data).status_code
        == 403
    )
    assert (
        client_of(w.other_staff).post(reverse("performance:report_record", args=[w.a.pk]), data).status_code
        == 404
    )
    assert not ElectorReport.objects.filter(mandate=w.a).exists()
    with pytest.raises(Exception) as refused:
        elector_report_record(
            actor=w.a_user,
            mandate=w.a,
            year=2025,
            held_on=dt.date(2025, 11, 1),
            place="会场",
            electors_present=5,
        )
    assert getattr(refused.value, "code", "") == "not_permitted"


# --- the draft report ------------------------------------------------------------------------------------
def docx_text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


def pdf_fonts(reader: PdfReader) -> list[dict]:
    fonts = []
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            fonts.append({"name": str(font["/BaseFont"]), "embedded": "/FontFile2" in descriptor})
    return fonts


def test_the_draft_report_downloads_as_word_and_pdf_in_chinese(filled):
    w = filled
    elector_report_record(
        actor=w.staff,
        mandate=w.a,
        year=2024,
        held_on=dt.date(2024, 12, 10),
        place="东湖街道选民之家",
        electors_present=60,
        satisfied=50,
        basic=9,
        dissatisfied=1,
    )
    c = client_of(w.a_user)
    response = c.get(reverse("performance:report_docx", args=[w.a.pk]), {"year": 2025})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"] and ".docx" in response["Content-Disposition"]
    text = docx_text(response.content)
    assert "甲代表代表2025年度履职情况报告" in text
    assert "各位选民：" in text
    assert "关于增设社区卫生服务站的建议" in text
    assert "审议发言1次" in text
    assert "东湖街道选民之家" in text  # the earlier report
    assert "大会审议发言" in text and "差 2 次" in text  # the rules table
    assert "请代表本人补充" in text  # the part the deputy writes
    assert "王秀英" not in text

    response = c.get(reverse("performance:report_pdf", args=[w.a.pk]), {"year": 2025})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    pdf_text = "".join(page.extract_text() for page in reader.pages)
    assert "甲代表代表2025年度履职情况报告" in pdf_text
    assert "各位选民" in pdf_text and "关于增设社区卫生服务站的建议" in pdf_text
    assert any("WenQuanYiMicroHei" in f["name"] and f["embedded"] for f in pdf_fonts(reader))
    # a year outside the service falls back to the latest; staff of the district download it too
    assert (
        client_of(w.staff).get(reverse("performance:report_docx", args=[w.a.pk]), {"year": "²"}).status_code
        == 200
    )


# --- a group's activity log ----------------------------------------------------------------------------
def test_a_groups_log_shows_its_activities_with_attendance(filled):
    w = filled
    group = GroupFactory(congress=w.district, name="东湖街道代表小组")
    for m in (w.a, w.b, w.c):
        GroupMembership.objects.create(group=group, mandate=m)
    activity_register_for_participants(
        actor=w.staff,
        congress=w.district,
        kind=kind_by_code(kinds.GROUP),
        date=dt.date(2025, 10, 1),
        title="小组集中视察农贸市场",
        group=group,
        mandates=[w.a, w.b],
    )
    url = reverse("performance:group_log", args=[group.pk])
    body = client_of(w.staff).get(url).content.decode()
    assert "小组集中视察农贸市场" in body and "2 / 3" in body.replace("2 of 3", "2 / 3")
    assert "甲代表" in body and "乙代表" in body
    # a member reads the log, and names only those it may read (itself)
    member = client_of(w.c_user).get(url).content.decode()
    assert "小组集中视察农贸市场" in member and "甲代表" not in member
    assert client_of(w.other_staff).get(url).status_code == 404
    assert client_of(w.x_user).get(url).status_code == 404
    assert Activity.objects.filter(group=group).count() == 1


def test_the_archive_page_keeps_a_fixed_number_of_queries(filled, django_assert_max_num_queries):
    w = filled
    c = client_of(w.staff)
    url = reverse("performance:archive", args=[w.a.pk])
    c.get(url)
    with django_assert_max_num_queries(60):
        assert c.get(url).status_code == 200
    assert User.objects.filter(pk=w.staff.pk).exists() and Mandate.objects.filter(pk=w.a.pk).exists()
