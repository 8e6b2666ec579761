"""A record's history reads in words, not event codes."""

import pytest
from django.test import Client

from lvzhi.org.models import User
from lvzhi.suggestions.models import Suggestion

pytestmark = pytest.mark.django_db


def test_the_suggestion_history_shows_steps_and_states_in_words():
    staff = User.objects.get(username="city_staff")
    suggestion = Suggestion.objects.filter(congress__level="city", state="closed").first()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff)
    html = client.get(f"/suggestions/{suggestion.pk}/").content.decode()
    assert "Accept" in html and "Being handled" in html
    assert "suggestion.accept" not in html
