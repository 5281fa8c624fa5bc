"""The deals pipeline rules: every legal and illegal move of data/trade/deals.yaml, and the
funnel's conversion maths (no database)."""

from __future__ import annotations

import itertools

import pytest

from serumpun.trade.actions_deals import DealsConfigError, deals_config, parse_config
from serumpun.trade.rules import deals as rules

LEGAL = {
    ("introduced", "sample_sent"): "msme",
    ("introduced", "negotiating"): "buyer",
    ("introduced", "lost"): "either",
    ("sample_sent", "negotiating"): "buyer",
    ("sample_sent", "lost"): "either",
    ("negotiating", "ordered"): "buyer",
    ("negotiating", "lost"): "either",
    ("ordered", "shipped"): "msme",
    ("ordered", "paid"): "buyer",
    ("ordered", "lost"): "either",
    ("shipped", "paid"): "buyer",
    ("shipped", "lost"): "either",
}


@pytest.mark.parametrize(
    ("from_stage", "to_stage", "side"),
    list(itertools.product(rules.STAGES, rules.STAGES, ("buyer", "msme", "attache"))),
)
def test_every_move_of_the_table(from_stage, to_stage, side):
    config = deals_config()
    mover = LEGAL.get((from_stage, to_stage))
    allowed = mover is not None and (side == "attache" or mover in ("either", side))
    try:
        rules.check_move(
            config.moves,
            config.movers,
            from_stage=from_stage,
            to_stage=to_stage,
            side=side,
        )
    except rules.MoveError as exc:
        assert not allowed, exc
        expected = (
            "finished"
            if from_stage in rules.FINAL
            else "same_stage"
            if from_stage == to_stage
            else "not_allowed"
            if mover is None
            else "wrong_side"
        )
        assert exc.code == expected
    else:
        assert allowed


def test_next_stages_follow_the_pipeline_order():
    config = deals_config()
    assert rules.next_stages(config.moves, config.movers, "introduced", "msme") == (
        "sample_sent",
        "lost",
    )
    assert rules.next_stages(config.moves, config.movers, "ordered", "attache") == (
        "shipped",
        "paid",
        "lost",
    )
    assert rules.next_stages(config.moves, config.movers, "paid", "attache") == ()


@pytest.mark.parametrize(
    ("furthest", "reached", "conversion"),
    [
        ({}, [0, 0, 0, 0, 0, 0], [None] * 6),
        # 10 leads: 4 stayed introduced, 3 got to sample, 2 ordered, 1 paid
        (
            {0: 4, 1: 3, 3: 2, 5: 1},
            [10, 6, 3, 3, 1, 1],
            [None, 0.6, 0.5, 1.0, 1 / 3, 1.0],
        ),
        # a lead that skipped the sample still passed it
        ({2: 1}, [1, 1, 1, 0, 0, 0], [None, 1.0, 1.0, 0.0, None, None]),
    ],
)
def test_funnel_conversion(furthest, reached, conversion):
    steps = rules.funnel(furthest)
    assert [s.stage for s in steps] == list(rules.CHAIN)
    assert [s.reached for s in steps] == reached
    assert [s.conversion for s in steps] == pytest.approx(conversion)


def test_furthest_index_ignores_lost():
    assert rules.furthest_index(["introduced", "negotiating", "lost"]) == 2
    assert rules.furthest_index(["lost"]) == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("moves:\n  introduced: [paid_twice]", "unknown stage"),
        ("moves:\n  negotiating: [introduced]", "not forward"),
        ("idle_after_days: {value: 0}", "at least 1"),
    ],
)
def test_a_bad_config_names_the_entry(change, message):
    import yaml

    from serumpun.trade.actions_deals import config_path

    raw = yaml.safe_load(config_path().read_text(encoding="utf-8"))
    patch = yaml.safe_load(change)
    for key, value in patch.items():
        raw[key] = {**raw[key], **value} if isinstance(raw[key], dict) else value
    with pytest.raises(DealsConfigError, match=message):
        parse_config(yaml.safe_dump(raw))
