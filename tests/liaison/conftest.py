"""Shared pieces of the liaison tests: demo accounts, a fresh member of 南港区 (a congress the demo leaves
without contacts, so counts there are exact), and a logged-in client."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from lvzhi.liaison.contactors import Contactor
from lvzhi.liaison.models import Side
from lvzhi.org.models import Committee, CommitteeMembership, Congress, Mandate, User
from lvzhi.org.roles import Role
from tests.factories import UserFactory, grant

SOUTH = "南港区人民代表大会"


def user(username: str) -> User:
    return User.objects.get(username=username)


def login(account) -> Client:
    client = Client()
    client.force_login(account)
    return client


@pytest.fixture
def south():
    return Congress.objects.get(name=SOUTH)


@pytest.fixture
def south_staff(south):
    account = UserFactory(username="south_staff", congress=south)
    grant(account, Role.STAFF, south)
    return account


@pytest.fixture
def south_member(south):
    """A standing-committee member of 南港区 with an account and the sc_member role."""
    seat = (
        CommitteeMembership.objects.filter(
            committee__congress=south, committee__kind=Committee.Kind.STANDING, end_date__isnull=True
        )
        .exclude(person__account__isnull=False)
        .order_by("pk")
        .first()
    )
    account = UserFactory(username="south_member", congress=south, person=seat.person)
    grant(account, Role.SC_MEMBER, south)
    return account


@pytest.fixture
def south_contactor(south, south_member):
    return Contactor(Side.MEMBER, south, member=south_member.person)


@pytest.fixture
def south_deputies(south, south_member):
    """Serving deputies of 南港区 who sit on no committee, oldest first."""
    seated = CommitteeMembership.objects.filter(committee__congress=south).values("person_id")
    return list(
        Mandate.objects.current()
        .filter(congress=south, start_date__lte=timezone.localdate() - dt.timedelta(days=400))
        .exclude(person_id__in=seated)
        .select_related("person", "congress")
        .order_by("pk")[:8]
    )
