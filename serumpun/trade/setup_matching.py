"""Menu entries and the start-up check of the trade matching pages."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error
from django.core.checks import register as register_check

CHECK_ID = "trade.E001"


def check_matching_settings(**kwargs: Any) -> list[CheckMessage]:
    """trade.E001: data/trade/matching.yaml must load; the message names the bad entry."""
    from serumpun.trade import matching

    matching.matching_settings.cache_clear()
    try:
        matching.matching_settings()
    except (OSError, ValueError, AttributeError, TypeError) as error:
        return [
            Error(
                f"{matching.settings_path()}: {error}",
                hint="Fix the entry named; every weight and threshold needs a value.",
                id=CHECK_ID,
            )
        ]
    return []


def register() -> None:
    """Called once from TradeConfig.ready()."""
    register_check(check_matching_settings)
