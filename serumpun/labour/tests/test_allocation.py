"""Allocation: min-cost flow finds the maximum-total-score offers within the caps."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from serumpun.labour.rules.allocation import (
    allocate,
    fairness_report,
    greedy_allocate,
    load_allocation_settings,
    order_capacities,
)

DATA = Path(__file__).resolve().parents[3] / "data" / "labour" / "matching.yaml"


def matrix(rows: list[list[float | None]]) -> sp.csr_matrix:
    """Seekers × orders; None = not an eligible pair, a number (even 0) = eligible."""
    seekers, orders, values = [], [], []
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if value is not None:
                seekers.append(i)
                orders.append(j)
                values.append(value)
    return sp.csr_matrix((values, (seekers, orders)), shape=(len(rows), len(rows[0])))


def offered(allocation) -> set[tuple[int, int]]:
    return {(int(s), int(o)) for s, o in allocation.offers}


def test_it_finds_the_optimum_where_greedy_takes_the_best_pair_first() -> None:
    scores = matrix([[0.9, 0.8], [0.7, None]])
    best = allocate(scores, np.array([1, 1]), k=1, m=1.0)
    greedy = greedy_allocate(scores, np.array([1, 1]), k=1, m=1.0)
    assert best.status == "optimal"
    assert offered(best) == {(0, 1), (1, 0)}
    assert best.total_score == pytest.approx(1.5)
    assert offered(greedy) == {(0, 0)}
    assert greedy.total_score == pytest.approx(0.9)


def test_it_maximises_score_not_the_number_of_offers() -> None:
    # Two offers (A→Y 0.1, B→X 0.5) total 0.6; one offer (A→X) totals 0.9 and wins.
    scores = matrix([[0.9, 0.1], [0.5, None]])
    result = allocate(scores, np.array([1, 1]), k=1, m=1.0)
    assert offered(result) == {(0, 0)}
    assert result.total_score == pytest.approx(0.9)


def test_it_leaves_places_empty_rather_than_lowering_the_total() -> None:
    scores = matrix([[0.9, 0.1]])
    result = allocate(scores, np.array([1, 1]), k=1, m=1.0)
    assert offered(result) == {(0, 0)}


def test_zero_score_eligible_pairs_fill_free_places() -> None:
    scores = matrix([[0.0, None], [None, 0.5]])
    result = allocate(scores, np.array([1, 1]), k=1, m=1.0)
    assert offered(result) == {(0, 0), (1, 1)}


def test_caps_hold_for_seekers_and_for_over_offered_orders() -> None:
    rng = np.random.default_rng(3)
    dense = rng.random((60, 8))
    dense[rng.random((60, 8)) < 0.3] = 0
    scores = sp.csr_matrix(dense)
    quotas = np.array([1, 2, 3, 0, 5, 1, 2, 4])
    result = allocate(scores, quotas, k=2, m=1.5)
    assert result.status == "optimal"
    per_seeker = np.bincount(result.offers[:, 0], minlength=60)
    per_order = np.bincount(result.offers[:, 1], minlength=8)
    assert per_seeker.max() <= 2
    assert (per_order <= order_capacities(quotas, 1.5)).all()
    assert per_order[3] == 0
    assert all(dense[s, o] > 0 for s, o in result.offers)
    assert result.total_score >= greedy_allocate(scores, quotas, k=2, m=1.5).total_score


def test_order_capacity_is_the_floor_of_m_times_quota() -> None:
    assert order_capacities(np.array([0, 1, 2, 3, 10]), 1.5).tolist() == [
        0,
        1,
        3,
        4,
        15,
    ]


def test_no_eligible_pairs_gives_no_offers() -> None:
    result = allocate(sp.csr_matrix((3, 2)), np.array([1, 1]), k=1, m=1.0)
    assert result.status == "optimal"
    assert result.offers.shape == (0, 2)
    assert result.total_score == 0


@pytest.mark.parametrize(
    ("quotas", "k", "m", "message"),
    [
        (np.array([1]), 1, 1.0, "one quota"),
        (np.array([1, -1]), 1, 1.0, "negative"),
        (np.array([1, 1]), 0, 1.0, "k"),
        (np.array([1, 1]), 1, -0.5, "m"),
    ],
)
def test_it_rejects_bad_parameters(quotas, k, m, message) -> None:
    with pytest.raises(ValueError, match=message):
        allocate(matrix([[0.5, 0.5]]), quotas, k=k, m=m)


def test_it_rejects_negative_scores() -> None:
    with pytest.raises(ValueError, match="negative"):
        allocate(matrix([[-0.5]]), np.array([1]), k=1, m=1.0)


def brute_force(values: dict[tuple[int, int], int], caps: np.ndarray, k: int) -> int:
    """The best total over every subset of pairs that respects the caps."""
    pairs = list(values)
    best = 0
    for mask in itertools.product((False, True), repeat=len(pairs)):
        chosen = [pair for pair, take in zip(pairs, mask, strict=True) if take]
        per_seeker: dict[int, int] = {}
        per_order: dict[int, int] = {}
        for s, o in chosen:
            per_seeker[s] = per_seeker.get(s, 0) + 1
            per_order[o] = per_order.get(o, 0) + 1
        if all(v <= k for v in per_seeker.values()) and all(
            per_order[o] <= caps[o] for o in per_order
        ):
            best = max(best, sum(values[pair] for pair in chosen))
    return best


instances = st.integers(1, 4).flatmap(
    lambda n_seekers: st.integers(1, 3).flatmap(
        lambda n_orders: st.tuples(
            st.dictionaries(
                st.tuples(st.integers(0, n_seekers - 1), st.integers(0, n_orders - 1)),
                st.integers(0, 1000),
                max_size=10,
            ),
            st.lists(st.integers(0, 3), min_size=n_orders, max_size=n_orders),
            st.just(n_seekers),
        )
    )
)


@settings(max_examples=150, deadline=None)
@given(instance=instances, k=st.integers(1, 3), m=st.sampled_from([1.0, 1.5, 0.5]))
def test_allocation_matches_brute_force_on_tiny_instances(
    instance, k: int, m: float
) -> None:
    values, quotas, n_seekers = instance
    quotas = np.array(quotas)
    n_orders = len(quotas)
    rows = [[None] * n_orders for _ in range(n_seekers)]
    for (s, o), points in values.items():
        rows[s][o] = points / 1000
    result = allocate(matrix(rows), quotas, k=k, m=m, scale=1000)
    caps = order_capacities(quotas, m)
    assert result.status == "optimal"
    assert round(result.total_score * 1000) == brute_force(values, caps, k)
    assert np.bincount(result.offers[:, 0], minlength=n_seekers).max(initial=0) <= k
    assert (np.bincount(result.offers[:, 1], minlength=n_orders) <= caps).all()
    assert all((int(s), int(o)) in values for s, o in result.offers)
    greedy = greedy_allocate(matrix(rows), quotas, k=k, m=m)
    assert result.total_score >= greedy.total_score - 1e-9


def test_fairness_report_compares_offer_rates_with_the_pool() -> None:
    female = np.array([True, True, True, True, False, False, False, False])
    regency = np.array([0, 0, 1, 1, 0, 0, 1, -1])
    offers = np.array([[0, 0], [0, 1], [4, 0], [5, 0], [6, 1]])
    report = fairness_report(
        offers, female, regency, ("1801", "1802"), min_rate_ratio=0.8
    )
    assert (report["pool"], report["offered"], report["offer_rate"]) == (8, 4, 0.5)
    gender = {row["group"]: row for row in report["by_gender"]}
    assert gender["female"]["offered"] == 1
    assert gender["female"]["offer_rate"] == 0.25
    assert gender["female"]["rate_ratio"] == 0.5
    assert gender["female"]["flagged"]
    assert gender["male"]["offer_rate"] == 0.75
    assert not gender["male"]["flagged"]
    regencies = {row["group"]: row for row in report["by_regency"]}
    assert regencies["1801"]["pool"] == 4
    assert regencies["1801"]["offered"] == 3
    assert regencies["unknown"]["pool"] == 1


def test_fairness_report_counts_only_the_eligible_pool() -> None:
    female = np.array([True, False, False])
    pool = np.array([True, True, False])
    report = fairness_report(
        np.array([[0, 0], [2, 0]]), female, np.array([0, 0, 0]), ("1801",), pool=pool
    )
    assert (report["pool"], report["offered"]) == (2, 1)


def test_settings_come_from_the_data_file() -> None:
    settings_ = load_allocation_settings(yaml.safe_load(DATA.read_text()))
    assert settings_.max_offers_per_seeker >= 1
    assert settings_.over_offer_factor >= 1
    assert 0 < settings_.min_rate_ratio <= 1
    with pytest.raises(ValueError, match="allocation"):
        load_allocation_settings({})
