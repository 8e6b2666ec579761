"""Citizens apply to observe from the public page (no sign-in): the checks (ID card number, closing day, places,
duplicates, honeypot, hourly limit), what the public pages never show, and the office's side: masked lists,
the recorded reveal, the decision with a reason, the printable list and the Excel file."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from lvzhi.core.errors import ServiceError
from lvzhi.core.models import Event
from lvzhi.meetings.checks import clean_id_number, id_check_char, mask_id_number
from lvzhi.meetings.models import ObserverApplication
from lvzhi.meetings.services.observers import observer_apply, observer_decide

from .conftest import MEETING_DAY, client_of, plan


def id_number(born: str = "19850312", seq: str = "123", region: str = "370302") -> str:
    first = region + born + seq
    return first + id_check_char(first)


GOOD = {
    "name": "李华",
    "id_number": id_number(),
    "phone": "13912345678",
    "employer": "示范市第一中学",
    "reason": "想了解常委会如何审议",
    "consent": "on",
    "website": "",
}


@pytest.fixture
def meeting(world):
    return plan(
        world,
        observers_open=True,
        observer_capacity=2,
        observer_closes_on=dt.date(2026, 6, 12),
        observer_notes="请携带身份证",
    )


def apply(meeting, **overrides):
    data = {**GOOD, **overrides}
    return observer_apply(
        meeting=meeting,
        name=data["name"],
        id_number=data["id_number"],
        phone=data["phone"],
        employer=data["employer"],
        reason=data["reason"],
        consent=bool(data["consent"]),
        honeypot=data["website"],
    )


def test_id_card_numbers_are_checked():
    assert clean_id_number(GOOD["id_number"].lower()) == GOOD["id_number"]
    assert clean_id_number("３７０３０２" + GOOD["id_number"][6:]) == GOOD["id_number"]  # full-width digits
    for bad, code in (
        ("", "required"),
        ("37030219850312123", "id_format"),
        ("37030219851312123X", "id_birth_date"),
        (GOOD["id_number"][:17] + ("0" if GOOD["id_number"][17] != "0" else "1"), "id_check_digit"),
        (id_number(born="20150101"), "too_young"),
    ):
        with pytest.raises(ServiceError) as exc:
            clean_id_number(bad)
        assert exc.value.code == code and exc.value.field == "id_number"
    assert mask_id_number("37030219850312123X") == "370***********123X"


def test_a_citizen_applies_and_follows_the_receipt(world, meeting):
    c = Client()
    listing = c.get("/public/meetings/")
    assert listing.status_code == 200 and meeting.title in listing.content.decode()
    page = c.get(f"/public/meetings/{meeting.pk}/")
    assert page.status_code == 200 and "报名旁听" in page.content.decode()
    response = c.post(f"/public/meetings/{meeting.pk}/", GOOD)
    assert response.status_code == 302
    receipt = c.get(response["Location"])
    body = receipt.content.decode()
    app = ObserverApplication.objects.get(meeting=meeting)
    assert app.number in body and "李*" in body and "待审核" in body
    # The public pages never show the identity details.
    for text in (body, c.get(f"/public/meetings/{meeting.pk}/").content.decode(), listing.content.decode()):
        assert GOOD["id_number"] not in text and GOOD["phone"] not in text and "李华" not in text
    assert receipt["X-Robots-Tag"] == "noindex, nofollow"
    event = Event.objects.get(kind="meetings.observer_applied", target_id=str(app.pk))
    assert (
        event.actor is None
        and "李华" not in str(event.payload)
        and GOOD["id_number"] not in str(event.payload)
    )
    # The office is told.
    assert world.staff.notifications.filter(subject__contains=app.number).exists()


def test_bad_input_keeps_what_was_typed(world, meeting):
    c = Client()
    response = c.post(
        f"/public/meetings/{meeting.pk}/",
        {**GOOD, "id_number": "37030219850312123", "phone": "12345", "consent": ""},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "居民身份证号码为18位" in body
    assert "请填写中国大陆手机号" in body or "手机" in body
    assert "请勾选同意" in body
    assert 'value="李华"' in body and 'value="示范市第一中学"' in body and 'value="37030219850312123"' in body
    assert not ObserverApplication.objects.filter(meeting=meeting).exists()


def test_closing_day_places_and_duplicates(world, meeting, time_machine):
    apply(meeting)
    with pytest.raises(ServiceError) as exc:
        apply(meeting, name="李华", phone="13900000000")
    assert exc.value.code == "duplicate"
    second = apply(meeting, name="王芳", id_number=id_number(seq="456")).application
    third = apply(meeting, name="赵强", id_number=id_number(seq="789")).application
    first = ObserverApplication.objects.get(meeting=meeting, name="李华")
    observer_decide(actor=world.staff, application=first, approve=True)
    observer_decide(actor=world.staff, application=second, approve=True)
    with pytest.raises(ServiceError) as exc:
        observer_decide(actor=world.staff, application=third, approve=True)
    assert exc.value.code == "full"
    with pytest.raises(ServiceError) as exc:
        apply(meeting, name="钱多", id_number=id_number(seq="321"))
    assert exc.value.code == "closed" and "名额已满" in exc.value.message
    # A place freed, but the closing day passed.
    observer_decide(actor=world.staff, application=second, approve=False, note="单位统一安排调整")
    time_machine.move_to(dt.datetime(2026, 6, 13, 9, 0), tick=False)
    with pytest.raises(ServiceError) as exc:
        apply(meeting, name="钱多", id_number=id_number(seq="321"))
    assert exc.value.code == "closed" and "2026-06-12" in exc.value.message
    page = Client().get(f"/public/meetings/{meeting.pk}/").content.decode()
    assert "报名已于2026-06-12截止" in page and 'name="id_number"' not in page


def test_a_double_tap_keeps_one_application(world, meeting):
    from lvzhi.opinions.abuse import Client as Who

    who = Who(ip_hash="ip1", cookie_hash="c1")
    kwargs = {k: v for k, v in GOOD.items() if k not in ("consent", "website")}
    one = observer_apply(meeting=meeting, consent=True, client=who, **kwargs)
    two = observer_apply(meeting=meeting, consent=True, client=who, **kwargs)
    assert two.duplicate and two.application == one.application and two.receipt != one.receipt
    assert ObserverApplication.objects.filter(meeting=meeting).count() == 1


def test_the_honeypot_and_the_hourly_limit(world, meeting, settings):
    response = Client().post(f"/public/meetings/{meeting.pk}/", {**GOOD, "website": "http://spam"})
    assert response.status_code == 200 and "提交未被接受" in response.content.decode()
    settings.LVZHI_OBSERVE_PER_ADDRESS_PER_HOUR = 2
    c = Client()
    for seq in ("111", "222"):
        assert (
            c.post(f"/public/meetings/{meeting.pk}/", {**GOOD, "id_number": id_number(seq=seq)}).status_code
            == 302
        )
    response = c.post(f"/public/meetings/{meeting.pk}/", {**GOOD, "id_number": id_number(seq="333")})
    assert response.status_code == 429 and "请稍后再试" in response.content.decode()


def test_meetings_not_open_to_observers_are_not_public(world):
    closed = plan(world, title="不接受旁听的会议")
    assert Client().get(f"/public/meetings/{closed.pk}/").status_code == 404
    assert "不接受旁听的会议" not in Client().get("/public/meetings/").content.decode()
    assert Client().get("/public/meetings/receipt/not-a-real-receipt-key/").status_code == 404


def test_the_office_reads_masked_reveals_on_record_and_decides(world, meeting):
    done = apply(meeting)
    app = done.application
    c = client_of(world.staff)
    listing = c.get("/meetings/applications/", {"meeting": meeting.pk}).content.decode()
    assert "李华" in listing and "370***********" in listing and "139****5678" in listing
    assert GOOD["id_number"] not in listing and GOOD["phone"] not in listing
    page = c.get(f"/meetings/applications/{app.pk}/").content.decode()
    assert GOOD["id_number"] not in page
    revealed = c.post(f"/meetings/applications/{app.pk}/reveal/").content.decode()
    assert GOOD["id_number"] in revealed and GOOD["phone"] in revealed
    assert Event.objects.filter(
        kind="security.personal_data_viewed", target_id=str(app.pk), is_security=True
    ).exists()
    # Turning down needs a reason (the form keeps the page, in Chinese).
    response = c.post(f"/meetings/applications/{app.pk}/decide/", {"decision": "reject", "note": ""})
    assert response.status_code == 400 and "请说明不同意的原因" in response.content.decode()
    response = c.post(f"/meetings/applications/{app.pk}/decide/", {"decision": "reject", "note": "名额已满"})
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.state == "rejected" and app.decision_note == "名额已满"
    receipt = Client().get(f"/public/meetings/receipt/{done.receipt}/").content.decode()
    assert "未获同意" in receipt and "名额已满" in receipt
    c.post(f"/meetings/applications/{app.pk}/decide/", {"decision": "approve", "note": ""})
    app.refresh_from_db()
    assert app.state == "approved"


def test_a_reader_who_does_not_run_the_meeting_reads_everything_masked(world, meeting):
    app = apply(meeting).application
    c = client_of(world.chair)
    listing = c.get("/meetings/applications/", {"meeting": meeting.pk}).content.decode()
    assert "李华" not in listing and "李*" in listing
    assert c.post(f"/meetings/applications/{app.pk}/reveal/").status_code == 403
    assert c.post(f"/meetings/applications/{app.pk}/decide/", {"decision": "approve"}).status_code == 403
    assert c.get(f"/meetings/{meeting.pk}/observers/print/").status_code == 403
    xlsx = c.get("/meetings/applications/", {"meeting": meeting.pk, "format": "xlsx"})
    values = [
        v for row in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True) for v in row
    ]
    assert "李华" not in values and GOOD["id_number"] not in values and GOOD["phone"] not in values
    # A sibling district's office finds nothing.
    other = client_of(world.other_staff)
    assert other.get(f"/meetings/applications/{app.pk}/").status_code == 404
    body = other.get("/meetings/applications/").content.decode()
    assert app.number not in body and "李*" not in body


def test_the_approved_list_prints_and_exports(world, meeting):
    app = apply(meeting).application
    apply(meeting, name="王芳", id_number=id_number(seq="456"))
    observer_decide(actor=world.staff, application=app, approve=True)
    c = client_of(world.staff)
    page = c.get(f"/meetings/{meeting.pk}/observers/print/").content.decode()
    assert "李华" in page and "370***********" in page and "王芳" not in page  # approved only
    assert GOOD["id_number"] not in page and GOOD["phone"] not in page
    pdf = c.get(f"/meetings/{meeting.pk}/observers.pdf")
    assert (
        pdf.status_code == 200
        and pdf.content.startswith(b"%PDF")
        and pdf["Content-Type"] == "application/pdf"
    )
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf.content))
    fonts = str(reader.pages[0]["/Resources"]["/Font"])
    assert fonts  # the CJK font is embedded (or the built-in fallback named)
    xlsx = c.get("/meetings/applications/", {"meeting": meeting.pk, "state": "approved", "format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert [r[2] for r in rows[2:]] == ["李华"]
    assert rows[2][3] == GOOD["id_number"]  # the running office's file carries them in full
    export = Event.objects.get(kind="security.export", payload__list="observer_applications")
    assert export.payload["rows_with_identity"] == 1 and GOOD["id_number"] not in str(export.payload)


def test_meeting_days_show_in_the_public_page(world, meeting):
    body = Client().get(f"/public/meetings/{meeting.pk}/").content.decode()
    assert MEETING_DAY.isoformat() in body and "请携带身份证" in body


def test_identity_details_are_deleted_after_the_retention_time(world, meeting, time_machine):
    from lvzhi.meetings.services.observers import observer_personal_data_purge, observer_reveal

    app = apply(meeting).application
    observer_decide(actor=world.staff, application=app, approve=True)
    assert observer_personal_data_purge(today=dt.date(2026, 7, 1)) == 0  # 16 days after: kept
    assert observer_personal_data_purge(today=dt.date(2026, 7, 16)) == 1
    app.refresh_from_db()
    assert (app.name, app.id_number, app.phone, app.employer) == ("", "", "", "")
    assert app.state == "approved" and app.number.startswith("PT") and app.personal_data_purged_at
    assert Event.objects.filter(kind="meetings.observer_data_purged", target_id=str(app.pk)).exists()
    assert observer_personal_data_purge(today=dt.date(2026, 7, 17)) == 0  # safe to run twice
    with pytest.raises(ServiceError) as exc:
        observer_reveal(actor=world.staff, application=app)
    assert exc.value.code == "purged"
    time_machine.move_to(dt.datetime(2026, 7, 16, 10, 0), tick=False)
    page = client_of(world.staff).get(f"/meetings/applications/{app.pk}/").content.decode()
    assert "保留期满" in page


def test_asking_whether_an_id_number_applied_is_limited_like_applying(world, meeting, settings):
    """The answer "this ID card number has applied already" is the hourly limit's too: a prober trying
    numbers is stopped as an applicant would be, and its refused tries count."""
    apply(meeting)  # someone else's application
    settings.LVZHI_OBSERVE_PER_ADDRESS_PER_HOUR = 2
    c = Client()
    probe = {**GOOD, "name": "试探者", "phone": "13800000000"}
    for _ in range(2):
        response = c.post(f"/public/meetings/{meeting.pk}/", probe)
        assert response.status_code == 200 and "已报名旁听本次会议" in response.content.decode()
    response = c.post(f"/public/meetings/{meeting.pk}/", probe)
    body = response.content.decode()
    assert response.status_code == 429 and "请稍后再试" in body and "已报名旁听本次会议" not in body
    # Nor does a new number get in from there.
    response = c.post(f"/public/meetings/{meeting.pk}/", {**probe, "id_number": id_number(seq="654")})
    assert response.status_code == 429
    assert ObserverApplication.objects.filter(meeting=meeting).count() == 1


def test_a_double_tap_at_the_hourly_limit_still_finds_its_application(world, meeting, settings):
    from lvzhi.opinions.abuse import Client as Who

    settings.LVZHI_OBSERVE_PER_BROWSER_PER_HOUR = 1
    who = Who(ip_hash="ip1", cookie_hash="c1")
    kwargs = {k: v for k, v in GOOD.items() if k not in ("consent", "website")}
    one = observer_apply(meeting=meeting, consent=True, client=who, **kwargs)
    two = observer_apply(meeting=meeting, consent=True, client=who, **kwargs)
    assert two.duplicate and two.application == one.application
    with pytest.raises(ServiceError) as exc:
        observer_apply(meeting=meeting, consent=True, client=who, **{**kwargs, "name": "王芳"})
    assert exc.value.code == "rate_limited"


def test_the_public_list_reads_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def open_meeting(n):
        return plan(
            world,
            title=f"东区人大常委会第{n}次会议",
            agenda=(),
            observers_open=True,
            observer_capacity=2,
            observer_closes_on=dt.date(2026, 6, 12),
        )

    first = open_meeting(30)
    apply(first)
    with CaptureQueriesContext(connection) as one:
        assert Client().get("/public/meetings/").status_code == 200
    for n in range(31, 37):
        m = open_meeting(n)
        apply(m, id_number=id_number(seq=f"{n}1"))
    observer_decide(actor=world.staff, application=first.observer_applications.get(), approve=True)
    with django_assert_max_num_queries(len(one)):
        body = Client().get("/public/meetings/").content.decode()
    assert "东区人大常委会第36次会议" in body and "尚余1个名额" in body


def test_the_public_page_shows_the_notes_for_observers_not_the_deputies_note(world):
    deputies_note = "欢迎列席代表提前调研、准备意见"
    meeting = plan(
        world,
        description=deputies_note,
        observers_open=True,
        observer_capacity=2,
        observer_closes_on=dt.date(2026, 6, 12),
        observer_notes="请携带身份证",
    )
    body = Client().get(f"/public/meetings/{meeting.pk}/").content.decode()
    assert "请携带身份证" in body and deputies_note not in body
    assert deputies_note not in Client().get("/public/meetings/").content.decode()
    # The deputies still read it on their invitation's page (and the office on the meeting's).
    assert deputies_note in client_of(world.staff).get(f"/meetings/{meeting.pk}/").content.decode()
