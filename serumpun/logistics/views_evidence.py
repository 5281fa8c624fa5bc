"""Lane-demand evidence for the province: demand per lane and month, seasonality, scenario, CSV.

For the roles holding `lane_demand.view` (transport attaché, officers, forwarders, admin);
others get 403. Figures are aggregates with small cells suppressed (`rules.lane_demand`);
the CSV export is formula-injection safe and audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.validators import MaxValueValidator, MinValueValidator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from serumpun.accounts.roles import require_permission
from serumpun.core.audit import record
from serumpun.exporters.exporting import csv_response, safe_cell
from serumpun.logistics.api_consolidation import EARLIEST, LATEST, lane_month_out
from serumpun.logistics.forms import malaysian_ports
from serumpun.logistics.presenters import mode_name
from serumpun.logistics.queries_demand import (
    DemandQuery,
    default_months,
    direct_call_scenario,
    lane_demand,
)
from serumpun.logistics.rules.lane_demand import (
    DEFAULT_MIN_SHIPPERS,
    STATUSES,
    LaneMonth,
    chart_bars,
    lane_series,
    month_range,
)
from serumpun.logistics.views import is_partial, render_page

TEMPLATE = "logistics/evidence.html"
CHART_WIDTH = 600.0
CHART_HEIGHT = 160.0
PERCENT = 100
#: the longest window one page or export covers (a decade of months)
MAX_MONTHS = 120
CSV_COLUMNS = (
    "lane",
    "origin_locode",
    "destination_locode",
    "month",
    "suppressed",
    "shippers",
    "shipments",
    "teu",
    "tonnes",
    "volume_m3",
    "reefer_share",
    *(f"{status}_{measure}" for status in STATUSES for measure in ("teu", "tonnes")),
    "hs_chapters",
)


class EvidenceFilterForm(forms.Form):
    """Which port and months to show; all optional."""

    to = forms.ChoiceField(label=_("Destination port"), required=False)
    first = forms.DateField(
        label=_("From month"),
        required=False,
        input_formats=["%Y-%m"],
        # the API's bounds: a year like 9999 would overflow the month arithmetic
        validators=[MinValueValidator(EARLIEST), MaxValueValidator(LATEST)],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    last = forms.DateField(
        label=_("To month"),
        required=False,
        input_formats=["%Y-%m"],
        validators=[MinValueValidator(EARLIEST), MaxValueValidator(LATEST)],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [("", _("All ports")), *malaysian_ports()]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = default_months(timezone.localdate())
        data["first"] = (data.get("first") or first).replace(day=1)
        data["last"] = (data.get("last") or last).replace(day=1)
        if data["last"] < data["first"]:
            self.add_error("last", _("The last month is before the first."))
        elif len(month_range(data["first"], data["last"])) > MAX_MONTHS:
            self.add_error("last", _("Show at most ten years at a time."))
        return data

    def query(self) -> DemandQuery:
        data = self.cleaned_data
        return DemandQuery(
            first_month=data["first"],
            last_month=data["last"],
            destination_locode=data.get("to") or None,
        )


def _allowed(request: HttpRequest) -> None:
    require_permission(request.user, "lane_demand.view")


def _form(request: HttpRequest) -> EvidenceFilterForm:
    return EvidenceFilterForm(request.GET or {})


def _percent(share: float | None) -> float | None:
    return None if share is None else share * PERCENT


def _row(cell: LaneMonth) -> dict[str, Any]:
    return {
        "cell": cell,
        "statuses": [cell.status(status) for status in STATUSES],
        "chapters": [
            {"key": f.key, "suppressed": f.suppressed, "percent": _percent(f.share)}
            for f in cell.by_chapter
        ],
        "reefer_percent": _percent(cell.reefer_share),
    }


def _series_context(
    cells: list[LaneMonth], months: list[dt.date]
) -> list[dict[str, Any]]:
    return [
        {
            "series": series,
            "bars": chart_bars(series, width=CHART_WIDTH, height=CHART_HEIGHT),
            "rows": [_row(cell) for cell in series.months],
        }
        for series in lane_series(cells, months=months)
    ]


def _scenario_rows() -> list[dict[str, Any]]:
    rows = []
    for row in direct_call_scenario(as_of=timezone.localdate()):
        mode = mode_name(row.mode)
        rows.append(
            {"mode": mode, "first": True, "label": _("today"), "option": row.today}
        )
        rows.append(
            {
                "mode": mode,
                "first": False,
                "label": _("weekly direct call"),
                "option": row.direct,
            }
        )
    return rows


@require_safe
@login_required
def lane_demand_page(request: HttpRequest) -> HttpResponse:
    """The evidence page; htmx requests get only the results."""
    _allowed(request)
    form = _form(request)
    context: dict[str, Any] = {
        "form": form,
        "min_shippers": DEFAULT_MIN_SHIPPERS,
        "chart_width": CHART_WIDTH,
        "chart_height": CHART_HEIGHT,
    }
    if form.is_valid():
        query = form.query()
        cells = lane_demand(query)
        months = month_range(query.first_month, query.last_month)
        context.update(
            cells=cells,
            lanes=_series_context(cells, months),
            export_query=request.GET.urlencode(),
        )
    if not is_partial(request):
        context["scenario"] = _scenario_rows()
    return render_page(request, TEMPLATE, context)


def _csv_rows(cells: list[LaneMonth]) -> Iterator[list[Any]]:
    yield list(CSV_COLUMNS)
    for cell in cells:
        out = lane_month_out(cell)
        row: list[Any] = [out[name] for name in CSV_COLUMNS[:11]]
        for status in STATUSES:
            figure = out[status] or {}
            row += [figure.get("teu"), figure.get("tonnes")]
        row.append(
            "; ".join(
                f"{c['chapter']}:{'suppressed' if c['suppressed'] else c['share']}"
                for c in out["hs_chapters"]
            )
        )
        yield [safe_cell(value) for value in row]


@require_safe
@login_required
def lane_demand_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The lane-demand table as CSV (suppressed cells stay empty); every export is audited."""
    _allowed(request)
    form = _form(request)
    if not form.is_valid():
        return HttpResponse(str(_("Check the filters.")), status=400)
    query = form.query()
    cells = lane_demand(query)
    record(
        actor=request.user,
        action="logistics.lane_demand.exported",
        fields=CSV_COLUMNS,
        purpose=(
            f"lane demand CSV {query.first_month:%Y-%m}..{query.last_month:%Y-%m}"
            f" to {query.destination_locode or 'all ports'}"
        ),
    )
    filename = f"lane-demand-{query.first_month:%Y%m}-{query.last_month:%Y%m}"
    return csv_response(_csv_rows(cells), filename)
