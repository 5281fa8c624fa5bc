"""The insights pages: dashboards, downloads and the briefing archive (signed-in staff)."""

from __future__ import annotations

from serumpun.insights import urls_dashboard, urls_reports, urls_roles

app_name = "insights"

urlpatterns = [
    *urls_dashboard.urlpatterns,
    *urls_roles.urlpatterns,
    *urls_reports.urlpatterns,
]
