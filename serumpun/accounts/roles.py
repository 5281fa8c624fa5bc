"""The roles of DESIGN.md and what each may do (the role × permission matrix).

`docs/roles.md` presents the same matrix for people; a test keeps the two in step.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
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


# --- The role × permission matrix ----------------------------------------------------------
#
# Permission names read "<thing>.<verb>". DESIGN.md "Users and roles" is the source; API.md
# adds the officer's right to act for offline MSMEs and seekers. docs/roles.md shows the same
# matrix as a table and test_roles.py fails when the two disagree.

#: what each permission lets a holder do (English; shown in docs and the admin)
PERMISSION_DESCRIPTIONS: dict[str, str] = {
    # trade: MSMEs and their readiness
    "msme.manage_own": "keep own MSME profile, products and certificates",
    "msme.manage_any": "register and edit an MSME on its owner's behalf",
    "msme.verify": "verify MSMEs and their certificates",
    "msme.view_all": "see every MSME profile in the province",
    "readiness.assess": "run export-readiness assessments",
    "cohort.coach": "coach MSME cohorts and track action plans",
    "registry.import": "import MSME and seeker registries",
    "stats.view_province": "see province-wide statistics",
    "shipment.book": "book shipments and request route quotes",
    "catalog.view": "browse verified suppliers' products",
    # trade: buyers, requests, introductions, events
    "buyer.verify": "verify Malaysian buyers",
    "request.post": "post sourcing requests",
    "request.relay": "relay buying requests to MSMEs",
    "introduction.request": "request introductions to suppliers",
    "introduction.respond": "answer buyers' introductions",
    "deal.track": "track introductions and deals",
    "event.manage": "run business-matching events",
    # transport
    "lane_demand.view": "see lane demand evidence",
    "ratebook.manage": "keep the rate book",
    "consolidation.plan": "plan consolidated shipments",
    "rates.publish": "publish rates and sailings",
    # labour
    "job_order.submit": "submit job orders",
    "job_order.endorse": "endorse or reject job orders",
    "labour_profile.verify": "verify Malaysian employers and recruitment agencies",
    "candidate.view": "see matched candidates for a job order",
    "candidate.shortlist": "shortlist candidates",
    "placement.monitor": "monitor placements",
    "grievance.handle": "handle grievances",
    "grievance.file": "file a grievance",
    "seeker.manage_own": "keep own job-seeker profile",
    "seeker.manage_any": "register a job seeker on their behalf",
    "seeker.unmask_nik": "read a seeker's full NIK (audited)",
    "vacancy.view_matched": "see matched legal vacancies and training",
    # platform
    "oversight.view": "see the cross-pillar oversight dashboard",
    "audit.view": "read the audit log",
    "organisation.create": "create organisations",
    "user.invite": "invite people to an organisation",
    "member.add": "add an existing user to an organisation",
    "api_token.manage_own": "create and revoke own API tokens",
    "admin.site": "use the admin site",
}

#: every permission name the platform knows
ALL_PERMISSIONS: frozenset[str] = frozenset(PERMISSION_DESCRIPTIONS)

_EVERYONE = frozenset({"api_token.manage_own"})

#: role → the permissions it holds; the admin holds every permission
PERMISSIONS: dict[str, frozenset[str]] = {
    Role.MSME_OWNER: _EVERYONE
    | {
        "msme.manage_own",
        "readiness.assess",
        "shipment.book",
        "introduction.respond",
    },
    Role.OFFICER: _EVERYONE
    | {
        "msme.manage_any",
        "msme.verify",
        "msme.view_all",
        "readiness.assess",
        "cohort.coach",
        "registry.import",
        "stats.view_province",
        "catalog.view",
        "lane_demand.view",
        "seeker.manage_any",
        "seeker.unmask_nik",
        "labour_profile.verify",
        "placement.monitor",
        "grievance.handle",
        "oversight.view",
        "audit.view",
        "organisation.create",
        "user.invite",
    },
    Role.TRADE_ATTACHE: _EVERYONE
    | {
        "msme.view_all",
        "stats.view_province",
        "catalog.view",
        "buyer.verify",
        "request.relay",
        "deal.track",
        "event.manage",
        "oversight.view",
    },
    Role.TRANSPORT_ATTACHE: _EVERYONE
    | {
        "stats.view_province",
        "lane_demand.view",
        "ratebook.manage",
        "consolidation.plan",
        "oversight.view",
    },
    Role.LABOUR_ATTACHE: _EVERYONE
    | {
        "stats.view_province",
        "job_order.endorse",
        "labour_profile.verify",
        "candidate.view",
        "placement.monitor",
        "grievance.handle",
        "oversight.view",
    },
    Role.BUYER: _EVERYONE
    | {"catalog.view", "request.post", "introduction.request", "deal.track"},
    Role.EMPLOYER: _EVERYONE | {"job_order.submit", "candidate.shortlist"},
    Role.AGENCY: _EVERYONE
    | {"job_order.submit", "candidate.view", "candidate.shortlist"},
    Role.SEEKER: _EVERYONE
    | {"seeker.manage_own", "vacancy.view_matched", "grievance.file"},
    Role.FORWARDER: _EVERYONE | {"rates.publish", "lane_demand.view"},
    Role.ADMIN: ALL_PERMISSIONS,
}

#: which roles a holder of "user.invite" / "member.add" may place into an organisation;
#: an officer brings MSME owners on board (issue 2), an admin anyone
GRANTABLE_ROLES: dict[str, frozenset[str]] = {
    Role.OFFICER: frozenset({Role.MSME_OWNER}),
    Role.ADMIN: frozenset(Role.values),
}

#: which organisation kinds a holder of "organisation.create" may create
CREATABLE_ORGANISATION_KINDS: dict[str, frozenset[str]] = {
    Role.OFFICER: frozenset({OrganisationKind.MSME}),
    Role.ADMIN: frozenset(OrganisationKind.values),
}


def _roles_of(user: Any) -> frozenset[str]:
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    if not user.is_active:
        return frozenset()
    roles: frozenset[str] = user.roles
    if user.is_superuser:
        roles |= {Role.ADMIN}
    return roles


def has_permission(user: Any, perm: str) -> bool:
    """Whether `user` may do `perm` in any of their roles (an admin may do everything)."""
    if perm not in ALL_PERMISSIONS:
        # A typo in a permission name must fail loudly, not silently deny.
        raise ValueError(f"unknown permission {perm!r}")
    return any(perm in PERMISSIONS[role] for role in _roles_of(user))


def require_permission(user: Any, perm: str) -> None:
    """Raise PermissionDenied unless `user` has `perm`."""
    if not has_permission(user, perm):
        raise PermissionDenied(_("Your role may not do this."))


def grantable_roles(user: Any) -> frozenset[str]:
    """Roles this user may invite or add people into."""
    return frozenset().union(*(GRANTABLE_ROLES.get(r, ()) for r in _roles_of(user)))


def creatable_organisation_kinds(user: Any) -> frozenset[str]:
    """Organisation kinds this user may create."""
    return frozenset().union(
        *(CREATABLE_ORGANISATION_KINDS.get(r, ()) for r in _roles_of(user))
    )
