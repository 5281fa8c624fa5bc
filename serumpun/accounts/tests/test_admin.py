"""The accounts admin: pages render, hashes stay hidden, revoking goes through the action."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from serumpun.accounts import actions
from serumpun.accounts.models import ApiToken, Invitation
from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import UserFactory, make_user
from serumpun.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory.create(is_staff=True, is_superuser=True))
    return client


def test_user_change_page_shows_no_password_hash(admin_client):
    user = make_user(Role.BUYER)
    page = admin_client.get(reverse("admin:accounts_user_change", args=[user.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert user.password not in text
    assert 'name="password"' not in text
    organisation = user.organisation
    assert organisation is not None
    assert organisation.name in text  # the membership inline


def test_user_search_by_email(admin_client):
    user = make_user(Role.BUYER, email="cari.saya@example.test")
    make_user(Role.BUYER)
    page = admin_client.get(
        reverse("admin:accounts_user_changelist"), {"q": "cari.saya"}
    )
    assert list(page.context["cl"].result_list) == [user]


@pytest.mark.parametrize("model", ["organisation", "apitoken", "invitation"])
def test_changelists_render(admin_client, model):
    make_user(Role.OFFICER)
    assert (
        admin_client.get(reverse(f"admin:accounts_{model}_changelist")).status_code
        == 200
    )


def test_admin_revoke_action_revokes_and_audits(admin_client):
    owner = make_user(Role.BUYER)
    token, _raw = actions.issue_api_token(user=owner)
    response = admin_client.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="api_token.revoke").exists()


def test_tokens_and_invitations_cannot_be_added_in_the_admin(admin_client):
    assert admin_client.get(reverse("admin:accounts_apitoken_add")).status_code == 403
    assert admin_client.get(reverse("admin:accounts_invitation_add")).status_code == 403
    assert not ApiToken.objects.exists()
    assert not Invitation.objects.exists()


def test_user_added_in_the_admin_sets_a_password_by_reset(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "baru@example.test",
            "full_name": "Pengguna Baru",
            "preferred_language": "id",
            "is_active": "on",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].errors
    admin_client.logout()
    admin_client.post(
        reverse("accounts:password_reset"), {"email": "baru@example.test"}
    )
    assert [m.to for m in mail.outbox] == [["baru@example.test"]]
