"""Background tasks of trade events. Arguments are ids, never model instances."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from serumpun.core.progress import JobFailedError, tracking
from serumpun.trade import actions_events
from serumpun.trade.models_events import ScheduleRun


@task()
def schedule_event_task(run_id: int) -> dict[str, int]:
    """Solve an event's schedule (up to the configured time limit) behind a progress bar."""
    run = ScheduleRun.objects.select_related("event").get(pk=run_id)
    progress_id = run.progress_id
    if progress_id is None:
        run = actions_events.compute_schedule(run=run, as_of=timezone.localdate())
        return {"meetings": run.meeting_count}
    with tracking(progress_id) as tracker:
        tracker.advance(1)
        try:
            run = actions_events.compute_schedule(run=run, as_of=timezone.localdate())
        except Exception:
            ScheduleRun.objects.filter(pk=run_id).update(
                status=ScheduleRun.Status.FAILED, finished_at=timezone.now()
            )
            raise
        if run.status == ScheduleRun.Status.FAILED:
            # an expected end (the event changed meanwhile): the bar shows the run's
            # message instead of reading "succeeded" over a schedule that was not stored
            raise JobFailedError(run.message)
        tracker.advance(2)
    return {"meetings": run.meeting_count}


@task()
def reschedule_event_task(
    run_id: int, withdrawn_id: int, counterparts: list[int]
) -> dict[str, int]:
    """Repair an event's schedule after a withdrawal, behind a progress bar."""
    run = ScheduleRun.objects.select_related("event").get(pk=run_id)
    progress_id = run.progress_id
    today = timezone.localdate()
    if progress_id is None:
        result = actions_events.reschedule_after_withdrawal(
            run=run, withdrawn_id=withdrawn_id, counterparts=counterparts, as_of=today
        )
        return {"moved": result.moved_count}
    with tracking(progress_id) as tracker:
        tracker.advance(1)
        try:
            result = actions_events.reschedule_after_withdrawal(
                run=run,
                withdrawn_id=withdrawn_id,
                counterparts=counterparts,
                as_of=today,
            )
        except Exception:
            ScheduleRun.objects.filter(pk=run_id).update(
                status=ScheduleRun.Status.FAILED, finished_at=timezone.now()
            )
            raise
        tracker.advance(2)
    return {"moved": result.moved_count}
