"""Session rules for staff roles: idle timeout and required two-factor authentication."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

#: paths a user without a verified second factor may still open
TWO_FACTOR_EXEMPT_PREFIXES = (
    "/accounts/2fa/",
    "/accounts/logout/",
    "/i18n/",
    "/static/",
    "/healthz",
    "/readyz",
    "/api/",
)

#: session flag set at sign-in when the user has a confirmed authenticator
TWO_FACTOR_PENDING_SESSION_KEY = "serumpun_2fa_pending"


def two_factor_pending(request: HttpRequest) -> bool:
    """True while a signed-in user still owes a TOTP code in this session.

    Staff roles owe one when SERUMPUN_REQUIRE_2FA is on; anyone who has set up an
    authenticator owes one at every sign-in.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.is_verified():
        return False
    if settings.SERUMPUN_REQUIRE_2FA and user.is_staff_role:
        return True
    return bool(request.session.get(TWO_FACTOR_PENDING_SESSION_KEY))


#: session key holding when the staff idle timer was last pushed back (epoch seconds)
IDLE_REFRESHED_SESSION_KEY = "serumpun_idle_refreshed"


class StaffIdleTimeoutMiddleware:
    """Officers, attachés and admins are signed out after SERUMPUN_STAFF_IDLE_SECONDS idle.

    The session is saved with that expiry, which makes it an idle timeout. To spare a
    database write on every page, the timer is pushed back at most once per
    SERUMPUN_STAFF_IDLE_REFRESH_SECONDS, so a session may end up to that much earlier.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff_role:
            now = int(time.time())
            refreshed = request.session.get(IDLE_REFRESHED_SESSION_KEY, 0)
            if now - refreshed >= settings.SERUMPUN_STAFF_IDLE_REFRESH_SECONDS:
                request.session.set_expiry(settings.SERUMPUN_STAFF_IDLE_SECONDS)
                request.session[IDLE_REFRESHED_SESSION_KEY] = now
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """Users who owe a TOTP code (see two_factor_pending) see only the 2FA page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(TWO_FACTOR_EXEMPT_PREFIXES) and (
            two_factor_pending(request)
        ):
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse('accounts:two_factor')}?{query}")
        return self.get_response(request)
