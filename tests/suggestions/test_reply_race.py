"""Two handlers of the lead unit reply at the same moment: one reply, not two.

Two real database connections (one per thread) call the reply service for the same assignment at once. The
suggestion's row lock serialises them and the unique (suggestion, round) constraint backs it up, so exactly
one reply is stored and the other handler is told why. SQLite has a single writer and no row locks, so the
race can only be run for real on PostgreSQL.

One test only: a transactional test empties the database, and the demo city is rebuilt after it (slow).
"""

import threading

import pytest
from django.db import connection, connections

from lvzhi.core.errors import ServiceError
from lvzhi.core.models import Event
from lvzhi.org.roles import Role
from lvzhi.suggestions.models import Assignment, Reply
from lvzhi.suggestions.services import drafting, handling, replies, review
from lvzhi.suggestions.workflow import State
from tests.factories import UserFactory, grant
from tests.suggestions.loop_world import TODAY, build

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs two concurrent connections with row locks: run with DATABASE_URL on PostgreSQL",
    ),
    pytest.mark.django_db(transaction=True),
]

REPLY_TEXT = "经研究，我局已将学校周边交通秩序纳入专项整治，增设护学岗二十处，并与交警部门建立联动机制。"


def test_two_handlers_replying_at_the_same_moment_give_one_reply(time_machine):
    time_machine.move_to(TODAY, tick=False)
    w = build()
    second = UserFactory(username="handler_a2")
    grant(second, Role.UNIT_HANDLER, w.city, unit=w.unit)  # a colleague at the same lead unit
    s = drafting.suggestion_submit(actor=w.deputy, suggestion=w.draft())
    s = review.suggestion_accept(actor=w.staff, suggestion=s)
    handling.suggestion_assign(actor=w.staff, suggestion=s, lead_unit=w.unit)
    pk = Assignment.objects.get(suggestion=s, role=Assignment.Role.LEAD).pk

    barrier = threading.Barrier(2, timeout=20)
    outcomes: dict[str, object] = {}
    backends: dict[str, int] = {}

    def reply_as(key: str, actor) -> None:
        try:
            # Each thread has its own connection and its own copy of the assignment.
            assignment = Assignment.objects.select_related("suggestion").get(pk=pk)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                backends[key] = cursor.fetchone()[0]
            barrier.wait()
            outcomes[key] = replies.reply_submit(
                actor=actor,
                assignment=assignment,
                text=REPLY_TEXT,
                result_code="A",
                signed_by="局长 王建国",
            )
        except Exception as exc:  # noqa: BLE001 - any outcome is recorded and judged below
            outcomes[key] = exc
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=reply_as, args=("first", w.handler)),
        threading.Thread(target=reply_as, args=("second", second)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a reply hung"

    assert len(set(backends.values())) == 2  # two real connections
    replied = [o for o in outcomes.values() if isinstance(o, Reply)]
    refused = [o for o in outcomes.values() if not isinstance(o, Reply)]
    assert len(replied) == 1 and len(refused) == 1, outcomes
    assert isinstance(refused[0], ServiceError), repr(refused[0])
    assert refused[0].code in {"already_replied", "step_not_allowed"}
    assert Reply.objects.filter(suggestion=s).count() == 1
    s.refresh_from_db()
    assert s.state == State.REPLIED
    assert Event.objects.filter(target_id=str(s.pk), kind="suggestion.reply").count() == 1
