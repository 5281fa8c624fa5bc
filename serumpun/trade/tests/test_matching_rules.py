"""The matching engine (rules/matching.py): each hard constraint, score monotonicity, ranking."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from serumpun.trade.rules import matching as engine
from serumpun.trade.rules.matching import Candidates, PermitNeed, RequestFacts

KINDS = ("halal", "bpom_md", "pirt")
SETTINGS = engine.Settings(
    weights=dict.fromkeys(engine.COMPONENTS, 1.0), near_miss_limit=5
)
REQUEST = RequestFacts(
    hs_code=200893,
    accept_same_heading=False,
    quantity_kg_per_month=2000.0,
    required_kinds=("halal",),
    target_price_usd_per_kg=5.0,
)


def candidates(n: int = 1, **columns: Any) -> Candidates:
    """n identical eligible rows, with columns overridden by lists."""
    base: dict[str, Any] = {
        "msme_id": np.arange(1, n + 1, dtype=np.int64),
        "product_id": np.arange(101, 101 + n, dtype=np.int64),
        "hs_code": np.full(n, 200893, dtype=np.int64),
        "monthly_capacity_kg": np.full(n, 3000.0),
        "fob_usd_per_kg": np.full(n, 4.5),
        "readiness": np.full(n, 80.0),
        "gates_passed": np.ones(n, dtype=bool),
        "msme_verified": np.ones(n, dtype=bool),
        "active": np.ones(n, dtype=bool),
        "certificates": np.ones((n, len(KINDS)), dtype=bool),
        "responsiveness": np.full(n, 0.5),
        "outcome": np.full(n, 0.5),
        "distance_km": np.full(n, 50.0),
    }
    for name, values in columns.items():
        if name != "failed_gates":
            base[name] = np.asarray(values, dtype=base[name].dtype)
    return Candidates(
        kinds=KINDS,
        failed_gates=columns.get("failed_gates", [()] * n),
        **base,
    )


def judge(
    rows: Candidates, request: RequestFacts = REQUEST, text: float = 0.5
) -> engine.Match:
    evaluation = engine.evaluate(request, rows, np.full(len(rows), text), SETTINGS)
    return engine.explain(request, rows, evaluation, 0, SETTINGS)


def codes(match: engine.Match) -> list[str]:
    return [blocker.code for blocker in match.blockers]


@pytest.mark.parametrize(
    ("columns", "request_changes", "blocker"),
    [
        ({}, {}, None),
        ({"hs_code": [200899]}, {}, "hs_mismatch"),
        ({"hs_code": [200899]}, {"accept_same_heading": True}, None),
        ({"hs_code": [200799]}, {"accept_same_heading": True}, "hs_mismatch"),
        ({"monthly_capacity_kg": [2000.0]}, {}, None),
        ({"monthly_capacity_kg": [1999.0]}, {}, "capacity_short"),
        ({"certificates": [[False, True, True]]}, {}, "certificate_missing"),
        ({"certificates": [[True, False, False]]}, {}, None),
        ({"readiness": [np.nan]}, {}, "not_assessed"),
        (
            {"gates_passed": [False], "failed_gates": [("halal_certificate",)]},
            {},
            "gate_failed",
        ),
        ({"msme_verified": [False]}, {}, "msme_not_verified"),
        ({"active": [False]}, {}, "product_inactive"),
        (
            {},
            {"missing_permits": {200893: (PermitNeed("MY-X-PERMIT", "MAQIS"),)}},
            "buyer_permit_missing",
        ),
        (
            {},
            {"missing_permits": {200899: (PermitNeed("MY-X-PERMIT", "MAQIS"),)}},
            None,
        ),
    ],
)
def test_each_hard_constraint_blocks_with_its_code(
    columns: dict[str, Any], request_changes: dict[str, Any], blocker: str | None
) -> None:
    match = judge(candidates(**columns), replace(REQUEST, **request_changes))
    assert match.eligible is (blocker is None)
    assert codes(match) == ([] if blocker is None else [blocker])


def test_a_blocker_says_what_is_missing() -> None:
    match = judge(candidates(monthly_capacity_kg=[1500.0]))
    assert match.blockers[0].params == {
        "capacity_kg": 1500.0,
        "quantity_kg": 2000.0,
        "short_kg": 500.0,
    }
    permit = judge(
        candidates(),
        replace(REQUEST, missing_permits={200893: (PermitNeed("MY-P", "DOA"),)}),
    )
    assert permit.blockers[0].params == {"requirement_id": "MY-P", "agency": "DOA"}


def test_every_missing_certificate_is_a_blocker() -> None:
    request = replace(REQUEST, required_kinds=("halal", "bpom_md"))
    match = judge(candidates(certificates=[[False, False, True]]), request)
    assert [b.params["kind"] for b in match.blockers] == ["halal", "bpom_md"]


def test_reasons_name_what_fits() -> None:
    match = judge(candidates())
    found = {reason.code for reason in match.reasons}
    assert {
        "hs_same_subheading",
        "certificates_held",
        "capacity_enough",
        "gates_passed",
        "text_similar",
        "price_within_target",
        "port_distance",
    } <= found


@pytest.mark.parametrize(
    ("column", "worse", "better"),
    [
        ("readiness", 40.0, 90.0),
        ("fob_usd_per_kg", 6.0, 5.0),
        ("monthly_capacity_kg", 2100.0, 3500.0),
        ("responsiveness", 0.2, 0.9),
        ("outcome", 0.1, 0.8),
        ("distance_km", 250.0, 20.0),
    ],
)
def test_score_rises_with_each_soft_component(
    column: str, worse: float, better: float
) -> None:
    assert (
        judge(candidates(**{column: [better]})).score
        > judge(candidates(**{column: [worse]})).score
    )


def test_score_rises_with_text_similarity_and_stays_in_0_1() -> None:
    low, high = judge(candidates(), text=0.1), judge(candidates(), text=0.9)
    assert 0.0 <= low.score < high.score <= 1.0


def test_unknown_price_and_distance_are_neutral() -> None:
    evaluation = engine.evaluate(
        REQUEST,
        candidates(fob_usd_per_kg=[np.nan], distance_km=[np.nan]),
        np.zeros(1),
        SETTINGS,
    )
    assert evaluation.components["price"][0] == engine.NEUTRAL
    assert evaluation.components["distance"][0] == engine.NEUTRAL


def test_match_ranks_eligible_first_then_limited_near_misses() -> None:
    rows = candidates(
        8,
        readiness=[50, 90, 70, 60, 80, 85, 30, 40],
        monthly_capacity_kg=[3000, 3000, 3000, 100, 100, 100, 100, 100],
    )
    ranking = engine.match(
        REQUEST, rows, np.zeros(8), replace(SETTINGS, near_miss_limit=2), limit=10
    )
    assert ranking.eligible_count == 3
    assert [m.product_id for m in ranking.matches[:3]] == [102, 103, 101]
    assert all(m.eligible for m in ranking.matches[:3])
    assert len(ranking.matches) == 5
    assert not any(m.eligible for m in ranking.matches[3:])


@pytest.mark.parametrize(
    ("limit", "expected"),
    [
        # One blocker beats two whatever the score; within a count, the higher score.
        (1, [102]),
        (2, [102, 101]),
        # Fewer one-blocker rows than the limit: the two-blocker rows follow.
        (3, [102, 101, 104]),
        (4, [102, 101, 104, 103]),
    ],
)
def test_near_misses_fewest_blockers_first_then_score(
    limit: int, expected: list[int]
) -> None:
    rows = candidates(
        4,
        readiness=[60, 70, 95, 99],
        monthly_capacity_kg=[100, 100, 100, 100],
        msme_verified=[True, True, False, False],
    )
    ranking = engine.match(
        REQUEST, rows, np.zeros(4), replace(SETTINGS, near_miss_limit=limit), limit=10
    )
    assert ranking.eligible_count == 0
    assert [m.product_id for m in ranking.matches] == expected


def test_pool_rows_offered_only_when_nobody_meets_the_volume() -> None:
    rows = candidates(3, monthly_capacity_kg=[900, 800, 700])
    ranking = engine.match(REQUEST, rows, np.zeros(3), SETTINGS, limit=5)
    assert ranking.eligible_count == 0
    assert sorted(ranking.pool_rows.tolist()) == [0, 1, 2]
    rows = candidates(3, monthly_capacity_kg=[2900, 800, 700])
    assert not len(
        engine.match(REQUEST, rows, np.zeros(3), SETTINGS, limit=5).pool_rows
    )


def test_one_code_path_for_many_rows() -> None:
    n = 10_000
    rng = np.random.default_rng(1)
    rows = candidates(n, monthly_capacity_kg=rng.uniform(0, 5000, n))
    ranking = engine.match(REQUEST, rows, rng.uniform(0, 1, n), SETTINGS, limit=20)
    scores = [m.score for m in ranking.matches if m.eligible]
    assert len(scores) == 20
    assert scores == sorted(scores, reverse=True)
    assert ranking.eligible_count == int((rows.monthly_capacity_kg >= 2000).sum())


def test_haversine_from_bandar_lampung_to_panjang_is_short() -> None:
    km = engine.haversine_km(np.array([-5.43]), np.array([105.26]), -5.47, 105.32)
    assert 5 < km[0] < 10


def test_load_settings_names_the_bad_entry() -> None:
    good = {
        "weights": {name: {"value": 1} for name in engine.COMPONENTS},
        "thresholds": {
            name: {"value": 1}
            for name in (
                "price_tolerance",
                "headroom_full",
                "distance_cap_km",
                "text_reason_min",
                "near_miss_limit",
                "pool_max_members",
                "pool_max_candidates",
                "pool_limit",
            )
        },
    }
    assert engine.load_settings(good).weights["text"] == 1.0
    bad = {**good, "weights": {**good["weights"], "price": {"value": -1}}}
    with pytest.raises(ValueError, match=r"weights\.price"):
        engine.load_settings(bad)


def test_no_candidates_is_an_empty_ranking() -> None:
    ranking = engine.match(REQUEST, candidates(0), np.zeros(0), SETTINGS, limit=5)
    assert (ranking.matches, ranking.eligible_count) == ((), 0)
