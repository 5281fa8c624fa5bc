"""The main menu per role. Later apps add their entries with `add_menu_item`.

# serumpun/exporters/apps.py, in ready():
add_menu_item(NavItem(_("MSMEs"), "exporters:list_msmes", roles=frozenset({Role.OFFICER})))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from serumpun.accounts.roles import Role

#: roles whose organisations connect their own systems to the API (API.md: the embassy's
#: systems, provincial data portals, forwarders, and companies posting requests or job orders);
#: MSME owners and job seekers work on their phones and are spared the link.
API_ROLES: frozenset[str] = frozenset(
    {
        Role.OFFICER,
        Role.TRADE_ATTACHE,
        Role.TRANSPORT_ATTACHE,
        Role.LABOUR_ATTACHE,
        Role.BUYER,
        Role.EMPLOYER,
        Role.AGENCY,
        Role.FORWARDER,
        Role.ADMIN,
    }
)


@dataclass(frozen=True)
class NavItem:
    """One entry of the main menu."""

    label: Any
    url_name: str
    roles: frozenset[str] | None = None  # None: every signed-in user
    staff_only: bool = False  # the admin site also needs is_staff

    @property
    def url(self) -> str:
        """Where the entry points."""
        return reverse(self.url_name)

    def visible_to(self, user: Any) -> bool:
        """Whether this user's roles (or admin status) show the entry."""
        if self.staff_only and not user.is_staff:
            return False
        return (
            self.roles is None
            or user.is_platform_admin
            or bool(user.roles & self.roles)
        )


MENU: list[NavItem] = [
    NavItem(_("Home"), "core:home"),
    NavItem(
        _("Invite an MSME owner"), "accounts:invite", roles=frozenset({Role.OFFICER})
    ),
    NavItem(_("Notifications"), "core:notifications"),
    NavItem(_("Account settings"), "accounts:settings"),
    NavItem(_("API docs"), "api-v1:openapi-view", roles=API_ROLES),
    NavItem(_("Admin"), "admin:index", roles=frozenset({Role.ADMIN}), staff_only=True),
]


def add_menu_item(item: NavItem, *, before: str | None = None) -> None:
    """Register an app's entry (idempotent), optionally before the entry named `before`."""
    if any(existing.url_name == item.url_name for existing in MENU):
        return
    names = [existing.url_name for existing in MENU]
    MENU.insert(names.index(before) if before in names else len(MENU), item)


def menu_for(user: Any, current_path: str = "") -> list[dict[str, Any]]:
    """The entries this user sees, each with its label, url and whether it is this page."""
    entries = []
    for item in MENU:
        if not item.visible_to(user):
            continue
        url = item.url
        current = current_path == url or (url != "/" and current_path.startswith(url))
        entries.append({"label": item.label, "url": url, "current": current})
    return entries
