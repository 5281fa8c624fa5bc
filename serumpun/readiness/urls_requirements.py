"""Pages of the requirements knowledge base and the label checker."""

from django.urls import URLPattern, path

# knowledge is imported here too so its system checks (E040, E041) are registered once the
# URLconf loads, whatever else imports it.
from serumpun.readiness import knowledge, views_requirements

__all__ = ["knowledge", "urlpatterns"]

urlpatterns: list[URLPattern] = [
    path("requirements/", views_requirements.requirements, name="requirements"),
    path("label-check/", views_requirements.label_check, name="label_check"),
]
