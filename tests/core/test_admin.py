"""The Django admin: every table is there for the site administrator; service-owned tables are read-only."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.urls import reverse

from lvzhi.core.audit import record_event
from lvzhi.core.models import CalendarDay, Event, Notification
from lvzhi.core.notifications import notify
from lvzhi.org.models import RoleAssignment
from lvzhi.org.roles import Role
from tests.factories import PersonFactory, UnitFactory, UserFactory, grant

pytestmark = pytest.mark.django_db

OUR_APPS = {"core", "org", "stations", "axes"}
READ_ONLY = {"core.event", "core.notification", "org.roleassignment", "org.apitoken"} | {
    "org.groupplanitem",
    "org.groupactivity",
    "org.groupattendance",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
}


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_model_of_core_org_and_stations_is_registered():
    from django.apps import apps

    for label in ("core", "org", "stations"):
        for model in apps.get_app_config(label).get_models():
            assert admin.site.is_registered(model), model._meta.label


def test_every_changelist_and_add_page_loads_for_the_administrator(signed_in, superuser):
    client = signed_in(superuser)
    for model in list(admin.site._registry):
        if model._meta.app_label not in OUR_APPS:
            continue
        response = client.get(admin_url(model, "changelist"))
        assert response.status_code == 200, model._meta.label
        add = client.get(admin_url(model, "add"))
        expected = 403 if model._meta.label_lower in READ_ONLY else 200
        assert add.status_code == expected, model._meta.label
    # and a search does not break them
    assert client.get(admin_url(Event, "changelist"), {"q": "calendar"}).status_code == 200


def test_an_event_is_shown_but_cannot_be_changed_or_deleted(signed_in, superuser):
    event = record_event(actor=superuser, kind="test.admin", note="原样")
    client = signed_in(superuser)
    view = client.get(admin_url(Event, "change", event.pk))
    assert view.status_code == 200 and "test.admin" in view.content.decode()
    assert client.post(admin_url(Event, "change", event.pk), {"note": "改过"}).status_code == 403
    assert client.post(admin_url(Event, "delete", event.pk), {"post": "yes"}).status_code == 403
    client.post(admin_url(Event, "changelist"), {"action": "delete_selected", "_selected_action": [event.pk]})
    event.refresh_from_db()  # still there, unchanged
    assert event.note == "原样"
    model_admin = admin.site._registry[Event]
    request = view.wsgi_request
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)
    assert not model_admin.has_add_permission(request)
    assert model_admin.get_actions(request) == {}


@pytest.mark.parametrize("model", [Notification, RoleAssignment, AccessAttempt])
def test_service_owned_tables_are_read_only_even_for_a_superuser(rf, superuser, model):
    request = rf.get("/")
    request.user = superuser
    model_admin = admin.site._registry[model]
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_read_only_rows_open_for_viewing(signed_in, superuser, city):
    user = UserFactory()
    role = grant(user, Role.STAFF, city)
    notify(recipient=user, cause="test:admin", subject="提醒")
    client = signed_in(superuser)
    assert client.get(admin_url(RoleAssignment, "change", role.pk)).status_code == 200
    note = Notification.objects.get(cause="test:admin")
    assert client.get(admin_url(Notification, "change", note.pk)).status_code == 200
    assert client.post(admin_url(RoleAssignment, "delete", role.pk), {"post": "yes"}).status_code == 403
    assert RoleAssignment.objects.filter(pk=role.pk).exists()


def test_a_calendar_day_added_in_the_admin_goes_through_the_service(signed_in, superuser):
    client = signed_in(superuser)
    response = client.post(
        admin_url(CalendarDay, "add"), {"date": "2026-03-03", "kind": "holiday", "name": "测试假日"}
    )
    assert response.status_code == 302
    day = CalendarDay.objects.get(date=dt.date(2026, 3, 3))
    assert Event.objects.filter(kind="calendar.day_added", target_id=str(day.pk), actor=superuser).exists()
    # and a make-up working day on a weekday is refused with the service's message
    refused = client.post(
        admin_url(CalendarDay, "add"), {"date": "2026-03-04", "kind": "workday", "name": ""}
    )
    assert refused.status_code == 200
    assert "falls on a Saturday or Sunday" in refused.content.decode()
    assert not CalendarDay.objects.filter(date=dt.date(2026, 3, 4)).exists()


def test_a_calendar_day_deleted_in_the_admin_is_recorded(signed_in, superuser):
    day = CalendarDay.objects.get(date=dt.date(2026, 10, 10))
    signed_in(superuser).post(admin_url(CalendarDay, "delete", day.pk), {"post": "yes"})
    assert not CalendarDay.objects.filter(pk=day.pk).exists()
    assert Event.objects.filter(kind="calendar.day_deleted", target_id=str(day.pk)).exists()


def test_an_admin_correction_is_recorded_on_the_records_timeline(signed_in, superuser):
    unit = UnitFactory(short_name="教育局")
    client = signed_in(superuser)
    response = client.post(
        admin_url(unit, "change", unit.pk),
        {
            "congress": unit.congress_id,
            "kind": unit.kind,
            "name": unit.name,
            "short_name": "市教育局",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    event = Event.objects.get(kind="admin.unit.changed", target_id=str(unit.pk))
    assert event.actor == superuser and event.congress_id == unit.congress_id
    assert event.payload["via"] == "admin" and event.payload["fields"]
    assert "市教育局" not in str(event.payload)  # field names, never values


def test_opening_a_persons_admin_page_is_a_security_event(signed_in, superuser):
    person = PersonFactory()
    signed_in(superuser).get(admin_url(person, "change", person.pk))
    event = Event.objects.get(kind="security.personal_data_viewed", target_id=str(person.pk))
    assert event.is_security and event.actor == superuser


def test_accounts_are_created_in_the_admin_with_lvzhis_fields(signed_in, superuser, city):
    client = signed_in(superuser)
    response = client.post(
        reverse("admin:org_user_add"),
        {
            "username": "new_clerk",
            "full_name": "新职员",
            "mobile": "13900003333",
            "congress": city.pk,
            "usable_password": "true",
            "password1": "Clerk-pass-2026",
            "password2": "Clerk-pass-2026",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    from lvzhi.org.models import User

    clerk = User.objects.get(username="new_clerk")
    assert clerk.full_name == "新职员" and clerk.congress == city and clerk.check_password("Clerk-pass-2026")
    event = Event.objects.get(kind="admin.user.created", target_id=str(clerk.pk))
    assert event.is_security
    assert client.get(reverse("admin:org_user_change", args=[clerk.pk])).status_code == 200


def test_the_admin_is_for_the_site_administrator_only(signed_in, city_staff):
    response = signed_in(city_staff).get(reverse("admin:index"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_columns_are_labelled_in_the_readers_language(signed_in, superuser):
    # A foreign key declared without a verbose name takes its model's translated name, not "congress".
    from django.utils import translation

    from lvzhi.org.models import Congress

    record_event(actor=superuser, kind="test.label")
    html = signed_in(superuser, language="zh-hans").get(admin_url(Event, "changelist")).content.decode()
    with translation.override("zh-hans"):
        label = str(Congress._meta.verbose_name)
    assert 'class="sortable column-congress_shown' in html
    header = html.split("column-congress_shown", 1)[1].split("</th>", 1)[0]
    assert label in header and "congress" not in header.split(">", 1)[1].lower()


def test_accounts_are_deactivated_never_deleted_in_the_admin(signed_in, superuser):
    account = UserFactory()
    client = signed_in(superuser)
    assert (
        client.post(reverse("admin:org_user_delete", args=[account.pk]), {"post": "yes"}).status_code == 403
    )
    assert type(account).objects.filter(pk=account.pk).exists()


def test_admin_refuses_a_congress_at_the_wrong_level_with_a_message(admin_client):
    from lvzhi.org.models import Congress

    city = Congress.objects.get(level=Congress.Level.CITY, name__startswith="示范市")
    response = admin_client.post(
        "/admin/org/congress/add/",
        {
            "name": "错层人大",
            "short_name": "错层",
            "level": "city",
            "region_name": "错层",
            "parent": city.pk,
            "has_standing_committee": "on",
        },
    )
    assert response.status_code == 200
    assert not Congress.objects.filter(name="错层人大").exists()
    assert "errornote" in response.content.decode() or "errorlist" in response.content.decode()


def test_pager_keeps_filters_even_when_one_is_called_items(admin_client):
    response = admin_client.get("/org/deputies/", {"items": "²", "q": "", "page": "2"})
    assert response.status_code == 200
