"""Personal data on the deputy pages: masked for everyone, shown in full on request (recorded), and a person's
details kept by the congress that registered them."""

import datetime as dt

import pytest
from django.urls import reverse

from lvzhi.core.events import PERSONAL_DATA_VIEWED
from lvzhi.core.models import Event
from lvzhi.org.models import Person
from lvzhi.org.services import people
from tests.factories import MandateFactory

from .manage_world import TODAY, build_world

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def w(time_machine):
    time_machine.move_to(TODAY, tick=False)
    world = build_world()
    Person.objects.filter(pk=world.mandate_a.person_id).update(mobile="13912345678", birth_date=D(1978, 3, 9))
    world.mandate_a.person.refresh_from_db()
    return world


def viewed(person):
    return list(
        Event.objects.filter(kind=PERSONAL_DATA_VIEWED, target_type__model="person", target_id=str(person.pk))
    )


def detail(w):
    return reverse("org:deputy_detail", args=[w.mandate_a.pk])


# --- the deputy page ----------------------------------------------------------------------------


def test_the_managing_staff_see_the_mobile_masked_and_nothing_is_recorded(w):
    html = w.client(w.staff_a).get(detail(w)).content.decode()
    assert "13912345678" not in html and "139****5678" in html
    # The birth date shows as a year until asked for.
    assert "1978-03-09" not in html and "1978-**-**" in html
    assert "Show the full number" in html
    assert viewed(w.mandate_a.person) == []


def test_showing_the_full_number_shows_it_and_records_a_security_event(w):
    page = w.client(w.staff_a).post(detail(w), {"reveal": "1"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "13912345678" in html and "1978-03-09" in html
    [event] = viewed(w.mandate_a.person)
    assert event.is_security and event.actor == w.staff_a
    assert event.payload == {"person": w.mandate_a.person_id, "fields": ["mobile", "birth_date"]}
    assert "13912345678" not in str(event.payload)


def test_a_person_without_a_birth_date_reveals_the_mobile_only(w):
    Person.objects.filter(pk=w.mandate_a.person_id).update(birth_date=None)
    w.client(w.staff_a).post(detail(w), {"reveal": "1"})
    [event] = viewed(w.mandate_a.person)
    assert event.payload == {"person": w.mandate_a.person_id, "fields": ["mobile"]}


def test_readers_who_do_not_manage_the_deputy_cannot_show_the_number(w):
    # City staff and the chair read the deputy but do not manage them: no button, and a POST is refused.
    for reader in (w.city_staff, w.chair_a):
        html = w.client(reader).get(detail(w)).content.decode()
        assert "139****5678" in html and "Show the full number" not in html and "1978" not in html
        page = w.client(reader).post(detail(w), {"reveal": "1"})
        assert page.status_code == 403
    # A sibling does not even find the deputy.
    assert w.client(w.staff_b).post(detail(w), {"reveal": "1"}).status_code == 404
    assert viewed(w.mandate_a.person) == []


def test_the_edit_form_shows_the_number_so_opening_it_is_recorded(w):
    page = w.client(w.staff_a).get(reverse("org:deputy_edit", args=[w.mandate_a.pk]))
    assert page.status_code == 200 and 'value="13912345678"' in page.content.decode()
    [event] = viewed(w.mandate_a.person)
    assert event.actor == w.staff_a and event.payload["fields"] == ["mobile", "birth_date"]


def test_an_edit_form_without_personal_data_records_nothing(w):
    Person.objects.filter(pk=w.mandate_a.person_id).update(mobile="", birth_date=None)
    assert w.client(w.staff_a).get(reverse("org:deputy_edit", args=[w.mandate_a.pk])).status_code == 200
    assert viewed(w.mandate_a.person) == []


# --- a person registered by another congress --------------------------------------------------


@pytest.fixture
def city_person(w):
    """A person the city registered, who is also a deputy of the township below district A."""
    city_mandate = MandateFactory(
        congress=w.city, term=w.term_city, person__congress=w.city, person__name="赵城市"
    )
    person = city_mandate.person
    Person.objects.filter(pk=person.pk).update(mobile="13800001111", occupation="", birth_date=None)
    town_mandate = MandateFactory(congress=w.town_a, term=w.term_town, person=person)
    return town_mandate


def town_staff(w):
    from lvzhi.org.roles import Role
    from tests.factories import UserFactory, grant

    user = UserFactory(congress=w.town_a)
    grant(user, Role.STAFF, w.town_a)
    return user


def edit_data(mandate, **overrides):
    data = {
        "name": "改过的名字",
        "gender": "M",
        "birth_date": "1970-01-01",
        "ethnicity": "汉族",
        "party": "",
        "occupation": "某镇卫生院院长",
        "mobile": "13700009999",
        "start_date": mandate.start_date.isoformat(),
        "fields": [],
    }
    data.update(overrides)
    return data


def test_township_staff_fill_in_blank_details_of_a_city_registered_person_but_change_nothing_else(
    w, city_person
):
    staff = town_staff(w)
    url = reverse("org:deputy_edit", args=[city_person.pk])
    form_page = w.client(staff).get(url).content.decode()
    assert "This person was registered by" in form_page
    page = w.client(staff).post(url, edit_data(city_person, is_grassroots="on"))
    assert page.status_code == 302
    person = Person.objects.get(pk=city_person.person_id)
    # Kept: what the city registered.
    assert (person.name, person.mobile) == ("赵城市", "13800001111")
    # Filled in: what was blank.
    assert person.occupation == "某镇卫生院院长" and person.birth_date == D(1970, 1, 1)
    city_person.refresh_from_db()
    assert city_person.is_grassroots  # the township's own mandate is theirs to change


def test_the_service_keeps_a_foreign_persons_details_whatever_it_is_sent(w, city_person):
    staff = town_staff(w)
    people.deputy_update(
        actor=staff,
        mandate=city_person,
        person_data={"name": "改过的名字", "mobile": "13700009999", "occupation": "院长"},
        start_date=city_person.start_date,
    )
    person = Person.objects.get(pk=city_person.person_id)
    assert (person.name, person.mobile, person.occupation) == ("赵城市", "13800001111", "院长")
    [event] = Event.objects.filter(kind="mandate.updated", target_id=str(city_person.pk))
    assert event.payload["person_fields"] == ["occupation"]
    assert event.payload["person_fields_kept"] == ["mobile", "name"]


def test_the_registering_congress_still_corrects_its_persons_details(w, city_person):
    people.deputy_update(
        actor=w.city_staff,
        mandate=city_person.person.mandates.get(congress=w.city),
        person_data={"name": "赵更正", "mobile": "13700009999"},
        start_date=w.term_city.start_date,
    )
    person = Person.objects.get(pk=city_person.person_id)
    assert (person.name, person.mobile) == ("赵更正", "13700009999")


def test_a_full_width_mobile_is_stored_in_ascii_digits_and_an_odd_one_refused(w):
    from lvzhi.core.errors import ServiceError

    people.deputy_update(
        actor=w.staff_a,
        mandate=w.mandate_a,
        person_data={"name": "林晓红", "mobile": "１３９ ００００ ０２２２"},
        start_date=w.mandate_a.start_date,
    )
    assert Person.objects.get(pk=w.mandate_a.person_id).mobile == "13900000222"
    with pytest.raises(ServiceError) as err:
        people.deputy_update(
            actor=w.staff_a,
            mandate=w.mandate_a,
            person_data={"name": "林晓红", "mobile": "1३९००००0222"},  # Devanagari digits are \d too
            start_date=w.mandate_a.start_date,
        )
    assert err.value.code == "bad_mobile"
