"""Trade pages: events (included by trade/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from serumpun.trade import views_events as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("events/", views.event_list, name="event_list"),
    path("events/new/", views.event_new, name="event_new"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("events/<int:pk>/edit/", views.event_edit, name="event_edit"),
    path(
        "events/<int:pk>/participants/",
        views.event_participants,
        name="event_participants",
    ),
    path(
        "events/<int:pk>/participants/register/",
        views.event_register_other,
        name="event_register_other",
    ),
    path(
        "events/<int:pk>/participants/<int:participant>/withdraw/",
        views.event_withdraw_other,
        name="event_withdraw_other",
    ),
    path(
        "events/<int:pk>/unavailable/",
        views.event_unavailable,
        name="event_unavailable",
    ),
    path("events/<int:pk>/wishes/", views.event_wishes, name="event_wishes"),
    path("events/<int:pk>/agenda/", views.event_agenda, name="event_agenda"),
    path("events/<int:pk>/agenda.pdf", views.event_agenda_pdf, name="event_agenda_pdf"),
    path(
        "events/<int:pk>/agendas/",
        views.event_agendas_print,
        name="event_agendas_print",
    ),
    path(
        "events/<int:pk>/agendas.pdf",
        views.event_agendas_pdf,
        name="event_agendas_pdf",
    ),
    path("events/<int:pk>/<slug:verb>/", views.event_action, name="event_action"),
]
