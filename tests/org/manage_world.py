"""A small congress tree for the tests of the staff pages: a city with two sibling districts and a township.

Built with the factories (the demo city may also be in the database, so tests look only at these rows).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.test import Client

from lvzhi.org.models import Congress, Mandate, Term, User
from lvzhi.org.roles import Role
from tests.factories import CongressFactory, MandateFactory, TermFactory, UserFactory, grant

# Every test of these pages runs on this day: term 17 of the districts is in its fourth year.
TODAY = dt.datetime(2025, 6, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
BACKEND = "lvzhi.org.auth.UsernameOrMobileBackend"


@dataclass
class World:
    city: Congress
    district_a: Congress
    district_b: Congress
    town_a: Congress
    term_city: Term
    term_a: Term
    term_b: Term
    term_town: Term
    city_staff: User
    staff_a: User
    staff_b: User
    chair_a: User
    deputy_a: User
    mandate_a: Mandate
    mandate_b: Mandate
    mandate_town: Mandate
    admin: User

    def client(self, user: User | None) -> Client:
        """A client signed in as `user`, reading English (the msgids), whatever the catalogs hold."""
        client = Client(headers={"accept-language": "en"})
        if user is not None:
            client.force_login(user, backend=BACKEND)
        return client


def build_world() -> World:
    city = CongressFactory(level=Congress.Level.CITY)
    district_a = CongressFactory(parent=city)
    district_b = CongressFactory(parent=city)
    town_a = CongressFactory(parent=district_a, level=Congress.Level.TOWNSHIP, has_standing_committee=False)
    term_city = TermFactory(
        congress=city, number=5, start_date=dt.date(2022, 1, 1), end_date=dt.date(2026, 12, 31)
    )
    term_a = TermFactory(congress=district_a, number=17)
    term_b = TermFactory(congress=district_b, number=17)
    term_town = TermFactory(congress=town_a, number=8)

    def staff(congress, role=Role.STAFF):
        user = UserFactory(congress=congress)
        grant(user, role, congress)
        return user

    mandate_a = MandateFactory(congress=district_a, term=term_a)
    deputy_a = UserFactory(person=mandate_a.person, congress=district_a)
    return World(
        city=city,
        district_a=district_a,
        district_b=district_b,
        town_a=town_a,
        term_city=term_city,
        term_a=term_a,
        term_b=term_b,
        term_town=term_town,
        city_staff=staff(city),
        staff_a=staff(district_a),
        staff_b=staff(district_b),
        chair_a=staff(district_a, Role.CHAIR),
        deputy_a=deputy_a,
        mandate_a=mandate_a,
        mandate_b=MandateFactory(congress=district_b, term=term_b),
        mandate_town=MandateFactory(congress=town_a, term=term_town),
        admin=UserFactory(is_superuser=True, is_staff=True),
    )


def events(kind: str, target=None):
    """Events of one kind (on one target), oldest first."""
    from django.contrib.contenttypes.models import ContentType

    from lvzhi.core.models import Event

    qs = Event.objects.filter(kind=kind)
    if target is not None:
        qs = qs.filter(target_type=ContentType.objects.get_for_model(target), target_id=str(target.pk))
    return list(qs.order_by("occurred_at", "id"))
