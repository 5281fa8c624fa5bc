"""Every change to logistics records: rates, shipments, pooling plans.

Views, the API, the admin and demo seeding call these. Each checks the actor's permission,
runs in one transaction, validates, writes the audit row and notifies whom it concerns.
Callers look records up with `visible_to(by)` first, so another organisation's shipment is a
404 before an action runs.

Errors: `PermissionDenied` (403) when the role may not act; `ConflictError` (409) for an
illegal status change; `ValidationError` with a field → message dict (422) for bad values.

Who keeps the rate book (issue 6): forwarders (rates.publish), the transport attaché
(ratebook.manage) and provincial officers, who know the local trucking and ferry tariffs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from serumpun.accounts.models import User
from serumpun.accounts.roles import Role, has_permission
from serumpun.core import audit
from serumpun.core.errors import ConflictError
from serumpun.core.models import Confidence, Port, Regency, TaskProgress
from serumpun.core.notifications import notify
from serumpun.core.progress import start_progress
from serumpun.exporters.models import MSME, Product
from serumpun.logistics import containers as container_data
from serumpun.logistics import network, tasks
from serumpun.logistics.models import (
    CargoKind,
    ConsolidationPlan,
    PlannedContainer,
    PlannedLoad,
    PlanStatus,
    Rate,
    RateBasis,
    RateMode,
    Shipment,
    ShipmentStatus,
)
from serumpun.logistics.pricing import pooling_costs
from serumpun.logistics.rules.consolidation import ShipmentLoad, plan_consolidation

__all__ = [
    "book_shipment",
    "cancel_shipment",
    "enter_rate",
    "may_keep_rates",
    "may_quote",
    "plan_pooling",
    "publish_plan",
    "record_shipment",
    "request_pooling_plan",
]

#: which bases make sense for which mode (a per-km sea rate is a typing error)
BASES_FOR_MODE: dict[str, frozenset[str]] = {
    RateMode.ROAD: frozenset({RateBasis.PER_KM, RateBasis.PER_TRIP, RateBasis.PER_KG}),
    RateMode.FERRY: frozenset({RateBasis.PER_TRIP, RateBasis.PER_KG}),
    RateMode.SEA_FCL: frozenset({RateBasis.PER_CONTAINER}),
    RateMode.SEA_LCL: frozenset({RateBasis.PER_RT}),
    RateMode.AIR: frozenset({RateBasis.PER_KG}),
    RateMode.LOCAL: frozenset(
        {
            RateBasis.PER_CONTAINER,
            RateBasis.PER_RT,
            RateBasis.PER_KG,
            RateBasis.PER_SHIPMENT,
        }
    ),
}
#: how far ahead a pooling plan looks for shipments (weekly sailings)
PLAN_HORIZON_WEEKS = 8
#: the solver's default time budget for a plan made from the page (seconds)
DEFAULT_TIME_LIMIT_S = 10.0
HS_CODE_DIGITS = 6
#: roles that may ask for quotes and read the rate book: MSMEs, officers acting for them,
#: the transport attaché, forwarders checking their rates
QUOTE_PERMISSIONS = (
    "shipment.book",
    "msme.manage_any",
    "consolidation.plan",
    "rates.publish",
)


def may_quote(user: Any) -> bool:
    """Whether the user may quote routes and read the rate book (the page and the API)."""
    return any(has_permission(user, p) for p in QUOTE_PERMISSIONS)


def may_keep_rates(user: Any) -> bool:
    """Forwarders, the transport attaché and provincial officers keep the rate book."""
    return (
        has_permission(user, "rates.publish")
        or has_permission(user, "ratebook.manage")
        or (getattr(user, "is_authenticated", False) and Role.OFFICER in user.roles)
    )


# --- Rate book ------------------------------------------------------------------------------


def _decimal(value: Any, field: str, errors: dict[str, list[str]]) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors[field] = [_("Enter a number.")]
        return None
    if not number.is_finite() or number < 0:
        errors[field] = [_("Enter a number of zero or more.")]
        return None
    return number


def _known_locode(
    value: str, field: str, ports: list[Port], errors: dict[str, list[str]]
) -> str:
    if not value:
        return ""
    canonical = network.canonical_locode(value, ports)
    if canonical is None:
        errors[field] = [_("Unknown LOCODE %(code)s.") % {"code": value}]
        return value
    return canonical


def _rate_values(
    fields: Mapping[str, Any], errors: dict[str, list[str]]
) -> dict[str, Any]:
    """Mode, basis, money, validity and source of a rate, checked."""
    mode, basis = fields.get("mode", ""), fields.get("basis", "")
    if mode not in RateMode.values:
        errors["mode"] = [_("Choose a mode.")]
    elif basis not in BASES_FOR_MODE[mode]:
        errors["basis"] = [_("This basis does not fit the mode.")]
    amount = _decimal(fields.get("amount"), "amount", errors)
    if amount is None and "amount" not in errors:
        errors["amount"] = [_("Enter the amount.")]
    currency = str(fields.get("currency", "USD")).upper()
    if currency not in network.fx_usd_per_unit():
        errors["currency"] = [_("Use USD, IDR or MYR.")]
    valid_from, valid_to = fields.get("valid_from"), fields.get("valid_to")
    if not isinstance(valid_from, dt.date):
        errors["valid_from"] = [_("Enter the first day the rate applies.")]
    elif isinstance(valid_to, dt.date) and valid_to < valid_from:
        errors["valid_to"] = [_("The rate cannot end before it starts.")]
    source_title = str(fields.get("source_title", "")).strip()
    if not source_title:
        errors["source_title"] = [_("Say where the rate comes from.")]
    source_date = fields.get("source_date")
    if not isinstance(source_date, dt.date):
        errors["source_date"] = [_("Enter the date of the source.")]
    elif source_date > timezone.localdate():
        errors["source_date"] = [_("The source cannot be dated in the future.")]
    confidence = fields.get("confidence") or Confidence.LOW
    if confidence not in Confidence.values:
        errors["confidence"] = [_("Choose a confidence.")]
    return {
        "mode": mode,
        "basis": basis,
        "amount": amount,
        "minimum": _decimal(fields.get("minimum"), "minimum", errors),
        "currency": currency,
        "valid_from": valid_from,
        "valid_to": valid_to if isinstance(valid_to, dt.date) else None,
        "source_title": source_title[:300],
        "source_date": source_date,
        "confidence": confidence,
    }


def _rate_lane(
    fields: Mapping[str, Any], mode: str, errors: dict[str, list[str]]
) -> dict[str, Any]:
    """The lane ends, transshipment port and container type of a rate, checked."""
    ports = list(Port.objects.all())
    container = str(fields.get("container_code", "")).upper()
    if container and container not in container_data.container_types():
        errors["container_code"] = [_("Unknown container type.")]
    if mode == RateMode.SEA_FCL and not container:
        errors["container_code"] = [_("An FCL rate needs a container type.")]
    lane = {
        name: _known_locode(str(fields.get(name, "")), name, ports, errors)
        for name in ("origin_locode", "destination_locode", "via_locode")
    }
    if mode in (RateMode.SEA_FCL, RateMode.SEA_LCL, RateMode.AIR) and not (
        lane["origin_locode"] and lane["destination_locode"]
    ):
        errors.setdefault("destination_locode", [_("Name both ends of the lane.")])
    if mode == RateMode.LOCAL and not lane["origin_locode"]:
        errors["origin_locode"] = [_("Name the port where the charge is levied.")]
    return {**lane, "container_code": container}


def enter_rate(*, by: User, fields: Mapping[str, Any]) -> Rate:
    """Add a line to the rate book with its source; LOCODE aliases become primary codes."""
    if not may_keep_rates(by):
        raise PermissionDenied(_("Your role may not keep the rate book."))
    errors: dict[str, list[str]] = {}
    values = _rate_values(fields, errors)
    values.update(_rate_lane(fields, values["mode"], errors))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        rate = Rate.objects.create(
            **values,
            cargo_kind=fields.get("cargo_kind", "") or "",
            applies_to=fields.get("applies_to", "") or "",
            charge=str(fields.get("charge", "") or "freight")[:40],
            transit_days_min=fields.get("transit_days_min"),
            transit_days_max=fields.get("transit_days_max"),
            sailings_per_week=fields.get("sailings_per_week"),
            entered_by_org=by.organisation,
            entered_by=by,
            notes=str(fields.get("notes", "")),
            is_demo=bool(fields.get("is_demo", False)),
        )
        audit.record(actor=by, action="logistics.enter_rate", obj=rate)
    return rate


# --- Shipments ------------------------------------------------------------------------------


def _may_ship_for(by: User, msme: MSME) -> bool:
    if has_permission(by, "msme.manage_any"):
        return True
    return has_permission(by, "shipment.book") and msme.organisation_id in set(
        by.organisation_ids
    )


def _shipment_size(
    fields: Mapping[str, Any], errors: dict[str, list[str]]
) -> dict[str, Any]:
    weight = _decimal(fields.get("weight_kg"), "weight_kg", errors)
    volume = _decimal(fields.get("volume_m3"), "volume_m3", errors)
    for name, value in (("weight_kg", weight), ("volume_m3", volume)):
        if name in errors:
            continue
        if value is None:
            errors[name] = [_("Enter a number.")]
        elif value <= 0:
            errors[name] = [_("Must be more than zero.")]
    kind = fields.get("kind") or CargoKind.GENERAL
    if kind not in CargoKind.values:
        errors["kind"] = [_("Cargo must be general or reefer.")]
    return {"weight_kg": weight, "volume_m3": volume, "kind": kind}


def _shipment_route(
    msme: MSME, fields: Mapping[str, Any], errors: dict[str, list[str]]
) -> dict[str, Any]:
    ports = list(Port.objects.filter(kind=Port.Kind.SEAPORT))
    destination = network.canonical_locode(
        str(fields.get("destination_locode", "")), ports
    )
    if destination is None or not any(
        p.locode == destination and p.country_id == "MY" for p in ports
    ):
        errors["destination_locode"] = [_("Choose a Malaysian port.")]
    ready, latest = fields.get("ready_date"), fields.get("latest_date")
    if not isinstance(ready, dt.date):
        errors["ready_date"] = [_("Enter the date the cargo is ready.")]
    elif isinstance(latest, dt.date) and latest < ready:
        errors["latest_date"] = [_("The latest date cannot be before the ready date.")]
    product = fields.get("product")
    if product is not None and (
        not isinstance(product, Product) or product.msme_id != msme.pk
    ):
        errors["product"] = [_("Choose one of this MSME's products.")]
        product = None
    hs_code = str(
        fields.get("hs_code") or (product.hs_code_id if product else "") or ""
    )
    if len(hs_code) != HS_CODE_DIGITS or not hs_code.isdigit():
        errors["hs_code"] = [_("Enter a six-digit HS code.")]
    regency_code = fields.get("origin_regency") or msme.regency_id
    if not Regency.objects.filter(code=regency_code).exists():
        errors["origin_regency"] = [_("Unknown regency.")]
    return {
        "destination_locode": destination,
        "ready_date": ready,
        "latest_date": latest if isinstance(latest, dt.date) else None,
        "product": product,
        "hs_code": hs_code,
        "origin_regency_id": regency_code,
    }


def record_shipment(
    *,
    by: User,
    msme: MSME,
    fields: Mapping[str, Any],
    status: str = ShipmentStatus.PLEDGED,
) -> Shipment:
    """An MSME pledges volume (or books firmly) to a Malaysian port in a date window."""
    if not _may_ship_for(by, msme):
        raise PermissionDenied(_("Your role may not ship for this MSME."))
    errors: dict[str, list[str]] = {}
    if status not in (ShipmentStatus.PLEDGED, ShipmentStatus.BOOKED):
        errors["status"] = [_("A new shipment is pledged or booked.")]
    values = {**_shipment_size(fields, errors), **_shipment_route(msme, fields, errors)}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        shipment = Shipment.objects.create(
            **values,
            msme=msme,
            status=status,
            created_by=by,
            is_demo=bool(fields.get("is_demo", False)),
        )
        audit.record(actor=by, action=f"logistics.shipment_{status}", obj=shipment)
    return shipment


def book_shipment(*, shipment: Shipment, by: User) -> Shipment:
    """Turn a pledge into a firm booking."""
    if not _may_ship_for(by, shipment.msme):
        raise PermissionDenied(_("Your role may not ship for this MSME."))
    with transaction.atomic():
        locked: Shipment = Shipment.objects.select_for_update().get(pk=shipment.pk)
        if locked.status != ShipmentStatus.PLEDGED:
            raise ConflictError(_("Only a pledged shipment can be booked."))
        locked.status = ShipmentStatus.BOOKED
        locked.save(update_fields=["status", "updated_at"])
        audit.record(actor=by, action="logistics.book_shipment", obj=locked)
    return locked


def cancel_shipment(*, shipment: Shipment, by: User) -> Shipment:
    """Withdraw a pledge or booking that has not sailed."""
    if not _may_ship_for(by, shipment.msme):
        raise PermissionDenied(_("Your role may not ship for this MSME."))
    with transaction.atomic():
        locked: Shipment = Shipment.objects.select_for_update().get(pk=shipment.pk)
        if locked.status not in (ShipmentStatus.PLEDGED, ShipmentStatus.BOOKED):
            raise ConflictError(
                _("A shipped or cancelled shipment cannot be cancelled.")
            )
        locked.status = ShipmentStatus.CANCELLED
        locked.save(update_fields=["status", "updated_at"])
        audit.record(actor=by, action="logistics.cancel_shipment", obj=locked)
    return locked


# --- Pooling plans --------------------------------------------------------------------------


def _loads(shipments: list[Shipment]) -> list[ShipmentLoad]:
    return [
        ShipmentLoad(
            id=str(s.pk),
            volume_m3=float(s.volume_m3),
            weight_kg=float(s.weight_kg),
            destination_locode=s.destination_locode,
            ready_date=s.ready_date,
            latest_date=s.latest_date,
            kind=s.kind,
        )
        for s in shipments
    ]


def plan_pooling(
    *,
    by: User,
    as_of: dt.date,
    destinations: Collection[str] | None = None,
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
    is_demo: bool = False,
    progress_id: str | None = None,
) -> ConsolidationPlan:
    """Pool the open (pledged and booked) shipments of the next weeks into a draft plan.

    The engine (rules/consolidation.py) chooses sailing weeks, container types and LCL
    stragglers at least cost with rate-book prices valid on `as_of`; the plan, its load lists,
    fill ratios, bound, solver status and each shipment's cost share are stored.
    """
    if not has_permission(by, "consolidation.plan"):
        raise PermissionDenied(_("Your role may not plan pooling."))
    horizon = as_of + dt.timedelta(weeks=PLAN_HORIZON_WEEKS)
    shipments = Shipment.objects.open().filter(
        ready_date__gte=as_of - dt.timedelta(weeks=1), ready_date__lte=horizon
    )
    if destinations:
        shipments = shipments.filter(destination_locode__in=list(destinations))
    rows = list(shipments.order_by("id"))
    if not rows:
        raise ValidationError(
            {
                "destinations": [
                    _("There are no open shipments to pool in the next weeks.")
                ]
            }
        )
    ports = {s.destination_locode for s in rows}
    costs = pooling_costs(ports, as_of=as_of)
    missing = sorted(p for p in ports if p not in costs.lcl_usd_per_rt)
    if missing:
        raise ValidationError(
            {
                "destinations": [
                    _("No valid LCL rate to %(ports)s: add one to the rate book first.")
                    % {"ports": ", ".join(missing)}
                ]
            }
        )
    result = plan_consolidation(
        _loads(rows),
        containers=container_data.container_specs(),
        costs=costs,
        time_limit_s=time_limit_s,
        max_window_weeks=container_data.max_window_weeks(),
    )
    by_id = {str(s.pk): s for s in rows}
    with transaction.atomic():
        plan = ConsolidationPlan.objects.create(
            organisation=by.organisation,
            created_by=by,
            as_of=as_of,
            solver_status=result.status,
            lower_bound_containers=result.lower_bound_containers,
            cost_usd=Decimal(str(round(result.cost_usd, 2))),
            ship_when_ready_cost_usd=Decimal(str(round(result.ship_when_ready_usd, 2))),
            shipment_count=len(rows),
            container_count=len(result.containers),
            lcl_count=len(result.lcl),
            parameters={
                "destinations": sorted(ports),
                "time_limit_s": time_limit_s,
                "cost_lower_bound_usd": round(result.cost_lower_bound_usd, 2),
                "fractional_lower_bound_usd": round(
                    result.fractional_lower_bound_usd, 2
                ),
                "first_fit_decreasing_usd": round(result.first_fit_decreasing_usd, 2),
                "flagged": dict(result.flagged),
                "lcl_week": {k: v.isoformat() for k, v in result.lcl_week.items()},
            },
            is_demo=is_demo,
            progress_id=progress_id,
        )
        boxes = PlannedContainer.objects.bulk_create(
            [
                PlannedContainer(
                    plan=plan,
                    container_code=box.type,
                    destination_locode=box.destination_locode,
                    kind=box.kind,
                    sail_week=box.sail_week,
                    volume_m3=Decimal(str(round(box.volume_m3, 3))),
                    weight_kg=Decimal(str(round(box.weight_kg, 1))),
                    fill_volume=box.fill_volume,
                    fill_weight=box.fill_weight,
                    cost_usd=Decimal(str(round(box.cost_usd, 2))),
                )
                for box in result.containers
            ]
        )
        loads: list[PlannedLoad] = []
        for box, saved in zip(result.containers, boxes, strict=True):
            loads += [
                _load(plan, saved, by_id[i], result.cost_split)
                for i in box.shipment_ids
            ]
        loads += [_load(plan, None, by_id[i], result.cost_split) for i in result.lcl]
        PlannedLoad.objects.bulk_create(loads)
        audit.record(actor=by, action="logistics.plan_pooling", obj=plan)
    return plan


def _load(
    plan: ConsolidationPlan,
    box: PlannedContainer | None,
    shipment: Shipment,
    split: Mapping[str, float],
) -> PlannedLoad:
    return PlannedLoad(
        plan=plan,
        container=box,
        shipment=shipment,
        revenue_tonnes=max(float(shipment.volume_m3), float(shipment.weight_kg) / 1000),
        share_usd=Decimal(str(round(split.get(str(shipment.pk), 0.0), 2))),
    )


def request_pooling_plan(
    *,
    by: User,
    as_of: dt.date,
    destinations: Collection[str] | None = None,
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
) -> TaskProgress:
    """Start planning in the background (the solver may think for up to a minute)."""
    if not has_permission(by, "consolidation.plan"):
        raise PermissionDenied(_("Your role may not plan pooling."))
    if not Shipment.objects.open().exists():
        raise ValidationError(
            {
                "destinations": [
                    _("There are no open shipments to pool in the next weeks.")
                ]
            }
        )
    with transaction.atomic():
        progress = start_progress(
            kind="logistics.plan_pooling",
            label=_("Planning shared containers"),
            user=by,
            total=1,
        )
        audit.record(actor=by, action="logistics.request_pooling_plan", obj=progress)
        transaction.on_commit(
            partial(
                tasks.plan_pooling_task.enqueue,
                progress_id=str(progress.pk),
                user_id=by.pk,
                as_of=as_of.isoformat(),
                destinations=sorted(destinations or []),
                time_limit_s=time_limit_s,
            )
        )
    return progress


PUBLISHED_SUBJECT = gettext_lazy("A shared-container plan includes your shipment")
PUBLISHED_BODY = gettext_lazy(
    "The transport attaché published pooling plan #%(id)s: see your container and cost share."
)
PLAN_SUBJECT = gettext_lazy("Pooling plan #%(id)s published")


def _format_plan_text(template: Any, plan_id: int) -> str:
    return str(template) % {"id": plan_id}


#: formatted when notify() renders it in each recipient's language
_in_recipient_language = lazy(_format_plan_text, str)


def publish_plan(*, plan: ConsolidationPlan, by: User) -> ConsolidationPlan:
    """Publish a draft plan to the transport attachés and the MSMEs whose shipments it holds."""
    if not has_permission(by, "consolidation.plan"):
        raise PermissionDenied(_("Your role may not publish pooling plans."))
    with transaction.atomic():
        locked: ConsolidationPlan = ConsolidationPlan.objects.select_for_update().get(
            pk=plan.pk
        )
        if locked.status != PlanStatus.DRAFT:
            raise ConflictError(_("This plan is already published."))
        locked.status = PlanStatus.PUBLISHED
        locked.published_at = timezone.now()
        locked.save(update_fields=["status", "published_at"])
        audit.record(actor=by, action="logistics.publish_plan", obj=locked)
        url = reverse("logistics:plan_detail", args=[locked.pk])
        organisations = PlannedLoad.objects.filter(plan=locked).values(
            "shipment__msme__organisation"
        )
        owners = User.objects.filter(
            memberships__organisation__in=organisations,
            memberships__role=Role.MSME_OWNER,
        ).distinct()
        attaches = User.objects.filter(
            memberships__role=Role.TRANSPORT_ATTACHE
        ).distinct()
        notify(
            owners,
            subject=PUBLISHED_SUBJECT,
            body=_in_recipient_language(PUBLISHED_BODY, locked.pk),
            url=url,
            kind="logistics.plan_published",
        )
        notify(
            attaches,
            subject=_in_recipient_language(PLAN_SUBJECT, locked.pk),
            url=url,
            kind="logistics.plan_published",
        )
    return locked


# --- Network ---------------------------------------------------------------------------------

#: the longest plausible road distance from a Lampung regency to Panjang (km)
MAX_ROAD_KM = 1000


def may_edit_road_distances(user: Any) -> bool:
    """Provincial officers (who know the roads) and the transport attaché."""
    return has_permission(user, "ratebook.manage") or (
        getattr(user, "is_authenticated", False) and Role.OFFICER in user.roles
    )


def set_road_distance(*, by: User, regency: Regency, km: Decimal) -> Regency:
    """Correct a regency capital's road distance to Panjang port (research §2.6 estimates)."""
    if not may_edit_road_distances(by):
        raise PermissionDenied(_("Your role may not edit road distances."))
    if not (0 < km <= MAX_ROAD_KM):
        raise ValidationError(
            {
                "km": [
                    _("Enter a distance between 1 and %(max)s km.")
                    % {"max": MAX_ROAD_KM}
                ]
            }
        )
    with transaction.atomic():
        Regency.objects.filter(pk=regency.pk).update(road_km_to_panjang=float(km))
        regency.road_km_to_panjang = float(km)
        audit.record(
            actor=by,
            action="logistics.set_road_distance",
            obj=regency,
            fields=["road_km_to_panjang"],
        )
    return regency
