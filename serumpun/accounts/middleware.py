"""Session rules for staff roles: idle timeout and required two-factor authentication."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

#: paths a staff user without a verified second factor may still open
TWO_FACTOR_EXEMPT_PREFIXES = (
    "/accounts/2fa/",
    "/accounts/logout/",
    "/i18n/",
    "/static/",
    "/healthz",
    "/readyz",
    "/api/",
)


class StaffIdleTimeoutMiddleware:
    """Officers, attachés and admins are signed out after SERUMPUN_STAFF_IDLE_SECONDS idle."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff_role:
            # set_expiry with seconds makes the session expire that long after its last save;
            # saving on every request turns that into an idle timeout.
            request.session.set_expiry(settings.SERUMPUN_STAFF_IDLE_SECONDS)
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """When SERUMPUN_REQUIRE_2FA is on, staff roles must pass TOTP before any page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            settings.SERUMPUN_REQUIRE_2FA
            and user is not None
            and user.is_authenticated
            and user.is_staff_role
            and not user.is_verified()
            and not request.path.startswith(TWO_FACTOR_EXEMPT_PREFIXES)
        ):
            return redirect("accounts:two_factor")
        return self.get_response(request)
