from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TradeConfig(AppConfig):
    """Malaysian buyers, sourcing requests, matching, supply pools, deals and events."""

    name = "serumpun.trade"
    label = "trade"
    verbose_name = _("Trade")

    def ready(self) -> None:
        # Each part of the app registers its menu entries, home figures and daily jobs.
        from serumpun.trade import (
            facts,
            setup_buyers,
            setup_deals,
            setup_events,
            setup_matching,
        )

        for part in (setup_buyers, setup_matching, setup_deals, setup_events):
            part.register()
        facts.connect()
