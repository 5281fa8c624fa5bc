"""POST/DELETE /api/v1/auth/token and GET /api/v1/auth/me."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from serumpun.accounts import actions
from serumpun.accounts.models import ApiToken
from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_totp_device, make_user, totp_code
from serumpun.accounts.tests.helpers import ME_URL, TOKEN_URL, bearer, request_token

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


def test_right_credentials_give_a_working_token(client):
    user = make_user(Role.BUYER)
    organisation = user.organisation
    assert organisation is not None
    response = request_token(client, user.email.upper())
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expires_at"}
    stored = ApiToken.objects.get(user=user)
    assert body["token"][:8] == stored.prefix
    me = client.get(ME_URL, **bearer(body["token"]))
    assert me.status_code == 200
    assert me.json() == {
        "email": user.email,
        "full_name": user.full_name,
        "role": "buyer",
        "organisation": {
            "id": organisation.pk,
            "name": organisation.name,
            "kind": "buyer",
            "country": "MY",
        },
    }


def test_me_for_a_seeker_has_no_organisation(client):
    seeker = make_user(Role.SEEKER)
    _token, raw = actions.issue_api_token(user=seeker)
    assert client.get(ME_URL, **bearer(raw)).json()["organisation"] is None


def test_wrong_password_is_a_401_problem(client):
    user = make_user(Role.BUYER)
    response = request_token(client, user.email, "not-the-password")
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response.json()["status"] == 401
    assert not ApiToken.objects.exists()


def test_unknown_email_is_the_same_401(client):
    response = request_token(client, "nobody@example.test")
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM


@pytest.mark.usefixtures("in_english")
def test_it_locks_the_token_endpoint_after_the_failure_limit(client, settings):
    user = make_user(Role.BUYER)
    statuses = [
        request_token(client, user.email, "wrong-password").status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses == [401] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    locked = request_token(client, user.email)  # even the right password now
    assert locked.status_code == 429
    assert locked["Content-Type"] == PROBLEM
    body = locked.json()
    assert body["status"] == 429
    assert "locked" in body["detail"]
    assert "reset your password" in body["detail"]


def test_api_lock_is_per_username_and_address(client, settings):
    victim, colleague = make_user(Role.BUYER), make_user(Role.BUYER)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        request_token(client, victim.email, "wrong-password")
    assert request_token(client, colleague.email).status_code == 200
    other_address = client.post(
        TOKEN_URL,
        {"email": victim.email, "password": "correct-horse-battery-staple"},
        content_type="application/json",
        REMOTE_ADDR="10.1.2.3",
    )
    assert other_address.status_code == 200


def test_expired_token_is_a_401(client):
    user = make_user(Role.BUYER)
    token, raw = actions.issue_api_token(user=user)
    ApiToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(ME_URL, **bearer(raw))
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM


def test_revoked_token_is_a_401(client):
    user = make_user(Role.BUYER)
    token, raw = actions.issue_api_token(user=user)
    actions.revoke_api_token(by=user, token=token)
    assert client.get(ME_URL, **bearer(raw)).status_code == 401


def test_delete_token_revokes_the_token_used_for_the_call(client):
    user = make_user(Role.BUYER)
    _first, raw = actions.issue_api_token(user=user)
    _other, other_raw = actions.issue_api_token(user=user)
    assert client.delete(TOKEN_URL, **bearer(raw)).status_code == 204
    assert client.get(ME_URL, **bearer(raw)).status_code == 401
    assert client.get(ME_URL, **bearer(other_raw)).status_code == 200


def test_token_of_a_deactivated_user_is_a_401(client):
    user = make_user(Role.BUYER)
    _token, raw = actions.issue_api_token(user=user)
    user.is_active = False
    user.save()
    assert client.get(ME_URL, **bearer(raw)).status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        '{"email": 1}',
        "[]",
        '{"email": "a@b.c", "password": "x", "totp": "12"}',
    ],
)
def test_malformed_token_request_is_a_422_not_500(client, body):
    response = client.post(TOKEN_URL, data=body, content_type="application/json")
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert response.json()["errors"]


@pytest.mark.usefixtures("in_english")
def test_officer_needs_a_totp_code_when_2fa_is_required(client, settings):
    settings.SERUMPUN_REQUIRE_2FA = True
    officer = make_user(Role.OFFICER)
    device = make_totp_device(officer)
    missing = request_token(client, officer.email)
    assert missing.status_code == 401
    assert "TOTP code is required" in missing.json()["detail"]
    right = request_token(client, officer.email, totp=totp_code(device, steps_ahead=1))
    assert right.status_code == 200


def test_wrong_totp_code_is_a_401(client, settings):
    settings.SERUMPUN_REQUIRE_2FA = True
    officer = make_user(Role.OFFICER)
    device = make_totp_device(officer)
    wrong = "000000" if totp_code(device) != "000000" else "111111"
    response = request_token(client, officer.email, totp=wrong)
    assert response.status_code == 401
    assert "TOTP" in response.json()["detail"]
    assert not ApiToken.objects.exists()


def test_officer_without_an_authenticator_cannot_get_a_token_when_2fa_is_required(
    client, settings
):
    settings.SERUMPUN_REQUIRE_2FA = True
    officer = make_user(Role.OFFICER)
    assert request_token(client, officer.email, totp="123456").status_code == 401


def test_msme_owner_needs_no_totp_when_2fa_is_required(client, settings):
    settings.SERUMPUN_REQUIRE_2FA = True
    owner = make_user(Role.MSME_OWNER)
    assert request_token(client, owner.email).status_code == 200


def test_officer_needs_no_totp_when_2fa_is_off(client, settings):
    settings.SERUMPUN_REQUIRE_2FA = False
    officer = make_user(Role.OFFICER)
    assert request_token(client, officer.email).status_code == 200


def test_wrong_totp_codes_count_towards_the_lockout(client, settings):
    settings.SERUMPUN_REQUIRE_2FA = True
    officer = make_user(Role.OFFICER)
    device = make_totp_device(officer)
    # Keep the device's own throttle out of the way: this test is about axes.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    wrong = "000000" if totp_code(device) != "000000" else "111111"
    statuses = [
        request_token(client, officer.email, totp=wrong).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses[-1] == 429


def test_changing_the_case_of_the_email_does_not_dodge_the_lockout(client, settings):
    user = make_user(Role.BUYER)
    variants = [user.email, user.email.upper(), user.email.title()]
    for i in range(settings.AXES_FAILURE_LIMIT):
        request_token(client, variants[i % len(variants)], "wrong-password")
    assert request_token(client, user.email).status_code == 429
