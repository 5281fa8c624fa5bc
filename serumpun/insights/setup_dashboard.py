"""Menu entries, home figures and scheduled jobs of the insights dashboard part."""

from __future__ import annotations


def register() -> None:
    """Called once from setup.register()."""
