"""Trade pages: requests (included by trade/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from serumpun.trade import views_requests as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("requests/", views.request_list, name="requests"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/close/", views.request_close, name="request_close"),
    path("buyer-requests/", views.msme_requests, name="msme_requests"),
]
