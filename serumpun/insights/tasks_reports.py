"""Background task of the report archive: the monthly briefing, written once a month."""

from __future__ import annotations

import datetime as dt

from django_tasks import task


@task()
def generate_monthly_briefings(as_of: str | None = None) -> int:
    """Daily: write last month's briefings (Indonesian, English) if they are missing.

    Returns how many were written — two on the first run of a month, then none.
    """
    from serumpun.insights import actions_reports

    day = dt.date.fromisoformat(as_of) if as_of else None
    return len(actions_reports.generate_monthly_briefings(as_of=day))
