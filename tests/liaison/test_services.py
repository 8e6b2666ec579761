"""The liaison services: assigning deputies (one, from a list, ending), logging contacts, and what becomes of
an opinion raised (to the opinions store, or the deputy's draft suggestion) — happy paths, refusals, events."""

import datetime as dt

import pytest
from django.utils import timezone

from lvzhi.core.errors import ServiceError
from lvzhi.core.models import Event, Notification
from lvzhi.liaison import events
from lvzhi.liaison.contactors import Contactor
from lvzhi.liaison.models import Assignment, Contact, RaisedOpinion, Side
from lvzhi.liaison.services.assignments import assignment_bulk, assignment_create, assignment_end
from lvzhi.liaison.services.contacts import ContactInput, contact_log, contact_update
from lvzhi.liaison.services.raised import (
    NEXT_OFFICE,
    NEXT_SUGGESTION,
    RaisedInput,
    raised_add,
    raised_draft,
    raised_enter,
    raised_propose,
    raised_request_entry,
    suggestion_draft_of,
)
from lvzhi.opinions.models import Opinion
from lvzhi.org.models import Committee, Mandate
from lvzhi.suggestions.models import Suggestion

from .conftest import user

pytestmark = pytest.mark.django_db


def _events(kind, target):
    return Event.objects.filter(kind=kind, target_id=str(target.pk))


def _assign(staff, contactor, mandates, start=None):
    start = start or timezone.localdate() - dt.timedelta(days=200)
    return [
        assignment_create(actor=staff, contactor=contactor, mandate=m, start_date=start) for m in mandates
    ]


def _data(mandates, **kw):
    values = {
        "date": timezone.localdate() - dt.timedelta(days=3),
        "mode": Contact.Mode.VISIT,
        "topic": "走访了解老旧小区改造进展",
        "place": "代表所在社区",
        "discussed": "听取代表对老旧小区改造的意见，代表反映了加装电梯的难处。",
        "mandates": tuple(mandates),
    }
    values.update(kw)
    return ContactInput(**values)


# --- assignments --------------------------------------------------------------------------------------
def test_staff_assign_a_deputy_to_a_member_and_it_is_recorded(south_staff, south_contactor, south_deputies):
    deputy = south_deputies[0]
    a = assignment_create(
        actor=south_staff, contactor=south_contactor, mandate=deputy, start_date=timezone.localdate()
    )
    assert a.side == Side.MEMBER and a.member == south_contactor.member and a.end_date is None
    assert _events(events.ASSIGNED, a).filter(actor=south_staff).exists()
    with pytest.raises(ServiceError) as exc:
        assignment_create(
            actor=south_staff, contactor=south_contactor, mandate=deputy, start_date=timezone.localdate()
        )
    assert exc.value.code == "already_assigned"


def test_a_member_cannot_assign_deputies_nor_another_congress_s_staff(
    south_member, south_contactor, south_deputies
):
    for actor in (south_member, user("staff_a")):
        with pytest.raises(ServiceError) as exc:
            assignment_create(
                actor=actor,
                contactor=south_contactor,
                mandate=south_deputies[0],
                start_date=timezone.localdate(),
            )
        assert exc.value.status == 403
    assert not Assignment.objects.filter(member=south_contactor.member).exists()


def test_assignment_checks_the_deputy_and_the_start(south_staff, south_contactor, south_deputies):
    other = Mandate.objects.current().filter(congress__name="东湖区人民代表大会").first()
    with pytest.raises(ServiceError) as exc:
        assignment_create(
            actor=south_staff, contactor=south_contactor, mandate=other, start_date=timezone.localdate()
        )
    assert exc.value.code == "deputy_other_congress" and "南港区" in exc.value.message
    with pytest.raises(ServiceError) as exc:
        assignment_create(
            actor=south_staff,
            contactor=south_contactor,
            mandate=south_deputies[0],
            start_date=timezone.localdate() + dt.timedelta(days=400),
        )
    assert exc.value.field == "start_date"
    with pytest.raises(ServiceError) as exc:
        assignment_create(
            actor=south_staff,
            contactor=south_contactor,
            mandate=south_deputies[0],
            start_date=dt.date(2000, 1, 1),
        )
    assert exc.value.code == "start_before_mandate"


def test_bulk_assignment_takes_a_list_whole_or_not_at_all(south_staff, south_contactor, south_deputies):
    names = "\n".join(m.person.name for m in south_deputies[:3])
    with pytest.raises(ServiceError) as exc:
        assignment_bulk(
            actor=south_staff,
            contactor=south_contactor,
            names=names + "\n查无此人",
            start_date=timezone.localdate(),
        )
    assert exc.value.code == "names_unmatched" and "查无此人" in exc.value.message
    assert not Assignment.objects.filter(member=south_contactor.member).exists()
    first = south_deputies[0]
    # A name with the mobile's last four digits, separators of every kind, one already assigned.
    assignment_create(
        actor=south_staff, contactor=south_contactor, mandate=first, start_date=timezone.localdate()
    )
    listed = f"{first.person.name}、{south_deputies[1].person.name} {south_deputies[1].person.mobile[-4:]}，{south_deputies[2].person.name}"
    result = assignment_bulk(
        actor=south_staff, contactor=south_contactor, names=listed, start_date=timezone.localdate()
    )
    assert [m.pk for m in result.already] == [first.pk]
    assert {a.mandate_id for a in result.created} == {south_deputies[1].pk, south_deputies[2].pk}
    assert Event.objects.filter(kind=events.ASSIGNED_BULK, actor=south_staff).exists()


def test_bulk_assignment_refuses_unreadable_and_empty_lists(south_staff, south_contactor):
    for names, code in (
        ("", "names_required"),
        ("张三123456", "names_unreadable"),
        ("\x00", "names_required"),
    ):
        with pytest.raises(ServiceError) as exc:
            assignment_bulk(
                actor=south_staff, contactor=south_contactor, names=names, start_date=timezone.localdate()
            )
        assert exc.value.code == code


def test_committee_staff_assign_to_their_own_committee_only():
    city_committee_b = Committee.objects.get(congress__level="city", name="教育科学文化卫生委员会")
    contactor = Contactor(Side.COMMITTEE, city_committee_b.congress, committee=city_committee_b)
    deputy = (
        Mandate.objects.current()
        .filter(congress=city_committee_b.congress)
        .exclude(liaison_assignments__committee=city_committee_b)
        .first()
    )
    with pytest.raises(ServiceError) as exc:
        assignment_create(
            actor=user("committee_a"), contactor=contactor, mandate=deputy, start_date=timezone.localdate()
        )
    assert exc.value.status == 403
    a = assignment_create(
        actor=user("committee_b"), contactor=contactor, mandate=deputy, start_date=timezone.localdate()
    )
    assert a.committee == city_committee_b and a.side == Side.COMMITTEE


def test_ending_an_assignment(south_staff, south_contactor, south_deputies):
    (a,) = _assign(south_staff, south_contactor, south_deputies[:1])
    today = timezone.localdate()
    with pytest.raises(ServiceError) as exc:
        assignment_end(actor=south_staff, assignment=a, end_date=today + dt.timedelta(days=1))
    assert exc.value.code == "end_in_future"
    with pytest.raises(ServiceError) as exc:
        assignment_end(actor=south_staff, assignment=a, end_date=a.start_date - dt.timedelta(days=1))
    assert exc.value.code == "end_before_start"
    ended = assignment_end(actor=south_staff, assignment=a, end_date=today, note="调整联系对象")
    assert ended.end_date == today and _events(events.ASSIGNMENT_ENDED, a).exists()
    with pytest.raises(ServiceError) as exc:
        assignment_end(actor=south_staff, assignment=a, end_date=today)
    assert exc.value.code == "already_ended"
    # Ended, the deputy can be assigned again.
    assert assignment_create(
        actor=south_staff, contactor=south_contactor, mandate=a.mandate, start_date=today
    )


# --- contacts ---------------------------------------------------------------------------------------
def test_a_member_logs_a_contact_with_its_deputies(
    south_staff, south_member, south_contactor, south_deputies
):
    _assign(south_staff, south_contactor, south_deputies[:3])
    contact = contact_log(actor=south_member, contactor=south_contactor, data=_data(south_deputies[:2]))
    assert contact.member == south_member.person and contact.congress == south_contactor.congress
    assert set(contact.deputies.all()) == set(south_deputies[:2])
    assert _events(events.CONTACT_LOGGED, contact).filter(actor=south_member).exists()
    # A double tap stores one.
    again = contact_log(actor=south_member, contactor=south_contactor, data=_data(south_deputies[:2]))
    assert again.pk == contact.pk


def test_a_contact_refuses_bad_input(south_staff, south_member, south_contactor, south_deputies):
    _assign(south_staff, south_contactor, south_deputies[:2])
    today = timezone.localdate()
    cases = [
        (_data(south_deputies[:1], date=today + dt.timedelta(days=1)), "date_in_future"),
        (_data(south_deputies[:1], date=today - dt.timedelta(days=400)), "date_too_old"),
        (_data(south_deputies[:1], date=None), "date_required"),
        (_data(south_deputies[:1], mode="letter"), "mode_invalid"),
        (_data(south_deputies[:1], topic="  "), "required"),
        (_data(south_deputies[:1], discussed="好"), "too_short"),
        (_data([]), "deputies_required"),
        (_data(south_deputies[2:3]), "deputy_not_assigned"),
        # Before the assignment started, the deputy was not yet the member's.
        (_data(south_deputies[:1], date=today - dt.timedelta(days=300)), "deputy_not_assigned"),
    ]
    for data, code in cases:
        with pytest.raises(ServiceError) as exc:
            contact_log(actor=south_member, contactor=south_contactor, data=data)
        assert exc.value.code == code, (data, exc.value.code)
        assert exc.value.message and not exc.value.message.startswith("liaison")
    assert not Contact.objects.filter(member=south_member.person).exists()


def test_only_the_member_or_the_office_logs_for_a_member(south_staff, south_contactor, south_deputies):
    _assign(south_staff, south_contactor, south_deputies[:1])
    for outsider in ("member_a", "staff_a", "committee_a", "deputy_a"):
        with pytest.raises(ServiceError) as exc:
            contact_log(actor=user(outsider), contactor=south_contactor, data=_data(south_deputies[:1]))
        assert exc.value.status == 403
    # The office logs on the member's behalf.
    assert (
        contact_log(actor=south_staff, contactor=south_contactor, data=_data(south_deputies[:1])).logged_by
        == south_staff
    )


def test_correcting_a_contact_keeps_the_deputies_who_raised_opinions(
    south_staff, south_member, south_contactor, south_deputies
):
    _assign(south_staff, south_contactor, south_deputies[:3])
    contact = contact_log(
        actor=south_member,
        contactor=south_contactor,
        data=_data(south_deputies[:2]),
        opinions=[
            RaisedInput(content="建议增设公交站台遮阳棚。", category="traffic", mandate=south_deputies[1])
        ],
    )
    with pytest.raises(ServiceError) as exc:
        contact_update(actor=south_member, contact=contact, data=_data(south_deputies[:1]))
    assert exc.value.code == "deputy_raised_opinion"
    contact_update(
        actor=south_member, contact=contact, data=_data(south_deputies[1:3], mode=Contact.Mode.CALL)
    )
    contact.refresh_from_db()
    assert contact.mode == Contact.Mode.CALL and set(contact.deputies.all()) == set(south_deputies[1:3])
    changed = _events(events.CONTACT_CHANGED, contact).get()
    assert set(changed.payload["changes"]) == {"mode", "deputies"}


# --- raised opinions -----------------------------------------------------------------------------------
@pytest.fixture
def meeting(south_staff, south_member, south_contactor, south_deputies):
    _assign(south_staff, south_contactor, south_deputies[:2])
    return contact_log(
        actor=south_member,
        contactor=south_contactor,
        data=_data(south_deputies[:2], mode=Contact.Mode.MEETING),
        opinions=[
            RaisedInput(
                content="学校门前车辆乱停，建议增设临时停车区。",
                category="traffic",
                mandate=south_deputies[0],
            ),
            RaisedInput(
                content="社区卫生服务中心夜间缺医生，建议完善值班制度。",
                category="health",
                mandate=south_deputies[1],
                next_step=NEXT_OFFICE,
            ),
        ],
    )


def test_the_member_asks_the_office_and_the_office_enters_it_into_the_opinions_store(
    meeting, south_staff, south_member
):
    kept, asked = meeting.opinions.order_by("pk")
    assert kept.state == RaisedOpinion.State.NOTED and asked.state == RaisedOpinion.State.AWAITING_ENTRY
    assert Notification.objects.filter(recipient=south_staff, cause=f"liaison-entry:{asked.pk}").exists()
    # Only the office enters.
    with pytest.raises(ServiceError) as exc:
        raised_enter(actor=south_member, raised=asked, category=asked.category, content=asked.content)
    assert exc.value.status == 403
    opinion = raised_enter(actor=south_staff, raised=asked, category=asked.category, content=asked.content)
    asked.refresh_from_db()
    assert asked.state == RaisedOpinion.State.ENTERED and asked.opinion == opinion
    assert opinion.source == Opinion.Source.STAFF and opinion.congress == meeting.congress
    assert opinion.content == asked.content and opinion.created_at.date() == meeting.date
    # Linked both ways: the opinion's history names the contact.
    assert _events(events.FROM_CONTACT, opinion).get().payload["contact"] == meeting.pk
    with pytest.raises(ServiceError) as exc:
        raised_enter(actor=south_staff, raised=asked, category=asked.category, content=asked.content)
    assert exc.value.code == "wrong_state"
    # The kept one can be asked for later, by the member.
    raised_request_entry(actor=south_member, raised=kept)
    kept.refresh_from_db()
    assert kept.state == RaisedOpinion.State.AWAITING_ENTRY


def test_an_opinion_proposed_as_a_suggestion_becomes_the_deputy_s_draft(
    meeting, south_member, south_deputies
):
    from tests.factories import UserFactory

    kept = meeting.opinions.order_by("pk").first()
    deputy_account = UserFactory(username="south_deputy", person=south_deputies[0].person)
    raised_propose(actor=south_member, raised=kept)
    kept.refresh_from_db()
    assert kept.state == RaisedOpinion.State.PROPOSED
    assert Notification.objects.filter(recipient=deputy_account, cause=f"liaison-propose:{kept.pk}").exists()
    draft = suggestion_draft_of(kept)
    assert (
        draft["title"].startswith("关于")
        and draft["title"].endswith("的建议")
        and kept.content in draft["body"]
    )
    # Not the member, not another deputy of the contact.
    other = UserFactory(username="south_deputy2", person=south_deputies[1].person)
    for actor in (south_member, other):
        with pytest.raises(ServiceError) as exc:
            raised_draft(actor=actor, raised=kept, **{k: draft[k] for k in ("title", "field", "body")})
        assert exc.value.status == 403
    suggestion = raised_draft(
        actor=deputy_account, raised=kept, **{k: draft[k] for k in ("title", "field", "body")}
    )
    kept.refresh_from_db()
    assert kept.state == RaisedOpinion.State.DRAFTED and kept.suggestion == suggestion
    assert suggestion.state == "draft" and suggestion.author == south_deputies[0]
    assert _events(events.FROM_CONTACT, suggestion).exists()
    assert Suggestion.objects.filter(pk=suggestion.pk).exists()


def test_a_raised_opinion_refuses_bad_input(meeting, south_member, south_deputies):
    cases = [
        (RaisedInput(content="", category="traffic"), "required"),
        (RaisedInput(content="短", category="traffic"), "too_short"),
        (RaisedInput(content="建议加强路灯维护管理。", category="weather"), "category_invalid"),
        (RaisedInput(content="建议加强路灯维护管理。", category="city", next_step="fly"), "next_invalid"),
        (
            RaisedInput(content="建议加强路灯维护管理。", category="city", next_step=NEXT_SUGGESTION),
            "raiser_required",
        ),
        (
            RaisedInput(content="建议加强路灯维护管理。", category="city", mandate=south_deputies[5]),
            "raiser_not_in_contact",
        ),
    ]
    for item, code in cases:
        with pytest.raises(ServiceError) as exc:
            raised_add(actor=south_member, contact=meeting, item=item)
        assert exc.value.code == code
    with pytest.raises(ServiceError) as exc:
        raised_add(
            actor=user("member_a"),
            contact=meeting,
            item=RaisedInput(content="建议加强路灯维护管理。", category="city"),
        )
    assert exc.value.status == 403
