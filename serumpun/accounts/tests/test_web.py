"""Sign-in, lockout, password reset, invitations, settings and two-factor pages."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from serumpun.accounts.models import ApiToken, User
from serumpun.accounts.roles import OrganisationKind, Role
from serumpun.accounts.tests.factories import (
    TEST_PASSWORD,
    UserFactory,
    make_totp_device,
    make_user,
    totp_code,
)
from serumpun.accounts.tests.helpers import sign_in

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "lada-hitam-lampung-2026"
HOME = "/"
TWO_FACTOR = reverse("accounts:two_factor")


@pytest.mark.usefixtures("in_english")
def test_login_page_labels_the_username_field_email(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert 'name="username"' in response.content.decode()
    assert response.context["form"].fields["username"].label == "E-mail"


def test_sign_in_with_email_and_password(client):
    user = make_user(Role.MSME_OWNER)
    response = sign_in(client, user.email.upper())
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_sign_in_sets_the_language_cookie_from_the_preference(client, settings):
    user = make_user(Role.BUYER, preferred_language="ms")
    response = sign_in(client, user.email)
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ms"


def test_logout_is_a_post(client):
    user = make_user(Role.BUYER)
    client.force_login(user)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.usefixtures("in_english")
def test_it_locks_after_the_failure_limit_with_a_429_page(client, settings):
    user = make_user(Role.MSME_OWNER)
    statuses = [
        sign_in(client, user.email, "wrong-password").status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    locked = sign_in(client, user.email)  # the right password no longer helps
    assert locked.status_code == 429
    assert "accounts/locked.html" in [t.name for t in locked.templates]
    page = locked.content.decode()
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    assert f"{minutes} minutes" in page
    assert reverse("accounts:password_reset") in page
    assert "_auth_user_id" not in client.session


def test_lock_is_per_username_and_address(client, settings):
    victim, colleague = make_user(Role.OFFICER), make_user(Role.OFFICER)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, victim.email, "wrong-password")
    assert sign_in(client, colleague.email).status_code == 302
    client.logout()
    assert sign_in(client, victim.email, REMOTE_ADDR="10.9.8.7").status_code == 302


def reset_link_from_outbox() -> str:
    match = re.search(
        r"https?://[^/\s]+(/accounts/password/reset/\S+/)", str(mail.outbox[-1].body)
    )
    assert match, mail.outbox[-1].body
    return match.group(1)


def test_password_reset_sends_an_email_and_lifts_the_lock(client, settings):
    user = make_user(Role.MSME_OWNER)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, user.email, "wrong-password")
    response = client.post(reverse("accounts:password_reset"), {"email": user.email})
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    # The link redirects once to a URL without the token (Django hides it from referrers).
    form_url = client.get(reset_link_from_outbox()).url
    done = client.post(
        form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302
    assert done.url == reverse("accounts:password_reset_complete")
    assert sign_in(client, user.email, NEW_PASSWORD).status_code == 302


def test_password_reset_for_an_unknown_address_looks_the_same(client):
    response = client.post(
        reverse("accounts:password_reset"), {"email": "nobody@example.test"}
    )
    assert response.status_code == 302
    assert mail.outbox == []


def test_invite_then_accept_then_sign_in(client, django_capture_on_commit_callbacks):
    officer = make_user(Role.OFFICER)
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:invite"),
            {"email": "ani@example.test", "business_name": "Kopi Robusta Ani"},
        )
    assert response.status_code == 302
    client.logout()
    link = re.search(
        r"https?://[^/\s]+(/accounts/invitation/\S+/)", str(mail.outbox[0].body)
    )
    assert link
    page = client.get(link.group(1))
    assert page.status_code == 200
    assert "Kopi Robusta Ani" in page.content.decode()
    mismatch = client.post(
        link.group(1),
        {"full_name": "Ani", "password1": NEW_PASSWORD, "password2": "other"},
    )
    assert mismatch.status_code == 200
    assert mismatch.context["form"].errors["password2"]
    accepted = client.post(
        link.group(1),
        {
            "full_name": "Ani Lestari",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert accepted.status_code == 302
    assert sign_in(client, "ani@example.test", NEW_PASSWORD).status_code == 302
    user = User.objects.get(email="ani@example.test")
    assert user.role == Role.MSME_OWNER
    organisation = user.organisation
    assert organisation is not None
    assert organisation.name == "Kopi Robusta Ani"
    assert organisation.kind == OrganisationKind.MSME
    again = client.get(link.group(1))
    assert again.status_code == 410


def test_unknown_invitation_link_is_a_404(client):
    assert client.get("/accounts/invitation/not-a-token/").status_code == 404


def test_buyer_may_not_open_the_invite_page(client):
    client.force_login(make_user(Role.BUYER))
    assert client.get(reverse("accounts:invite")).status_code == 403


def test_settings_page_lists_tokens_and_creates_one_shown_once(client):
    user = make_user(Role.BUYER)
    client.force_login(user)
    assert client.get(reverse("accounts:settings")).status_code == 200
    created = client.post(reverse("accounts:create_token"), {"name": "ERP"})
    assert created.status_code == 200
    raw = created.context["new_token_raw"]
    assert raw in created.content.decode()
    assert "no-store" in created["Cache-Control"]
    token = ApiToken.objects.get(user=user)
    assert token.name == "ERP"
    later = client.get(reverse("accounts:settings")).content.decode()
    assert raw not in later
    assert token.prefix in later


def test_revoking_a_token_asks_first_then_revokes(client):
    user = make_user(Role.BUYER)
    client.force_login(user)
    client.post(reverse("accounts:create_token"), {"name": ""})
    token = ApiToken.objects.get(user=user)
    url = reverse("accounts:revoke_token", args=[token.pk])
    assert client.get(url).status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is None
    assert client.post(url).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_another_users_token_cannot_be_revoked(client):
    owner = make_user(Role.BUYER)
    client.force_login(owner)
    client.post(reverse("accounts:create_token"), {"name": ""})
    token = ApiToken.objects.get(user=owner)
    client.force_login(make_user(Role.BUYER))
    url = reverse("accounts:revoke_token", args=[token.pk])
    assert client.post(url).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_language_preference_is_saved_and_sets_the_cookie(client, settings):
    user = make_user(Role.MSME_OWNER)
    client.force_login(user)
    response = client.post(
        reverse("accounts:set_language_preference"), {"language": "en"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.preferred_language == "en"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    bad = client.post(reverse("accounts:set_language_preference"), {"language": "xx"})
    assert bad.status_code == 200
    assert bad.context["language_form"].errors["language"]


def test_officer_is_sent_to_two_factor_when_required(client, settings):
    settings.SERUMPUN_REQUIRE_2FA = True
    officer = make_user(Role.OFFICER)
    sign_in(client, officer.email)
    response = client.get(HOME)
    assert response.status_code == 302
    assert response.url.startswith(TWO_FACTOR)


def test_msme_owner_is_not_sent_to_two_factor_when_required(client, settings):
    settings.SERUMPUN_REQUIRE_2FA = True
    owner = make_user(Role.MSME_OWNER)
    sign_in(client, owner.email)
    assert client.get(reverse("accounts:settings")).status_code == 200


def test_officer_is_not_sent_to_two_factor_when_off(client, settings):
    settings.SERUMPUN_REQUIRE_2FA = False
    officer = make_user(Role.OFFICER)
    sign_in(client, officer.email)
    assert client.get(reverse("accounts:settings")).status_code == 200


def test_totp_setup_then_verify_on_the_next_sign_in(client, settings):
    settings.SERUMPUN_REQUIRE_2FA = True
    officer = make_user(Role.OFFICER)
    sign_in(client, officer.email)
    setup = client.get(TWO_FACTOR)
    assert setup.status_code == 200
    assert setup.context["setting_up"]
    assert setup.context["qr_data_uri"].startswith("data:image/svg+xml")
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    wrong = "000000" if totp_code(device) != "000000" else "111111"
    assert client.post(TWO_FACTOR, {"code": wrong}).status_code == 200
    device.throttling_failure_count = 0  # the wrong code above slowed the next try
    device.throttling_failure_timestamp = None
    device.save()
    confirmed = client.post(
        TWO_FACTOR, {"code": totp_code(device), "next": "/accounts/settings/"}
    )
    assert confirmed.status_code == 302
    assert confirmed.url == "/accounts/settings/"
    assert TOTPDevice.objects.get(user=officer).confirmed
    assert client.get(reverse("accounts:settings")).status_code == 200

    client.post(reverse("accounts:logout"))
    sign_in(client, officer.email)
    assert client.get(reverse("accounts:settings")).status_code == 302
    verify = client.get(TWO_FACTOR)
    assert not verify.context["setting_up"]
    code = totp_code(device, steps_ahead=1)
    assert client.post(TWO_FACTOR, {"code": code}).status_code == 302
    assert client.get(reverse("accounts:settings")).status_code == 200


def test_anyone_with_an_authenticator_must_use_it(client, settings):
    settings.SERUMPUN_REQUIRE_2FA = False
    owner = make_user(Role.MSME_OWNER)
    device = make_totp_device(owner)
    sign_in(client, owner.email)
    assert client.get(reverse("accounts:settings")).status_code == 302
    client.post(TWO_FACTOR, {"code": totp_code(device)})
    assert client.get(reverse("accounts:settings")).status_code == 200


def test_staff_session_expires_after_the_idle_limit(client, settings):
    officer = make_user(Role.OFFICER)
    client.force_login(officer)
    client.get(reverse("accounts:settings"))
    assert client.session.get_expiry_age() == settings.SERUMPUN_STAFF_IDLE_SECONDS
    assert settings.SERUMPUN_STAFF_IDLE_SECONDS == 1800


def test_msme_owner_session_keeps_the_default_age(client, settings):
    owner = make_user(Role.MSME_OWNER)
    client.force_login(owner)
    client.get(reverse("accounts:settings"))
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_passwords_are_hashed_with_argon2(settings):
    from config import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    user = UserFactory.create()
    user.set_password(TEST_PASSWORD)
    user.save()
    assert identify_hasher(user.password).algorithm == "argon2"
    assert user.check_password(TEST_PASSWORD)
