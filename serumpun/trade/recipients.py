"""Who the trade actions tell: an organisation's active members and the trade attachés."""

from __future__ import annotations

from serumpun.accounts.models import User
from serumpun.accounts.roles import Role


def organisation_members(organisation_id: int | None) -> list[User]:
    """The organisation's active members (who are told about its records); none for no org."""
    if organisation_id is None:
        return []
    return list(
        User.objects.filter(
            memberships__organisation_id=organisation_id, is_active=True
        ).distinct()
    )


def trade_attaches() -> list[User]:
    """The embassy's active trade attachés (who verify buyers and follow leads)."""
    return list(
        User.objects.filter(
            memberships__role=Role.TRADE_ATTACHE, is_active=True
        ).distinct()
    )
