"""From candidate to placement: start a placement, answer offers, run the allocation;
`labour/urls.py` includes these patterns."""

from django.urls import path

from serumpun.labour import views_flow as views

urlpatterns = [
    path(
        "job-orders/<int:pk>/placements/start/",
        views.placement_start,
        name="placement_start",
    ),
    path("offers/", views.offer_list, name="offer_list"),
    path("offers/<int:pk>/respond/", views.offer_respond, name="offer_respond"),
    path("allocation/", views.allocation, name="allocation"),
]
