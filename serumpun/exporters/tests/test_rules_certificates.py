"""Certificate status as of a day: 60-day expiring window, expired the day after."""

from __future__ import annotations

import datetime as dt

import pytest

from serumpun.exporters import config
from serumpun.exporters.rules.certificates import days_left, status

TODAY = dt.date(2026, 3, 1)


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (365, "valid"),
        (61, "valid"),
        (60, "valid"),
        (59, "expiring"),
        (1, "expiring"),
        (0, "expiring"),  # the valid-until day itself still counts
        (-1, "expired"),
        (-400, "expired"),
    ],
)
def test_status_by_days_left(days, expected):
    assert status(TODAY + dt.timedelta(days=days), TODAY, 60) == expected


def test_a_certificate_that_expired_yesterday_is_expired():
    assert status(TODAY - dt.timedelta(days=1), TODAY, 60) == "expired"


def test_days_left_counts_to_the_last_valid_day():
    assert days_left(dt.date(2026, 3, 31), TODAY) == 30


def test_the_window_comes_from_the_data_file():
    assert config.expiring_days() == 60
