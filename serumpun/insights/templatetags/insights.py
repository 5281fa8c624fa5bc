"""{% chart spec %}: a chart with its data table (see rules/charts.py)."""

from __future__ import annotations

from typing import Any

from django import template

from serumpun.insights.rules.charts import Chart

register = template.Library()


@register.inclusion_tag("insights/partials/chart.html")
def chart(spec: Chart, table_open: bool = False) -> dict[str, Any]:
    """Render `spec` as a figure: the canvas, its JSON and the same figures as a table."""
    return {"chart": spec, "config": spec.config(), "table_open": table_open}


@register.filter
def number(value: Any, places: int = 0) -> str:
    """A figure for a table cell: thousands grouped by the locale, "–" for none.

    Without `places`, a whole number shows whole and a fraction keeps what matters (two
    decimals below 10, one above: 0.4 TEU must not read 0).
    """
    from django.contrib.humanize.templatetags.humanize import intcomma
    from django.utils.formats import number_format

    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    if not places and isinstance(value, float) and value != round(value):
        places = 2 if abs(value) < 10 else 1  # noqa: PLR2004
    if places:
        return str(number_format(value, places, use_l10n=True, force_grouping=True))
    return str(intcomma(round(value)))
