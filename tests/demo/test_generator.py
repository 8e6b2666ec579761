"""The demo city (示范市) the test session builds, its accounts and their scopes, and the `seed` command."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from lvzhi.core.models import Event
from lvzhi.demo.city import DEMO_ACCOUNTS, DEMO_PASSWORD
from lvzhi.demo.generator import plan_demo
from lvzhi.org.congress_settings import settings_for
from lvzhi.org.models import (
    Committee,
    CommitteeMembership,
    Congress,
    DeputyGroup,
    Mandate,
    MandateLeave,
    Person,
    Session,
    Unit,
    User,
)
from lvzhi.org.roles import Role
from lvzhi.org.scope import scope_for
from lvzhi.stations.models import Station
from lvzhi.suggestions.models import (
    Assignment,
    Attachment,
    Consultation,
    CoOpinion,
    Evaluation,
    KeySupervision,
    Reply,
    Signer,
    Suggestion,
)
from lvzhi.suggestions.selectors import reply_overdue, suggestion_list_visible_to
from lvzhi.suggestions.services import key
from lvzhi.suggestions.workflow import State

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 26)


def congress(region):
    return Congress.objects.get(region_name=region, name=f"{region}人民代表大会")


def in_demo(qs, prefix="congress"):
    return qs.filter(**{f"{prefix}__path__startswith": congress("示范市").path})


# --- planning is deterministic ----------------------------------------------------------------------
def test_the_same_seed_plans_the_same_city_and_another_seed_another():
    first, again, other = plan_demo(2026), plan_demo(2026), plan_demo(7)

    assert [p.name for p in first.persons] == [p.name for p in again.persons]
    assert [p.mobile for p in first.persons] == [p.mobile for p in again.persons]
    assert [s.name for s in first.stations] == [s.name for s in again.stations]
    assert [p.name for p in first.persons] != [p.name for p in other.persons]


# --- the shape of the demo city ------------------------------------------------------------------------
def test_the_city_has_three_districts_and_six_townships_with_current_terms():
    city = congress("示范市")
    districts = Congress.objects.filter(parent=city).order_by("region_code")
    townships = Congress.objects.filter(parent__in=districts)

    assert city.level == Congress.Level.CITY and city.parent is None
    assert [d.region_name for d in districts] == ["东湖区", "西岭区", "南港区"]
    assert {d.level for d in districts} == {Congress.Level.COUNTY}
    assert townships.count() == 6 and {t.level for t in townships} == {Congress.Level.TOWNSHIP}
    for c in [city, *districts, *townships]:
        current = c.terms.filter(start_date__lte=TODAY, end_date__gte=TODAY).get()
        assert current.sessions.count() == 5
        assert {s.start_date.month for s in current.sessions.all()} <= {1, 2}


def test_about_six_hundred_deputies_across_four_levels():
    mandates = in_demo(Mandate.objects.all())
    per_level = {level: mandates.filter(congress__level=level).count() for level in Congress.Level.values}

    assert 550 <= in_demo(Person.objects.filter(mandates__isnull=False).distinct()).count() <= 700
    assert 100 <= per_level["city"] <= 140
    assert 350 <= per_level["county"] <= 450
    assert 200 <= per_level["township"] <= 300
    assert mandates.filter(is_grassroots=True).count() > mandates.count() // 3
    assert mandates.exclude(fields=[]).count() == mandates.count()


def test_some_mandates_started_mid_term_ended_or_have_leave():
    mandates = in_demo(Mandate.objects.all())

    assert mandates.filter(start_date__gt=dt.date(2022, 6, 30)).count() >= 5
    assert mandates.filter(end_reason=Mandate.EndReason.RESIGNED, end_date__lt=TODAY).exists()
    assert MandateLeave.objects.filter(mandate__in=mandates).count() >= 3
    assert MandateLeave.objects.filter(
        mandate__in=mandates, start_date__lte=TODAY, end_date__gte=TODAY
    ).exists()


def test_committees_of_the_city_and_a_district():
    city, donghu = congress("示范市"), congress("东湖区")
    special = Committee.objects.filter(congress=city, kind=Committee.Kind.SPECIAL)

    assert special.count() == 7
    assert special.get(name="财政经济委员会").fields == ["economy"]
    assert set(Committee.objects.filter(congress=city, kind="working").values_list("name", flat=True)) >= {
        "代表工作委员会",
        "预算工作委员会",
    }
    standing = Committee.objects.get(congress=city, kind=Committee.Kind.STANDING)
    assert standing.memberships.count() >= 30
    assert standing.memberships.filter(position="chair").count() == 1
    assert 0 < Committee.objects.filter(congress=donghu, kind=Committee.Kind.SPECIAL).count() < 7
    assert (
        CommitteeMembership.objects.filter(committee__congress=donghu, committee__kind="standing").count()
        >= 20
    )


def test_groups_stations_and_units():
    groups = in_demo(DeputyGroup.objects.all())
    stations = in_demo(Station.objects.all())
    units = Unit.objects.filter(congress=congress("示范市"))

    assert {"group", "contact", "professional"} <= set(groups.values_list("kind", flat=True))
    assert not groups.filter(leader__isnull=True).exists()
    assert 35 <= stations.count() <= 45
    assert set(stations.values_list("kind", flat=True)) == {"home", "station", "room", "legislative"}
    assert not stations.filter(address="").exists()
    # Deputies of every level sit in stations, one station has none yet, a few deputies are in none.
    levels = set(stations.values_list("assignments__mandate__congress__level", flat=True))
    assert {"city", "county", "township"} <= levels
    assert stations.filter(assignments__isnull=True).count() == 1
    current = in_demo(Mandate.objects.current(TODAY))
    assert 1 <= current.filter(station_assignments__isnull=True).count() <= 10
    assert 28 <= units.count() <= 40
    assert units.get(name="示范市教育局").short_name == "市教育局"
    assert units.filter(kind=Unit.Kind.COURT).get().name == "示范市中级人民法院"
    assert Unit.objects.filter(congress=congress("东湖区")).exists()


def test_some_districts_override_the_city_settings():
    assert settings_for(congress("西岭区"))["return_window_working_days"] == 7
    assert [c["code"] for c in settings_for(congress("南港区"))["result_classes"]] == ["A", "B", "C", "D"]
    assert settings_for(congress("东湖区"))["return_window_working_days"] == 3


def test_every_created_record_has_its_created_event():
    mandates = in_demo(Mandate.objects.all())
    events = Event.objects.filter(
        kind="mandate.created", target_id__in=[str(pk) for pk in mandates.values_list("pk", flat=True)]
    )

    assert events.count() == mandates.count()
    assert events.filter(congress__isnull=True).count() == 0
    assert Event.objects.filter(kind="station.created").count() >= 35


# --- the demo accounts ------------------------------------------------------------------------------
@pytest.mark.parametrize("username", [u for u, _ in DEMO_ACCOUNTS])
def test_each_demo_account_signs_in_with_the_demo_password_and_lands_home(username):
    client = Client()

    response = client.post("/signin/", {"username": username, "password": DEMO_PASSWORD})

    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_a_deputy_signs_in_with_the_mobile_number_too():
    client = Client()
    mobile = User.objects.get(username="deputy_a").mobile

    response = client.post("/signin/", {"username": mobile, "password": DEMO_PASSWORD})

    assert response.status_code == 302 and response["Location"] == "/"


def test_demo_accounts_need_no_password_change_but_other_deputies_do():
    demo = User.objects.filter(username__in=[u for u, _ in DEMO_ACCOUNTS])
    others = User.objects.filter(username__regex=r"^dep[0-9]+$", person__isnull=False)

    assert demo.count() == len(DEMO_ACCOUNTS) and not demo.filter(must_change_password=True).exists()
    assert others.count() > 100 and not others.filter(must_change_password=False).exists()


def scope(username):
    return scope_for(User.objects.get(username=username))


def congresses_of(scope_):
    return set(
        Mandate.objects.filter(pk__in=scope_.mandate_ids).values_list("congress__region_name", flat=True)
    )


def test_staff_and_chairs_act_or_read_where_the_table_says():
    city, a, b = congress("示范市"), congress("东湖区"), congress("西岭区")

    assert scope("admin").is_admin
    assert scope("city_staff").act_congress_ids == {city.pk}
    assert scope("staff_a").act_congress_ids == {a.pk} and scope("staff_a").read_paths == (a.path,)
    assert scope("staff_b").act_congress_ids == {b.pk}
    assert scope("city_chair").read_paths == (city.path,) and not scope("city_chair").act_congress_ids
    assert scope("chair_a").read_paths == (a.path,) and scope("chair_b").read_paths == (b.path,)
    assert scope("member_a").member_congress_ids == {a.pk}
    assert scope("member_b").member_congress_ids == {b.pk}


def test_committee_station_and_unit_roles_hold_their_one_target():
    city = congress("示范市")

    assert scope("committee_a").committee_ids == {
        Committee.objects.get(congress=city, name="财政经济委员会").pk
    }
    assert scope("committee_b").committee_ids == {
        Committee.objects.get(congress=city, name="教育科学文化卫生委员会").pk
    }
    station_a = Station.objects.get(pk=next(iter(scope("station_a").station_ids)))
    station_b = Station.objects.get(pk=next(iter(scope("station_b").station_ids)))
    assert (station_a.name, station_a.congress.region_name) == ("湖滨街道人大代表联络站", "东湖区")
    assert (station_b.name, station_b.congress.region_name) == ("岭南街道人大代表联络站", "西岭区")
    assert scope("handler_a").unit_ids == {Unit.objects.get(name="示范市教育局").pk}
    assert scope("handler_b").unit_ids == {Unit.objects.get(name="示范市住房和城乡建设局").pk}


def test_deputy_a_holds_mandates_at_two_levels_and_deputy_b_at_one():
    deputy_a, deputy_b = scope("deputy_a"), scope("deputy_b")

    assert deputy_a.roles == {Role.DEPUTY} and deputy_b.roles == {Role.DEPUTY}
    assert congresses_of(deputy_a) == {"东湖区", "示范市"}
    assert congresses_of(deputy_b) == {"西岭区"}


def test_group_leaders_lead_a_group_in_their_district():
    for username, region, group in (
        ("leader_a", "东湖区", "湖滨街道代表小组"),
        ("leader_b", "西岭区", "岭南街道代表小组"),
    ):
        s = scope(username)
        assert {Role.DEPUTY, Role.GROUP_LEADER} <= s.roles
        assert s.led_group_ids == {DeputyGroup.objects.get(congress=congress(region), name=group).pk}


def test_chairs_and_members_are_real_people_of_their_congress():
    chair_a = User.objects.get(username="chair_a")
    member_b = User.objects.get(username="member_b")

    assert chair_a.person.committee_memberships.get(committee__kind="standing").position == "chair"
    assert member_b.person.committee_memberships.filter(committee__congress=congress("西岭区")).exists()
    assert member_b.person.mandates.filter(congress=congress("西岭区")).exists()


# --- the demo's suggestions ------------------------------------------------------------------------------
def session_2026(region="示范市"):
    return Session.objects.get(term__congress=congress(region), start_date__year=2026)


def test_the_city_session_has_suggestions_and_motions_in_every_state_numbered_in_the_session():
    session = session_2026()
    of_session = Suggestion.objects.filter(session=session)
    numbered = of_session.filter(kind="suggestion").exclude(number=None)

    assert 30 <= of_session.count() <= 45
    assert set(of_session.values_list("state", flat=True)) == set(State.values)
    assert sorted(numbered.values_list("number", flat=True)) == list(range(1, numbered.count() + 1))
    assert set(numbered.values_list("series", flat=True)) == {f"S{session.pk}"}
    # Motions with enough co-signers went to the presidium: one waits, one is on the agenda, one is handled
    # as a suggestion (numbered as one).
    motions = of_session.filter(title__endswith="的议案")
    assert set(motions.values_list("state", flat=True)) == {"presidium", "referred", "assigned"}
    assert motions.get(state="referred").committee.name == "法制委员会"
    assert motions.get(state="assigned").presidium_decision == "as_suggestion"
    for m in motions:
        assert m.signers.filter(role="cosigner", confirmed_at__isnull=False).count() >= 10
    assert Signer.objects.filter(suggestion__session=session, role="merged").count() >= 2


def test_the_session_s_handling_has_every_kind_of_step_and_reply():
    of_session = Suggestion.objects.filter(session=session_2026())
    replies = Reply.objects.filter(suggestion__in=of_session)
    today = timezone.localdate()

    assert set(replies.values_list("result_code", flat=True)) == {"A", "B", "C"}
    assert replies.filter(on_time=False).exists() and replies.filter(round=2).exists()
    assert not replies.filter(letter=None).exists()
    assert Evaluation.objects.filter(reply__in=replies, stage="promise").exists()  # 两次评价
    assert Evaluation.objects.filter(reply__in=replies, rating="dissatisfied").exists()
    assert Assignment.objects.filter(suggestion__in=of_session, extended_due__isnull=False).count() >= 2
    assert Assignment.objects.filter(suggestion__in=of_session, is_active=False).exists()  # 退办
    assert CoOpinion.objects.filter(assignment__suggestion__in=of_session).count() >= 3
    methods = set(
        Consultation.objects.filter(assignment__suggestion__in=of_session).values_list("method", flat=True)
    )
    assert {"visit", "phone"} <= methods
    assert of_session.filter(reply_overdue(today)).count() >= 3
    # Every step was taken on its day, never after the build day.
    ids = [str(pk) for pk in of_session.values_list("pk", flat=True)]
    assert not Event.objects.filter(target_id__in=ids, occurred_at__gt=timezone.now()).exists()
    assert Event.objects.filter(kind="suggestion.decide_close", target_id__in=ids).exists()
    assert of_session.filter(submitted_at__date__lte=session_2026().end_date).count() >= 30


def test_drafts_carry_materials_and_replies_signed_sealed_letters_as_real_pdfs():
    material = Attachment.objects.filter(kind="material", suggestion__state="draft").first()
    letter = Reply.objects.exclude(letter=None).first().letter

    for attachment in (material, letter):
        with attachment.file.open("rb") as f:
            assert f.read(5) == b"%PDF-"
        assert attachment.content_type == "application/pdf" and attachment.size > 1000
    assert "号建议的答复" in letter.name


def test_the_district_session_gives_its_office_suggestions_to_handle():
    staff_a = User.objects.get(username="staff_a")
    mine = suggestion_list_visible_to(user=staff_a).filter(session=session_2026("东湖区"))

    assert {"assigned", "accepted", "returned", "merged"} <= set(mine.values_list("state", flat=True))
    assert not suggestion_list_visible_to(user=User.objects.get(username="staff_b")).filter(
        session=session_2026("东湖区")
    )


def test_the_key_suggestion_is_scored_by_two_city_members_and_a_third_may_still_score():
    k = KeySupervision.objects.get(suggestion__congress=congress("示范市"))
    city = congress("示范市")

    assert k.suggestion.session == session_2026() and k.year == 2026
    assert sorted(k.scores.values_list("member__username", "score")) == [
        ("city_member_a", 92),
        ("city_member_b", 85),
    ]
    assert key.score_summary(k) == {"average": 88.5, "count": 2}
    for username in ("city_member_a", "city_member_b", "city_member_c"):
        assert scope(username).member_congress_ids == {city.pk}
        assert User.objects.get(username=username).person.committee_memberships.filter(
            committee__congress=city, committee__kind="standing"
        )
    assert not k.scores.filter(member__username="city_member_c").exists()


def test_the_key_page_shows_the_average_and_offers_scoring_to_the_member_who_has_not_scored():
    k = KeySupervision.objects.get(suggestion__congress=congress("示范市"))
    page = f"/suggestions/{k.suggestion_id}/key/"
    score_action = f"/suggestions/{k.suggestion_id}/key/score/"

    for username, form_shown in (("city_member_c", True), ("city_member_a", False)):
        client = Client()
        client.force_login(User.objects.get(username=username))
        body = client.get(page).content.decode()
        assert "88.5" in body and (score_action in body) is form_shown, username


# --- the seed command ---------------------------------------------------------------------------------
def test_seed_refuses_to_write_into_a_database_that_holds_data():
    before = Congress.objects.count()

    with pytest.raises(CommandError, match="--append"):
        call_command("seed", "--deputies", "60", "--no-progress", stdout=io.StringIO())

    assert Congress.objects.count() == before


def test_seed_appends_a_generated_city_of_the_size_asked_and_refuses_a_second_time_without_the_flag():
    out = io.StringIO()
    before = set(Congress.objects.filter(parent__isnull=True).values_list("pk", flat=True))

    call_command("seed", "--deputies", "60", "--seed", "5", "--append", "--no-progress", stdout=out)

    (top,) = Congress.objects.filter(parent__isnull=True).exclude(pk__in=before)
    assert top.level == Congress.Level.CITY and top.region_name != "示范市"
    people = Person.objects.filter(mandates__congress__path__startswith=top.path).distinct()
    assert 55 <= people.count() <= 70
    assert Station.objects.filter(congress__path__startswith=top.path).exists()
    assert Event.objects.filter(kind="person.created", congress__path__startswith=top.path).count() == (
        Person.objects.filter(congress__path__startswith=top.path).count()
    )
    assert "Seeded" in out.getvalue()
    with pytest.raises(CommandError, match="already holds data"):
        call_command("seed", "--deputies", "60", "--seed", "5", "--no-progress", stdout=io.StringIO())


def test_seed_rejects_a_size_too_small_with_a_clear_message():
    with pytest.raises(CommandError, match="--deputies must be from 20"):
        call_command("seed", "--deputies", "5", "--append", "--no-progress", stdout=io.StringIO())
