"""Placement, grievance and data-rights pages; `labour/urls.py` includes these patterns."""

from django.urls import path

from serumpun.labour import views_pipeline as views

urlpatterns = [
    path("placements/", views.placement_board, name="placement_board"),
    path("placements/<int:pk>/", views.placement_detail, name="placement_detail"),
    path(
        "placements/<int:pk>/advance/",
        views.placement_advance,
        name="placement_advance",
    ),
    path(
        "placements/<int:pk>/contract/",
        views.placement_contract,
        name="placement_contract",
    ),
    path("checkins/<int:pk>/", views.checkin_record, name="checkin_record"),
    path("grievances/", views.grievance_list, name="grievance_list"),
    path("grievances/new/", views.grievance_new, name="grievance_new"),
    path("grievances/<int:pk>/", views.grievance_detail, name="grievance_detail"),
    path(
        "grievances/<int:pk>/respond/",
        views.grievance_respond,
        name="grievance_respond",
    ),
    path("grievances/<int:pk>/close/", views.grievance_close, name="grievance_close"),
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/export/", views.my_data_export, name="my_data_export"),
    path("my-data/correct/", views.my_data_correct, name="my_data_correct"),
    path("my-data/withdraw/", views.my_data_withdraw, name="my_data_withdraw"),
    path("my-data/erase/", views.my_data_erase, name="my_data_erase"),
]
