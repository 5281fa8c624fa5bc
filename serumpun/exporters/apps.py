from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import AppConfig
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from serumpun.core.navigation import NavItem


class PageNavItem(NavItem):
    """A menu entry hidden while its page does not exist yet.

    The exporters pages are built by several people at once; an entry whose URL name is not
    defined yet would make every page of that role fail to render (NoReverseMatch).
    """

    def visible_to(self, user: Any) -> bool:
        try:
            reverse(self.url_name)
        except NoReverseMatch:
            return False
        return super().visible_to(user)


class ExportersConfig(AppConfig):
    """MSME profiles, products, certificates, verification, registry import and export."""

    name = "serumpun.exporters"
    label = "exporters"
    verbose_name = _("Exporters")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from serumpun.accounts.roles import Role
        from serumpun.core.home import register_count
        from serumpun.core.navigation import add_menu_item
        from serumpun.exporters.search import ensure_search_index

        # SQLite migrations that rebuild exporters_product drop the full-text triggers.
        post_migrate.connect(
            ensure_search_index, sender=self, dispatch_uid="exporters_search_index"
        )

        # Every page of the exporters app, whichever helper built it, is listed here.
        entries = [
            (_("My business"), "exporters:my_msme", {Role.MSME_OWNER}),
            (
                _("MSME registry"),
                "exporters:registry",
                {Role.OFFICER, Role.TRADE_ATTACHE, Role.ADMIN},
            ),
            (_("Import registry"), "exporters:import_start", {Role.OFFICER}),
            (
                _("Supplier catalogue"),
                "exporters:catalog",
                {Role.BUYER, Role.OFFICER, Role.TRADE_ATTACHE},
            ),
        ]
        for label, url_name, roles in entries:
            add_menu_item(
                PageNavItem(label, url_name, roles=frozenset(roles)),
                before="core:notifications",
            )
        register_count(
            registry_counts, roles={Role.OFFICER, Role.TRADE_ATTACHE, Role.ADMIN}
        )
        register_count(owner_counts, roles={Role.MSME_OWNER})

        from serumpun.core.daily import register_daily
        from serumpun.exporters.reminders import (
            refresh_lapsed_certificates,
            remind_expiring_certificates,
        )

        register_daily(remind_expiring_certificates)
        # Certificates stop counting in the catalogue filter the morning after their last day.
        register_daily(refresh_lapsed_certificates)


REGISTRY = _("MSME registry")
YOUR_BUSINESS = _("Your business")


def registry_counts(user: Any) -> list[Any]:
    """For officers and attachés: MSMEs registered, awaiting verification and verified."""
    from serumpun.core.home import Figure
    from serumpun.exporters.models import MSME, Verification

    msmes = MSME.objects.visible_to(user)
    return [
        Figure(
            "msmes_registered",
            _("MSMEs registered"),
            msmes,
            REGISTRY,
            _("No MSME is registered yet. Import a provincial list or invite owners."),
            "exporters:registry",
            _("Open the registry"),
        ),
        Figure(
            "msmes_awaiting_verification",
            _("MSMEs awaiting verification"),
            msmes.filter(verification=Verification.SUBMITTED),
            REGISTRY,
            _("Nothing awaits verification."),
            "exporters:verification_queue",
            _("Open the verification queue"),
        ),
        Figure(
            "msmes_verified",
            _("Verified MSMEs"),
            msmes.verified(),
            REGISTRY,
            _("No MSME has been verified yet."),
            "exporters:registry",
            _("Open the registry"),
        ),
    ]


def owner_counts(user: Any) -> list[Any]:
    """For MSME owners: their products, and certificates to renew soon."""
    from serumpun.core.home import Figure
    from serumpun.exporters.config import expiring_days
    from serumpun.exporters.models import Certificate, Product, Verification

    today = timezone.localdate()
    # "expiring" = fewer than `expiring_days` days left (rules/certificates.py status()).
    horizon = today + dt.timedelta(days=expiring_days() - 1)
    return [
        Figure(
            "products",
            _("Your products"),
            Product.objects.visible_to(user),
            YOUR_BUSINESS,
            _("Add your first product so buyers can find it."),
            "exporters:my_msme",
            _("Open your business"),
        ),
        Figure(
            "certificates_expiring",
            _("Certificates expiring soon"),
            Certificate.objects.visible_to(user)
            .filter(valid_until__gte=today, valid_until__lte=horizon)
            .exclude(verification=Verification.REJECTED),
            YOUR_BUSINESS,
            _("No certificate needs renewing soon."),
            "exporters:my_msme",
            _("Open your business"),
        ),
    ]
