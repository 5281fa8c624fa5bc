"""API: tokens (POST/DELETE /api/v1/auth/token) and the caller's identity (GET /me)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from ninja import Field, Router, Schema

from serumpun.accounts import actions
from serumpun.accounts.models import User

router = Router(tags=["auth"])


class TokenRequest(Schema):
    """Credentials for a new token; `totp` when two-factor sign-in applies."""

    email: str = Field(..., max_length=254)
    password: str = Field(..., max_length=4096)
    totp: str | None = Field(None, max_length=6, pattern=r"^\d{6}$")


class TokenResponse(Schema):
    """A new bearer token; the token itself is shown only in this answer."""

    token: str
    expires_at: datetime


class Problem(Schema):
    """An RFC 9457 problem document."""

    type: str
    title: str
    status: int
    detail: str


class OrganisationOut(Schema):
    """The caller's primary organisation."""

    id: int
    name: str
    kind: str
    country: str


class MeResponse(Schema):
    """Who the token belongs to."""

    email: str
    full_name: str
    role: str | None
    organisation: OrganisationOut | None


def _problem(status: int, title: str, detail: str) -> HttpResponse:
    # Imported here: config.api imports this module while it is being built.
    from config.api import problem_response

    response = problem_response(status=status, title=title, detail=detail)
    if status == 401:  # noqa: PLR2004 — HTTP status, named by the RFC
        response["WWW-Authenticate"] = "Bearer"
    return response


def _second_factor_applies(user: User) -> bool:
    # Same rule as the web sign-in (middleware.two_factor_pending): required staff roles,
    # and anyone who has set up an authenticator.
    if settings.SERUMPUN_REQUIRE_2FA and user.is_staff_role:
        return True
    return any(True for _device in devices_for_user(user, confirmed=True))


def _check_second_factor(request: HttpRequest, user: User, code: str | None) -> bool:
    devices = list(devices_for_user(user, confirmed=True))
    if code is None or not devices:
        return False
    if any(
        actions.verify_second_factor(user=user, device=d, code=code) for d in devices
    ):
        return True
    # A wrong code counts as a failed sign-in, so axes limits guessing as well.
    user_login_failed.send(
        sender=__name__, credentials={"username": user.email}, request=request
    )
    return False


@router.post(
    "/token",
    auth=None,
    response={200: TokenResponse, 401: Problem, 429: Problem},
    summary="Get an API token",
)
def create_token(request: HttpRequest, payload: TokenRequest) -> Any:
    """Exchange e-mail, password (and a TOTP code when two-factor applies) for a token."""
    user = authenticate(request, username=payload.email, password=payload.password)
    if user is None:
        if getattr(request, "axes_locked_out", False):
            from serumpun.accounts.views import lockout_response

            return lockout_response(request)
        return _problem(401, "Unauthenticated", _("Wrong e-mail address or password."))
    if _second_factor_applies(user) and not _check_second_factor(
        request, user, payload.totp
    ):
        if getattr(request, "axes_locked_out", False):
            from serumpun.accounts.views import lockout_response

            return lockout_response(request)
        return _problem(
            401,
            "Unauthenticated",
            _(
                "A TOTP code is required: send the six-digit code from your "
                "authenticator app as 'totp'."
            ),
        )
    # Tells axes the sign-in succeeded (resets the failure count) and sets last_login.
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    token, raw = actions.issue_api_token(user=user)
    return 200, {"token": raw, "expires_at": token.expires_at}


@router.delete("/token", response={204: None}, summary="Revoke this token")
def delete_token(request: HttpRequest) -> Any:
    """Revoke the token this call was made with."""
    actions.revoke_api_token(by=request.user, token=request.api_token)  # type: ignore[arg-type, attr-defined]
    return 204, None


@router.get("/me", response=MeResponse, summary="Who am I")
def me(request: HttpRequest) -> dict[str, Any]:
    """The token owner's e-mail, name, primary role and organisation."""
    user: User = request.user  # type: ignore[assignment]
    organisation = user.organisation
    return {
        "email": user.email,
        "full_name": user.full_name,
        "role": user.role,
        "organisation": organisation,
    }
