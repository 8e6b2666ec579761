"""The citizen's side of opinions: a live code of deputy_a (built by the demo city), a tidy media folder."""

import pytest
from django.core.cache import cache
from django.test import Client

from lvzhi.opinions.models import ContactCode
from lvzhi.org.models import Mandate, User

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64

GOOD = {
    "kind": "opinion",
    "category": "city",
    "content": "湖滨路东段路灯坏了两个多星期，晚上出行很不安全，请尽快修复。",
    "place": "湖滨路东段",
    "citizen_name": "李女士",
    "phone": "",
    "preferred_times": "",
    "consent": "on",
    "website": "",
}


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def deputy_a():
    return User.objects.get(username="deputy_a")


@pytest.fixture
def code(deputy_a):
    mandate = (
        Mandate.objects.current().filter(person_id=deputy_a.person_id).exclude(congress__level="city").first()
    )
    return ContactCode.objects.get(mandate=mandate, revoked_at=None)


@pytest.fixture
def phone_client():
    """A citizen's phone: a fresh browser with its own address."""
    return Client(REMOTE_ADDR="10.1.2.3")
