"""Menu entries and the start-up check of the trade events pages."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error
from django.core.checks import register as register_check
from django.utils.translation import gettext_lazy as _

CHECK_ID = "trade.E301"


def check_events_settings(**kwargs: Any) -> list[CheckMessage]:
    """trade.E301: data/trade/events.yaml must load; the message names the bad entry."""
    from serumpun.trade import actions_events

    actions_events.events_config.cache_clear()
    try:
        actions_events.events_config()
    except (OSError, ValueError, AttributeError, TypeError, KeyError) as error:
        return [
            Error(
                f"{actions_events.CONFIG_PATH}: {error}",
                hint="Fix the entry named; every weight and limit needs a value.",
                id=CHECK_ID,
            )
        ]
    return []


def register() -> None:
    """Called once from TradeConfig.ready()."""
    from serumpun.accounts.roles import Role
    from serumpun.core.navigation import add_menu_item
    from serumpun.exporters.apps import PageNavItem

    register_check(check_events_settings)
    add_menu_item(
        PageNavItem(
            _("Business matching"),
            "trade:event_list",
            roles=frozenset({Role.TRADE_ATTACHE, Role.BUYER, Role.MSME_OWNER}),
        ),
        before="core:notifications",
    )
