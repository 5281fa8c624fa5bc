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
    from django.utils.translation import gettext_lazy as _

    from serumpun.accounts.roles import Role
    from serumpun.core.navigation import add_menu_item
    from serumpun.exporters.apps import PageNavItem

    register_check(check_matching_settings)
    for label, url_name in (
        (_("Buyer requests for me"), "trade:opportunities"),
        (_("My pledges"), "trade:pledges"),
    ):
        add_menu_item(
            PageNavItem(label, url_name, roles=frozenset({Role.MSME_OWNER})),
            before="core:notifications",
        )
