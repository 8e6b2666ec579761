"""The briefing services: drafting (checks of the text, the issuer, the recipients and the files), publishing
(recipients resolved by level, group and station: the right people, once each, no one outside), reading (one
receipt, once, with its time; the share recomputed), withdrawing (vanishes for deputies) and reminding."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lvzhi.briefings import events
from lvzhi.briefings.models import Briefing, BriefingFile, Receipt
from lvzhi.briefings.selectors import briefings_visible_to, my_receipts, share, with_counts
from lvzhi.briefings.services.drafts import (
    briefing_create,
    briefing_file_add,
    briefing_file_remove,
    briefing_update,
)
from lvzhi.briefings.services.publishing import briefing_publish, briefing_remind, briefing_withdraw
from lvzhi.briefings.services.reading import briefing_open
from lvzhi.core.errors import ServiceError
from lvzhi.core.models import Event, Notification

from .conftest import pdf

pytestmark = pytest.mark.django_db
NOON = dt.datetime(2026, 3, 2, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def draft(world, *, actor=None, congress=None, **targets):
    return briefing_create(
        actor=actor or world.staff,
        congress=congress or world.district,
        title="关于区政府重点工作进展情况的通报",
        issuer_kind=Briefing.IssuerKind.GOVERNMENT,
        body="区政府重点工作总体进展顺利。",
        **targets,
    )


def people_of(briefing) -> set[str]:
    return set(Receipt.objects.filter(briefing=briefing).values_list("person__name", flat=True))


def events_of(briefing, kind) -> int:
    return Event.objects.filter(kind=kind, target_id=str(briefing.pk)).count()


# --- recipients -------------------------------------------------------------------------------------------
def test_by_level_reaches_the_congress_deputies_only(world):
    b = draft(world, congress_ids=[world.district.pk])
    assert briefing_publish(actor=world.staff, briefing=b) == 3
    # Serving district deputies; not the township's, the city's only, the sibling's, nor the one who left.
    assert people_of(b) == {"甲代表", "乙代表", "两级代表"}
    assert events_of(b, events.PUBLISHED) == 1


def test_by_level_with_the_congresses_below(world):
    b = draft(world, congress_ids=[world.district.pk], include_lower=True)
    briefing_publish(actor=world.staff, briefing=b)
    assert people_of(b) == {"甲代表", "乙代表", "两级代表", "镇代表"}


def test_a_person_with_two_mandates_gets_one_receipt(world):
    b = draft(
        world, actor=world.city_staff, congress=world.city, congress_ids=[world.city.pk], include_lower=True
    )
    briefing_publish(actor=world.city_staff, briefing=b)
    assert people_of(b) == {"甲代表", "乙代表", "两级代表", "镇代表", "外区代表", "市代表"}
    receipt = Receipt.objects.get(briefing=b, person=world.both_city.person)
    assert receipt.mandate == world.both_city  # the briefing's own congress's mandate first
    assert Receipt.objects.filter(briefing=b).count() == 6


def test_by_group_reaches_its_serving_members(world):
    b = draft(world, group_ids=[world.group.pk])
    briefing_publish(actor=world.staff, briefing=b)
    assert people_of(b) == {"甲代表", "乙代表"}


def test_by_station_reaches_the_deputies_of_every_level_entered(world):
    b = draft(world, station_ids=[world.station.pk])
    briefing_publish(actor=world.staff, briefing=b)
    assert people_of(b) == {"甲代表", "市代表"}


def test_several_choices_reach_each_person_once(world):
    b = draft(
        world, congress_ids=[world.district.pk], group_ids=[world.group.pk], station_ids=[world.station.pk]
    )
    assert briefing_publish(actor=world.staff, briefing=b) == 4
    assert people_of(b) == {"甲代表", "乙代表", "两级代表", "市代表"}


def test_publishing_notifies_the_recipients_with_an_account(world):
    b = draft(world, station_ids=[world.station.pk])
    briefing_publish(actor=world.staff, briefing=b)
    notified = set(
        Notification.objects.filter(cause=f"briefings:{b.pk}:published").values_list("recipient", flat=True)
    )
    assert notified == {world.d1_user.pk}  # 市代表 has no account
    assert Notification.objects.get(recipient=world.d1_user).url == f"/briefings/{b.pk}/"


def test_recipients_outside_the_congress_tree_are_refused(world):
    for targets, field in (
        ({"group_ids": [world.other_group.pk]}, "groups"),
        ({"station_ids": [world.other_station.pk]}, "stations"),
        ({"congress_ids": [world.city.pk]}, "congresses"),  # a congress above is outside the tree
        ({"congress_ids": [999999]}, "congresses"),
    ):
        with pytest.raises(ServiceError) as refused:
            draft(world, **targets)
        assert refused.value.code == "target_outside" and refused.value.field == field
    assert not Briefing.objects.filter(congress=world.district).exists()


def test_no_serving_deputy_cannot_be_published(world):
    from lvzhi.org.models import GroupMembership

    GroupMembership.objects.filter(group=world.group).exclude(mandate=world.ended).delete()
    b = draft(world, group_ids=[world.group.pk])
    with pytest.raises(ServiceError) as refused:
        briefing_publish(actor=world.staff, briefing=b)
    assert refused.value.code == "no_recipients"
    b.refresh_from_db()
    assert b.state == "draft" and not b.receipts.exists()


# --- drafting -------------------------------------------------------------------------------------------
def test_a_draft_needs_a_title_a_text_an_issuer_and_recipients(world):
    base = {
        "actor": world.staff,
        "congress": world.district,
        "title": "通报",
        "issuer_kind": "government",
        "body": "正文",
        "congress_ids": [world.district.pk],
    }
    for change, code, field in (
        ({"title": "  "}, "required", "title"),
        ({"body": ""}, "required", "body"),
        ({"issuer_kind": "bank"}, "issuer_required", "issuer_kind"),
        ({"title": "长" * 121}, "too_long", "title"),
        ({"congress_ids": []}, "no_target", "congresses"),
        ({"congress_ids": ["²"]}, "target_unknown", "congresses"),
    ):
        with pytest.raises(ServiceError) as refused:
            briefing_create(**{**base, **change})
        assert (refused.value.code, refused.value.field) == (code, field)
    assert not Briefing.objects.filter(congress=world.district).exists()


def test_the_issuer_name_defaults_to_the_body_of_the_congress(world):
    b = draft(world, actor=world.city_staff, congress=world.city, congress_ids=[world.city.pk])
    assert b.issuer_name == "通报市人民政府"
    b = briefing_create(
        actor=world.city_staff,
        congress=world.city,
        title="法院通报",
        issuer_kind="court",
        body="正文",
        congress_ids=[world.city.pk],
    )
    assert b.issuer_name == "通报市中级人民法院"
    assert events_of(b, events.CREATED) == 1


def test_only_the_congress_office_drafts_and_publishes(world):
    with pytest.raises(ServiceError) as refused:
        draft(world, actor=world.other_staff, congress_ids=[world.district.pk])
    assert refused.value.status == 403
    b = draft(world, congress_ids=[world.district.pk])
    for actor in (world.chair, world.city_staff, world.other_staff, world.d1_user):
        with pytest.raises(ServiceError) as refused:
            briefing_publish(actor=actor, briefing=b)
        assert refused.value.status == 403
    assert Briefing.objects.get(pk=b.pk).state == "draft"


def test_files_are_checked_and_only_drafts_change(world, media):
    b = draft(world, congress_ids=[world.district.pk], files=[pdf()])
    assert b.files.count() == 1
    for bad, code in (
        (SimpleUploadedFile("病毒.exe", b"MZ\x90\x00"), "file_type"),
        (SimpleUploadedFile("假的.pdf", b"GIF89a"), "file_content"),
        (SimpleUploadedFile("空的.pdf", b""), "file_empty"),
        (pdf(data=b"%PDF-" + b"0" * (10 * 1024 * 1024)), "file_too_large"),
    ):
        with pytest.raises(ServiceError) as refused:
            briefing_file_add(actor=world.staff, briefing=b, file=bad)
        assert refused.value.code == code and refused.value.field == "file"
    row = briefing_file_add(actor=world.staff, briefing=b, file=pdf("第二个.pdf"))
    assert row.content_type == "application/pdf" and row.name == "第二个.pdf"
    assert (media / row.file.name).exists() and not row.file.name.endswith("第二个.pdf")
    briefing_file_remove(actor=world.staff, file=row)
    assert not BriefingFile.objects.filter(pk=row.pk).exists()
    assert events_of(b, events.FILE_ADDED) == 1 and events_of(b, events.FILE_REMOVED) == 1
    briefing_update(
        actor=world.staff,
        briefing=b,
        title="新标题",
        issuer_kind="court",
        body="新正文",
        group_ids=[world.group.pk],
    )
    b.refresh_from_db()
    assert b.title == "新标题" and list(b.targets.values_list("kind", flat=True)) == ["group"]
    assert events_of(b, events.CHANGED) == 1
    briefing_publish(actor=world.staff, briefing=b)
    for step in (
        lambda: briefing_file_add(actor=world.staff, briefing=b, file=pdf()),
        lambda: briefing_update(actor=world.staff, briefing=b, title="改", issuer_kind="court", body="改"),
        lambda: briefing_publish(actor=world.staff, briefing=b),
    ):
        with pytest.raises(ServiceError) as refused:
            step()
        assert refused.value.code == "wrong_state"


# --- reading, the share ---------------------------------------------------------------------------------
def test_opening_records_one_receipt_once_and_the_share_rises(world, time_machine):
    time_machine.move_to(NOON, tick=False)
    b = draft(world, congress_ids=[world.district.pk])
    briefing_publish(actor=world.staff, briefing=b)
    counted = with_counts(Briefing.objects.filter(pk=b.pk)).get()
    assert (counted.read_count, counted.recipient_count) == (0, 3)
    first = briefing_open(actor=world.d1_user, briefing=b)
    assert first.read_at is not None
    time_machine.shift(3600)
    again = briefing_open(actor=world.d1_user, briefing=b)
    assert again.read_at == first.read_at  # the first time stays
    assert events_of(b, events.READ) == 1
    counted = with_counts(Briefing.objects.filter(pk=b.pk)).get()
    assert (counted.read_count, counted.recipient_count) == (1, 3)
    assert share(counted.read_count, counted.recipient_count) == 33
    briefing_open(actor=world.both_user, briefing=b)
    counted = with_counts(Briefing.objects.filter(pk=b.pk)).get()
    assert share(counted.read_count, counted.recipient_count) == 66
    # The message that announced it is read too.
    assert Notification.objects.get(recipient=world.d1_user).read_at is not None


def test_someone_not_among_the_recipients_records_nothing(world):
    b = draft(world, group_ids=[world.group.pk])
    briefing_publish(actor=world.staff, briefing=b)
    assert briefing_open(actor=world.x_user, briefing=b) is None
    assert briefing_open(actor=world.staff, briefing=b) is None
    assert not Receipt.objects.filter(briefing=b, read_at__isnull=False).exists()
    assert not briefings_visible_to(user=world.x_user).filter(pk=b.pk).exists()
    assert briefings_visible_to(user=world.d1_user).filter(pk=b.pk).exists()


def test_a_withdrawn_briefing_vanishes_for_deputies(world):
    b = draft(world, congress_ids=[world.district.pk])
    briefing_publish(actor=world.staff, briefing=b)
    with pytest.raises(ServiceError) as refused:
        briefing_withdraw(actor=world.staff, briefing=b, reason=" ")
    assert refused.value.code == "required" and refused.value.field == "reason"
    briefing_withdraw(actor=world.staff, briefing=b, reason="数据有误")
    b.refresh_from_db()
    assert b.state == "withdrawn" and b.withdraw_reason == "数据有误"
    assert not briefings_visible_to(user=world.d1_user).filter(pk=b.pk).exists()
    assert not my_receipts(user=world.d1_user).exists()
    assert briefing_open(actor=world.d1_user, briefing=b) is None
    assert briefings_visible_to(user=world.staff).filter(pk=b.pk).exists()  # the office keeps it
    assert Event.objects.get(kind=events.WITHDRAWN, target_id=str(b.pk)).note == "数据有误"


def test_drafts_are_the_office_s_only(world):
    b = draft(world, congress_ids=[world.district.pk])
    assert not briefings_visible_to(user=world.d1_user).filter(pk=b.pk).exists()
    assert briefings_visible_to(user=world.chair).filter(pk=b.pk).exists()
    assert briefings_visible_to(user=world.city_staff).filter(pk=b.pk).exists()  # read from above
    assert not briefings_visible_to(user=world.other_staff).filter(pk=b.pk).exists()


def test_the_deputy_list_shows_unread_first(world):
    older = draft(world, congress_ids=[world.district.pk])
    briefing_publish(actor=world.staff, briefing=older)
    newer = draft(world, congress_ids=[world.district.pk])
    briefing_publish(actor=world.staff, briefing=newer)
    briefing_open(actor=world.d1_user, briefing=newer)
    assert [r.briefing_id for r in my_receipts(user=world.d1_user)] == [older.pk, newer.pk]


def test_reminding_messages_the_unread_once_a_day(world, time_machine):
    time_machine.move_to(NOON, tick=False)
    b = draft(world, congress_ids=[world.district.pk])
    briefing_publish(actor=world.staff, briefing=b)
    briefing_open(actor=world.d1_user, briefing=b)
    assert briefing_remind(actor=world.staff, briefing=b) == 2  # 乙代表 and 两级代表
    reminded = Notification.objects.filter(cause__contains=f"briefings:{b.pk}:reminder")
    assert set(reminded.values_list("recipient", flat=True)) == {world.d2_user.pk, world.both_user.pk}
    with pytest.raises(ServiceError) as refused:
        briefing_remind(actor=world.staff, briefing=b)
    assert refused.value.code == "reminded_today"
    time_machine.shift(24 * 3600)
    assert briefing_remind(actor=world.staff, briefing=b) == 2
    assert events_of(b, events.REMINDED) == 2
    briefing_open(actor=world.d2_user, briefing=b)
    briefing_open(actor=world.both_user, briefing=b)
    with pytest.raises(ServiceError) as refused:
        briefing_remind(actor=world.staff, briefing=b)
    assert refused.value.code == "all_read"
    with pytest.raises(ServiceError) as refused:
        briefing_remind(actor=world.chair, briefing=b)
    assert refused.value.status == 403
