"""An account that must change its password can only do that; the API says so in the caller's language."""

from unittest import mock

import pytest
from django.urls import reverse
from django.utils.translation import trans_real

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MSGID = "Change your password first."


@pytest.fixture
def chinese_wording():
    """The zh-hans catalog with this one message in it, whatever state the real catalog is in."""
    catalog = trans_real.translation("zh-hans")._catalog._catalogs[0]
    with mock.patch.dict(catalog, {MSGID: "请先修改密码。"}):
        yield


def test_pages_send_the_account_to_the_password_form(signed_in):
    client = signed_in(UserFactory(must_change_password=True))
    response = client.get(reverse("core:inbox"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("password_change"))


def test_the_api_answers_in_the_callers_language(signed_in, chinese_wording):
    # Given a signed-in account that must change its password, reading in Chinese
    client = signed_in(UserFactory(must_change_password=True), language="zh-hans")
    # When it calls the API
    response = client.get("/api/v1/me")
    # Then the answer is the API's shape, with the detail in Chinese
    assert response.status_code == 403
    assert response.json() == {"code": "password_change_required", "detail": "请先修改密码。"}
    assert "请先修改密码" in response.content.decode()  # as characters, not \u escapes
    english = signed_in(UserFactory(must_change_password=True)).get("/api/v1/me")
    assert english.json()["detail"] == MSGID
