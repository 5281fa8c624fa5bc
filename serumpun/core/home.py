"""What each role's home page shows: the role's jobs and real counts of what exists.

Counts come from *count providers*: a function that takes the user and returns `Figure`s, each a
label plus the QuerySet to count. Registering a provider for some roles is one line, so later
apps add their figures without touching this module:

    # serumpun/trade/apps.py, in ready():
    register_count(trade_counts, roles={Role.BUYER, Role.TRADE_ATTACHE})

However many figures a page has, `count_all` counts them in ONE SQL statement (one scalar
subquery per figure), so the home page's query count stays constant as apps are added.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from serumpun.accounts.roles import OrganisationKind, Role
from serumpun.core.navigation import API_ROLES


@dataclass(frozen=True)
class Figure:
    """One figure a provider offers: what to count and what to say when it is zero."""

    key: str
    label: Any
    queryset: QuerySet[Any]
    section: Any
    empty_hint: Any = ""
    url_name: str | None = None  # where to see the records or add the first one
    action_label: Any = ""  # the link's text, e.g. "Create an API token"


@dataclass(frozen=True)
class Count:
    """One counted figure on a home page."""

    key: str
    label: Any
    value: int
    section: Any
    empty_hint: Any = ""
    url: str | None = None
    action_label: Any = ""

    @property
    def empty(self) -> bool:
        """True when nothing exists yet, so the page shows an empty state."""
        return self.value == 0


CountProvider = Callable[[Any], Iterable[Figure]]

_PROVIDERS: list[tuple[frozenset[str] | None, CountProvider]] = []


def register_count(
    provider: CountProvider, *, roles: Collection[str] | None = None
) -> CountProvider:
    """Show `provider`'s figures on the home page of `roles` (None: every role). Idempotent."""
    entry = (frozenset(roles) if roles is not None else None, provider)
    if entry not in _PROVIDERS:
        _PROVIDERS.append(entry)
    return provider


def count_all(querysets: Sequence[QuerySet[Any]]) -> list[int]:
    """Count several QuerySets in one SQL statement; an empty QuerySet counts 0 unqueried."""
    selects: list[str] = []
    params: list[Any] = []
    slots: list[int | None] = []
    for qs in querysets:
        try:
            sql, qs_params = qs.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:
            slots.append(None)
            continue
        slots.append(len(selects))
        # The SQL is the ORM compiler's own output; every value is a bound parameter.
        subquery = f"(SELECT COUNT(*) FROM ({sql}) AS counted_{len(selects)})"  # noqa: S608
        selects.append(subquery)
        params.extend(qs_params)
    row: Sequence[Any] = ()
    if selects:
        with connections[querysets[0].db].cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(selects), params)
            row = cursor.fetchone() or ()
    return [0 if slot is None else int(row[slot]) for slot in slots]


def home_counts(user: Any) -> list[Count]:
    """Every figure registered for this user's roles, counted in one query."""
    roles = set(user.roles)
    if user.is_platform_admin:
        roles.add(Role.ADMIN)
    figures = [
        figure
        for provider_roles, provider in _PROVIDERS
        if provider_roles is None or roles & provider_roles
        for figure in provider(user)
    ]
    values = count_all([f.queryset for f in figures])
    return [
        Count(
            key=f.key,
            label=f.label,
            value=value,
            section=f.section,
            empty_hint=f.empty_hint,
            url=reverse(f.url_name) if f.url_name else None,
            action_label=f.action_label or _("Open"),
        )
        for f, value in zip(figures, values, strict=True)
    ]


# --- What each role does (DESIGN.md, "Users and roles") -----------------------------------

ROLE_JOBS: dict[str, list[Any]] = {
    Role.MSME_OWNER: [
        _("Keep your business profile, products and certificates up to date"),
        _("Check how ready each product is for the Malaysian market"),
        _("Answer Malaysian buyers' requests"),
        _("Book shipments, alone or pooled with other MSMEs"),
    ],
    Role.OFFICER: [
        _("Verify MSMEs and their certificates"),
        _("Coach cohorts of MSMEs towards export readiness"),
        _("Import registries from spreadsheets"),
        _("See province-wide statistics"),
    ],
    Role.TRADE_ATTACHE: [
        _("Verify Malaysian buyers"),
        _("Relay buying requests to Lampung suppliers"),
        _("Run business-matching events"),
        _("Track deals"),
    ],
    Role.TRANSPORT_ATTACHE: [
        _("See demand on each sea and air lane"),
        _("Keep the rate book"),
        _("Plan shared containers for small shipments"),
    ],
    Role.LABOUR_ATTACHE: [
        _("Endorse or reject job orders"),
        _("Monitor placements"),
        _("Follow up grievances"),
    ],
    Role.BUYER: [
        _("Post sourcing requests"),
        _("Request introductions to Lampung suppliers"),
    ],
    Role.EMPLOYER: [
        _("Submit job orders for endorsement"),
        _("Shortlist candidates"),
    ],
    Role.AGENCY: [
        _("Submit job orders for endorsement"),
        _("Shortlist candidates"),
    ],
    Role.SEEKER: [
        _("Keep your own profile"),
        _("See legal vacancies and training that match you"),
        _("File a grievance safely"),
    ],
    Role.FORWARDER: [
        _("Publish rates and sailings"),
    ],
    Role.ADMIN: [
        _("Manage users, organisations and reference data"),
        _("Everything else on the platform; every access is audited"),
    ],
}


def jobs_for(user: Any) -> list[Any]:
    """The jobs of this user's primary role (admin's for a superuser without membership)."""
    role = user.role or (Role.ADMIN if user.is_superuser else None)
    return ROLE_JOBS.get(role, []) if role else []


# --- The counts that exist now (later apps register theirs) ----------------------------------

REFERENCE = _("Reference data")
ORGANISATIONS = _("Organisations on the platform")
YOURS = _("Your organisation and access")
LOAD_REFERENCE = _(
    "Not loaded yet: an administrator runs “manage.py load_reference” to load it."
)

#: provincial and embassy staff see how many organisations of each kind have joined
OVERSIGHT_ROLES = frozenset(
    {
        Role.OFFICER,
        Role.TRADE_ATTACHE,
        Role.TRANSPORT_ATTACHE,
        Role.LABOUR_ATTACHE,
        Role.ADMIN,
    }
)


def reference_counts(user: Any) -> list[Figure]:
    """Reference data every role works with."""
    from serumpun.core.models import HSCode, Occupation, Port, Regency

    return [
        Figure(
            "regencies",
            _("Lampung regencies and cities"),
            Regency.objects.filter(province_id="18"),
            REFERENCE,
            LOAD_REFERENCE,
        ),
        Figure(
            "hs_codes",
            _("HS 2022 product codes"),
            HSCode.objects.filter(level=6),
            REFERENCE,
            LOAD_REFERENCE,
        ),
        Figure(
            "ports",
            _("Ports and airports"),
            Port.objects.all(),
            REFERENCE,
            LOAD_REFERENCE,
        ),
        Figure(
            "occupations",
            _("Occupations (ISCO-08)"),
            Occupation.objects.all(),
            REFERENCE,
            LOAD_REFERENCE,
        ),
    ]


def organisation_counts(user: Any) -> list[Figure]:
    """How many MSMEs, buyers, employers and agencies have joined."""
    from serumpun.accounts.models import Organisation

    kinds = [
        (
            OrganisationKind.MSME,
            _("MSMEs (UMKM)"),
            _(
                "No MSME has joined yet. Officers register MSMEs or invite their owners."
            ),
        ),
        (
            OrganisationKind.BUYER,
            _("Malaysian buyers"),
            _("No Malaysian buyer has joined yet. The trade attaché verifies buyers."),
        ),
        (
            OrganisationKind.EMPLOYER,
            _("Malaysian employers"),
            _("No Malaysian employer has joined yet."),
        ),
        (
            OrganisationKind.AGENCY,
            _("Recruitment agencies (P3MI)"),
            _("No recruitment agency has joined yet."),
        ),
    ]
    return [
        Figure(
            f"organisations_{kind}",
            label,
            Organisation.objects.filter(kind=kind),
            ORGANISATIONS,
            hint,
        )
        for kind, label, hint in kinds
    ]


def own_organisation_counts(user: Any) -> list[Figure]:
    """Members of the user's own organisations (none for a job seeker)."""
    from serumpun.accounts.models import User

    if not user.organisation_ids:
        return []
    return [
        Figure(
            "members",
            _("Members of your organisation"),
            User.objects.filter(
                memberships__organisation_id__in=user.organisation_ids, is_active=True
            ).distinct(),
            YOURS,
            _("Ask a platform administrator to add your colleagues."),
        )
    ]


def api_token_counts(user: Any) -> list[Figure]:
    """The user's usable API tokens."""
    from serumpun.accounts.models import ApiToken

    return [
        Figure(
            "api_tokens",
            _("Your active API tokens"),
            ApiToken.objects.filter(
                user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()
            ),
            YOURS,
            _("Create a token in your account settings to connect your systems."),
            "accounts:settings",
            _("Manage API tokens"),
        )
    ]


register_count(reference_counts)
register_count(organisation_counts, roles=OVERSIGHT_ROLES)
register_count(own_organisation_counts, roles=set(Role) - {Role.SEEKER})
register_count(api_token_counts, roles=API_ROLES)
