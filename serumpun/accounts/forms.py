"""Forms of the accounts pages: validation happens here, at the edge."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import (
    password_validators_help_text_html,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from serumpun.accounts.models import Invitation, User
from serumpun.core.models import Regency

#: Lampung's BPS province code; officers invite MSMEs of their own province
LAMPUNG_PROVINCE_CODE = "18"


class EmailAuthenticationForm(AuthenticationForm):
    """Sign-in with e-mail and password (the field stays `username`: django-axes reads it)."""

    username = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The e-mail address or the password is wrong."),
    }


class AcceptInvitationForm(forms.Form):
    """The invited person chooses their name and password."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, invitation: Invitation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invitation = invitation

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords differ."))
        elif password1:
            candidate = User(
                email=self.invitation.email, full_name=cleaned.get("full_name", "")
            )
            try:
                validate_password(password1, user=candidate)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


class InviteMsmeOwnerForm(forms.Form):
    """An officer registers an MSME and invites its owner."""

    email = forms.EmailField(label=_("Owner's e-mail"))
    business_name = forms.CharField(label=_("Business name"), max_length=200)
    regency = forms.ModelChoiceField(
        label=_("Regency or city"),
        queryset=Regency.objects.filter(province_id=LAMPUNG_PROVINCE_CODE),
        required=False,
    )

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].lower()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(
                _("Someone already signs in with this e-mail address.")
            )
        return email


class LanguageForm(forms.Form):
    """The interface language."""

    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class ApiTokenForm(forms.Form):
    """A name to recognise a new API token by."""

    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        required=False,
        help_text=_("For example the system that will use it."),
    )


class TotpCodeForm(forms.Form):
    """A six-digit code from an authenticator app."""

    code = forms.CharField(
        label=_("Six-digit code"),
        max_length=6,
        min_length=6,
        validators=[RegexValidator(r"^\d{6}$", _("Enter the six digits."))],
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": "[0-9]{6}",
                "autofocus": True,
            }
        ),
    )
