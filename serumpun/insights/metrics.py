"""The roll-up metrics: their keys, whether they are flows or snapshots, what each column holds.

`sources.py` computes them; dashboards, the briefing and open data read them by these keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

FLOW = (
    "flow"  # events in the month they happened; every month recomputed at each refresh
)
STOCK = "stock"  # a snapshot of the current month; earlier snapshots kept as history

MSME_REGISTERED = "msme_registered"
MSME_VERIFIED = "msme_verified"
MSME_ASSESSED = "msme_assessed"
MSME_READY = "msme_ready"
GAP_OPEN = "gap_open"
REQUEST_POSTED = "request_posted"
INTRODUCTION = "introduction"
DEAL = "deal"
SHIPMENT = "shipment"
SHIPMENT_CO2E = "shipment_co2e"
POOL_PLAN = "pool_plan"
JOB_ORDER_SUBMITTED = "job_order_submitted"
JOB_ORDER_REVIEWED = "job_order_reviewed"
REJECTION_REASON = "rejection_reason"
SEEKER_REGISTERED = "seeker_registered"
SEEKER_STAGE = "seeker_stage"
PLACEMENT = "placement"
GRIEVANCE = "grievance"

#: the key of a rejection that broke no coded rule (the attaché's own reasons)
NO_RULE_BROKEN = "attache_judgement"


@dataclass(frozen=True)
class Metric:
    """What one metric's cells hold."""

    key: str
    kind: str
    label: Any
    regency: Any = ""  # what the regency column is ("" when the metric has none)
    key_means: Any = ""
    sub_means: Any = ""
    contributors: Any = ""
    amount: Any = ""
    extra: Any = ""


METRICS: dict[str, Metric] = {
    metric.key: metric
    for metric in (
        Metric(
            MSME_REGISTERED,
            FLOW,
            _("MSMEs registered"),
            regency=_("the MSME's regency"),
            contributors=_("MSMEs"),
        ),
        Metric(
            MSME_VERIFIED,
            FLOW,
            _("MSMEs verified"),
            regency=_("the MSME's regency"),
            contributors=_("MSMEs"),
        ),
        Metric(
            MSME_ASSESSED,
            STOCK,
            _("MSMEs assessed for Malaysia"),
            regency=_("the MSME's regency"),
            contributors=_("MSMEs"),
        ),
        Metric(
            MSME_READY,
            STOCK,
            _("MSMEs export-ready for Malaysia"),
            regency=_("the MSME's regency"),
            contributors=_("MSMEs"),
        ),
        Metric(
            GAP_OPEN,
            STOCK,
            _("Open readiness gaps"),
            regency=_("the MSME's regency"),
            key_means=_("gap"),
            sub_means=_("dimension"),
            contributors=_("MSMEs"),
        ),
        Metric(
            REQUEST_POSTED,
            FLOW,
            _("Buyer requests"),
            key_means=_("HS heading"),
            sub_means=_("status"),
            contributors=_("buyers"),
            amount=_("kg per month requested"),
        ),
        Metric(
            INTRODUCTION,
            FLOW,
            _("Introductions"),
            regency=_("the supplier's regency"),
            sub_means=_("stage now"),
            contributors=_("MSMEs"),
        ),
        Metric(
            DEAL,
            FLOW,
            _("Deals (orders)"),
            regency=_("the supplier's regency"),
            key_means=_("HS code"),
            sub_means=_("stage now"),
            contributors=_("MSMEs"),
            amount=_("deal value (USD)"),
            extra=_("ordered quantity (kg)"),
        ),
        Metric(
            SHIPMENT,
            FLOW,
            _("Shipments"),
            regency=_("origin regency"),
            key_means=_("destination port"),
            sub_means=_("status"),
            contributors=_("shippers"),
            amount=_("gross weight (kg)"),
            extra=_("volume (m³)"),
        ),
        Metric(
            SHIPMENT_CO2E,
            FLOW,
            _("Shipment emissions"),
            regency=_("origin regency"),
            key_means=_("destination port"),
            amount=_("kg CO2e (estimate)"),
            extra=_("tonnes covered by the estimate"),
        ),
        Metric(
            POOL_PLAN,
            FLOW,
            _("Published pooling plans"),
            amount=_("saving against shipping each when ready (USD)"),
            extra=_("containers"),
        ),
        Metric(
            JOB_ORDER_SUBMITTED,
            FLOW,
            _("Job orders submitted"),
            key_means=_("sector"),
            sub_means=_("compliance"),
            amount=_("workers needed"),
        ),
        Metric(
            JOB_ORDER_REVIEWED,
            FLOW,
            _("Job orders reviewed"),
            key_means=_("sector"),
            sub_means=_("decision"),
            amount=_("workers needed"),
        ),
        Metric(
            REJECTION_REASON,
            FLOW,
            _("Job-order rejections by rule"),
            key_means=_("rule"),
        ),
        Metric(
            SEEKER_REGISTERED,
            FLOW,
            _("Job seekers registered"),
            regency=_("the seeker's regency"),
            key_means=_("gender"),
            contributors=_("seekers"),
        ),
        Metric(
            SEEKER_STAGE,
            STOCK,
            _("Job seekers by stage"),
            regency=_("the seeker's regency"),
            key_means=_("stage"),
            contributors=_("seekers"),
        ),
        Metric(
            PLACEMENT,
            FLOW,
            _("Placements (departures)"),
            regency=_("the worker's regency"),
            key_means=_("sector"),
            sub_means=_("stage now"),
            contributors=_("workers"),
        ),
        Metric(
            GRIEVANCE,
            FLOW,
            _("Grievances"),
            regency=_("the worker's regency"),
            key_means=_("category"),
            sub_means=_("status"),
            contributors=_("workers"),
            amount=_("hours to first response (sum over answered)"),
            extra=_("answered"),
        ),
    )
}

FLOWS: frozenset[str] = frozenset(k for k, v in METRICS.items() if v.kind == FLOW)
STOCKS: frozenset[str] = frozenset(k for k, v in METRICS.items() if v.kind == STOCK)
