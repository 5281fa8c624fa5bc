"""Pages of the requirements knowledge base and the label checker."""

from django.urls import URLPattern, path

from serumpun.readiness import views_requirements

urlpatterns: list[URLPattern] = [
    path("requirements/", views_requirements.requirements, name="requirements"),
    path("label-check/", views_requirements.label_check, name="label_check"),
]
