"""Pure quote rules: legs, W/M and volumetric pricing, minimums, validity, transit, CO2e."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from serumpun.logistics.rules.quote import (
    Cargo,
    ContainerCap,
    EmissionFactor,
    Network,
    Node,
    Origin,
    QuoteParams,
    Range,
    RateLine,
    great_circle_km,
    quote_routes,
)

AS_OF = dt.date(2026, 12, 7)
NODES = {
    "IDPJG": Node("IDPJG", "Panjang", -5.47, 105.32),
    "IDBK2": Node("IDBK2", "Bakauheni", -5.87, 105.75),
    "IDMRK": Node("IDMRK", "Merak", -5.93, 106.00),
    "IDJKT": Node("IDJKT", "Tanjung Priok", -6.10, 106.88),
    "SGSIN": Node("SGSIN", "Singapore", 1.26, 103.83),
    "MYPKG": Node("MYPKG", "Port Klang", 2.93, 101.29),
}
AIRPORTS = {
    "IDTKG": Node("IDTKG", "Radin Inten II", -5.2406, 105.1756),
    "IDCGK": Node("IDCGK", "Soekarno-Hatta", -6.1256, 106.656),
    "MYKUL": Node("MYKUL", "KLIA", 2.7456, 101.710),
}
SEA_KM = {
    ("IDPJG", "MYPKG"): 1561.0,
    ("IDPJG", "SGSIN"): 1079.0,
    ("MYPKG", "SGSIN"): 534.0,
    ("IDJKT", "MYPKG"): 1433.0,
    ("IDBK2", "IDMRK"): 32.0,
}
NETWORK = Network(NODES, AIRPORTS, SEA_KM)
PARAMS = QuoteParams(
    road_km={
        ("IDPJG", "IDBK2"): 90.0,
        ("IDMRK", "IDJKT"): 125.0,
        ("IDMRK", "IDCGK"): 100.0,
    },
    road_detour_factor=1.3,
    air_gateways={"MYPKG": "MYKUL"},
    air_origins=("IDTKG", "IDCGK"),
    air_uplift_km=95.0,
    volumetric_kg_per_m3=167.0,
    truck_speed_kmh=35.0,
    truck_hours_per_day=10.0,
    ferry_days=Range(0, 1),
    ship_speed_knots=14.0,
    default_departures_per_week=1.0,
    default_flights_per_week=7.0,
    cutoff_days={"sea_lcl": Range(2, 4), "sea_fcl": Range(1, 2), "air": Range(0, 1)},
    dwell_days=Range(2, 7),
    air_speed_kmh=700.0,
    air_hub_dwell_days=Range(0, 1),
    clearance_days={"sea": Range(1, 3), "air": Range(0, 1)},
    emission_factors={
        "road": EmissionFactor(0.073, "GLEC"),
        "ferry": EmissionFactor(0.2122, "GLEC"),
        "sea": EmissionFactor(0.00894, "GLEC"),
        "air": EmissionFactor(0.498, "GLEC"),
    },
    stale_after_days=365,
)
CONTAINERS = [
    ContainerCap("20GP", 28.2, 28180, reefer=False),
    ContainerCap("40GP", 57.5, 26680, reefer=False),
    ContainerCap("20RF", 24.0, 27400, reefer=True),
]
LIWA = Origin(
    Node("1801", "Liwa", -5.033, 104.083), is_regency=True, road_km_to_panjang=234
)
PANJANG = Origin(NODES["IDPJG"], is_regency=False)


def line(
    id_: int, mode: str, basis: str, origin: str = "", destination: str = "", **kw
):
    values = {
        "amount_usd": 1.0,
        "valid_from": dt.date(2026, 1, 1),
        "source_title": f"source {id_}",
        "source_date": dt.date(2026, 6, 1),
        "confidence": "low",
    }
    values.update(kw)
    return RateLine(
        id=id_, mode=mode, basis=basis, origin=origin, destination=destination, **values
    )


TRUCK = line(1, "road", "per_km", amount_usd=1.0)
LCL = line(2, "sea_lcl", "per_rt", "IDPJG", "MYPKG", amount_usd=60.0, minimum_usd=60.0)
AIR = line(3, "air", "per_kg", "IDTKG", "MYKUL", amount_usd=4.0, minimum_usd=100.0)


DEFAULT_CARGO = Cargo(100.0, 0.5, "general")


def run(rates, cargo=DEFAULT_CARGO, origin=LIWA, destination="MYPKG"):
    return quote_routes(
        origin=origin,
        destination=destination,
        cargo=cargo,
        rates=rates,
        network=NETWORK,
        params=PARAMS,
        containers=CONTAINERS,
        as_of=AS_OF,
    )


def option(result, mode, port="IDPJG"):
    return next(o for o in result.options if o.mode == mode and port in o.route)


@pytest.mark.parametrize(
    ("weight_kg", "volume_m3", "expected_usd"),
    [
        (100.0, 0.5, 60.0),  # 0.5 RT × 60 = 30 < minimum 60
        (2000.0, 0.5, 120.0),  # weight binds: 2 t
        (500.0, 3.0, 180.0),  # volume binds: 3 m³
        (1000.0, 1.0, 60.0),  # boundary: 1 RT exactly = minimum
    ],
)
def test_lcl_freight_is_wm_with_minimum(weight_kg, volume_m3, expected_usd):
    result = run([TRUCK, LCL], Cargo(weight_kg, volume_m3, "general"), origin=PANJANG)
    sea = option(result, "sea_lcl")
    assert sea.total_usd == pytest.approx(expected_usd)


@pytest.mark.parametrize(
    ("weight_kg", "volume_m3", "chargeable"),
    [
        (10.0, 0.01, 10.0),  # actual weight
        (10.0, 0.12, 20.04),  # volumetric 0.12 × 167
        (50.0, 0.3, 50.1),  # volumetric just above actual
    ],
)
def test_air_charges_the_greater_of_actual_and_volumetric_weight(
    weight_kg, volume_m3, chargeable
):
    air = line(3, "air", "per_kg", "IDTKG", "MYKUL", amount_usd=4.0)
    result = run([TRUCK, air], Cargo(weight_kg, volume_m3, "general"), origin=PANJANG)
    option_air = option(result, "air", "IDTKG")
    assert option_air.chargeable == pytest.approx(chargeable, abs=0.1)
    freight = next(i for i in option_air.breakdown if i.kind == "air_freight")
    assert freight.amount == pytest.approx(4.0 * chargeable, abs=0.5)


def test_air_minimum_applies():
    result = run([TRUCK, AIR], Cargo(5.0, 0.01, "general"), origin=PANJANG)
    freight = next(
        i for i in option(result, "air", "IDTKG").breakdown if i.kind == "air_freight"
    )
    assert freight.amount == 100.0


def test_legs_from_liwa_by_panjang_use_the_regency_road_distance():
    sea = option(run([TRUCK, LCL]), "sea_lcl")
    assert [leg.mode for leg in sea.legs] == ["road", "sea"]
    assert sea.legs[0].distance_km == 234
    assert sea.legs[1].distance_km == 1561
    assert sea.distance_km == 1795
    truck = next(i for i in sea.breakdown if i.kind == "road")
    assert truck.amount == pytest.approx(234.0)


def test_a_via_rate_routes_through_the_hub_with_dwell():
    via = line(5, "sea_lcl", "per_rt", "IDPJG", "MYPKG", amount_usd=50.0, via="SGSIN")
    sea = option(run([TRUCK, via], origin=PANJANG), "sea_lcl")
    assert sea.route == ("IDPJG", "SGSIN", "MYPKG")
    assert sea.distance_km == 1079 + 534
    direct = option(run([TRUCK, LCL], origin=PANJANG), "sea_lcl")
    assert sea.transit_days.max >= direct.transit_days.max + PARAMS.dwell_days.max - 1


def test_priok_route_crosses_the_sunda_strait_by_ferry():
    lcl = line(6, "sea_lcl", "per_rt", "IDJKT", "MYPKG", amount_usd=50.0)
    ferry = line(7, "ferry", "per_trip", "IDBK2", "IDMRK", amount_usd=60.0)
    sea = option(run([TRUCK, lcl, ferry]), "sea_lcl", "IDJKT")
    assert [leg.mode for leg in sea.legs] == ["road", "ferry", "road", "sea"]
    assert sea.legs[1].distance_km == 32
    assert sea.legs[2].distance_km == 125


def test_missing_ferry_rate_omits_the_priok_option_with_a_reason():
    lcl = line(6, "sea_lcl", "per_rt", "IDJKT", "MYPKG", amount_usd=50.0)
    result = run([TRUCK, lcl])
    assert not any("IDJKT" in o.route for o in result.options)
    omitted = next(
        o for o in result.omitted if o.mode == "sea_lcl" and "IDJKT" in o.route
    )
    assert omitted.reason.code == "no_rate"
    assert omitted.reason.leg_mode == "ferry"


@pytest.mark.parametrize(
    ("valid_from", "valid_to", "priced"),
    [
        (dt.date(2026, 1, 1), None, True),
        (dt.date(2026, 1, 1), AS_OF, True),  # last valid day
        (dt.date(2026, 1, 1), AS_OF - dt.timedelta(days=1), False),  # expired yesterday
        (AS_OF + dt.timedelta(days=1), None, False),  # not yet valid
    ],
)
def test_only_rates_valid_on_the_date_are_used(valid_from, valid_to, priced):
    lcl = line(
        2,
        "sea_lcl",
        "per_rt",
        "IDPJG",
        "MYPKG",
        amount_usd=60.0,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    result = run([TRUCK, lcl], origin=PANJANG)
    assert any(o.mode == "sea_lcl" for o in result.options) is priced
    if not priced and valid_to is not None:
        reason = next(o.reason for o in result.omitted if o.mode == "sea_lcl")
        assert reason.expired_on == valid_to


def test_an_expired_truck_rate_is_not_used():
    expired = line(1, "road", "per_km", valid_to=dt.date(2026, 6, 30))
    result = run([expired, LCL])
    assert result.options == ()
    assert {
        o.reason.leg_mode
        for o in result.omitted
        if o.mode == "sea_lcl" and "IDPJG" in o.route
    } == {"road"}


def test_fcl_counts_containers_by_volume_and_payload():
    fcl = line(
        8,
        "sea_fcl",
        "per_container",
        "IDPJG",
        "MYPKG",
        amount_usd=450.0,
        container_code="20GP",
    )
    heavy = option(
        run([TRUCK, fcl], Cargo(40_000.0, 10.0, "general"), origin=PANJANG),
        "sea_fcl_20",
    )
    assert heavy.containers == 2  # 40 t > 28.18 t payload
    bulky = option(
        run([TRUCK, fcl], Cargo(1_000.0, 60.0, "general"), origin=PANJANG), "sea_fcl_20"
    )
    assert bulky.containers == 3  # 60 m³ / 28.2
    assert bulky.total_usd == pytest.approx(3 * 450.0)


def test_reefer_cargo_needs_a_reefer_rate_and_box():
    fcl = line(
        8,
        "sea_fcl",
        "per_container",
        "IDPJG",
        "MYPKG",
        amount_usd=450.0,
        container_code="20GP",
    )
    result = run([TRUCK, fcl, LCL], Cargo(500.0, 2.0, "reefer"), origin=PANJANG)
    assert not any(o.mode == "sea_fcl_20" for o in result.options)
    assert any(
        o.reason.code == "no_container"
        for o in result.omitted
        if o.mode == "sea_fcl_40"
    )


def test_local_charges_are_added_once_per_charge_cheapest_first():
    thc_a = line(
        9,
        "local",
        "per_shipment",
        "IDPJG",
        amount_usd=40.0,
        charge="documents",
        applies_to="sea_lcl",
    )
    thc_b = line(
        10, "local", "per_shipment", "IDPJG", amount_usd=30.0, charge="documents"
    )
    air_only = line(
        11,
        "local",
        "per_shipment",
        "IDPJG",
        amount_usd=99.0,
        charge="x",
        applies_to="air",
    )
    sea = option(run([TRUCK, LCL, thc_a, thc_b, air_only], origin=PANJANG), "sea_lcl")
    local = [i for i in sea.breakdown if i.kind == "local"]
    assert [(i.detail, i.amount) for i in local] == [("documents", 30.0)]


@pytest.mark.parametrize(
    ("mode", "km", "factor"),
    [("road", 234, 0.073), ("sea", 1561, 0.00894)],
)
def test_co2e_is_tonne_km_times_the_glec_factor(mode, km, factor):
    sea = option(run([TRUCK, LCL], Cargo(1000.0, 1.0, "general")), "sea_lcl")
    leg = next(leg for leg in sea.legs if leg.mode == mode)
    assert leg.distance_km == km
    assert sea.co2e_kg == pytest.approx(234 * 0.073 + 1561 * 0.00894, abs=0.01)


def test_air_distance_is_great_circle_plus_95_km():
    air = option(run([TRUCK, AIR], origin=PANJANG), "air", "IDTKG")
    flight = next(leg for leg in air.legs if leg.mode == "air")
    gc = great_circle_km(AIRPORTS["IDTKG"], AIRPORTS["MYKUL"])
    assert gc == pytest.approx(968, abs=5)  # research §2.2
    assert flight.distance_km == pytest.approx(gc + 95, abs=0.1)
    assert air.co2e_kg > 0.1 * flight.distance_km * 0.498 * 0.99


def test_transit_days_add_road_cutoff_wait_sailing_and_clearance():
    sea = option(run([TRUCK, LCL]), "sea_lcl")
    road = 234 / 35
    sail = 1561 / (14 * 1.852 * 24)
    low = road / 24 + 2 + 0 + sail + 1
    high = road / 10 + 4 + 7 + sail + 3
    assert sea.transit_days.min == max(1, int(low))
    assert sea.transit_days.max == pytest.approx(-(-high // 1))


def test_a_rate_can_set_its_own_transit_days_and_frequency():
    lcl = line(
        2,
        "sea_lcl",
        "per_rt",
        "IDPJG",
        "MYPKG",
        amount_usd=60.0,
        transit_days_min=3,
        transit_days_max=5,
        departures_per_week=7.0,
    )
    sea = option(run([TRUCK, lcl], origin=PANJANG), "sea_lcl")
    assert sea.transit_days == Range(
        6.0, 13.0
    )  # cut-off 2–4, wait 0–1, 3–5 at sea, clear 1–3


def test_rate_sources_report_age_and_staleness():
    old = line(
        2,
        "sea_lcl",
        "per_rt",
        "IDPJG",
        "MYPKG",
        amount_usd=60.0,
        source_date=dt.date(2018, 1, 1),
        valid_from=dt.date(2018, 1, 1),
    )
    sea = option(run([TRUCK, old]), "sea_lcl")
    sources = {s.rate_id: s for s in sea.rate_sources}
    assert sources[2].age_days == (AS_OF - dt.date(2018, 1, 1)).days
    assert sources[2].stale
    assert not sources[1].stale


def test_non_positive_cargo_is_refused():
    with pytest.raises(ValueError, match="positive"):
        run([TRUCK, LCL], Cargo(0.0, 1.0, "general"))


def test_options_are_sorted_cheapest_first():
    result = run([TRUCK, LCL, AIR])
    totals = [o.total_usd for o in result.options]
    assert totals == sorted(totals)
    assert {o.mode for o in result.options} == {"sea_lcl", "air"}


ALL_RATES = [
    TRUCK,
    LCL,
    AIR,
    line(6, "sea_lcl", "per_rt", "IDJKT", "MYPKG", amount_usd=50.0, minimum_usd=100.0),
    line(7, "ferry", "per_trip", "IDBK2", "IDMRK", amount_usd=60.0),
    line(
        8,
        "sea_fcl",
        "per_container",
        "IDPJG",
        "MYPKG",
        amount_usd=450.0,
        container_code="20GP",
    ),
    line(
        12,
        "sea_fcl",
        "per_container",
        "IDPJG",
        "MYPKG",
        amount_usd=700.0,
        container_code="40GP",
        via="SGSIN",
    ),
    line(13, "air", "per_kg", "IDCGK", "MYKUL", amount_usd=5.5, minimum_usd=247.5),
]


@given(
    weight=st.floats(min_value=0.1, max_value=200_000),
    volume=st.floats(min_value=0.001, max_value=500),
    kind=st.sampled_from(["general", "reefer"]),
)
@settings(max_examples=150, deadline=None)
def test_every_option_is_consistent_for_any_cargo(weight, volume, kind):
    result = run(ALL_RATES, Cargo(weight, volume, kind))
    for found in result.options:
        assert found.total_usd >= 0
        assert found.total_usd == pytest.approx(
            sum(i.amount for i in found.breakdown), abs=0.05
        )
        assert 1 <= found.transit_days.min <= found.transit_days.max
        assert found.co2e_kg >= 0
        # legs chain from the origin to the destination without gaps
        assert found.legs[0].origin.code == "1801"
        for a, b in zip(found.legs, found.legs[1:], strict=False):
            assert a.destination.code == b.origin.code
        assert found.route == ("1801", *(leg.destination.code for leg in found.legs))
        if found.containers:
            box = next(
                c
                for c in CONTAINERS
                if found.mode.endswith(c.code[:2]) and c.reefer == (kind == "reefer")
            )
            assert found.containers * box.usable_volume_m3 >= volume
            assert found.containers * box.payload_kg >= weight
    assert {(o.mode, o.route[1]) for o in result.options}.isdisjoint(
        {(o.mode, o.route[1]) for o in result.omitted}
    )
