from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LogisticsConfig(AppConfig):
    """Logistics: ports and lanes, rate book, route quotes, landed cost, shipments, pooling and lane demand."""

    name = "serumpun.logistics"
    label = "logistics"
    verbose_name = _("Logistics")

    def ready(self) -> None:
        from serumpun.accounts.roles import Role
        from serumpun.core.home import register_count
        from serumpun.core.navigation import add_menu_item
        from serumpun.exporters.apps import PageNavItem

        shippers: set[str] = {Role.MSME_OWNER, Role.OFFICER}
        transport: set[str] = {Role.TRANSPORT_ATTACHE, Role.FORWARDER, Role.OFFICER}
        # Landed cost and lane demand are the pooling helper's pages: hidden until they exist.
        entries: list[tuple[Any, str, set[str]]] = [
            (_("Shipping quote"), "logistics:quote", shippers | transport),
            (
                _("Landed cost"),
                "logistics:landed_cost",
                shippers | {Role.TRADE_ATTACHE},
            ),
            (
                _("Shipments"),
                "logistics:shipment_list",
                {*shippers, Role.TRANSPORT_ATTACHE},
            ),
            (
                _("Container pooling"),
                "logistics:plan_list",
                {Role.MSME_OWNER, Role.TRANSPORT_ATTACHE, Role.OFFICER},
            ),
            (_("Rate book"), "logistics:rate_list", transport),
            (
                _("Road distances"),
                "logistics:road_distances",
                {Role.OFFICER, Role.TRANSPORT_ATTACHE},
            ),
            (_("Lane demand"), "logistics:lane_demand", transport),
        ]
        for label, url_name, roles in entries:
            add_menu_item(
                PageNavItem(label, url_name, roles=frozenset(roles)),
                before="core:notifications",
            )
        register_count(shipment_counts, roles={Role.MSME_OWNER, Role.TRANSPORT_ATTACHE})


def shipment_counts(user: Any) -> list[Any]:
    """Open shipments (pledged or booked) the user may see."""
    from serumpun.core.home import Figure
    from serumpun.logistics.models import Shipment

    return [
        Figure(
            "shipments_open",
            _("Open shipments"),
            Shipment.objects.visible_to(user).open(),
            _("Logistics"),
            _("No open shipment. Pledge one to join a shared container."),
            "logistics:shipment_list",
            _("See shipments"),
        )
    ]
