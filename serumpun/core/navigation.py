"""Navigation per role. Later apps add their entries here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    """One entry of the main menu."""

    label: Any
    url_name: str
    roles: frozenset[str] | None = None  # None: every signed-in role

    @property
    def url(self) -> str:
        return reverse(self.url_name)


MENU: list[NavItem] = [
    NavItem(_("Home"), "core:home"),
    NavItem(_("Account"), "accounts:settings"),
]


def menu_for(user: Any) -> list[NavItem]:
    """Entries visible to this user's roles."""
    roles = user.roles
    return [
        item
        for item in MENU
        if item.roles is None or user.is_platform_admin or roles & item.roles
    ]
