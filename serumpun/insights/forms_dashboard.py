"""The executive dashboard's filters: a period of months and a Lampung regency."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from serumpun.exporters.forms_officer import lampung_regencies
from serumpun.insights.rules.cube import add_months, month_range

#: the default period: this many months, ending with the current one
DEFAULT_MONTHS = 12
#: the longest period one page covers (ten years of months)
MAX_MONTHS = 120
#: months outside these years are refused (they would overflow the month arithmetic)
EARLIEST_YEAR = 2000
LATEST_YEAR = 2100


@dataclass(frozen=True)
class Period:
    """What the page shows: first and last month (first days) and the regency, if any."""

    first_month: dt.date
    last_month: dt.date
    regency: str | None


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last twelve months, ending with `today`'s month."""
    last = today.replace(day=1)
    return add_months(last, 1 - DEFAULT_MONTHS), last


def _month_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=["%Y-%m"],
        error_messages={"invalid": _("Enter a month as YYYY-MM, e.g. 2026-03.")},
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )


def bound_form(query: Any, today: dt.date) -> DashboardFilterForm:
    """The filter form bound to a request's GET, showing the default months when none given."""
    data = {name: query.get(name, "") for name in ("from", "to", "regency")}
    first, last = default_period(today)
    if not data["from"] and not data["to"]:
        data |= {"from": f"{first:%Y-%m}", "to": f"{last:%Y-%m}"}
    return DashboardFilterForm(data, today=today)


class DashboardFilterForm(forms.Form):
    """Period (`from`, `to`, YYYY-MM) and regency; every field optional.

    The page never fails on a bad value: `period()` falls back to the default for what is
    wrong, and the form's errors say what was ignored.
    """

    regency = forms.ChoiceField(label=_("Regency or city"), required=False)

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        # "from" is a Python keyword, so the month fields are added here
        self.fields["from"] = _month_field(_("From month"))
        self.fields["to"] = _month_field(_("To month"))
        self.order_fields(["from", "to", "regency"])
        self.fields["regency"].choices = [  # type: ignore[attr-defined]
            ("", _("All of Lampung")),
            *((place.code, place.name) for place in lampung_regencies()),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("from", "to"):
            month = data.get(name)
            if month and not EARLIEST_YEAR <= month.year <= LATEST_YEAR:
                self.add_error(
                    name,
                    _("Choose a month between %(first)s and %(last)s.")
                    % {"first": EARLIEST_YEAR, "last": LATEST_YEAR},
                )
        first, last = data.get("from"), data.get("to")
        if first and last and last < first:
            self.add_error("to", _("The last month is before the first."))
        elif first and last and len(month_range(first, last)) > MAX_MONTHS:
            self.add_error("to", _("Show at most ten years at a time."))
        return data

    def period(self) -> Period:
        """The period and regency to show: the valid filters, defaults for the rest."""
        self.is_valid()
        data = self.cleaned_data
        default_first, default_last = default_period(self.today)
        first, last = default_first, default_last
        if not (self.errors.get("from") or self.errors.get("to")):
            if data.get("to"):
                last = data["to"].replace(day=1)
                first = add_months(last, 1 - DEFAULT_MONTHS)
            if data.get("from"):
                first = data["from"].replace(day=1)
                if not data.get("to") and last < first:
                    last = add_months(first, DEFAULT_MONTHS - 1)
        return Period(first, last, data.get("regency") or None)

    def query(self, period: Period) -> dict[str, str]:
        """The filters of `period` as GET parameters (for downloads and the refresh)."""
        query = {
            "from": f"{period.first_month:%Y-%m}",
            "to": f"{period.last_month:%Y-%m}",
        }
        if period.regency:
            query["regency"] = period.regency
        return query
