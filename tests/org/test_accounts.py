"""Staff manage accounts: open one with a one-time password, reset a password, deactivate and reactivate,
grant and revoke roles; each step is refused outside the staff's own congress and recorded as a security
event. Every user has a "My account" page."""

import pytest
from django.contrib.auth import password_validation
from django.test import Client
from django.urls import reverse

from lvzhi.core.errors import ServiceError
from lvzhi.core.models import Event
from lvzhi.org.models import Congress, RoleAssignment, User
from lvzhi.org.roles import Role
from lvzhi.org.scope import scope_for
from lvzhi.org.services import accounts as services
from tests.factories import (
    PASSWORD,
    CommitteeFactory,
    CongressFactory,
    MandateFactory,
    PersonFactory,
    StationFactory,
    UnitFactory,
    UserFactory,
    grant,
)

pytestmark = pytest.mark.django_db


# --- a small world: a city with two sibling districts and a township below the first ----------------


@pytest.fixture
def world():
    city = CongressFactory(level=Congress.Level.CITY, short_name="测试市人大")
    district_a = CongressFactory(parent=city, short_name="甲区人大")
    district_b = CongressFactory(parent=city, short_name="乙区人大")
    township = CongressFactory(parent=district_a, level=Congress.Level.TOWNSHIP, short_name="甲镇人大")
    staff_a = UserFactory(username="t_staff_a", congress=district_a)
    grant(staff_a, Role.STAFF, district_a)
    staff_b = UserFactory(username="t_staff_b", congress=district_b)
    grant(staff_b, Role.STAFF, district_b)
    city_staff = UserFactory(username="t_city_staff", congress=city)
    grant(city_staff, Role.STAFF, city)
    admin = UserFactory(username="t_admin", is_superuser=True, is_staff=True)
    member_a = UserFactory(username="t_member_a", full_name="甲区委员", congress=district_a)
    member_b = UserFactory(username="t_member_b", full_name="乙区委员", congress=district_b)
    return type(
        "World",
        (),
        dict(
            city=city,
            a=district_a,
            b=district_b,
            township=township,
            staff_a=staff_a,
            staff_b=staff_b,
            city_staff=city_staff,
            admin=admin,
            member_a=member_a,
            member_b=member_b,
        ),
    )


def english(user=None):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def refused(code, call, **kwargs):
    with pytest.raises(ServiceError) as exc:
        call(**kwargs)
    assert exc.value.code == code
    return exc.value


def security_events(kind, target):
    return Event.objects.filter(kind=kind, is_security=True, target_id=str(target.pk))


def can_sign_in(identifier, password):
    response = english().post(reverse("signin"), {"username": identifier, "password": password})
    return response.status_code == 302


# --- account_create --------------------------------------------------------------------------------


def test_staff_open_an_account_with_a_one_time_password_that_must_be_changed(world):
    account, password = services.account_create(
        actor=world.staff_a, congress=world.a, username="zhangsan", full_name="张三", mobile="139 0000 2222"
    )

    assert account.congress == world.a and account.mobile == "13900002222"
    assert account.must_change_password and account.is_active
    password_validation.validate_password(password, account)  # the generated password meets the rules
    assert account.check_password(password)
    assert password not in account.password
    event = security_events("security.account_created", account).get()
    assert event.actor == world.staff_a and event.congress == world.a
    assert "张三" not in str(event.payload) and "13900002222" not in str(event.payload)


def test_each_new_account_gets_a_different_password(world):
    _a, first = services.account_create(actor=world.staff_a, congress=world.a, username="one", full_name="一")
    _b, second = services.account_create(
        actor=world.staff_a, congress=world.a, username="two", full_name="二"
    )

    assert first != second


def test_an_account_linked_to_a_person_takes_the_persons_name(world):
    person = MandateFactory(congress=world.a).person

    account, _pw = services.account_create(
        actor=world.staff_a, congress=world.a, username="dep", person=person
    )

    assert account.person == person
    assert account.display_name == person.name
    assert Role.DEPUTY in scope_for(account).roles


@pytest.mark.parametrize("who", ["staff_b", "city_staff", "member_a"])
def test_only_staff_of_the_accounts_own_congress_may_open_one(world, who):
    refused(
        "not_permitted",
        services.account_create,
        actor=getattr(world, who),
        congress=world.a,
        username="intruder",
        full_name="某人",
    )
    assert not User.objects.filter(username="intruder").exists()


def test_a_mobile_typed_in_full_width_digits_is_kept_in_ascii(world):
    account, _pw = services.account_create(
        actor=world.staff_a,
        congress=world.a,
        username="quanjiao",
        full_name="全角",
        mobile="１３９ ００００ ５５５５",
    )

    assert account.mobile == "13900005555"
    assert can_sign_in("13900005555", _pw)


def test_a_mobile_that_is_not_a_mobile_number_is_refused(world):
    refused(
        "mobile_invalid",
        services.account_create,
        actor=world.staff_a,
        congress=world.a,
        username="odd",
        full_name="某",
        mobile="1390000555²",
    )


def test_a_site_administrator_may_open_an_account_anywhere(world):
    account, _pw = services.account_create(
        actor=world.admin, congress=world.b, username="adm", full_name="甲"
    )

    assert account.congress == world.b


@pytest.mark.parametrize(
    ("username", "mobile", "code"),
    [
        ("t_member_a", "", "username_taken"),
        ("T_MEMBER_A", "", "username_taken"),
        ("new one", "", "username_invalid"),
        ("fresh", "13900009999", "mobile_taken"),
        ("13900009999", "", "username_taken"),  # another account signs in with this number
        ("fresh2", "13900001234", "mobile_taken"),  # another account's username
    ],
)
def test_a_username_or_mobile_that_would_name_two_accounts_is_refused(world, username, mobile, code):
    world.member_b.mobile = "13900009999"
    world.member_b.save()
    UserFactory(username="13900001234", congress=world.b)

    refused(
        code,
        services.account_create,
        actor=world.staff_a,
        congress=world.a,
        username=username,
        full_name="某人",
        mobile=mobile,
    )


def test_a_person_outside_scope_or_already_linked_cannot_be_linked(world):
    sibling_person = PersonFactory(congress=world.b)
    linked = PersonFactory(congress=world.a)
    UserFactory(person=linked, congress=world.a)

    refused(
        "person_not_found",
        services.account_create,
        actor=world.staff_a,
        congress=world.a,
        username="x1",
        person=sibling_person,
    )
    refused(
        "person_has_account",
        services.account_create,
        actor=world.staff_a,
        congress=world.a,
        username="x2",
        person=linked,
    )


# --- account_reset_password -----------------------------------------------------------------------


def test_staff_reset_a_password_the_old_one_stops_and_the_new_one_must_be_changed(world):
    password = services.account_reset_password(actor=world.staff_a, account=world.member_a)

    world.member_a.refresh_from_db()
    assert world.member_a.must_change_password
    assert not can_sign_in("t_member_a", PASSWORD)
    assert can_sign_in("t_member_a", password)
    event = security_events("security.password_reset", world.member_a).get()
    assert event.actor == world.staff_a


def test_a_reset_lifts_a_lockout(world):
    for _ in range(5):
        english().post(reverse("signin"), {"username": "t_member_a", "password": "Wrong-pass-1"})

    password = services.account_reset_password(actor=world.staff_a, account=world.member_a)

    assert can_sign_in("t_member_a", password)


def test_a_reset_ends_the_users_open_sessions(world):
    client = english(world.member_a)
    assert client.get(reverse("home")).status_code == 200

    services.account_reset_password(actor=world.staff_a, account=world.member_a)

    assert client.get(reverse("home")).url == reverse("signin")


@pytest.mark.parametrize("who", ["staff_b", "city_staff", "member_b"])
def test_staff_of_another_congress_cannot_reset_a_password(world, who):
    error = refused(
        "not_permitted", services.account_reset_password, actor=getattr(world, who), account=world.member_a
    )

    assert error.status == 403

    assert can_sign_in("t_member_a", PASSWORD)
    assert not security_events("security.password_reset", world.member_a).exists()


def test_staff_cannot_reset_their_own_password_or_an_administrators(world):
    world.admin.congress = world.a
    world.admin.save()

    own = refused("own_account", services.account_reset_password, actor=world.staff_a, account=world.staff_a)
    admin = refused(
        "not_permitted", services.account_reset_password, actor=world.staff_a, account=world.admin
    )
    assert own.status == admin.status == 403


@pytest.mark.parametrize("role", [Role.CHAIR, Role.STAFF])
def test_staff_cannot_reset_the_password_of_a_chair_or_a_fellow_staff_member(world, role):
    # Given a chair, or a second member of staff, of the same district
    grant(world.member_a, role, world.a)

    # When the district's staff tries to reset their password, it is refused and the password still works
    error = refused(
        "protected_account", services.account_reset_password, actor=world.staff_a, account=world.member_a
    )
    assert error.status == 403
    assert can_sign_in("t_member_a", PASSWORD)
    assert not security_events("security.password_reset", world.member_a).exists()
    # and the page offers no reset
    page = english(world.staff_a).get(reverse("org:account_detail", args=[world.member_a.pk]))
    assert "only a site administrator may reset its password" in page.content.decode()
    assert reverse("org:account_reset_password", args=[world.member_a.pk]) not in page.content.decode()

    # but a site administrator may
    password = services.account_reset_password(actor=world.admin, account=world.member_a)
    assert can_sign_in("t_member_a", password)


def test_a_revoked_chair_role_no_longer_protects_the_account(world):
    assignment = grant(world.member_a, Role.CHAIR, world.a)
    assignment.is_active = False
    assignment.save()

    password = services.account_reset_password(actor=world.staff_a, account=world.member_a)

    assert can_sign_in("t_member_a", password)


def test_a_deactivated_account_is_reactivated_before_a_reset(world):
    services.account_deactivate(actor=world.staff_a, account=world.member_a)

    refused(
        "account_deactivated", services.account_reset_password, actor=world.staff_a, account=world.member_a
    )


# --- account_deactivate / account_reactivate ------------------------------------------------------


def test_a_deactivated_account_cannot_sign_in_and_its_session_ends(world):
    client = english(world.member_a)

    services.account_deactivate(actor=world.staff_a, account=world.member_a, reason="任期届满")

    assert User.objects.filter(pk=world.member_a.pk, is_active=False).exists()  # kept, not deleted
    assert not can_sign_in("t_member_a", PASSWORD)
    assert client.get(reverse("home")).url == reverse("signin")
    event = security_events("security.account_deactivated", world.member_a).get()
    assert event.actor == world.staff_a and event.note == "任期届满"


def test_reactivating_lets_the_account_sign_in_again(world):
    services.account_deactivate(actor=world.staff_a, account=world.member_a)

    services.account_reactivate(actor=world.staff_a, account=world.member_a)

    assert can_sign_in("t_member_a", PASSWORD)
    assert security_events("security.account_activated", world.member_a).count() == 1


def test_deactivating_twice_or_reactivating_an_active_account_is_refused(world):
    refused("already_active", services.account_reactivate, actor=world.staff_a, account=world.member_a)
    services.account_deactivate(actor=world.staff_a, account=world.member_a)
    refused("already_deactivated", services.account_deactivate, actor=world.staff_a, account=world.member_a)


def test_deactivation_is_refused_outside_the_own_congress_and_on_oneself(world):
    refused("not_permitted", services.account_deactivate, actor=world.staff_b, account=world.member_a)
    refused("own_account", services.account_deactivate, actor=world.staff_a, account=world.staff_a)
    refused("not_permitted", services.account_reactivate, actor=world.staff_b, account=world.member_a)

    assert can_sign_in("t_member_a", PASSWORD)


# --- role_grant / role_revoke ---------------------------------------------------------------------


def test_staff_grant_a_unit_handler_role_and_the_account_sees_that_unit(world):
    unit = UnitFactory(congress=world.a)

    assignment = services.role_grant(
        actor=world.staff_a, account=world.member_a, role=Role.UNIT_HANDLER, unit=unit
    )

    assert assignment.congress == world.a and assignment.is_active
    assert unit.pk in scope_for(User.objects.get(pk=world.member_a.pk)).unit_ids
    event = security_events("security.role_granted", world.member_a).get()
    assert event.actor == world.staff_a
    assert event.payload["role"] == "unit_handler" and event.payload["unit"] == unit.pk


def test_staff_grant_congress_committee_and_station_roles(world):
    committee = CommitteeFactory(congress=world.a)
    station = StationFactory(congress=world.a)

    services.role_grant(actor=world.staff_a, account=world.member_a, role=Role.CHAIR, congress=world.a)
    services.role_grant(
        actor=world.staff_a, account=world.member_a, role=Role.COMMITTEE_STAFF, committee=committee
    )
    services.role_grant(actor=world.staff_a, account=world.member_a, role=Role.STATION_STAFF, station=station)

    s = scope_for(User.objects.get(pk=world.member_a.pk))
    assert {Role.CHAIR, Role.COMMITTEE_STAFF, Role.STATION_STAFF} <= s.roles
    assert committee.pk in s.committee_ids and station.pk in s.station_ids


def test_a_role_over_a_sibling_or_a_lower_congress_is_refused(world):
    sibling_unit = UnitFactory(congress=world.b)
    township_unit = UnitFactory(congress=world.township)

    refused(
        "role_target_not_found",
        services.role_grant,
        actor=world.staff_a,
        account=world.member_a,
        role=Role.UNIT_HANDLER,
        unit=sibling_unit,
    )
    refused(
        "role_target_outside_congress",
        services.role_grant,
        actor=world.staff_a,
        account=world.member_a,
        role=Role.UNIT_HANDLER,
        unit=township_unit,
    )
    refused(
        "role_target_outside_congress",
        services.role_grant,
        actor=world.staff_a,
        account=world.member_a,
        role=Role.STAFF,
        congress=world.township,
    )
    refused(
        "role_target_not_found",
        services.role_grant,
        actor=world.staff_a,
        account=world.member_a,
        role=Role.STAFF,
        congress=world.city,
    )
    assert not RoleAssignment.objects.filter(user=world.member_a).exists()


def test_granting_needs_the_right_target_and_an_assignable_role(world):
    unit = UnitFactory(congress=world.a)
    kwargs = dict(actor=world.staff_a, account=world.member_a)

    refused("role_target_required", services.role_grant, role=Role.UNIT_HANDLER, congress=world.a, **kwargs)
    refused("role_target_required", services.role_grant, role=Role.STAFF, unit=unit, **kwargs)
    refused("role_target_required", services.role_grant, role=Role.COMMITTEE_STAFF, **kwargs)
    refused("unknown_role", services.role_grant, role=Role.ADMIN, congress=world.a, **kwargs)
    refused("unknown_role", services.role_grant, role="deputy", congress=world.a, **kwargs)


def test_a_role_already_held_is_not_granted_twice(world):
    services.role_grant(actor=world.staff_a, account=world.member_a, role=Role.SC_MEMBER, congress=world.a)

    refused(
        "role_already_held",
        services.role_grant,
        actor=world.staff_a,
        account=world.member_a,
        role=Role.SC_MEMBER,
        congress=world.a,
    )


def test_roles_are_granted_only_by_staff_of_the_accounts_congress_and_never_to_oneself(world):
    refused(
        "not_permitted",
        services.role_grant,
        actor=world.staff_b,
        account=world.member_a,
        role=Role.SC_MEMBER,
        congress=world.b,
    )
    refused(
        "own_account",
        services.role_grant,
        actor=world.staff_a,
        account=world.staff_a,
        role=Role.CHAIR,
        congress=world.a,
    )


def test_revoking_switches_the_role_off_keeps_it_and_records_it(world):
    assignment = services.role_grant(
        actor=world.staff_a, account=world.member_a, role=Role.SC_MEMBER, congress=world.a
    )

    services.role_revoke(actor=world.staff_a, assignment=assignment)

    assignment.refresh_from_db()
    assert not assignment.is_active
    assert Role.SC_MEMBER not in scope_for(User.objects.get(pk=world.member_a.pk)).roles
    event = security_events("security.role_revoked", world.member_a).get()
    assert event.payload == {"account": world.member_a.pk, "assignment": assignment.pk, "role": "sc_member"}
    refused("role_not_active", services.role_revoke, actor=world.staff_a, assignment=assignment)


def test_staff_of_a_sibling_cannot_revoke_a_role(world):
    assignment = grant(world.member_a, Role.SC_MEMBER, world.a)

    refused("not_permitted", services.role_revoke, actor=world.staff_b, assignment=assignment)
    refused("not_permitted", services.role_revoke, actor=world.city_staff, assignment=assignment)

    assignment.refresh_from_db()
    assert assignment.is_active


# --- the pages ------------------------------------------------------------------------------------


def test_the_account_list_shows_the_own_congress_and_not_a_siblings(world):
    response = english(world.staff_a).get(reverse("org:account_list"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "t_member_a" in page and "t_member_b" not in page
    assert reverse("org:account_create") in page


def test_the_account_list_searches_and_filters(world):
    pending = UserFactory(username="t_pending", congress=world.a)
    pending.must_change_password = True
    pending.save()
    gone = UserFactory(username="t_gone", congress=world.a, is_active=False)
    client = english(world.staff_a)

    def rows(query):
        page = client.get(reverse("org:account_list") + query).content.decode()
        return page[page.index("<tbody>") :]

    by_name = rows("?q=甲区委员")
    waiting = rows("?state=pending")
    tile_link = rows("?pending=1")
    deactivated = rows("?state=deactivated")

    assert "t_member_a" in by_name and "t_staff_a" not in by_name
    assert "t_pending" in waiting and "t_member_a" not in waiting and "t_gone" not in waiting
    assert "t_pending" in tile_link and "t_member_a" not in tile_link
    assert gone.username in deactivated and "t_member_a" not in deactivated


def test_a_search_finds_a_mobile_number_only_whole_and_only_for_its_managers(world):
    # Given an account with a mobile number, and a deputy's account named after the number
    world.member_a.mobile = "13900007777"
    world.member_a.save()
    deputy = UserFactory(username="13900008888", mobile="13900008888", congress=world.a)

    def found(user, query):
        page = english(user).get(reverse("org:account_list"), {"q": query}).content.decode()
        rows = page[page.index("<tbody>") :]
        return {
            name
            for name, account in (("member", world.member_a), ("deputy", deputy))
            if reverse("org:account_detail", args=[account.pk]) in rows
        }

    # Then the district's staff find each by the whole number, typed in any width, and not by a part of it
    assert found(world.staff_a, "13900007777") == {"member"}
    assert found(world.staff_a, "１３９００００８８８８") == {"deputy"}
    assert found(world.staff_a, "1390000") == set()
    assert found(world.staff_a, "139000077") == set()
    # and staff of the congress above, who only read these accounts, find them by no number at all
    assert found(world.city_staff, "13900007777") == set()
    assert found(world.city_staff, "13900008888") == set()
    assert found(world.city_staff, "1390000") == set()
    # names still match for both
    assert found(world.city_staff, "甲区委员") == {"member"}


def test_a_search_with_a_nul_byte_is_answered_never_a_500(world):
    response = english(world.staff_a).get(reverse("org:account_list"), {"q": "甲区\x00委员"})

    assert response.status_code == 200
    assert "t_member_a" in response.content.decode()


def test_the_list_masks_usernames_that_are_mobile_numbers(world):
    UserFactory(username="13900008888", mobile="13900008888", congress=world.a)

    for user in (world.staff_a, world.city_staff):
        page = english(user).get(reverse("org:account_list")).content.decode()
        assert "13900008888" not in page and "139****8888" in page


def test_the_account_list_stays_within_a_few_queries(world, django_assert_max_num_queries):
    for n in range(30):
        UserFactory(username=f"t_bulk{n}", congress=world.a, person=PersonFactory(congress=world.a))
    client = english(world.staff_a)

    with django_assert_max_num_queries(15):
        response = client.get(reverse("org:account_list"))

    assert response.status_code == 200


def test_people_who_are_not_staff_do_not_get_the_account_pages(world):
    client = english(world.member_a)

    assert client.get(reverse("org:account_list")).status_code == 403
    assert client.get(reverse("org:account_detail", args=[world.member_a.pk])).status_code == 403
    assert client.get(reverse("org:account_create")).status_code == 403


def test_a_sibling_districts_staff_gets_404_for_every_account_page(world):
    client = english(world.staff_b)
    pk = world.member_a.pk
    assignment = grant(world.member_a, Role.SC_MEMBER, world.a)

    assert client.get(reverse("org:account_detail", args=[pk])).status_code == 404
    for name in ("account_reset_password", "account_deactivate", "account_reactivate", "role_grant"):
        assert client.post(reverse(f"org:{name}", args=[pk])).status_code == 404
    assert client.post(reverse("org:role_revoke", args=[pk, assignment.pk])).status_code == 404
    world.member_a.refresh_from_db()
    assert world.member_a.is_active and world.member_a.check_password(PASSWORD)


def test_the_detail_page_shows_roles_last_sign_in_and_security_events(world):
    english().post(reverse("signin"), {"username": "t_member_a", "password": "Wrong-pass-1"})
    english().post(reverse("signin"), {"username": "t_member_a", "password": PASSWORD})
    grant(world.member_a, Role.SC_MEMBER, world.a)

    response = english(world.staff_a).get(reverse("org:account_detail", args=[world.member_a.pk]))

    page = response.content.decode()
    assert "Standing-committee member" in page
    assert "Failed sign-in" in page and "Signed in" in page
    world.member_a.refresh_from_db()
    assert world.member_a.last_login is not None
    assert "Reset the password" in page and "Deactivate the account" in page


def test_staff_of_the_congress_above_read_an_account_but_get_no_actions(world):
    response = english(world.city_staff).get(reverse("org:account_detail", args=[world.member_a.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Reset the password" not in page and "Grant a role" not in page


def test_the_mobile_number_is_masked_and_shown_only_to_its_managers_on_request(world):
    # Given a deputy's account named after their mobile number
    deputy = UserFactory(username="13900008888", mobile="13900008888", congress=world.a)
    detail = reverse("org:account_detail", args=[deputy.pk])
    show = reverse("org:account_show_mobile", args=[deputy.pk])

    # Staff of the congress above read the account with the number masked, and cannot unmask it
    above = english(world.city_staff)
    page = above.get(detail).content.decode()
    assert "13900008888" not in page and "139****8888" in page
    assert show not in page
    refused_page = above.post(show, follow=True).content.decode()
    assert "13900008888" not in refused_page
    assert not security_events("security.personal_data_viewed", deputy).exists()

    # The district's staff see it masked too, with a way to show it
    manager = english(world.staff_a)
    page = manager.get(detail).content.decode()
    assert "13900008888" not in page and show in page

    # and showing it puts the whole number on the page and records who looked
    response = manager.post(show)
    assert response.status_code == 200 and "13900008888" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    event = security_events("security.personal_data_viewed", deputy).get()
    assert event.actor == world.staff_a and "13900008888" not in str(event.payload)
    # the account's security events name it in words
    assert "Personal data viewed unmasked" in manager.get(detail).content.decode()


def test_opening_an_account_on_the_page_shows_its_password_once(world):
    client = english(world.staff_a)
    assert client.get(reverse("org:account_create")).status_code == 200

    response = client.post(
        reverse("org:account_create"),
        {"congress": world.a.pk, "username": "lisi", "full_name": "李四", "mobile": "13900003333"},
    )

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    password = response.context["password"]
    assert password in response.content.decode()
    account = User.objects.get(username="lisi")
    assert account.check_password(password) and account.must_change_password
    # The detail page does not show it again.
    assert password not in client.get(reverse("org:account_detail", args=[account.pk])).content.decode()


def test_the_new_account_form_takes_a_full_width_mobile(world):
    response = english(world.staff_a).post(
        reverse("org:account_create"),
        {
            "congress": world.a.pk,
            "username": "wangliu",
            "full_name": "王六",
            "mobile": "１３９００００６６６６",
        },
    )

    assert response.status_code == 200
    assert User.objects.get(username="wangliu").mobile == "13900006666"


@pytest.mark.parametrize("raw", ["²", "１", "1\x00", "99999999999999999999999"])
def test_an_odd_person_in_the_new_account_link_is_ignored_never_a_500(world, raw):
    response = english(world.staff_a).get(reverse("org:account_create"), {"person": raw})

    assert response.status_code == 200


def test_a_role_target_with_an_odd_id_is_explained_never_a_500(world):
    response = english(world.staff_a).post(
        reverse("org:role_grant", args=[world.member_a.pk]), {"role": Role.SC_MEMBER, "target": "congress:²"}
    )

    assert response.status_code == 400
    assert not RoleAssignment.objects.filter(user=world.member_a).exists()


def test_the_new_account_form_keeps_what_was_typed_and_explains_the_problem(world):
    client = english(world.staff_a)

    taken = client.post(
        reverse("org:account_create"),
        {"congress": world.a.pk, "username": "t_member_b", "full_name": "王五", "mobile": "13900004444"},
    )
    bad_mobile = client.post(
        reverse("org:account_create"),
        {"congress": world.a.pk, "username": "wangwu", "full_name": "王五", "mobile": "12345"},
    )
    nameless = client.post(reverse("org:account_create"), {"congress": world.a.pk, "username": "anon"})
    foreign = client.post(
        reverse("org:account_create"), {"congress": world.b.pk, "username": "x", "full_name": "某"}
    )

    page = taken.content.decode()
    assert "already taken" in page and 'value="王五"' in page and 'value="13900004444"' in page
    assert "11-digit mobile number" in bad_mobile.content.decode()
    assert "Give the name" in nameless.content.decode()
    assert "Select a valid choice" in foreign.content.decode()
    assert not User.objects.filter(username__in=["wangwu", "anon", "x"]).exists()


def test_resetting_on_the_page_shows_the_new_password_once(world):
    client = english(world.staff_a)

    response = client.post(reverse("org:account_reset_password", args=[world.member_a.pk]))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert can_sign_in("t_member_a", response.context["password"])


def test_deactivating_and_reactivating_on_the_page(world):
    client = english(world.staff_a)
    url = reverse("org:account_detail", args=[world.member_a.pk])

    response = client.post(
        reverse("org:account_deactivate", args=[world.member_a.pk]), {"reason": "调离"}, follow=True
    )
    assert response.redirect_chain[-1][0] == url
    assert "can no longer sign in" in response.content.decode()
    assert "Reactivate the account" in response.content.decode()

    response = client.post(reverse("org:account_reactivate", args=[world.member_a.pk]), follow=True)
    assert "active again" in response.content.decode()
    assert can_sign_in("t_member_a", PASSWORD)


def test_a_refused_step_on_the_page_shows_its_message(world):
    client = english(world.staff_a)

    response = client.post(reverse("org:account_reactivate", args=[world.member_a.pk]), follow=True)

    assert "already active" in response.content.decode()


def test_granting_and_revoking_a_role_on_the_page(world):
    unit = UnitFactory(congress=world.a, short_name="甲区教育局")
    client = english(world.staff_a)
    detail = client.get(reverse("org:account_detail", args=[world.member_a.pk])).content.decode()
    assert f"unit:{unit.pk}" in detail

    response = client.post(
        reverse("org:role_grant", args=[world.member_a.pk]),
        {"role": Role.UNIT_HANDLER, "target": f"unit:{unit.pk}"},
        follow=True,
    )
    assert "The role is granted" in response.content.decode()
    assignment = RoleAssignment.objects.get(user=world.member_a, unit=unit, is_active=True)

    response = client.post(reverse("org:role_revoke", args=[world.member_a.pk, assignment.pk]), follow=True)
    assert "The role is revoked" in response.content.decode()
    assignment.refresh_from_db()
    assert not assignment.is_active


def test_a_role_without_its_target_is_explained_on_the_page(world):
    client = english(world.staff_a)

    response = client.post(
        reverse("org:role_grant", args=[world.member_a.pk]),
        {"role": Role.UNIT_HANDLER, "target": f"congress:{world.a.pk}"},
    )
    forged = client.post(
        reverse("org:role_grant", args=[world.member_a.pk]),
        {"role": Role.UNIT_HANDLER, "target": f"unit:{UnitFactory(congress=world.b).pk}"},
    )

    assert response.status_code == 400
    assert "A unit handler needs the unit" in response.content.decode()
    assert forged.status_code == 400
    assert not RoleAssignment.objects.filter(user=world.member_a).exists()


def test_every_signed_in_user_has_a_my_account_page(world):
    grant(world.member_a, Role.SC_MEMBER, world.a)
    english().post(reverse("signin"), {"username": "t_member_a", "password": PASSWORD})
    client = english(world.member_a)

    response = client.get(reverse("org:my_account"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "甲区委员" in page and "t_member_a" in page
    assert "Standing-committee member" in page
    assert reverse("password_change") in page
    assert "Signed in" in page
    assert reverse("org:my_account") in client.get(reverse("home")).content.decode()  # linked in the header


def test_staffs_own_page_lists_what_happened_to_their_account_not_what_they_did_to_others(world):
    services.account_reset_password(actor=world.staff_a, account=world.member_a)

    page = english(world.staff_a).get(reverse("org:my_account")).content.decode()
    detail = english(world.staff_a).get(reverse("org:account_detail", args=[world.member_a.pk]))

    assert "Password reset by staff" not in page
    assert "Password reset by staff" in detail.content.decode()


def test_my_account_needs_a_sign_in(world):
    response = english().get(reverse("org:my_account"))

    assert response.url.startswith(reverse("signin"))
