"""Background tasks of logistics. Arguments are ids and plain values, never instances."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django_tasks import task

from serumpun.accounts.models import User
from serumpun.core.progress import JobFailedError, tracking


@task()
def plan_pooling_task(
    progress_id: str,
    user_id: int,
    as_of: str,
    destinations: list[str],
    time_limit_s: float,
) -> int:
    """Run the pooling solver for the open shipments and store the draft plan; its id."""
    from serumpun.logistics import actions

    with tracking(progress_id, total=1) as tracker:
        tracker.every_items = 1
        user = User.objects.get(pk=user_id)
        try:
            plan = actions.plan_pooling(
                by=user,
                as_of=dt.date.fromisoformat(as_of),
                destinations=destinations or None,
                time_limit_s=time_limit_s,
                progress_id=progress_id,
            )
        except ValidationError as exc:
            raise JobFailedError(" ".join(exc.messages)) from exc
        tracker.advance()
    return plan.pk
