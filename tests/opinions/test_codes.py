"""Contact codes: unknown, revoked and reissued, closed; the demo gives every mandate and station one."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from lvzhi.core.errors import ServiceError
from lvzhi.core.models import Event
from lvzhi.opinions.models import ContactCode, Opinion
from lvzhi.opinions.services.codes import code_issue, code_revoke
from lvzhi.org.models import Mandate, User
from lvzhi.stations.models import Station

pytestmark = pytest.mark.django_db


def page(client, code):
    return client.get(reverse("opinions:reach", kwargs={"token": code.token}))


def test_an_unknown_token_is_a_404(client):
    assert client.get("/c/not-a-real-token/").status_code == 404
    assert client.get("/c/" + "x" * 60 + "/").status_code == 404


def test_tokens_are_unguessable(code):
    assert len(code.token) >= 22 and not code.token.isdigit()
    assert ContactCode.objects.filter(token=code.token).count() == 1


def test_a_revoked_code_says_politely_where_it_moved(client, code):
    staff = User.objects.get(username="staff_a")
    new = code_revoke(actor=staff, code=code)
    old = page(client, code)
    body = old.content.decode()
    assert old.status_code == 200 and "联系码已更换" in body
    assert reverse("opinions:reach", kwargs={"token": new.token}) in body
    assert "<form" not in body
    assert page(client, new).status_code == 200
    kinds = set(Event.objects.filter(kind__startswith="opinion.code").values_list("kind", flat=True))
    assert kinds >= {"opinion.code_revoked", "opinion.code_issued"}


def test_a_revoked_code_without_replacement_is_gone(client, code):
    code_revoke(actor=User.objects.get(username="staff_a"), code=code, reissue=False)
    response = page(client, code)
    assert response.status_code == 410 and "已停止使用" in response.content.decode()
    assert client.post(reverse("opinions:reach", kwargs={"token": code.token}), {}).status_code == 410


def test_the_code_of_an_ended_mandate_takes_no_more_opinions(client, code):
    Mandate.objects.filter(pk=code.mandate_id).update(end_date=timezone.localdate() - dt.timedelta(days=1))
    assert page(client, code).status_code == 410


def test_only_the_congress_s_staff_manage_codes(code):
    with pytest.raises(ServiceError) as exc:
        code_revoke(actor=User.objects.get(username="staff_b"), code=code)
    assert exc.value.code == "not_permitted"
    station = Station.objects.filter(congress=code.congress).first()
    assert code_issue(actor=User.objects.get(username="staff_a"), station=station).station_id == station.pk


def test_the_demo_gives_every_current_mandate_and_station_a_code():
    assert not Mandate.objects.current().exclude(contact_codes__revoked_at__isnull=True).exists()
    assert not Station.objects.filter(is_active=True).exclude(contact_codes__revoked_at__isnull=True).exists()


def test_deputy_a_has_demo_opinions_in_many_states_in_one_inbox(deputy_a):
    mine = Opinion.objects.filter(person_id=deputy_a.person_id)
    assert mine.count() >= 12
    assert mine.values("mandate").distinct().count() == 2  # a district and a city mandate, one inbox
    assert {"new", "acknowledged", "replied", "solved", "closed", "rated"} <= set(
        mine.values_list("state", flat=True)
    )
