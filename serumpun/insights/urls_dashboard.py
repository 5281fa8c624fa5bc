"""Pages of the insights dashboard part (included by urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from serumpun.insights import views_dashboard

urlpatterns: list[URLPattern] = [
    path("", views_dashboard.executive_dashboard, name="executive"),
    path("refresh/", views_dashboard.refresh_now, name="refresh_rollups"),
]
