"""Each part of insights registers its menu entries, home figures and scheduled jobs."""

from __future__ import annotations


def register() -> None:
    """Called once from InsightsConfig.ready()."""
    from serumpun.core.daily import register_daily
    from serumpun.insights import (
        setup_dashboard,
        setup_open,
        setup_reports,
        setup_roles,
    )
    from serumpun.insights.tasks import refresh_rollups_task

    register_daily(refresh_rollups_task)
    for part in (setup_dashboard, setup_roles, setup_reports, setup_open):
        part.register()
