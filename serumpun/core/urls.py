from django.urls import path

from serumpun.core import views, views_progress

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("tasks/<uuid:pk>/", views_progress.task_progress, name="task_progress"),
]
