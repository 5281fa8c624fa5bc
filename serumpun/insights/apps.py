from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    """Dashboards, KPIs, the monthly briefing and open data, read from roll-up tables."""

    name = "serumpun.insights"
    label = "insights"
    verbose_name = _("Insights")

    def ready(self) -> None:
        from serumpun.insights import setup

        setup.register()
