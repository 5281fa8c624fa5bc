"""Pages of the insights roles part (included by urls.py): one dashboard per role."""

from __future__ import annotations

from django.urls import URLPattern, path

from serumpun.insights import views_roles as views

urlpatterns: list[URLPattern] = [
    path("trade/", views.trade_attache, name="trade_attache"),
    path("transport/", views.transport_attache, name="transport_attache"),
    path("labour/", views.labour_attache, name="labour_attache"),
    path("office/", views.office, name="office"),
    path("my-progress/", views.my_progress, name="my_progress"),
    path("my-status/", views.my_status, name="my_status"),
]
