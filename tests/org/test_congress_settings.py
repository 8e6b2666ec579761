"""Settings per congress: a lower congress inherits unless it overrides."""

import pytest

from lvzhi.org.congress_settings import RESULT_CLASSES_ABCD, setting_for, setting_sources, validate_value
from lvzhi.org.models import Congress, CongressSetting
from tests.factories import CongressFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain():
    city = CongressFactory(level=Congress.Level.CITY)
    district = CongressFactory(parent=city)
    township = CongressFactory(parent=district, level=Congress.Level.TOWNSHIP)
    return city, district, township


def test_default_applies_when_no_congress_sets_it(chain):
    _, _, township = chain
    assert setting_for(township, "reply_months") == 3
    assert setting_sources(township)["reply_months"] is None


def test_township_inherits_the_citys_value_until_its_district_overrides(chain):
    city, district, township = chain
    CongressSetting.objects.create(congress=city, key="return_window_working_days", value=5)
    assert setting_for(township, "return_window_working_days") == 5
    assert setting_sources(township)["return_window_working_days"] == city

    CongressSetting.objects.create(congress=district, key="return_window_working_days", value=7)
    assert setting_for(township, "return_window_working_days") == 7
    assert setting_for(city, "return_window_working_days") == 5
    assert setting_sources(township)["return_window_working_days"] == district


def test_result_class_sets_are_configurable(chain):
    city, district, _ = chain
    CongressSetting.objects.create(congress=district, key="result_classes", value=RESULT_CLASSES_ABCD)
    assert [c["code"] for c in setting_for(district, "result_classes")] == ["A", "B", "C", "D"]
    assert [c["code"] for c in setting_for(city, "result_classes")] == ["A", "B", "C"]


@pytest.mark.parametrize(
    "key,value",
    [
        ("reply_months", "three"),
        ("reply_months", 0),
        ("reply_months", 99),
        ("result_classes", []),
        ("result_classes", [{"code": "A", "label": "x"}, {"code": "A", "label": "y"}]),
        ("no_such_setting", 1),
    ],
)
def test_bad_values_are_refused_with_a_message(key, value):
    with pytest.raises(ValueError) as exc:
        validate_value(key, value)
    assert str(exc.value)
