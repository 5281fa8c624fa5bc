"""Menu entries, home figures and scheduled jobs of the insights dashboard part."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def register() -> None:
    """Called once from setup.register(): the executive dashboard's menu entry."""
    from serumpun.accounts.roles import Role
    from serumpun.core.navigation import add_menu_item
    from serumpun.exporters.apps import PageNavItem

    # the roles holding oversight.view (accounts/roles.py)
    readers = frozenset(
        {
            Role.OFFICER,
            Role.TRADE_ATTACHE,
            Role.TRANSPORT_ATTACHE,
            Role.LABOUR_ATTACHE,
            Role.ADMIN,
        }
    )
    add_menu_item(
        PageNavItem(_("Executive dashboard"), "insights:executive", roles=readers),
        before="core:notifications",
    )
