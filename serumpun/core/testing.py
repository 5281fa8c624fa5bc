"""Test harness for object access: another organisation's record answers 404, never 403.

Every app with private records plugs its endpoints into the same role × URL × foreign-record
matrix. Describe each endpoint once as an `AccessCase` (how to make a record owned by an
organisation, and the URL of that record), then parametrise over roles::

    from serumpun.core.testing import AccessCase, access_matrix, check_foreign_404

    PRODUCT = AccessCase(
        name="product-detail",
        make_owned=lambda org: ProductFactory(msme__organisation=org),
        url_for=lambda product: reverse("exporters:product_detail", args=[product.pk]),
    )

    @pytest.mark.django_db
    @pytest.mark.parametrize(("role", "case"), access_matrix([PRODUCT], ["msme_owner"]))
    def test_foreign_products_are_not_found(client, role, case):
        check_foreign_404(client, role, case)

`check_foreign_404` signs in a fresh user of `role` (in a fresh organisation of the right
kind), makes one record owned by that organisation and one owned by another organisation of
the same kind, and asserts the own record answers `case.ok_statuses` and the foreign one 404
for every method in `case.methods`. `assert_foreign_records_404(client, url_for=...,
make_owned=..., roles=[...])` does the same in a loop when a parametrised test is overkill.
`check_admin_sees_all` and `check_anonymous_refused` complete the picture.

Records that belong to a person rather than an organisation (a job seeker's profile) use
`AccessCase(owner="user", make_owned=lambda user: ...)`: the harness then passes the user.

Pages sign in with the session (`session_fetch`, the default); API endpoints pass
`fetch=bearer_fetch`, which gets a token from `POST /api/v1/auth/token`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, Literal

import pytest
from django.http import HttpResponse
from django.test import Client

from serumpun.accounts.models import Organisation, User
from serumpun.accounts.roles import Role

#: how the harness issues one request as a user: (client, user, method, url) -> response
Fetch = Callable[[Client, User, str, str], HttpResponse]

NOT_FOUND = HTTPStatus.NOT_FOUND


def session_fetch(client: Client, user: User, method: str, url: str) -> HttpResponse:
    """Request a page signed in through the session, as a browser would."""
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return getattr(client, method)(url)  # type: ignore[no-any-return]


def bearer_fetch(client: Client, user: User, method: str, url: str) -> HttpResponse:
    """Request an API endpoint with a bearer token (the user must have TEST_PASSWORD)."""
    from serumpun.accounts.tests.factories import TEST_PASSWORD

    token_response = client.post(
        "/api/v1/auth/token",
        {"email": user.email, "password": TEST_PASSWORD},
        content_type="application/json",
    )
    assert token_response.status_code == HTTPStatus.OK, token_response.content  # noqa: S101
    token = token_response.json()["token"]
    return getattr(client, method)(  # type: ignore[no-any-return]
        url, headers={"Authorization": f"Bearer {token}"}
    )


@dataclass(frozen=True)
class AccessCase:
    """One private endpoint: how to make a record for an owner, and that record's URL."""

    name: str
    make_owned: Callable[[Any], Any]
    url_for: Callable[[Any], str]
    methods: tuple[str, ...] = ("get",)
    ok_statuses: frozenset[int] = field(default_factory=lambda: frozenset({200}))
    owner: Literal["organisation", "user"] = "organisation"


def access_matrix(cases: Iterable[AccessCase], roles: Iterable[str]) -> list[Any]:
    """Parameters (role, case) for `pytest.mark.parametrize`, one per role × endpoint."""
    role_list = list(roles)
    return [
        pytest.param(role, case, id=f"{case.name}[{role}]")
        for case in cases
        for role in role_list
    ]


def _make_user(role: str, organisation: Organisation | None = None) -> User:
    from serumpun.accounts.tests.factories import make_user

    return make_user(role, organisation)


def _owner_and_foreign(role: str, case: AccessCase) -> tuple[User, Any, Any]:
    """A signed-in user of `role`, the owner for their own record, a foreign owner."""
    from serumpun.accounts.tests.factories import OrganisationFactory

    user = _make_user(role)
    if case.owner == "user":
        return user, user, _make_user(role)
    own_org = user.organisation
    if own_org is None:
        msg = f"role {role!r} has no organisation; use AccessCase(owner='user')"
        raise ValueError(msg)
    foreign_org = OrganisationFactory(  # type: ignore[no-untyped-call]
        kind=own_org.kind, country=own_org.country
    )
    return user, own_org, foreign_org


def _status(response: HttpResponse) -> int:
    return int(response.status_code)


def check_foreign_404(
    client: Client, role: str, case: AccessCase, *, fetch: Fetch = session_fetch
) -> None:
    """Assert a `role` user reaches their own record and gets 404 for a foreign one."""
    user, own_owner, foreign_owner = _owner_and_foreign(role, case)
    own = case.make_owned(own_owner)
    foreign = case.make_owned(foreign_owner)
    for method in case.methods:
        own_url, foreign_url = case.url_for(own), case.url_for(foreign)
        status = _status(fetch(client, user, method, own_url))
        assert status in case.ok_statuses, (  # noqa: S101
            f"{role} {method.upper()} own {own_url}: {status}, "
            f"expected one of {sorted(case.ok_statuses)}"
        )
        status = _status(fetch(client, user, method, foreign_url))
        assert status == NOT_FOUND, (  # noqa: S101
            f"{role} {method.upper()} foreign {foreign_url}: {status}, expected 404"
        )


def assert_foreign_records_404(
    client: Client,
    *,
    url_for: Callable[[Any], str],
    make_owned: Callable[[Any], Any],
    roles: Sequence[str],
    methods: tuple[str, ...] = ("get",),
    fetch: Fetch = session_fetch,
) -> None:
    """Loop form of `check_foreign_404` over `roles` for one endpoint."""
    case = AccessCase(
        name="endpoint", make_owned=make_owned, url_for=url_for, methods=methods
    )
    for role in roles:
        check_foreign_404(client, role, case, fetch=fetch)


def check_admin_sees_all(
    client: Client,
    case: AccessCase,
    *,
    owner_role: str = Role.MSME_OWNER,
    fetch: Fetch = session_fetch,
) -> None:
    """Assert a platform admin reaches records of two different owners."""
    _, first_owner, second_owner = _owner_and_foreign(owner_role, case)
    admin = _make_user(Role.ADMIN)
    for owner in (first_owner, second_owner):
        url = case.url_for(case.make_owned(owner))
        for method in case.methods:
            status = _status(fetch(client, admin, method, url))
            assert status in case.ok_statuses, (  # noqa: S101
                f"admin {method.upper()} {url}: {status}"
            )


def check_anonymous_refused(
    client: Client,
    case: AccessCase,
    *,
    owner_role: str = Role.MSME_OWNER,
    expected_status: int = 302,
) -> Any:
    """Assert an anonymous request is refused (302 to the login page; 401 for the API)."""
    _, owner, _ = _owner_and_foreign(owner_role, case)
    url = case.url_for(case.make_owned(owner))
    client.logout()
    response = client.get(url)
    assert response.status_code == expected_status, (  # noqa: S101
        f"anonymous GET {url}: {response.status_code}, expected {expected_status}"
    )
    return response
