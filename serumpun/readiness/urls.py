"""Readiness pages."""

from serumpun.readiness import urls_requirements

app_name = "readiness"
urlpatterns = [
    *urls_requirements.urlpatterns,
]
