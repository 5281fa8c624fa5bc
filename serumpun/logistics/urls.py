"""Logistics pages."""

from django.urls import path

from serumpun.logistics import urls_evidence, urls_landed, views

app_name = "logistics"
urlpatterns = [
    path("quote/", views.quote, name="quote"),
    path("rates/", views.rate_list, name="rate_list"),
    path("rates/new/", views.rate_new, name="rate_new"),
    path("shipments/", views.shipment_list, name="shipment_list"),
    path("shipments/new/", views.shipment_new, name="shipment_new"),
    path("shipments/<int:pk>/book/", views.shipment_book, name="shipment_book"),
    path("shipments/<int:pk>/cancel/", views.shipment_cancel, name="shipment_cancel"),
    path("pooling/", views.plan_list, name="plan_list"),
    path("pooling/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("pooling/<int:pk>/publish/", views.plan_publish, name="plan_publish"),
    path("road-distances/", views.road_distances, name="road_distances"),
    *urls_landed.urlpatterns,
    *urls_evidence.urlpatterns,
]
