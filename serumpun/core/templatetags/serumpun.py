"""Template filters for locale formatting: `{% load serumpun %}`.

    {{ amount|money:"IDR" }}       Rp 1.250.000 (id) · IDR 1,250,000 (en, ms)
    {{ price|money }}              a money object or {"amount", "currency"} mapping
    {{ count|number }}             1.250.000 (id) · 1,250,000 (en, ms)
    {{ weight|decimal:2 }}         1.234,50 (id) · 1,234.50 (en, ms)
    {{ created_at|local_datetime }}  medium format, in Asia/Jakarta
    {{ valid_until|local_date }}

Each filter formats for the active language and returns "" for a missing value, so
`|default:"—"` can follow it.
"""

from __future__ import annotations

from typing import Any

from django import template

from serumpun.core import formatting

register = template.Library()


@register.filter
def money(amount: Any, currency: str | None = None) -> str:
    """An amount in a currency, formatted for the active language."""
    return formatting.money(amount, currency)


@register.filter
def number(value: Any) -> str:
    """A whole number with the active language's digit grouping."""
    return formatting.number(value)


@register.filter
def decimal(value: Any, places: int | str | None = None) -> str:
    """A decimal number; with an argument, exactly that many decimals."""
    try:
        digits = None if places in (None, "") else int(places)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        digits = None  # a template typo shows the number unrounded, not an error page
    return formatting.decimal(value, digits)


@register.filter
def local_date(value: Any) -> str:
    """A date in the active language's medium format (Asia/Jakarta for datetimes)."""
    return formatting.local_date(value)


@register.filter
def local_datetime(value: Any) -> str:
    """A datetime in Asia/Jakarta, in the active language's medium format."""
    return formatting.local_datetime(value)
