"""Logistics pages: landed cost calculator."""

from django.urls import URLPattern, path

from serumpun.logistics import views_landed

urlpatterns: list[URLPattern] = [
    path("landed-cost/", views_landed.landed_cost_page, name="landed_cost"),
]
