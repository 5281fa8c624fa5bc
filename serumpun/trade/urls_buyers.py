"""Trade pages: buyers (included by trade/urls.py). A buyer's `pk` is its organisation's."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from serumpun.trade import views_buyers as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("buyer/profile/", views.buyer_profile, name="buyer_profile"),
    path("buyer/permits/new/", views.buyer_permit_new, name="buyer_permit_new"),
    path(
        "buyer/permits/<int:pk>/edit/",
        views.buyer_permit_edit,
        name="buyer_permit_edit",
    ),
    path(
        "buyer/permits/<int:pk>/remove/",
        views.buyer_permit_delete,
        name="buyer_permit_delete",
    ),
    path(
        "buyer/permits/<int:pk>/document/",
        views.buyer_permit_document,
        name="buyer_permit_document",
    ),
    path("buyers/", views.buyers, name="buyers"),
    path("buyers/new/", views.buyer_new, name="buyer_new"),
    path("buyers/verification/", views.verification_queue, name="verification_queue"),
    path("buyers/<int:pk>/", views.buyer_detail, name="buyer_detail"),
    path("buyers/<int:pk>/edit/", views.buyer_edit, name="buyer_edit"),
    path("buyers/<int:pk>/verify/", views.verify_buyer, name="verify_buyer"),
    path("permits/<int:pk>/verify/", views.verify_permit, name="verify_permit"),
]
