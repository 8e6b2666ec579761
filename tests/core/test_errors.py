"""Error pages and the health check: a person gets a clear page in their language, never a traceback; a
monitor gets JSON with the database's state."""

import re
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import OperationalError, connections
from django.test import Client, RequestFactory
from django.urls import path
from django.utils import translation

import lvzhi.urls
from lvzhi.core.views import server_error
from lvzhi.org.roles import Role
from tests.factories import CongressFactory, UserFactory, grant

pytestmark = pytest.mark.django_db


# A URL configuration with views that fail in each way, around the site's own (used with @pytest.mark.urls).
def _boom(request):
    raise RuntimeError("boom")


def _forbidden(request):
    raise PermissionDenied


def _suspicious(request):
    raise SuspiciousOperation("bad")


urlpatterns = [
    path("test-boom/", _boom),
    path("test-forbidden/", _forbidden),
    path("test-suspicious/", _suspicious),
    path("api/v1/test-boom/", _boom),
    *lvzhi.urls.urlpatterns,
]
handler400 = lvzhi.urls.handler400
handler403 = lvzhi.urls.handler403
handler404 = lvzhi.urls.handler404
handler500 = lvzhi.urls.handler500


def zh(msgid: str) -> str:
    with translation.override("zh-hans"):
        text = translation.gettext(msgid)
    assert text != msgid, f"{msgid!r} has no Chinese translation yet"
    return text


@pytest.fixture
def staff(client):
    user = UserFactory(username="err_staff")
    grant(user, Role.STAFF, CongressFactory())
    client.force_login(user)
    return user


def _templates(response) -> list[str]:
    return [t.name for t in response.templates]


def test_an_unknown_id_is_a_404_page_in_chinese(staff, client):
    for url in ("/org/deputies/999999999/", "/stations/999999999/", "/org/tokens/999999999/revoke/"):
        response = client.get(url) if "revoke" not in url else client.post(url)
        assert response.status_code == 404, url
        body = response.content.decode()
        assert '<html lang="zh-hans">' in body
        assert zh("Page not found") in body
        assert "404.html" in _templates(response)
        assert "Traceback" not in body


def test_an_unknown_address_is_a_404_page_for_anyone(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert zh("Page not found") in response.content.decode()


def test_the_404_page_follows_the_chosen_language(staff, client):
    client.cookies["django_language"] = "en"
    response = client.get("/org/deputies/999999999/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.urls(__name__)
def test_a_server_error_is_a_plain_page_without_a_traceback(staff):
    browser = Client(raise_request_exception=False)
    browser.force_login(staff)
    response = browser.get("/test-boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert zh("Server error") in body
    assert "boom" not in body and "Traceback" not in body


def test_the_500_page_renders_with_the_database_down():
    request = RequestFactory().get("/anything/")
    with (
        translation.override("zh-hans"),
        mock.patch.object(connections["default"], "cursor", side_effect=OperationalError("down")),
    ):
        response = server_error(request)
    assert response.status_code == 500
    assert zh("Server error") in response.content.decode()


@pytest.mark.urls(__name__)
def test_an_api_server_error_answers_json():
    response = Client(raise_request_exception=False).get("/api/v1/test-boom/")
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"


@pytest.mark.urls(__name__)
def test_a_forbidden_page_in_chinese(staff, client):
    response = client.get("/test-forbidden/")
    assert response.status_code == 403
    assert zh("Forbidden") in response.content.decode()
    assert "403.html" in _templates(response)


@pytest.mark.urls(__name__)
def test_a_bad_request_page(staff, client):
    response = client.get("/test-suspicious/")
    assert response.status_code == 400
    assert "400.html" in _templates(response)
    assert "Traceback" not in response.content.decode()


def test_a_csrf_failure_is_a_friendly_page(staff):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(staff)
    response = browser.post("/org/tokens/", {"name": "x"})
    assert response.status_code == 403
    assert "403_csrf.html" in _templates(response)
    body = response.content.decode()
    assert "CSRF verification failed" not in body
    assert re.search(r'href="/"', body), "a way back home"


# --- /healthz ----------------------------------------------------------------------------------
def test_healthz_reports_the_database_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["state"] == "ok"
    assert body["database"]["vendor"] == connections["default"].vendor


def test_healthz_answers_503_when_the_database_is_down(client):
    with mock.patch.object(
        connections["default"], "cursor", side_effect=OperationalError("connection refused")
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"]["state"] == "error"
    assert "connection refused" not in response.content.decode()  # no internals to the outside


def test_healthz_needs_no_sign_in_even_for_a_user_who_must_change_password(client):
    user = UserFactory(must_change_password=True)
    client.force_login(user)
    assert client.get("/healthz").status_code == 200
