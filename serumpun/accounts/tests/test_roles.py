"""The role × permission matrix: code, docs/roles.md and the helpers."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied

from serumpun.accounts.roles import (
    ALL_PERMISSIONS,
    PERMISSIONS,
    Role,
    has_permission,
    require_permission,
)
from serumpun.accounts.tests.factories import UserFactory, make_user

ROLES_DOC = Path(settings.BASE_DIR) / "docs" / "roles.md"


def parse_roles_doc() -> dict[str, frozenset[str]]:
    """Role → permissions read from the table under '## Permission matrix'."""
    text = ROLES_DOC.read_text(encoding="utf-8").split("## Permission matrix", 1)[1]
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in text.splitlines()
        if line.startswith("|")
    ]
    header, body = rows[0], rows[2:]
    roles = [cell.strip("`") for cell in header[2:]]
    granted: dict[str, set[str]] = {role: set() for role in roles}
    for row in body:
        perm = row[0].strip("`")
        for role, mark in zip(roles, row[2:], strict=True):
            assert mark in {"✓", "·"}, f"{perm}/{role}: unexpected mark {mark!r}"
            if mark == "✓":
                granted[role].add(perm)
    return {role: frozenset(perms) for role, perms in granted.items()}


def test_roles_doc_matches_the_permission_matrix():
    documented = parse_roles_doc()
    assert set(documented) == set(Role.values)
    for role in Role.values:
        assert documented[role] == PERMISSIONS[role], role


def test_roles_doc_describes_every_role():
    text = ROLES_DOC.read_text(encoding="utf-8")
    for role in Role.values:
        assert f"- `{role}` — " in text, role


def test_every_role_has_a_row_and_only_known_permissions():
    assert set(PERMISSIONS) == set(Role.values)
    for perms in PERMISSIONS.values():
        assert perms <= ALL_PERMISSIONS


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "perm", "expected"),
    [
        (Role.OFFICER, "msme.verify", True),
        (Role.OFFICER, "job_order.endorse", False),
        (Role.LABOUR_ATTACHE, "job_order.endorse", True),
        (Role.MSME_OWNER, "msme.verify", False),
        (Role.BUYER, "buyer.verify", False),
        (Role.TRADE_ATTACHE, "buyer.verify", True),
        (Role.SEEKER, "grievance.file", True),
        (Role.FORWARDER, "rates.publish", True),
        (Role.ADMIN, "job_order.endorse", True),
    ],
)
def test_has_permission_follows_the_matrix(role, perm, expected):
    assert has_permission(make_user(role), perm) is expected


@pytest.mark.django_db
def test_superuser_without_membership_has_every_permission():
    admin = UserFactory.create(is_superuser=True)
    assert all(has_permission(admin, perm) for perm in ALL_PERMISSIONS)


@pytest.mark.django_db
def test_inactive_user_and_anonymous_have_no_permission():
    from django.contrib.auth.models import AnonymousUser

    officer = make_user(Role.OFFICER, is_active=False)
    assert not has_permission(officer, "msme.verify")
    assert not has_permission(AnonymousUser(), "api_token.manage_own")


def test_unknown_permission_name_fails_loudly():
    with pytest.raises(ValueError, match="unknown permission"):
        has_permission(None, "msme.verfy")


@pytest.mark.django_db
def test_require_permission_raises_permission_denied():
    buyer = make_user(Role.BUYER)
    require_permission(buyer, "request.post")
    with pytest.raises(PermissionDenied):
        require_permission(buyer, "msme.verify")
