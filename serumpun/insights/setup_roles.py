"""Menu entries, home figures and scheduled jobs of the insights roles part."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def register() -> None:
    """Called once from setup.register(): one "Dashboard" entry per role."""
    from serumpun.accounts.roles import Role
    from serumpun.core.navigation import add_menu_item
    from serumpun.exporters.apps import PageNavItem

    entries = [
        (_("Trade dashboard"), "insights:trade_attache", {Role.TRADE_ATTACHE}),
        (
            _("Transport dashboard"),
            "insights:transport_attache",
            {Role.TRANSPORT_ATTACHE},
        ),
        (_("Labour dashboard"), "insights:labour_attache", {Role.LABOUR_ATTACHE}),
        (_("Office dashboard"), "insights:office", {Role.OFFICER}),
        (_("My progress"), "insights:my_progress", {Role.MSME_OWNER}),
        (_("My status"), "insights:my_status", {Role.SEEKER}),
    ]
    for label, url_name, roles in entries:
        add_menu_item(
            PageNavItem(label, url_name, roles=frozenset(roles)),
            before="core:notifications",
        )
