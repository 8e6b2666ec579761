import datetime as dt

from lvzhi.core.params import clean_query, parse_date, parse_id
from lvzhi.org.privacy import mask_mobile, normalise_mobile


def test_ids_from_odd_input_are_none_never_an_error():
    assert parse_id("42") == 42
    for raw in ["²", "٣", "-1", "0", "1e3", "", None, "9" * 40, " 7x"]:
        assert parse_id(raw) is None


def test_search_text_loses_nul_bytes_and_is_bounded():
    assert clean_query(" a\x00b ") == "ab"
    assert len(clean_query("字" * 500)) == 100


def test_dates_outside_a_sane_span_are_refused():
    assert parse_date("2026-11-26") == dt.date(2026, 11, 26)
    assert parse_date("9999-12-31") is None
    assert parse_date("2026-02-30") is None


def test_mobiles_are_normalised_to_ascii_and_masked():
    assert normalise_mobile("１３８ 1234-5678") == "13812345678"
    assert normalise_mobile("+86 138 1234 5678") == "13812345678"
    assert mask_mobile("13812345678") == "138****5678"
    assert mask_mobile("12345") == "*****"


def test_years_from_odd_input_are_none():
    from lvzhi.core.params import parse_year

    assert parse_year("2026") == 2026
    for raw in ["²⁰²⁶", "0202", "9999", "20x6", "", None]:
        assert parse_year(raw) is None
