"""Locale formatting of money, numbers and dates for the active language (Babel, CLDR).

Django's own number localisation knows nothing of currencies, so pages format through these
functions (and the `serumpun` template filters that wrap them). Each Django language maps to
one Babel locale; the currency's decimals come from CLDR (IDR has none, MYR and USD two).
Dates and times are shown in settings.TIME_ZONE (Asia/Jakarta), whatever zone they are stored in.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import (
    format_currency,
    format_decimal,
    get_currency_precision,
    get_currency_symbol,
)
from django.conf import settings
from django.utils import translation

#: Babel locale for each Django language. English uses en_MY rather than en_US: the corridor's
#: English readers are in Malaysia, and en_MY writes "RM" and "US$" (never a bare "$", which is
#: ambiguous next to ringgit and rupiah) and dates day-month-year as both countries do.
BABEL_LOCALES: dict[str, str] = {"id": "id_ID", "en": "en_MY", "ms": "ms_MY"}

#: CLDR's currency patterns put the symbol right against the digits ("Rp1.250.000"). CLDR's
#: currencySpacing rule, which Babel does not apply, asks for a space when the symbol ends in
#: a letter; a no-break space also keeps "Rp" and the amount on one line on narrow phones.
SYMBOL_SPACE = "\u00a0"

Number = int | float | Decimal | str


def babel_locale(language: str | None = None) -> str:
    """The Babel locale for a Django language code (default: the active language)."""
    code = (language or translation.get_language() or settings.LANGUAGE_CODE).lower()
    base = code.replace("_", "-").split("-")[0]
    return BABEL_LOCALES.get(base, BABEL_LOCALES[settings.LANGUAGE_CODE])


def _to_decimal(value: Any) -> Decimal | None:
    # Floats go through str() so 12.1 stays 12.1 instead of 12.0999999…
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def _round(value: Decimal, places: int) -> Decimal:
    # Babel rounds half to even (banker's rounding); people reading a page expect half up.
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def money(amount: Any, currency: str | None = None, language: str | None = None) -> str:
    """ "Rp 1.250.000", "RM 1,700.00", "US$12.50": an amount in a currency, for this locale.

    `amount` may also be a money object or mapping with `amount` and `currency` (the API's
    {"amount": "123.45", "currency": "MYR"}). Returns "" for a missing or unreadable amount.
    """
    if currency is None:
        amount, currency = _split_money(amount)
    number = _to_decimal(amount)
    if number is None or not currency:
        return ""
    locale = babel_locale(language)
    code = str(currency).upper()
    text = format_currency(
        _round(number, get_currency_precision(code)), code, locale=locale
    )
    symbol = get_currency_symbol(code, locale=locale)
    if symbol and symbol[-1].isalpha():
        text = re.sub(
            re.escape(symbol) + r"(?=\d)", symbol + SYMBOL_SPACE, text, count=1
        )
    return text


def _split_money(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, dict):
        return value.get("amount"), value.get("currency")
    return getattr(value, "amount", value), getattr(value, "currency", None)


def number(value: Any, language: str | None = None) -> str:
    """A whole number with the locale's grouping: 1.250.000 (id), 1,250,000 (en, ms)."""
    parsed = _to_decimal(value)
    if parsed is None:
        return ""
    return format_decimal(
        _round(parsed, 0), format="#,##0", locale=babel_locale(language)
    )


def decimal(value: Any, places: int | None = None, language: str | None = None) -> str:
    """A decimal number for the locale; with `places`, exactly that many decimals."""
    parsed = _to_decimal(value)
    if parsed is None:
        return ""
    pattern = None
    if places is not None:
        digits = max(0, int(places))
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        parsed = _round(parsed, digits)
    return format_decimal(parsed, format=pattern, locale=babel_locale(language))


def _display_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_date(value: Any, language: str | None = None, fmt: str = "medium") -> str:
    """A date (or the date of a datetime in Asia/Jakarta) in the locale's medium format."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(_display_zone())
        value = value.date()
    if not isinstance(value, dt.date):
        return ""
    return format_date(value, format=fmt, locale=babel_locale(language))


def local_datetime(value: Any, language: str | None = None, fmt: str = "medium") -> str:
    """A timezone-aware datetime shown in Asia/Jakarta, in the locale's medium format."""
    if not isinstance(value, dt.datetime):
        return ""
    if value.tzinfo is None:
        # Naive values are assumed to be UTC, as the database stores them (USE_TZ).
        value = value.replace(tzinfo=dt.UTC)
    return format_datetime(
        value, format=fmt, tzinfo=_display_zone(), locale=babel_locale(language)
    )
