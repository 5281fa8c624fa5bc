"""Logistics pages: lane-demand evidence for the province."""

from django.urls import URLPattern, path

from serumpun.logistics import views_evidence

urlpatterns: list[URLPattern] = [
    path("lanes/demand/", views_evidence.lane_demand_page, name="lane_demand"),
    path(
        "lanes/demand/export.csv",
        views_evidence.lane_demand_export,
        name="lane_demand_export",
    ),
]
