"""Background tasks of insights. Arguments are ids and plain values, never instances."""

from __future__ import annotations

import datetime as dt

from django_tasks import task


@task()
def refresh_rollups_task(as_of: str | None = None, user_id: int | None = None) -> int:
    """Daily and on demand: recompute the roll-up tables; the number of cells written."""
    from serumpun.accounts.models import User
    from serumpun.insights import actions

    day = dt.date.fromisoformat(as_of) if as_of else None
    by = User.objects.filter(pk=user_id).first() if user_id else None
    return actions.refresh_rollups(as_of=day, by=by).cells
