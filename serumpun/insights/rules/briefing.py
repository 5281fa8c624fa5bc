"""The monthly briefing's figures: what happened in a month, against the month before, and why.

Pure: three `Cube`s in (the month, the month before, the twelve months to it), one JSON-safe
dict out. The dict is what the archive keeps (`Briefing.figures`), so an archived briefing
reads the same after later corrections change the roll-ups; the templates and the PDF are
drawn from it alone. "Where it is stuck" comes out as findings — a code and its numbers —
which `insights/reports.py` turns into sentences in the briefing's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from serumpun.insights import metrics as m
from serumpun.insights.rules.cube import Cube, Sums, add_months, share, top
from serumpun.logistics.rules.lane_demand import Box20, teu_equivalent

#: how many products, lanes, gaps and rejection rules each list shows
TOP_PRODUCTS = 5
TOP_LANES = 6
TOP_GAPS = 3
TOP_RULES = 3
#: the trend charts look back a year (this month included)
TREND_MONTHS = 12
#: the sector that is not formal-sector work (issue 7: formal vs domestic placements)
DOMESTIC_SECTOR = "domestic"
#: an introduction still at this stage has had no answer from the supplier
UNANSWERED_STAGE = "introduced"
OPEN_REQUEST = "open"
ENDORSED = "endorsed"
REJECTED = "rejected"
KG_PER_TONNE = 1000.0


def trend_start(month: date) -> date:
    """The first month of the twelve-month trend ending with `month`."""
    return add_months(month, 1 - TREND_MONTHS)


def change(value: float | None, previous: float | None) -> dict[str, float | None]:
    """A figure beside last month's: the value, the previous one, the difference and %."""
    if value is None or previous is None:
        return {"value": value, "previous": previous, "delta": None, "percent": None}
    ratio = share(value - previous, previous)
    return {
        "value": value,
        "previous": previous,
        "delta": value - previous,
        "percent": None if ratio is None else round(ratio * 100, 1),
    }


def _tonnes(sums: Sums) -> float:
    return round(sums.amount / KG_PER_TONNE, 2)


def _teu(sums: Sums, box: Box20) -> float:
    return round(teu_equivalent(sums.extra, sums.amount, box), 2)


def _mean_hours(sums: Sums) -> float | None:
    """Mean hours to first response over the grievances answered (None: none answered)."""
    mean = share(sums.amount, sums.extra)
    return None if mean is None else round(mean, 1)


def _snapshot(cube: Cube, metric: str) -> int | None:
    return cube.total(metric).records if cube.snapshot_month else None


def _trade(now: Cube, before: Cube, stocks: Cube, stocks_move: bool) -> dict[str, Any]:
    deals, deals_before = now.total(m.DEAL), before.total(m.DEAL)
    ready_before = _snapshot(before, m.MSME_READY) if stocks_move else None
    gaps = top(stocks.by(m.GAP_OPEN, "key"), "contributors", TOP_GAPS)
    return {
        "msmes_registered": change(
            now.total(m.MSME_REGISTERED).records,
            before.total(m.MSME_REGISTERED).records,
        ),
        "msmes_verified": change(
            now.total(m.MSME_VERIFIED).records, before.total(m.MSME_VERIFIED).records
        ),
        "msmes_assessed": _snapshot(stocks, m.MSME_ASSESSED),
        "msmes_ready": change(_snapshot(stocks, m.MSME_READY), ready_before),
        "ready_by_regency": {
            code: sums.records
            for code, sums in sorted(stocks.by(m.MSME_READY, "regency").items())
        },
        "snapshot_month": stocks.snapshot_month.isoformat()
        if stocks.snapshot_month
        else None,
        "buyer_requests": change(
            now.total(m.REQUEST_POSTED).records, before.total(m.REQUEST_POSTED).records
        ),
        "introductions": change(
            now.total(m.INTRODUCTION).records, before.total(m.INTRODUCTION).records
        ),
        "deals": change(deals.records, deals_before.records),
        "deal_value_usd": change(round(deals.amount, 2), round(deals_before.amount, 2)),
        "top_products": [
            {"hs_code": hs, "deals": sums.records, "value_usd": round(sums.amount, 2)}
            for hs, sums in top(now.by(m.DEAL, "key"), "amount", TOP_PRODUCTS)
        ],
        "top_gaps": [{"key": key, "msmes": sums.contributors} for key, sums in gaps],
    }


def _transport(now: Cube, before: Cube, box: Box20) -> dict[str, Any]:
    shipped, shipped_before = now.total(m.SHIPMENT), before.total(m.SHIPMENT)
    pooled, pooled_before = now.total(m.POOL_PLAN), before.total(m.POOL_PLAN)
    co2e, co2e_before = now.total(m.SHIPMENT_CO2E), before.total(m.SHIPMENT_CO2E)
    lanes = top(now.by(m.SHIPMENT, "key"), "amount", TOP_LANES)
    return {
        "shipments": change(shipped.records, shipped_before.records),
        "tonnes": change(_tonnes(shipped), _tonnes(shipped_before)),
        "teu": change(_teu(shipped, box), _teu(shipped_before, box)),
        "lanes": [
            {
                "destination": locode,
                "shipments": sums.records,
                "tonnes": _tonnes(sums),
                "teu": _teu(sums, box),
            }
            for locode, sums in lanes
        ],
        "pooling_plans": pooled.records,
        "pooled_containers": round(pooled.extra),
        "pooling_saving_usd": change(
            round(pooled.amount, 2), round(pooled_before.amount, 2)
        ),
        "co2e_tonnes": change(_tonnes(co2e), _tonnes(co2e_before)),
        "co2e_covered_tonnes": round(co2e.extra, 2),
    }


def _labour(now: Cube, before: Cube, stocks: Cube) -> dict[str, Any]:
    reviewed = now.by(m.JOB_ORDER_REVIEWED, "sub")
    reviewed_before = before.by(m.JOB_ORDER_REVIEWED, "sub")
    placements = now.by(m.PLACEMENT, "key")
    placed = sum(s.records for s in placements.values())
    formal = sum(s.records for k, s in placements.items() if k != DOMESTIC_SECTOR)
    grievances, grievances_before = now.total(m.GRIEVANCE), before.total(m.GRIEVANCE)
    zero = Sums()
    return {
        "job_orders_endorsed": change(
            reviewed.get(ENDORSED, zero).records,
            reviewed_before.get(ENDORSED, zero).records,
        ),
        "job_orders_rejected": change(
            reviewed.get(REJECTED, zero).records,
            reviewed_before.get(REJECTED, zero).records,
        ),
        "workers_endorsed": round(reviewed.get(ENDORSED, zero).amount),
        "rejection_rules": [
            {"rule": rule, "orders": sums.records}
            for rule, sums in top(
                now.by(m.REJECTION_REASON, "key"), "records", TOP_RULES
            )
        ],
        "seekers_registered": change(
            now.total(m.SEEKER_REGISTERED).records,
            before.total(m.SEEKER_REGISTERED).records,
        ),
        "seekers_active": _snapshot(stocks, m.SEEKER_STAGE),
        "placements": change(placed, before.total(m.PLACEMENT).records),
        "placements_by_sector": [
            {"sector": sector, "placements": sums.records}
            for sector, sums in top(placements, "records", len(placements))
        ],
        "formal_share": None
        if share(formal, placed) is None
        else round(formal / placed * 100, 1),
        "grievances": change(grievances.records, grievances_before.records),
        "grievances_unanswered": grievances.records - round(grievances.extra),
        "response_hours": change(
            _mean_hours(grievances), _mean_hours(grievances_before)
        ),
    }


def _trends(trend: Cube, box: Box20) -> dict[str, Any]:
    deals = trend.series(m.DEAL)
    shipments = trend.series(m.SHIPMENT)
    placements = trend.series(m.PLACEMENT)
    return {
        "months": [month.isoformat() for month, _ in deals],
        "deal_value_usd": [round(s.amount, 2) for _, s in deals],
        "deals": [s.records for _, s in deals],
        "tonnes": [_tonnes(s) for _, s in shipments],
        "teu": [_teu(s, box) for _, s in shipments],
        "placements": [s.records for _, s in placements],
        "msmes_registered": [s.records for _, s in trend.series(m.MSME_REGISTERED)],
    }


def _falling(sections: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Headline flows that fell against last month."""
    watched = (
        ("trade", "deals"),
        ("trade", "introductions"),
        ("transport", "shipments"),
        ("labour", "placements"),
    )
    out = []
    for section, name in watched:
        figure = sections[section][name]
        if figure["delta"] is not None and figure["delta"] < 0:
            out.append(
                {
                    "code": "falling",
                    "figure": name,
                    "value": figure["value"],
                    "previous": figure["previous"],
                }
            )
    return out


def findings(
    now: Cube, sections: Mapping[str, Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Where it is stuck: each finding a code and the numbers its sentence needs."""
    trade, labour = sections["trade"], sections["labour"]
    out: list[dict[str, Any]] = [
        {"code": "gap", "key": gap["key"], "msmes": gap["msmes"]}
        for gap in trade["top_gaps"]
    ]
    assessed = trade["msmes_assessed"] or 0
    ready = trade["msmes_ready"]["value"] or 0
    if assessed > ready:
        out.append({"code": "not_ready", "msmes": assessed - ready, "of": assessed})
    unanswered = now.total(m.INTRODUCTION, sub=UNANSWERED_STAGE).records
    if unanswered:
        out.append(
            {
                "code": "unanswered_introductions",
                "introductions": unanswered,
                "of": trade["introductions"]["value"],
            }
        )
    still_open = now.total(m.REQUEST_POSTED, sub=OPEN_REQUEST).records
    if still_open:
        out.append(
            {
                "code": "open_requests",
                "requests": still_open,
                "of": trade["buyer_requests"]["value"],
            }
        )
    for rule in labour["rejection_rules"][:1]:
        out.append(
            {"code": "rejection_rule", "rule": rule["rule"], "orders": rule["orders"]}
        )
    if labour["grievances_unanswered"] > 0:
        out.append(
            {
                "code": "unanswered_grievances",
                "grievances": labour["grievances_unanswered"],
                "of": labour["grievances"]["value"],
            }
        )
    return out + _falling(sections)


def build_figures(
    *,
    month: date,
    now: Cube,
    before: Cube,
    trend: Cube,
    box: Box20,
    refreshed_at: str | None,
    generated_at: str,
    stocks: Cube | None = None,
) -> dict[str, Any]:
    """Every figure of one month's briefing, JSON-safe (what the archive keeps).

    `now` covers the month, `before` the month before it, `trend` the twelve months to the
    month. A snapshot (export-ready MSMEs, open gaps, active seekers) is read from `stocks`
    (default `now`: the latest snapshot up to the month; the caller may pass a later one
    when the month has none); its change is shown only when the month before had a
    snapshot of its own.
    """
    stocks = stocks or now
    stocks_move = (
        stocks.snapshot_month is not None
        and before.snapshot_month is not None
        and stocks.snapshot_month != before.snapshot_month
    )
    sections: dict[str, Any] = {
        "trade": _trade(now, before, stocks, stocks_move),
        "transport": _transport(now, before, box),
        "labour": _labour(now, before, stocks),
    }
    return {
        "month": month.isoformat(),
        "previous_month": add_months(month, -1).isoformat(),
        "generated_at": generated_at,
        "rollups_refreshed_at": refreshed_at,
        **sections,
        "stuck": findings(now, sections),
        "trends": _trends(trend, box),
        "teu_box": {
            "usable_volume_m3": box.usable_volume_m3,
            "payload_kg": box.payload_kg,
        },
    }
