"""Menu entries, home figures and daily jobs of the trade buyers pages."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from serumpun.accounts.roles import Role

TRADE = _("Trade with Malaysia")


def register() -> None:
    """Called once from TradeConfig.ready()."""
    from serumpun.core.daily import register_daily
    from serumpun.core.home import register_count
    from serumpun.core.navigation import add_menu_item
    from serumpun.exporters.apps import PageNavItem
    from serumpun.trade.actions_requests import close_expired_requests_daily

    entries = [
        (_("Company profile"), "trade:buyer_profile", {Role.BUYER}),
        (_("My requests"), "trade:requests", {Role.BUYER}),
        (_("Buyer verification"), "trade:verification_queue", {Role.TRADE_ATTACHE}),
        (_("Buyers"), "trade:buyers", {Role.TRADE_ATTACHE}),
        (_("Sourcing requests"), "trade:requests", {Role.TRADE_ATTACHE}),
        (_("Buyers' requests"), "trade:msme_requests", {Role.MSME_OWNER}),
    ]
    for label, url_name, roles in entries:
        add_menu_item(
            PageNavItem(label, url_name, roles=frozenset(roles)),
            before="core:notifications",
        )
    register_count(buyer_counts, roles={Role.BUYER})
    register_count(attache_counts, roles={Role.TRADE_ATTACHE})
    register_daily(close_expired_requests_daily)


def buyer_counts(user: Any) -> list[Any]:
    """For a buyer: whether its profile is verified (a nudge while it is missing or
    pending), and its open sourcing requests."""
    from serumpun.core.home import Figure
    from serumpun.trade.models import BuyerProfile, SourcingRequest, Verification

    return [
        Figure(
            "trade_buyer_profile_verified",
            _("Verified company profile"),
            BuyerProfile.objects.filter(
                organisation__in=user.organisation_ids,
                verification=Verification.VERIFIED,
            ),
            TRADE,
            _(
                "Register your company (SSM number, state, what you buy): the trade "
                "attaché verifies it before you can post sourcing requests."
            ),
            "trade:buyer_profile",
            _("Open your company profile"),
        ),
        Figure(
            "trade_open_requests",
            _("Open sourcing requests"),
            SourcingRequest.objects.visible_to(user).open(),
            TRADE,
            _("Post what you want to buy from Lampung."),
            "trade:request_new",
            _("Post a request"),
        ),
    ]


def attache_counts(user: Any) -> list[Any]:
    """For the trade attaché: buyers and permits awaiting verification, open requests."""
    from serumpun.core.home import Figure
    from serumpun.trade.models import (
        BuyerPermit,
        BuyerProfile,
        SourcingRequest,
        Verification,
    )

    pending = Verification.PENDING
    return [
        Figure(
            "trade_buyers_pending",
            _("Buyers awaiting verification"),
            BuyerProfile.objects.visible_to(user).filter(verification=pending),
            TRADE,
            _("No buyer awaits verification."),
            "trade:verification_queue",
            _("Open the verification queue"),
        ),
        Figure(
            "trade_permits_pending",
            _("Buyer permits awaiting verification"),
            BuyerPermit.objects.visible_to(user).filter(verification=pending),
            TRADE,
            _("No permit awaits verification."),
        ),
        Figure(
            "trade_open_requests",
            _("Open sourcing requests"),
            SourcingRequest.objects.visible_to(user).open(),
            TRADE,
            _("No open request."),
            "trade:requests",
            _("See the requests"),
        ),
    ]
