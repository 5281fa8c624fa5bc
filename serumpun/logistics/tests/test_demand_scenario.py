"""The "weekly direct Panjang–Port Klang call" scenario against today's routing."""

from __future__ import annotations

import pytest

from serumpun.logistics.queries_demand import direct_call_scenario
from serumpun.logistics.tests.builders import (
    AS_OF,
    load_network_reference,
    standard_rates,
)

pytestmark = pytest.mark.django_db


def test_a_direct_call_skips_the_hub_and_saves_time_and_emissions():
    load_network_reference()
    standard_rates()
    rows = {row.mode: row for row in direct_call_scenario(as_of=AS_OF)}
    assert set(rows) == {"sea_lcl", "sea_fcl_20"}
    for row in rows.values():
        assert row.today is not None
        assert row.direct is not None
        assert "SGSIN" in row.today.route
        assert "SGSIN" not in row.direct.route
        assert row.direct.distance_km < row.today.distance_km
        assert row.direct.co2e_kg < row.today.co2e_kg
        assert row.direct.transit_days.max <= row.today.transit_days.max
        # priced at today's through rate: no saving is invented
        assert row.direct.total_usd == pytest.approx(row.today.total_usd, rel=0.05)


def test_without_rates_the_scenario_has_no_options():
    load_network_reference()
    rows = direct_call_scenario(as_of=AS_OF)
    assert all(row.today is None and row.direct is None for row in rows)
