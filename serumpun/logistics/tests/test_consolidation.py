"""The pooling engine: capacity, exactly-once, reefer separation, cost split, baselines."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from serumpun.logistics.containers import container_specs, container_types
from serumpun.logistics.rules.consolidation import (
    FLAG_TOO_LARGE,
    MissingRateError,
    PoolingCosts,
    ShipmentLoad,
    first_fit_decreasing_cost,
    plan_consolidation,
    sailing_weeks,
    ship_when_ready_cost,
    split_cost,
    week_start,
)

MONDAY = date(2026, 12, 7)
SPECS = container_specs()
CAPACITY = {s.code: s for s in SPECS}
DESTS = ("MYPKG", "MYPGU", "MYPEN")
COSTS = PoolingCosts(
    fcl_usd={
        (d, code): price
        for d in DESTS
        for code, price in {
            "20GP": 450.0,
            "40GP": 650.0,
            "40HC": 700.0,
            "20RF": 1200.0,
            "40RH": 1900.0,
        }.items()
    },
    lcl_usd_per_rt=dict.fromkeys(DESTS, 50.0),
    lcl_min_usd=dict.fromkeys(DESTS, 100.0),
)


def load(
    ident: str,
    volume: float,
    weight: float,
    *,
    dest: str = "MYPKG",
    ready: date = MONDAY,
    latest: date | None = None,
    kind: str = "general",
) -> ShipmentLoad:
    return ShipmentLoad(ident, volume, weight, dest, ready, latest, kind)


def check_plan(shipments, plan) -> None:
    """The invariants of API.md: exactly once, capacity, reefer apart, destination kept."""
    by_id = {s.id: s for s in shipments}
    placed = [i for c in plan.containers for i in c.shipment_ids] + list(plan.lcl)
    assert sorted(placed) == sorted(by_id)
    for box in plan.containers:
        spec = CAPACITY[box.type]
        items = [by_id[i] for i in box.shipment_ids]
        assert sum(i.volume_m3 for i in items) <= spec.usable_volume_m3 + 1e-9
        assert sum(i.weight_kg for i in items) <= spec.payload_kg + 1e-9
        assert {i.kind == "reefer" for i in items} == {spec.reefer}
        assert {i.destination_locode for i in items} == {box.destination_locode}
        assert 0 < box.fill_volume <= 1
        assert 0 < box.fill_weight <= 1
        for item in items:
            assert box.sail_week in sailing_weeks(item, max_window_weeks=4)
    assert sum(plan.cost_split.values()) == pytest.approx(plan.cost_usd, abs=0.05)
    assert plan.cost_usd >= plan.cost_lower_bound_usd - 0.01
    assert plan.cost_usd >= plan.fractional_lower_bound_usd - 0.01


def test_container_types_apply_the_stowage_factor():
    types = container_types()
    assert types["20GP"].usable_volume_m3 == pytest.approx(33.2 * 0.85, abs=0.001)
    assert types["20RF"].reefer is True
    assert types["40HC"].teu == 2
    assert [s.code for s in container_specs(["40HC", "20GP"])] == ["40HC", "20GP"]
    with pytest.raises(KeyError):
        container_specs(["99XX"])


@pytest.mark.parametrize(
    ("ready", "latest", "weeks"),
    [
        (MONDAY, None, 1),
        (MONDAY + timedelta(days=6), None, 1),  # Sunday: still that week
        (MONDAY, MONDAY + timedelta(days=6), 1),
        (MONDAY, MONDAY + timedelta(days=7), 2),
        (MONDAY, MONDAY + timedelta(days=70), 4),  # capped at four sailings
        (MONDAY, MONDAY - timedelta(days=3), 1),  # latest before ready: ready week only
    ],
)
def test_sailing_weeks_run_from_ready_to_latest(ready, latest, weeks):
    got = sailing_weeks(load("a", 1, 1, ready=ready, latest=latest), max_window_weeks=4)
    assert len(got) == weeks
    assert got[0] == week_start(ready)


def test_ten_small_shipments_share_one_box_and_split_its_cost_by_wm():
    shipments = [load(f"m{k}", 2.0, 500.0) for k in range(10)]  # 20 m³, 5 t in all
    plan = plan_consolidation(shipments, containers=SPECS, costs=COSTS)
    check_plan(shipments, plan)
    assert [c.type for c in plan.containers] == ["20GP"]
    assert plan.lcl == ()
    assert plan.status == "optimal"
    assert plan.cost_usd == 450.0
    assert set(plan.cost_split.values()) == {45.0}
    assert plan.ship_when_ready_usd == 10 * 100.0  # each alone: LCL minimum
    assert plan.lower_bound_containers == 1


def test_a_lone_small_shipment_goes_lcl_at_the_minimum():
    shipments = [load("tiny", 0.3, 40.0)]
    plan = plan_consolidation(shipments, containers=SPECS, costs=COSTS)
    assert plan.lcl == ("tiny",)
    assert plan.cost_usd == 100.0
    assert plan.cost_split == {"tiny": 100.0}


def test_lcl_is_charged_by_weight_when_tonnes_exceed_cubic_metres():
    shipments = [load("dense", 1.0, 3000.0)]  # 3 RT
    plan = plan_consolidation(shipments, containers=SPECS, costs=COSTS)
    assert plan.cost_usd == 150.0


def test_a_shipment_larger_than_any_container_goes_lcl_and_is_flagged():
    shipments = [load("huge", 90.0, 1000.0), load("heavy", 1.0, 40000.0)]
    plan = plan_consolidation(shipments, containers=SPECS, costs=COSTS)
    check_plan(shipments, plan)
    assert set(plan.lcl) == {"huge", "heavy"}
    assert plan.flagged == {"huge": FLAG_TOO_LARGE, "heavy": FLAG_TOO_LARGE}


def test_reefer_and_general_cargo_never_share_a_box():
    shipments = [load(f"g{k}", 5.0, 500.0) for k in range(4)] + [
        load(f"r{k}", 5.0, 6500.0, kind="reefer") for k in range(4)
    ]
    plan = plan_consolidation(shipments, containers=SPECS, costs=COSTS)
    check_plan(shipments, plan)
    kinds = {c.type: c.kind for c in plan.containers}
    assert kinds == {"20GP": "general", "20RF": "reefer"}


def test_destinations_are_never_mixed():
    shipments = [load(f"a{k}", 5.0, 500.0, dest="MYPKG") for k in range(3)] + [
        load(f"b{k}", 5.0, 500.0, dest="MYPEN") for k in range(3)
    ]
    plan = plan_consolidation(shipments, containers=SPECS, costs=COSTS)
    check_plan(shipments, plan)
    assert sorted(c.destination_locode for c in plan.containers) == ["MYPEN", "MYPKG"]


def test_shipments_that_can_wait_pool_with_a_later_week():
    early = [
        load(f"e{k}", 4.0, 400.0, latest=MONDAY + timedelta(days=7)) for k in range(3)
    ]
    later = [
        load(f"l{k}", 4.0, 400.0, ready=MONDAY + timedelta(days=7)) for k in range(3)
    ]
    plan = plan_consolidation([*early, *later], containers=SPECS, costs=COSTS)
    check_plan([*early, *later], plan)
    assert len(plan.containers) == 1
    assert plan.containers[0].sail_week == MONDAY + timedelta(days=7)
    # without waiting each week is 12 m³: LCL at 50/RT = 600 a week, or a 20' at 450 each
    assert plan.first_fit_decreasing_usd == 900.0
    assert plan.cost_usd == 450.0


def test_weight_binds_before_volume():
    shipments = [load(f"w{k}", 1.0, 9000.0) for k in range(6)]  # 54 t in 6 m³
    plan = plan_consolidation(shipments, containers=SPECS, costs=COSTS)
    check_plan(shipments, plan)
    assert plan.lower_bound_containers == 2
    assert len(plan.containers) <= plan.lower_bound_containers + 1


def test_a_destination_with_no_rate_at_all_raises():
    shipments = [load("x", 1.0, 100.0, dest="MYKCH")]
    with pytest.raises(MissingRateError):
        plan_consolidation(shipments, containers=SPECS, costs=COSTS)


def test_without_an_lcl_rate_everything_goes_in_boxes():
    costs = PoolingCosts(fcl_usd={("MYPKG", "20GP"): 450.0}, lcl_usd_per_rt={})
    shipments = [load("a", 0.5, 50.0), load("b", 30.0, 100.0)]
    plan = plan_consolidation(shipments, containers=SPECS, costs=costs)
    assert plan.lcl == ("b",)  # 30 m³ does not fit a 20' after stowage
    assert plan.flagged == {"b": FLAG_TOO_LARGE}
    assert [c.shipment_ids for c in plan.containers] == [("a",)]


def test_duplicate_ids_are_refused():
    with pytest.raises(ValueError, match="unique"):
        plan_consolidation(
            [load("a", 1, 1), load("a", 2, 2)], containers=SPECS, costs=COSTS
        )


@pytest.mark.parametrize(
    ("cost", "shares", "expected"),
    [
        (450.0, [(2.0, 500.0), (2.0, 500.0)], [225.0, 225.0]),
        (100.0, [(1.0, 3000.0), (1.0, 0.0)], [75.0, 25.0]),  # W/M: 3 t vs 1 m³
        (100.0, [(1.0, 0.0)] * 3, [33.34, 33.33, 33.33]),  # cents add up
    ],
)
def test_split_cost_by_wm_share(cost, shares, expected):
    loads = [load(f"s{k}", v, w) for k, (v, w) in enumerate(shares)]
    split = split_cost(cost, loads)
    assert list(split.values()) == expected
    assert sum(split.values()) == pytest.approx(cost)


def test_baselines_are_never_cheaper_than_the_plan():
    shipments = [
        load(
            f"s{k}",
            0.5 + (k % 7),
            100.0 + 90 * (k % 5),
            dest=DESTS[k % 3],
            ready=MONDAY + timedelta(days=k % 20),
            latest=MONDAY + timedelta(days=k % 20 + 7 * (k % 3)),
        )
        for k in range(60)
    ]
    plan = plan_consolidation(shipments, containers=SPECS, costs=COSTS)
    check_plan(shipments, plan)
    assert plan.cost_usd <= plan.first_fit_decreasing_usd + 0.01
    assert plan.first_fit_decreasing_usd <= plan.ship_when_ready_usd + 0.01
    assert plan.ship_when_ready_usd == pytest.approx(
        ship_when_ready_cost(shipments, containers=SPECS, costs=COSTS), abs=0.01
    )
    assert plan.first_fit_decreasing_usd == pytest.approx(
        first_fit_decreasing_cost(shipments, containers=SPECS, costs=COSTS), abs=0.01
    )
    for group in plan.groups:
        assert group.containers <= group.lower_bound_containers + 1


shipment_strategy = st.builds(
    lambda v, density, dest, day, wait, reefer: (
        v,
        v * density,
        dest,
        day,
        wait,
        reefer,
    ),
    st.floats(0.05, 40.0),
    st.floats(50.0, 2500.0),
    st.sampled_from(DESTS),
    st.integers(0, 27),
    st.sampled_from([None, 0, 7, 14, 30]),
    st.booleans(),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(shipment_strategy, min_size=1, max_size=25))
def test_packing_never_exceeds_capacity_and_places_each_shipment_once(rows):
    shipments = [
        load(
            f"h{k}",
            round(v, 3),
            round(w, 1),
            dest=dest,
            ready=MONDAY + timedelta(days=day),
            latest=None if wait is None else MONDAY + timedelta(days=day + wait),
            kind="reefer" if reefer else "general",
        )
        for k, (v, w, dest, day, wait, reefer) in enumerate(rows)
    ]
    plan = plan_consolidation(shipments, containers=SPECS, costs=COSTS, time_limit_s=2)
    check_plan(shipments, plan)
    assert plan.cost_usd <= plan.ship_when_ready_usd + 0.01
