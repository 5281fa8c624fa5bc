"""Template filters of the readiness pages: translated labels for stored codes."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from serumpun.readiness.models import Gap, Level, StepStatus

register = template.Library()

BASIS = {
    "registry": _("from the registry"),
    "confirmed": _("evidence confirmed"),
    "unconfirmed": _("awaiting evidence or confirmation"),
    "self": _("self-assessed"),
    "none": _("not answered"),
}
CONFIDENCE = {"high": _("high"), "medium": _("medium"), "low": _("low")}


@register.filter
def level_label(value: Any) -> Any:
    """The translated name of a readiness level."""
    return Level(value).label if value in Level.values else value


@register.filter
def status_label(value: Any) -> Any:
    """The translated name of a plan-step status."""
    return StepStatus(value).label if value in StepStatus.values else value


@register.filter
def severity_label(value: Any) -> Any:
    """The translated name of a gap severity."""
    return Gap.Severity(value).label if value in Gap.Severity.values else value


@register.filter
def basis_label(value: Any) -> Any:
    """How an answer counted, in words."""
    return BASIS.get(value, value)


@register.filter
def confidence_label(value: Any) -> Any:
    """Confidence of an estimate, in words."""
    return CONFIDENCE.get(value, value)


@register.filter
def percent(value: Any) -> str:
    """0.623 → "62%"."""
    try:
        return f"{round(float(value) * 100)}%"
    except (TypeError, ValueError):
        return ""
