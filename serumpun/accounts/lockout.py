"""How django-axes names the account behind a sign-in attempt."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def client_username(
    request: HttpRequest, credentials: dict[str, Any] | None
) -> str | None:
    """The attempted e-mail address, lower-cased and trimmed.

    Sign-in ignores the case of an e-mail address, so the lockout must too: otherwise
    "Ani@x" and "ani@x" would each get their own allowance of failed attempts.
    """
    field = settings.AXES_USERNAME_FORM_FIELD
    raw = credentials.get(field) if credentials else request.POST.get(field)
    if not isinstance(raw, str):
        return None
    return raw.strip().lower() or None
