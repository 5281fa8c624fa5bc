"""Words for the quote engine's codes: cost lines, omitted-option reasons, mode names.

The pure engine returns codes (`CostItem.kind`, `Reason.code`); these turn them into text in
the current language for the API and the pages.
"""

from __future__ import annotations

from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from serumpun.logistics.rules.quote import CostItem, Omitted, QuoteOption

MODE_NAMES = {
    "sea_lcl": gettext_lazy("Sea, shared container (LCL)"),
    "sea_fcl_20": gettext_lazy("Sea, own 20' container"),
    "sea_fcl_40": gettext_lazy("Sea, own 40' container"),
    "air": gettext_lazy("Air cargo"),
}
LEG_MODE_NAMES = {
    "road": gettext_lazy("truck"),
    "ferry": gettext_lazy("ferry"),
    "sea": gettext_lazy("ship"),
    "air": gettext_lazy("plane"),
    "sea_lcl": gettext_lazy("sea LCL"),
    "sea_fcl_20": gettext_lazy("sea 20' FCL"),
    "sea_fcl_40": gettext_lazy("sea 40' FCL"),
}


def mode_name(mode: str) -> str:
    """The option's mode in words."""
    return str(MODE_NAMES.get(mode, mode))


COST_ITEM_TEXTS = {
    "road": gettext_lazy("Trucking %(a)s → %(b)s"),
    "ferry": gettext_lazy("Ferry %(a)s → %(b)s"),
    "sea_freight": gettext_lazy("Sea freight %(a)s → %(b)s"),
    "sea_freight_via": gettext_lazy("Sea freight %(a)s → %(b)s via %(via)s"),
    "air_freight": gettext_lazy("Air freight %(a)s → %(b)s"),
    "local": gettext_lazy("Local charge at %(a)s: %(via)s"),
}


def cost_item_text(item: CostItem) -> str:
    """One breakdown line in words."""
    key = "sea_freight_via" if item.kind == "sea_freight" and item.detail else item.kind
    template = COST_ITEM_TEXTS.get(key)
    if template is None:
        return item.kind
    return str(template) % {"a": item.origin, "b": item.destination, "via": item.detail}


def reason_text(omitted: Omitted) -> str:
    """Why an option is missing, in words."""
    reason = omitted.reason
    leg = str(LEG_MODE_NAMES.get(reason.leg_mode, reason.leg_mode))
    match reason.code:
        case "no_rate" if reason.expired_on is not None:
            return _(
                "No valid %(leg)s rate %(a)s → %(b)s: the last one expired on %(day)s."
            ) % {
                "leg": leg,
                "a": reason.origin or "*",
                "b": reason.destination or "*",
                "day": date_format(reason.expired_on),
            }
        case "no_rate":
            return _("No valid %(leg)s rate %(a)s → %(b)s in the rate book.") % {
                "leg": leg,
                "a": reason.origin or "*",
                "b": reason.destination or "*",
            }
        case "no_distance":
            return _("No sea distance %(a)s → %(b)s in the lane table.") % {
                "a": reason.origin,
                "b": reason.destination,
            }
        case "no_container":
            return _("No container type of this size for this cargo.")
        case "no_gateway":
            return _("No airport serves %(port)s in our network.") % {
                "port": reason.destination
            }
    return reason.code


def option_dict(option: QuoteOption) -> dict[str, Any]:
    """An option as API.md's `options[]` item (plus route, containers and rate ages)."""
    return {
        "mode": option.mode,
        "route": list(option.route),
        "legs": [
            {
                "from": leg.origin.code,
                "to": leg.destination.code,
                "mode": leg.mode,
                "distance_km": leg.distance_km,
            }
            for leg in option.legs
        ],
        "distance_km": option.distance_km,
        "transit_days": {
            "min": int(option.transit_days.min),
            "max": int(option.transit_days.max),
        },
        "cost": {
            "currency": "USD",
            "total": option.total_usd,
            "breakdown": [
                {"item": cost_item_text(i), "amount": i.amount}
                for i in option.breakdown
            ],
            "rate_sources": [
                {
                    "title": s.title,
                    "date": s.date,
                    "age_days": s.age_days,
                    "confidence": s.confidence,
                }
                for s in option.rate_sources
            ],
        },
        "co2e_kg": option.co2e_kg,
        "containers": option.containers,
    }


def omitted_dict(omitted: Omitted) -> dict[str, Any]:
    """An omitted option with its reason."""
    return {
        "mode": omitted.mode,
        "route": list(omitted.route),
        "reason": reason_text(omitted),
    }
