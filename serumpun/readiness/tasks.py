"""Background tasks of the readiness app. Arguments are plain values, never instances."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from serumpun.readiness import actions


@task()
def reassess_after_rule_change(as_of: str | None = None) -> dict[str, int]:
    """Re-assess products assessed under older requirement rules; record which rule changed.

    Runs daily (idempotent: once every latest assessment carries the current rules version
    there is nothing left to do) and after `manage.py load_reference` style data updates.
    """
    day = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
    return actions.reassess_products(
        actions.stale_product_ids(), as_of=day, trigger="rule_change"
    )
