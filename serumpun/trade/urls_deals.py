"""Trade pages: leads, buyer reports, introductions and the pipeline (included by trade/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from serumpun.trade import views_deals as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("leads/", views.lead_list, name="leads"),
    path("leads/<int:pk>/", views.lead_detail, name="lead_detail"),
    path("leads/<int:pk>/stage", views.lead_move, name="lead_move"),
    path("leads/<int:pk>/messages", views.lead_message, name="lead_message"),
    path(
        "leads/<int:pk>/messages/<int:message_id>/attachment",
        views.lead_attachment,
        name="lead_attachment",
    ),
    path("introductions/new", views.introduction_new, name="introduction_new"),
    path("buyers/<int:buyer_id>/report", views.report_buyer, name="report_buyer"),
    path("reports/", views.report_queue, name="report_queue"),
    path("reports/<int:pk>/close", views.report_close, name="report_close"),
    path("pipeline/", views.pipeline, name="pipeline"),
]
