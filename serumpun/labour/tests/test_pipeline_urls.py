"""The pipeline pages resolve under `labour:`."""

from __future__ import annotations

from django.urls import reverse


def test_the_pipeline_pages_resolve_under_labour():
    assert reverse("labour:placement_board") == "/labour/placements/"
    assert reverse("labour:my_data") == "/labour/my-data/"
    assert reverse("labour:grievance_detail", args=[3]) == "/labour/grievances/3/"
