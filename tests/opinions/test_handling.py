"""The first handling steps left for the inbox: who may acknowledge, answer, solve and close, and when."""

import pytest

from lvzhi.core.errors import ServiceError
from lvzhi.core.models import Event
from lvzhi.opinions.abuse import Client
from lvzhi.opinions.services.handling import opinion_acknowledge, opinion_close, opinion_reply, opinion_solve
from lvzhi.opinions.services.submit import opinion_submit
from lvzhi.org.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def opinion(code):
    return opinion_submit(
        code=code,
        kind="opinion",
        category="environment",
        content="小区旁边的河道有人倾倒垃圾，气味很大。",
        consent=True,
        client=Client(ip_hash="handling-test"),
    ).opinion


def refused(code, fn, **kw):
    with pytest.raises(ServiceError) as exc:
        fn(**kw)
    assert exc.value.code == code, exc.value.message


def test_the_deputy_acknowledges_answers_and_solves(opinion, deputy_a):
    opinion_acknowledge(actor=deputy_a, opinion=opinion)
    reply = opinion_reply(actor=deputy_a, opinion=opinion, body="已转环保部门核查。")
    assert reply.signed_as.endswith("代表") and deputy_a.person.name in reply.signed_as
    opinion_solve(actor=deputy_a, opinion=opinion, what_was_done="河道已清理，并安装了监控。")
    opinion.refresh_from_db()
    assert (
        opinion.state == "solved" and opinion.acknowledged_at and opinion.answered_at and opinion.finished_at
    )
    steps = list(
        Event.objects.filter(target_id=str(opinion.pk), kind__startswith="opinion.")
        .exclude(kind__startswith="opinion.code")
        .order_by("pk")
        .values_list("kind", "to_state")
    )
    assert steps[1:] == [
        ("opinion.acknowledge", "acknowledged"),
        ("opinion.reply", "replied"),
        ("opinion.solve", "solved"),
    ]


def test_the_office_of_the_congress_may_close_with_a_reason(opinion):
    staff = User.objects.get(username="staff_a")
    refused("required", opinion_close, actor=staff, opinion=opinion, reason="  ")
    opinion_close(actor=staff, opinion=opinion, reason="属于12345热线受理范围，已告知。")
    opinion.refresh_from_db()
    assert opinion.state == "closed" and opinion.replies.get().signed_as.startswith("东湖区")


@pytest.mark.parametrize("username", ["deputy_b", "staff_b", "station_b", "handler_a", "chair_a"])
def test_others_may_not_handle_it(opinion, username):
    refused(
        "not_permitted", opinion_reply, actor=User.objects.get(username=username), opinion=opinion, body="x"
    )
    opinion.refresh_from_db()
    assert opinion.state == "new" and not opinion.replies.exists()


def test_a_step_the_table_does_not_allow_is_refused(opinion, deputy_a):
    opinion_acknowledge(actor=deputy_a, opinion=opinion)
    refused("step_not_allowed", opinion_acknowledge, actor=deputy_a, opinion=opinion)
    refused("required", opinion_reply, actor=deputy_a, opinion=opinion, body="")
