"""Daily pipeline tasks: stuck-stage alerts and welfare check-in reminders.

Run once a day (cron or a systemd timer enqueues them, like exporters' `send_daily_reminders`).
Officers and the labour attaché get one digest per run, not one message per placement; a
worker gets one reminder per check-in (`reminded_at` makes re-runs harmless).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django_tasks import task

from serumpun.core.notifications import Message, notify, notify_each
from serumpun.labour.actions_pipeline import overseers, pipeline_config
from serumpun.labour.models import Placement
from serumpun.labour.models_pipeline import WelfareCheckin
from serumpun.labour.rules import pipeline


def stuck_filter(as_of: dt.date) -> Q:
    """Placements stuck on `as_of`: in a stage with a threshold, entered too long ago."""
    cutoffs = pipeline.stuck_cutoffs(pipeline_config().stuck, as_of)
    query = Q(pk__in=[])
    for stage, cutoff in cutoffs.items():
        start_of_cutoff = timezone.make_aware(dt.datetime.combine(cutoff, dt.time.min))
        query |= Q(stage=stage, stage_changed_at__lt=start_of_cutoff)
    return query


def _as_of(value: str | None) -> dt.date:
    return dt.date.fromisoformat(value) if value else timezone.localdate()


@task()
def alert_stuck_placements(as_of: str | None = None) -> int:
    """Tell officers and labour attachés how many placements are stuck; returns the count."""
    day = _as_of(as_of)
    count = Placement.objects.filter(stuck_filter(day)).count()
    if count:
        with transaction.atomic():
            notify(
                overseers(),
                subject=ngettext_lazy(
                    "%(count)d placement is stuck in its stage",
                    "%(count)d placements are stuck in their stage",
                    "count",
                )
                % {"count": count},
                url=f"{reverse('labour:placement_board')}?stuck=1",
                kind="labour.stuck",
            )
    return count


@task()
def remind_welfare_checkins(as_of: str | None = None) -> int:
    """Remind workers and their handlers of check-ins now due; returns how many."""
    day = _as_of(as_of)
    due = list(
        WelfareCheckin.objects.due(day)
        .filter(reminded_at__isnull=True)
        .select_related("placement__seeker__user")
        .order_by("due_on", "pk")
    )
    if not due:
        return 0
    with transaction.atomic():
        notify_each(
            Message(
                [checkin.placement.seeker.user],
                _("How are you? Please check in with the labour office"),
                url=reverse("labour:placement_detail", args=[checkin.placement_id]),
                kind="labour.checkin",
            )
            for checkin in due
            if checkin.placement.seeker.user is not None
        )
        notify(
            overseers(),
            subject=ngettext_lazy(
                "%(count)d welfare check-in is due",
                "%(count)d welfare check-ins are due",
                "count",
            )
            % {"count": len(due)},
            url=reverse("labour:placement_board"),
            kind="labour.checkin",
        )
        WelfareCheckin.objects.filter(pk__in=[c.pk for c in due]).update(
            reminded_at=timezone.now()
        )
    return len(due)
