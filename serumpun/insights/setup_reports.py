"""Menu entry and scheduled job of the report archive (the monthly briefing)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def register() -> None:
    """Called once from setup.register()."""
    from serumpun.core.daily import register_daily
    from serumpun.core.navigation import add_menu_item
    from serumpun.exporters.apps import PageNavItem
    from serumpun.insights.actions_reports import READERS
    from serumpun.insights.tasks_reports import generate_monthly_briefings

    add_menu_item(
        PageNavItem(_("Monthly briefings"), "insights:briefings", roles=READERS),
        before="core:notifications",
    )
    register_daily(generate_monthly_briefings)
