from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage, Error
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def assessment_config_is_valid(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """A malformed data/readiness/assessment.yaml fails start-up, naming the entry."""
    from serumpun.readiness.config import ConfigError, config_path, parse_config

    try:
        parse_config(config_path().read_text(encoding="utf-8"))
    except (ConfigError, OSError) as exc:
        return [Error(str(exc), id="readiness.E001")]
    return []


class ReadinessConfig(AppConfig):
    """Export readiness: requirements to export, assessments, action plans, label checks and cohorts."""

    name = "serumpun.readiness"
    label = "readiness"
    verbose_name = _("Readiness")

    def ready(self) -> None:
        from django.core.checks import register

        from serumpun.accounts.roles import Role
        from serumpun.core.daily import register_daily
        from serumpun.core.home import register_count
        from serumpun.core.navigation import add_menu_item
        from serumpun.exporters.apps import PageNavItem
        from serumpun.readiness.tasks import reassess_after_rule_change

        register(assessment_config_is_valid)
        # The requirement and label files register their own checks (E040, E041) on import;
        # import them here so `manage.py check` validates them at start-up.
        import serumpun.readiness.knowledge  # noqa: F401

        owners_and_staff = {
            Role.MSME_OWNER,
            Role.OFFICER,
            Role.TRADE_ATTACHE,
            Role.ADMIN,
        }
        entries = [
            (_("Export readiness"), "readiness:home", owners_and_staff),
            (
                _("Province readiness"),
                "readiness:overview",
                {Role.OFFICER, Role.TRADE_ATTACHE, Role.ADMIN},
            ),
            (_("Coaching cohorts"), "readiness:cohorts", {Role.OFFICER, Role.ADMIN}),
            (_("Export requirements"), "readiness:requirements", None),
            (_("Label checker"), "readiness:label_check", None),
        ]
        for label, url_name, roles in entries:
            add_menu_item(
                PageNavItem(label, url_name, roles=frozenset(roles) if roles else None),
                before="core:notifications",
            )
        register_count(
            officer_counts, roles={Role.OFFICER, Role.TRADE_ATTACHE, Role.ADMIN}
        )
        register_count(owner_counts, roles={Role.MSME_OWNER})
        # New requirement rules re-assess the products judged by the old ones.
        register_daily(reassess_after_rule_change)


READINESS = _("Export readiness")


def officer_counts(user: Any) -> list[Any]:
    """For officers: products export-ready, and plan steps overdue."""
    from serumpun.core.home import Figure
    from serumpun.readiness.models import ActionStep, Assessment, Level

    return [
        Figure(
            "readiness_ready",
            _("Products export-ready"),
            Assessment.objects.visible_to(user).current().filter(level=Level.READY),
            READINESS,
            _("No product has reached export readiness yet."),
            "readiness:overview",
            _("Open the province picture"),
        ),
        Figure(
            "readiness_overdue",
            _("Overdue plan steps"),
            ActionStep.objects.visible_to(user).overdue(timezone.localdate()),
            READINESS,
            _("No plan step is overdue."),
            "readiness:overview",
            _("Open the province picture"),
        ),
    ]


def owner_counts(user: Any) -> list[Any]:
    """For MSME owners: open plan steps."""
    from serumpun.core.home import Figure
    from serumpun.readiness.models import ActionStep, StepStatus

    return [
        Figure(
            "readiness_open_steps",
            _("Open export-plan steps"),
            ActionStep.objects.visible_to(user)
            .current()
            .exclude(status=StepStatus.DONE),
            READINESS,
            _("Assess a product to get your export plan."),
            "readiness:home",
            _("Open export readiness"),
        ),
    ]
