"""The roles of DESIGN.md and what each may do (the role × permission matrix).

`docs/roles.md` presents the same matrix for people; a test keeps the two in step.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    """What kind of body an organisation is."""

    MSME = "msme", _("MSME (UMKM)")
    BUYER = "buyer", _("Malaysian buyer")
    GOVERNMENT_OFFICE = "government_office", _("provincial government office")
    EMBASSY = "embassy", _("embassy")
    EMPLOYER = "employer", _("Malaysian employer")
    AGENCY = "agency", _("recruitment agency (P3MI)")
    FORWARDER = "forwarder", _("logistics provider")
    PLATFORM = "platform", _("platform operator")


class Role(models.TextChoices):
    """What a member does in their organisation."""

    MSME_OWNER = "msme_owner", _("MSME owner")
    OFFICER = "officer", _("provincial officer")
    TRADE_ATTACHE = "trade_attache", _("trade attaché")
    TRANSPORT_ATTACHE = "transport_attache", _("transport attaché")
    LABOUR_ATTACHE = "labour_attache", _("labour attaché")
    BUYER = "buyer", _("buyer")
    EMPLOYER = "employer", _("employer")
    AGENCY = "agency", _("recruitment agency")
    SEEKER = "seeker", _("job seeker")
    FORWARDER = "forwarder", _("forwarder")
    ADMIN = "admin", _("platform administrator")


#: which organisation kind each role belongs to (a seeker belongs to none)
ROLE_ORGANISATION_KIND: dict[str, str | None] = {
    Role.MSME_OWNER: OrganisationKind.MSME,
    Role.OFFICER: OrganisationKind.GOVERNMENT_OFFICE,
    Role.TRADE_ATTACHE: OrganisationKind.EMBASSY,
    Role.TRANSPORT_ATTACHE: OrganisationKind.EMBASSY,
    Role.LABOUR_ATTACHE: OrganisationKind.EMBASSY,
    Role.BUYER: OrganisationKind.BUYER,
    Role.EMPLOYER: OrganisationKind.EMPLOYER,
    Role.AGENCY: OrganisationKind.AGENCY,
    Role.SEEKER: None,
    Role.FORWARDER: OrganisationKind.FORWARDER,
    Role.ADMIN: OrganisationKind.PLATFORM,
}

#: roles that must use TOTP when SERUMPUN_REQUIRE_2FA is on and that expire after 30 min idle
STAFF_ROLES: frozenset[str] = frozenset(
    {
        Role.OFFICER,
        Role.TRADE_ATTACHE,
        Role.TRANSPORT_ATTACHE,
        Role.LABOUR_ATTACHE,
        Role.ADMIN,
    }
)
