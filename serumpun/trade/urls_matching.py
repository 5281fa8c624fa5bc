"""Trade pages: matching (included by trade/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from serumpun.trade import views_matching as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("requests/<int:pk>/matches/", views.request_matches, name="request_matches"),
    path("requests/<int:pk>/fit/", views.request_fit, name="request_fit"),
    path("requests/<int:pk>/pools/", views.pool_propose, name="pool_propose"),
    path("opportunities/", views.opportunities, name="opportunities"),
    path("pledges/", views.pledges, name="pledges"),
    path("pledges/<int:pk>/respond/", views.pledge_respond, name="pledge_respond"),
]
