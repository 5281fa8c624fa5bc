"""Progress records for long background jobs, written so that a job stays cheap to watch.

A job's life: an action calls `start_progress(...)` (status "waiting") and enqueues a task with
the record's id; the task wraps its work in `tracking(progress_id)`, which marks the record
running, hands back a `ProgressTracker` to `advance()` as items are done, and marks it
succeeded, or failed with a message, when the block ends. The progress partial
(`views_progress.task_progress`) polls the record.

Writes are throttled — at most one UPDATE every `SERUMPUN_PROGRESS_EVERY_ITEMS` items or
`SERUMPUN_PROGRESS_EVERY_SECONDS` seconds, whichever comes first — and go through
`.filter(pk=...).update(...)`, so a job over 200,000 rows does not double its write load
just to move a bar.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from serumpun.core.models import TaskProgress

logger = logging.getLogger(__name__)

#: default throttle; a polling bar refreshes every second, so writing more often is waste
DEFAULT_EVERY_ITEMS = 500
DEFAULT_EVERY_SECONDS = 1.0
#: the message column is shown to people; keep it to a sentence
MAX_MESSAGE_LENGTH = 500


class JobFailedError(Exception):
    """An expected failure whose message is safe to show to the user who started the job."""


def start_progress(
    *,
    kind: str,
    label: str,
    user: Any = None,
    organisation: Any = None,
    total: int = 0,
) -> TaskProgress:
    """Create the waiting progress record of a job started by `user` for `organisation`."""
    if organisation is None and user is not None and user.is_authenticated:
        organisation = user.organisation
    return TaskProgress.objects.create(
        kind=kind,
        label=label,
        started_by=user if user is not None and user.is_authenticated else None,
        organisation=organisation,
        total=total,
    )


def _update(progress_id: UUID | str, **fields: Any) -> None:
    # auto_now does not fire on QuerySet.update(), so the timestamp is set by hand.
    TaskProgress.objects.filter(pk=progress_id).update(
        updated_at=timezone.now(), **fields
    )


def mark_running(progress_id: UUID | str, *, total: int | None = None) -> None:
    """Mark the job running (and set its total when it is known only now)."""
    fields: dict[str, Any] = {"status": TaskProgress.Status.RUNNING}
    if total is not None:
        fields["total"] = total
    _update(progress_id, **fields)


def finish_progress(progress_id: UUID | str, *, message: str = "") -> None:
    """Mark the job succeeded; done is set to total so the bar reads 100 %."""
    _update(
        progress_id,
        status=TaskProgress.Status.SUCCEEDED,
        done=F("total"),
        message=message[:MAX_MESSAGE_LENGTH],
    )


def fail_progress(progress_id: UUID | str, *, message: str) -> None:
    """Mark the job failed with a message for the person watching it."""
    _update(
        progress_id,
        status=TaskProgress.Status.FAILED,
        message=message[:MAX_MESSAGE_LENGTH],
    )


class ProgressTracker:
    """Counts done items in memory and writes them to the record at a throttled rate."""

    def __init__(
        self,
        progress_id: UUID | str,
        *,
        total: int = 0,
        every_items: int | None = None,
        every_seconds: float | None = None,
    ) -> None:
        self.progress_id = progress_id
        self.total = total
        self.done = 0
        self.every_items: int = (
            every_items
            if every_items is not None
            else getattr(settings, "SERUMPUN_PROGRESS_EVERY_ITEMS", DEFAULT_EVERY_ITEMS)
        )
        self.every_seconds: float = (
            every_seconds
            if every_seconds is not None
            else getattr(
                settings, "SERUMPUN_PROGRESS_EVERY_SECONDS", DEFAULT_EVERY_SECONDS
            )
        )
        self.writes = 0
        self._written_done = 0
        self._written_at = time.monotonic()

    def set_total(self, total: int) -> None:
        """Record the total number of items (written at once: the bar needs it)."""
        self.total = total
        _update(self.progress_id, total=total)
        self.writes += 1

    def advance(self, items: int = 1) -> None:
        """Count `items` more done; write only when the throttle allows."""
        self.done += items
        now = time.monotonic()
        if (
            self.done - self._written_done >= self.every_items
            or now - self._written_at >= self.every_seconds
        ):
            self.flush(now)

    def flush(self, now: float | None = None) -> None:
        """Write the current count now."""
        _update(self.progress_id, done=self.done)
        self.writes += 1
        self._written_done = self.done
        self._written_at = now if now is not None else time.monotonic()


@contextmanager
def tracking(progress_id: UUID | str, *, total: int = 0) -> Iterator[ProgressTracker]:
    """Run a job's body: running on entry, succeeded on success, failed on an exception.

    A `JobFailedError` message is shown as it is; any other exception shows a generic message
    (its text may hold personal data, e.g. a database constraint quoting a value) and is
    re-raised so the task backend records the traceback.
    """
    mark_running(progress_id, total=total or None)
    tracker = ProgressTracker(progress_id, total=total)
    try:
        yield tracker
    except JobFailedError as exc:
        fail_progress(progress_id, message=str(exc))
        raise
    except Exception as exc:
        logger.exception("background job %s failed", progress_id)
        fail_progress(
            progress_id,
            message=gettext(
                "The job stopped because of an unexpected error (%(error)s). "
                "The details are in the server log."
            )
            % {"error": type(exc).__name__},
        )
        raise
    else:
        tracker.flush()
        finish_progress(progress_id)
