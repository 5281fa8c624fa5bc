from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared kernel: reference data, audit log, task progress, access conventions."""

    name = "serumpun.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        import serumpun.core.rulebook_checks  # noqa: F401  (registers E010)
        from serumpun.core import checks, signals  # noqa: F401  (registers checks and handlers)
