"""Numbers, money, percentages and dates written and read the way each locale does."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.services.formatting import Formatter

EN, FR = Formatter("en_CA"), Formatter("fr_CA")


@pytest.mark.parametrize("value, english, french", [
    (7997, "$7,997", "7\u00a0997\u00a0$"),
    (1234.5, "$1,234.50", "1\u00a0234,50\u00a0$"),
    (0.004, "$0", "0\u00a0$"),
    (1_000_000, "$1,000,000", "1\u00a0000\u00a0000\u00a0$"),
])
def test_money_in_each_locale(value, english, french):
    assert EN.money(value) == english
    assert FR.money(value) == french


def test_percentages_and_dates():
    assert EN.percent(0.135) == "13.5\u00a0%" and FR.percent(0.135) == "13,5\u00a0%"
    assert EN.percent(0.07) == "7\u00a0%"
    assert EN.date(dt.date(2026, 11, 25)) == "November 25, 2026"
    assert FR.date(dt.date(2026, 11, 25)) == "25 novembre 2026"


def test_money_that_is_not_a_number_is_refused():
    for bad in (float("inf"), float("nan")):
        with pytest.raises(ValueError):
            EN.money(bad)


@pytest.mark.parametrize("typed, value", [("$1,234.50", 1234.5), ("1234", 1234), (" 22 000 ", 22000),
                                          ("CAD 5", 5), ("1,234", 1234)])
def test_reading_money_in_english(typed, value):
    assert EN.read_money(typed) == value


@pytest.mark.parametrize("typed, value", [("22 000,50 $", 22000.5), ("1234,5", 1234.5), ("1\u202f234", 1234)])
def test_reading_money_in_french(typed, value):
    assert FR.read_money(typed) == value


@pytest.mark.parametrize("typed", ["lots", "1.2.3", "", "$", "1e309", "NaN", "inf", "1,2,3", "12,3456"])
def test_unreadable_money_raises_value_error(typed):
    with pytest.raises(ValueError):
        EN.read_money(typed)


@pytest.mark.parametrize("typed", ["", "7.5", "-1", "²", "1" * 400, "١٫٢"])
def test_unreadable_whole_numbers_raise_value_error(typed):
    with pytest.raises(ValueError):
        EN.read_whole_number(typed)


@given(st.decimals(min_value=0, max_value=10**9, places=2))
def test_an_amount_written_out_reads_back_the_same(amount):
    for formatter in (EN, FR):
        assert formatter.read_money(formatter.plain_amount(float(amount))) == pytest.approx(float(amount), abs=0.005)


def test_the_biggest_numbers_are_written_too():
    """An answer of 1e308 (allowed by a question with no maximum) is written, not an error (Babel rounds in Decimal)."""
    from app.services.formatting import Formatter

    for locale in ("en_CA", "fr_CA"):
        text = Formatter(locale).number(1e308)
        assert len([c for c in text if c.isdigit()]) == 309


@pytest.mark.parametrize("locale, value, written", [
    ("es_419", 1234.5, "$1,234.50"),
    ("uk_UA", 1234.5, "1\u00a0234,50\u00a0$"),
    ("vi_VN", 1234.5, "1.234,50\u00a0$"),
    ("ar", 1234.5, "1,234.50\u00a0$"),
    ("pa_Guru_IN", 1234567, "$12,34,567"),
    ("zh_Hans_CN", 7997, "$7,997"),
])
def test_money_follows_each_locales_own_pattern(locale, value, written):
    assert Formatter(locale).money(value) == written


@pytest.mark.parametrize("locale, typed, value", [
    ("vi_VN", "1.234", 1234), ("vi_VN", "1.234,50", 1234.5), ("uk_UA", "1 234,5", 1234.5),
    ("ar", "\u0661\u066c\u0662\u0663\u0664", 1234), ("ar", "\u0663\u066b\u0665", 3.5),
    ("pa_Guru_IN", "12,34,567", 1234567), ("pa_Guru_IN", "\u0a67\u0a68\u0a69", 123),
    ("zh_Hans_CN", "\uff11\uff12\uff13\uff14", 1234), ("en_CA", "1,234", 1234),
])
def test_reading_money_in_any_script(locale, typed, value):
    assert Formatter(locale).read_money(typed) == value


def test_whole_numbers_in_any_script():
    assert EN.read_whole_number("\u0661\u0662") == 12 and EN.read_whole_number("\u0a69") == 3
