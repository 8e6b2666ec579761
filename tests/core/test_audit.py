"""The audit trail: events refer to people by id and never copy personal data."""

import pytest

from lvzhi.core.audit import changed_fields, record_event, timeline_for
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_event_is_recorded_on_the_records_timeline():
    person, actor = PersonFactory(), UserFactory()
    record_event(actor=actor, kind="person.updated", target=person, payload={"changed": ["occupation"]})
    (event,) = timeline_for(person)
    assert event.actor == actor and event.kind == "person.updated"
    assert event.congress_id == person.congress_id


def test_a_timeline_shows_accounts_without_a_full_name_by_their_person_in_one_query(
    django_assert_num_queries,
):
    # Given a record with thirty events by thirty accounts that have no full name but a person
    record, people = PersonFactory(), []
    for _i in range(30):
        people.append(PersonFactory(congress=record.congress))
        record_event(actor=UserFactory(full_name="", person=people[-1]), kind="person.updated", target=record)
    timeline_for(record).first()  # the content type is cached from here on
    # When the timeline is read with its actors' names, then that is one query
    with django_assert_num_queries(1):
        names = [event.actor.display_name for event in timeline_for(record)]
    assert sorted(names) == sorted(p.name for p in people)


def test_payload_may_not_copy_names_or_phones():
    with pytest.raises(ValueError):
        record_event(actor=None, kind="x", payload={"mobile": "13900000000"})


def test_changes_to_personal_fields_are_recorded_without_their_values():
    person = PersonFactory(name="张三", mobile="13912345678", occupation="教师")
    changes = changed_fields(person, {"name": "李四", "mobile": "13800000000", "occupation": "校长"})
    assert changes == {"name": ["*", "*"], "mobile": ["*", "*"], "occupation": ["教师", "校长"]}
    assert person.name == "李四"
