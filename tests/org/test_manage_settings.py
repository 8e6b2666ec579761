"""The congress settings page: the value in force, where it comes from, and overriding or clearing it."""

import pytest
from django.urls import reverse

from lvzhi.core.errors import ServiceError
from lvzhi.org.congress_settings import RESULT_CLASSES_ABC, RESULT_CLASSES_ABCD, setting_for
from lvzhi.org.models import CongressSetting
from lvzhi.org.services import settings as setting_services

from .manage_world import TODAY, build_world, events

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(time_machine):
    time_machine.move_to(TODAY, tick=False)
    return build_world()


def rows(page):
    return {row["key"]: row for row in page.context["rows"]}


def test_the_page_says_where_each_value_comes_from(w):
    CongressSetting.objects.create(congress=w.city, key="reply_months", value=2)
    CongressSetting.objects.create(congress=w.district_a, key="evaluation_days", value=10)
    page = w.client(w.staff_a).get(reverse("org:congress_settings", args=[w.district_a.pk]))
    by_key = rows(page)
    assert (by_key["reply_months"]["value"], by_key["reply_months"]["source"]) == (2, w.city)
    assert by_key["evaluation_days"]["value"] == 10 and by_key["evaluation_days"]["from_here"]
    assert by_key["opinion_ack_days"]["source"] is None and by_key["opinion_ack_days"]["value"] == 3
    html = page.content.decode()
    assert f"inherited from {w.city.name}" in html and "this congress" in html and "the default" in html


def test_staff_override_a_number_and_the_change_is_audited(w):
    CongressSetting.objects.create(congress=w.city, key="reply_months", value=2)
    page = w.client(w.staff_a).post(
        reverse("org:congress_settings", args=[w.district_a.pk]),
        {"key": "reply_months", "action": "set", "reply_months-value": "4"},
    )
    assert page.status_code == 302
    assert setting_for(w.district_a, "reply_months") == 4
    assert setting_for(w.district_b, "reply_months") == 2  # the sibling still inherits the city's
    [event] = events("congress.setting_set", w.district_a)
    assert event.payload == {"key": "reply_months", "old": None, "new": 4}
    w.client(w.staff_a).post(
        reverse("org:congress_settings", args=[w.district_a.pk]),
        {"key": "reply_months", "action": "set", "reply_months-value": "5"},
    )
    assert events("congress.setting_set", w.district_a)[1].payload == {
        "key": "reply_months",
        "old": 4,
        "new": 5,
    }


def test_a_number_out_of_range_is_refused_and_the_form_keeps_it(w):
    page = w.client(w.staff_a).post(
        reverse("org:congress_settings", args=[w.district_a.pk]),
        {"key": "reply_months", "action": "set", "reply_months-value": "9"},
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Enter a number from 1 to 6." in html and 'value="9"' in html
    assert not CongressSetting.objects.filter(congress=w.district_a).exists()
    with pytest.raises(ServiceError) as refused:
        setting_services.congress_setting_set(
            actor=w.staff_a, congress=w.district_a, key="reply_months", value=9
        )
    assert refused.value.code == "bad_value"


def test_clearing_an_override_brings_back_the_inherited_value(w):
    CongressSetting.objects.create(congress=w.city, key="reply_months", value=2)
    CongressSetting.objects.create(congress=w.district_a, key="reply_months", value=4)
    page = w.client(w.staff_a).post(
        reverse("org:congress_settings", args=[w.district_a.pk]), {"key": "reply_months", "action": "clear"}
    )
    assert page.status_code == 302
    assert setting_for(w.district_a, "reply_months") == 2
    assert events("congress.setting_cleared", w.district_a)[0].payload == {
        "key": "reply_months",
        "old": 4,
        "new": None,
    }
    with pytest.raises(ServiceError) as refused:
        setting_services.congress_setting_clear(actor=w.staff_a, congress=w.district_a, key="reply_months")
    assert refused.value.code == "not_overridden"


def test_the_abcd_preset_is_one_click(w):
    page = w.client(w.staff_a).post(
        reverse("org:congress_settings", args=[w.district_a.pk]),
        {"key": "result_classes", "action": "preset_abcd"},
    )
    assert page.status_code == 302
    assert setting_for(w.district_a, "result_classes") == RESULT_CLASSES_ABCD
    assert setting_for(w.town_a, "result_classes") == RESULT_CLASSES_ABCD  # the township inherits it
    [event] = events("congress.setting_set", w.district_a)
    assert event.payload["old"] is None and [c["code"] for c in event.payload["new"]] == ["A", "B", "C", "D"]


def result_rows(*rows, extra=2):
    data = {"key": "result_classes", "action": "set"}
    all_rows = list(rows) + [{}] * extra
    data.update({"result_classes-TOTAL_FORMS": str(len(all_rows)), "result_classes-INITIAL_FORMS": "0"})
    for i, row in enumerate(all_rows):
        for key, value in row.items():
            data[f"result_classes-{i}-{key}"] = value
    return data


def test_staff_edit_result_classes_as_rows(w):
    data = result_rows(
        {"code": "A", "label": "已解决", "solved": "on"},
        {"code": "B", "label": "正在解决", "promise": "on"},
        {"code": "C", "label": "留作参考", "reference": "on"},
    )
    page = w.client(w.staff_a).post(reverse("org:congress_settings", args=[w.district_a.pk]), data)
    assert page.status_code == 302
    assert setting_for(w.district_a, "result_classes") == [
        {"code": "A", "label": "已解决", "solved": True, "promise": False, "reference": False},
        {"code": "B", "label": "正在解决", "solved": False, "promise": True, "reference": False},
        {"code": "C", "label": "留作参考", "solved": False, "promise": False, "reference": True},
    ]


def test_result_classes_with_a_repeated_code_are_refused_and_the_rows_kept(w):
    data = result_rows({"code": "A", "label": "已解决", "solved": "on"}, {"code": "A", "label": "重复"})
    page = w.client(w.staff_a).post(reverse("org:congress_settings", args=[w.district_a.pk]), data)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Result class codes must be different." in html and 'value="重复"' in html
    assert setting_for(w.district_a, "result_classes") == RESULT_CLASSES_ABC


def test_a_row_with_a_code_and_no_label_is_refused(w):
    page = w.client(w.staff_a).post(
        reverse("org:congress_settings", args=[w.district_a.pk]), result_rows({"code": "A", "label": ""})
    )
    assert page.status_code == 200
    assert "Give both a code and a label" in page.content.decode()
    assert not CongressSetting.objects.filter(congress=w.district_a).exists()


def test_settings_are_changed_by_the_congress_own_staff_only(w):
    url = reverse("org:congress_settings", args=[w.district_a.pk])
    data = {"key": "reply_months", "action": "set", "reply_months-value": "4"}
    assert w.client(w.staff_b).get(url).status_code == 404
    assert w.client(w.staff_b).post(url, data).status_code == 404
    city_read = w.client(w.city_staff).get(url)
    assert city_read.status_code == 200 and 'name="action"' not in city_read.content.decode()
    assert w.client(w.city_staff).post(url, data).status_code == 403
    assert w.client(w.deputy_a).post(url, data).status_code == 403
    assert not CongressSetting.objects.filter(congress=w.district_a).exists()
    with pytest.raises(ServiceError) as refused:
        setting_services.congress_setting_set(
            actor=w.city_staff, congress=w.district_a, key="reply_months", value=4
        )
    assert refused.value.code == "not_allowed"


def test_the_settings_page_costs_a_fixed_number_of_queries(w, django_assert_max_num_queries):
    for key, value in [("reply_months", 2), ("evaluation_days", 10), ("result_classes", RESULT_CLASSES_ABCD)]:
        CongressSetting.objects.create(congress=w.city, key=key, value=value)
    client = w.client(w.staff_a)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("org:congress_settings", args=[w.town_a.pk])).status_code == 200


def test_staff_set_the_reminder_days_as_a_list(w):
    url = reverse("org:congress_settings", args=[w.district_a.pk])
    page = w.client(w.staff_a).post(
        url, {"key": "reminder_offsets_days", "action": "set", "reminder_offsets_days-value": "10，2"}
    )
    assert page.status_code == 302
    assert setting_for(w.district_a, "reminder_offsets_days") == [10, 2]
    page = w.client(w.staff_a).post(
        url, {"key": "reminder_offsets_days", "action": "set", "reminder_offsets_days-value": "ten"}
    )
    assert page.status_code == 200 and 'value="ten"' in page.content.decode()
    assert setting_for(w.district_a, "reminder_offsets_days") == [10, 2]
