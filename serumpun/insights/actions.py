"""Refreshing the roll-up tables from the platform's records."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from serumpun.core import audit
from serumpun.insights import sources
from serumpun.insights.metrics import FLOWS, STOCKS
from serumpun.insights.models import RefreshStatus, Rollup, RollupRefresh

BATCH = 2000


def refresh_rollups(*, as_of: date | None = None, by: Any = None) -> RollupRefresh:
    """Recompute every roll-up cell (all months of the flows, this month's snapshots).

    All or nothing: the old cells stay until the new ones are written in the same
    transaction, so a dashboard never reads a half-refreshed table.
    """
    day = as_of or timezone.localdate()
    started = time.perf_counter()
    run = RollupRefresh.objects.create(
        as_of=day, requested_by=by if getattr(by, "pk", None) else None
    )
    try:
        cells = [cell for source in sources.SOURCES for cell in source(day)]
        with transaction.atomic():
            Rollup.objects.filter(metric__in=FLOWS).delete()
            Rollup.objects.filter(metric__in=STOCKS, month=day.replace(day=1)).delete()
            Rollup.objects.bulk_create(
                (
                    Rollup(
                        metric=c.metric,
                        month=c.month,
                        regency=c.regency,
                        key=c.key[:60],
                        sub=c.sub[:30],
                        records=c.records,
                        contributors=c.contributors,
                        amount=c.amount,
                        extra=c.extra,
                    )
                    for c in cells
                ),
                batch_size=BATCH,
            )
    except Exception as exc:
        RollupRefresh.objects.filter(pk=run.pk).update(
            status=RefreshStatus.FAILED,
            error=str(exc)[:2000],
            finished_at=timezone.now(),
            seconds=time.perf_counter() - started,
        )
        raise
    run.status = RefreshStatus.DONE
    run.cells = len(cells)
    run.finished_at = timezone.now()
    run.seconds = time.perf_counter() - started
    run.save(update_fields=["status", "cells", "finished_at", "seconds"])
    if by is not None and getattr(by, "pk", None):
        audit.record(actor=by, action="insights.refresh", obj=run)
    return run
