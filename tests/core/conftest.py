"""People and congresses the core tests share: a city with a district below it, and their offices."""

import pytest
from django.conf import settings

from lvzhi.org.models import Congress
from lvzhi.org.roles import Role
from tests.factories import CongressFactory, UserFactory, grant

SIGNIN_BACKEND = "lvzhi.org.auth.UsernameOrMobileBackend"


@pytest.fixture
def city(db):
    return CongressFactory(level=Congress.Level.CITY)


@pytest.fixture
def district(city):
    return CongressFactory(parent=city, level=Congress.Level.COUNTY)


@pytest.fixture
def sibling(city):
    return CongressFactory(parent=city, level=Congress.Level.COUNTY)


@pytest.fixture
def city_staff(city):
    user = UserFactory(congress=city)
    grant(user, Role.STAFF, city)
    return user


@pytest.fixture
def district_staff(district):
    user = UserFactory(congress=district)
    grant(user, Role.STAFF, district)
    return user


@pytest.fixture
def district_chair(district):
    user = UserFactory(congress=district)
    grant(user, Role.CHAIR, district)
    return user


@pytest.fixture
def sibling_staff(sibling):
    user = UserFactory(congress=sibling)
    grant(user, Role.STAFF, sibling)
    return user


@pytest.fixture
def superuser(db):
    return UserFactory(is_superuser=True, is_staff=True)


@pytest.fixture
def plain_user(db):
    return UserFactory()


@pytest.fixture
def signed_in(client):
    """signed_in(user) -> a test client signed in as that user, reading the pages in English (the
    msgids), so assertions on messages do not depend on the state of the Chinese catalog."""

    def sign_in(user, language="en"):
        client.force_login(user, backend=SIGNIN_BACKEND)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client

    return sign_in
