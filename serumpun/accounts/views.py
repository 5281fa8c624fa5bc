"""Sign-in, lockout, password reset, invitations, account settings and two-factor pages."""

from __future__ import annotations

import base64
from typing import Any, cast

import segno
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from serumpun.accounts import actions
from serumpun.accounts.forms import (
    AcceptInvitationForm,
    ApiTokenForm,
    EmailAuthenticationForm,
    InviteMsmeOwnerForm,
    LanguageForm,
    TotpCodeForm,
)
from serumpun.accounts.middleware import TWO_FACTOR_PENDING_SESSION_KEY
from serumpun.accounts.models import ApiToken, User
from serumpun.accounts.roles import has_permission


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: Any = None,
) -> HttpResponse:
    """What django-axes answers once an account is locked on this address (429)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    if request.path.startswith("/api/"):
        from config.api import problem_response

        return problem_response(
            status=429,
            title="Too many failed sign-in attempts",
            detail=_(
                "This account is locked for %(minutes)d minutes after repeated failed "
                "sign-ins. Try again later or reset your password."
            )
            % {"minutes": minutes},
        )
    return render(request, "accounts/locked.html", {"minutes": minutes}, status=429)


def _set_language_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]
    )


def _user(request: HttpRequest) -> User:
    # Every caller sits behind @login_required, so the user is a real account.
    return cast("User", request.user)


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else default


class LoginView(auth_views.LoginView):
    """E-mail and password sign-in; asks for the TOTP code next when one is set up."""

    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        if user_has_device(user, confirmed=True):
            self.request.session[TWO_FACTOR_PENDING_SESSION_KEY] = True
        _set_language_cookie(response, user.preferred_language)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link by e-mail (the answer never reveals whether the address exists)."""

    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choose a new password from the e-mailed link; this also lifts a sign-in lockout."""

    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        axes_reset(username=form.user.email)
        actions.record_security_event(user=form.user, action="user.password_reset")
        return response


@require_http_methods(["GET", "HEAD", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The invited person sets their name and password; then they sign in."""
    try:
        invitation = actions.find_invitation(token)
    except ValidationError as exc:
        status = 404 if exc.code == "invalid" else 410
        context: dict[str, Any] = {"error": exc.messages[0]}
        return render(
            request, "accounts/invitation_invalid.html", context, status=status
        )
    form = AcceptInvitationForm(request.POST or None, invitation=invitation)
    if request.method == "POST" and form.is_valid():
        try:
            actions.accept_invitation(
                token=token,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your account is ready. Please sign in."))
            return redirect("accounts:login")
    context = {"form": form, "invitation": invitation}
    return render(request, "accounts/invitation_accept.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def invite(request: HttpRequest) -> HttpResponse:
    """An officer registers an MSME and e-mails its owner an invitation."""
    if not has_permission(request.user, "user.invite"):
        raise PermissionDenied
    form = InviteMsmeOwnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        regency = form.cleaned_data["regency"]
        try:
            actions.invite_msme_owner(
                by=_user(request),
                email=form.cleaned_data["email"],
                business_name=form.cleaned_data["business_name"],
                regency_id=regency.pk if regency else None,
                base_url=request.build_absolute_uri("/"),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            email = form.cleaned_data["email"]
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": email}
            )
            return redirect("accounts:invite")
    return render(request, "accounts/invite.html", {"form": form})


def _live_tokens(request: HttpRequest) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=_user(request), revoked_at__isnull=True)


def _settings_page(request: HttpRequest, **extra: Any) -> HttpResponse:
    user = _user(request)
    context: dict[str, Any] = {
        "language_form": LanguageForm(initial={"language": user.preferred_language}),
        "token_form": ApiTokenForm(),
        "tokens": _live_tokens(request),
        "now": timezone.now(),
        "has_two_factor": user_has_device(user, confirmed=True),
        **extra,
    }
    return render(request, "accounts/settings.html", context)


@require_safe
@login_required
def account_settings(request: HttpRequest) -> HttpResponse:
    """The user's own settings: language, two-factor, API tokens."""
    return _settings_page(request)


@require_POST
@login_required
def set_language_preference(request: HttpRequest) -> HttpResponse:
    """Save the preferred language on the account and in the language cookie."""
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return _settings_page(request, language_form=form)
    language = form.cleaned_data["language"]
    actions.set_language_preference(user=_user(request), language=language)
    response = HttpResponseRedirect(reverse("accounts:settings"))
    _set_language_cookie(response, language)
    return response


@require_POST
@login_required
def create_token(request: HttpRequest) -> HttpResponse:
    """Issue an API token and show it once, on this response only."""
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _settings_page(request, token_form=form)
    token, raw = actions.issue_api_token(
        user=_user(request), name=form.cleaned_data["name"]
    )
    response = _settings_page(request, new_token=token, new_token_raw=raw)
    # The raw token is on this page: keep it out of every cache.
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    """Confirm, then revoke one of the user's own API tokens."""
    token = get_object_or_404(_live_tokens(request), pk=token_id)
    if request.method == "POST":
        actions.revoke_api_token(by=_user(request), token=token)
        messages.success(
            request, _("The token %(prefix)s… is revoked.") % {"prefix": token.prefix}
        )
        return redirect("accounts:settings")
    return render(request, "accounts/token_revoke_confirm.html", {"token": token})


def _totp_qr_context(device: TOTPDevice) -> dict[str, str]:
    return {
        "qr_data_uri": segno.make(device.config_url, error="m").svg_data_uri(scale=4),
        # Shown for people who type the secret instead of scanning.
        "secret": base64.b32encode(device.bin_key).decode().rstrip("="),
    }


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app (QR code), or verify a code at sign-in."""
    user = _user(request)
    next_url = _safe_next(request, reverse("core:home"))
    device = TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).first()
    setting_up = device is None
    if setting_up:
        device = actions.start_totp_setup(user=user)
    elif user.is_verified():  # type: ignore[attr-defined]  # set by OTPMiddleware
        return redirect(next_url)
    form = TotpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = (
            actions.confirm_totp_device if setting_up else actions.verify_second_factor
        )
        if check(user=user, device=device, code=form.cleaned_data["code"]):
            otp_login(request, device)
            request.session.pop(TWO_FACTOR_PENDING_SESSION_KEY, None)
            return redirect(next_url)
        form.add_error(
            "code", _("This code is not right. Wait for a new one and try again.")
        )
    context: dict[str, Any] = {"form": form, "setting_up": setting_up, "next": next_url}
    if setting_up:
        context.update(_totp_qr_context(device))
    return render(request, "accounts/two_factor.html", context)
