"""Locale formatting of money, numbers and dates in Indonesian, English and Malay."""

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from serumpun.core import formatting

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("language", "amount", "currency", "expected"),
    [
        ("id", 1250000, "IDR", f"Rp{NBSP}1.250.000"),
        ("en", 1250000, "IDR", f"IDR{NBSP}1,250,000"),
        ("ms", 1250000, "IDR", f"IDR{NBSP}1,250,000"),
        ("id", "1700", "MYR", f"MYR{NBSP}1.700,00"),
        ("en", "1700", "MYR", f"RM{NBSP}1,700.00"),
        ("ms", Decimal("1700"), "MYR", f"RM{NBSP}1,700.00"),
        ("id", 12.5, "USD", "US$12,50"),
        ("en", 12.5, "USD", "US$12.50"),
        ("ms", 12.5, "USD", f"USD{NBSP}12.50"),
        ("id", -1250000, "IDR", f"-Rp{NBSP}1.250.000"),
        ("en", "0.1", "myr", f"RM{NBSP}0.10"),
    ],
)
def test_money_is_formatted_per_locale(language, amount, currency, expected):
    assert formatting.money(amount, currency, language) == expected


def test_rupiah_is_shown_without_decimals_rounded_half_up():
    assert formatting.money(Decimal("1250000.40"), "IDR", "id") == f"Rp{NBSP}1.250.000"
    assert formatting.money(Decimal("1250000.50"), "IDR", "id") == f"Rp{NBSP}1.250.001"
    assert formatting.money("2.125", "MYR", "en") == f"RM{NBSP}2.13"


def test_money_accepts_the_api_money_shape():
    assert (
        formatting.money({"amount": "123.45", "currency": "MYR"}, language="en")
        == f"RM{NBSP}123.45"
    )


@pytest.mark.parametrize("bad", [None, "", "abc", float("nan"), float("inf"), True])
def test_money_of_a_missing_or_unreadable_amount_is_empty(bad):
    assert formatting.money(bad, "IDR", "id") == ""


@pytest.mark.parametrize(
    ("language", "expected"),
    [("id", "1.234.568"), ("en", "1,234,568"), ("ms", "1,234,568")],
)
def test_number_groups_digits_per_locale(language, expected):
    assert formatting.number(1234567.6, language) == expected


@pytest.mark.parametrize(
    ("language", "places", "expected"),
    [
        ("id", 2, "1.234,50"),
        ("en", 2, "1,234.50"),
        ("ms", 2, "1,234.50"),
        ("id", None, "1.234,5"),
        ("en", 0, "1,235"),
    ],
)
def test_decimal_uses_the_locale_separators(language, places, expected):
    assert formatting.decimal("1234.5", places, language) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [("id", "14 Feb 2026"), ("en", "14 Feb 2026"), ("ms", "14 Feb 2026")],
)
def test_local_date_uses_the_medium_format(language, expected):
    assert formatting.local_date(dt.date(2026, 2, 14), language) == expected


def test_local_date_of_a_datetime_is_the_date_in_jakarta():
    # 20:00 UTC on 13 February is already 03:00 on 14 February in Jakarta (UTC+7).
    late_evening_utc = dt.datetime(2026, 2, 13, 20, 0, tzinfo=dt.UTC)
    assert formatting.local_date(late_evening_utc, "en") == "14 Feb 2026"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("id", "14 Feb 2026 03.05.00"),
        ("en", "14 Feb 2026, 3:05:00\u202fam"),
        ("ms", "14 Feb 2026, 3:05:00\u202fPG"),
    ],
)
def test_local_datetime_is_shown_in_jakarta_time(language, expected):
    stored_utc = dt.datetime(2026, 2, 13, 20, 5, tzinfo=dt.UTC)
    assert formatting.local_datetime(stored_utc, language) == expected


def test_local_datetime_of_a_non_datetime_is_empty():
    assert formatting.local_datetime("yesterday", "id") == ""
    assert formatting.local_date(None, "id") == ""


@pytest.mark.parametrize(
    ("code", "locale"),
    [
        ("id", "id_ID"),
        ("en", "en_MY"),
        ("ms", "ms_MY"),
        ("en-us", "en_MY"),
        ("fr", "id_ID"),
    ],
)
def test_django_languages_map_to_babel_locales(code, locale):
    assert formatting.babel_locale(code) == locale


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("id", f"Rp{NBSP}1.250.000 · 1.250.000 · 3,14 · 14 Feb 2026"),
        ("en", f"IDR{NBSP}1,250,000 · 1,250,000 · 3.14 · 14 Feb 2026"),
        ("ms", f"IDR{NBSP}1,250,000 · 1,250,000 · 3.14 · 14 Feb 2026"),
    ],
)
def test_template_filters_follow_the_active_language(language, expected):
    template = Template(
        "{% load serumpun %}{{ a|money:'IDR' }} · {{ a|number }} · "
        "{{ pi|decimal:2 }} · {{ d|local_date }}"
    )
    context = Context({"a": 1250000, "pi": "3.14159", "d": dt.date(2026, 2, 14)})
    with translation.override(language):
        assert template.render(context) == expected


def test_money_filter_output_is_html_escaped_text():
    template = Template("{% load serumpun %}{{ a|money:c }}")
    rendered = template.render(Context({"a": 1, "c": "<b>"}))
    assert "<b>" not in rendered
