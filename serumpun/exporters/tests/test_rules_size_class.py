"""PP 7/2021 size classes: boundaries are inclusive; turnover decides when it is known."""

from __future__ import annotations

from decimal import Decimal

import pytest

from serumpun.exporters import config
from serumpun.exporters.rules.size_class import SizeThresholds, classify

BN = 1_000_000_000

THRESHOLDS = SizeThresholds(
    assets_idr_max={
        "micro": Decimal(1 * BN),
        "small": Decimal(5 * BN),
        "medium": Decimal(10 * BN),
    },
    turnover_idr_max={
        "micro": Decimal(2 * BN),
        "small": Decimal(15 * BN),
        "medium": Decimal(50 * BN),
    },
)


@pytest.mark.parametrize(
    ("assets", "expected"),
    [
        (0, "micro"),
        (1 * BN, "micro"),
        (1 * BN + 1, "small"),
        (5 * BN, "small"),
        (5 * BN + 1, "medium"),
        (10 * BN, "medium"),
        (10 * BN + 1, "large"),
    ],
)
def test_assets_alone_decide_at_the_boundaries(assets, expected):
    assert classify(assets, None, THRESHOLDS) == expected


@pytest.mark.parametrize(
    ("turnover", "expected"),
    [
        (2 * BN, "micro"),
        (2 * BN + 1, "small"),
        (15 * BN, "small"),
        (15 * BN + 1, "medium"),
        (50 * BN, "medium"),
        (50 * BN + 1, "large"),
    ],
)
def test_turnover_alone_decides_at_the_boundaries(turnover, expected):
    assert classify(None, turnover, THRESHOLDS) == expected


def test_turnover_wins_over_assets_for_a_trading_business():
    # Rp 3 bn of capital would be small; Rp 1.5 bn of sales a year is micro (Pasal 35(4)-(5)).
    assert classify(3 * BN, Decimal("1500000000"), THRESHOLDS) == "micro"


def test_the_precedence_is_configurable():
    assets_first = SizeThresholds(
        THRESHOLDS.assets_idr_max,
        THRESHOLDS.turnover_idr_max,
        precedence=("assets", "turnover"),
    )
    assert classify(3 * BN, Decimal("1500000000"), assets_first) == "small"


def test_nothing_known_gives_no_class():
    assert classify(None, None, THRESHOLDS) == ""


def test_negative_values_are_refused():
    with pytest.raises(ValueError, match="assets"):
        classify(-1, None, THRESHOLDS)


def test_the_data_file_holds_the_pp_7_2021_thresholds():
    loaded = config.size_thresholds()
    assert loaded.assets_idr_max == THRESHOLDS.assets_idr_max
    assert loaded.turnover_idr_max == THRESHOLDS.turnover_idr_max
    assert tuple(loaded.precedence) == ("turnover", "assets")
