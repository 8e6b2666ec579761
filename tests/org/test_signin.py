"""Signing in by username or mobile number, the lockout after repeated failures, signing out, and the
password change forced at first sign-in."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import check_password, make_password
from django.test import Client, RequestFactory
from django.urls import reverse

from lvzhi.core.models import Event
from tests.factories import PASSWORD, CongressFactory, UserFactory

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def client():
    """A browser that asks for English pages (the site's default is Chinese)."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def account():
    return UserFactory(username="liwei", mobile="13900001111", full_name="李伟", congress=CongressFactory())


def sign_in(client, identifier, password, **extra):
    return client.post(reverse("signin"), {"username": identifier, "password": password}, **extra)


def security_events(kind, account=None):
    qs = Event.objects.filter(kind=kind, is_security=True)
    if account is not None:
        qs = qs.filter(actor=account)
    return qs


def is_signed_in(client):
    return "_auth_user_id" in client.session


# --- signing in -----------------------------------------------------------------------------------


def test_sign_in_by_username_lands_on_home_and_records_the_sign_in(client, account):
    response = sign_in(client, "liwei", PASSWORD)

    assert response.status_code == 302 and response.url == reverse("home")
    assert is_signed_in(client)
    event = security_events("security.signin", account).get()
    assert event.target_id == str(account.pk)
    assert "李伟" not in str(event.payload) and "13900001111" not in str(event.payload)


@pytest.mark.parametrize(
    "typed",
    [
        "13900001111",
        " 13900001111 ",
        "139 0000 1111",
        "139-0000-1111",
        "+86 139 0000 1111",
        "１３９００００１１１１",  # full-width digits, as a Chinese input method may type them
        "１３９\u3000００００\u3000１１１１",
    ],
)
def test_sign_in_by_mobile_number_works_too(client, account, typed):
    response = sign_in(client, typed, PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(account.pk)


def test_passwords_are_stored_with_argon2_outside_the_tests(settings, account):
    # Tests put a fast hasher first; the next one is what production uses.
    assert settings.PASSWORD_HASHERS[1] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    encoded = make_password("Some-pass-123", hasher="argon2")

    account.password = encoded
    account.save()

    assert encoded.startswith("argon2$")
    assert check_password("Some-pass-123", encoded)
    assert authenticate(RequestFactory().post("/signin/"), username="liwei", password="Some-pass-123")


def test_sign_in_follows_a_safe_next_but_not_a_foreign_one(client, account):
    response = client.post(
        reverse("signin"), {"username": "liwei", "password": PASSWORD, "next": "/org/deputies/"}
    )
    assert response.url == "/org/deputies/"

    client.logout()
    response = client.post(
        reverse("signin"), {"username": "liwei", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response.url == reverse("home")


def test_a_wrong_password_says_so_keeps_the_username_and_records_the_failure(client, account):
    response = sign_in(client, "liwei", "Wrong-pass-1")

    assert response.status_code == 200
    page = response.content.decode()
    assert "do not match" in page
    assert 'value="liwei"' in page
    assert "Wrong-pass-1" not in page
    assert not is_signed_in(client)
    event = security_events("security.signin_failed", account).get()
    assert event.payload == {"reason": "bad_credentials"}


@pytest.mark.parametrize("typed", ["liwei\x00", "\x00", "1390000\x001111"])
def test_a_nul_byte_in_the_username_is_a_failed_sign_in_never_a_500(client, account, typed):
    response = sign_in(client, typed, PASSWORD)

    assert response.status_code == 200
    assert not is_signed_in(client)


def test_an_unknown_username_fails_the_same_way_with_no_account_named(client, account):
    response = sign_in(client, "nobody", "Wrong-pass-1")

    assert "do not match" in response.content.decode()
    event = security_events("security.signin_failed").get()
    assert event.actor is None and event.target_id == ""


def test_a_blank_form_asks_for_both_fields_and_is_not_counted_as_a_failure(client, account):
    response = client.post(reverse("signin"), {"username": "liwei", "password": ""})

    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not security_events("security.signin_failed").exists()


def test_a_deactivated_account_cannot_sign_in_even_with_the_right_password(client, account):
    account.is_active = False
    account.save()

    response = sign_in(client, "liwei", PASSWORD)

    assert response.status_code == 200
    assert "do not match" in response.content.decode()
    assert not is_signed_in(client)


def test_signing_out_ends_the_session_and_records_it(client, account):
    sign_in(client, "liwei", PASSWORD)

    response = client.post(reverse("signout"))

    assert response.url == reverse("signin")
    assert not is_signed_in(client)
    assert security_events("security.signout", account).count() == 1
    assert client.get(reverse("home")).url == reverse("signin")


# --- lockout --------------------------------------------------------------------------------------


def fail(client, identifier, times):
    return [sign_in(client, identifier, "Wrong-pass-1") for _ in range(times)]


def test_the_fifth_failure_locks_the_account_with_a_clear_message(client, account):
    with time_machine.travel(START, tick=False):
        responses = fail(client, "liwei", 5)

    assert [r.status_code for r in responses[:4]] == [200] * 4
    locked = responses[4]
    assert locked.status_code == 403
    assert "Account locked" in locked.content.decode()
    assert "30 minutes" in locked.content.decode()
    assert security_events("security.lockout", account).count() == 1
    assert security_events("security.signin_failed", account).count() == 5


def test_a_locked_account_refuses_even_the_right_password(client, account):
    with time_machine.travel(START, tick=False):
        fail(client, "liwei", 5)
    with time_machine.travel(START + dt.timedelta(minutes=1), tick=False):
        response = sign_in(client, "liwei", PASSWORD)

    assert response.status_code == 403
    assert "Account locked" in response.content.decode()
    assert not is_signed_in(client)
    assert not security_events("security.signin", account).exists()
    last = security_events("security.signin_failed", account).first()
    assert last.payload == {"reason": "locked"}
    # A try while locked is a failure, not a second lockout.
    assert security_events("security.lockout", account).count() == 1


def test_the_lock_holds_at_29_minutes_and_lifts_after_30(client, account):
    with time_machine.travel(START, tick=False):
        fail(client, "liwei", 5)
    with time_machine.travel(START + dt.timedelta(minutes=29), tick=False):
        assert sign_in(client, "liwei", PASSWORD).status_code == 403
    with time_machine.travel(START + dt.timedelta(minutes=30, seconds=1), tick=False):
        response = sign_in(client, "liwei", PASSWORD)

        assert response.status_code == 302
        assert is_signed_in(client)


def test_tries_during_the_lock_do_not_extend_it(client, account):
    with time_machine.travel(START, tick=False):
        fail(client, "liwei", 5)
    with time_machine.travel(START + dt.timedelta(minutes=20), tick=False):
        fail(client, "liwei", 3)
    with time_machine.travel(START + dt.timedelta(minutes=31), tick=False):
        assert sign_in(client, "liwei", PASSWORD).status_code == 302


def test_failures_count_per_account_whether_username_or_mobile_was_typed(client, account):
    with time_machine.travel(START, tick=False):
        fail(client, "liwei", 3)
        fail(client, "13900001111", 1)
        assert sign_in(client, "liwei", "Wrong-pass-1").status_code == 403
        # Locked by either name.
        assert sign_in(client, "13900001111", PASSWORD).status_code == 403
        assert sign_in(client, "liwei", PASSWORD).status_code == 403


def test_one_accounts_lock_does_not_touch_another(client, account):
    other = UserFactory(username="zhaomin")
    with time_machine.travel(START, tick=False):
        fail(client, "liwei", 5)
        response = sign_in(client, "zhaomin", PASSWORD)

        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(other.pk)


def test_a_successful_sign_in_clears_earlier_failures(client, account):
    with time_machine.travel(START, tick=False):
        fail(client, "liwei", 4)
        assert sign_in(client, "liwei", PASSWORD).status_code == 302
        client.post(reverse("signout"))
        responses = fail(client, "liwei", 4)

    assert all(r.status_code == 200 for r in responses)


def test_the_locked_page_speaks_the_users_language(client, account):
    with time_machine.travel(START, tick=False):
        fail(client, "liwei", 4)
        response = sign_in(client, "liwei", "Wrong-pass-1", HTTP_ACCEPT_LANGUAGE="zh-hans")

    page = response.content.decode()
    assert response.status_code == 403
    assert 'lang="zh-hans"' in page
    assert "Account locked" not in page  # the Chinese catalog answers


# --- the password change forced at first sign-in --------------------------------------------------


@pytest.fixture
def newcomer():
    user = UserFactory(username="newbie", congress=CongressFactory())
    user.must_change_password = True
    user.save()
    return user


def test_first_sign_in_leads_to_the_password_change_page(client, newcomer):
    response = sign_in(client, "newbie", PASSWORD, follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("password_change"))
    assert "Please choose a new password" in response.content.decode()


@pytest.mark.parametrize("path", ["/", "/org/deputies/", "/org/accounts/", "/core/messages/"])
def test_every_other_page_sends_a_newcomer_back_to_the_password_change(client, newcomer, path):
    client.force_login(newcomer)

    response = client.get(path)

    assert response.status_code == 302
    assert response.url.startswith(reverse("password_change") + "?next=")


def test_the_api_answers_a_newcomer_with_a_clear_json_refusal(client, newcomer):
    client.force_login(newcomer)

    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 403
    assert response.json()["code"] == "password_change_required"


def test_the_newcomer_can_still_sign_out(client, newcomer):
    client.force_login(newcomer)

    response = client.post(reverse("signout"))

    assert response.url == reverse("signin")
    assert not is_signed_in(client)


@pytest.mark.parametrize(
    ("new_password", "message"),
    [
        ("Ab1-x", "too short"),
        ("alllowercase", "at least three of"),
        ("Password123", "too common"),
        ("83749218374", "entirely numeric"),
        ("Newbie-2026", "too similar"),
    ],
)
def test_a_weak_new_password_is_refused_with_a_clear_message(client, newcomer, new_password, message):
    client.force_login(newcomer)

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    newcomer.refresh_from_db()
    assert newcomer.must_change_password


def test_the_new_passwords_must_match_and_the_old_one_be_right(client, newcomer):
    client.force_login(newcomer)

    mismatch = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Fresh-pass-77", "new_password2": "Fresh-pass-78"},
    )
    wrong_old = client.post(
        reverse("password_change"),
        {"old_password": "Not-it-123", "new_password1": "Fresh-pass-77", "new_password2": "Fresh-pass-77"},
    )

    assert "The two new passwords differ" in mismatch.content.decode()
    assert "current password is not correct" in wrong_old.content.decode()


def test_a_good_new_password_frees_the_account_and_is_recorded(client, newcomer):
    client.force_login(newcomer)

    response = client.post(
        reverse("password_change") + "?next=/org/deputies/",
        {
            "old_password": PASSWORD,
            "new_password1": "Fresh-pass-77",
            "new_password2": "Fresh-pass-77",
            "next": "/org/deputies/",
        },
    )

    assert response.url == "/org/deputies/"
    newcomer.refresh_from_db()
    assert not newcomer.must_change_password
    assert newcomer.check_password("Fresh-pass-77")
    assert client.get(reverse("home")).status_code == 200  # still signed in, and free to go on
    assert security_events("security.password_changed", newcomer).count() == 1
    client.post(reverse("signout"))
    assert sign_in(client, "newbie", PASSWORD).status_code == 200  # the old password is gone
    assert sign_in(client, "newbie", "Fresh-pass-77").status_code == 302
