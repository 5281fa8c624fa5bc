from django.urls import path

from serumpun.core import views, views_notifications, views_progress

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("tasks/<uuid:pk>/", views_progress.task_progress, name="task_progress"),
    path(
        "notifications/",
        views_notifications.notification_list,
        name="notifications",
    ),
    path(
        "notifications/read/",
        views_notifications.notifications_mark_read,
        name="notifications_read",
    ),
]
