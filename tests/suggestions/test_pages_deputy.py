"""The deputy's pages of the suggestions loop, through the browser's requests: write, edit, co-sign, attach,
submit, withdraw and rate — each with its happy path, its refusal on the page, another deputy denied, and the
event written."""

import datetime as dt
import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from lvzhi.core.errors import ServiceError
from lvzhi.core.models import Event
from lvzhi.org.models import CongressSetting, Mandate, User
from lvzhi.suggestions.attachments import ALLOWED_LABEL, MAX_SIZE, attachment_add
from lvzhi.suggestions.models import Assignment, Attachment, Evaluation, Signer, Suggestion
from lvzhi.suggestions.services import drafting, handling, replies, review
from lvzhi.suggestions.workflow import State, Step
from tests.suggestions.loop_world import TODAY, build

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
CONTENT_REFUSED = "The file's content is not a .%(ext)s file; save it again in that format and retry."
BODY = "我市部分老旧小区冬季供热温度长期不达标，居民反映强烈，建议对管网进行改造并加强监管。"


@pytest.fixture
def w(time_machine, settings, tmp_path):
    time_machine.move_to(TODAY, tick=False)
    settings.MEDIA_ROOT = tmp_path
    return build()


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def deputy_b():
    return User.objects.get(username="deputy_b")


def events_of(s, kind):
    return Event.objects.filter(target_id=str(s.pk), kind=kind)


def text(response) -> str:
    return response.content.decode()


def says(response, msgid, **params):
    """The page shows the message (in the page's language, Chinese), as a service or form words it."""
    with translation.override("zh-hans"):
        message = translation.gettext(msgid)
        message = message % params if params else message
    assert escape(message) in text(response), message


def accepted(w, **kw):
    s = drafting.suggestion_submit(actor=w.deputy, suggestion=w.draft(**kw))
    return review.suggestion_accept(actor=w.staff, suggestion=s)


def replied(w, **reply_kw):
    s = accepted(w)
    handling.suggestion_assign(actor=w.staff, suggestion=s, lead_unit=w.unit, co_units=[w.unit_b])
    s.refresh_from_db()
    lead = s.assignments.get(role=Assignment.Role.LEAD, is_active=True)
    handling.consultation_record(
        actor=w.handler,
        assignment=lead,
        held_on=TODAY.date(),
        method="visit",
        participants="分管副局长、领衔代表",
        deputy_view="代表希望今冬前完成改造",
    )
    kw = {"text": "经研究，已将该小区纳入明年改造计划，今冬先行维修。" * 2, "result_code": "A", **reply_kw}
    replies.reply_submit(actor=w.handler, assignment=lead, **kw)
    s.refresh_from_db()
    return s


# --- my suggestions and the home page ---------------------------------------------------------------
def test_the_home_page_and_my_list_show_what_waits(w, deputy_b):
    draft = w.draft()
    returned = drafting.suggestion_submit(actor=w.deputy, suggestion=w.draft(title="关于增设公交站点的建议"))
    review.suggestion_return(actor=w.staff, suggestion=returned, reason="请补充站点的具体位置。")
    c = client_for(w.deputy)

    home = c.get(reverse("home"))
    assert reverse("suggestions:mine") + "?show=drafts" in text(home)
    assert reverse("suggestions:mine") + "?show=returned" in text(home)

    drafts = text(c.get(reverse("suggestions:mine"), {"show": "drafts"}))
    assert draft.title in drafts and "关于增设公交站点的建议" not in drafts
    back = text(c.get(reverse("suggestions:mine"), {"show": "returned"}))
    assert "关于增设公交站点的建议" in back
    # Another deputy's list has none of them.
    theirs = text(client_for(deputy_b).get(reverse("suggestions:mine")))
    assert draft.title not in theirs


# --- writing --------------------------------------------------------------------------------------
def test_a_deputy_with_two_mandates_says_which_congress_it_is_for(w):
    c = client_for(w.deputy)
    page = text(c.get(reverse("suggestions:new")))
    mandates = Mandate.objects.current().filter(person=w.deputy.person).select_related("congress")
    assert len(mandates) == 2
    for m in mandates:
        assert m.congress.name in page

    data = {"kind": "suggestion", "title": "关于规范共享单车停放的建议", "field": "urban", "body": BODY}
    missing = c.post(reverse("suggestions:new"), data)
    assert missing.status_code == 200 and "关于规范共享单车停放的建议" in text(missing)  # kept what was typed
    assert not Suggestion.objects.filter(title="关于规范共享单车停放的建议").exists()

    response = c.post(reverse("suggestions:new"), {**data, "mandate": w.mandate.pk})
    s = Suggestion.objects.get(title="关于规范共享单车停放的建议")
    assert response.status_code == 302 and response["Location"] == reverse("suggestions:detail", args=[s.pk])
    assert (s.author, s.congress, s.state) == (w.mandate, w.city, State.DRAFT)
    assert events_of(s, "suggestion.created").count() == 1


def test_writing_refusals_show_on_the_form_and_keep_the_text(w, deputy_b):
    c = client_for(deputy_b)  # one mandate: no question about the congress
    page = c.get(reverse("suggestions:new"))
    assert 'name="mandate"' not in text(page)
    response = c.post(
        reverse("suggestions:new"),
        {"kind": "suggestion", "title": "关于菜市场的建议", "field": "urban", "body": "太短了"},
    )
    assert response.status_code == 200
    says(response, "Write out the suggestion: at least 20 characters.")
    assert "关于菜市场的建议" in text(response)
    assert not Suggestion.objects.filter(title="关于菜市场的建议").exists()
    # Someone who is no deputy cannot write one.
    assert client_for(w.staff).get(reverse("suggestions:new")).status_code == 403


def test_the_author_edits_a_draft_and_sees_the_return_reason(w, deputy_b):
    s = w.draft()
    c = client_for(w.deputy)
    data = {"kind": "suggestion", "title": "关于老旧小区供热改造的建议", "field": "urban", "body": BODY}
    assert c.post(reverse("suggestions:edit", args=[s.pk]), data).status_code == 302
    s.refresh_from_db()
    assert s.title == "关于老旧小区供热改造的建议"
    assert events_of(s, "suggestion.updated").count() == 1

    short = c.post(
        reverse("suggestions:edit", args=[s.pk]), {**data, "title": "关于新标题的建议", "body": "短"}
    )
    assert short.status_code == 200 and "关于新标题的建议" in text(short)
    says(short, "Write out the suggestion: at least 20 characters.")
    s.refresh_from_db()
    assert s.title == "关于老旧小区供热改造的建议"

    drafting.suggestion_submit(actor=w.deputy, suggestion=s)
    review.suggestion_return(actor=w.staff, suggestion=s, reason="请补充小区名单和测温数据。")
    assert "请补充小区名单和测温数据。" in text(c.get(reverse("suggestions:edit", args=[s.pk])))
    assert "请补充小区名单和测温数据。" in text(c.get(reverse("suggestions:detail", args=[s.pk])))
    # Another deputy cannot find it; a co-signer may read it but not edit it.
    assert client_for(deputy_b).get(reverse("suggestions:edit", args=[s.pk])).status_code == 404
    assert client_for(deputy_b).post(reverse("suggestions:edit", args=[s.pk]), data).status_code == 404
    drafting.signer_invite(actor=w.deputy, suggestion=s, mandate=w.co_mandate)
    assert client_for(w.cosigner).get(reverse("suggestions:edit", args=[s.pk])).status_code == 403


# --- submitting, the motion's co-signers, withdrawing -----------------------------------------------
def test_submit_and_withdraw(w, deputy_b):
    s = w.draft()
    c = client_for(w.deputy)
    assert client_for(deputy_b).post(reverse("suggestions:submit", args=[s.pk])).status_code == 404
    response = c.post(reverse("suggestions:submit", args=[s.pk]), follow=True)
    s.refresh_from_db()
    assert s.state == State.SUBMITTED and events_of(s, "suggestion.submit").count() == 1
    assert response.status_code == 200

    assert client_for(deputy_b).post(reverse("suggestions:withdraw", args=[s.pk])).status_code == 404
    c.post(reverse("suggestions:withdraw", args=[s.pk]), {"reason": "与其他建议重复"})
    s.refresh_from_db()
    assert s.state == State.WITHDRAWN
    assert events_of(s, "suggestion.withdraw").get().note == "与其他建议重复"

    # Once accepted it can no longer be withdrawn: the refusal is on the page, nothing changes.
    other = accepted(w, title="关于另一件事情的建议")
    refused = c.post(reverse("suggestions:withdraw", args=[other.pk]), follow=True)
    other.refresh_from_db()
    assert other.state == State.ACCEPTED
    assert refused.status_code == 200
    says(
        refused,
        "“%(step)s” is not possible while the suggestion is “%(state)s”.",
        step=Step.WITHDRAW.label,
        state=State.ACCEPTED.label,
    )


def test_a_motion_without_its_cosigners_is_offered_as_a_suggestion(w):
    CongressSetting.objects.update_or_create(
        congress=w.city, key="motion_cosigner_minimum", defaults={"value": 2}
    )
    s = w.draft(kind=Suggestion.Kind.MOTION)
    c = client_for(w.deputy)
    response = c.post(reverse("suggestions:submit", args=[s.pk]), follow=True)
    page = text(response)
    s.refresh_from_db()
    assert s.state == State.DRAFT
    says(
        response,
        "A motion needs %(minimum)s confirmed co-signers; it has %(have)s. "
        "Wait for more confirmations, or submit it as a suggestion.",
        minimum=2,
        have=0,
    )
    assert reverse("suggestions:submit_as_suggestion", args=[s.pk]) in page

    c.post(reverse("suggestions:submit_as_suggestion", args=[s.pk]))
    s.refresh_from_db()
    assert (s.kind, s.state) == (Suggestion.Kind.SUGGESTION, State.SUBMITTED)
    assert events_of(s, "suggestion.updated").get().payload == {"changed": ["kind"]}
    assert events_of(s, "suggestion.submit").count() == 1


# --- co-signers -----------------------------------------------------------------------------------
def test_the_author_invites_a_cosigner_who_confirms_from_their_own_account(w, deputy_b):
    CongressSetting.objects.update_or_create(
        congress=w.city, key="motion_cosigner_minimum", defaults={"value": 1}
    )
    s = w.draft(kind=Suggestion.Kind.MOTION)
    c = client_for(w.deputy)
    name = w.co_mandate.person.name
    found = text(c.get(reverse("suggestions:cosigners", args=[s.pk]), {"q": name}))
    assert name in found and f'value="{w.co_mandate.pk}"' in found
    # deputy_b sits in 西岭区 only: not found among the city's deputies, and refused if posted anyway.
    b_mandate = Mandate.objects.current().get(person=deputy_b.person)
    assert f'value="{b_mandate.pk}"' not in text(
        c.get(reverse("suggestions:cosigners", args=[s.pk]), {"q": deputy_b.person.name})
    )
    wrong = c.post(reverse("suggestions:cosigners", args=[s.pk]), {"mandate": b_mandate.pk}, follow=True)
    says(wrong, "Co-signers must be serving deputies of the same congress.")
    assert not s.signers.filter(mandate=b_mandate).exists()

    c.post(reverse("suggestions:cosigners", args=[s.pk]), {"mandate": w.co_mandate.pk})
    signer = s.signers.get(mandate=w.co_mandate)
    assert signer.role == Signer.Role.COSIGNER and not signer.confirmed_at
    assert events_of(s, "suggestion.signer_invited").get().payload == {"mandate": w.co_mandate.pk}
    again = c.post(reverse("suggestions:cosigners", args=[s.pk]), {"mandate": w.co_mandate.pk}, follow=True)
    says(again, "This deputy is already on the suggestion.")
    assert s.signers.filter(mandate=w.co_mandate).count() == 1

    # The invited deputy sees it on the home page and on the suggestion's page, and confirms.
    co = client_for(w.cosigner)
    assert reverse("suggestions:mine") + "?show=invitations" in text(co.get(reverse("home")))
    assert s.title in text(co.get(reverse("suggestions:mine"), {"show": "invitations"}))
    detail = text(co.get(reverse("suggestions:detail", args=[s.pk])))
    assert reverse("suggestions:cosign", args=[s.pk]) in detail
    # Neither the author nor an outsider can answer for them.
    assert c.post(reverse("suggestions:cosign", args=[s.pk]), {"answer": "confirm"}).status_code == 403
    assert (
        client_for(deputy_b)
        .post(reverse("suggestions:cosign", args=[s.pk]), {"answer": "confirm"})
        .status_code
        == 404
    )
    co.post(reverse("suggestions:cosign", args=[s.pk]), {"answer": "confirm"})
    signer.refresh_from_db()
    assert signer.confirmed_at and events_of(s, "suggestion.signer_confirmed").count() == 1
    twice = co.post(reverse("suggestions:cosign", args=[s.pk]), {"answer": "decline"}, follow=True)
    says(twice, "You have already answered this invitation.")
    signer.refresh_from_db()
    assert signer.declined_at is None

    # With its co-signer the motion goes in as a motion; the outsider cannot see the co-signer page.
    assert client_for(deputy_b).get(reverse("suggestions:cosigners", args=[s.pk])).status_code == 404
    c.post(reverse("suggestions:submit", args=[s.pk]))
    s.refresh_from_db()
    assert (s.state, s.kind) == (State.SUBMITTED, Suggestion.Kind.MOTION)


def test_an_invited_deputy_may_decline(w):
    s = w.draft()
    drafting.signer_invite(actor=w.deputy, suggestion=s, mandate=w.co_mandate)
    client_for(w.cosigner).post(reverse("suggestions:cosign", args=[s.pk]), {"answer": "decline"})
    assert s.signers.get(mandate=w.co_mandate).declined_at
    assert events_of(s, "suggestion.signer_declined").count() == 1


# --- attachments ----------------------------------------------------------------------------------
def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def docx_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def test_the_author_uploads_materials_that_only_readers_can_download(w, deputy_b):
    s = w.draft()
    c = client_for(w.deputy)
    url = reverse("suggestions:materials", args=[s.pk])
    response = c.post(url, {"file": upload("调研报告.pdf", PDF)})
    assert response.status_code == 302
    a = s.attachments.get()
    assert (a.name, a.kind, a.size, a.content_type) == (
        "调研报告.pdf",
        "material",
        len(PDF),
        "application/pdf",
    )
    assert "调研报告" not in a.file.name  # stored under a random name
    assert events_of(s, "suggestion.attachment_added").get().payload["attachment"] == a.pk
    c.post(url, {"file": upload("数据.docx", docx_bytes())})
    assert s.attachments.count() == 2

    download = c.get(reverse("suggestions:attachment", args=[a.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content) == PDF
    # Another deputy, and the office while it is a draft, cannot fetch it; there is no public media URL.
    assert client_for(deputy_b).get(reverse("suggestions:attachment", args=[a.pk])).status_code == 404
    assert client_for(w.staff).get(reverse("suggestions:attachment", args=[a.pk])).status_code == 404
    assert client_for(deputy_b).post(url, {"file": upload("x.pdf", PDF)}).status_code == 404
    drafting.suggestion_submit(actor=w.deputy, suggestion=s)
    assert client_for(w.staff).get(reverse("suggestions:attachment", args=[a.pk])).status_code == 200


@pytest.mark.parametrize(
    "name, content, msgid, params",
    [
        # a type not accepted
        ("程序.exe", b"MZ\x90\x00", "Only these files are accepted: %(types)s.", {"types": ALLOWED_LABEL}),
        # the extension lies about the content
        ("伪装.pdf", PNG, CONTENT_REFUSED, {"ext": "pdf"}),
        ("伪装.docx", b"PK\x03\x04not really a zip", CONTENT_REFUSED, {"ext": "docx"}),
        ("空.pdf", b"", "The submitted file is empty.", {}),
    ],
)
def test_files_of_the_wrong_type_or_content_are_refused(w, name, content, msgid, params):
    s = w.draft()
    response = client_for(w.deputy).post(
        reverse("suggestions:materials", args=[s.pk]), {"file": upload(name, content)}
    )
    assert response.status_code == 200
    says(response, msgid, **params)
    assert not s.attachments.exists() and not events_of(s, "suggestion.attachment_added").exists()


def test_the_attachment_service_checks_size_state_and_right(w):
    s = w.draft()
    big = upload("大文件.pdf", b"%PDF-" + b"0" * MAX_SIZE)
    with pytest.raises(ServiceError) as exc:
        attachment_add(actor=w.deputy, suggestion=s, file=big, kind="material")
    assert exc.value.code == "file_too_large"
    with pytest.raises(ServiceError) as exc:
        attachment_add(actor=w.cosigner, suggestion=s, file=upload("a.pdf", PDF), kind="material")
    assert exc.value.code == "not_permitted"
    with pytest.raises(ServiceError) as exc:
        attachment_add(actor=w.handler, suggestion=s, file=upload("a.pdf", PDF), kind="letter")
    assert exc.value.code == "not_permitted"

    s = replied(w)
    with pytest.raises(ServiceError) as exc:
        attachment_add(actor=w.deputy, suggestion=s, file=upload("a.pdf", PDF), kind="material")
    assert exc.value.code == "not_editable"
    # The lead unit's letter (another helper's page reuses the service); a co-unit may not send it.
    letter = attachment_add(actor=w.handler, suggestion=s, file=upload("答复函.pdf", PDF), kind="letter")
    assert letter.kind == Attachment.Kind.LETTER
    with pytest.raises(ServiceError) as exc:
        attachment_add(actor=w.handler_b, suggestion=s, file=upload("答复函.pdf", PDF), kind="letter")
    assert exc.value.code == "not_permitted"
    assert attachment_add(actor=w.handler_b, suggestion=s, file=upload("照片.png", PNG), kind="evidence")
    # Once submitted, the page refuses more materials with the reason.
    page = client_for(w.deputy).post(
        reverse("suggestions:materials", args=[s.pk]), {"file": upload("a.pdf", PDF)}, follow=True
    )
    says(page, "Materials can be added only while the suggestion is a draft or returned for revision.")
    assert not s.attachments.filter(kind="material").exists()


# --- the suggestion page and evaluation -------------------------------------------------------------
def test_the_deputy_follows_every_step_and_rates_the_reply(w, deputy_b):
    s = replied(w)
    c = client_for(w.deputy)
    page = text(c.get(reverse("suggestions:detail", args=[s.pk])))
    lead = s.assignments.get(role="lead")
    assert w.unit.name in page or str(w.unit) in page
    assert lead.reply_due.isoformat() in page  # the unit's due date
    assert "代表希望今冬前完成改造" in page  # the face-to-face consultation
    assert replies.evaluation_due(replies.current_reply(s)).isoformat() in page  # the window's end
    assert reverse("suggestions:evaluate", args=[s.pk]) in page
    assert "suggestion.submit" not in page.split('id="deputy-panel"')[1].split("</section>")[0]

    url = reverse("suggestions:evaluate", args=[s.pk])
    assert client_for(deputy_b).post(url, {"rating": "satisfied"}).status_code == 404
    assert client_for(w.staff).post(url, {"rating": "satisfied"}).status_code == 403
    missing = c.post(url, {"rating": "dissatisfied", "comment": ""})
    assert missing.status_code == 200
    says(missing, "Say what is unsatisfactory, so the unit can act on it.")
    assert re.search(r"value=\"dissatisfied\"[^>]*checked", text(missing))  # the choice is kept
    assert not Evaluation.objects.filter(reply__suggestion=s).exists()

    assert c.post(url, {"rating": "basic", "comment": "总体满意"}).status_code == 302
    e = Evaluation.objects.get(reply__suggestion=s)
    assert (e.rating, e.comment, e.mandate) == ("basic", "总体满意", w.mandate)
    assert events_of(s, "suggestion.evaluate").get().payload["rating"] == "basic"
    s.refresh_from_db()
    assert s.state == State.CLOSED
    after = text(c.get(reverse("suggestions:detail", args=[s.pk])))
    assert reverse("suggestions:evaluate", args=[s.pk]) + '"' not in after
    again = c.post(url, {"rating": "satisfied"}, follow=True)
    says(again, "There is nothing for you to evaluate on this suggestion now.")
    assert Evaluation.objects.filter(reply__suggestion=s).count() == 1


def test_a_promise_reply_shows_the_promised_work_for_both_evaluations(w):
    s = replied(w, result_code="B", promised_work="完成幸福里小区管网改造", promised_by=dt.date(2027, 10, 31))
    c = client_for(w.deputy)
    page = text(c.get(reverse("suggestions:detail", args=[s.pk])))
    assert "完成幸福里小区管网改造" in page and "2027-10-31" in page
    c.post(reverse("suggestions:evaluate", args=[s.pk]), {"rating": "satisfied"})
    s.refresh_from_db()
    assert s.state == State.PROMISED
    lead = s.assignments.get(role="lead")
    replies.promise_report(actor=w.handler, assignment=lead, text="幸福里小区管网改造已完工并通过验收。")
    page = text(c.get(reverse("suggestions:evaluate", args=[s.pk])))
    assert "幸福里小区管网改造已完工并通过验收。" in page
    c.post(reverse("suggestions:evaluate", args=[s.pk]), {"rating": "satisfied"})
    s.refresh_from_db()
    assert s.state == State.CLOSED
    assert Evaluation.objects.filter(reply__suggestion=s, stage="promise").count() == 1
