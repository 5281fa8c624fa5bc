from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReadinessConfig(AppConfig):
    """Export readiness: requirements to export, assessments, action plans, label checks and cohorts."""

    name = "serumpun.readiness"
    label = "readiness"
    verbose_name = _("Readiness")
