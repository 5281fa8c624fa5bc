"""Builders shared by the pipeline, grievance and data-rights tests."""

from __future__ import annotations


def make_placement(
    *, stage="matched", seeker=None, job_order=None, days_in_stage=0, **order_fields
):
    """A placement in `stage`, entered `days_in_stage` days ago, with its stage event."""
    import datetime as dt

    from django.utils import timezone

    from serumpun.labour.models import Placement, PlacementEvent
    from serumpun.labour.tests.factories import JobOrderFactory, SeekerFactory

    seeker = seeker or SeekerFactory()
    job_order = job_order or JobOrderFactory(endorsed=True, **order_fields)
    placement = Placement.objects.create(
        seeker=seeker, job_order=job_order, stage=stage
    )
    since = timezone.now() - dt.timedelta(days=days_in_stage)
    Placement.objects.filter(pk=placement.pk).update(stage_changed_at=since)
    event = PlacementEvent.objects.create(placement=placement, stage=stage)
    PlacementEvent.objects.filter(pk=event.pk).update(at=since)
    placement.refresh_from_db()
    return placement


def seeker_with_account(**seeker_fields):
    """A seeker role user and their profile."""
    from serumpun.accounts.roles import Role
    from serumpun.accounts.tests.factories import make_user
    from serumpun.labour.tests.factories import SeekerFactory

    user = make_user(Role.SEEKER)
    return user, SeekerFactory(user=user, **seeker_fields)
