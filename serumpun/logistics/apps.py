from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LogisticsConfig(AppConfig):
    """Logistics: ports and lanes, rate book, route quotes, landed cost, shipments, pooling and lane demand."""

    name = "serumpun.logistics"
    label = "logistics"
    verbose_name = _("Logistics")
