"""The open-data page: public, no sign-in, the same tables as /api/v1/open/ with downloads.

Monthly series cover the period (default: the last 24 months); breakdowns by regency, sector,
lane and category are per calendar year (`?year=`, default the period's last). Each table is
a chart spec, so `?download=<table id>&format=csv|xlsx` answers that table as a file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, cast

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from serumpun.accounts.models import User
from serumpun.insights import api_open
from serumpun.insights.downloads import FORMATS, find_chart, table_download
from serumpun.insights.rules import open_data as rules
from serumpun.insights.rules.charts import (
    BAR,
    HORIZONTAL_BAR,
    LINE,
    STACKED_BAR,
    Chart,
    Series,
)
from serumpun.insights.rules.cube import SUPPRESSED, Amount, month_range
from serumpun.insights.templatetags.insights import number
from serumpun.labour.models import Grievance, Sector

Value = int | float | str | None
#: tables of at most this many rows show open under their chart (a regency per row)
OPEN_TABLE_ROWS = 16


class PeriodForm(forms.Form):
    """The period of the monthly series and the year of the breakdowns."""

    start = forms.RegexField(
        label=gettext_lazy("From (month)"),
        regex=api_open.MONTH_PATTERN,
        required=False,
        widget=forms.TextInput(attrs={"type": "month"}),
    )
    end = forms.RegexField(
        label=gettext_lazy("To (month)"),
        regex=api_open.MONTH_PATTERN,
        required=False,
        widget=forms.TextInput(attrs={"type": "month"}),
    )

    def period(self, today: dt.date) -> tuple[dt.date, dt.date]:
        """The months asked for, or the default 24 months when they cannot be shown."""
        if self.is_valid():
            first, last = api_open.requested_period(
                self.cleaned_data["start"] or None,
                self.cleaned_data["end"] or None,
                today=today,
            )
            if api_open.period_problem(first, last) is None:
                return first, last
            self.add_error(
                "start",
                _("Choose at most %(months)d months, the first before the last.")
                % {"months": api_open.MAX_MONTHS},
            )
        return api_open.default_period(today)


def _values(items: Sequence[Any], name: str) -> list[float | int | None]:
    """A series of published figures; "<5" goes through as text for the tables and files."""
    out: list[Value] = []
    for item in items:
        value = getattr(item, name)
        out.append(value.value if isinstance(value, Amount) else value)
    # The chart library draws text as a gap; the table and downloads show it as "<5".
    return cast("list[float | int | None]", out)


def _month_label(key: str) -> str:
    return date_format(dt.date.fromisoformat(f"{key}-01"), "M Y")


def _chart(
    chart_id: str,
    title: str,
    kind: str,
    rows: Sequence[Any],
    *,
    label: Callable[[Any], str],
    series: Sequence[tuple[str, str]],
    unit: str = "",
    note: str = "",
    totals: Sequence[Any] = (),
) -> Chart:
    """A table as a chart; a breakdown's total goes in its note, not among its bars."""
    if totals:
        figures = " · ".join(
            f"{name} {number(_values(totals, field)[0])}" for field, name in series
        )
        note = " ".join(filter(None, [_("Lampung, all together: %s.") % figures, note]))
    return Chart(
        id=chart_id,
        title=title,
        kind=kind,
        labels=[label(row) for row in rows],
        series=[Series(name, _values(rows, field)) for field, name in series],
        unit=unit,
        note=note,
    )


def page_charts(data: api_open.OpenData, year: int) -> list[Chart]:
    """Every table of the page, as chart specs (their tables are what downloads hold)."""
    pub = data.publication
    months = {
        rules.month_key(d) for d in month_range(data.first_month, data.last_month)
    }

    def monthly(rows: Sequence[Any]) -> list[Any]:
        return [
            r for r in rows if getattr(r, "month", getattr(r, "period", "")) in months
        ]

    def of_year(rows: Sequence[Any]) -> list[Any]:
        return [
            r
            for r in rows
            if str(getattr(r, "year", getattr(r, "period", ""))) == str(year)
        ]

    def total(rows: Sequence[Any]) -> list[Any]:
        return of_year(rows)[:1]

    def regency(row: Any) -> str:
        return data.regency_names.get(row.regency_code, row.regency_code)

    def sector(row: Any) -> str:
        code = row.sector
        return str(Sector(code).label) if code in Sector.values else code

    def category(row: Any) -> str:
        code = row.category
        if code in Grievance.Category.values:
            return str(Grievance.Category(code).label)
        return code

    def lane(row: Any) -> str:
        code = row.destination_locode
        return f"Panjang → {data.port_names.get(code, code)}"

    def period(row: Any) -> str:
        key = str(getattr(row, "month", None) or getattr(row, "period", ""))
        return _month_label(key) if len(key) > len("YYYY") else key

    y = str(year)
    return [
        _chart(
            "msmes-by-month",
            _("MSMEs registered and verified per month"),
            BAR,
            monthly(pub.msmes_by_month),
            label=period,
            series=[("registered", _("registered")), ("verified", _("verified"))],
        ),
        _chart(
            f"msmes-by-regency-{y}",
            _("MSMEs by regency, %(year)s") % {"year": y},
            HORIZONTAL_BAR,
            of_year(pub.msmes_by_regency),
            label=regency,
            series=[
                ("registered", _("registered")),
                ("verified", _("verified")),
                ("export_ready", _("export-ready for Malaysia")),
            ],
            note=_("Export-ready: the latest assessment of the year."),
            totals=total(pub.msmes_by_year),
        ),
        _chart(
            "trade-by-month",
            _("Introductions and deals per month"),
            BAR,
            monthly(pub.trade_by_month),
            label=period,
            series=[("introductions", _("introductions")), ("deals", _("deals"))],
        ),
        _chart(
            "deal-value-by-month",
            _("Deal value per month"),
            LINE,
            monthly(pub.trade_by_month),
            label=period,
            series=[("deal_value_usd", _("deal value"))],
            unit="USD",
            note=_("Shown only where five MSMEs or more took part."),
        ),
        _chart(
            "shipments-by-month",
            _("Shipments per month, all lanes"),
            BAR,
            monthly(pub.shipments_by_month),
            label=period,
            series=[
                ("shipments", _("shipments")),
                ("tonnes", _("tonnes")),
                ("teu", _("TEU-equivalent")),
                ("co2e_tonnes", _("tonnes CO2e (estimate)")),
            ],
            note=_("CO2e is an estimate from the route engine's emission factors."),
        ),
        _chart(
            f"shipments-by-lane-{y}",
            _("Shipments by lane, %(year)s") % {"year": y},
            HORIZONTAL_BAR,
            of_year(pub.shipments_by_year_lane),
            label=lane,
            series=[
                ("shipments", _("shipments")),
                ("tonnes", _("tonnes")),
                ("teu", _("TEU-equivalent")),
            ],
            totals=total(pub.shipments_by_year),
        ),
        _chart(
            "shipments-by-month-lane",
            _("Shipments per month and lane"),
            BAR,
            monthly(pub.shipments_by_month_lane),
            label=lambda row: f"{period(row)} · {lane(row)}",
            series=[
                ("shipments", _("shipments")),
                ("tonnes", _("tonnes")),
                ("teu", _("TEU-equivalent")),
            ],
        ),
        _chart(
            "job-orders-by-month",
            _("Job orders endorsed and rejected per month"),
            STACKED_BAR,
            monthly(pub.job_orders_by_month),
            label=period,
            series=[("endorsed", _("endorsed")), ("rejected", _("rejected"))],
        ),
        _chart(
            f"job-orders-by-sector-{y}",
            _("Job orders by sector, %(year)s") % {"year": y},
            HORIZONTAL_BAR,
            of_year(pub.job_orders_by_sector),
            label=sector,
            series=[
                ("endorsed", _("endorsed")),
                ("rejected", _("rejected")),
                ("reviewed", _("reviewed")),
            ],
            totals=total(pub.job_orders_by_year),
        ),
        _chart(
            f"labour-by-regency-{y}",
            _("Job seekers and placements by regency, %(year)s") % {"year": y},
            HORIZONTAL_BAR,
            of_year(pub.labour_by_regency),
            label=regency,
            series=[
                ("seekers_registered", _("seekers registered")),
                ("placements", _("placements (departures)")),
            ],
            totals=total(pub.labour_by_year),
        ),
        _chart(
            f"placements-by-sector-{y}",
            _("Placements by sector, %(year)s") % {"year": y},
            HORIZONTAL_BAR,
            of_year(pub.placements_by_sector),
            label=sector,
            series=[("placements", _("placements (departures)"))],
            totals=total(pub.labour_by_year),
        ),
        _chart(
            "grievances-by-month",
            _("Grievances per month"),
            BAR,
            monthly(pub.grievances_by_month),
            label=period,
            series=[("grievances", _("grievances"))],
        ),
        _chart(
            f"grievances-by-category-{y}",
            _("Grievances by category, %(year)s") % {"year": y},
            HORIZONTAL_BAR,
            of_year(pub.grievances_by_year_category),
            label=category,
            series=[("grievances", _("grievances"))],
            totals=total(pub.grievances_by_year),
        ),
    ]


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """The open-data page, or one of its tables as a CSV or XLSX file."""
    today = timezone.localdate()
    form = PeriodForm(request.GET or None)
    first, last = form.period(today)
    data = api_open.load_open_data(first, last)
    years = data.publication.years
    year = (
        int(y) if (y := request.GET.get("year", "")) in map(str, years) else years[-1]
    )
    charts = page_charts(data, year)
    if (table := request.GET.get("download")) is not None:
        fmt = request.GET.get("format", "csv")
        return table_download(find_chart(charts, table), fmt if fmt in FORMATS else "")
    chosen: dict[str, str | int] = {
        "start": rules.month_key(first),
        "end": rules.month_key(last),
    }
    context = {
        "form": form,
        "query": urlencode({**chosen, "year": year}),
        "year_links": [(y, urlencode({**chosen, "year": y})) for y in years],
        "charts": charts,
        # short tables (the year's breakdowns) open; the long monthly ones under their chart
        "tables": [(c, len(c.labels) <= OPEN_TABLE_ROWS) for c in charts],
        "years": years,
        "year": year,
        "data": data,
        "first_month": first,
        "last_month": last,
        "demo": User.objects.filter(is_demo=True).exists(),
        "licence": api_open.LICENCE,
        "attribution": api_open.ATTRIBUTION,
        "suppressed": SUPPRESSED,
        "api_index": "/api/v1/open/",
        "api_docs": "/api/v1/docs",
        "cited_on": today,
        "page_url": request.build_absolute_uri(request.path),
    }
    return render(request, "insights/open/index.html", context)
