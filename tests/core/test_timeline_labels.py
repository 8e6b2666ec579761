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


def test_a_state_reads_in_the_words_of_the_events_own_app():
    """Reception days and meetings both have a "planned" state, with words of their own."""
    from django.utils import translation

    from lvzhi.core.events import state_label
    from lvzhi.meetings import events as meeting_events
    from lvzhi.stations import events as reception_events

    with translation.override("zh-hans"):
        reception = state_label("planned", reception_events.DAY_RECORDED)
        meeting = state_label("planned", meeting_events.MEETING_CREATED)
    assert (reception, meeting) == ("已安排", "筹备中")
