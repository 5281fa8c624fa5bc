"""The logistics demo seeder: labelled demo rates, shipments to three ports, a published plan."""

from __future__ import annotations

import pytest

from serumpun.core.demo import SCALES, SeedContext, seed_demo_logins
from serumpun.exporters import demo as exporters_demo
from serumpun.logistics import demo
from serumpun.logistics.models import (
    ConsolidationPlan,
    PlannedLoad,
    PlanStatus,
    Rate,
    Shipment,
)
from serumpun.logistics.quoting import quote
from serumpun.logistics.tests.builders import load_network_reference

pytestmark = pytest.mark.django_db


def run() -> None:
    ctx = SeedContext(scale=SCALES["demo"], seed=2026, out=lambda _line: None)
    seed_demo_logins(ctx)
    exporters_demo.seed_msmes(ctx)
    demo.seed_logistics(ctx)


def test_the_demo_is_labelled_idempotent_and_publishes_one_plan():
    load_network_reference()
    run()
    counts = (
        Rate.objects.count(),
        Shipment.objects.count(),
        ConsolidationPlan.objects.count(),
    )
    run()
    assert (
        Rate.objects.count(),
        Shipment.objects.count(),
        ConsolidationPlan.objects.count(),
    ) == counts
    rates = Rate.objects.filter(is_demo=True)
    assert rates.exists()
    assert all("demo" in r.source_title.lower() for r in rates)
    shipments = Shipment.objects.filter(is_demo=True)
    assert {s.destination_locode for s in shipments} == {"MYPKG", "MYPGU", "MYPEN"}
    assert len({s.origin_regency_id for s in shipments}) >= 5
    plan = ConsolidationPlan.objects.get(is_demo=True)
    assert plan.status == PlanStatus.PUBLISHED
    assert PlannedLoad.objects.filter(plan=plan).count() == plan.shipment_count
    # the demo rate book prices the Liwa coffee quote by sea and by air
    options = quote(
        origin="1801",
        destination_locode="MYPKG",
        weight_kg=122,
        volume_m3=0.216,
        as_of=plan.as_of,
    )
    assert {"sea_lcl", "air"} <= {o.mode for o in options}
