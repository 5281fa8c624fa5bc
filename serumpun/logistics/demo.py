"""Demo logistics: a forwarder's rate book, MSME shipments for the coming weeks, one published
pooling plan.

Every record is marked `is_demo`, and the demo rates say so in their source ("Demo forwarder
quote, generated"): they are plausible figures around research/logistics.md §2.5, NOT market
prices. Shipments come from the demo MSMEs (exporters.demo) in several regencies to Port Klang,
Pasir Gudang and Penang over the next four weeks; sizes are drawn from the distribution of
research §3.2 (lognormal volume, median ~0.9 m³, density by commodity). Idempotent: rates are
keyed, shipments and the plan are made once.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from serumpun.accounts.models import Organisation, User
from serumpun.accounts.roles import OrganisationKind, Role
from serumpun.core.demo import SeedContext, register_seeder
from serumpun.core.models import Confidence
from serumpun.exporters.models import MSME, Product
from serumpun.logistics import actions
from serumpun.logistics.models import ConsolidationPlan, Rate, Shipment, ShipmentStatus

DEMO_SOURCE = "Demo forwarder quote (generated for the demo, not a market price)"
DESTINATIONS = ("MYPKG", "MYPGU", "MYPEN")
#: kg per m³ by HS chapter (research §3.2 densities: 120–800 kg/m³ by commodity)
DENSITY_BY_CHAPTER = {
    "09": 450.0,
    "08": 250.0,
    "20": 380.0,
    "11": 600.0,
    "19": 200.0,
    "03": 550.0,
    "17": 700.0,
    "04": 800.0,
    "63": 120.0,
}
DEFAULT_DENSITY = 350.0
REEFER_CHAPTERS = frozenset({"03"})
MEDIAN_VOLUME_M3 = 0.9
VOLUME_SIGMA = 0.8
MIN_VOLUME_M3, MAX_VOLUME_M3 = 0.1, 6.0
SHIPMENTS_PER_MSME = 2
WEEKS_AHEAD = 4
#: share of demo shipments already firmly booked (the rest are pledges)
BOOKED_SHARE = 0.4


def _rate(key: str, **fields: Any) -> dict[str, Any]:
    return {"key": key, **fields}


def demo_rates(today: dt.date) -> list[dict[str, Any]]:
    """The forwarder's demo rate book (amounts around research §2.5; all low confidence)."""
    sea = {
        "valid_from": today - dt.timedelta(days=30),
        "valid_to": today + dt.timedelta(days=90),
    }
    rows = [
        _rate(
            "demo-truck-km",
            mode="road",
            basis="per_km",
            amount="18000",
            currency="IDR",
            minimum="1500000",
            **sea,
        ),
        _rate(
            "demo-truck-kg",
            mode="road",
            basis="per_kg",
            amount="2500",
            currency="IDR",
            minimum="150000",
            charge="groupage collection",
            **sea,
        ),
        _rate(
            "demo-ferry-truck",
            mode="ferry",
            basis="per_trip",
            origin_locode="IDBK2",
            destination_locode="IDMRK",
            amount="1200000",
            currency="IDR",
            **sea,
        ),
        _rate(
            "demo-ferry-kg",
            mode="ferry",
            basis="per_kg",
            origin_locode="IDBK2",
            destination_locode="IDMRK",
            amount="300",
            currency="IDR",
            minimum="50000",
            charge="groupage",
            **sea,
        ),
        _rate(
            "demo-air-tkg-kul",
            mode="air",
            basis="per_kg",
            origin_locode="IDTKG",
            destination_locode="MYKUL",
            amount="4.50",
            currency="USD",
            minimum="150",
            sailings_per_week="2",
            **sea,
        ),
        _rate(
            "demo-thc-pjg-20",
            mode="local",
            basis="per_container",
            origin_locode="IDPJG",
            container_code="20GP",
            applies_to="sea_fcl",
            charge="terminal handling (THC)",
            amount="95",
            currency="USD",
            **sea,
        ),
        _rate(
            "demo-thc-pjg-40",
            mode="local",
            basis="per_container",
            origin_locode="IDPJG",
            container_code="40GP",
            applies_to="sea_fcl",
            charge="terminal handling (THC)",
            amount="140",
            currency="USD",
            **sea,
        ),
        _rate(
            "demo-thc-pjg-20rf",
            mode="local",
            basis="per_container",
            origin_locode="IDPJG",
            container_code="20RF",
            applies_to="sea_fcl",
            charge="terminal handling (THC)",
            amount="150",
            currency="USD",
            **sea,
        ),
        _rate(
            "demo-cfs-pjg",
            mode="local",
            basis="per_rt",
            origin_locode="IDPJG",
            applies_to="sea_lcl",
            charge="CFS handling",
            amount="12",
            currency="USD",
            **sea,
        ),
        _rate(
            "demo-docs-pjg",
            mode="local",
            basis="per_shipment",
            origin_locode="IDPJG",
            charge="documents",
            amount="35",
            currency="USD",
            **sea,
        ),
    ]
    lanes = {
        "MYPKG": (65, 520, 780, 1350),
        "MYPGU": (60, 500, 760, 1300),
        "MYPEN": (75, 580, 840, 1450),
    }
    for pod, (lcl, twenty, forty, reefer) in lanes.items():
        lane = {
            "origin_locode": "IDPJG",
            "destination_locode": pod,
            "via_locode": "SGSIN",
            "currency": "USD",
            **sea,
        }
        rows += [
            _rate(
                f"demo-lcl-pjg-{pod}",
                mode="sea_lcl",
                basis="per_rt",
                amount=str(lcl),
                minimum=str(lcl),
                **lane,
            ),
            _rate(
                f"demo-fcl20-pjg-{pod}",
                mode="sea_fcl",
                basis="per_container",
                container_code="20GP",
                amount=str(twenty),
                **lane,
            ),
            _rate(
                f"demo-fcl40-pjg-{pod}",
                mode="sea_fcl",
                basis="per_container",
                container_code="40GP",
                amount=str(forty),
                **lane,
            ),
            _rate(
                f"demo-fcl40hc-pjg-{pod}",
                mode="sea_fcl",
                basis="per_container",
                container_code="40HC",
                amount=str(forty + 40),
                **lane,
            ),
            _rate(
                f"demo-fcl20rf-pjg-{pod}",
                mode="sea_fcl",
                basis="per_container",
                container_code="20RF",
                amount=str(reefer),
                cargo_kind="reefer",
                **lane,
            ),
        ]
    return rows


def seed_rates(ctx: SeedContext) -> None:
    """The demo forwarder's rates, keyed so a second run updates them."""
    today = timezone.localdate()
    forwarder = (
        Organisation.objects.filter(kind=OrganisationKind.FORWARDER)
        .order_by("id")
        .first()
    )
    for row in demo_rates(today):
        values = dict(row)
        key = values.pop("key")
        for money in ("amount", "minimum", "sailings_per_week"):
            if money in values:
                values[money] = Decimal(values[money])
        Rate.objects.update_or_create(
            reference_key=key,
            defaults={
                **values,
                "source_title": DEMO_SOURCE,
                "source_date": today - dt.timedelta(days=30),
                "confidence": Confidence.LOW,
                "entered_by_org": forwarder,
                "is_demo": True,
            },
        )
    ctx.out(f"  {len(demo_rates(today))} demo rates")


def _size(ctx: SeedContext, product: Product, index: int) -> tuple[Decimal, Decimal]:
    rng = ctx.rng_for("logistics.shipment", product.pk, index)
    volume = math.exp(math.log(MEDIAN_VOLUME_M3) + VOLUME_SIGMA * rng.gauss(0, 1))
    volume = min(max(volume, MIN_VOLUME_M3), MAX_VOLUME_M3)
    density = DENSITY_BY_CHAPTER.get(product.hs_code_id[:2], DEFAULT_DENSITY)
    return Decimal(f"{volume * density:.1f}"), Decimal(f"{volume:.3f}")


def seed_shipments(ctx: SeedContext) -> None:
    """Two shipments per demo MSME with an owner account or a product, over four weeks."""
    if Shipment.objects.filter(is_demo=True).exists():
        return
    today = timezone.localdate()
    msmes = MSME.objects.filter(is_demo=True).select_related("regency").order_by("nib")
    products = {
        p.msme_id: p
        for p in Product.objects.filter(msme__in=msmes, is_active=True).order_by("id")
    }
    rows = []
    for index, msme in enumerate(msmes):
        product = products.get(msme.pk)
        if product is None:
            continue
        for n in range(SHIPMENTS_PER_MSME):
            rng = ctx.rng_for("logistics.route", msme.pk, n)
            weight, volume = _size(ctx, product, n)
            ready = today + dt.timedelta(days=rng.randrange(3, 7 * WEEKS_AHEAD))
            rows.append(
                Shipment(
                    msme=msme,
                    product=product,
                    hs_code=product.hs_code_id,
                    origin_regency=msme.regency,
                    destination_locode=DESTINATIONS[(index + n) % len(DESTINATIONS)],
                    kind="reefer"
                    if product.hs_code_id[:2] in REEFER_CHAPTERS
                    else "general",
                    weight_kg=weight,
                    volume_m3=volume,
                    ready_date=ready,
                    latest_date=ready + dt.timedelta(days=rng.choice((7, 14, 21))),
                    status=ShipmentStatus.BOOKED
                    if rng.random() < BOOKED_SHARE
                    else ShipmentStatus.PLEDGED,
                    is_demo=True,
                )
            )
    Shipment.objects.bulk_create(rows)
    ctx.out(f"  {len(rows)} demo shipments")


def seed_plan(ctx: SeedContext) -> None:
    """One pooling plan over the demo shipments, published by the demo transport attaché."""
    if ConsolidationPlan.objects.filter(is_demo=True).exists():
        return
    attache = User.objects.filter(
        memberships__role=Role.TRANSPORT_ATTACHE, is_demo=True
    ).first()
    if attache is None or not Shipment.objects.filter(is_demo=True).exists():
        return
    with transaction.atomic():
        plan = actions.plan_pooling(
            by=attache, as_of=timezone.localdate(), time_limit_s=5.0, is_demo=True
        )
        actions.publish_plan(plan=plan, by=attache)
    ctx.out(
        f"  pooling plan #{plan.pk}: {plan.container_count} containers, {plan.lcl_count} LCL"
    )


def seed_logistics(ctx: SeedContext) -> None:
    """Rates, shipments and one published plan."""
    seed_rates(ctx)
    seed_shipments(ctx)
    seed_plan(ctx)


register_seeder("logistics", seed_logistics)
