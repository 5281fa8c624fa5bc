"""The open-data page (public, no sign-in; included by urls_public.py at /open-data/)."""

from __future__ import annotations

from django.urls import URLPattern, path

from serumpun.insights import views_open

urlpatterns: list[URLPattern] = [
    path("", views_open.index, name="index"),
]
