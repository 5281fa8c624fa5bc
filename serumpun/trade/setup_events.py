"""Menu entries, home figures and daily jobs of the trade events pages."""

from __future__ import annotations


def register() -> None:
    """Called once from TradeConfig.ready()."""
