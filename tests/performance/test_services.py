"""Registering, confirming and rejecting activities; staff's group registration; the source hook.

Each step: what it does, who is refused (with the error code), and the event it records.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lvzhi.core.errors import ServiceError
from lvzhi.core.models import Event, Notification
from lvzhi.org.models import DeputyGroup, GroupMembership
from lvzhi.performance import events, kinds
from lvzhi.performance.models import Activity, Evidence, Participation
from lvzhi.performance.services.activities import (
    activity_register,
    activity_register_for_participants,
    evidence_add,
    participation_confirm,
    participation_reject,
)
from lvzhi.performance.services.common import kind_by_code
from lvzhi.performance.services.sources import activity_record_from_source

from .conftest import PDF, PNG

TODAY = dt.datetime(2026, 1, 10, 10, 0)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(TODAY, tick=False)


def register(w, **over):
    data = {
        "actor": w.a_user,
        "mandate": w.a,
        "kind": kind_by_code(kinds.RESEARCH),
        "date": dt.date(2025, 11, 3),
        "title": "调研老旧小区加装电梯",
        "place": "东湖街道",
        "description": "走访三个小区",
    }
    data.update(over)
    return activity_register(**data)


def test_a_deputy_registers_its_own_activity_with_evidence_and_it_waits(world):
    photo = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    p = register(world, files=[photo])
    assert p.status == Participation.Status.REGISTERED
    assert (p.mandate_id, p.congress_id, p.kind.code, p.date) == (
        world.a.pk,
        world.district.pk,
        "research",
        p.date,
    )
    evidence = Evidence.objects.get(activity=p.activity)
    assert evidence.name == "现场.png" and evidence.content_type == "image/png"
    assert not evidence.file.name.endswith("现场.png")  # stored under a random name
    event = Event.objects.get(kind=events.ACTIVITY_REGISTERED, target_id=str(p.activity_id))
    assert event.actor == world.a_user and event.payload["mandate"] == world.a.pk


@pytest.mark.parametrize(
    ("over", "code", "field"),
    [
        ({"title": "  "}, "required", "title"),
        ({"date": dt.date(2026, 2, 1)}, "future_date", "date"),
        ({"kind": None}, "kind_required", "kind"),
        ({"title": "x" * 121}, "too_long", "title"),
    ],
)
def test_bad_input_is_refused_on_its_field_and_nothing_is_stored(world, over, code, field):
    with pytest.raises(ServiceError) as exc:
        register(world, **over)
    assert (exc.value.code, exc.value.field) == (code, field)
    assert not Activity.objects.filter(congress=world.district).exists()


def test_a_date_before_the_mandate_is_refused(world):
    with pytest.raises(ServiceError) as exc:
        register(world, actor=world.b_user, mandate=world.b, date=dt.date(2025, 3, 1))
    assert exc.value.code == "outside_mandate"


def test_a_renamed_file_is_refused(world):
    fake = SimpleUploadedFile("证明.pdf", b"MZ\x90\x00not a pdf", content_type="application/pdf")
    with pytest.raises(ServiceError) as exc:
        register(world, files=[fake])
    assert (exc.value.code, exc.value.field) == ("file_content", "files")
    assert not Activity.objects.filter(congress=world.district).exists()


def test_motions_are_not_typed_in_they_are_counted_on_submission(world):
    with pytest.raises(ServiceError) as exc:
        register(world, kind=kind_by_code(kinds.SUGGESTION))
    assert exc.value.code == "kind_recorded_by_platform"


def test_a_report_to_the_electors_is_not_typed_in_it_counts_when_its_meeting_is_recorded(world):
    with pytest.raises(ServiceError) as exc:
        register(world, kind=kind_by_code(kinds.REPORT))
    assert exc.value.code == "kind_recorded_by_platform" and "述职会议" in exc.value.message
    assert not Activity.objects.filter(congress=world.district).exists()


def test_no_one_registers_for_another_deputy(world):
    with pytest.raises(ServiceError) as exc:
        register(world, actor=world.b_user, mandate=world.a)
    assert exc.value.code == "not_your_mandate" and exc.value.status == 403
    with pytest.raises(ServiceError):
        register(world, actor=world.staff, mandate=world.a)


def test_staff_confirm_and_the_event_says_from_to(world):
    p = participation_confirm(actor=world.staff, participation=register(world))
    assert p.status == Participation.Status.CONFIRMED and p.decided_by == world.staff
    e = Event.objects.get(kind=events.PARTICIPATION_CONFIRMED, congress=world.district)
    assert (e.from_state, e.to_state, e.congress_id) == ("registered", "confirmed", world.district.pk)
    with pytest.raises(ServiceError) as exc:
        participation_confirm(actor=world.staff, participation=p)
    assert exc.value.code == "already_decided" and exc.value.status == 409


def test_staff_reject_with_a_reason_and_the_deputy_is_told(world):
    p = register(world)
    with pytest.raises(ServiceError) as exc:
        participation_reject(actor=world.staff, participation=p, reason=" ")
    assert (exc.value.code, exc.value.field) == ("required", "reason")
    p = participation_reject(actor=world.staff, participation=p, reason="缺少活动照片")
    assert p.status == Participation.Status.REJECTED and p.reject_reason == "缺少活动照片"
    note = Notification.objects.get(recipient=world.a_user, cause=f"performance:rejected:{p.pk}")
    assert note.body == "缺少活动照片"
    assert (
        Event.objects.get(kind=events.PARTICIPATION_REJECTED, congress=world.district).note == "缺少活动照片"
    )


def test_who_may_not_decide(world):
    p = register(world)
    for actor in (world.other_staff, world.a_user, world.b_user, world.city_staff):
        with pytest.raises(ServiceError) as exc:
            participation_confirm(actor=actor, participation=p)
        assert exc.value.status == 403, actor
    p.refresh_from_db()
    assert p.status == Participation.Status.REGISTERED


def test_staff_who_is_also_the_deputy_cannot_confirm_its_own(world):
    own = register(world, actor=world.staff_deputy, mandate=world.d)
    with pytest.raises(ServiceError) as exc:
        participation_confirm(actor=world.staff_deputy, participation=own)
    assert exc.value.code == "self_confirm"
    # … but confirms a colleague's.
    assert (
        participation_confirm(actor=world.staff_deputy, participation=register(world)).status == "confirmed"
    )


def test_staff_register_a_group_activity_for_all_members_confirmed(world):
    group = DeputyGroup.objects.create(congress=world.district, name="东湖代表小组")
    for m in (world.a, world.b, world.c):
        GroupMembership.objects.create(group=group, mandate=m)
    activity = activity_register_for_participants(
        actor=world.staff,
        congress=world.district,
        kind=kind_by_code(kinds.GROUP),
        date=dt.date(2025, 5, 20),
        title="小组集中视察",
        group=group,
        files=[SimpleUploadedFile("签到表.pdf", PDF)],
    )
    parts = activity.participations.all()
    # b was not yet a deputy on 20 May 2025: left out.
    assert {p.mandate_id for p in parts} == {world.a.pk, world.c.pk}
    assert {p.status for p in parts} == {"confirmed"}
    assert activity.group == group and activity.evidence.count() == 1
    payload = Event.objects.get(kind=events.GROUP_ACTIVITY_REGISTERED, target_id=str(activity.pk)).payload
    assert sorted(payload["mandates"]) == sorted([world.a.pk, world.c.pk])


def test_group_registration_refusals(world):
    base = {
        "congress": world.district,
        "kind": kind_by_code(kinds.INSPECTION),
        "date": dt.date(2025, 5, 20),
        "title": "视察",
    }
    with pytest.raises(ServiceError) as exc:
        activity_register_for_participants(actor=world.other_staff, mandates=[world.a], **base)
    assert exc.value.code == "not_permitted"
    with pytest.raises(ServiceError) as exc:
        activity_register_for_participants(actor=world.a_user, mandates=[world.a], **base)
    assert exc.value.code == "not_permitted"
    with pytest.raises(ServiceError) as exc:
        activity_register_for_participants(actor=world.staff, mandates=[world.a, world.x], **base)
    assert exc.value.code == "participants_outside"
    with pytest.raises(ServiceError) as exc:
        activity_register_for_participants(actor=world.staff, mandates=[], **base)
    assert exc.value.code == "participants_required"
    assert not Activity.objects.filter(congress=world.district).exists()


def test_evidence_added_later_by_the_deputy_while_it_waits_not_after(world):
    p = register(world)
    evidence_add(actor=world.a_user, activity=p.activity, file=SimpleUploadedFile("a.pdf", PDF))
    participation_confirm(actor=world.staff, participation=p)
    with pytest.raises(ServiceError) as exc:
        evidence_add(actor=world.a_user, activity=p.activity, file=SimpleUploadedFile("b.pdf", PDF))
    assert exc.value.code == "not_permitted"
    evidence_add(actor=world.staff, activity=p.activity, file=SimpleUploadedFile("c.pdf", PDF))
    assert p.activity.evidence.count() == 2


def test_the_source_hook_records_once_confirmed(world):
    source = world.term  # any saved record stands for a source
    day = dt.date(2025, 9, 1)
    first = activity_record_from_source(
        source=source, mandate=world.a, kind=kinds.SUGGESTION, date=day, title="t"
    )
    again = activity_record_from_source(
        source=source, mandate=world.a, kind=kinds.SUGGESTION, date=day, title="t"
    )
    assert first.pk == again.pk and first.status == "confirmed"
    assert Participation.objects.filter(source_type="org.term", source_id=source.pk).count() == 1
    other = activity_record_from_source(source=source, mandate=world.c, kind=kinds.SUGGESTION, date=day)
    assert other.activity_id == first.activity_id  # one activity, a participation per deputy
    assert Event.objects.filter(kind=events.ACTIVITY_RECORDED, target_id=str(first.activity_id)).count() == 2


def test_the_database_refuses_a_second_row_for_the_same_source_and_deputy(world):
    from django.db import IntegrityError, transaction

    p = activity_record_from_source(
        source=world.term, mandate=world.a, kind=kinds.TRAINING, date=dt.date(2025, 1, 5)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.create(
            activity=register(world).activity,
            mandate=world.a,
            congress=world.district,
            kind=p.kind,
            date=p.date,
            source_type="org.term",
            source_id=world.term.pk,
        )
