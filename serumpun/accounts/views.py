"""Sign-in, sign-out, account settings and the lockout page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe


def lockout_response(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """What django-axes answers once an account is locked on this address."""
    if request.path.startswith("/api/"):
        from config.api import problem_response

        return problem_response(
            status=429,
            title="Too many failed sign-in attempts",
            detail="This account is locked for a while after repeated failed sign-ins. "
            "Try again later or reset your password.",
        )
    return render(request, "accounts/locked.html", status=429)


class LoginView(auth_views.LoginView):
    """E-mail and password sign-in."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@require_safe
@login_required
def account_settings(request: HttpRequest) -> HttpResponse:
    """The user's own settings: language, two-factor, API tokens."""
    return render(request, "accounts/settings.html", {})


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """TOTP set-up and verification for staff roles."""
    return render(request, "accounts/two_factor.html", {})
