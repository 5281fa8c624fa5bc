"""What each role's home page counts. Every number is a real count of existing records."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Count:
    """One figure on a home page."""

    label: Any
    value: int


def home_counts(user: Any) -> list[Count]:
    """Counts for this user's role (later apps add MSMEs, requests, job orders…)."""
    from serumpun.core.models import HSCode, Port, Regency

    return [
        Count(
            _("Lampung regencies and cities"),
            Regency.objects.filter(province_id="18").count(),
        ),
        Count(_("HS 2022 codes"), HSCode.objects.filter(level=6).count()),
        Count(_("Ports and airports"), Port.objects.count()),
    ]
