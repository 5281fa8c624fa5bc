"""Pages of the report archive (included by urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from serumpun.insights import views_reports

urlpatterns: list[URLPattern] = [
    path("briefings/", views_reports.briefing_list, name="briefings"),
    path(
        "briefings/generate/",
        views_reports.generate_briefing,
        name="generate_briefing",
    ),
    path(
        "briefings/<int:year>-<int:month>/<str:language>/",
        views_reports.briefing_detail,
        name="briefing",
    ),
    path(
        "briefings/<int:year>-<int:month>/<str:language>/pdf/",
        views_reports.briefing_pdf,
        name="briefing_pdf",
    ),
]
