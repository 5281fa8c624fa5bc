"""A URL map for the pipeline tests: the project's, with the pipeline pages in `labour:`.

Until `labour/urls.py` includes `urls_pipeline`, tests mark themselves with
`pytest.mark.urls(PIPELINE_URLS)` so `labour:placement_detail` and friends resolve. Once the
include is in, the extra patterns are harmless duplicates.
"""

from __future__ import annotations

import pytest
from django.urls import URLResolver, include, path, reverse

from config import urls as project_urls
from serumpun.labour import urls as labour_urls
from serumpun.labour import urls_pipeline

PIPELINE_URLS = __name__

_labour = [*labour_urls.urlpatterns, *urls_pipeline.urlpatterns]
urlpatterns = [
    path("labour/", include((_labour, "labour"))),
    *(
        p
        for p in project_urls.urlpatterns
        if not (isinstance(p, URLResolver) and p.app_name == "labour")
    ),
]
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500


@pytest.mark.urls(PIPELINE_URLS)
def test_the_pipeline_pages_resolve_under_labour():
    assert reverse("labour:placement_board") == "/labour/placements/"
    assert reverse("labour:my_data") == "/labour/my-data/"
    assert reverse("labour:grievance_detail", args=[3]) == "/labour/grievances/3/"


# --- Builders shared by the pipeline tests -------------------------------------------------------


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
