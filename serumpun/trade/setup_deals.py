"""Menu entries, home figures, the start-up check and the daily job of the trade deals pages."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import task


def deals_config_is_valid(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """A malformed data/trade/deals.yaml fails start-up, naming the entry."""
    from serumpun.trade.actions_deals import DealsConfigError, config_path, parse_config

    try:
        parse_config(config_path().read_text(encoding="utf-8"))
    except (DealsConfigError, OSError) as exc:
        return [Error(str(exc), id="trade.E030")]
    return []


@task()
def remind_idle_leads(as_of: str | None = None) -> int:
    """Daily: remind both sides and the attaché of leads idle for two weeks (idempotent)."""
    import datetime as dt

    from serumpun.trade import actions_deals

    day = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
    return actions_deals.remind_idle_leads(as_of=day)


def lead_counts(user: Any) -> list[Any]:
    """Open leads the user can see (buyers, MSME owners, the attaché)."""
    from serumpun.core.home import Figure
    from serumpun.trade.models import Introduction

    return [
        Figure(
            key="trade.open_leads",
            label=_("Open leads"),
            queryset=Introduction.objects.visible_to(user).open(),
            section=_("Trade"),
            empty_hint=_(
                "No lead yet: leads open when a buyer asks for an introduction."
            ),
            url_name="trade:leads",
            action_label=_("See the leads"),
        )
    ]


def register() -> None:
    """Called once from TradeConfig.ready()."""
    from django.core.checks import register as register_check

    from serumpun.accounts.roles import Role
    from serumpun.core.daily import register_daily
    from serumpun.core.home import register_count
    from serumpun.core.navigation import add_menu_item
    from serumpun.exporters.apps import PageNavItem

    register_check(deals_config_is_valid)
    entries = [
        (_("Leads"), "trade:leads", {Role.BUYER, Role.MSME_OWNER, Role.TRADE_ATTACHE}),
        (_("Deals pipeline"), "trade:pipeline", {Role.TRADE_ATTACHE, Role.ADMIN}),
        (_("Buyer reports"), "trade:report_queue", {Role.TRADE_ATTACHE, Role.ADMIN}),
    ]
    for label, url_name, roles in entries:
        add_menu_item(
            PageNavItem(label, url_name, roles=frozenset(roles)),
            before="core:notifications",
        )
    register_count(lead_counts, roles={Role.BUYER, Role.MSME_OWNER, Role.TRADE_ATTACHE})
    register_daily(remind_idle_leads)
